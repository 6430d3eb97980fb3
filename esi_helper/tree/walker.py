"""Walk the tree one question at a time (the terminal app's guided coding screen drives this)."""

from __future__ import annotations

from dataclasses import replace

from esi_helper.kb.records import KnowledgeBase
from esi_helper.tree.engine import WalkState, coerce, violated, walk
from esi_helper.tree.model import Option, Question, Tree, TreeInputError, Value
from esi_helper.tree.result import Recommendation, recommend


def allowed_options(tree: Tree, question: Question, facts: dict[str, Value]) -> tuple[Option, ...]:
    """The options no constraint forbids, given the facts collected so far."""
    return tuple(o for o in question.options if violated(tree, {**facts, question.fact: o.value}) is None)


class Walker:
    """A back-stack of answers over a Tree: ``current()``, ``answer()``, ``back()``, ``restart()``, ``result()``."""

    def __init__(self, tree: Tree):
        self.tree = tree
        self._answers: dict[str, Value] = {}
        self._state = walk(tree, {}, fill_asked=False)

    def _update(self) -> None:
        self._state = walk(self.tree, self._answers, fill_asked=False)

    def current(self) -> Question | None:
        """The question to answer now, with only the options allowed so far; None when done."""
        question = self._state.pending
        if question is None or question.kind != "choice":
            return question
        return replace(question, options=allowed_options(self.tree, question, self._state.facts))

    def answer(self, value: object) -> None:
        """Answer the current question (an option value, its text, or a number); raise TreeInputError."""
        question = self._state.pending
        if question is None:
            raise TreeInputError("the walk is finished: go back or restart to change an answer")
        typed = coerce(question, value)
        broken = violated(self.tree, {**self._state.facts, question.fact: typed})
        if broken:
            raise TreeInputError(broken.message, fact=question.fact)
        self._answers[question.fact] = typed
        self._update()

    def back(self) -> bool:
        """Undo the last answer; False when there was none."""
        if not self._answers:
            return False
        self._answers.popitem()
        self._update()
        return True

    def restart(self) -> None:
        """Forget every answer."""
        self._answers.clear()
        self._update()

    @property
    def state(self) -> WalkState:
        """Facts so far (defaults of skipped questions included) and the steps taken."""
        return self._state

    @property
    def answers(self) -> dict[str, Value]:
        """The answers given, by fact."""
        return dict(self._answers)

    @property
    def path(self) -> list[tuple[Question, str]]:
        """``(question, answer label)`` for every answered question, in order."""
        return [(s.question, s.answer) for s in self._state.steps]

    @property
    def done(self) -> bool:
        """Whether every question on the path is answered."""
        return self._state.pending is None

    def result(self, kb: KnowledgeBase) -> Recommendation:
        """The recommendation for the answers (TreeInputError naming what is missing if not done)."""
        return recommend(kb, self.tree, self._answers)
