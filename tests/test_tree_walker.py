"""The one-question-at-a-time API the terminal app builds its guided-coding screen on."""

from __future__ import annotations

import pytest

from esi_helper.kb import KnowledgeBase
from esi_helper.tree import Tree, TreeInputError, Walker, load_tree


@pytest.fixture(scope="module")
def tree(kb: KnowledgeBase) -> Tree:
    return load_tree(kb)


def _values(walker: Walker) -> list[object]:
    question = walker.current()
    assert question is not None
    return [o.value for o in question.options]


def test_a_full_walk_asks_each_question_once_and_gives_claim_lines(kb: KnowledgeBase, tree: Tree) -> None:
    walker = Walker(tree)
    asked = []
    for answer in ("lumbar", "transforaminal", "fluoroscopy", 2, "right", False, False, "none"):
        question = walker.current()
        assert question is not None
        asked.append(question.id)
        walker.answer(answer)
    assert asked == [
        "region",
        "approach",
        "imaging",
        "levels",
        "side",
        "diagnostic_block",
        "same_day_procedure",
        "repeat",
    ]
    assert walker.done and walker.current() is None
    assert walker.result(kb).claim_lines() == ["64483-RT x1", "64484-RT x1"]
    assert [(q.id, label) for q, label in walker.path][:5] == [
        ("region", "Lumbar"),
        ("approach", "Transforaminal"),
        ("imaging", "Fluoroscopy"),
        ("levels", "2"),
        ("side", "Right"),
    ]


def test_questions_carry_prompt_options_help_and_kind(tree: Tree) -> None:
    walker = Walker(tree)
    question = walker.current()
    assert question is not None and question.kind == "choice" and question.prompt
    assert all(o.label and o.help for o in question.options)
    for answer in ("sacral", "transforaminal", "ct"):
        walker.answer(answer)
    levels = walker.current()
    assert levels is not None and levels.kind == "number" and levels.options == ()
    assert (levels.min, levels.max, levels.default) == (1, 5, 1)


def test_options_that_break_a_constraint_are_not_offered(tree: Tree) -> None:
    walker = Walker(tree)
    walker.answer("cervical")
    assert _values(walker) == ["interlaminar", "transforaminal"]
    with pytest.raises(TreeInputError, match="lumbar or sacral only"):
        walker.answer("caudal")
    walker.back()
    walker.answer("sacral")
    assert _values(walker) == ["interlaminar", "caudal", "transforaminal"]


def test_answers_may_be_values_labels_or_text(tree: Tree) -> None:
    walker = Walker(tree)
    walker.answer("Lumbar")
    walker.answer("INTERLAMINAR")
    walker.answer("ct")
    walker.answer("yes")
    assert walker.answers == {"region": "lumbar", "approach": "interlaminar", "imaging": "ct", "catheter": True}


def test_bad_answers_raise_and_change_nothing(tree: Tree) -> None:
    walker = Walker(tree)
    with pytest.raises(TreeInputError, match="choose cervical, thoracic, lumbar or sacral"):
        walker.answer("neck")
    for answer in ("lumbar", "transforaminal", "fluoroscopy"):
        walker.answer(answer)
    for bad in (0, "6", "two", True):
        with pytest.raises(TreeInputError, match="from 1 to 5"):
            walker.answer(bad)
    question = walker.current()
    assert question is not None and question.id == "levels"


def test_interlaminar_skips_the_transforaminal_questions(tree: Tree) -> None:
    walker = Walker(tree)
    asked = []
    for answer in ("lumbar", "caudal", "fluoroscopy", False, False, "none"):
        question = walker.current()
        assert question is not None
        asked.append(question.id)
        walker.answer(answer)
    assert asked == ["region", "approach", "imaging", "catheter", "same_day_procedure", "repeat"]
    assert walker.done


def test_a_no_code_path_ends_early_with_its_reason(kb: KnowledgeBase, tree: Tree) -> None:
    walker = Walker(tree)
    for answer in ("cervical", "transforaminal", "none"):
        walker.answer(answer)
    assert walker.done
    rec = walker.result(kb)
    assert rec.claim_lines() == [] and rec.no_code
    with pytest.raises(TreeInputError, match="finished"):
        walker.answer("left")


def test_back_and_restart(tree: Tree) -> None:
    walker = Walker(tree)
    assert walker.back() is False
    walker.answer("lumbar")
    walker.answer("transforaminal")
    assert walker.back() is True
    question = walker.current()
    assert question is not None and question.id == "approach"
    assert [q.id for q, _ in walker.path] == ["region"]
    walker.answer("interlaminar")
    question = walker.current()
    assert question is not None and question.id == "imaging"
    walker.restart()
    question = walker.current()
    assert question is not None and question.id == "region"
    assert walker.path == [] and walker.answers == {} and not walker.done


def test_result_before_the_end_names_what_is_missing(kb: KnowledgeBase, tree: Tree) -> None:
    walker = Walker(tree)
    walker.answer("lumbar")
    with pytest.raises(TreeInputError) as info:
        walker.result(kb)
    assert info.value.missing == ("approach", "imaging")
