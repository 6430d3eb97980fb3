"""Typed reading of one fee file (a LocatedDoc), recording a Problem with its line for every bad value."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from esi_helper.fee.records import Text
from esi_helper.kb.located import KnowledgeError, LocatedDoc, Problem
from esi_helper.kb.records import KnowledgeBase


class Reader:
    """Typed access to one LocatedDoc that records a Problem (with its line) for every bad value."""

    def __init__(self, doc: LocatedDoc, problems: list[Problem]):
        self.doc = doc
        self.problems = problems

    def bad(self, message: str, table: str | None = None, key: str | None = None, index: int | None = None) -> None:
        line = None
        if key is not None:
            line = self.doc.key_line(table, key, index)
        elif table is not None:
            line = self.doc.table_line(table, index)
        self.problems.append(self.doc.problem(message, line))

    def value(
        self,
        data: Any,
        key: str,
        kind: str,
        *,
        table: str | None = None,
        index: int | None = None,
        required: bool = True,
        default: Any = None,
        label: str = "",
    ) -> Any:
        where = f"{label}: " if label else ""
        if not isinstance(data, dict) or key not in data:
            if required:
                self.bad(f"{where}missing '{key}'", table, None, index)
            return default
        v = data[key]
        ok = {
            "str": isinstance(v, str) and bool(v.strip()),
            "text": isinstance(v, str),
            "int": isinstance(v, int) and not isinstance(v, bool),
            "num": isinstance(v, int | float) and not isinstance(v, bool) and v >= 0,
            "bool": isinstance(v, bool),
            "strs": isinstance(v, list) and all(isinstance(x, str) for x in v),
            "ints": isinstance(v, list) and all(isinstance(x, int) and not isinstance(x, bool) for x in v),
            "table": isinstance(v, dict),
        }[kind]
        if not ok:
            expected = {
                "str": "non-empty text",
                "text": "text",
                "int": "a whole number",
                "num": "a number ≥ 0",
                "bool": "true or false",
                "strs": "a list of text",
                "ints": "a list of whole numbers",
                "table": "a table",
            }[kind]
            self.bad(f"{where}'{key}' must be {expected}", table, key, index)
            return default
        if kind == "num":
            return Decimal(str(v))
        return v

    def text(self, data: Any, table: str, *, need_cites: bool = True) -> Text:
        t = self.value(data, "text", "str", table=table, default="")
        cites = self.value(data, "citations", "strs", table=table, required=need_cites, default=[])
        return Text(t.strip(), tuple(cites))


def load_doc(kb: KnowledgeBase, rel: str, problems: list[Problem], *, required: bool) -> LocatedDoc | None:
    try:
        doc = kb.document(rel)
    except KnowledgeError as exc:
        problems.extend(exc.problems)
        return None
    if doc is None and required:
        problems.append(Problem(rel, None, "missing: run 'esi-helper kb import-pfs DIR' with the CMS files"))
    return doc
