"""Replaying a transcript against the current knowledge base and reporting what changed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from esi_helper.redact import redact, scrub
from esi_helper.transcripts.model import TREE, Transcript, Turn, TurnAnswer, turn_from_result


@dataclass
class Drift:
    """How the answer to one turn differs now from the transcript."""

    index: int
    question: str
    changes: list[str]


@dataclass
class ReplayReport:
    """The outcome of replaying one transcript."""

    origin: str
    turns: int
    compared: int
    drifts: list[Drift] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every compared answer is unchanged."""
        return not self.drifts


def compare_turns(old: Turn, new: Turn) -> list[str]:
    """One line per difference between a recorded turn and its fresh replay (empty when the same).

    The best answer must stay first; the other answers may swap places (a small score change), but an answer
    that appears or disappears, or whose text, title or citations changed, is reported.
    """
    changes: list[str] = []
    if old.confident != new.confident:
        changes.append(f"confidence: {_confidence(old.confident)} -> {_confidence(new.confident)}")
    old_ids = [a.id for a in old.answers]
    new_ids = [a.id for a in new.answers]
    if old_ids[:1] != new_ids[:1]:
        changes.append(f"best answer: {(old_ids or ['(none)'])[0]} -> {(new_ids or ['(none)'])[0]}")
    added = [i for i in new_ids[1:] if i not in old_ids]
    removed = [i for i in old_ids[1:] if i not in new_ids]
    if added or removed:
        parts = [f"added {', '.join(added)}"] if added else []
        parts += [f"removed {', '.join(removed)}"] if removed else []
        changes.append(f"other answers: {'; '.join(parts)}")
    fresh = {a.id: a for a in new.answers}
    for answer in old.answers:
        now = fresh.get(answer.id)
        if now is None:
            continue
        if answer.text.strip() != now.text.strip():
            changes.append(f"{answer.id}: text changed")
        if answer.title != now.title:
            changes.append(f"{answer.id}: title {answer.title!r} -> {now.title!r}")
        if tuple(answer.citations) != tuple(now.citations):
            changes.append(f"{answer.id}: citations {', '.join(answer.citations)} -> {', '.join(now.citations)}")
    if not old.confident and old.suggestions != new.suggestions:
        changes.append("suggestions changed")
    return changes


def _confidence(confident: bool) -> str:
    return "confident" if confident else "not sure"


def replay(transcript: Transcript, kb: Any, engine: Any = None, origin: str = "transcript") -> ReplayReport:
    """Re-ask every question (and re-run every guided-coding result) against ``kb``; report what changed.

    Turns whose question had identifiers removed are re-asked for context but not compared.
    """
    from esi_helper.answer import Conversation, Engine

    engine = engine or Engine(kb)
    conversation = Conversation()
    report = ReplayReport(origin, len(transcript.turns), 0)
    for index, turn in enumerate(transcript.turns, 1):
        if turn.kind == TREE:
            fresh = _replay_tree(turn, kb)
        else:
            result = engine.ask(turn.question, conversation, top=max(1, len(turn.answers) or 3))
            fresh = turn_from_result(turn.question, result)
            fresh.answers = [replace(a, text=scrub(a.text, redact(turn.question).found)) for a in fresh.answers]
        if turn.redacted:
            report.skipped.append(index)
            continue
        report.compared += 1
        changes = compare_turns(turn, fresh)
        if changes:
            report.drifts.append(Drift(index, turn.question, changes))
    return report


def _replay_tree(turn: Turn, kb: Any) -> Turn:
    """Re-run guided coding from the recorded answers."""
    from esi_helper.tree import load_tree, recommend

    recorded = turn.answers[0] if turn.answers else None
    try:
        rec = recommend(kb, load_tree(kb), turn.facts)
    except Exception as exc:  # noqa: BLE001 - a tree that no longer accepts the answers is drift
        return Turn(
            turn.question,
            [TurnAnswer("error", "error", "error", f"{type(exc).__name__}: {exc}")],
            kind=TREE,
            facts=turn.facts,
        )
    text = recommendation_plain_text(rec)
    answer = TurnAnswer(
        "tree",
        "recommendation",
        recorded.title if recorded else "",
        text,
        tuple(rec.citation_ids()),
    )
    return Turn(turn.question, [answer], kind=TREE, facts=turn.facts)


def recommendation_plain_text(recommendation: Any) -> str:
    """The claim lines and notes of a guided-coding result as plain text (stored in transcripts)."""
    lines = [*recommendation.claim_lines()] or ["No ESI code applies."]
    lines += [f"- {n.text}" for n in (*recommendation.no_code, *recommendation.rationale)]
    lines += [f"- Warning: {n.text}" for n in recommendation.warnings]
    return "\n".join(lines)
