"""``esi-helper icd``: not yet available."""

from __future__ import annotations

import argparse
from typing import Any

from esi_helper.cli.common import UsageError, add_command


def register(sub: Any) -> None:
    """Add the ``icd`` command."""
    add_command(sub, "icd", "(coming soon)", run)


def run(args: argparse.Namespace) -> int:
    """Placeholder until the feature lands."""
    raise UsageError("'icd' is not available yet")
