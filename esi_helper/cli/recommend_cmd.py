"""``esi-helper recommend``: procedure facts in, claim lines with cited rationale and warnings out.

The flags are a thin adapter: each sets the tree fact of the same name (dashes become underscores). Allowed
values, constraints and messages all come from the knowledge base's ``tree.toml``.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any

from esi_helper.cli.common import UsageError, add_command, kb_footer, load_or_exit, numbered_citations, print_json

#: Flags that take a value, and switches that set a fact to true; each names a tree fact.
VALUE_FLAGS = ("region", "approach", "imaging", "levels", "side", "repeat")
SWITCHES = ("catheter", "diagnostic-block", "same-day-procedure")
_TREE_HELP = "{tree}"
_WIDTH = 100


class _TreeHelpFormatter(argparse.HelpFormatter):
    """Fills each fact flag's help with the tree's prompt and allowed answers, read only when help is shown."""

    _tree: Any = None

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help
        if text != _TREE_HELP:
            return text
        question = _help_tree().for_fact(action.dest) if _help_tree() else None
        if question is None:
            return "a fact of the decision tree"
        if action.nargs == 0:
            return question.prompt
        return f"{question.prompt} ({question.allowed_text()})"


def _help_tree() -> Any:
    if _TreeHelpFormatter._tree is None:
        from esi_helper.kb.located import KnowledgeError, LocatedDoc
        from esi_helper.paths import knowledge_dir
        from esi_helper.tree.load import TREE_FILE, parse_tree

        root = knowledge_dir()
        try:
            _TreeHelpFormatter._tree = parse_tree(LocatedDoc.read(root / TREE_FILE, root))[0] or False
        except KnowledgeError:
            _TreeHelpFormatter._tree = False
    return _TreeHelpFormatter._tree


def register(sub: Any) -> None:
    """Add the ``recommend`` command."""
    parser = add_command(sub, "recommend", "claim lines for an ESI, with cited rationale and warnings", run)
    parser.formatter_class = _TreeHelpFormatter
    for name in VALUE_FLAGS:
        parser.add_argument(f"--{name}", metavar=name.upper(), help=_TREE_HELP)
    for name in SWITCHES:
        parser.add_argument(f"--{name}", action="store_const", const=True, default=None, help=_TREE_HELP)
    parser.add_argument(
        "--fact",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set any other fact of the decision tree (repeatable)",
    )
    parser.add_argument("--dx", metavar="ICD10", help="diagnosis code: adds the pairing verdict")
    parser.add_argument("--setting", choices=("office", "facility"), help="adds a fee estimate for this setting")
    parser.add_argument("--json", action="store_true", help="JSON output")


def facts_from_args(args: argparse.Namespace) -> dict[str, object]:
    """The facts the flags set (absent flags are left out)."""
    facts: dict[str, object] = {}
    for name in (*VALUE_FLAGS, *SWITCHES):
        value = getattr(args, name.replace("-", "_"), None)
        if value is not None:
            facts[name.replace("-", "_")] = value
    for item in args.fact:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--fact '{item}' must be NAME=VALUE")
        facts[name.strip().replace("-", "_")] = value.strip()
    return facts


def flag(fact: str) -> str:
    """The flag that sets ``fact``."""
    name = fact.replace("_", "-")
    return f"--{name}" if name in VALUE_FLAGS or name in SWITCHES else f"--fact {fact}=VALUE"


def run(args: argparse.Namespace) -> int:
    """Print the recommendation (text or JSON)."""
    from esi_helper.kb import KnowledgeError
    from esi_helper.tree import TreeDataError, TreeInputError, load_tree, recommend

    kb = load_or_exit(args)
    try:
        tree = load_tree(kb)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    facts = facts_from_args(args)
    try:
        rec = recommend(kb, tree, facts, dx=args.dx, setting=args.setting)
    except TreeInputError as exc:
        if exc.missing:
            parts = [f"{flag(f)} ({q.allowed_text()})" for f in exc.missing if (q := tree.for_fact(f))]
            raise UsageError("missing " + ", ".join(parts)) from None
        raise UsageError(str(exc)) from None
    except TreeDataError as exc:
        print(
            f"esi-helper: the decision tree cannot handle these facts: {exc} (run 'esi-helper kb check')",
            file=sys.stderr,
        )
        return 1
    if args.json:
        print_json(rec.to_json())
    else:
        print(render_text(kb, rec))
    return 0


def render_text(kb: Any, rec: Any) -> str:
    """The recommendation as a biller reads it: claim lines, why, warnings, answers, numbered sources."""
    ids = rec.citation_ids()
    number = {ident: n for n, ident in enumerate(ids, 1)}

    def cited(note: Any) -> str:
        marks = "".join(f"[{number[c.id]}]" for c in note.citations if c.id in number)
        return f"{note.text} {marks}".rstrip()

    def block(title: str, notes: list[Any], bullet: str) -> list[str]:
        if not notes:
            return []
        out = ["", title]
        for note in notes:
            out += textwrap.wrap(cited(note), _WIDTH, initial_indent=f"  {bullet} ", subsequent_indent="    ")
        return out

    out: list[str] = []
    if rec.lines:
        width = max(len(line.key()) for line in rec.lines)
        out.append("Claim lines")
        out += [f"  {line.key():<{width}}  {line.descriptor}".rstrip() for line in rec.lines]
    else:
        out.append("No code applies")
        for note in rec.no_code:
            out += textwrap.wrap(cited(note), _WIDTH, initial_indent="  ", subsequent_indent="  ")
    if rec.diagnosis:
        d = rec.diagnosis
        marks = "".join(f"[{number[c.id]}]" for c in d.citations if c.id in number)
        out += ["", f"Diagnosis {d.icd} with {d.cpt}: {d.verdict}"]
        out += textwrap.wrap(f"{d.text} {marks}".rstrip(), _WIDTH, initial_indent="  ", subsequent_indent="  ")
    if rec.fees:
        out += ["", f"Fee estimate ({rec.fees[0].setting}, national, per unit)"]
        for fee in rec.fees:
            amount = "n/a" if fee.amount is None else f"${fee.amount:,.2f}"
            marks = "".join(f"[{number[c.id]}]" for c in fee.citations if c.id in number)
            out.append(f"  {fee.code}: {amount}  {fee.formula} {marks}".rstrip())
    out += block("Why", rec.rationale, "-")
    out += block("Warnings", rec.warnings, "!")
    out += ["", "Answers"] + [f"  {s.question.prompt} {s.answer}" for s in rec.steps]
    if ids:
        out += ["", "Sources"] + [f"  {line}" for line in numbered_citations(kb, ids)]
    out += ["", kb_footer(kb)]
    return "\n".join(out)
