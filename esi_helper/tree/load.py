"""Read ``tree.toml`` into a Tree, reporting every structural problem with its file and line."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from esi_helper.kb.located import KnowledgeError, LocatedDoc, Problem
from esi_helper.kb.records import KnowledgeBase
from esi_helper.tree.links import link_problems, valid_answer
from esi_helper.tree.model import (
    Constraint,
    LineSpec,
    ModifierMap,
    Modify,
    NoteSpec,
    Option,
    Question,
    Rule,
    Tree,
    UnitsExpr,
    same_value,
)
from esi_helper.tree.reader import SCALAR, DocReader, nested_headers

TREE_FILE = "tree.toml"
_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
_TOP = ("tree", "conditions", "question", "constraint", "modifier_map", "rule")
_KINDS = ("choice", "number")


def load_tree(kb: KnowledgeBase, relpath: str = TREE_FILE) -> Tree:
    """The knowledge base's decision tree; raise KnowledgeError listing every structural problem."""
    doc = kb.document(relpath)
    if doc is None:
        raise KnowledgeError([Problem(relpath, None, "missing: the knowledge base has no decision tree")])
    tree, problems = parse_tree(doc)
    if problems:
        raise KnowledgeError(problems)
    assert tree is not None
    return tree


def parse_tree(doc: LocatedDoc) -> tuple[Tree | None, list[Problem]]:
    """Build the Tree from a parsed document, with every structural problem found."""
    reader = _Reader(doc)
    tree = reader.read()
    return tree, reader.problems


