"""Launch the terminal app (``esi-helper`` with no command)."""

from __future__ import annotations

import argparse
import sys


def run_app(args: argparse.Namespace) -> int:
    """Open the Textual app."""
    print("esi-helper: the terminal app is not available yet; try 'esi-helper --help'.", file=sys.stderr)
    return 2
