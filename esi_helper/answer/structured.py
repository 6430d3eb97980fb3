"""Structured answers: those read from a question's codes, ICD-10-CM codes, modifiers and topics."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from esi_helper.answer import dynamic, icd_answers
from esi_helper.answer.context import Frame
from esi_helper.answer.fee_answers import FeeRouter
from esi_helper.answer.lexicon import stem
from esi_helper.answer.reading import QuestionReader
from esi_helper.answer.result import Answer
from esi_helper.answer.scores import (
    CARD_SCORE,
    COMPARE_SCORE,
    CONFLICT_FACTOR,
    FEE_SCORE,
    FINDER_SCORE,
    ICD_SCORE,
    ICD_SEARCH_SCORE,
    MODIFIER_SCORE,
    OUT_OF_SCOPE_FACTOR,
    PAIRING_SCORE,
    RESIDUAL_PENALTY,
    TOPIC_SCORE,
    TWO_CODES_SCORE,
)
from esi_helper.kb.records import CodeEntry


class StructuredAnswers(QuestionReader):
    """The engine's structured answers, each scored down by the share of the question it leaves unexplained."""

    fees: FeeRouter
    _alternative_words: frozenset[str]
    _icd_categories: frozenset[str]
    _icd_searches: dict[str, Answer | None]

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
                icd_answers.pairing(kb, codes[0], frame.icd[0], first),
                *(icd_answers.pairing(kb, codes[0], extra, first - 0.1) for extra in frame.icd[1:3]),
                *(icd_answers.pairing(kb, extra, frame.icd[0], first - 0.1) for extra in codes[1:2]),
                dynamic.code_card(codes[0], 0.45),
            ]
        if frame.icd:
            base = ICD_SCORE if len(frame.icd) == 1 else TWO_CODES_SCORE
            return [
                icd_answers.icd_lookup(kb, code, score(base) - (0.05 if i else 0.0))
                for i, code in enumerate(frame.icd[:3])
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

    def _adds_words(self, frame: Frame) -> bool:
        """Whether a follow-up brings words of its own beyond asking about the code ("what about bilateral?")."""
        return any(t not in self.lexicon.intent and t not in self._region_tokens for t in frame.tokens)

    def _icd_search(self, words: str, score: float) -> Answer | None:
        """An ICD-10-CM word search, remembered per wording (the code set's search is the slow part)."""
        if words not in self._icd_searches:
            if len(self._icd_searches) > 256:
                self._icd_searches.clear()
            self._icd_searches[words] = icd_answers.icd_search(self.kb, words, 1.0, self._icd_categories)
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
