"""Markdown and choice lists for answers, entries, sources and recommendations (pure: no Textual).

Every state is spelled out in words ("Not sure", "Warning:"), so nothing depends on colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from esi_helper.kb import Entry, KnowledgeBase, Source

SOURCE, ENTRY, ASK, ANSWER = "source", "entry", "ask", "answer"


@dataclass(frozen=True)
class Choice:
    """Something the biller can pick under an answer: a source, an entry, another answer or a suggested question."""

    kind: str
    value: str
    label: str
    answer: Any = None
    """For ``answer`` choices: the engine's Answer (computed answers such as fees have no entry to open)."""


@dataclass(frozen=True)
class AnswerView:
    """What an answer turn shows: a heading, Markdown, then the choices."""

    heading: str
    markdown: str
    choices: tuple[Choice, ...] = ()
    confident: bool = True


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;:(") + "…"


def source_label(source: Source) -> str:
    """``Publisher, year: Title`` (the list cuts it to the width; the source dialog shows it all)."""
    publisher = _shorten(source.publisher.split(" (")[0], 28)
    return f"{publisher}, {source.date[:4]}: {source.title}"


def source_choices(kb: KnowledgeBase, ids: tuple[str, ...] | list[str]) -> list[Choice]:
    """Source choices for citation ids (unknown ids skipped, duplicates once); the list numbers them."""
    seen: list[str] = []
    for source_id in ids:
        if source_id in kb.sources and source_id not in seen:
            seen.append(source_id)
    return [Choice(SOURCE, sid, source_label(kb.sources[sid])) for sid in seen]


def _cite_marks(count: int) -> str:
    return " ".join(f"[{n}]" for n in range(1, count + 1))


def _cite_range(count: int) -> str:
    return "[1]" if count == 1 else f"[1]-[{count}]"


def answer_view(result: Any, kb: KnowledgeBase) -> AnswerView:
    """The view of an answer-engine Result: best answer first, sources numbered, other matches after."""
    answers = list(result.answers)
    suggestions = list(result.suggestions)
    if result.confident and answers:
        best = answers[0]
        sources = source_choices(kb, best.citations)
        body = f"**{best.title}**\n\n{best.text.strip()}"
        if sources:
            body += f"\n\n*Sources {_cite_range(len(sources))} below (Ctrl+O, then Enter, to open one).*"
        return AnswerView("Answer", body, tuple(sources + _see_also(answers[1:], kb)), True)
    lines = ["**Not sure.** I could not match that question with confidence."]
    if suggestions:
        lines.append("Pick one of these questions (arrows and Enter, or its number), or type a new one.")
    elif not answers:
        lines.append(
            "Try naming a code, a modifier or a region and a topic (units, imaging, frequency, fee), "
            "or type */tree* to be guided."
        )
    choices = [Choice(ASK, s, f"Ask: {s}") for s in suggestions]
    if answers:
        best = answers[0]
        lines.append(f"\nClosest match, **{best.title}**:\n\n{best.text.strip()}")
        sources = source_choices(kb, best.citations)
        if sources:
            lines.append("\n*Its sources are listed below.*")
        choices += sources
        choices += _see_also(answers[1:], kb)
    heading = "Not sure: pick a suggestion" if suggestions else "Not sure"
    return AnswerView(heading, "\n".join(lines), tuple(choices), False)


def _see_also(answers: list[Any], kb: KnowledgeBase) -> list[Choice]:
    return [
        Choice(ENTRY, a.id, f"See also: {a.title}")
        if a.id in kb.entries
        else Choice(ANSWER, a.id, f"See also: {a.title}", a)
        for a in answers
    ]


def answer_detail_view(answer: Any, kb: KnowledgeBase) -> AnswerView:
    """One engine answer in full (for computed answers such as fees or pairings)."""
    sources = source_choices(kb, answer.citations)
    parts = [f"**{answer.title}**", "", answer.text.strip()]
    if sources:
        parts += ["", f"Sources: {_cite_marks(len(sources))}"]
    return AnswerView(answer.kind.capitalize() or "Answer", "\n".join(parts), tuple(sources), True)


def source_markdown(source: Source) -> str:
    """The details of one source."""
    kind = {"official": "Official", "secondary": "Secondary", "seed": "Seed article"}.get(source.kind, source.kind)
    parts = [
        f"**{source.title}**",
        "",
        f"- **Publisher:** {source.publisher}",
        f"- **Date:** {source.date}",
        f"- **Kind:** {kind}",
        f"- **Where:** {source.url}",
        f"- **Confidence:** {source.confidence}",
    ]
    if source.note:
        parts.append(f"- **Note:** {source.note}")
    parts.append(f"\nSource id: `{source.id}`")
    return "\n".join(parts)


def _entry_facts(entry: Entry) -> list[str]:
    from esi_helper.kb import CodeEntry, ModifierEntry, MythEntry, TopicEntry

    facts: list[str] = []
    if isinstance(entry, CodeEntry):
        facts.append(f"- **Family:** {entry.family}" + (" (add-on)" if entry.addon else ""))
        if entry.region:
            facts.append(f"- **Region:** {', '.join(entry.region)}")
        if entry.parent:
            facts.append(f"- **Reported with:** {', '.join(entry.parent)}")
        if entry.status and entry.status != "active":
            facts.append(f"- **Status:** {entry.status}")
        if entry.bundled:
            facts.append(f"- **Not separately with:** {', '.join(entry.bundled)}")
    elif isinstance(entry, ModifierEntry):
        for a in entry.applies:
            note = f": {a.note}" if a.note else ""
            facts.append(f"- **{a.family}:** {a.verdict}{note}")
    elif isinstance(entry, TopicEntry):
        facts.append(f"- **Topic:** {entry.topic}; **payer:** {entry.payer}")
    elif isinstance(entry, MythEntry):
        facts.append(f"- **Claim:** {entry.claim}")
        facts.append(f"- **Verdict:** {entry.verdict}")
    return facts


def entry_view(entry: Entry, kb: KnowledgeBase) -> AnswerView:
    """The full view of a knowledge entry: text, facts, topic notes, sources and related entries."""
    sources = source_choices(kb, entry.citations)
    parts = [f"**{entry.title}**", "", entry.text.strip()]
    facts = _entry_facts(entry)
    if facts:
        parts += ["", *facts]
    notes = getattr(entry, "notes", None) or {}
    for topic, note in notes.items():
        parts += ["", f"**{topic.capitalize()}.** {note}"]
    if sources:
        parts += ["", f"Sources: {_cite_marks(len(sources))}"]
    related = [Choice(ENTRY, rid, f"Related: {kb.entries[rid].title}") for rid in entry.related if rid in kb.entries]
    return AnswerView(entry.title, "\n".join(parts), tuple(sources + related), True)


def recommendation_view(recommendation: Any, kb: KnowledgeBase, breadcrumb: str = "") -> AnswerView:
    """The result card of guided coding: claim lines, rationale and warnings, with numbered sources."""
    sources = source_choices(kb, recommendation.citation_ids())
    number = {c.value: n for n, c in enumerate(sources, 1)}
    parts = ["**Claim lines**", ""]
    if recommendation.lines:
        parts += [f"- **{line.key()}** {line.descriptor}".rstrip() for line in recommendation.lines]
    else:
        parts.append("- No ESI code applies to these answers.")
    parts += [f"- {note.text}{_marks(note, number)}" for note in recommendation.no_code]
    if recommendation.rationale:
        parts += ["", "**Why**", ""]
        parts += [f"- {note.text}{_marks(note, number)}" for note in recommendation.rationale]
    if recommendation.warnings:
        parts += ["", "**Warnings**", ""]
        parts += [f"- Warning: {note.text}{_marks(note, number)}" for note in recommendation.warnings]
    if breadcrumb:
        parts += ["", f"*Answers: {breadcrumb}*"]
    if sources:
        parts += ["", f"Sources: {_cite_marks(len(sources))}"]
    heading = "Recommendation" if recommendation.lines else "No ESI code"
    return AnswerView(heading, "\n".join(parts), tuple(sources), True)


def recommendation_text(recommendation: Any, breadcrumb: str = "") -> str:
    """Plain text of a recommendation, for the clipboard."""
    from esi_helper.transcripts import recommendation_plain_text

    text = recommendation_plain_text(recommendation)
    return f"{text}\nAnswers: {breadcrumb}" if breadcrumb else text


def _marks(note: Any, number: dict[str, int]) -> str:
    marks = [f"[{number[c.id]}]" for c in note.citations if c.id in number]
    return (" " + " ".join(marks)) if marks else ""
