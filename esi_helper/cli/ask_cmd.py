"""``esi-helper ask``: not yet available."""

from __future__ import annotations

import argparse
from typing import Any

from esi_helper.cli.common import UsageError, add_command


def register(sub: Any) -> None:
    """Add the ``ask`` command."""
    add_command(sub, "ask", "(coming soon)", run)


def run(args: argparse.Namespace) -> int:
    """Placeholder until the feature lands."""
    raise UsageError("'ask' is not available yet")
