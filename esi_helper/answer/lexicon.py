"""The answer engine's lexicon (``knowledge/lexicon.toml``): synonyms, abbreviations, typos and word weights."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from esi_helper.kb.located import KnowledgeError, LocatedDoc, Problem
from esi_helper.kb.records import KnowledgeBase
from esi_helper.kb.schema import NOTE_TOPICS, PAYERS, REGIONS

LEXICON_FILE = "lexicon.toml"
#: Sections of lexicon.toml and the shape each must have.
SECTIONS: dict[str, str] = {
    "phrases": "word-map",
    "abbreviations": "word-map",
    "synonyms": "list-map",
    "typos": "word-map",
    "regions": "word-map",
    "levels": "word-map",
    "topics": "list-map",
    "settings": "list-map",
    "intent": "words",
    "weights": "number-map",
    "stopwords": "words",
    "followup": "followup",
    "out_of_scope": "words",
    "scope": "words",
    "alternatives": "words",
    "place_words": "words",
    "code_finder": "list-map",
    "myth_cues": "words",
    "starters": "words",
    "code_prefixes": "word-map",
    "places": "list-map",
    "payers": "list-map",
    "entry_topics": "list-map",
}
FINDER_KEYS = (
    "interlaminar",
    "transforaminal",
    "facet",
    "catheter",
    "ultrasound",
    "imaging",
    "without",
    "addon",
    "describes",
)
SETTINGS = ("office", "facility")
_RAW_TOKEN = re.compile(r"[a-z][0-9][0-9a-z]\.[0-9a-z]{1,4}|[a-z0-9]+")


def raw_tokens(text: str) -> list[str]:
    """Lower-case word tokens; ICD-10 codes keep their dot, other punctuation separates words."""
    return _RAW_TOKEN.findall(text.lower())


_STEMS: dict[str, str] = {}


def stem(token: str) -> str:
    """A light, deterministic suffix stripper, applied alike to questions and entries."""
    done = _STEMS.get(token)
    if done is not None:
        return done
    if len(_STEMS) > 50000:
        _STEMS.clear()
    _STEMS[token] = done = _stem(token)
    return done


def _stem(token: str) -> str:
    if len(token) <= 3 or not token.isalpha():
        return token
    if token.endswith(("ies", "ied")) and len(token) > 4:
        token = token[:-3] + "y"
    elif token.endswith("sses"):
        token = token[:-2]
    elif token.endswith("s") and not token.endswith(("ss", "us", "is")):
        token = token[:-1]
    if token.endswith("ing") and len(token) >= 7:
        token = token[:-3]
    elif token.endswith("ed") and len(token) >= 6:
        token = token[:-2]
    if token.endswith("e") and len(token) >= 5:
        token = token[:-1]
    return token


@dataclass
class Lexicon:
    """The normalisation data, with every key already split into raw tokens."""

    rewrites: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    typos: dict[str, str] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)
    topics: dict[str, frozenset[str]] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    intent: frozenset[str] = frozenset()
    weights: dict[str, float] = field(default_factory=dict)
    stopwords: frozenset[str] = frozenset()
    followup_starts: tuple[tuple[str, ...], ...] = ()
    pronouns: frozenset[str] = frozenset()
    out_of_scope: frozenset[str] = frozenset()
    scope: frozenset[str] = frozenset()
    alternatives: frozenset[str] = frozenset()
    place_words: frozenset[str] = frozenset()
    finder: dict[str, frozenset[str]] = field(default_factory=dict)
    myth_cues: frozenset[str] = frozenset()
    starters: tuple[str, ...] = ()
    code_prefixes: dict[str, str] = field(default_factory=dict)
    places: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    payers: dict[str, str] = field(default_factory=dict)
    entry_topics: dict[str, frozenset[str]] = field(default_factory=dict)
    max_phrase: int = 1

    @property
    def words(self) -> set[str]:
        """Every raw word the lexicon knows (keys and replacements), for typo correction."""
        known: set[str] = set(self.typos.values()) | set(self.stopwords) | set(self.intent) | set(self.myth_cues)
        known |= set(self.regions) | set(self.settings) | set(self.place_words)
        for words in (*self.topics.values(), *self.finder.values()):
            known.update(words)
        for key, value in self.rewrites.items():
            known.update(key)
            known.update(value)
        return known


def _stems(words: list[str] | tuple[str, ...]) -> frozenset[str]:
    return frozenset(stem(t) for w in words for t in raw_tokens(w))


def build_lexicon(data: dict[str, Any]) -> Lexicon:
    """Build a Lexicon from parsed TOML (assumed valid; see ``validate``)."""
    lex = Lexicon()
    rewrites: dict[tuple[str, ...], tuple[str, ...]] = {}

    def add(variant: str, replacement: str) -> None:
        key = tuple(raw_tokens(variant))
        if key and key not in rewrites:
            rewrites[key] = tuple(raw_tokens(replacement))

    for variant, replacement in data.get("phrases", {}).items():
        add(variant, replacement)
    for variant, replacement in data.get("abbreviations", {}).items():
        add(variant, replacement)
    for canonical, variants in data.get("synonyms", {}).items():
        for variant in variants:
            add(variant, canonical)
    lex.rewrites = rewrites
    lex.max_phrase = max((len(k) for k in rewrites), default=1)
    lex.typos = {k.lower(): v.lower() for k, v in data.get("typos", {}).items()}
    lex.regions = {stem(k.lower()): v for k, v in data.get("regions", {}).items()}
    lex.levels = {k.lower(): v for k, v in data.get("levels", {}).items()}
    lex.topics = {topic: _stems(words) for topic, words in data.get("topics", {}).items()}
    lex.settings = {stem(t): setting for setting, words in data.get("settings", {}).items() for t in _stems(words)}
    lex.intent = _stems(data.get("intent", {}).get("words", []))
    weights: dict[str, float] = {}
    for key, value in data.get("weights", {}).items():
        weights[key if key.startswith("#") else stem(key.lower())] = float(value)
    lex.weights = weights
    lex.stopwords = frozenset(w.lower() for w in data.get("stopwords", {}).get("words", []))
    follow = data.get("followup", {})
    lex.followup_starts = tuple(sorted((tuple(raw_tokens(s)) for s in follow.get("starts", [])), key=len, reverse=True))
    lex.pronouns = frozenset(w.lower() for w in follow.get("pronouns", []))
    lex.out_of_scope = frozenset(w.lower() for w in data.get("out_of_scope", {}).get("words", []))
    lex.scope = _stems(data.get("scope", {}).get("words", []))
    lex.alternatives = frozenset(w.lower() for w in data.get("alternatives", {}).get("words", []))
    lex.place_words = frozenset(w.lower() for w in data.get("place_words", {}).get("words", []))
    lex.finder = {key: _stems(words) for key, words in data.get("code_finder", {}).items()}
    lex.myth_cues = frozenset(w.lower() for w in data.get("myth_cues", {}).get("words", []))
    lex.starters = tuple(data.get("starters", {}).get("questions", []))
    lex.code_prefixes = {k.lower(): stem(v.lower()) for k, v in data.get("code_prefixes", {}).items()}
    lex.places = {tuple(raw_tokens(k)): tuple(v) for k, v in data.get("places", {}).items() if raw_tokens(k)}
    lex.payers = {t: payer for payer, words in data.get("payers", {}).items() for t in _stems(words)}
    lex.entry_topics = {
        topic: frozenset(w if w.startswith("#") else stem(w.lower()) for w in words)
        for topic, words in data.get("entry_topics", {}).items()
    }
    return lex


def lexicon_document(kb: KnowledgeBase) -> dict[str, Any]:
    """The parsed ``lexicon.toml``; empty when it is missing, unreadable or invalid (the engine still runs)."""
    try:
        doc = kb.document(LEXICON_FILE)
    except KnowledgeError:
        return {}
    if doc is None or validate(doc):
        return {}
    return doc.data


def load_lexicon(kb: KnowledgeBase) -> Lexicon:
    """The knowledge base's lexicon, or an empty one when ``lexicon.toml`` is missing or unreadable."""
    return build_lexicon(lexicon_document(kb))


