"""``kb check`` on decision trees: a tree for another code family passes; broken trees name file, line and cause."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from esi_helper.cli import main
from esi_helper.kb import KnowledgeBase, KnowledgeError
from esi_helper.paths import packaged_knowledge_dir
from esi_helper.tree import Walker, load_tree, recommend
from esi_helper.tree.validate import enumerate_paths, validate_kb
from tests.conftest import DATA

FACET = (DATA / "tree_facet" / "tree.toml").read_text()


def _kb_with_tree(kb: KnowledgeBase, root: Path, text: str) -> KnowledgeBase:
    """The shipped knowledge base with ``text`` as its tree.toml."""
    (root / "tree.toml").write_text(text)
    return dataclasses.replace(kb, root=root, _docs={})


def _line(text: str, snippet: str, nth: int = 0) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), 1) if snippet in line]
    return hits[nth]


def _problems(kb: KnowledgeBase, tmp_path: Path, text: str) -> list[str]:
    return [str(p) for p in validate_kb(_kb_with_tree(kb, tmp_path, text))]


def test_a_facet_tree_is_only_data(kb: KnowledgeBase, tmp_path: Path) -> None:
    facet = _kb_with_tree(kb, tmp_path, FACET)
    assert validate_kb(facet) == []
    tree = load_tree(facet)
    assert len(list(enumerate_paths(tree))) == 4 * (1 + 3 * 3)
    lines = {
        (3, "left"): ["64493-LT x1", "64494-LT x1", "64495-LT x1"],
        (2, "bilateral"): ["64493-50 x1", "64494-50 x1"],
        (1, "right"): ["64493-RT x1"],
    }
    for (levels, side), expected in lines.items():
        rec = recommend(facet, tree, {"region": "lumbar", "imaging": "yes", "levels": levels, "side": side})
        assert rec.claim_lines() == expected
    rec = recommend(facet, tree, {"region": "cervical", "imaging": "yes", "levels": 3, "side": "right"})
    assert rec.claim_lines() == ["64490-RT x1", "64491-RT x1", "64492-RT x1"]
    walker = Walker(tree)
    walker.answer("thoracic")
    walker.answer("no")
    assert walker.done
    assert walker.result(facet).no_code


def test_kb_check_and_recommend_run_a_facet_knowledge_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "kb"
    shutil.copytree(packaged_knowledge_dir(), root)
    (root / "tree.toml").write_text(FACET)
    assert main(["kb", "check", str(root)]) == 0
    capsys.readouterr()
    args = [
        "--knowledge",
        str(root),
        "recommend",
        "--region",
        "sacral",
        "--imaging",
        "yes",
        "--levels",
        "2",
        "--side",
        "left",
        "--json",
    ]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(c["code"], c["modifiers"], c["units"]) for c in data["codes"]] == [
        ("64493", ["LT"], 1),
        ("64494", ["LT"], 1),
    ]


BROKEN = [
    (
        "unknown-code",
        ('code = "64495"', 'code = "64499"'),
        "[[rule.line]]",
        5,
        "rule 'facet-lower': code '64499' has no [[code]] entry",
    ),
    (
        "unknown-source",
        ('citations = ["revmedi-facet"]', 'citations = ["nope"]'),
        "[[rule.rationale]]",
        0,
        "rule 'facet-upper' cites unknown source 'nope'",
    ),
    (
        "no-citation",
        ('citations = ["pfs-2025", "rvu-readme-2025"]', "citations = []"),
        "citations = []",
        0,
        "rule 'facet-bilateral' rationale: cites no source (citations = [\"source-id\", ...])",
    ),
    (
        "dangling-next",
        ('label = "No", next = "end"', 'label = "No", next = "nowhere"'),
        "[[question]]",
        1,
        "question imaging option no: next 'nowhere' is not a question id (or \"end\")",
    ),
    (
        "typo-value",
        ('"cervical", "thoracic"]', '"cervical", "thorasic"]'),
        "upper = ",
        0,
        "condition 'upper': 'thorasic' is not an answer to region (cervical, thoracic, lumbar or sacral)",
    ),
    (
        "unknown-fact",
        ('when = { imaging = "no" }', 'when = { imagin = "no" }'),
        'imagin = "no"',
        0,
        "rule 'facet-no-imaging' when: unknown fact 'imagin' (facts: region, imaging, levels, side)",
    ),
    (
        "units-zero",
        ('units = "levels - 2"', 'units = "levels - 3"'),
        "[[question]]",
        3,
        "path region=cervical, imaging=yes, levels=3, side=left: code 64492: units 'levels - 3' give 0",
    ),
    (
        "bad-units",
        ('units = "levels - 2"', 'units = "levels -"'),
        'units = "levels -"',
        0,
        "rule 'facet-upper' line: units 'levels -': write a number, a fact name, or several joined by + and -",
    ),
    (
        "missing-row",
        ('rows = { "1" =', 'rows = { "3" ='),
        "[[rule.line]]",
        0,
        "rule 'facet-upper': modifier map 'side' has no row '1' for code 64490 (pfs.bilateral)",
    ),
    (
        "unknown-field",
        ('prompt = "Which side?"', 'prompt = "Which side?"\ncolour = "red"'),
        "colour",
        0,
        "question 'side': unknown field 'colour' (allowed: id, prompt, kind, fact, name, help, options, min, max, "
        "default, ask_when, next)",
    ),
    (
        "bad-kind",
        ('kind = "number"', 'kind = "slider"'),
        'kind = "slider"',
        0,
        "question 'levels': kind 'slider' must be one of choice, number",
    ),
]


@pytest.mark.parametrize(("change", "anchor", "nth", "message"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_trees_name_file_line_and_cause(
    kb: KnowledgeBase, tmp_path: Path, change: tuple[str, str], anchor: str, nth: int, message: str
) -> None:
    old, new = change
    assert old in FACET
    text = FACET.replace(old, new, 1)
    problems = _problems(kb, tmp_path, text)
    assert f"tree.toml:{_line(text, anchor, nth)}: {message}" in problems, problems


def test_a_cycle_is_found(kb: KnowledgeBase, tmp_path: Path) -> None:
    text = FACET.replace('prompt = "Which side?"', 'prompt = "Which side?"\nnext = "region"')
    problems = _problems(kb, tmp_path, text)
    assert (
        f"tree.toml:{_line(text, '[[question]]')}: the questions form a cycle: region -> imaging -> levels -> "
        "side -> region" in problems
    )


def test_a_path_without_an_outcome_is_found(kb: KnowledgeBase, tmp_path: Path) -> None:
    text = FACET[: FACET.index('[[rule]]\nid = "facet-no-imaging"')]
    problems = _problems(kb, tmp_path, text)
    imaging_line = _line(text, "[[question]]", 1)
    for region in ("cervical", "thoracic", "lumbar", "sacral"):
        assert (
            f"tree.toml:{imaging_line}: path region={region}, imaging=no: produces no claim line and no "
            "'no code applies' outcome (add a rule)"
        ) in problems


def test_a_dead_end_is_found(kb: KnowledgeBase, tmp_path: Path) -> None:
    text = FACET + '\n[[constraint]]\nid = "x"\nwhen = { region = "lumbar", side = { given = true } }\nmessage = "no"\n'
    problems = _problems(kb, tmp_path, text)
    assert any(
        "path region=lumbar, imaging=yes, levels=1: question 'side' has no option the constraints allow" in p
        for p in problems
    ), problems


def test_too_many_path_problems_are_summed_up(kb: KnowledgeBase, tmp_path: Path) -> None:
    text = FACET.replace(
        'rows = { "1" = { left = "LT", right = "RT", bilateral = "50" } }',
        'rows = { "1" = { left = "LT", right = "RT" } }',
    )
    problems = _problems(kb, tmp_path, text)
    assert len(problems) == 11 and problems[-1] == "tree.toml: ... and 2 more paths with problems"
    assert "modifier map 'side' row '1' has no entry for side = bilateral" in problems[0]


def test_a_toml_error_and_a_missing_tree(kb: KnowledgeBase, tmp_path: Path) -> None:
    broken = _kb_with_tree(kb, tmp_path, FACET.replace("[tree]", "[tree"))
    with pytest.raises(KnowledgeError) as info:
        validate_kb(broken)
    assert str(info.value.problems[0]).startswith("tree.toml:5: TOML syntax error")
    (tmp_path / "tree.toml").unlink()
    empty = dataclasses.replace(kb, root=tmp_path, _docs={})
    assert validate_kb(empty) == []
    with pytest.raises(KnowledgeError, match="no decision tree"):
        load_tree(empty)
