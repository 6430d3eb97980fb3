"""Ranking: structured answers and retrieval hits merged and scaled, near-miss codes, and suggestions."""

from __future__ import annotations

from dataclasses import replace

from esi_helper.answer import dynamic
from esi_helper.answer.context import Frame
from esi_helper.answer.result import Answer
from esi_helper.answer.scores import (
    CAP_MIN,
    CAP_RESIDUAL,
    CLAIM_FACTOR,
    DANGLING_FACTOR,
    ENTRY_TOPIC_BONUS,
    FLOOR,
    KIND_PRIOR,
    MYTH_CUE_BONUS,
    NEAR_MISS_SCORE,
    OUT_OF_SCOPE_FACTOR,
    PAYER_FOLLOWUP_BONUS,
    REPEAT_PENALTY,
    UNKNOWN_PENALTY,
)
from esi_helper.answer.structured import StructuredAnswers
from esi_helper.kb.records import CodeEntry, Entry, TopicEntry


class Ranker(StructuredAnswers):
    """The engine's ranking of every answer to a question, best first."""

    _code_of: dict[str, str]
    _regions_of: dict[str, frozenset[str]]

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
            prior += self._topic_bonus(frame, entry)
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
        repeated = frame.previous_answer if frame.followup else None
        if repeated in found and not (frame.topics or frame.modifiers or frame.icd) and self._adds_words(frame):
            # "what about bilateral?" after the card of 64483: the same card again does not answer the new words
            found[repeated] = replace(found[repeated], score=found[repeated].score - REPEAT_PENALTY)
        answers = sorted(found.values(), key=lambda a: (-a.score, a.id))
        return answers, near

    def _topic_bonus(self, frame: Frame, entry: Entry) -> float:
        """A rule or FAQ on the topic the question asks about, or, for a follow-up that names another payer ("what
        about evicore?"), on the previous answer's topic for that payer."""
        if not isinstance(entry, TopicEntry):
            return 0.0
        bonus = ENTRY_TOPIC_BONUS if entry.topic in frame.entry_topics else 0.0
        if frame.followup and frame.payer and entry.payer == frame.payer and entry.topic in frame.previous_topics:
            bonus += PAYER_FOLLOWUP_BONUS
        return bonus

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

    def _anchored(self, frame: Frame) -> bool:
        """Whether the question names an ESI code or diagnosis (an imaging code such as 77012 goes with anything)."""
        if frame.icd:
            return True
        return any(self.kb.codes[c].imaging != dynamic.IS_IMAGING for c in frame.cpt if c in self.kb.codes)

    def _in_scope(self, frame: Frame) -> bool:
        """Whether the question names an ESI code or diagnosis, or an ESI word (the lexicon's [scope] words)."""
        return self._anchored(frame) or any(t in self.lexicon.scope for t in frame.tokens)

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


def _entry_answer(entry: Entry, score: float) -> Answer:
    return Answer(entry.id, entry.kind, entry.title, entry.text, score, entry.citations)


def _near_answer(typed: str, entry: CodeEntry, score: float) -> Answer:
    text = f"**{typed} is not a code in the knowledge base. Did you mean {entry.code}?**\n\n{entry.text}"
    return Answer(entry.id, entry.kind, f"Did you mean {entry.code}?", text, score, entry.citations)
