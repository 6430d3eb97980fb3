"""The curated onboarding walkthroughs shipped with esi-helper."""

from __future__ import annotations

from pathlib import Path

from esi_helper.paths import shipped_dir
from esi_helper.transcripts.model import WALKTHROUGH, Transcript, TranscriptError
from esi_helper.transcripts.serialize import load


def walkthrough_dir() -> Path:
    """The folder of curated walkthroughs: installed copy first, then the checkout's ``transcripts/``."""
    return shipped_dir("walkthroughs", "transcripts")


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
