"""Scenario table for ``recommend``: facts as a biller gives them, the claim lines and warnings the sources call for.

Sources (knowledge/sources.toml ids): descriptors codingahead-cpt, carepatron-cpt, genhealth-64479, iframe-77003;
per-level reporting aapc-tf-levels; bilateral indicators pfs-2025 / rvu-readme-2025 (62320-62327: 9,
64479-64484: 1; 0228T-0231T absent); modifier 50 vs RT/LT aapc-bilateral, aapc-50-addon; KX article-a58745;
LCD limits article-a58745 and sister articles; 76/77 mue-definitions; X modifiers x-modifiers.
"""

from __future__ import annotations

import pytest

from esi_helper.kb import KnowledgeBase
from esi_helper.tree import Recommendation, Tree, TreeInputError, load_tree, recommend

NO_CODE = None
IL = {"approach": "interlaminar"}
CAUDAL = {"approach": "caudal"}
TF = {"approach": "transforaminal"}

# (id, facts, claim lines or NO_CODE, phrases that must appear in the warnings / rationale / no-code reason)
SCENARIOS: list[tuple[str, dict[str, object], list[str] | None, tuple[str, ...]]] = [
    # Interlaminar and caudal, single injection: once per session, never 50/LT/RT.
    (
        "il-cervical-fluoro",
        {"region": "cervical", **IL, "imaging": "fluoroscopy"},
        ["62321 x1"],
        ("do not bill 77003, 77012 or 76000", "1 interlaminar or caudal level per session", "bilateral indicator 9"),
    ),
    ("il-thoracic-ct", {"region": "thoracic", **IL, "imaging": "ct"}, ["62321 x1"], ("not routinely payable",)),
    (
        "il-cervical-none",
        {"region": "cervical", **IL, "imaging": "none"},
        ["62320 x1"],
        ("Expect a denial under the Medicare ESI LCDs", "CPT bars 77003 with 62320-62329"),
    ),
    ("il-thoracic-none", {"region": "thoracic", **IL, "imaging": "none"}, ["62320 x1"], ("Expect a denial",)),
    (
        "il-lumbar-fluoro",
        {"region": "lumbar", **IL, "imaging": "fluoroscopy"},
        ["62323 x1"],
        ("rolling 12 months", "Keep the guidance images"),
    ),
    ("il-sacral-ct", {"region": "sacral", **IL, "imaging": "ct"}, ["62323 x1"], ()),
    ("il-lumbar-none", {"region": "lumbar", **IL, "imaging": "none"}, ["62322 x1"], ("Expect a denial",)),
    (
        "caudal-lumbar-fluoro",
        {"region": "lumbar", **CAUDAL, "imaging": "fluoroscopy"},
        ["62323 x1"],
        ("no separate caudal code",),
    ),
    (
        "caudal-sacral-none",
        {"region": "sacral", **CAUDAL, "imaging": "none"},
        ["62322 x1"],
        ("no separate caudal code", "Expect a denial"),
    ),
    # Indwelling catheter (62324-62327).
    (
        "catheter-cervical-fluoro",
        {"region": "cervical", **IL, "imaging": "fluoroscopy", "catheter": True},
        ["62325 x1"],
        ("catheter was left in",),
    ),
    (
        "catheter-thoracic-none",
        {"region": "thoracic", **IL, "imaging": "none", "catheter": True},
        ["62324 x1"],
        ("Expect a denial",),
    ),
    ("catheter-lumbar-ct", {"region": "lumbar", **IL, "imaging": "ct", "catheter": True}, ["62327 x1"], ()),
    ("catheter-caudal-none", {"region": "sacral", **CAUDAL, "imaging": "none", "catheter": True}, ["62326 x1"], ()),
    (
        "catheter-caudal-fluoro",
        {"region": "lumbar", **CAUDAL, "imaging": "fluoroscopy", "catheter": True},
        ["62327 x1"],
        ("no separate caudal code",),
    ),
    # Ultrasound with an interlaminar or caudal approach: no code is recommended, and the outcome says why.
    (
        "il-lumbar-ultrasound",
        {"region": "lumbar", **IL, "imaging": "ultrasound"},
        NO_CODE,
        ("ultrasound guidance does not meet them", "do not say whether", "expected to deny under Medicare"),
    ),
    (
        "il-cervical-ultrasound-catheter",
        {"region": "cervical", **IL, "imaging": "ultrasound", "catheter": True},
        NO_CODE,
        ("name fluoroscopy or CT only",),
    ),
    (
        "caudal-sacral-ultrasound",
        {"region": "sacral", **CAUDAL, "imaging": "ultrasound"},
        NO_CODE,
        ("transforaminal only",),
    ),
    # Facts the tree does not ask on these paths but a biller may still give.
    (
        "il-three-levels",
        {"region": "lumbar", **IL, "imaging": "fluoroscopy", "levels": 3},
        ["62323 x1"],
        ("3 levels were entered", "still reported once"),
    ),
    (
        "il-diagnostic-block",
        {"region": "lumbar", **IL, "imaging": "fluoroscopy", "diagnostic_block": True},
        ["62323 x1"],
        ("KX was not added",),
    ),
    # Transforaminal with fluoroscopy or CT: per level, per side.
    (
        "tf-lumbar-right-1",
        {"region": "lumbar", **TF, "imaging": "fluoroscopy", "side": "right"},
        ["64483-RT x1"],
        ("at most 2 transforaminal levels per session", "Document each level and the side"),
    ),
    (
        "tf-lumbar-right-2",
        {"region": "lumbar", **TF, "imaging": "fluoroscopy", "levels": 2, "side": "right"},
        ["64483-RT x1", "64484-RT x1"],
        ("do not bill 77003, 77012 or 76000",),
    ),
    ("tf-sacral-left-ct", {"region": "sacral", **TF, "imaging": "ct", "side": "left"}, ["64483-LT x1"], ()),
    ("tf-cervical-left", {"region": "cervical", **TF, "imaging": "fluoroscopy", "side": "left"}, ["64479-LT x1"], ()),
    (
        "tf-thoracic-right-2",
        {"region": "thoracic", **TF, "imaging": "ct", "levels": 2, "side": "right"},
        ["64479-RT x1", "64480-RT x1"],
        (),
    ),
    (
        "tf-lumbar-bilateral-1",
        {"region": "lumbar", **TF, "imaging": "fluoroscopy", "side": "bilateral"},
        ["64483-50 x1"],
        ("Payers differ on bilateral transforaminal lines", "paid at 150%"),
    ),
    (
        "tf-lumbar-bilateral-2",
        {"region": "lumbar", **TF, "imaging": "fluoroscopy", "levels": 2, "side": "bilateral"},
        ["64483-50 x1", "64484-50 x1"],
        ("Sources disagree on modifier 50 for the add-on line",),
    ),
    (
        "tf-cervical-bilateral-2",
        {"region": "cervical", **TF, "imaging": "ct", "levels": 2, "side": "bilateral"},
        ["64479-50 x1", "64480-50 x1"],
        ("Sources disagree on modifier 50",),
    ),
    (
        "tf-lumbar-left-3",
        {"region": "lumbar", **TF, "imaging": "fluoroscopy", "levels": 3, "side": "left"},
        ["64483-LT x1", "64484-LT x2"],
        ("3 levels exceed the Medicare limit of 2",),
    ),
    (
        "tf-cervical-right-5",
        {"region": "cervical", **TF, "imaging": "fluoroscopy", "levels": 5, "side": "right"},
        ["64479-RT x1", "64480-RT x4"],
        ("5 levels exceed",),
    ),
    # Diagnostic selective nerve root block: KX on every line.
    (
        "tf-diagnostic",
        {"region": "lumbar", **TF, "imaging": "fluoroscopy", "side": "right", "diagnostic_block": True},
        ["64483-RT-KX x1"],
        ("must carry modifier KX", "immediate percentage of pain relief"),
    ),
    (
        "tf-diagnostic-bilateral-2",
        {"region": "cervical", **TF, "imaging": "ct", "levels": 2, "side": "bilateral", "diagnostic_block": True},
        ["64479-50-KX x1", "64480-50-KX x1"],
        (),
    ),
    # Ultrasound-guided transforaminal: 0228T-0231T, with the status warning.
    (
        "tf-us-cervical-left",
        {"region": "cervical", **TF, "imaging": "ultrasound", "side": "left"},
        ["0228T-LT x1"],
        ("Check the status of 0228T-0231T", "expected to deny under Medicare"),
    ),
    (
        "tf-us-lumbar-right-2",
        {"region": "lumbar", **TF, "imaging": "ultrasound", "levels": 2, "side": "right"},
        ["0230T-RT x1", "0231T-RT x1"],
        ("Check the status",),
    ),
    (
        "tf-us-sacral-bilateral",
        {"region": "sacral", **TF, "imaging": "ultrasound", "side": "bilateral"},
        ["0230T-RT x1", "0230T-LT x1"],
        ("no bilateral indicator", "Ask the payer"),
    ),
    (
        "tf-us-thoracic-bilateral-2",
        {"region": "thoracic", **TF, "imaging": "ultrasound", "levels": 2, "side": "bilateral"},
        ["0228T-RT x1", "0228T-LT x1", "0229T-RT x1", "0229T-LT x1"],
        (),
    ),
    (
        "tf-us-diagnostic",
        {"region": "lumbar", **TF, "imaging": "ultrasound", "side": "right", "diagnostic_block": True},
        ["0230T-RT x1"],
        ("KX was not added",),
    ),
    # Transforaminal without imaging: no code.
    (
        "tf-none",
        {"region": "lumbar", **TF, "imaging": "none"},
        NO_CODE,
        ("No transforaminal ESI code applies without imaging", "not coded 62320-62323"),
    ),
    (
        "tf-none-with-side",
        {"region": "cervical", **TF, "imaging": "none", "side": "left", "levels": 2},
        NO_CODE,
        ("No transforaminal ESI code applies",),
    ),
    # Same-day procedures and repeats.
    (
        "il-same-day",
        {"region": "lumbar", **IL, "imaging": "fluoroscopy", "same_day_procedure": True},
        ["62323 x1"],
        ("XE (separate encounter)", "59 only when none of them fits", "one spinal region per session"),
    ),
    (
        "il-repeat-same",
        {"region": "lumbar", **IL, "imaging": "fluoroscopy", "repeat": "same"},
        ["62323 x1", "62323-76 x1"],
        ("unlikely to be covered", "modifier 76"),
    ),
    (
        "il-repeat-other",
        {"region": "cervical", **IL, "imaging": "ct", "repeat": "different"},
        ["62321 x1", "62321-77 x1"],
        ("modifier 77",),
    ),
    (
        "tf-repeat-same-2",
        {"region": "lumbar", **TF, "imaging": "fluoroscopy", "levels": 2, "side": "right", "repeat": "same"},
        ["64483-RT x1", "64484-RT x1", "64483-RT-76 x1", "64484-RT-76 x1"],
        ("unlikely to be covered",),
    ),
    (
        "tf-bilateral-repeat-other",
        {"region": "lumbar", **TF, "imaging": "fluoroscopy", "side": "bilateral", "repeat": "different"},
        ["64483-50 x1", "64483-50-77 x1"],
        (),
    ),
    (
        "tf-same-day-diagnostic",
        {
            "region": "lumbar",
            **TF,
            "imaging": "fluoroscopy",
            "side": "right",
            "diagnostic_block": True,
            "same_day_procedure": True,
        },
        ["64483-RT-KX x1"],
        ("XE (separate encounter)",),
    ),
    (
        "catheter-repeat",
        {"region": "lumbar", **IL, "imaging": "none", "catheter": True, "repeat": "same"},
        ["62326 x1", "62326-76 x1"],
        (),
    ),
    (
        "tf-us-repeat",
        {"region": "sacral", **TF, "imaging": "ultrasound", "side": "left", "repeat": "same"},
        ["0230T-LT x1", "0230T-LT-76 x1"],
        ("Check the status",),
    ),
]

