"""Every path of the shipped decision tree, checked against a coding table written from the fact sheet.

The table below is independent of tree.toml: it restates the code structure from the sources (descriptors:
codingahead-cpt, carepatron-cpt, genhealth-64479; per level: aapc-tf-levels; bilateral indicators: pfs-2025,
0228T-0231T absent from it; modifier 50 vs RT/LT: aapc-bilateral; KX: article-a58745; 76/77: mue-definitions).
"""

from __future__ import annotations

from typing import Any

import pytest

from esi_helper.kb import KnowledgeBase
from esi_helper.tree import Recommendation, Tree, Walker, load_tree, recommend
from esi_helper.tree.engine import WalkState
from esi_helper.tree.validate import enumerate_paths, validate_kb

UPPER = {"cervical", "thoracic"}
IMAGE = {"fluoroscopy", "ct"}
# Interlaminar/caudal: (cervical or thoracic?, image-guided?, catheter?) -> code
IL_CODE = {
    (True, True, False): "62321",
    (True, False, False): "62320",
    (False, True, False): "62323",
    (False, False, False): "62322",
    (True, True, True): "62325",
    (True, False, True): "62324",
    (False, True, True): "62327",
    (False, False, True): "62326",
}
# Transforaminal: (cervical or thoracic?, imaging) -> (first level, each additional level)
TF_CODES = {
    (True, "fluoroscopy"): ("64479", "64480"),
    (True, "ct"): ("64479", "64480"),
    (False, "fluoroscopy"): ("64483", "64484"),
    (False, "ct"): ("64483", "64484"),
    (True, "ultrasound"): ("0228T", "0229T"),
    (False, "ultrasound"): ("0230T", "0231T"),
}
# Side -> modifier lists: bilateral indicator 1 (64479-64484) is one line with 50; no indicator (0228T-0231T) is
# one line per side.
SIDE_INDICATOR_1 = {"left": [("LT",)], "right": [("RT",)], "bilateral": [("50",)]}
SIDE_NO_INDICATOR = {"left": [("LT",)], "right": [("RT",)], "bilateral": [("RT",), ("LT",)]}
REPEAT = {"same": "76", "different": "77"}


def expected_lines(f: dict[str, Any]) -> list[str] | None:
    """Claim lines the sources call for, or None when no code applies."""
    upper = f["region"] in UPPER
    lines: list[tuple[str, tuple[str, ...], int]] = []
    if f["approach"] in ("interlaminar", "caudal"):
        if f["imaging"] == "ultrasound":
            return None
        lines.append((IL_CODE[(upper, f["imaging"] in IMAGE, f["catheter"])], (), 1))
    else:
        if f["imaging"] == "none":
            return None
        first, extra = TF_CODES[(upper, f["imaging"])]
        sides = (SIDE_INDICATOR_1 if f["imaging"] in IMAGE else SIDE_NO_INDICATOR)[f["side"]]
        kx = ("KX",) if f["diagnostic_block"] and f["imaging"] in IMAGE else ()
        for code, units in ((first, 1), (extra, f["levels"] - 1)):
            if units:
                lines += [(code, mods + kx, units) for mods in sides]
    if f["repeat"] in REPEAT:
        lines += [(code, mods + (REPEAT[f["repeat"]],), units) for code, mods, units in lines]
    return ["-".join((code, *mods)) + f" x{units}" for code, mods, units in lines]


def _answers(state: WalkState) -> dict[str, Any]:
    return {s.question.fact: s.value for s in state.steps}


@pytest.fixture(scope="module")
def tree(kb: KnowledgeBase) -> Tree:
    return load_tree(kb)


@pytest.fixture(scope="module")
def outcomes(kb: KnowledgeBase, tree: Tree) -> list[tuple[WalkState, Recommendation]]:
    return [(state, recommend(kb, tree, _answers(state))) for state in enumerate_paths(tree)]


def test_the_shipped_tree_validates(kb: KnowledgeBase) -> None:
    assert validate_kb(kb) == []


def test_every_path_matches_the_coding_table(outcomes: list[tuple[WalkState, Recommendation]]) -> None:
    assert len(outcomes) > 2000
    for state, rec in outcomes:
        expected = expected_lines(rec.facts)
        where = _answers(state)
        if expected is None:
            assert rec.claim_lines() == [] and rec.no_code, where
        else:
            assert rec.claim_lines() == expected, where
            assert rec.no_code == [], where


def test_every_path_is_cited_and_ends_properly(outcomes: list[tuple[WalkState, Recommendation]]) -> None:
    for state, rec in outcomes:
        assert state.pending is None
        assert rec.lines or rec.no_code
        assert rec.rationale or rec.no_code
        assert all(note.citations for note in rec.notes()), _answers(state)
        assert all(line.descriptor for line in rec.lines)


def _has(rec: Recommendation, phrase: str) -> bool:
    return any(phrase in n.text for n in rec.notes())


def test_warnings_apply_exactly_where_the_sources_say(outcomes: list[tuple[WalkState, Recommendation]]) -> None:
    for state, rec in outcomes:
        f = rec.facts
        il, coded = f["approach"] != "transforaminal", bool(rec.lines)
        image = f["imaging"] in IMAGE
        tf_image = not il and image
        checks = {
            "do not bill 77003, 77012 or 76000": coded and image,
            "Expect a denial under the Medicare ESI LCDs": il and f["imaging"] == "none",
            "Check the status of 0228T-0231T": not il and f["imaging"] == "ultrasound",
            "Payers differ on bilateral transforaminal lines": tf_image and f.get("side") == "bilateral",
            "Sources disagree on modifier 50 for the add-on line": tf_image
            and f.get("side") == "bilateral"
            and f["levels"] >= 2,
            "exceed the Medicare limit of 2 transforaminal levels": coded and not il and f["levels"] >= 3,
            "1 interlaminar or caudal level per session": coded and il,
            "at most 2 transforaminal levels per session": coded and not il,
            "rolling 12 months": coded,
            "not routinely payable": coded,
            "Keep the guidance images": coded and image,
            "XE (separate encounter)": coded and f["same_day_procedure"],
            "unlikely to be covered": coded and f["repeat"] != "none",
            "must carry modifier KX": tf_image and f["diagnostic_block"],
            "ultrasound guidance does not meet them": il and f["imaging"] == "ultrasound",
            "No transforaminal ESI code applies without imaging": not il and f["imaging"] == "none",
        }
        for phrase, wanted in checks.items():
            assert _has(rec, phrase) == wanted, (phrase, _answers(state))


def test_the_walker_reaches_the_same_outcome(
    kb: KnowledgeBase, tree: Tree, outcomes: list[tuple[WalkState, Recommendation]]
) -> None:
    for state, rec in outcomes[::25]:
        walker = Walker(tree)
        for step in state.steps:
            question = walker.current()
            assert question is not None and question.id == step.question.id
            walker.answer(step.value)
        assert walker.done and walker.current() is None
        assert [(q.prompt, label) for q, label in walker.path] == rec.path
        assert walker.result(kb).to_json() == rec.to_json()


def test_every_rule_fires_somewhere(
    kb: KnowledgeBase, tree: Tree, outcomes: list[tuple[WalkState, Recommendation]]
) -> None:
    from esi_helper.tree.engine import evaluate

    fired = {rule for state, _ in outcomes for rule in evaluate(kb, tree, state.facts, notes=False).rules}
    # Facts the tree never asks on those paths but the command line accepts.
    cli_only = {"il-levels-over-limit", "il-diagnostic"}
    assert {r.id for r in tree.rules} - fired == cli_only