def validate_kb(kb: KnowledgeBase) -> list[Problem]:
    """Problems in ``lexicon.toml`` (file and line each); empty when it is valid or absent."""
    doc = kb.document(LEXICON_FILE)
    if doc is None:
        return []
    return validate(doc)


def validate(doc: LocatedDoc) -> list[Problem]:
    """Check every section of a parsed lexicon file."""
    problems: list[Problem] = []
    for section, value in doc.data.items():
        line = doc.table_line(section) or doc.key_line(None, section)
        shape = SECTIONS.get(section)
        if shape is None:
            problems.append(doc.problem(f"unknown section [{section}] (allowed: {', '.join(SECTIONS)})", line))
            continue
        if not isinstance(value, dict):
            problems.append(doc.problem(f"[{section}] must be a table", line))
            continue
        problems.extend(_check_section(doc, section, shape, value))
    problems.extend(_check_rewrites(doc))
    return problems


def _check_rewrites(doc: LocatedDoc) -> list[Problem]:
    """A word or phrase rewritten two different ways (in [phrases], [abbreviations] or [synonyms]) is a problem."""
    problems: list[Problem] = []
    seen: dict[str, tuple[str, str]] = {}

    def note(section: str, key: str, variant: str, replacement: str) -> None:
        norm = " ".join(raw_tokens(variant))
        target = " ".join(raw_tokens(replacement))
        if not norm:
            return
        if norm in seen and seen[norm][1] != target:
            where, first = seen[norm]
            problems.append(
                doc.problem(
                    f"[{section}] '{variant}' becomes '{replacement}' here but '{first}' in [{where}]",
                    doc.key_line(section, key),
                )
            )
            return
        seen.setdefault(norm, (section, target))

    for section in ("phrases", "abbreviations"):
        table = doc.data.get(section)
        if isinstance(table, dict):
            for key, value in table.items():
                if isinstance(value, str):
                    note(section, key, key, value)
    synonyms = doc.data.get("synonyms")
    if isinstance(synonyms, dict):
        for canonical, variants in synonyms.items():
            if isinstance(variants, list):
                for variant in variants:
                    if isinstance(variant, str):
                        note("synonyms", canonical, variant, canonical)
    return problems


