"""Golden fee amounts, computed by hand from the CMS rows in tests/data/cms/bundle, and the payment rules.

Each golden value is (work RVU × work GPCI + PE RVU × PE GPCI + MP RVU × MP GPCI) × 32.3465, rounded to cents, e.g.
62321 office in Manhattan: (1.95 × 1.065 + 5.63 × 1.166 + 0.18 × 1.656) × 32.3465
= (2.07675 + 6.56458 + 0.29808) × 32.3465 = 8.93941 × 32.3465 = 289.1586… → $289.16.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from esi_helper.fee import ClaimLine, FeeError, FeeSchedule, ModifierError, UnknownCode, quote_text
from esi_helper.kb import KnowledgeBase, load_kb
from tests.fee_support import make_knowledge


@pytest.fixture(scope="module")
def fees(tmp_path_factory: pytest.TempPathFactory) -> FeeSchedule:
    root = make_knowledge(tmp_path_factory.mktemp("fee") / "knowledge")
    return FeeSchedule.load(load_kb(root))


MANHATTAN, DALLAS, ALASKA = "13202-01", "04412-11", "02102-01"

# code, locality, office (non-facility), facility
GOLDEN = [
    ("62321", None, "251.01", "103.83"),  # the fact sheet's national figures
    ("62323", None, "246.80", "96.07"),
    ("64483", None, "236.13", "107.71"),
    ("62321", MANHATTAN, "289.16", "117.55"),
    ("62321", DALLAS, "252.26", "104.05"),
    ("62321", ALASKA, "294.92", "135.82"),
    ("62323", MANHATTAN, "284.59", "108.83"),
    ("62323", DALLAS, "248.05", "96.26"),
    ("62323", ALASKA, "288.50", "125.56"),
    ("64483", MANHATTAN, "271.66", "121.92"),
    ("64483", DALLAS, "237.36", "108.04"),
    ("64483", ALASKA, "278.48", "139.66"),
]


@pytest.mark.parametrize(("code", "locality", "office", "facility"), GOLDEN)
def test_golden_amounts(fees: FeeSchedule, code: str, locality: str | None, office: str, facility: str) -> None:
    loc = fees.data.by_id[locality] if locality else None
    assert fees.quote(code, "office", loc).amount == Decimal(office)
    assert fees.quote(code, "facility", loc).amount == Decimal(facility)
    assert fees.quote(code, "non-facility", loc).amount == Decimal(office)


def test_quote_carries_formula_range_and_citations(fees: FeeSchedule) -> None:
    q = fees.quote("62321", "office", "manhattan")
    assert q.year == 2025 and q.setting == "office" and q.locality and q.locality.name == "MANHATTAN"
    assert q.formula == ("(work 1.95 × 1.065 + non-facility PE 5.63 × 1.166 + MP 0.18 × 1.656) × CF 32.3465 = $289.16")
    assert q.range.national == Decimal("251.01")
    # lowest and highest of the 20 test localities, each computed as above
    assert (q.range.min.locality.name, q.range.min.amount) == ("ARKANSAS", Decimal("222.71"))
    assert (q.range.max.locality.id, q.range.max.amount) == ("01112-65", Decimal("333.97"))
    assert q.citations[:3] == ("pfs-2025", "rvu-readme-2025", "gpci-2025")
    assert "cf-2026" in q.citations and "seed-a2z-62321" in q.citations
    assert "2025 RVUs × the 2026 conversion factor is not a 2026 rate" in q.caveat
    assert q.patient_share and q.patient_share.patient == Decimal("57.83")
    assert q.patient_share.medicare == Decimal("231.33")
    assert q.rule_of_thumb and (q.rule_of_thumb.low, q.rule_of_thumb.high) == (Decimal("318.08"), Decimal("462.66"))


def test_quote_text_leads_with_the_amount(fees: FeeSchedule) -> None:
    text = quote_text(fees.quote("62321"), fees.quote("62321", "facility"))
    first = text.splitlines()[0]
    assert first.startswith(
        "Medicare CY2025 pays $251.01 in the office (non-facility rate) and $103.83 at the facility"
    )
    assert "illustrative only" in text.lower() and "unsourced" in text
    assert "not a 2026 rate" in text


def test_bilateral_modifier_pays_150_percent(fees: FeeSchedule) -> None:
    q = fees.quote("64483", "facility", fees.data.by_id[DALLAS], "50")
    assert q.amount == Decimal("162.06")  # 108.04 × 150%
    assert q.percent == 150
    assert q.formula.endswith("= $108.04; × 150% (modifier 50) = $162.06")
    assert q.range.national == Decimal("161.57")  # 107.71 × 150% = 161.565 → 161.57


def test_bilateral_refused_where_indicator_says_no(fees: FeeSchedule) -> None:
    with pytest.raises(ModifierError, match="bilateral indicator 9: the bilateral concept does not apply"):
        fees.quote("62321", modifier="50")
    with pytest.raises(ModifierError, match="bilateral indicator 0"):
        fees.quote("77003", modifier="50")


def test_bilateral_on_addon_warns_about_cpt(fees: FeeSchedule) -> None:
    q = fees.quote("64484", "office", None, "50")
    assert q.amount == Decimal("159.15")  # (1.00 + 2.20 + 0.08) × 32.3465 = 106.10; × 150% = 159.15
    assert any("Appendix A" in n for n in q.notes) and "aapc-50-addon" in q.citations


def test_component_rows_and_refusals(fees: FeeSchedule) -> None:
    assert fees.quote("77003", "facility", None, "26").amount == Decimal("27.17")  # 0.84 × 32.3465
    assert fees.quote("77003", "office", None, "TC").amount == Decimal("72.46")  # 2.24 × 32.3465
    with pytest.raises(ModifierError, match="PC/TC indicator 0"):
        fees.quote("62321", modifier="26")
    with pytest.raises(ModifierError, match="not priced by the fee calculator"):
        fees.quote("62321", modifier="XS")


def test_facility_na_is_noted(fees: FeeSchedule) -> None:
    q = fees.quote("77003", "facility")
    assert q.amount == Decimal("99.63")
    assert any("NA in the facility setting" in n for n in q.notes)
    assert any("add-on code" in n for n in q.notes)


def test_opps_cap_matches_cms_oppscap_file(fees: FeeSchedule) -> None:
    sf = fees.data.by_id["01112-05"]
    # OPPSCAP_Oct.csv: 71275 global 01112/05 = 347.29, 71275-TC = 251.96 (both settings)
    for setting in ("office", "facility"):
        q = fees.quote("71275", setting, sf)
        assert q.amount == Decimal("347.29") and q.capped
        assert fees.quote("71275", setting, sf, "TC").amount == Decimal("251.96")
    assert any("OPPS" in n for n in fees.quote("71275", "office", sf).notes)
    assert not fees.quote("76000", "office", sf).capped  # 76000's OPPS amount is higher: no cap


def test_unknown_and_missing_codes(fees: FeeSchedule) -> None:
    with pytest.raises(UnknownCode, match="no CY2025 fee data for '99999'"):
        fees.quote("99999")
    with pytest.raises(UnknownCode, match="72275 is not in the CY2025 CMS fee schedule file"):
        fees.quote("72275")
    with pytest.raises(FeeError, match="setting 'home' is not known"):
        fees.quote("62321", "home")


def test_claim_multiple_procedure_and_addons(fees: FeeSchedule) -> None:
    dallas = fees.data.by_id[DALLAS]
    claim = fees.claim(["64483-50", "64484-50", "64493"], "facility", dallas)
    lines = {line.billed: line for line in claim.lines}
    # 64483 F Dallas 108.04 × 150% = 162.06, ranked first at 100%
    assert (lines["64483-50"].rank, lines["64483-50"].percent, lines["64483-50"].paid) == (1, 100, Decimal("162.06"))
    # 64484 F Dallas: (1.00 × 1.011 + 0.43 × 1.007 + 0.08 × 0.877) × 32.3465 = 48.98; × 150% = 73.47; never reduced
    assert (lines["64484-50"].rank, lines["64484-50"].percent, lines["64484-50"].paid) == (None, 100, Decimal("73.47"))
    # 64493 F Dallas: (1.52 × 1.011 + 1.05 × 1.007 + 0.16 × 0.877) × 32.3465 = 88.45; second: 50% = 44.225 → 44.23
    assert (lines["64493"].rank, lines["64493"].percent, lines["64493"].paid) == (2, 50, Decimal("44.23"))
    assert claim.total == Decimal("279.76")
    assert claim.complete


def test_claim_ranks_by_amount_not_order(fees: FeeSchedule) -> None:
    claim = fees.claim(["64493", "62321", ("64484", "", 2)], "office")
    paid = {line.code: (line.rank, line.percent, line.paid) for line in claim.lines}
    assert paid["62321"] == (1, 100, Decimal("251.01"))
    assert paid["64493"] == (2, 50, Decimal("86.04"))  # 5.32 × 32.3465 = 172.08; 50%
    assert paid["64484"] == (None, 100, Decimal("212.20"))  # add-on, 2 units × 106.10
    assert claim.total == Decimal("549.25")


def test_claim_beyond_five_is_by_report(fees: FeeSchedule) -> None:
    claim = fees.claim([ClaimLine("62321", units=6)], "office")
    assert [line.percent for line in claim.lines] == [100, 50, 50, 50, 50, None]
    assert not claim.complete and claim.lines[-1].paid is None


def test_claim_single_line_is_full(fees: FeeSchedule) -> None:
    claim = fees.claim(["62321"], "facility")
    assert claim.total == Decimal("103.83") and claim.lines[0].percent == 100


def test_schedule_is_cached_per_kb(fees: FeeSchedule) -> None:
    assert FeeSchedule.load(fees.kb) is fees


def test_shipped_data_reproduces_fact_sheet(kb: KnowledgeBase) -> None:
    fees = FeeSchedule.load(kb)
    assert fees.year == 2025 and fees.conversion_factor == Decimal("32.3465")
    assert fees.quote("62321").amount == Decimal("251.01")
    assert fees.quote("62321", "facility").amount == Decimal("103.83")
    assert fees.quote("62323").amount == Decimal("246.80")
    assert fees.quote("62323", "facility").amount == Decimal("96.07")
    assert len(fees.localities) == 109
