"""Property tests: the engine answers any string (empty, huge, control characters, any script) without raising."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esi_helper.answer import Conversation, Engine
from esi_helper.kb import KnowledgeBase


@pytest.fixture(scope="module")
def engine(kb: KnowledgeBase) -> Engine:
    return Engine(kb)


def check(engine: Engine, question: str, conversation: Conversation | None = None) -> None:
    result = engine.ask(question, conversation)
    assert isinstance(result.confident, bool)
    assert len(result.suggestions) <= 3
    json.dumps(result.to_json())
    engine.complete(question[:40])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text())
def test_any_text(engine: Engine, text: str) -> None:
    check(engine, text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            [
                "62321",
                "M54.16",
                "mod 50",
                "and",
                "lumbar",
                "units",
                "pay",
                "-XS",
                "L4-5",
                "x2",
                "\x00",
                "\u202e",
                "epidural",
                "?",
                "the",
                "日本",
                "zip 75201",
                "M5",
                "0228T",
            ]
        ),
        max_size=12,
    ).map(" ".join)
)
def test_code_soup_and_follow_ups(engine: Engine, text: str) -> None:
    conversation = Conversation()
    check(engine, text, conversation)
    check(engine, "and the modifier?", conversation)


@pytest.mark.parametrize(
    "question",
    [
        "",
        " ",
        "\x00\x01\x02\x1b[31m\x7f",
        "\ud800",
        "🙂" * 100,
        "Что такое 62321?",
        "硬膜外ステロイド注射のコード",
        "ما هو رمز 64483",
        "62321" * 1000,
        "M54.16 " * 5000,
    ],
)
def test_strange_strings(engine: Engine, question: str) -> None:
    check(engine, question)


def test_a_megabyte_question(engine: Engine) -> None:
    question = ("lumbar tfesi modifier 50 62321 M54.16 ") * 30000
    assert len(question) > 1_000_000
    result = engine.ask(question)
    assert result.query == question
    check(engine, "x" * 1_048_576)
