"""Shared pieces of the command line: one-line errors, loading the knowledge base, citations, JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, NoReturn

from esi_helper.kb import KnowledgeBase, KnowledgeError, load_kb
from esi_helper.paths import knowledge_dir


class UsageError(Exception):
    """A mistake in what the user typed: reported as one line, exit status 2."""


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one clear line (exit status 2), not a usage dump."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message} (see '{self.prog} --help')", file=sys.stderr)
        raise SystemExit(2)


def add_knowledge_option(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """Add ``--knowledge DIR`` (valid before or after the sub-command)."""
    parser.add_argument(
        "--knowledge",
        metavar="DIR",
        default=None if top_level else argparse.SUPPRESS,
        help="knowledge folder to use (default: $ESI_HELPER_KNOWLEDGE, else the one shipped with esi-helper)",
    )


def add_command(sub: Any, name: str, help_text: str, run: Any) -> argparse.ArgumentParser:
    """Create a sub-command parser wired to ``run(args) -> int``."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    add_knowledge_option(parser)
    parser.set_defaults(run=run)
    return parser


def load_or_exit(args: argparse.Namespace) -> KnowledgeBase:
    """Load the knowledge base chosen by the arguments; on problems print them and exit 1."""
    try:
        return load_kb(knowledge_dir(getattr(args, "knowledge", None)))
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(
            f"esi-helper: the knowledge base has {len(exc.problems)} problem(s); fix them and retry.", file=sys.stderr
        )
        raise SystemExit(1) from None


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON."""
    print(json.dumps(data, indent=2, ensure_ascii=False))


def numbered_citations(kb: KnowledgeBase, ids: list[str] | tuple[str, ...]) -> list[str]:
    """Citation lines ``[1] Title — Publisher (date)`` for text output."""
    return [f"[{n}] {s.title} — {s.publisher} ({s.date})" for n, s in enumerate(kb.cite(ids), 1)]


def kb_footer(kb: KnowledgeBase) -> str:
    """The knowledge-base version line shown under answers."""
    return f"Knowledge base {kb.version}"
