"""Launch the terminal app (``esi-helper`` with no command)."""

from __future__ import annotations

import argparse


def run_app(args: argparse.Namespace, tour: str | None = None) -> int:
    """Open the Textual app (optionally straight into a walkthrough)."""
    from esi_helper.tui.app import EsiApp

    app = EsiApp(getattr(args, "knowledge", None), getattr(args, "transcripts", None), tour=tour)
    app.run()
    return 0
