"""The transcript records: turns, their answers, a whole transcript and the report of saving one."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from esi_helper.redact import describe

FORMAT = 1
SESSION = "session"
WALKTHROUGH = "walkthrough"
#: Turn kinds: a question to the answer engine, or a result of the guided decision tree.
ASK, TREE = "ask", "tree"


class TranscriptError(Exception):
    """A transcript could not be read or written; the message is one line for the user."""


@dataclass(frozen=True)
class TurnAnswer:
    """One answer shown for a turn."""

    id: str
    kind: str
    title: str
    text: str
    citations: tuple[str, ...] = ()


@dataclass
class Turn:
    """One question (or guided-coding result) and what esi-helper answered."""

    question: str
    answers: list[TurnAnswer] = field(default_factory=list)
    confident: bool = True
    suggestions: list[str] = field(default_factory=list)
    note: str = ""
    kind: str = ASK
    facts: dict[str, Any] = field(default_factory=dict)
    """For a tree turn: the answers given, by fact (replayed through the decision tree)."""
    redacted: bool = False
    """Whether identifiers were removed from the question (replay then cannot compare the answer)."""


@dataclass
class Transcript:
    """A saved session or a curated walkthrough."""

    turns: list[Turn] = field(default_factory=list)
    kb_version: str = ""
    saved_at: str = ""
    kind: str = SESSION
    name: str = ""
    title: str = ""
    description: str = ""
    order: int = 0
    redactions: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SaveReport:
    """Where a transcript was written and what was redacted on the way."""

    path: Path
    redactions: dict[str, int]

    def message(self) -> str:
        """One line for the user."""
        text = f"Saved to {self.path}"
        if self.redactions:
            text += f" (identifiers removed: {describe(self.redactions)})"
        return text


def turn_from_result(question: str, result: Any) -> Turn:
    """Build a turn from an answer-engine Result."""
    answers = [TurnAnswer(a.id, a.kind, a.title, a.text, tuple(a.citations)) for a in getattr(result, "answers", ())]
    return Turn(
        question=question,
        answers=answers,
        confident=bool(getattr(result, "confident", True)),
        suggestions=list(getattr(result, "suggestions", ())),
    )
