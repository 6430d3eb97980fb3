"""The generic engine: walk the tree over facts, then apply the outcome rules to build claim lines."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from esi_helper.kb.records import CodeEntry, KnowledgeBase
from esi_helper.tree.model import (
    NO_VALUE_ROW,
    Constraint,
    LineSpec,
    ModifierMap,
    NoteSpec,
    Question,
    Tree,
    TreeDataError,
    TreeInputError,
    Value,
    value_key,
)

_YES = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}


@dataclass(frozen=True)
class Step:
    """One fact on the way to the outcome: the question, the value and how it is shown."""

    question: Question
    value: Value
    asked: bool = True

    @property
    def answer(self) -> str:
        """The answer label."""
        return self.question.label(self.value)


@dataclass
class WalkState:
    """Where a walk over some answers got to."""

    facts: dict[str, Value]
    steps: list[Step]
    pending: Question | None = None
    missing: list[Question] = field(default_factory=list)


def coerce(question: Question, raw: object) -> Value:
    """The typed answer for ``raw`` (an option value, its text, or a number); raise TreeInputError."""
    if question.kind == "number":
        text = str(raw).strip()
        if isinstance(raw, bool) or not re.fullmatch(r"-?\d+", text):
            raise TreeInputError(f"{question.name} must be {question.allowed_text()} (got '{raw}')", fact=question.fact)
        number = int(text)
        assert question.min is not None and question.max is not None
        if not question.min <= number <= question.max:
            raise TreeInputError(
                f"{question.name} must be {question.allowed_text()} (got {number})", fact=question.fact
            )
        return number
    option = question.option(raw)
    if option is None and isinstance(raw, str):
        text = raw.strip().lower()
        option = next(
            (o for o in question.options if value_key(o.value).lower() == text or o.label.lower() == text), None
        )
        if option is None and text in _YES:
            option = question.option(_YES[text])
    if option is None:
        raise TreeInputError(
            f"{question.name} '{raw}' is not valid: choose {question.allowed_text()}", fact=question.fact
        )
    return option.value


def walk(tree: Tree, given: Mapping[str, Value], *, fill_asked: bool) -> WalkState:
    """Follow the tree over typed facts.

    Questions whose ``ask_when`` fails are skipped (their default fills the fact). An asked question without a
    given fact stops the walk (``pending``), unless ``fill_asked``: then its default is used, or it is listed
    in ``missing`` and the walk goes on.
    """
    state = WalkState({}, [])
    question = tree.first()
    seen: set[str] = set()
    while question is not None:
        if question.id in seen:
            raise TreeDataError(f"the questions loop back to '{question.id}'")
        seen.add(question.id)
        fact = question.fact
        if not question.ask_when.matches(state.facts):
            if fact in given:
                state.facts[fact] = given[fact]
                state.steps.append(Step(question, given[fact], asked=False))
            elif question.default is not None:
                state.facts[fact] = question.default
            question = tree.following(question)
            continue
        if fact in given:
            value = given[fact]
        elif fill_asked and question.default is not None:
            value = question.default
        elif fill_asked:
            state.missing.append(question)
            question = tree.following(question)
            continue
        else:
            state.pending = question
            return state
        state.facts[fact] = value
        state.steps.append(Step(question, value))
        question = tree.following(question, value)
    return state


def violated(tree: Tree, facts: Mapping[str, Any]) -> Constraint | None:
    """The first constraint these facts break."""
    return next((c for c in tree.constraints if c.when.matches(facts)), None)


def resolve(tree: Tree, facts: Mapping[str, object]) -> WalkState:
    """Check and complete user facts (unknown, invalid, impossible or missing ones raise TreeInputError)."""
    typed: dict[str, Value] = {}
    for fact, raw in facts.items():
        if raw is None:
            continue
        question = tree.for_fact(fact)
        if question is None:
            raise TreeInputError(f"unknown fact '{fact}' (known: {', '.join(tree.facts)})", fact=fact)
        typed[fact] = coerce(question, raw)
    state = walk(tree, typed, fill_asked=True)
    for fact, value in typed.items():
        if fact not in state.facts:  # given, but on a branch the walk did not take
            state.facts[fact] = value
            state.steps.append(Step(tree.for_fact(fact), value, asked=False))  # type: ignore[arg-type]
    broken = violated(tree, state.facts)
    if broken:
        raise TreeInputError(broken.message)
    if state.missing:
        parts = [f"{q.name} ({q.allowed_text()})" for q in state.missing]
        raise TreeInputError("missing: " + "; ".join(parts), missing=tuple(q.fact for q in state.missing))
    return state


# -- outcome --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """A cited source."""

    id: str
    title: str


@dataclass(frozen=True)
class Note:
    """A rationale, warning or no-code text with its citations."""

    text: str
    citations: tuple[Citation, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """``{"text", "citations": [{"id", "title"}]}``."""
        return {"text": self.text, "citations": [{"id": c.id, "title": c.title} for c in self.citations]}


@dataclass(frozen=True)
class ClaimLine:
    """A claim line as a biller keys it."""

    code: str
    modifiers: tuple[str, ...]
    units: int
    descriptor: str

    def key(self) -> str:
        """``64483-RT x1`` style."""
        return "-".join((self.code, *self.modifiers)) + f" x{self.units}"

    def to_json(self) -> dict[str, Any]:
        """``{"code", "modifiers", "units", "descriptor"}``."""
        return {
            "code": self.code,
            "modifiers": list(self.modifiers),
            "units": self.units,
            "descriptor": self.descriptor,
        }


@dataclass
class Outcome:
    """What the rules produced for one set of facts."""

    lines: list[ClaimLine] = field(default_factory=list)
    rationale: list[Note] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)
    no_code: list[Note] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)


def descriptor(entry: CodeEntry | None, code: str) -> str:
    """The paraphrased descriptor: the code's title without its leading code number."""
    if entry is None:
        return ""
    return re.sub(rf"^\+?{re.escape(code)}\s*[:\u2014\u2013-]\s*", "", entry.title, flags=re.IGNORECASE)