# (id, facts, phrase the one-line error must contain)
IMPOSSIBLE: list[tuple[str, dict[str, object], str]] = [
    ("caudal-cervical", {"region": "cervical", **CAUDAL, "imaging": "fluoroscopy"}, "lumbar or sacral only"),
    ("caudal-thoracic", {"region": "thoracic", **CAUDAL, "imaging": "none"}, "choose interlaminar or transforaminal"),
    ("levels-0", {"region": "lumbar", **TF, "imaging": "ct", "side": "left", "levels": 0}, "from 1 to 5 (got 0)"),
    ("levels-6", {"region": "lumbar", **TF, "imaging": "ct", "side": "left", "levels": 6}, "from 1 to 5 (got 6)"),
    ("levels-text", {"region": "lumbar", **TF, "imaging": "ct", "side": "left", "levels": "two"}, "whole number"),
    ("side-interlaminar", {"region": "lumbar", **IL, "imaging": "ct", "side": "left"}, "Side does not apply"),
    ("side-caudal", {"region": "sacral", **CAUDAL, "imaging": "ct", "side": "bilateral"}, "no 50, LT or RT"),
    (
        "catheter-transforaminal",
        {"region": "lumbar", **TF, "imaging": "ct", "side": "left", "catheter": True},
        "no transforaminal catheter code",
    ),
    ("bad-region", {"region": "neck", **IL, "imaging": "ct"}, "choose cervical, thoracic, lumbar or sacral"),
    ("bad-repeat", {"region": "lumbar", **IL, "imaging": "ct", "repeat": "twice"}, "choose none, same or different"),
    ("missing-side", {"region": "lumbar", **TF, "imaging": "ct"}, "missing: side (left, right or bilateral)"),
    ("missing-all", {}, "missing: region"),
    ("unknown-fact", {"region": "lumbar", "colour": "blue"}, "unknown fact 'colour'"),
]