class _Reader(DocReader):
    """Reads the tree's tables in one pass."""

    def read(self) -> Tree | None:
        data = self.doc.data
        for key in data:
            if key not in _TOP:
                self.add(
                    f"unknown table [{key}] (allowed: {', '.join(_TOP)})",
                    self.doc.table_line(key) or self.doc.table_line(key, 0) or self.doc.key_line(None, key),
                )
        head = data.get("tree", {})
        head_line = self.doc.table_line("tree")
        self.check_fields(
            head,
            "[tree]",
            {"title": (str,), "description": (str,), "start": (str,)},
            ("title",),
            head_line,
            lambda k: self.doc.key_line("tree", k),
        )
        head = head if isinstance(head, dict) else {}
        if isinstance(data.get("conditions", {}), dict):
            for name in data.get("conditions", {}):
                self.named_condition(name, f"condition '{name}'", self.doc.key_line("conditions", name))
        else:
            self.add("[conditions] must be a table of named conditions", self.doc.key_line(None, "conditions"))
        questions = self.questions(self._list("question"))
        tree = Tree(
            title=str(head.get("title", "")),
            description=str(head.get("description", "")),
            start=str(head.get("start", "")),
            questions=questions,
            constraints=self.constraints(self._list("constraint")),
            maps=self.maps(data.get("modifier_map", {})),
            rules=self.rules(self._list("rule")),
            file=self.doc.relpath,
        )
        if not questions:
            self.add("the tree has no [[question]]", head_line)
        elif tree.start and tree.question(tree.start) is None:
            self.add(f"[tree] start '{tree.start}' is not a question id", self.doc.key_line("tree", "start"))
        for message, line in link_problems(tree, self.conditions):
            self.add(message, line)
        return tree

    def _list(self, table: str) -> list[Any]:
        value = self.doc.data.get(table, [])
        if not isinstance(value, list):
            self.add(f"[{table}] must be written [[{table}]]", self.doc.table_line(table))
            return []
        return value

    def questions(self, items: list[Any]) -> list[Question]:
        spec: dict[str, tuple[type, ...]] = {
            "id": (str,),
            "prompt": (str,),
            "kind": (str,),
            "fact": (str,),
            "name": (str,),
            "help": (str,),
            "options": (list,),
            "min": (int,),
            "max": (int,),
            "default": SCALAR,
            "ask_when": (dict,),
            "next": (str,),
        }
        out: list[Question] = []
        seen: set[str] = set()
        for index, item in enumerate(items):
            line = self.doc.table_line("question", index)

            def key_line(k: str, index: int = index) -> int | None:
                return self.doc.key_line("question", k, index)

            label = f"question '{item.get('id')}'" if isinstance(item, dict) else f"[[question]] {index + 1}"
            if not self.check_fields(item, label, spec, ("id", "prompt"), line, key_line):
                continue
            ident = item["id"]
            fact = item.get("fact", ident)
            for name, value in (("id", ident), ("fact", fact)):
                if not _ID.match(value):
                    self.add(f"{label}: {name} '{value}' must be lower-case letters, digits, _ or -", key_line(name))
            if ident in seen or fact in {q.fact for q in out}:
                self.add(f"{label}: id or fact used twice", line)
                continue
            seen.add(ident)
            kind = item.get("kind", "choice")
            if kind not in _KINDS:
                self.add(f"{label}: kind '{kind}' must be one of {', '.join(_KINDS)}", key_line("kind"))
                continue
            options = self.options(item.get("options", []), label, key_line("options") or line)
            if kind == "choice" and not options:
                self.add(f"{label}: a choice question needs options", line)
            if kind == "number":
                if options:
                    self.add(f"{label}: a number question has min and max, not options", key_line("options"))
                lo, hi = item.get("min"), item.get("max")
                if lo is None or hi is None or lo > hi:
                    self.add(f"{label}: a number question needs whole-number min <= max", line)
                    continue
            question = Question(
                id=ident,
                prompt=item["prompt"].strip(),
                kind=kind,
                fact=fact,
                name=item.get("name", fact.replace("_", " ")),
                help=item.get("help", "").strip(),
                options=options,
                min=item.get("min"),
                max=item.get("max"),
                default=item.get("default"),
                ask_when=self.condition(item.get("ask_when"), f"{label} ask_when", key_line("ask_when")),
                next=item.get("next"),
                line=line,
            )
            if question.default is not None and not valid_answer(question, question.default):
                self.add(f"{label}: default {question.default!r} is not {question.allowed_text()}", key_line("default"))
            out.append(question)
        return out

    def options(self, items: list[Any], label: str, line: int | None) -> tuple[Option, ...]:
        spec: dict[str, tuple[type, ...]] = {"value": SCALAR, "label": (str,), "help": (str,), "next": (str,)}
        out: list[Option] = []
        for item in items:
            if not self.check_fields(item, f"{label} option", spec, ("value", "label"), line, lambda k: None):
                continue
            if any(same_value(o.value, item["value"]) for o in out):
                self.add(f"{label}: option value {item['value']!r} appears twice", line)
                continue
            out.append(Option(item["value"], item["label"], item.get("help", "").strip(), item.get("next")))
        return tuple(out)

    def constraints(self, items: list[Any]) -> list[Constraint]:
        spec: dict[str, tuple[type, ...]] = {"id": (str,), "when": (dict,), "message": (str,)}
        out: list[Constraint] = []
        for index, item in enumerate(items):
            line = self.doc.table_line("constraint", index)
            label = f"constraint '{item.get('id')}'" if isinstance(item, dict) else "[[constraint]]"
            if not self.check_fields(
                item,
                label,
                spec,
                ("id", "when", "message"),
                line,
                lambda k, i=index: self.doc.key_line("constraint", k, i),
            ):
                continue
            when = self.condition(item["when"], f"{label} when", self.doc.key_line("constraint", "when", index))
            out.append(Constraint(item["id"], when, " ".join(item["message"].split()), line))
        return out

    def maps(self, raw: Any) -> dict[str, ModifierMap]:
        out: dict[str, ModifierMap] = {}
        if not isinstance(raw, dict):
            self.add("[modifier_map] must hold named tables", self.doc.key_line(None, "modifier_map"))
            return out
        spec: dict[str, tuple[type, ...]] = {"fact": (str,), "by": (str,), "rows": (dict,)}
        for name, item in raw.items():
            path = f"modifier_map.{name}"
            line = self.doc.table_line(path)
            if not self.check_fields(
                item,
                f"modifier map '{name}'",
                spec,
                ("fact", "by", "rows"),
                line,
                lambda k, p=path: self.doc.key_line(p, k),
            ):
                continue
            rows: dict[str, dict[str, str | tuple[str, ...]]] = {}
            for row_key, row in item["rows"].items():
                ok = isinstance(row, dict) and all(
                    isinstance(v, str) or (isinstance(v, list) and v and all(isinstance(m, str) for m in v))
                    for v in row.values()
                )
                if not ok:
                    self.add(
                        f"modifier map '{name}': row '{row_key}' must map values to a modifier or a list",
                        self.doc.table_line(f"{path}.rows") or line,
                    )
                    continue
                rows[row_key] = {k: v if isinstance(v, str) else tuple(v) for k, v in row.items()}
            out[name] = ModifierMap(name, item["fact"], item["by"], rows, line)
        return out

    def rules(self, items: list[Any]) -> list[Rule]:
        spec: dict[str, tuple[type, ...]] = {
            "id": (str,),
            "when": (dict,),
            "line": (list,),
            "modify": (dict,),
            "no_code": (dict,),
            "rationale": (list,),
            "warning": (list,),
        }
        kinds = ("line", "rationale", "warning", "modify", "no_code")
        children = {c: nested_headers(self.doc, "rule", c) for c in kinds}
        out: list[Rule] = []
        seen: set[str] = set()
        for index, item in enumerate(items):
            line = self.doc.table_line("rule", index)

            def key_line(k: str, index: int = index) -> int | None:
                return self.doc.key_line("rule", k, index)

            label = f"rule '{item.get('id')}'" if isinstance(item, dict) else f"[[rule]] {index + 1}"
            if not self.check_fields(item, label, spec, ("id",), line, key_line):
                continue
            if item["id"] in seen:
                self.add(f"{label}: id used twice", line)
                continue
            seen.add(item["id"])

            def where(child: str, k: int, index: int = index) -> tuple[str, int | None]:
                groups = children[child][index] if index < len(children[child]) else []
                if k < len(groups):
                    return f"rule.{child}", groups[k]
                return "", None

            lines = tuple(
                spec_
                for k, raw in enumerate(item.get("line", []))
                if (spec_ := self.line_spec(raw, label, *where("line", k), key_line("line") or line))
            )
            notes = {
                child: tuple(
                    n
                    for k, raw in enumerate(item.get(child, []))
                    if (n := self.note(raw, f"{label} {child}", *where(child, k), key_line(child) or line))
                )
                for child in ("rationale", "warning")
            }
            no_code = None
            if "no_code" in item:
                no_code = self.note(
                    item["no_code"], f"{label} no_code", *where("no_code", 0), key_line("no_code") or line
                )
            modify = self.modify(item["modify"], label, *where("modify", 0), line) if "modify" in item else None
            rule = Rule(
                id=item["id"],
                when=self.condition(item.get("when"), f"{label} when", key_line("when") or line),
                lines=lines,
                modify=modify,
                no_code=no_code,
                rationale=notes["rationale"],
                warnings=notes["warning"],
                line=line,
            )
            if not (rule.lines or rule.modify or rule.no_code or rule.rationale or rule.warnings):
                self.add(f"{label}: the rule does nothing (add a line, modify, no_code, rationale or warning)", line)
            out.append(rule)
        return out

    def _located(
        self, path: str, index: int | None, fallback: int | None
    ) -> tuple[int | None, Callable[[str], int | None]]:
        if not path or index is None:
            return fallback, lambda k: fallback
        return self.doc.table_line(path, index), lambda k: self.doc.key_line(path, k, index)

    def line_spec(self, raw: Any, label: str, path: str, index: int | None, fallback: int | None) -> LineSpec | None:
        line, key_line = self._located(path, index, fallback)
        spec: dict[str, tuple[type, ...]] = {"code": (str,), "units": (str, int), "modifiers": (list,), "when": (dict,)}
        if not self.check_fields(raw, f"{label} line", spec, ("code",), line, key_line):
            return None
        try:
            units = UnitsExpr.parse(str(raw.get("units", "1")))
        except ValueError as exc:
            self.add(f"{label} line: units '{raw.get('units')}': {exc}", key_line("units"))
            return None
        modifiers = self.modifier_items(raw.get("modifiers", []), f"{label} line", key_line("modifiers"))
        when = self.condition(raw.get("when"), f"{label} line when", key_line("when"))
        return LineSpec(raw["code"].upper(), units, modifiers, when, line)

    def modifier_items(self, raw: list[Any], label: str, line: int | None) -> tuple[str | dict[str, str], ...]:
        out: list[str | dict[str, str]] = []
        for item in raw:
            if isinstance(item, str) and item.strip():
                out.append(item.strip().upper())
            elif isinstance(item, dict) and set(item) == {"map"} and isinstance(item["map"], str):
                out.append({"map": item["map"]})
            else:
                self.add(f'{label}: a modifier is text or {{ map = "name" }}, not {item!r}', line)
        return tuple(out)

    def note(self, raw: Any, label: str, path: str, index: int | None, fallback: int | None) -> NoteSpec | None:
        line, key_line = self._located(path, index, fallback)
        spec: dict[str, tuple[type, ...]] = {"text": (str,), "citations": (list,), "when": (dict,)}
        if not self.check_fields(raw, label, spec, ("text", "citations"), line, key_line):
            return None
        if not raw["citations"] or not all(isinstance(c, str) for c in raw["citations"]):
            self.add(f'{label}: cites no source (citations = ["source-id", ...])', key_line("citations"))
        text = " ".join(raw["text"].split())
        if not text:
            self.add(f"{label}: text is empty", key_line("text"))
        when = self.condition(raw.get("when"), f"{label} when", key_line("when"))
        return NoteSpec(text, tuple(str(c) for c in raw["citations"]), when, line)

    def modify(self, raw: Any, label: str, path: str, index: int | None, fallback: int | None) -> Modify | None:
        line, key_line = self._located(path, index, fallback)
        spec: dict[str, tuple[type, ...]] = {"add": (list,), "copy": (bool,), "codes": (list,)}
        if not self.check_fields(raw, f"{label} modify", spec, ("add",), line, key_line):
            return None
        add = self.modifier_items(raw["add"], f"{label} modify", key_line("add"))
        codes = tuple(str(c).upper() for c in raw.get("codes", []))
        return Modify(add, raw.get("copy", False), codes, line)
