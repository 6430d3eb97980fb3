"""ICD-10-CM + CPT pairing verdicts, on a fixture knowledge base and on the shipped one."""

from __future__ import annotations

from pathlib import Path

import pytest

from esi_helper.icd import VERDICTS, CodeSet, UnknownCptError, load_codeset, pair
from esi_helper.kb import KnowledgeBase, load_kb

FIXTURE_KB = Path(__file__).resolve().parent / "data" / "icd" / "kb"


@pytest.fixture(scope="module")
def codeset(tmp_path_factory: pytest.TempPathFactory) -> CodeSet:
    """The real code set, from the cache shared by the whole test session (built once)."""
    cache = Path(tmp_path_factory.getbasetemp()) / "shared-cache"
    cache.mkdir(exist_ok=True)
    return load_codeset(cache)


@pytest.fixture(scope="module")
def fkb() -> KnowledgeBase:
    return load_kb(FIXTURE_KB)


def test_verdict_names() -> None:
    assert set(VERDICTS) == {"supports", "region-mismatch", "does-not-support", "not-billable", "unknown"}


# -- fixture knowledge base: every verdict and the rule-selection logic -------------------------------


def test_supports(fkb: KnowledgeBase, codeset: CodeSet) -> None:
    p = pair(fkb, codeset, "M54.16", "62323")
    assert p.verdict == "supports" and p.rule_id == "pair-lumbar"
    assert p.text.startswith("Supports: M54.16 (Radiculopathy, lumbar region) supports 62323 under the pairing rules")
    assert "Fixture: lumbar radicular pain supports." in p.text
    assert p.citations == ("test-lcd", "icd10cm-fy2026")


def test_inputs_in_any_form(fkb: KnowledgeBase, codeset: CodeSet) -> None:
    assert pair(fkb, codeset, " m5416 ", "62323").verdict == "supports"
    assert pair(fkb, codeset, "M54.16", "+64484").verdict == "supports"  # add-on written with its plus
    assert pair(fkb, codeset, "m54.12", "0228t").verdict == "supports"


def test_region_mismatch_names_the_right_codes(fkb: KnowledgeBase, codeset: CodeSet) -> None:
    p = pair(fkb, codeset, "M54.16", "62321")
    assert p.verdict == "region-mismatch" and p.rule_id == "pair-lumbar"
    assert "lumbar diagnosis" in p.text and "62321 is a cervical/thoracic injection" in p.text
    assert p.suggestions == ("62323",)  # same family, the diagnosis's region, not an add-on
    assert "62323" in p.text
    assert p.citations == ("test-lcd", "icd10cm-fy2026")


def test_region_mismatch_of_a_non_supporting_code_says_both(fkb: KnowledgeBase, codeset: CodeSet) -> None:
    p = pair(fkb, codeset, "M54.2", "62323")
    assert p.verdict == "region-mismatch"
    assert "would not support an ESI in any region" in p.text


def test_does_not_support(fkb: KnowledgeBase, codeset: CodeSet) -> None:
    p = pair(fkb, codeset, "M54.2", "62321")
    assert p.verdict == "does-not-support" and p.rule_id == "pair-axial-neck"
    assert p.text.startswith("Does not support: M54.2 (Cervicalgia) does not support 62321")


def test_prefix_rule_applies_below_a_header(fkb: KnowledgeBase, codeset: CodeSet) -> None:
    assert pair(fkb, codeset, "M54.50", "62323").rule_id == "pair-axial-low-back"


def test_most_specific_rule_wins(fkb: KnowledgeBase, codeset: CodeSet) -> None:
    assert pair(fkb, codeset, "M54.12", "62321").rule_id == "pair-cervical"  # exact beats "M54.1*"
    generic = pair(fkb, codeset, "M54.13", "62321")
    assert generic.verdict == "does-not-support" and generic.rule_id == "pair-radiculopathy-any"


def test_family_specific_rule(fkb: KnowledgeBase, codeset: CodeSet) -> None:
    tf = pair(fkb, codeset, "M54.14", "64479")
    assert tf.verdict == "supports" and tf.rule_id == "pair-thoracic-transforaminal"
    il = pair(fkb, codeset, "M54.14", "62321")  # the transforaminal-only rule does not apply
    assert il.rule_id == "pair-radiculopathy-any"


