"""``esi-helper kb check|export|import-pfs``: validate, export and update the knowledge base."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from esi_helper.cli.common import add_command, add_knowledge_option, load_or_exit, print_json


def register(sub: Any) -> None:
    """Add the ``kb`` command group."""
    kb = sub.add_parser("kb", help="check, export or update the knowledge base")
    add_knowledge_option(kb)
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)

    check = add_command(kb_sub, "check", "validate the knowledge base (file and line for every problem)", run_check)
    check.add_argument("dir", nargs="?", help="knowledge folder to check (default: the one in use)")

    export = add_command(kb_sub, "export", "print every answerable entry", run_export)
    export.add_argument("--json", action="store_true", help="JSON output (the only format)")

    imp = add_command(kb_sub, "import-pfs", "import a CMS PFS relative value bundle into knowledge/fees", run_import)
    imp.add_argument("dir", help="folder holding the CMS files (PPRRVU*.csv, GPCI*.csv, *LOCCO.csv, ZIP5*.txt)")


def run_check(args: argparse.Namespace) -> int:
    """Validate and print one line per problem; exit 1 when there are any."""
    from esi_helper.kb import check_kb
    from esi_helper.paths import knowledge_dir

    root = knowledge_dir(args.dir or getattr(args, "knowledge", None))
    problems = check_kb(root)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {root}", file=sys.stderr)
        return 1
    from esi_helper.kb import load_kb

    kb = load_kb(root)
    print(
        f"ok: knowledge base {kb.version}: {len(kb.entries)} entries, {len(kb.pairings)} pairing rules, "
        f"{len(kb.sources)} sources"
    )
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Print every answerable entry as JSON."""
    from esi_helper.kb.export import export_entries

    print_json(export_entries(load_or_exit(args)))
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Import a CMS PFS bundle (see esi_helper.fee.importer)."""
    from esi_helper.fee.importer import cli_import

    return cli_import(args)
