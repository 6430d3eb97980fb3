"""Saving a session: redact identifiers, stamp the time, write atomically (mode 600) to a fresh file."""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from esi_helper.redact import redact, scrub
from esi_helper.transcripts.model import SaveReport, Transcript, TranscriptError
from esi_helper.transcripts.serialize import dumps


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
