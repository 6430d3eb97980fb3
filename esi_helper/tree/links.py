"""Checks of how a tree's parts refer to each other: facts and answers in conditions, next links, maps, units."""

from __future__ import annotations

from collections.abc import Callable

from esi_helper.tree.model import END, Condition, FactTest, LineSpec, NoteSpec, Question, Tree, Value, value_key


def link_problems(tree: Tree, conditions: list[tuple[Condition, str, int | None]]) -> list[tuple[str, int | None]]:
    """Problems in how the tree's parts refer to each other: facts, answers, next links, cycles, maps, units."""
    found: list[tuple[str, int | None]] = []

    def add(message: str, line: int | None) -> None:
        found.append((message, line))

    for cond, where, line in conditions:
        for test in cond.tests:
            _check_test(tree, test, where, line, add)
    for q in tree.questions:
        for target, owner in [
            (q.next, q.id),
            *((o.next, f"{q.id} option {value_key(o.value)}") for o in q.options),
        ]:
            if target and target != END and tree.question(target) is None:
                add(f"question {owner}: next '{target}' is not a question id (or \"{END}\")", q.line)
    cycle = find_cycle(tree)
    if cycle:
        first = tree.question(cycle[0])
        add(f"the questions form a cycle: {' -> '.join(cycle)}", first.line if first else None)
    for m in tree.maps.values():
        question = tree.for_fact(m.fact)
        if question is None:
            add(f"modifier map '{m.id}': unknown fact '{m.fact}'", m.line)
            continue
        for row_key, row in m.rows.items():
            for value in row:
                if not any(value_key(o.value) == value for o in question.options):
                    add(
                        f"modifier map '{m.id}' row '{row_key}': '{value}' is not an answer to "
                        f"{question.name} ({question.allowed_text()})",
                        m.line,
                    )
    for rule in tree.rules:
        specs = [*rule.lines, *(rule.modify.add if rule.modify else ()), *rule.notes()]
        for spec in specs:
            if isinstance(spec, dict) and spec["map"] not in tree.maps:
                add(f"rule '{rule.id}': unknown modifier map '{spec['map']}'", rule.line)
            if isinstance(spec, LineSpec):
                for item in spec.modifiers:
                    if isinstance(item, dict) and item["map"] not in tree.maps:
                        add(f"rule '{rule.id}': unknown modifier map '{item['map']}'", spec.line)
                for fact in spec.units.facts():
                    q = tree.for_fact(fact)
                    if q is None or q.kind != "number":
                        add(f"rule '{rule.id}': units read '{fact}', which is not a number question", spec.line)
            if isinstance(spec, NoteSpec):
                for fact in spec.placeholders():
                    if tree.for_fact(fact) is None:
                        add(f"rule '{rule.id}': placeholder {{{fact}}} is not a fact", spec.line)
    return found


def _check_test(
    tree: Tree, test: FactTest, where: str, line: int | None, add: Callable[[str, int | None], None]
) -> None:
    question = tree.for_fact(test.fact)
    if question is None:
        add(f"{where}: unknown fact '{test.fact}' (facts: {', '.join(tree.facts)})", line)
        return
    for value in (*(test.values or ()), *test.not_values):
        if not valid_answer(question, value, check_range=False):
            add(f"{where}: {value!r} is not an answer to {question.name} ({question.allowed_text()})", line)
    if (test.min is not None or test.max is not None) and question.kind != "number":
        add(f"{where}: min/max test on '{test.fact}', which is not a number question", line)


def valid_answer(question: Question, value: Value, *, check_range: bool = True) -> bool:
    if question.kind == "number":
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        assert question.min is not None and question.max is not None
        return not check_range or question.min <= value <= question.max
    return question.option(value) is not None


def find_cycle(tree: Tree) -> list[str]:
    """Question ids forming a cycle through ``next`` links (empty when there is none)."""
    edges: dict[str, list[str]] = {}
    for q in tree.questions:
        skipped = tree.following(q)
        targets = [o.next for o in q.options if o.next] + [skipped.id if skipped else END]
        edges[q.id] = [t for t in targets if t != END and tree.question(t)]
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for target in edges.get(node, []):
            if state.get(target) == 1:
                return stack[stack.index(target) :] + [target]
            if target not in state and (found := visit(target)):
                return found
        state[node] = 2
        stack.pop()
        return []

    for q in tree.questions:
        if q.id not in state and (found := visit(q.id)):
            return found
    return []
