"""The answer engine: structured intents first (codes, modifiers, ICD-10, pairings, fees), then fuzzy retrieval."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import replace

from esi_helper.answer import cache as answer_cache
from esi_helper.answer import dynamic
from esi_helper.answer.context import Conversation, Frame, is_followup, merge
from esi_helper.answer.lexicon import LEXICON_FILE, Lexicon, build_lexicon, lexicon_document, raw_tokens, stem
from esi_helper.answer.result import Answer, Result
from esi_helper.answer.retrieval import Index
from esi_helper.answer.text import CPT_RE, HCPCS_RE, Normaliser, clean, find_codes, icd_dotted
from esi_helper.kb.records import CodeEntry, Entry, KnowledgeBase

#: A best answer scoring at least this is "confident" (chosen on tests/data/questions.toml; see the tests).
THRESHOLD = 0.44
#: Answers scoring below this are not shown at all.
FLOOR = 0.2
#: Base scores of the structured answers, before the penalty for words they do not explain.
PAIRING_SCORE = 0.99
FEE_SCORE = 0.95
CARD_SCORE = 0.95
TOPIC_SCORE = 0.93
MODIFIER_SCORE = 0.93
ICD_SCORE = 0.93
TWO_CODES_SCORE = 0.65
FINDER_SCORE = 0.9
ICD_SEARCH_SCORE = 0.72
NEAR_MISS_SCORE = 0.4
#: How much the unexplained share of a question lowers a structured answer.
RESIDUAL_PENALTY = 0.6
#: Static scores are multiplied by this when the question names something outside ESI billing.
OUT_OF_SCOPE_FACTOR = 0.5
#: Static scores shrink by this times the share of the question made of words nobody knows ("fusion", "collar").
UNKNOWN_PENALTY = 0.6
#: A short follow-up ("and the modifier?") asked with nothing before it is ambiguous: its answers count less.
DANGLING_FACTOR = 0.5
#: When the structured answer leaves at most this share of the question unexplained, it stays on top.
CAP_RESIDUAL = 0.1
CAP_MIN = 0.85
#: Small preferences between entry kinds that match a question equally well: an FAQ answers a question,
#: a myth answers a claim (and gets MYTH_CUE_BONUS when the question repeats something heard or read).
KIND_PRIOR = {"faq": 0.03, "rule": 0.015, "code": 0.01, "modifier": 0.01, "diagnosis": 0.01, "myth": -0.05}
MYTH_CUE_BONUS = 0.12
_UNDOTTED_ICD = re.compile(r"^[a-z]\d[0-9a-z]\d{1,4}$")


class Engine:
    """Answers billers' questions from one knowledge base; indexes are built once, here."""

    def __init__(self, kb: KnowledgeBase, *, threshold: float = THRESHOLD, cache: bool = True):
        self.kb = kb
        self.threshold = threshold
        self._modifier_tokens = {m.lower() for m in kb.modifiers}
        self._code_set = set(kb.codes)
        self._modifier_set = set(kb.modifiers)
        lexicon_path = kb.root / LEXICON_FILE if kb.root is not None else None
        try:
            lexicon_bytes = lexicon_path.read_bytes() if lexicon_path is not None else b""
        except OSError:
            lexicon_bytes = b""
        key = answer_cache.fingerprint(kb, lexicon_bytes) if cache else ""
        cached = answer_cache.load(kb, key) if cache else None
        if cached is not None:
            try:
                self.lexicon: Lexicon = build_lexicon(cached["lexicon"])
                self.normaliser = Normaliser(self.lexicon, set(cached["vocabulary"]))
                self.index = Index.from_data(cached["index"], kb.entries, self._lexicon_weight)
            except (KeyError, TypeError, ValueError):
                cached = None
        if cached is None:
            lexicon_data = lexicon_document(kb)
            self.lexicon = build_lexicon(lexicon_data)
            self.normaliser = Normaliser(self.lexicon)
            seen_raw: set[str] = set()

            def normalise_entry(text: str) -> list[str]:
                result = self.normaliser.normalise(clean(text, None), max_tokens=None)
                seen_raw.update(result.raw)
                return result.tokens

            self.index = Index.build(kb.entries.values(), normalise_entry, self._lexicon_weight)
            vocabulary = {w for w in seen_raw if w.isalpha()}
            self.normaliser.extend_vocabulary(vocabulary)
            if cache:
                data = {"lexicon": lexicon_data, "vocabulary": sorted(vocabulary), "index": self.index.to_data()}
                answer_cache.save(kb, key, data)
        self._region_tokens = set(self.lexicon.regions)
        self._topic_tokens = {t for words in self.lexicon.topics.values() for t in words}
        self._explained = self._region_tokens | self._topic_tokens | set(self.lexicon.settings) | self.lexicon.intent
        self.fees = dynamic.FeeRouter(kb)
        self._icd_categories = dynamic.icd_categories(kb)
        self._titles = {s.id: s.title for s in kb.sources.values()}
        self._completions: list[tuple[str, str]] | None = None
        self._questions: list[str] = []
        self._icd_searches: dict[str, Answer | None] = {}

    # -- public API --------------------------------------------------------------------------------

    def ask(self, question: str, conversation: Conversation | None = None, top: int = 3) -> Result:
        """Answer one question; with a ``conversation`` a follow-up is read against the previous turn."""
        if not isinstance(question, str):
            question = str(question)
        top = max(1, top)
        frame = self.parse(question)
        previous = conversation.last if conversation is not None else None
        if is_followup(frame, previous, self.lexicon.followup_starts, self.lexicon.pronouns):
            assert previous is not None
            frame = merge(frame, previous, self.swap_region)
            if frame.regions:
                frame.context_tokens = [t for t in frame.context_tokens if t not in self._region_tokens]
        elif previous is None and not frame.has_anchor and self._starts_like_followup(frame):
            frame.dangling = True
        answers, near = self._answers(frame)
        best = answers[0] if answers else None
        confident = best is not None and best.score >= self.threshold and not near
        shown = [a for a in answers if a.score >= FLOOR][:top]
        suggestions = self._suggestions(frame, shown, confident, near)
        if conversation is not None:
            conversation.remember(frame, best.id if best is not None and confident else None)
        return Result(question, confident, shown, suggestions, self._titles, self.kb.version)

    def complete(self, prefix: str, limit: int = 10) -> list[str]:
        """Completions for what the user is typing: codes, modifiers and known question phrasings."""
        if not isinstance(prefix, str) or not prefix.strip():
            return []
        if self._completions is None:
            self._completions = self._build_completions()
        head, _, last = prefix.rpartition(" ")
        out: list[str] = []
        key = last.lower()
        if key:
            i = bisect.bisect_left(self._completions, (key, ""))
            while i < len(self._completions) and self._completions[i][0].startswith(key) and len(out) < limit:
                word = self._completions[i][1]
                candidate = f"{head} {word}".strip() if head else word
                if candidate.lower() != prefix.lower() and candidate not in out:
                    out.append(candidate)
                i += 1
        whole = prefix.lower()
        if len(whole) >= 3 and len(out) < limit:
            for question in self._questions:
                if question.lower().startswith(whole) and question not in out:
                    out.append(question)
                    if len(out) >= limit:
                        break
        return out

    # -- reading the question ----------------------------------------------------------------------

    def parse(self, question: str) -> Frame:
        """Read codes, regions, topics and search words from one question."""
        text = clean(question)
        found = find_codes(text, self._code_set, self._modifier_set, self.lexicon.levels)
        norm = self.normaliser.normalise(text, correct=True)
        tokens = [
            icd_dotted(t).lower() if _UNDOTTED_ICD.match(t) and icd_dotted(t) in found.icd else t for t in norm.tokens
        ]
        known = [c for c in found.cpt if c in self.kb.codes]
        unknown = [c for c in found.cpt if c not in self.kb.codes]
        unknown_words = list(norm.unknown)
        for code in unknown:
            token = code.lower()
            if token in self.index.idf:
                continue
            # A code no entry mentions carries no search words; its class (a J-code) may.
            tokens = [t for t in tokens if t != token]
            word = self.lexicon.code_prefixes.get(token[0])
            if word and not token.isdigit():
                tokens.append(word)
            else:
                unknown_words.append(token)
        regions: list[str] = []
        for token in tokens:
            region = self.lexicon.regions.get(token)
            if region and region not in regions:
                regions.append(region)
        for region in found.level_regions:
            if region not in regions:
                regions.append(region)
        topics = [topic for topic, words in self.lexicon.topics.items() if any(t in words for t in tokens)]
        topics.sort(key=lambda topic: min(i for i, t in enumerate(tokens) if t in self.lexicon.topics[topic]))
        setting = next((self.lexicon.settings[t] for t in tokens if t in self.lexicon.settings), None)
        modifiers = found.modifiers
        if "payment" in topics:
            modifiers = [m for m in modifiers if m.lower() not in self.lexicon.place_words]
        return Frame(
            text=text,
            tokens=tokens,
            raw=norm.raw,
            cpt=known,
            unknown_codes=unknown,
            icd=found.icd,
            modifiers=modifiers,
            regions=regions,
            topics=topics,
            setting=setting,
            zip=found.zip,
            levels=found.levels,
            out_of_scope=norm.out_of_scope,
            unknown_words=unknown_words,
        )

    def swap_region(self, codes: list[str], region: str) -> list[str]:
        """The same kind of code for another spine region (62321 -> 62323 for lumbar), where one exists."""
        out: list[str] = []
        for code in codes:
            entry = self.kb.codes.get(code)
            if entry is None or region in entry.region:
                out.append(code)
                continue
            twin = next(
                (
                    c.code
                    for c in self.kb.codes.values()
                    if c.family == entry.family
                    and c.imaging == entry.imaging
                    and c.addon == entry.addon
                    and c.status == entry.status
                    and region in c.region
                ),
                None,
            )
            out.append(twin or code)
        return out

    # -- answering ---------------------------------------------------------------------------------

    def _answers(self, frame: Frame) -> tuple[list[Answer], list[CodeEntry]]:
        found: dict[str, Answer] = {}

        def add(answer: Answer | None) -> None:
            if answer is None:
                return
            old = found.get(answer.id)
            if old is None or answer.score > old.score:
                found[answer.id] = answer

        structured, residual = self._structured(frame)
        for answer in structured:
            add(answer)
        # A question fully explained by its codes and topic keeps the structured answer on top.
        top_structured = max((a.score for a in structured), default=0.0)
        cap = top_structured - 0.02 if residual <= CAP_RESIDUAL and top_structured >= CAP_MIN else 1.0
        factor = 1.0 - UNKNOWN_PENALTY * self._unknown_share(frame)
        if frame.dangling:
            factor *= DANGLING_FACTOR
        foreign = self._foreign_words(frame) if frame.out_of_scope and not frame.has_anchor else set()
        myth_bonus = MYTH_CUE_BONUS if any(t in self.lexicon.myth_cues for t in frame.raw) else 0.0
        hits = self.index.search(frame.tokens, top=10, context=frame.context_tokens)
        for hit in hits:
            entry = self.kb.entries[hit.entry_id]
            prior = myth_bonus + KIND_PRIOR["myth"] if entry.kind == "myth" else KIND_PRIOR.get(entry.kind, 0.0)
            scale = factor
            if foreign and not foreign & self.index.docs_tokens(hit.entry_id):
                scale *= OUT_OF_SCOPE_FACTOR
            add(_entry_answer(entry, min(cap, min(1.0, hit.score + prior) * scale)))
        near: list[CodeEntry] = []
        if frame.unknown_codes and not frame.cpt:
            mentioned = any(
                code.lower() in self.index.docs_tokens(hit.entry_id) for hit in hits[:1] for code in frame.unknown_codes
            )
            if not mentioned:
                near = self._near_codes(frame.unknown_codes[0])
                for rank, entry in enumerate(near[:3]):
                    add(_near_answer(frame.unknown_codes[0], entry, NEAR_MISS_SCORE - 0.01 * rank))
        answers = sorted(found.values(), key=lambda a: (-a.score, a.id))
        return answers, near

    def _structured(self, frame: Frame) -> tuple[list[Answer], float]:
        """Answers read from the question's codes, topics and modifiers, and the share of it they leave unexplained."""
        codes = [self.kb.codes[c] for c in frame.cpt]
        finder = False
        if not codes and not frame.icd:
            inferred = self._find_code(frame)
            if inferred is not None:
                codes, finder = [inferred], True
                frame = replace(frame, topics=[t for t in frame.topics if t != "imaging"])
        residual = self._residual(frame, finder=finder)
        answers = self._structured_answers(frame, codes, residual, finder)
        return [a for a in answers if a is not None], residual

    def _structured_answers(
        self, frame: Frame, codes: list[CodeEntry], residual: float, finder: bool
    ) -> list[Answer | None]:
        kb = self.kb

        def score(base: float, weight: float = RESIDUAL_PENALTY) -> float:
            return max(0.0, base - weight * residual)

        if codes and frame.icd:
            first = score(PAIRING_SCORE, 0.3)
            return [
                dynamic.pairing(kb, codes[0], frame.icd[0], first),
                *(dynamic.pairing(kb, codes[0], extra, first - 0.1) for extra in frame.icd[1:3]),
                *(dynamic.pairing(kb, extra, frame.icd[0], first - 0.1) for extra in codes[1:2]),
                dynamic.code_card(codes[0], 0.45),
            ]
        if frame.icd:
            base = ICD_SCORE if len(frame.icd) == 1 else TWO_CODES_SCORE
            return [
                dynamic.icd_lookup(kb, code, score(base) - (0.05 if i else 0.0)) for i, code in enumerate(frame.icd[:3])
            ]
        if codes:
            return self._code_answers(frame, codes, score, finder)
        if frame.modifiers:
            base = MODIFIER_SCORE if len(frame.modifiers) == 1 else TWO_CODES_SCORE
            return [
                dynamic.modifier_card(kb.modifiers[value], score(base) - 0.05 * rank)
                for rank, value in enumerate(frame.modifiers[:2])
            ]
        if "diagnosis" in frame.topics and self._names_condition(frame):
            words = self._condition_words(frame)
            if words:
                factor = OUT_OF_SCOPE_FACTOR if frame.out_of_scope else 1.0
                return [self._icd_search(words, ICD_SEARCH_SCORE * factor)]
        return []

    def _code_answers(
        self, frame: Frame, codes: list[CodeEntry], score: Callable[[float], float], finder: bool
    ) -> list[Answer | None]:
        """Answers for a question about one or two CPT/HCPCS codes: modifier, topic, bundling or the card."""
        kb = self.kb
        code = codes[0]
        out: list[Answer | None] = []
        if frame.modifiers:
            base = MODIFIER_SCORE if len(frame.modifiers) == 1 else TWO_CODES_SCORE
            for rank, value in enumerate(frame.modifiers[:2]):
                out.append(dynamic.modifier_on_code(kb.modifiers[value], code, score(base) - 0.05 * rank))
            out.append(dynamic.code_card(code, score(CARD_SCORE) - 0.3))
            return out
        if frame.topics:
            if len(codes) > 1 and "bundling" in frame.topics:
                out.append(dynamic.bundling(codes[0], codes[1], score(TOPIC_SCORE)))
            for topic in frame.topics:
                if topic == "payment":
                    place = frame.text if frame.unknown_words or frame.context_tokens else None
                    out.append(self.fees.answer(code, frame.setting, place, frame.zip, score(FEE_SCORE)))
                    break
                note = dynamic.code_topic(code, topic, score(TOPIC_SCORE))
                if note is not None:
                    out.append(note)
                    break
            out.append(dynamic.code_card(code, score(CARD_SCORE) - 0.35))
            return out
        if len(codes) > 1:
            return [
                dynamic.bundling(codes[0], codes[1], score(TWO_CODES_SCORE)),
                dynamic.code_card(codes[0], score(TWO_CODES_SCORE) - 0.05),
                dynamic.code_card(codes[1], score(TWO_CODES_SCORE) - 0.1),
            ]
        return [dynamic.code_card(code, score(FINDER_SCORE if finder else CARD_SCORE))]

    def _icd_search(self, words: str, score: float) -> Answer | None:
        """An ICD-10-CM word search, remembered per wording (the code set's search is the slow part)."""
        if words not in self._icd_searches:
            if len(self._icd_searches) > 256:
                self._icd_searches.clear()
            self._icd_searches[words] = dynamic.icd_search(self.kb, words, 1.0, self._icd_categories)
        found = self._icd_searches[words]
        return replace(found, score=found.score * score) if found is not None else None

    def _find_code(self, frame: Frame) -> CodeEntry | None:
        """The one code a description names ("lumbar tfesi single level" -> the lumbar transforaminal code)."""
        finder = self.lexicon.finder
        tokens = set(frame.tokens)

        def has(key: str) -> bool:
            return bool(tokens & finder.get(key, frozenset()))

        approaches = [a for a in ("interlaminar", "transforaminal", "facet") if has(a)]
        catheter = has("catheter")
        if not approaches and not catheter and has("imaging") and has("addon"):
            addons = [c for c in self.kb.codes.values() if c.family == "imaging" and c.addon]
            return addons[0] if len(addons) == 1 else None
        if frame.levels > 1 or len(approaches) > 1 or not frame.regions or (not approaches and not catheter):
            return None
        approach = approaches[0] if approaches else "interlaminar"
        if has("ultrasound"):
            imaging: str | None = "ultrasound"
        elif has("without") and has("imaging"):
            imaging = "none"
        elif has("imaging"):
            imaging = "fluoroscopy-or-ct"
        else:
            imaging = None
        addon = has("addon")
        families = {"interlaminar": "interlaminar", "transforaminal": "transforaminal", "facet": "facet"}
        family = "interlaminar-catheter" if catheter and approach == "interlaminar" else families[approach]
        if family == "transforaminal" and imaging == "ultrasound":
            family = "transforaminal-us"
        found = [
            c
            for c in self.kb.codes.values()
            if c.family == family
            and c.addon == addon
            and all(r in c.region for r in frame.regions)
            and (imaging is None or c.imaging == imaging)
        ]
        return found[0] if len(found) == 1 else None

    def _residual(self, frame: Frame, *, finder: bool = False) -> float:
        """Share (by weight) of the question's words that a structured answer does not explain."""
        codes = {c.lower() for c in frame.cpt} | {c.lower() for c in frame.icd}
        codes |= {m.lower() for m in frame.modifiers}
        if finder:
            codes |= {t for words in self.lexicon.finder.values() for t in words} | {"level"}
        total = 0.0
        left = 0.0
        for token in dict.fromkeys(frame.tokens):
            w = self.index.weight(token)
            total += w
            if token in codes or token in self._explained:
                continue
            left += w
        return left / total if total else 0.0

    def _starts_like_followup(self, frame: Frame) -> bool:
        """Whether the question opens like a follow-up ("and the modifier?", "what about lumbar?")."""
        raw = tuple(frame.raw)
        return len(frame.tokens) <= 3 and any(raw[: len(s)] == s for s in self.lexicon.followup_starts if s)

    def _foreign_words(self, frame: Frame) -> set[str]:
        """The out-of-scope words of a question, as entries would spell them after normalisation."""
        words: set[str] = set()
        for word in frame.out_of_scope:
            words.add(stem(word))
            fixed = self.normaliser.correct(word)
            if fixed:
                words.add(stem(fixed))
        return words

    def _unknown_share(self, frame: Frame) -> float:
        """Share (by weight) of the question made of words and codes that neither the lexicon nor any entry knows."""
        if not frame.unknown_words:
            return 0.0
        unknown = {stem(w) for w in frame.unknown_words}
        weights = {t: self.index.weight(t) for t in dict.fromkeys([*frame.tokens, *unknown])}
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t in unknown) / total if total else 0.0

    def _names_condition(self, frame: Frame) -> bool:
        """Whether the question names a condition (not only a region and a procedure) to look up."""
        skip = self._explained | {t for words in self.lexicon.finder.values() for t in words} | {"level", "esi"}
        return any(t not in skip and not t.isdigit() for t in frame.tokens)

    def _condition_words(self, frame: Frame) -> str:
        """The words of a "which ICD-10 for <condition>" question that describe the condition."""
        skip = self.lexicon.stopwords | {"icd", "icd10", "dx", "code", "codes", "diagnosis", "diagnoses", "cm"}
        words = []
        for word in frame.raw:
            if word in skip or word.isdigit() or len(word) < 3:
                continue
            norm = stem(word)
            if norm in self.lexicon.intent or norm in self.lexicon.topics.get("diagnosis", ()):
                continue
            words.append(word)
        return " ".join(words[:8])

    def _near_codes(self, code: str) -> list[CodeEntry]:
        """Knowledge-base codes one edit away from ``code`` (transposed digits first, active codes first)."""
        from rapidfuzz.distance import OSA

        ranked: list[tuple[int, int, str, CodeEntry]] = []
        for known, entry in self.kb.codes.items():
            if len(known) != len(code):
                continue
            distance = OSA.distance(code, known)
            if distance == 1:
                transposed = 0 if sorted(known) == sorted(code) else 1
                ranked.append((transposed, 0 if entry.status == "active" else 1, known, entry))
        ranked.sort(key=lambda r: r[:3])
        return [r[3] for r in ranked]

    def _suggestions(self, frame: Frame, answers: list[Answer], confident: bool, near: list[CodeEntry]) -> list[str]:
        if near:
            return [f"Did you mean {e.code}? ({e.title.split(': ', 1)[-1]})" for e in near[:3]]
        if confident:
            best = self.kb.entries.get(answers[0].id) if answers else None
            related = [self.kb.entries[r].title for r in (best.related if best else ()) if r in self.kb.entries]
            return related[:3]
        hits = [a.title for a in answers if a.score >= FLOOR]
        if len(hits) < 3:
            more = self.index.search(frame.tokens, top=6, context=frame.context_tokens)
            for hit in more:
                title = self.kb.entries[hit.entry_id].title
                if title not in hits and hit.score >= 0.15:
                    hits.append(title)
        for starter in self.lexicon.starters:
            if len(hits) >= 3:
                break
            if starter not in hits:
                hits.append(starter)
        return hits[:3]

    def _lexicon_weight(self, token: str) -> float:
        weights = self.lexicon.weights
        if CPT_RE.fullmatch(token) or HCPCS_RE.fullmatch(token):
            return weights.get("#code", 1.0)
        if "." in token and token[:1].isalpha():
            return weights.get("#icd", 1.0)
        if token in self._modifier_tokens:
            return weights.get("#modifier", 1.0)
        return weights.get(token, 1.0)

    def _build_completions(self) -> list[tuple[str, str]]:
        words: dict[str, str] = {}
        for code in self.kb.codes:
            words[code.lower()] = code
        for modifier in self.kb.modifiers:
            words.setdefault(f"mod{modifier.lower()}", f"modifier {modifier}")
        for key in self.lexicon.rewrites:
            if len(key) == 1 and key[0].isalpha() and len(key[0]) > 2:
                words.setdefault(key[0], key[0])
        for entry in self.kb.entries.values():
            for word in raw_tokens(" ".join(entry.keywords)):
                if len(word) > 3:
                    words.setdefault(word, word)
        self._questions = sorted({q for e in self.kb.entries.values() for q in e.questions}, key=str.lower)
        return sorted(words.items())


def _entry_answer(entry: Entry, score: float) -> Answer:
    return Answer(entry.id, entry.kind, entry.title, entry.text, score, entry.citations)


def _near_answer(typed: str, entry: CodeEntry, score: float) -> Answer:
    text = f"**{typed} is not a code in the knowledge base. Did you mean {entry.code}?**\n\n{entry.text}"
    return Answer(entry.id, entry.kind, f"Did you mean {entry.code}?", text, score, entry.citations)
