"""What ``Engine.ask`` returns: answers with scores and citations, and a confidence flag."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Answer:
    """One answer: a knowledge-base entry, or an answer built from entries (pairing, fee, ICD lookup).

    ``id`` is the entry id, or for built answers a deterministic id such as ``pairing:62321:M54.12``,
    ``fee:62321:office`` or ``icd:M48.062``. ``citations`` are source ids.
    """

    id: str
    kind: str
    title: str
    text: str
    score: float
    citations: tuple[str, ...] = ()


def merged_ids(*groups: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The ids of ``groups`` in order, each once (citations of an answer drawn from several entries)."""
    return tuple(dict.fromkeys(i for group in groups for i in group))


@dataclass
class Result:
    """The engine's reply to one question, best answer first."""

    query: str
    confident: bool
    answers: list[Answer] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    #: Source id -> title, for citations in ``to_json``.
    source_titles: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    #: Knowledge-base version the answer came from.
    kb_version: str = field(default="", compare=False)

    @property
    def best(self) -> Answer | None:
        """The first answer, if any."""
        return self.answers[0] if self.answers else None

    def to_json(self) -> dict[str, Any]:
        """The documented JSON shape of ``esi-helper ask --json``."""
        return {
            "query": self.query,
            "confident": self.confident,
            "answers": [
                {
                    "id": a.id,
                    "kind": a.kind,
                    "title": a.title,
                    "text": a.text,
                    "score": round(a.score, 4),
                    "citations": [{"id": c, "title": self.source_titles.get(c, c)} for c in a.citations],
                }
                for a in self.answers
            ],
            "suggestions": list(self.suggestions),
        }
