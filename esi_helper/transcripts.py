"""Transcripts: a conversation saved as TOML, the shipped onboarding walkthroughs, and replaying them.

A transcript records each turn's question, the answers (id, title, text, citations), the knowledge-base
version and when it was saved. ``replay`` re-asks every question against the current knowledge base and
reports what changed: the regression test of the knowledge base. No Textual here.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w

from esi_helper.redact import describe, redact, scrub

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


# ---------------------------------------------------------------- redaction


def redact_transcript(transcript: Transcript) -> Transcript:
    """A copy with identifiers removed from what the user typed (and any answer echoing it)."""
    counts: Counter[str] = Counter()
    turns = []
    for turn in transcript.turns:
        q = redact(turn.question)
        n = redact(turn.note)
        found = q.found + n.found
        counts.update(q.counts)
        counts.update(n.counts)
        answers = [replace(a, text=scrub(a.text, found), title=scrub(a.title, found)) for a in turn.answers]
        turns.append(
            replace(
                turn,
                question=q.text,
                note=n.text,
                answers=answers,
                suggestions=[scrub(redact(s).text, found) for s in turn.suggestions],
                redacted=turn.redacted or q.changed,
            )
        )
    return replace(transcript, turns=turns, redactions=dict(counts))


# ---------------------------------------------------------------- TOML


def to_dict(transcript: Transcript) -> dict[str, Any]:
    """The TOML-ready mapping of a transcript (empty optional fields left out)."""
    data: dict[str, Any] = {"format": FORMAT, "kind": transcript.kind}
    for key in ("name", "title", "description"):
        if getattr(transcript, key):
            data[key] = getattr(transcript, key)
    if transcript.order:
        data["order"] = transcript.order
    data["kb_version"] = transcript.kb_version
    data["saved_at"] = transcript.saved_at
    if transcript.redactions:
        data["redactions"] = dict(transcript.redactions)
    data["turn"] = [_turn_dict(t) for t in transcript.turns]
    return data


def _turn_dict(turn: Turn) -> dict[str, Any]:
    d: dict[str, Any] = {}
    if turn.note:
        d["note"] = turn.note
    if turn.kind != ASK:
        d["kind"] = turn.kind
    d["question"] = turn.question
    if turn.facts:
        d["facts"] = dict(turn.facts)
    d["confident"] = turn.confident
    if turn.redacted:
        d["redacted"] = True
    if turn.suggestions:
        d["suggestions"] = list(turn.suggestions)
    d["answer"] = [
        {"id": a.id, "kind": a.kind, "title": a.title, "text": a.text, "citations": list(a.citations)}
        for a in turn.answers
    ]
    return d


def dumps(transcript: Transcript) -> str:
    """Serialise to TOML text."""
    return tomli_w.dumps(to_dict(transcript), multiline_strings=True)


def loads(text: str, origin: str = "transcript") -> Transcript:
    """Parse TOML text; raise TranscriptError naming ``origin`` when it is not a transcript."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TranscriptError(f"{origin}: not valid TOML: {exc}") from None
    try:
        return _from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise TranscriptError(f"{origin}: not an esi-helper transcript ({exc})") from None


def _from_dict(data: dict[str, Any]) -> Transcript:
    if data.get("format") != FORMAT:
        raise ValueError(f"unsupported format {data.get('format')!r}")
    turns = []
    for t in data.get("turn", []):
        answers = [
            TurnAnswer(
                str(a["id"]),
                str(a.get("kind", "")),
                str(a.get("title", "")),
                str(a.get("text", "")),
                tuple(str(c) for c in a.get("citations", [])),
            )
            for a in t.get("answer", [])
        ]
        turns.append(
            Turn(
                question=str(t["question"]),
                answers=answers,
                confident=bool(t.get("confident", True)),
                suggestions=[str(s) for s in t.get("suggestions", [])],
                note=str(t.get("note", "")),
                kind=str(t.get("kind", ASK)),
                facts=dict(t.get("facts", {})),
                redacted=bool(t.get("redacted", False)),
            )
        )
    return Transcript(
        turns=turns,
        kb_version=str(data.get("kb_version", "")),
        saved_at=str(data.get("saved_at", "")),
        kind=str(data.get("kind", SESSION)),
        name=str(data.get("name", "")),
        title=str(data.get("title", "")),
        description=str(data.get("description", "")),
        order=int(data.get("order", 0)),
        redactions={str(k): int(v) for k, v in data.get("redactions", {}).items()},
    )


def load(path: Path | str) -> Transcript:
    """Read a transcript file; raise TranscriptError with one clear line on failure."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TranscriptError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise TranscriptError(f"{path}: not a text file") from None
    transcript = loads(text, str(path))
    if not transcript.name:
        transcript.name = path.stem
    return transcript


# ---------------------------------------------------------------- saving


def now_iso() -> str:
    """The current UTC time, to the second, as ISO 8601."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def default_folder(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Where sessions are saved: ``explicit`` (``--transcripts``), else the user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    from esi_helper.paths import user_data_dir

    return user_data_dir() / "transcripts"


def new_path(folder: Path, when: datetime | None = None) -> Path:
    """A fresh file name ``session-YYYYMMDD-HHMMSS.toml`` in ``folder`` (suffixed when taken)."""
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = folder / f"session-{stamp}.toml"
    n = 2
    while path.exists():
        path = folder / f"session-{stamp}-{n}.toml"
        n += 1
    return path


def save(transcript: Transcript, path: Path) -> SaveReport:
    """Redact, stamp and write ``transcript`` atomically to ``path`` with mode 600.

    Raises TranscriptError (one line) when the folder or file cannot be written; nothing is half-written.
    """
    clean = redact_transcript(transcript)
    clean.saved_at = now_iso()
    text = dumps(clean)
    folder = path.parent
    tmp_name = None
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.stem}-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o600)
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise TranscriptError(f"could not save to {folder}: {reason}") from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
    return SaveReport(path, clean.redactions)


# ---------------------------------------------------------------- walkthroughs


def walkthrough_dir() -> Path:
    """The folder of curated walkthroughs: installed copy first, then the checkout's ``transcripts/``."""
    here = Path(__file__).resolve().parent
    installed = here / "walkthroughs"
    if installed.is_dir():
        return installed
    return here.parent / "transcripts"


def list_walkthroughs(folder: Path | None = None) -> list[Transcript]:
    """Every walkthrough shipped, in their intended order."""
    folder = folder or walkthrough_dir()
    found = [load(p) for p in sorted(folder.glob("*.toml"))] if folder.is_dir() else []
    walkthroughs = [t for t in found if t.kind == WALKTHROUGH]
    return sorted(walkthroughs, key=lambda t: (t.order or 999, t.name))


def find_walkthrough(name: str, folder: Path | None = None) -> Transcript:
    """The walkthrough called ``name`` (or a unique prefix of it); TranscriptError lists the choices."""
    walkthroughs = list_walkthroughs(folder)
    exact = [t for t in walkthroughs if t.name == name]
    matches = exact or [t for t in walkthroughs if t.name.startswith(name)]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(t.name for t in walkthroughs) or "none installed"
    raise TranscriptError(f"no walkthrough called {name!r} (choose from: {names})")


# ---------------------------------------------------------------- replay


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