def test_not_billable_header_names_billable_children(fkb: KnowledgeBase, codeset: CodeSet) -> None:
    p = pair(fkb, codeset, "M50.12", "62321")
    assert p.verdict == "not-billable"
    assert p.suggestions == ("M50.120", "M50.121", "M50.122", "M50.123")
    assert "M50.12 is a header, not billable" in p.text and "M50.120, M50.121, M50.122, M50.123" in p.text
    assert p.rule_id == "pair-cervical" and "Its codes support 62321" in p.text
    assert p.citations[0] == "icd10cm-fy2026" and "test-lcd" in p.citations


def test_not_billable_lists_at_most_a_few_children(fkb: KnowledgeBase, codeset: CodeSet) -> None:
    p = pair(fkb, codeset, "M54", "62323")
    assert p.verdict == "not-billable" and len(p.suggestions) > 6
    assert f"and {len(p.suggestions) - 6} more" in p.text


def test_invalid_code_is_not_billable(fkb: KnowledgeBase, codeset: CodeSet) -> None:
    p = pair(fkb, codeset, "M50.129", "62321")
    assert p.verdict == "not-billable" and p.rule_id is None
    assert "M50.129 is not a valid ICD-10-CM code" in p.text
    assert p.citations == ("icd10cm-fy2026",)


def test_invalid_code_with_a_kb_note_names_the_replacement(fkb: KnowledgeBase, codeset: CodeSet) -> None:
    p = pair(fkb, codeset, "M54.55", "62323")
    assert p.verdict == "not-billable" and p.suggestions == ("M54.50",) and "Use M54.50 instead" in p.text


def test_unknown_when_no_rule(fkb: KnowledgeBase, codeset: CodeSet) -> None:
    p = pair(fkb, codeset, "M51.9", "62323")
    assert p.verdict == "unknown" and p.rule_id is None
    assert "no pairing rule" in p.text and p.citations == ("icd10cm-fy2026",)


def test_unknown_for_a_code_outside_the_esi_families(fkb: KnowledgeBase, codeset: CodeSet) -> None:
    p = pair(fkb, codeset, "M54.12", "64490")
    assert p.verdict == "unknown" and "facet" in p.text


def test_unknown_cpt_raises(fkb: KnowledgeBase, codeset: CodeSet) -> None:
    with pytest.raises(UnknownCptError, match="'99999' is not a CPT/HCPCS code"):
        pair(fkb, codeset, "M54.12", "99999")


# -- the shipped knowledge base --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("icd", "cpt", "verdict"),
    [
        ("M54.16", "62323", "supports"),
        ("M54.12", "62321", "supports"),
        ("M48.062", "64483", "supports"),
        ("M50.122", "64479", "supports"),
        ("M54.16", "62321", "region-mismatch"),
        ("M54.12", "64483", "region-mismatch"),
        ("M54.2", "62321", "does-not-support"),
        ("M54.50", "62323", "does-not-support"),
        ("M50.12", "62321", "not-billable"),
        ("M54.5", "62323", "not-billable"),
        ("M48.06", "62323", "not-billable"),
        ("M51.9", "62323", "unknown"),
        ("M54.12", "64490", "unknown"),
    ],
)
def test_shipped_kb_verdicts(kb: KnowledgeBase, codeset: CodeSet, icd: str, cpt: str, verdict: str) -> None:
    p = pair(kb, codeset, icd, cpt)
    assert p.verdict == verdict, p.text
    assert p.text and p.citations and all(c in kb.sources for c in p.citations)


def test_shipped_kb_cites_the_code_set_release(kb: KnowledgeBase, codeset: CodeSet) -> None:
    assert "icd10cm-fy2026" in pair(kb, codeset, "M50.12", "62321").citations
    assert pair(kb, codeset, "M51.9", "62323").citations == ("icd10cm-fy2026",)


def test_shipped_rules_and_notes_agree_with_the_code_set(kb: KnowledgeBase, codeset: CodeSet) -> None:
    """Every code the knowledge base names exists in FY2026, and its billable flag matches."""
    for rule in kb.pairings:
        for pattern in rule.codes:
            code = pattern.rstrip("*")
            assert codeset.normalize(code) == code, f"{rule.id}: {pattern} is not a dotted FY2026 code"
    for code, note in kb.diagnoses.items():
        rec = codeset.lookup(code)
        if rec is None:
            continue  # a note about a retired code
        if note.billable is not None:
            assert note.billable == rec.billable, f"{note.id}: billable={note.billable} but the code set says not"
        for replacement in note.replaced_by:
            assert codeset.normalize(replacement) == replacement, f"{note.id}: {replacement}"
