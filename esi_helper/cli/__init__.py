"""The ``esi-helper`` command line: thin sub-commands over the core API."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from esi_helper.cli.common import OneLineParser, UsageError, add_knowledge_option

#: Sub-command modules; each defines ``register(subparsers)`` and a ``run(args) -> int``.
COMMAND_MODULES = (
    "esi_helper.cli.ask_cmd",
    "esi_helper.cli.recommend_cmd",
    "esi_helper.cli.icd_cmd",
    "esi_helper.cli.fee_cmd",
    "esi_helper.cli.kb_cmd",
    "esi_helper.cli.replay_cmd",
    "esi_helper.cli.tour_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (sub-commands register themselves)."""
    parser = OneLineParser(
        prog="esi-helper",
        description="Cited answers for epidural steroid injection coding. With no command, opens the app.",
    )
    add_knowledge_option(parser, top_level=True)
    parser.add_argument(
        "--transcripts", metavar="DIR", help="folder for saved transcripts (default: your user data folder)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        if args.command is None:
            from esi_helper.cli.tui_cmd import run_app

            return run_app(args)
        return int(args.run(args))
    except UsageError as exc:
        print(f"esi-helper: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