def _check_section(doc: LocatedDoc, section: str, shape: str, value: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(doc.problem(f"[{section}] {message}", doc.key_line(section, key)))

    if shape in ("words", "followup"):
        allowed = (
            ("starts", "pronouns") if shape == "followup" else ("questions",) if section == "starters" else ("words",)
        )
        for key, items in value.items():
            if key not in allowed:
                bad(key, f"unknown key '{key}' (allowed: {', '.join(allowed)})")
            elif not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
                bad(key, f"'{key}' must be a list of non-empty text")
        return problems
    for key, item in value.items():
        if not str(key).strip() or not raw_tokens(str(key)) and not key.startswith("#"):
            bad(key, f"key '{key}' has no words in it")
        if shape == "word-map":
            if not isinstance(item, str) or not item.strip():
                bad(key, f"'{key}' must map to non-empty text")
                continue
            if section == "regions" and item not in REGIONS:
                bad(key, f"'{key}' maps to '{item}', not a region ({', '.join(REGIONS)})")
            if section == "code_prefixes" and len(key) != 1:
                bad(key, f"'{key}' must be one letter (the first letter of a HCPCS code)")
            if section == "levels" and (item not in REGIONS or len(key) != 1):
                bad(key, f"'{key}' must be one letter mapping to a region ({', '.join(REGIONS)})")
        elif shape == "list-map":
            if not isinstance(item, list) or not all(isinstance(i, str) and i.strip() for i in item):
                bad(key, f"'{key}' must map to a list of non-empty text")
                continue
            if section == "topics" and key not in NOTE_TOPICS:
                bad(key, f"'{key}' is not a code-notes topic ({', '.join(NOTE_TOPICS)})")
            if section == "code_finder" and key not in FINDER_KEYS:
                bad(key, f"'{key}' is not a code-finder key ({', '.join(FINDER_KEYS)})")
            if section == "payers" and key not in PAYERS:
                bad(key, f"'{key}' is not a payer ({', '.join(PAYERS)})")
            if section == "settings" and key not in SETTINGS:
                bad(key, f"'{key}' is not a fee setting ({', '.join(SETTINGS)})")
        elif shape == "number-map":
            if isinstance(item, bool) or not isinstance(item, int | float) or not 0 < item <= 10:
                bad(key, f"'{key}' must be a number above 0 and at most 10")
    return problems
