"""knowledge/lexicon.toml: its validation (file and line for each problem) and what normalisation does with it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from esi_helper.answer.lexicon import build_lexicon, validate_kb
from esi_helper.answer.text import Normaliser, clean
from esi_helper.kb import KnowledgeBase, check_kb, load_kb
from tests.conftest import DATA


def kb_with_lexicon(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(DATA / "kb_min", root)
    (root / "lexicon.toml").write_text(text, encoding="utf-8")
    return root


def test_the_shipped_lexicon_is_valid(kb: KnowledgeBase) -> None:
    assert validate_kb(kb) == []


def test_problems_name_file_and_line(tmp_path: Path) -> None:
    root = kb_with_lexicon(
        tmp_path,
        '[synonyms]\npayment = "pay"\n\n[regions]\nneck = "necky"\n\n[bogus]\nx = 1\n\n[weights]\ncervical = 0\n',
    )
    problems = [str(p) for p in check_kb(root)]
    assert problems == [
        "lexicon.toml:2: [synonyms] 'payment' must map to a list of non-empty text",
        "lexicon.toml:5: [regions] 'neck' maps to 'necky', not a region (cervical, thoracic, lumbar, sacral)",
        "lexicon.toml:7: unknown section [bogus] (allowed: "
        "phrases, abbreviations, synonyms, typos, regions, levels, topics, settings, intent, weights, stopwords, "
        "followup, out_of_scope, scope, alternatives, place_words, code_finder, myth_cues, starters, code_prefixes, "
        "places, payers, entry_topics)",
        "lexicon.toml:11: [weights] 'cervical' must be a number above 0 and at most 10",
    ]


def test_a_word_rewritten_two_ways_is_reported(tmp_path: Path) -> None:
    root = kb_with_lexicon(tmp_path, '[abbreviations]\nesi = "epidural"\n\n[synonyms]\nsteroid = ["esi"]\n')
    (problem,) = check_kb(root)
    assert problem.file == "lexicon.toml" and problem.line == 5
    assert "'esi' becomes 'steroid' here but 'epidural' in [abbreviations]" in problem.message


def test_a_syntax_error_is_one_problem_with_its_line(tmp_path: Path) -> None:
    root = kb_with_lexicon(tmp_path, "[phrases]\n'low back' = \n")
    (problem,) = check_kb(root)
    assert problem.file == "lexicon.toml" and problem.line == 2


def test_the_engine_runs_without_a_lexicon() -> None:
    from esi_helper.answer import Engine

    engine = Engine(load_kb(DATA / "kb_min"), cache=False)
    assert engine.ask("what is the primary test code").best.id == "cpt-11111"
    assert engine.ask("11112").best.id == "cpt-11112"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("C-spine ESI", ["cervical", "esi"]),
        ("low back tfesi", ["lumbar", "transforaminal", "esi"]),
        ("how much does it pay", ["payment"]),
        ("neck", ["cervical"]),
        ("fluoro", ["fluoroscopy"]),
        ("epideral steriod injection", ["esi"]),
        ("L4-5", ["lumbar", "level"]),
    ],
)
def test_normalisation_from_the_shipped_lexicon(kb: KnowledgeBase, typed: str, expected: list[str]) -> None:
    from esi_helper.answer import Engine

    normaliser = Engine(kb).normaliser
    assert list(dict.fromkeys(normaliser.normalise(clean(typed), correct=True).tokens)) == expected


def test_typo_correction_keeps_the_first_letter() -> None:
    normaliser = Normaliser(build_lexicon({}), {"infusion", "lumbar"})
    assert normaliser.correct("lumbr") == "lumbar"
    assert normaliser.correct("fusion") is None
