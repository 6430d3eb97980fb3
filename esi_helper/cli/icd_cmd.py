"""``esi-helper icd CODE [--cpt CODE]`` and ``esi-helper icd WORDS``: the ICD-10-CM code set.

A code (with or without the dot, any case) is looked up: valid or not, billable or a header, parent and
children, and with ``--cpt`` a pairing verdict. Anything else is a word search over the descriptions.
Exit status: 0 found, 1 not a valid code (or no match), 2 usage error.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from esi_helper.cli.common import UsageError, add_command, kb_footer, load_or_exit, numbered_citations, print_json
from esi_helper.kb import KnowledgeBase

DEFAULT_TOP = 10
MAX_TOP = 50
#: Children listed in text output before "… and N more".
SHOWN_CHILDREN = 15


def register(sub: Any) -> None:
    """Add the ``icd`` command."""
    parser = add_command(
        sub,
        "icd",
        "look up an ICD-10-CM code (valid? billable? children) or search the descriptions",
        run,
    )
    parser.add_argument(
        "query", nargs="+", metavar="CODE_OR_WORDS", help="a code (M54.12, m5412) or words to search for"
    )
    parser.add_argument("--cpt", metavar="CODE", help="judge the diagnosis with this CPT code")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--top", type=int, metavar="N", help=f"how many search results (default {DEFAULT_TOP}, at most {MAX_TOP})"
    )


_DOTTED_TOKEN = re.compile(r"[A-Za-z0-9]{1,5}\.[A-Za-z0-9]{0,5}")


def run(args: argparse.Namespace) -> int:
    """Look up a code or search; see the module docstring for exit statuses."""
    from esi_helper.icd import looks_like_code

    text = " ".join(args.query).strip()
    if not text:
        raise UsageError("give an ICD-10-CM code (M54.12) or words to search for")
    # A single dotted token ("ZZZ.9") is meant as a code even when it cannot be one: report it invalid.
    is_code = looks_like_code(text) or bool(_DOTTED_TOKEN.fullmatch(text))
    if is_code and args.top is not None:
        raise UsageError("--top is for word searches, not for a code")
    if not is_code and args.cpt:
        raise UsageError(f"--cpt needs an ICD-10-CM code, not words: '{text}' is not shaped like a code")
    if args.top is not None and not 1 <= args.top <= MAX_TOP:
        raise UsageError(f"--top must be between 1 and {MAX_TOP}")
    kb = load_or_exit(args)
    if args.cpt:
        from esi_helper.icd import UnknownCptError, find_cpt

        try:
            find_cpt(kb, args.cpt)
        except UnknownCptError as exc:
            raise UsageError(str(exc)) from None
    from esi_helper.icd import CodeSetError, get_codeset

    try:
        codeset = get_codeset(on_build=_building_notice)
    except CodeSetError as exc:
        print(f"esi-helper: error: {exc}", file=sys.stderr)
        return 1
    if is_code:
        return _lookup(args, kb, codeset, text)
    return _search(args, kb, codeset, text)


def _building_notice() -> None:
    print("esi-helper: building the ICD-10-CM index (first use, a few seconds)...", file=sys.stderr)


class _Citations:
    """Source ids in the order they are first cited, with ``[n]`` markers for the text."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.ids: list[str] = []

    def mark(self, ids: tuple[str, ...] | list[str]) -> str:
        marks = []
        for ident in ids:
            if ident not in self.kb.sources:
                continue
            if ident not in self.ids:
                self.ids.append(ident)
            marks.append(f"[{self.ids.index(ident) + 1}]")
        return " " + "".join(marks) if marks else ""

    def lines(self) -> list[str]:
        return numbered_citations(self.kb, self.ids)

    def json(self, ids: tuple[str, ...]) -> list[dict[str, str]]:
        return [{"id": s.id, "title": s.title} for s in self.kb.cite(ids)]


