"""Reading a question: its codes, regions, topics and search words, and what its words say about it."""

from __future__ import annotations

import re

from esi_helper.answer.codes import CodeFinder
from esi_helper.answer.context import Frame
from esi_helper.answer.lexicon import Lexicon, stem
from esi_helper.answer.retrieval import Index
from esi_helper.answer.text import Normaliser, clean, find_codes, icd_dotted
from esi_helper.kb.records import KnowledgeBase

_UNDOTTED_ICD = re.compile(r"^[a-z]\d[0-9a-z]\d{1,4}$")


class QuestionReader:
    """The engine's reading of questions; the indexes it reads with are built by ``Engine.__init__``."""

    kb: KnowledgeBase
    lexicon: Lexicon
    normaliser: Normaliser
    index: Index
    finder: CodeFinder
    _code_set: set[str]
    _modifier_set: set[str]
    _region_tokens: set[str]
    _explained: set[str]
    _known_words: set[str]
    _code_words: frozenset[str]

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
        payer = next((self.lexicon.payers[t] for t in tokens if t in self.lexicon.payers), None)
        asked = set(tokens) | ({"#levels"} if found.levels > 1 else set())
        entry_topics = [topic for topic, words in self.lexicon.entry_topics.items() if words & asked]
        return Frame(
            payer=payer,
            entry_topics=entry_topics,
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

    def _lexicon_topic_describes(self, topic: str, frame: Frame) -> bool:
        """Whether every word of the question that raised ``topic`` also describes a code ("ultrasound")."""
        words = {t for t in frame.tokens if t in self.lexicon.topics.get(topic, ())}
        return bool(words) and words <= self._code_words

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
