"""The decision tree as typed records: questions, constraints, outcome rules and the condition mini-language.

Everything domain-specific lives in ``knowledge/tree.toml``; these classes only know how to hold and test it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Target of ``next`` that ends the walk.
END = "end"
#: Modifier-map row used when the code has no value for the map's ``by`` attribute.
NO_VALUE_ROW = "none"
_MISSING = object()
_TOKEN = re.compile(r"\d+|[a-z_][a-z0-9_]*|[+-]|\S")
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")

Value = str | int | bool


class TreeInputError(Exception):
    """Facts that cannot be coded: an impossible combination, a bad value or missing facts (one line)."""

    def __init__(self, message: str, *, fact: str | None = None, missing: tuple[str, ...] = ()):
        super().__init__(message)
        self.fact = fact
        self.missing = missing


class TreeDataError(Exception):
    """The tree data cannot produce an outcome for these facts (a knowledge-base bug ``kb check`` reports)."""


def same_value(a: object, b: object) -> bool:
    """Equality that keeps booleans and numbers apart (``True`` is not ``1`` here)."""
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def value_key(value: object) -> str:
    """How a fact value is written as a TOML key: ``true``/``false`` for booleans, else its text."""
    return str(value).lower() if isinstance(value, bool) else str(value)


@dataclass(frozen=True)
class FactTest:
    """One fact's test inside a condition: equal to / one of / not one of / range / given."""

    fact: str
    values: tuple[Value, ...] | None = None
    not_values: tuple[Value, ...] = ()
    min: int | None = None
    max: int | None = None
    given: bool | None = None

    def __post_init__(self) -> None:
        keys = None if self.values is None else frozenset(_typed(v) for v in self.values)
        object.__setattr__(self, "_keys", keys)
        object.__setattr__(self, "_not_keys", frozenset(_typed(v) for v in self.not_values))

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """Whether the fact passes; an unknown fact passes only ``given = false``."""
        value = facts.get(self.fact)
        if value is None:
            return self.given is False
        if self.given is False:
            return False
        typed = _typed(value)
        if self._keys is not None and typed not in self._keys:  # type: ignore[attr-defined]
            return False
        if typed in self._not_keys:  # type: ignore[attr-defined]
            return False
        if self.min is not None and not (isinstance(value, int) and value >= self.min):
            return False
        return self.max is None or (isinstance(value, int) and value <= self.max)


def _typed(value: object) -> tuple[bool, object]:
    """A hashable key that keeps ``True`` and ``1`` apart."""
    return (isinstance(value, bool), value)


@dataclass(frozen=True)
class Condition:
    """All ``tests`` hold, every ``all_of`` holds, at least one ``any_of`` holds (if any) and ``negated`` fails."""

    tests: tuple[FactTest, ...] = ()
    all_of: tuple[Condition, ...] = ()
    any_of: tuple[Condition, ...] = ()
    negated: Condition | None = None

    def __post_init__(self) -> None:
        # Flatten nested "all" parts once: a test is then a plain loop over fact tests plus the disjunctions.
        tests = list(self.tests)
        choices: list[Condition] = [self] if self.any_of or self.negated else []
        for child in self.all_of:
            tests.extend(child._tests)  # type: ignore[attr-defined]
            choices.extend(child._choices)  # type: ignore[attr-defined]
        object.__setattr__(self, "_tests", tuple(tests))
        object.__setattr__(self, "_choices", tuple(choices))

    def matches(self, facts: Mapping[str, Any]) -> bool:
        """Evaluate over the facts collected so far."""
        for test in self._tests:  # type: ignore[attr-defined]
            if not test.matches(facts):
                return False
        for cond in self._choices:  # type: ignore[attr-defined]
            if cond.any_of and not any(c.matches(facts) for c in cond.any_of):
                return False
            if cond.negated is not None and cond.negated.matches(facts):
                return False
        return True

    def fact_tests(self) -> Iterator[FactTest]:
        """Every fact test, nested ones included."""
        yield from self.tests
        for child in (*self.all_of, *self.any_of, *((self.negated,) if self.negated else ())):
            yield from child.fact_tests()


ALWAYS = Condition()


@dataclass(frozen=True)
class UnitsExpr:
    """Units computed from facts: integers and numeric facts joined by ``+`` and ``-`` (``levels - 1``)."""

    text: str
    terms: tuple[tuple[int, int | str], ...]

    @classmethod
    def parse(cls, text: str) -> UnitsExpr:
        """Parse ``text``; raise ValueError naming what is wrong."""
        tokens = _TOKEN.findall(text)
        terms: list[tuple[int, int | str]] = []
        sign = 1
        for i, token in enumerate(tokens):
            if i % 2:
                if token not in "+-":
                    raise ValueError(f"expected + or - before '{token}'")
                sign = 1 if token == "+" else -1
                continue
            if token.isdigit():
                terms.append((sign, int(token)))
            elif re.fullmatch(r"[a-z_][a-z0-9_]*", token):
                terms.append((sign, token))
            else:
                raise ValueError(f"unexpected '{token}'")
        if not terms or len(tokens) % 2 == 0:
            raise ValueError("write a number, a fact name, or several joined by + and -")
        return cls(text, tuple(terms))

    def facts(self) -> list[str]:
        """Fact names the expression reads."""
        return [t for _, t in self.terms if isinstance(t, str)]

    def value(self, facts: Mapping[str, Any]) -> int:
        """The number of units for these facts."""
        total = 0
        for sign, term in self.terms:
            value = term if isinstance(term, int) else facts.get(term)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TreeDataError(f"units '{self.text}': fact '{term}' has no number")
            total += sign * value
        return total