def _lookup(args: argparse.Namespace, kb: KnowledgeBase, codeset: Any, text: str) -> int:
    from esi_helper.icd import codeset_source_id, format_code, pair

    record = codeset.lookup(text)
    shown = record.code if record else (format_code(text) or text.upper())
    note = kb.diagnoses.get(shown)
    set_ids = tuple(i for i in [codeset_source_id(kb, codeset)] if i)
    pairing = pair(kb, codeset, shown, args.cpt) if args.cpt else None
    cites = _Citations(kb)

    if args.json:
        data: dict[str, Any] = {
            "code": shown,
            "valid": record is not None,
            "billable": bool(record and record.billable),
            "description": record.description if record else None,
            "parent": record.parent if record else None,
            "children": [{"code": c, "description": codeset.description(c)} for c in record.children]
            if record
            else [],
            "release": codeset.release,
        }
        if note is not None:
            data["kb_note"] = {
                "id": note.id,
                "title": note.title,
                "text": note.text,
                "citations": cites.json(note.citations),
            }
        if pairing is not None:
            data["pairing"] = {
                "verdict": pairing.verdict,
                "text": pairing.text,
                "citations": cites.json(pairing.citations),
                "rule_id": pairing.rule_id,
            }
        print_json(data)
        return 0 if record else 1

    lines: list[str] = []
    if pairing is not None:
        lines += [pairing.text + cites.mark(pairing.citations), ""]
    if record is None:
        lines.append(f"{shown} is not a valid ICD-10-CM code in {codeset.release}.{cites.mark(set_ids)}")
        nearest = codeset.nearest_valid(shown)
        if nearest:
            near = codeset.lookup(nearest)
            lines.append(f"Nearest valid code above it: {_code_line(near, column=False)}")
    elif record.billable:
        lines.append(f"{record.code} is valid and billable: {record.description}.{cites.mark(set_ids)}")
    else:
        lines.append(f"{record.code} is a header, not billable: {record.description}.{cites.mark(set_ids)}")
        lines.append("Report a code under it:")
        lines += [f"  {_code_line(codeset.lookup(c))}" for c in record.children[:SHOWN_CHILDREN]]
        if len(record.children) > SHOWN_CHILDREN:
            lines.append(f"  ... and {len(record.children) - SHOWN_CHILDREN} more (--json lists them all)")
    if record is not None and record.parent:
        lines.append(f"Parent: {_code_line(codeset.lookup(record.parent), column=False)}")
    if note is not None:
        lines.append(f"Note: {note.title}.{cites.mark(note.citations)}")
    lines.append(f"Code set: {codeset.release}.")
    _print_with_sources(lines, cites, kb)
    return 0 if record else 1


def _search(args: argparse.Namespace, kb: KnowledgeBase, codeset: Any, text: str) -> int:
    from esi_helper.icd import codeset_source_id

    hits = codeset.search(text, top=args.top or DEFAULT_TOP)
    if args.json:
        print_json(
            {
                "query": text,
                "results": [
                    {"code": h.code, "description": h.description, "billable": h.billable, "score": h.score}
                    for h in hits
                ],
                "release": codeset.release,
            }
        )
        return 0 if hits else 1
    cites = _Citations(kb)
    mark = cites.mark(tuple(i for i in [codeset_source_id(kb, codeset)] if i))
    if not hits:
        lines = [f'No ICD-10-CM description matches "{text}" ({codeset.release}).{mark}']
    else:
        best, rest = hits[0], hits[1:]
        lines = [f"Best match: {_code_line(best, column=False)}{mark}"]
        if rest:
            lines.append("Other matches:")
            lines += [f"  {_code_line(h)}" for h in rest]
        lines.append(f"Code set: {codeset.release}.")
    _print_with_sources(lines, cites, kb)
    return 0 if hits else 1


def _code_line(item: Any, *, column: bool = True) -> str:
    """``M54.12   Radiculopathy, cervical region`` with ``(header, not billable)`` when it is one."""
    flag = "" if item.billable else " (header, not billable)"
    code = f"{item.code:<8}" if column else item.code
    return f"{code} {item.description}{flag}"


def _print_with_sources(lines: list[str], cites: _Citations, kb: KnowledgeBase) -> None:
    sources = cites.lines()
    if sources:
        lines += ["", "Sources:", *sources]
    lines += [kb_footer(kb)]
    print("\n".join(lines))