@pytest.fixture(scope="module")
def tree(kb: KnowledgeBase) -> Tree:
    return load_tree(kb)


def _texts(rec: Recommendation) -> str:
    return "\n".join(n.text for n in rec.notes())


@pytest.mark.parametrize(("facts", "lines", "phrases"), [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS])
def test_scenario(
    kb: KnowledgeBase, tree: Tree, facts: dict[str, object], lines: list[str] | None, phrases: tuple[str, ...]
) -> None:
    rec = recommend(kb, tree, facts)
    if lines is NO_CODE:
        assert rec.claim_lines() == []
        assert rec.no_code and all(n.citations for n in rec.no_code)
    else:
        assert rec.claim_lines() == lines
        assert rec.no_code == []
    text = _texts(rec)
    for phrase in phrases:
        assert phrase in text, phrase
    assert all(n.citations for n in rec.notes())


def test_the_table_is_big_enough() -> None:
    assert len(SCENARIOS) >= 40
    assert len({s[0] for s in SCENARIOS}) == len(SCENARIOS)


@pytest.mark.parametrize(("facts", "phrase"), [s[1:] for s in IMPOSSIBLE], ids=[s[0] for s in IMPOSSIBLE])
def test_impossible_or_missing_facts_raise_one_line(
    kb: KnowledgeBase, tree: Tree, facts: dict[str, object], phrase: str
) -> None:
    with pytest.raises(TreeInputError) as info:
        recommend(kb, tree, facts)
    message = str(info.value)
    assert phrase in message
    assert "\n" not in message


def test_missing_facts_are_named(kb: KnowledgeBase, tree: Tree) -> None:
    with pytest.raises(TreeInputError) as info:
        recommend(kb, tree, {"region": "lumbar"})
    assert info.value.missing == ("approach", "imaging")


def test_interlaminar_never_takes_a_side_or_bilateral_modifier(kb: KnowledgeBase, tree: Tree) -> None:
    for region in ("cervical", "thoracic", "lumbar", "sacral"):
        for imaging in ("fluoroscopy", "ct", "none"):
            for catheter in (False, True):
                rec = recommend(kb, tree, {"region": region, **IL, "imaging": imaging, "catheter": catheter})
                assert [line.modifiers for line in rec.lines] == [()]
                assert [line.units for line in rec.lines] == [1]


def test_descriptor_is_the_paraphrased_title(kb: KnowledgeBase, tree: Tree) -> None:
    rec = recommend(kb, tree, {"region": "lumbar", **TF, "imaging": "ct", "side": "left", "levels": 2})
    for line in rec.lines:
        assert line.descriptor and not line.descriptor.lstrip("+").startswith(line.code)
        assert line.descriptor in kb.codes[line.code].title
