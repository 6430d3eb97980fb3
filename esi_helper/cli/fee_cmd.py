"""``esi-helper fee``: not yet available."""

from __future__ import annotations

import argparse
from typing import Any

from esi_helper.cli.common import UsageError, add_command


def register(sub: Any) -> None:
    """Add the ``fee`` command."""
    add_command(sub, "fee", "(coming soon)", run)


def run(args: argparse.Namespace) -> int:
    """Placeholder until the feature lands."""
    raise UsageError("'fee' is not available yet")
