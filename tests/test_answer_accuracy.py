"""The answer engine on the labelled biller questions: top-1 accuracy and the in-scope / out-of-scope split."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

import pytest

from esi_helper.answer import Conversation, Engine
from esi_helper.answer.engine import THRESHOLD
from esi_helper.kb import KnowledgeBase
from tests.conftest import DATA

QUESTIONS = DATA / "questions.toml"
MIN_TOP1 = 0.95
MIN_SPLIT = 0.95


@dataclass
class Outcome:
    question: str
    want: str
    got: str
    confident: bool
    score: float
    tag: str = ""


def labelled() -> tuple[list[dict[str, str]], list[list[dict[str, str]]]]:
    data = tomllib.loads(QUESTIONS.read_text(encoding="utf-8"))
    return data["q"], [c["turns"] for c in data.get("conversation", [])]


@pytest.fixture(scope="module")
def outcomes(kb: KnowledgeBase) -> list[Outcome]:
    engine = Engine(kb)
    singles, conversations = labelled()
    out: list[Outcome] = []

    def record(question: str, want: str, tag: str, conversation: Conversation | None) -> None:
        result = engine.ask(question, conversation)
        best = result.best
        got, score = (best.id, best.score) if best else ("", 0.0)
        out.append(Outcome(question, want, got, result.confident, score, tag))

    for item in singles:
        record(item["q"], item["id"], item.get("tag", ""), None)
    for turns in conversations:
        conversation = Conversation()
        for turn in turns:
            record(turn["q"], turn["id"], "follow-up", conversation)
    return out


def test_the_labelled_set_is_big_and_varied() -> None:
    singles, conversations = labelled()
    tags = {item.get("tag", "") for item in singles}
    assert len(singles) + sum(len(t) for t in conversations) >= 200
    assert sum(1 for item in singles if not item["id"]) >= 30
    assert {"code", "typo", "abbrev", "conversational", "oos", "pairing", "fee", "icd"} <= tags
    assert sum(len(t) - 1 for t in conversations) >= 10, "follow-up turns"


def test_every_label_names_an_entry_or_a_built_answer(kb: KnowledgeBase) -> None:
    singles, conversations = labelled()
    for item in singles + [t for turns in conversations for t in turns]:
        ident = item["id"]
        if ident and ":" not in ident:
            assert ident in kb.entries, ident


def test_top1_accuracy(outcomes: list[Outcome]) -> None:
    in_scope = [o for o in outcomes if o.want]
    wrong = [f"{o.question!r}: wanted {o.want}, got {o.got}" for o in in_scope if o.got != o.want]
    accuracy = 1 - len(wrong) / len(in_scope)
    assert accuracy >= MIN_TOP1, f"top-1 {accuracy:.3f}:\n" + "\n".join(wrong)


def test_out_of_scope_questions_are_not_answered_confidently(outcomes: list[Outcome]) -> None:
    in_scope = [o for o in outcomes if o.want]
    out_scope = [o for o in outcomes if not o.want]
    # "Positive" = the engine says it is confident (the question is in scope).
    true_pos = sum(o.confident for o in in_scope)
    false_pos = [o.question for o in out_scope if o.confident]
    precision = true_pos / (true_pos + len(false_pos))
    recall = true_pos / len(in_scope)
    oos_recall = 1 - len(false_pos) / len(out_scope)
    assert not false_pos, f"confident on out-of-scope questions: {false_pos}"
    assert precision >= MIN_SPLIT and recall >= MIN_SPLIT and oos_recall >= MIN_SPLIT


def test_threshold_sits_between_the_two_groups(outcomes: list[Outcome]) -> None:
    """THRESHOLD was chosen in the gap between the best out-of-scope score and the in-scope scores."""
    best_out = max(o.score for o in outcomes if not o.want)
    in_scope = sorted(o.score for o in outcomes if o.want and o.got == o.want and o.tag != "near-miss")
    assert best_out < THRESHOLD <= in_scope[len(in_scope) // 100], (best_out, in_scope[:5])


def test_near_misses_are_offered_but_not_confident(outcomes: list[Outcome]) -> None:
    near = [o for o in outcomes if o.tag == "near-miss"]
    assert near and all(o.got == o.want and not o.confident for o in near)
