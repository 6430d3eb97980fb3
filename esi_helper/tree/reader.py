"""Shared reading helpers for tree.toml: typed field checks and the condition mini-language, with lines."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import Any

from esi_helper.kb.located import LocatedDoc, Problem
from esi_helper.tree.model import ALWAYS, Condition, FactTest

SCALAR = (str, int, bool)
_OPS = ("in", "not_in", "min", "max", "given")


def _kind(value: object) -> str:
    return {str: "text", bool: "true/false", int: "a whole number", list: "a list", dict: "a table"}.get(
        type(value), type(value).__name__
    )


class DocReader:
    """Field checks and conditions for one document; problems accumulate in ``problems``."""

    def __init__(self, doc: LocatedDoc):
        self.doc = doc
        self.problems: list[Problem] = []
        self.named: dict[str, Condition] = {}
        self._resolving: list[str] = []
        self.conditions: list[tuple[Condition, str, int | None]] = []

    def add(self, message: str, line: int | None) -> None:
        self.problems.append(self.doc.problem(message, line))

    # -- generic field checks -------------------------------------------------------------------------------

    def check_fields(
        self,
        item: Any,
        label: str,
        spec: dict[str, tuple[type, ...]],
        required: tuple[str, ...],
        line: int | None,
        key_line: Callable[[str], int | None],
    ) -> bool:
        if not isinstance(item, dict):
            self.add(f"{label} must be a table", line)
            return False
        ok = True
        for name in required:
            if name not in item:
                self.add(f"{label}: missing required field '{name}'", line)
                ok = False
        for name, value in item.items():
            if name not in spec:
                self.add(f"{label}: unknown field '{name}' (allowed: {', '.join(spec)})", key_line(name) or line)
                ok = False
            elif not isinstance(value, spec[name]) or (isinstance(value, bool) and bool not in spec[name]):
                self.add(f"{label}: field '{name}' has the wrong type ({_kind(value)})", key_line(name) or line)
                ok = False
        return ok

    # -- conditions -----------------------------------------------------------------------------------------

    def condition(self, raw: Any, where: str, line: int | None) -> Condition:
        if raw is None:
            return ALWAYS
        if not isinstance(raw, dict):
            self.add(f'{where}: a condition must be a table like {{ fact = "value" }}', line)
            return ALWAYS
        tests: list[FactTest] = []
        all_of: list[Condition] = []
        any_of: list[Condition] = []
        negated = None
        for key, value in raw.items():
            if key in ("any", "all"):
                if not isinstance(value, list) or not value:
                    self.add(f"{where}: '{key}' must be a non-empty list of conditions", line)
                    continue
                (any_of if key == "any" else all_of).extend(self.condition(v, where, line) for v in value)
            elif key == "not":
                negated = self.condition(value, where, line)
            elif key == "use":
                names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
                if not names:
                    self.add(f"{where}: 'use' names a condition from [conditions]", line)
                all_of.extend(self.named_condition(str(n), where, line) for n in names)
            else:
                tests.append(self.fact_test(key, value, where, line))
        cond = Condition(tuple(tests), tuple(all_of), tuple(any_of), negated)
        self.conditions.append((cond, where, line))
        return cond

    def fact_test(self, fact: str, value: Any, where: str, line: int | None) -> FactTest:
        if isinstance(value, SCALAR):
            return FactTest(fact, values=(value,))
        if isinstance(value, list) and value and all(isinstance(v, SCALAR) for v in value):
            return FactTest(fact, values=tuple(value))
        if isinstance(value, dict) and value:
            bad = [k for k in value if k not in _OPS]
            if bad:
                self.add(f"{where}: unknown test '{bad[0]}' on '{fact}' (tests: {', '.join(_OPS)})", line)
            listed = {
                k: value[k] if isinstance(value.get(k), list) else [value[k]] for k in ("in", "not_in") if k in value
            }
            bounds = {k: value.get(k) for k in ("min", "max")}
            for k, v in bounds.items():
                if v is not None and (not isinstance(v, int) or isinstance(v, bool)):
                    self.add(f"{where}: '{k}' on '{fact}' must be a whole number", line)
                    bounds[k] = None
            given = value.get("given")
            if given is not None and not isinstance(given, bool):
                self.add(f"{where}: 'given' on '{fact}' must be true or false", line)
                given = None
            return FactTest(
                fact,
                values=tuple(listed["in"]) if "in" in listed else None,
                not_values=tuple(listed.get("not_in", ())),
                min=bounds["min"],
                max=bounds["max"],
                given=given,
            )
        self.add(f"{where}: '{fact}' must be a value, a list of values or a table of tests", line)
        return FactTest(fact)

    def named_condition(self, name: str, where: str, line: int | None) -> Condition:
        if name in self.named:
            return self.named[name]
        raw_all = self.doc.data.get("conditions", {})
        if name in self._resolving:
            self.add(f"{where}: condition '{name}' uses itself", line)
            return ALWAYS
        if not isinstance(raw_all, dict) or name not in raw_all:
            known = ", ".join(raw_all) if isinstance(raw_all, dict) else ""
            self.add(f"{where}: unknown condition '{name}' (defined in [conditions]: {known or 'none'})", line)
            return ALWAYS
        self._resolving.append(name)
        cond = self.condition(raw_all[name], f"condition '{name}'", self.doc.key_line("conditions", name))
        self._resolving.pop()
        self.named[name] = cond
        return cond

    # -- the document -----------------------------------------------------------------------------------------


def nested_headers(doc: LocatedDoc, parent: str, child: str) -> list[list[int]]:
    """Global indices of ``[[parent.child]]`` headers, grouped by the ``[[parent]]`` item they belong to."""
    parents: list[int] = []
    while (line := doc.table_line(parent, len(parents))) is not None:
        parents.append(line)
    grouped: list[list[int]] = [[] for _ in parents]
    index = 0
    while (line := doc.table_line(f"{parent}.{child}", index)) is not None:
        owner = bisect_right(parents, line) - 1
        if owner >= 0:
            grouped[owner].append(index)
        index += 1
    return grouped
