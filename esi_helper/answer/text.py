"""Turn a question (or an entry's text) into weighted search words, and find the codes written in it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from esi_helper.answer.lexicon import Lexicon, raw_tokens, stem

#: Questions longer than this are read only up to here (a pasted note is not a question).
MAX_CHARS = 600
MAX_TOKENS = 80

# Code shapes. The codes themselves always come from the knowledge base, never from this file.
CPT_RE = re.compile(r"(?<![a-z0-9.])\+?(\d{4}[0-9ft])(?![a-z0-9])")
HCPCS_RE = re.compile(r"(?<![a-z0-9.])([a-v]\d{4})(?![a-z0-9.])")
ICD_RE = re.compile(r"(?<![a-z0-9.])([a-wyz]\d[0-9a-z](?:\.[0-9a-z]{1,4}|\d[0-9a-z]{0,3})?)(?![a-z0-9])")
LEVEL_RE = re.compile(
    r"(?<![a-z0-9.])([ctls])(\d{1,2})(?:\s*(?:-|/|to|thru|through)\s*([ctls])?(\d{1,2}))?(?![a-z0-9.])"
)
_LEVEL_MAX = {"c": 8, "t": 12, "l": 5, "s": 5}
#: LCD and billing-article ids (L33906, A58745) look like undotted ICD-10 codes: they are not.
DOCUMENT_ID_RE = re.compile(r"^[al]\d{5}$")
ZIP_RE = re.compile(r"\bzip(?:\s*code)?\s*[:#]?\s*(\d{5})\b")
_MOD_LIST = r"([0-9a-z]{2})(?![0-9a-z])((?:\s*(?:,|/|&|and|or|vs\.?|versus|\+)\s*-?[0-9a-z]{2}(?![0-9a-z]))*)"
MODIFIER_RES = (
    re.compile(r"\bmod(?:ifier|ifer|s)?s?\s*[-#:]?\s*-?" + _MOD_LIST),
    re.compile(r"(?<![a-z0-9])-?([0-9a-z]{2})\s+mod(?:ifier|ifer)?s?\b()"),
    re.compile(r"(?<=\d)-([0-9a-z]{2})(?![0-9a-z])()"),
    re.compile(r"(?:^|\s|\()-([0-9a-z]{2})(?![0-9a-z])()"),
)
#: Letter + 4 digits is a HCPCS code (J3490) unless the letter opens an ICD-10-CM chapter billers write undotted
#: for ESIs (M5412, B0223); dotted codes are always ICD-10-CM.
UNDOTTED_ICD_LETTERS = "mb"
_PCT_RE = re.compile(r"(\d+)\s*(?:%|percent\b|pct\b)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(text: str, limit: int | None = MAX_CHARS) -> str:
    """NFKC, lower case, control characters and odd dashes replaced, cut to ``limit`` characters."""
    if limit is not None:
        text = unicodedata.normalize("NFKC", text[: limit * 2])[:limit]
    else:
        text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text).lower()
    return text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")


def icd_dotted(code: str) -> str:
    """``m5412`` -> ``M54.12``; dotted codes are only upper-cased."""
    code = code.upper()
    if "." not in code and len(code) > 3:
        code = code[:3] + "." + code[3:]
    return code


def is_level(letter: str, number: str) -> bool:
    """Whether ``letter``+``number`` names a vertebral level such as C5, T12, L4 or S1."""
    return 1 <= int(number) <= _LEVEL_MAX[letter]


@dataclass
class Found:
    """The codes, modifiers, spine levels and ZIP written in a question."""

    cpt: list[str] = field(default_factory=list)
    icd: list[str] = field(default_factory=list)
    modifiers: list[str] = field(default_factory=list)
    level_regions: list[str] = field(default_factory=list)
    levels: int = 0
    zip: str | None = None


def find_codes(text: str, known_codes: set[str], known_modifiers: set[str], levels: dict[str, str]) -> Found:
    """Read code-shaped strings from cleaned ``text``; knowledge-base sets decide ambiguous shapes."""
    found = Found()
    m = ZIP_RE.search(text)
    if m:
        found.zip = m.group(1)
        text = text[: m.start()] + " " + text[m.end() :]
    for m in LEVEL_RE.finditer(text):
        first, n1, second, n2 = m.groups()
        if not is_level(first, n1):
            continue
        found.levels += 1
        for letter in (first, second or first):
            region = levels.get(letter)
            if region and region not in found.level_regions:
                found.level_regions.append(region)
    for m in CPT_RE.finditer(text):
        _add(found.cpt, m.group(1).upper())
    for m in HCPCS_RE.finditer(text):
        code = m.group(1).upper()
        if code in known_codes or code[0] not in UNDOTTED_ICD_LETTERS:
            _add(found.cpt, code)
    for m in ICD_RE.finditer(text):
        raw = m.group(1)
        if DOCUMENT_ID_RE.match(raw):
            continue
        if raw.upper() in known_codes or (HCPCS_RE.fullmatch(raw) and raw[0] not in UNDOTTED_ICD_LETTERS):
            continue
        if len(raw) == 3 and raw[0] in _LEVEL_MAX and raw[1:].isdigit() and is_level(raw[0], raw[1:]):
            continue
        if "." not in raw and len(raw) == 3 and not raw[1:].isdigit():
            continue
        _add(found.icd, icd_dotted(raw))
    for pattern in MODIFIER_RES:
        for m in pattern.finditer(text):
            values = [m.group(1)] + re.findall(r"[0-9a-z]{2}(?![0-9a-z])", m.group(2) or "")
            for value in values:
                value = value.upper()
                if value in known_modifiers:
                    _add(found.modifiers, value)
    bare = {mod.lower() for mod in known_modifiers if mod.isalpha()}
    if bare:
        for token in raw_tokens(text):
            if token in bare:
                _add(found.modifiers, token.upper())
    return found


def _add(items: list[str], value: str) -> None:
    if value not in items:
        items.append(value)


@dataclass
class Normalised:
    """A question or entry after normalisation."""

    tokens: list[str]
    raw: list[str]
    out_of_scope: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    #: The words after the lexicon's rewrites, before stop words are dropped (for cue words such as "says").
    words: list[str] = field(default_factory=list)


class Normaliser:
    """Applies the lexicon: phrases, abbreviations, synonyms, typos, stop words and stemming."""

    def __init__(self, lexicon: Lexicon, vocabulary: set[str] | None = None):
        self.lexicon = lexicon
        self.vocabulary: set[str] = set(vocabulary or ()) | lexicon.words
        self._choices: dict[str, list[str]] = {}
        self._fix_cache: dict[str, str | None] = {}
        self._starts: dict[str, int] = {}
        for key in lexicon.rewrites:
            self._starts[key[0]] = max(self._starts.get(key[0], 0), len(key))

    def extend_vocabulary(self, words: set[str]) -> None:
        """Add words seen in the entries (typo correction aims at these)."""
        self.vocabulary |= words
        self._choices = {}
        self._fix_cache.clear()

    def words(self, text: str) -> list[str]:
        """Raw tokens of cleaned text, with percentages joined (``50%`` -> ``50pct``) and levels as regions."""
        text = _PCT_RE.sub(r" \1pct ", text)
        text = LEVEL_RE.sub(self._level_words, text)
        return raw_tokens(text)

    def _level_words(self, m: re.Match[str]) -> str:
        first, n1, second, n2 = m.groups()
        if not is_level(first, n1):
            return m.group(0)
        regions = {self.lexicon.levels.get(first, ""), self.lexicon.levels.get(second or first, "")}
        return " " + " ".join(sorted(r for r in regions if r)) + " level "

    def normalise(self, text: str, *, correct: bool = False, max_tokens: int | None = MAX_TOKENS) -> Normalised:
        """Normalise cleaned ``text``; with ``correct`` unknown words are typo-corrected to known ones."""
        lex = self.lexicon
        raw = self.words(text)
        if max_tokens is not None:
            raw = raw[: max_tokens * 2]
        unknown: list[str] = []
        fixed: list[str] = []
        for token in raw:
            token = lex.typos.get(token, token)
            if correct and token not in self.vocabulary and token not in lex.out_of_scope:
                guess = self.correct(token)
                if guess is None:
                    if token.isalpha():
                        unknown.append(token)
                else:
                    token = guess
            fixed.append(token)
        rewritten = self._rewrite(fixed)
        out_of_scope = [t for t in rewritten if t in lex.out_of_scope]
        tokens: list[str] = []
        for token in rewritten:
            if token in lex.stopwords:
                continue
            tokens.append(stem(token))
            if max_tokens is not None and len(tokens) >= max_tokens:
                break
        return Normalised(tokens, raw, out_of_scope, unknown, rewritten)

    def _rewrite(self, tokens: list[str]) -> list[str]:
        rewrites = self.lexicon.rewrites
        starts = self._starts
        out: list[str] = []
        i = 0
        n = len(tokens)
        while i < n:
            longest = starts.get(tokens[i], 0)
            for size in range(min(longest, n - i), 0, -1):
                key = tuple(tokens[i : i + size])
                replacement = rewrites.get(key)
                if replacement is not None:
                    out.extend(replacement)
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out

    def correct(self, token: str) -> str | None:
        """The closest known word to an unknown alphabetic ``token`` (None when nothing is close)."""
        if len(token) < 4 or not token.isalpha():
            return None
        if token in self._fix_cache:
            return self._fix_cache[token]
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        if not self._choices:
            by_letter: dict[str, list[str]] = {}
            for word in sorted(self.vocabulary):
                if word.isalpha() and len(word) >= 3:
                    by_letter.setdefault(word[0], []).append(word)
            self._choices = by_letter
        # Typos keep their first letter; longer words may hold one more slip (a transposition counts as one).
        max_distance = 1 if len(token) <= 8 else 2
        choices = self._choices.get(token[0], [])
        hit = process.extractOne(token, choices, scorer=OSA.distance, score_cutoff=max_distance)
        guess = hit[0] if hit else None
        if len(self._fix_cache) > 20000:
            self._fix_cache.clear()
        self._fix_cache[token] = guess
        return guess