@dataclass(frozen=True)
class Option:
    """One answer to a choice question."""

    value: Value
    label: str
    help: str = ""
    next: str | None = None


@dataclass(frozen=True)
class Question:
    """A question of the tree; ``kind`` is ``choice`` (pick an option) or ``number`` (``min``..``max``)."""

    id: str
    prompt: str
    kind: str = "choice"
    fact: str = ""
    name: str = ""
    help: str = ""
    options: tuple[Option, ...] = ()
    min: int | None = None
    max: int | None = None
    default: Value | None = None
    ask_when: Condition = ALWAYS
    next: str | None = None
    line: int | None = None

    def option(self, value: object) -> Option | None:
        """The option whose value is ``value``."""
        return next((o for o in self.options if same_value(o.value, value)), None)

    def label(self, value: object) -> str:
        """How an answer is shown: the option label, or the number."""
        option = self.option(value)
        return option.label if option else str(value)

    def allowed_text(self) -> str:
        """What may be answered, for messages: ``a, b or c`` or ``1 to 5``."""
        if self.kind == "number":
            return f"a whole number from {self.min} to {self.max}"
        values = [value_key(o.value) for o in self.options]
        return ", ".join(values[:-1]) + f" or {values[-1]}" if len(values) > 1 else "".join(values)


@dataclass(frozen=True)
class Constraint:
    """A combination of facts that cannot be coded, with the message that says what is allowed instead."""

    id: str
    when: Condition
    message: str
    line: int | None = None


@dataclass(frozen=True)
class ModifierMap:
    """Modifiers looked up by a code attribute (``by``, e.g. ``pfs.bilateral``) and then a fact's value.

    A row value that is a list splits the claim line: one line per listed modifier.
    """

    id: str
    fact: str
    by: str
    rows: dict[str, dict[str, str | tuple[str, ...]]]
    line: int | None = None


@dataclass(frozen=True)
class LineSpec:
    """A claim line a rule produces: code, units expression, modifiers (text or ``{map = "..."}``)."""

    code: str
    units: UnitsExpr
    modifiers: tuple[str | dict[str, str], ...] = ()
    when: Condition = ALWAYS
    line: int | None = None


@dataclass(frozen=True)
class NoteSpec:
    """A rationale or warning text with its citations; ``{fact}`` placeholders show the fact's value."""

    text: str
    citations: tuple[str, ...]
    when: Condition = ALWAYS
    line: int | None = None

    def render(self, facts: Mapping[str, Any]) -> str:
        """The text with its placeholders filled from the facts."""
        return _PLACEHOLDER.sub(lambda m: value_key(facts.get(m.group(1), m.group(0))), self.text)

    def placeholders(self) -> list[str]:
        """Fact names used as placeholders."""
        return _PLACEHOLDER.findall(self.text)


@dataclass(frozen=True)
class Modify:
    """Add modifiers to the lines built so far (only ``codes`` when given), or to copies of them (``copy``)."""

    add: tuple[str | dict[str, str], ...] = ()
    copy: bool = False
    codes: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class Rule:
    """An ordered outcome rule: when its condition holds it adds lines, modifies them, or says no code applies."""

    id: str
    when: Condition = ALWAYS
    lines: tuple[LineSpec, ...] = ()
    modify: Modify | None = None
    no_code: NoteSpec | None = None
    rationale: tuple[NoteSpec, ...] = ()
    warnings: tuple[NoteSpec, ...] = ()
    line: int | None = None

    def notes(self) -> Iterator[NoteSpec]:
        """Every cited text of the rule."""
        if self.no_code:
            yield self.no_code
        yield from self.rationale
        yield from self.warnings


@dataclass
class Tree:
    """A loaded decision tree."""

    title: str
    questions: list[Question]
    constraints: list[Constraint] = field(default_factory=list)
    maps: dict[str, ModifierMap] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    start: str = ""
    file: str = "tree.toml"
    description: str = ""

    def __post_init__(self) -> None:
        self._by_id = {q.id: q for q in self.questions}
        self._by_fact = {q.fact: q for q in self.questions}
        self._order = {q.id: i for i, q in enumerate(self.questions)}

    def question(self, ident: str) -> Question | None:
        """The question with this id."""
        return self._by_id.get(ident)

    def for_fact(self, fact: str) -> Question | None:
        """The question that collects ``fact``."""
        return self._by_fact.get(fact)

    @property
    def facts(self) -> list[str]:
        """Fact names in question order."""
        return [q.fact for q in self.questions]

    def first(self) -> Question | None:
        """Where a walk starts."""
        return self.question(self.start) if self.start else (self.questions[0] if self.questions else None)

    def following(self, question: Question, value: object = _MISSING) -> Question | None:
        """The next question after ``question`` (answered with ``value``, or skipped); None at the end."""
        option = question.option(value) if value is not _MISSING else None
        target = (option.next if option else None) or question.next
        if target == END:
            return None
        if target:
            return self.question(target)
        index = self._order[question.id] + 1
        return self.questions[index] if index < len(self.questions) else None
