"""The answer engine: structured intents first (codes, modifiers, ICD-10, pairings, fees), then fuzzy retrieval."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import replace

from esi_helper.answer import cache as answer_cache
from esi_helper.answer import dynamic
from esi_helper.answer.codes import CodeFinder
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
#: Two codes compared ("62324 vs 62325"), answered by the card of the one whose text tells them apart.
COMPARE_SCORE = 0.85
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
#: Answers about a code the rest of the question contradicts (another region, imaging or approach) count less.
CONFLICT_FACTOR = 0.7
#: A question that repeats a claim is answered by the entry on that claim: computed answers count this much less.
CLAIM_FACTOR = 0.85
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
        # the region names only qualify a question: a general entry holds for every region ("caudal", which the
        # lexicon also reads as a region, names an approach and is not a mere qualifier)
        self.index.set_qualifiers(frozenset(t for t, region in self.lexicon.regions.items() if t == stem(region)))
        self._topic_tokens = {t for words in self.lexicon.topics.values() for t in words}
        self._explained = self._region_tokens | self._topic_tokens | set(self.lexicon.settings) | self.lexicon.intent
        self.fees = dynamic.FeeRouter(kb, self.lexicon.places)
        self._known_words = self._single_words()
        self.finder = CodeFinder(kb, self.lexicon, self.index)
        self._code_words = self.finder.words
        self._alternative_words = frozenset(stem(w) for w in self.lexicon.alternatives)
        self._icd_categories = dynamic.icd_categories(kb)
        self._titles = {s.id: s.title for s in kb.sources.values()}
        self._completions: list[tuple[str, str]] | None = None
        self._questions: list[str] = []
        self._icd_searches: dict[str, Answer | None] = {}
        self._code_of = {entry.id: code for code, entry in kb.codes.items()}
        self._regions_of: dict[str, frozenset[str]] = {}

    # -- public API --------------------------------------------------------------------------------

    def ask(self, question: str, conversation: Conversation | None = None, top: int = 3) -> Result:
        """Answer one question; with a ``conversation`` a follow-up is read against the previous turn."""
        if not isinstance(question, str):
            question = str(question)
        top = max(1, top)
        frame = self.parse(question)
        previous = conversation.last if conversation is not None else None
        fragment = self._describes_code(frame)
        procedure = bool(set(frame.tokens) & self.finder.approach_words)
        starts, pronouns = self.lexicon.followup_starts, self.lexicon.pronouns
        if is_followup(frame, previous, starts, pronouns, fragment, procedure):
            assert previous is not None
            frame = merge(frame, previous, self.follow_codes)
            if frame.cpt != previous.cpt:
                # the words that changed the code ("and under ultrasound?") asked for that code, not a topic of it
                frame.topics = [t for t in frame.topics if not self._lexicon_topic_describes(t, frame)]
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
            code = self._code_of.get(best.id) if best is not None and confident else None
            if code is not None and frame.cpt != [code]:
                frame = replace(frame, cpt=[code])
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
            claim=any(w in self.lexicon.myth_cues for w in norm.words),
            region_choice=self._region_choice(norm.words),
        )

    def swap_region(self, codes: list[str], region: str) -> list[str]:
        """The same kind of code for another spine region (62321 -> 62323 for lumbar), where one exists."""
        return self.follow_codes(codes, Frame(regions=[region]))

    def follow_codes(self, codes: list[str], frame: Frame) -> list[str]:
        """The previous turn's codes changed as a follow-up asks: another region, with or without imaging, the
        add-on level, a catheter, another approach ("what about lumbar?", "and without fluoro?", "and the add-on?").
        """
        wanted = self.finder.wanted(frame)
        out: list[str] = []
        for code in codes:
            entry = self.kb.codes.get(code)
            changed = self.finder.transform(entry, frame, wanted) if entry is not None else None
            out.append(changed.code if changed is not None else code)
        return list(dict.fromkeys(out))

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
        scoped = self._in_scope(frame)
        # Words outside ESI billing ("colonoscopy", "si joint") count against every answer that does not itself
        # use them; without an ESI word or a knowledge-base code they count against every answer.
        foreign = self._foreign_words(frame) if frame.out_of_scope and not self._anchored(frame) else set()

        # "Is T12-L1 thoracic or lumbar?": only an entry about both regions could answer which one applies.
        choice = set(frame.regions) if frame.region_choice and not (frame.cpt or frame.icd) else set()

        def off_topic(entry_id: str) -> bool:
            if choice and not choice <= self._entry_regions(entry_id):
                return True
            return bool(foreign) and (not scoped or not foreign & self.index.docs_tokens(entry_id))

        # A code the knowledge base does not describe, asked about with nothing else of ESI billing, is out of scope.
        foreign_code = bool(frame.unknown_codes) and not scoped
        structured = [
            replace(a, score=a.score * OUT_OF_SCOPE_FACTOR) if off_topic(a.id) or foreign_code else a
            for a in structured
        ]
        if frame.claim:
            structured = [replace(a, score=a.score * CLAIM_FACTOR) for a in structured]
        for answer in structured:
            add(answer)
        # A question fully explained by its codes and topic keeps the structured answer on top.
        top_structured = max((a.score for a in structured), default=0.0)
        cap = top_structured - 0.02 if residual <= CAP_RESIDUAL and top_structured >= CAP_MIN else 1.0
        factor = 1.0 - UNKNOWN_PENALTY * self._unknown_share(frame)
        if frame.dangling:
            factor *= DANGLING_FACTOR
        if foreign_code:
            factor *= OUT_OF_SCOPE_FACTOR
        myth_bonus = MYTH_CUE_BONUS if frame.claim else 0.0
        hits = self.index.search(frame.tokens, top=10, context=frame.context_tokens)
        for hit in hits:
            entry = self.kb.entries[hit.entry_id]
            prior = myth_bonus + KIND_PRIOR["myth"] if entry.kind == "myth" else KIND_PRIOR.get(entry.kind, 0.0)
            scale = factor * (OUT_OF_SCOPE_FACTOR if off_topic(hit.entry_id) else 1.0)
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
            inferred = self.finder.find(frame)
            if inferred is not None:
                codes, finder = [inferred], True
                frame = replace(frame, topics=[t for t in frame.topics if t != "imaging"])
        residual = self._residual(frame, finder=finder)
        answers = [a for a in self._structured_answers(frame, codes, residual, finder) if a is not None]
        if len(codes) == 1 and not finder and not frame.followup and not frame.icd:
            # "still 64483 under ultrasound?", "62321 for a lumbar interlaminar": the code named is not the one the
            # rest of the question describes, so its own card does not settle the question
            if self.finder.transform(codes[0], frame) is not None:
                answers = [replace(a, score=a.score * CONFLICT_FACTOR) for a in answers]
        return answers, residual

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
        if len(codes) > 1:
            # "62320 or 62321 when fluoro was used": answer for the code the rest of the question describes
            wanted = self.finder.wanted(frame)
            described = [c for c in codes if self.finder.transform(c, frame, wanted) is None]
            if len(described) == 1:
                codes = described + [c for c in codes if c is not described[0]]
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
                    places, asked = self._place_spans(frame), " ".join(self._place_words(frame))
                    out.append(self.fees.answer(code, frame.setting, places, frame.zip, score(FEE_SCORE), asked))
                    break
                note = dynamic.code_topic(code, topic, score(TOPIC_SCORE))
                if note is not None:
                    out.append(note)
                    break
            out.append(dynamic.code_card(code, score(CARD_SCORE) - 0.35))
            return out
        if len(codes) > 1:
            together = dynamic.bundling(codes[0], codes[1], score(TWO_CODES_SCORE))
            compared = None if together is not None else self._comparison(frame, codes[0], codes[1])
            return [
                together,
                compared,
                dynamic.code_card(codes[0], score(TWO_CODES_SCORE) - 0.05),
                dynamic.code_card(codes[1], score(TWO_CODES_SCORE) - 0.1),
            ]
        return [dynamic.code_card(code, score(FINDER_SCORE if finder else CARD_SCORE))]

    def _comparison(self, frame: Frame, first: CodeEntry, second: CodeEntry) -> Answer | None:
        """A comparison of two codes ("62324 vs 62325"): the card of a code whose text tells it from the other one,
        preferring the code the rest of the question describes ("cervical ILESI under fluoro: 62320 or 62321?")."""
        wanted = self.finder.wanted(frame)
        described = [c for c in (first, second) if self.finder.transform(c, frame, wanted) is None]
        for code, other in ((first, second), (second, first)):
            if code in described and re.search(rf"(?<![0-9A-Z]){re.escape(other.code)}(?![0-9A-Z])", code.text):
                left = self._residual(frame, explained=self._alternative_words | self._code_words)
                return dynamic.code_card(code, max(0.0, COMPARE_SCORE - RESIDUAL_PENALTY * left))
        return None

    def _icd_search(self, words: str, score: float) -> Answer | None:
        """An ICD-10-CM word search, remembered per wording (the code set's search is the slow part)."""
        if words not in self._icd_searches:
            if len(self._icd_searches) > 256:
                self._icd_searches.clear()
            self._icd_searches[words] = dynamic.icd_search(self.kb, words, 1.0, self._icd_categories)
        found = self._icd_searches[words]
        return replace(found, score=found.score * score) if found is not None else None

    def _residual(self, frame: Frame, *, finder: bool = False, explained: frozenset[str] = frozenset()) -> float:
        """Share (by weight) of the question's words that a structured answer does not explain."""
        codes = {c.lower() for c in frame.cpt} | {c.lower() for c in frame.icd} | explained
        codes |= {m.lower() for m in frame.modifiers}
        if finder or (frame.followup and frame.cpt):
            # words that describe a code (its approach, imaging, add-on level) are explained by the code found
            codes |= self._code_words
        if "payment" in frame.topics:
            for word in self._place_words(frame):
                # a place may have been "corrected" to a near word ("seattle" -> "settle")
                codes |= {stem(word), stem(self.normaliser.correct(word) or word)}
            codes |= self.lexicon.place_words | ({frame.zip} if frame.zip else set())
        total = 0.0
        left = 0.0
        for token in dict.fromkeys(frame.tokens):
            w = self.index.weight(token)
            total += w
            if token in codes or token in self._explained:
                continue
            left += w
        return left / total if total else 0.0

    def _single_words(self) -> set[str]:
        """Words the lexicon knows on their own (not only inside a phrase such as "new patient")."""
        lex = self.lexicon
        known = set(lex.stopwords) | set(lex.intent) | set(lex.myth_cues) | set(lex.regions) | set(lex.settings)
        known |= set(lex.place_words) | set(lex.typos) | set(lex.typos.values()) | set(lex.out_of_scope)
        for words in (*lex.topics.values(), *lex.finder.values()):
            known.update(words)
        for key, value in lex.rewrites.items():
            if len(key) == 1:
                known.update(key)
            known.update(value)
        return known

    def _place_words(self, frame: Frame) -> list[str]:
        """The question's words that may be part of a place name: words the lexicon does not know on their own."""
        return [w for w in frame.raw if w.isalpha() and len(w) > 1 and w not in self._known_words]

    def _place_spans(self, frame: Frame) -> list[tuple[str, bool]]:
        """Runs of the question's words that may name a place, longest first, each with whether it may be matched
        fuzzily (one word no entry knows either, long enough to be a misspelt city).

        Another name for a place ("nyc", "new york city") comes first; then every run of up to four words that
        holds a word the lexicon does not know ("kansas city", "rest of texas", "houston tx").
        """
        raw = frame.raw
        spans: list[tuple[str, bool]] = [
            (" ".join(raw[i : i + len(key)]), False)
            for key in sorted(self.lexicon.places, key=len, reverse=True)
            for i in range(len(raw) - len(key) + 1)
            if tuple(raw[i : i + len(key)]) == key
        ]
        unknown = set(self._place_words(frame))
        if not unknown:
            return spans
        stop = self.lexicon.stopwords
        vocabulary = self.normaliser.vocabulary
        for size in range(min(4, len(raw)), 0, -1):
            for i in range(len(raw) - size + 1):
                words = raw[i : i + size]
                if words[0] in stop or words[-1] in stop or not all(w.isalpha() for w in words):
                    continue
                if not unknown & set(words):
                    continue
                fuzzy = size == 1 and len(words[0]) >= 5 and words[0] not in vocabulary
                spans.append((" ".join(words), fuzzy))
        return spans

    def _region_choice(self, words: list[str]) -> bool:
        """Whether the words offer two spine regions as alternatives ("thoracic or lumbar")."""
        describes = self.lexicon.finder.get("describes", frozenset())
        seq = [w for w in words if stem(w) not in describes]
        for a, mid, b in zip(seq, seq[1:], seq[2:], strict=False):
            first, second = self.lexicon.regions.get(stem(a)), self.lexicon.regions.get(stem(b))
            if first and second and first != second and mid in self.lexicon.alternatives:
                return True
        return False

    def _entry_regions(self, entry_id: str) -> frozenset[str]:
        """The spine regions an entry is about: a code's own regions, else the region words of its phrasings."""
        found = self._regions_of.get(entry_id)
        if found is None:
            code = self.kb.codes.get(self._code_of.get(entry_id, ""))
            if code is not None:
                found = frozenset(code.region)
            else:
                words = self.index.phrase_tokens(entry_id)
                found = frozenset(r for t, r in self.lexicon.regions.items() if t in words)
            self._regions_of[entry_id] = found
        return found

    def _lexicon_topic_describes(self, topic: str, frame: Frame) -> bool:
        """Whether every word of the question that raised ``topic`` also describes a code ("ultrasound")."""
        words = {t for t in frame.tokens if t in self.lexicon.topics.get(topic, ())}
        return bool(words) and words <= self._code_words

    def _anchored(self, frame: Frame) -> bool:
        """Whether the question names an ESI code or diagnosis (an imaging code such as 77012 goes with anything)."""
        if frame.icd:
            return True
        return any(self.kb.codes[c].imaging != dynamic.IS_IMAGING for c in frame.cpt if c in self.kb.codes)

    def _in_scope(self, frame: Frame) -> bool:
        """Whether the question names an ESI code or diagnosis, or an ESI word (the lexicon's [scope] words)."""
        return self._anchored(frame) or any(t in self.lexicon.scope for t in frame.tokens)

    def _describes_code(self, frame: Frame) -> bool:
        """Whether the question is a short fragment made only of words that describe a code ("second level?")."""
        tokens = set(frame.tokens)
        if not tokens or len(frame.tokens) > 3:
            return False
        if tokens & self.finder.approach_words:
            return False  # "transforaminal under ultrasound" describes a code on its own: a new question
        attributes = self._code_words | self._region_tokens
        return bool(tokens & attributes) and tokens <= attributes | self.lexicon.intent

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
        skip = self._explained | {t for words in self.lexicon.finder.values() for t in words} | {"esi"}
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
