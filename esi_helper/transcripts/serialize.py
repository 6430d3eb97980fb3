"""Transcripts as TOML: writing a transcript to text and reading it back from text or a file."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from esi_helper.transcripts.model import ASK, FORMAT, SESSION, Transcript, TranscriptError, Turn, TurnAnswer


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