def evaluate(kb: KnowledgeBase, tree: Tree, facts: Mapping[str, Any], *, notes: bool = True) -> Outcome:
    """Apply the rules in order to complete facts; raise TreeDataError when the data cannot.

    Without ``notes`` only claim lines and no-code outcomes are built (faster, for checking every path).
    """
    out = Outcome()
    seen: set[str] = set()

    def note(spec: NoteSpec, target: list[Note]) -> None:
        if (not notes and target is not out.no_code) or not spec.when.matches(facts):
            return
        text = spec.render(facts)
        if text not in seen:
            seen.add(text)
            target.append(Note(text, tuple(Citation(s.id, s.title) for s in kb.cite(spec.citations))))

    for rule in tree.rules:
        if not rule.when.matches(facts):
            continue
        out.rules.append(rule.id)
        for spec in rule.lines:
            if spec.when.matches(facts):
                out.lines.extend(_build_lines(kb, tree, spec, facts))
        if rule.modify:
            mod = rule.modify
            kept: list[ClaimLine] = []
            copies: list[ClaimLine] = []
            for ln in out.lines:
                if mod.codes and ln.code not in mod.codes:
                    kept.append(ln)
                    continue
                variants = [
                    ClaimLine(ln.code, ln.modifiers + extra, ln.units, ln.descriptor)
                    for extra in _expand(kb, tree, mod.add, ln.code, facts)
                ]
                if mod.copy:
                    kept.append(ln)
                    copies.extend(variants)
                else:
                    kept.extend(variants)
            out.lines = kept + copies
        if rule.no_code:
            note(rule.no_code, out.no_code)
        for spec in rule.rationale:
            note(spec, out.rationale)
        for spec in rule.warnings:
            note(spec, out.warnings)
    return out


def _build_lines(kb: KnowledgeBase, tree: Tree, spec: LineSpec, facts: Mapping[str, Any]) -> list[ClaimLine]:
    units = spec.units.value(facts)
    if units < 1:
        raise TreeDataError(f"code {spec.code}: units '{spec.units.text}' give {units}")
    text = descriptor(kb.codes.get(spec.code), spec.code)
    return [ClaimLine(spec.code, mods, units, text) for mods in _expand(kb, tree, spec.modifiers, spec.code, facts)]


def _expand(
    kb: KnowledgeBase, tree: Tree, items: tuple[str | dict[str, str], ...], code: str, facts: Mapping[str, Any]
) -> list[tuple[str, ...]]:
    """Modifier lists for one line; a map row holding a list splits the line into one per listed modifier."""
    variants: list[tuple[str, ...]] = [()]
    for item in items:
        if isinstance(item, str):
            choices: tuple[str, ...] = (item,)
        else:
            found = _lookup(kb, tree.maps[item["map"]], code, facts)
            choices = (found,) if isinstance(found, str) else found
        variants = [v + (c,) for v in variants for c in choices]
    return variants


def _lookup(kb: KnowledgeBase, mapping: ModifierMap, code: str, facts: Mapping[str, Any]) -> str | tuple[str, ...]:
    row_key = code_attribute(kb.codes.get(code), mapping.by) or NO_VALUE_ROW
    row = mapping.rows.get(row_key)
    if row is None:
        raise TreeDataError(
            f"modifier map '{mapping.id}' has no row '{row_key}' for code {code} ({mapping.by} = {row_key})"
        )
    value = facts.get(mapping.fact)
    found = row.get(value_key(value)) if value is not None else None
    if found is None:
        raise TreeDataError(f"modifier map '{mapping.id}' row '{row_key}' has no entry for {mapping.fact} = {value}")
    return found


def code_attribute(entry: CodeEntry | None, path: str) -> str:
    """A code attribute by dotted path (``pfs.bilateral``, ``family``), as text; empty when absent."""
    value: Any = entry
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        if value is None:
            return ""
    return value_key(value)
