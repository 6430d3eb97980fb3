"""``kb check`` for the decision tree: structure, references to codes and sources, and every path's outcome."""

from __future__ import annotations

from collections.abc import Iterator

from esi_helper.kb.located import Problem
from esi_helper.kb.records import KnowledgeBase
from esi_helper.tree.engine import WalkState, code_attribute, evaluate, violated, walk
from esi_helper.tree.load import TREE_FILE, parse_tree
from esi_helper.tree.model import NO_VALUE_ROW, Question, Tree, TreeDataError, Value, value_key
from esi_helper.tree.walker import allowed_options

#: Path problems reported before the rest are summed up in one line.
MAX_PATH_PROBLEMS = 10
#: Number questions with a wider range are enumerated at their boundaries only.
MAX_NUMBER_SPAN = 20


def validate_kb(kb: KnowledgeBase) -> list[Problem]:
    """Every problem in the knowledge base's ``tree.toml`` (none when the file is absent)."""
    doc = kb.document(TREE_FILE)
    if doc is None:
        return []
    tree, problems = parse_tree(doc)
    if problems or tree is None:
        return problems
    problems = reference_problems(kb, tree)
    return problems or path_problems(kb, tree)


def reference_problems(kb: KnowledgeBase, tree: Tree) -> list[Problem]:
    """Codes without a [[code]] entry, unknown sources, rules that cite nothing, missing modifier-map rows."""
    problems: list[Problem] = []

    def add(message: str, line: int | None) -> None:
        problems.append(Problem(tree.file, line, message))

    for rule in tree.rules:
        notes = list(rule.notes())
        if not notes:
            add(f"rule '{rule.id}' cites no source: add a rationale, warning or no_code with citations", rule.line)
        for note in notes:
            for cited in note.citations:
                if cited not in kb.sources:
                    add(f"rule '{rule.id}' cites unknown source '{cited}'", note.line)
        codes = [(spec.code, spec.line) for spec in rule.lines]
        codes += [(code, rule.modify.line) for code in rule.modify.codes] if rule.modify else []
        for code, line in codes:
            if code not in kb.codes:
                add(f"rule '{rule.id}': code '{code}' has no [[code]] entry", line)
        for spec in rule.lines:
            for item in spec.modifiers:
                if isinstance(item, dict) and spec.code in kb.codes:
                    mapping = tree.maps[item["map"]]
                    row = code_attribute(kb.codes[spec.code], mapping.by) or NO_VALUE_ROW
                    if row not in mapping.rows:
                        add(
                            f"rule '{rule.id}': modifier map '{mapping.id}' has no row '{row}' for code "
                            f"{spec.code} ({mapping.by})",
                            spec.line,
                        )
    return problems


def number_values(tree: Tree, question: Question) -> list[int]:
    """Values of a number question worth trying: all of them, or the boundaries the conditions test."""
    assert question.min is not None and question.max is not None
    if question.max - question.min <= MAX_NUMBER_SPAN:
        return list(range(question.min, question.max + 1))
    marks = {question.min, question.max}
    conditions = [q.ask_when for q in tree.questions] + [c.when for c in tree.constraints]
    for rule in tree.rules:
        conditions += [rule.when, *(s.when for s in rule.lines), *(n.when for n in rule.notes())]
    for cond in conditions:
        for test in cond.fact_tests():
            if test.fact == question.fact:
                for bound in (test.min, test.max, *(v for v in test.values or () if isinstance(v, int))):
                    if bound is not None:
                        marks.update({bound - 1, bound, bound + 1})
    return sorted(v for v in marks if question.min <= v <= question.max)


def enumerate_paths(tree: Tree) -> Iterator[WalkState]:
    """Every walk through the tree, in depth-first order; a state still ``pending`` is a dead end."""
    stack: list[dict[str, Value]] = [{}]
    while stack:
        answers = stack.pop()
        state = walk(tree, answers, fill_asked=False)
        question = state.pending
        if question is None:
            yield state
            continue
        if question.kind == "number":
            values: list[Value] = list(number_values(tree, question))
        else:
            values = [o.value for o in allowed_options(tree, question, state.facts)]
        if not values:
            yield state
        stack.extend({**answers, question.fact: v} for v in reversed(values))


def describe(state: WalkState) -> str:
    """``fact=value, …`` for messages."""
    return ", ".join(f"{s.question.fact}={value_key(s.value)}" for s in state.steps) or "(start)"


def path_problems(kb: KnowledgeBase, tree: Tree) -> list[Problem]:
    """Walk every path: each must end, respect the constraints, and produce claim lines or a no-code reason."""
    found: list[Problem] = []
    count = 0
    for state in enumerate_paths(tree):
        last = state.pending or (state.steps[-1].question if state.steps else tree.first())
        line = last.line if last else None
        message = _path_message(kb, tree, state)
        if message:
            count += 1
            if count <= MAX_PATH_PROBLEMS:
                found.append(Problem(tree.file, line, f"path {describe(state)}: {message}"))
    if count > MAX_PATH_PROBLEMS:
        found.append(Problem(tree.file, None, f"... and {count - MAX_PATH_PROBLEMS} more paths with problems"))
    return found


def _path_message(kb: KnowledgeBase, tree: Tree, state: WalkState) -> str:
    if state.pending is not None:
        return f"question '{state.pending.id}' has no option the constraints allow (a dead end)"
    broken = violated(tree, state.facts)
    if broken:
        return f"ends on facts that constraint '{broken.id}' forbids"
    try:
        outcome = evaluate(kb, tree, state.facts, notes=False)
    except TreeDataError as exc:
        return str(exc)
    if not outcome.lines and not outcome.no_code:
        return "produces no claim line and no 'no code applies' outcome (add a rule)"
    if outcome.lines and outcome.no_code:
        return f"produces claim lines and a 'no code applies' outcome at once (rules {', '.join(outcome.rules)})"
    return ""
