"""Locality lookup by name, county, state and ZIP, and place of service → setting."""

from __future__ import annotations

import pytest

from esi_helper.fee import AmbiguousLocality, FeeError, FeeSchedule, UnknownLocality
from esi_helper.kb import KnowledgeBase


@pytest.fixture(scope="module")
def fees(kb: KnowledgeBase) -> FeeSchedule:
    return FeeSchedule.load(kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("manhattan", "13202-01"),
        ("Manhattan, NY", "13202-01"),
        ("dallas", "04412-11"),
        ("Dallas County", "04412-11"),
        ("dallas tx", "04412-11"),
        ("queens", "13292-04"),
        ("rest of texas", "04412-99"),
        ("Rest of TX", "04412-99"),
        ("harris", "04412-18"),
        ("cook county", "06102-16"),
        ("chicago", "06102-16"),
        ("st. louis", "05302-01"),
        ("alabama", "10112-00"),
        ("AL", "10112-00"),
        ("miami", "09102-04"),
        ("guam", "01212-01"),
        ("NY 04", "13292-04"),
        ("13202-01", "13202-01"),
        ("manhatan", "13202-01"),  # misspelt: rapidfuzz
        ("dalas", "04412-11"),
    ],
)
def test_find_one_locality(fees: FeeSchedule, text: str, expected: str) -> None:
    assert [loc.id for loc in fees.find_localities(text)] == [expected]
    assert fees.locality(text).id == expected


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("texas", {"04412-31", "04412-20", "04412-09", "04412-11", "04412-28", "04412-15", "04412-18", "04412-99"}),
        ("jefferson", {"07202-01", "05302-01", "04412-20"}),
        ("rest of state", None),
    ],
)
def test_ambiguous_lists_candidates(fees: FeeSchedule, text: str, ids: set[str] | None) -> None:
    found = fees.find_localities(text)
    assert len(found) > 1
    if ids is not None:
        assert {loc.id for loc in found} == ids
    with pytest.raises(AmbiguousLocality) as exc:
        fees.locality(text)
    assert exc.value.candidates == found
    assert "Be more specific or give a ZIP" in str(exc.value)


def test_except_clause_is_not_a_county(fees: FeeSchedule) -> None:
    # Virginia's county list says "ALL COUNTIES, EXCEPT ... FAIRFAX ..."; Fairfax is in the DC locality.
    assert [loc.id for loc in fees.find_localities("fairfax")] == ["12202-01"]


def test_unknown_locality(fees: FeeSchedule) -> None:
    assert fees.find_localities("zzzz") == []
    with pytest.raises(UnknownLocality, match="no Medicare locality matches 'zzzz'"):
        fees.locality("zzzz")


@pytest.mark.parametrize(
    ("zip_code", "expected"),
    [
        ("10001", "13202-01"),  # New York County
        ("11375", "13292-04"),  # Queens
        ("10458", "13202-02"),  # Bronx
        ("75201", "04412-11"),  # Dallas
        ("75201-1234", "04412-11"),  # ZIP+4
        ("90210", "01182-18"),  # Los Angeles
        ("99501", "02102-01"),  # Anchorage
        ("00601", "09202-20"),  # Puerto Rico
    ],
)
def test_zip_lookup(fees: FeeSchedule, zip_code: str, expected: str) -> None:
    loc = fees.locality_for_zip(zip_code)
    assert loc is not None and loc.id == expected
    assert [loc.id for loc in fees.find_localities(zip_code)] == [expected]


def test_zip_unknown_and_invalid(fees: FeeSchedule) -> None:
    assert fees.locality_for_zip("00000") is None
    with pytest.raises(UnknownLocality, match="is not a ZIP code"):
        fees.locality_for_zip("1234")


def test_zip_split_by_plus4(fees: FeeSchedule) -> None:
    assert fees.zip_split("10505")
    assert not fees.zip_split("10001")
    q = fees.quote("62321", zip_code="10505")
    assert any("as having ZIP+4 exceptions" in n for n in q.notes)
    assert "zip-locality-2025" in q.citations


def test_zip_map_loaded_only_when_asked(kb: KnowledgeBase) -> None:
    fresh = FeeSchedule(kb, FeeSchedule.load(kb).data)
    fresh.quote("62321", "office", "dallas")
    assert fresh._zips is None
    fresh.locality_for_zip("75201")
    assert fresh._zips is not None


@pytest.mark.parametrize(
    ("pos", "setting"),
    [
        ("11", "office"),
        ("19", "facility"),
        ("21", "facility"),
        ("22", "facility"),
        ("24", "facility"),
        ("12", "office"),
        ("23", "facility"),
    ],
)
def test_pos_setting(fees: FeeSchedule, pos: str, setting: str) -> None:
    assert fees.setting_for_pos(pos) == setting


def test_pos_quote_and_unknown_pos(fees: FeeSchedule) -> None:
    q = fees.quote("62321", pos="24")
    assert q.setting == "facility" and q.amount == fees.quote("62321", "facility").amount
    assert q.notes[0].startswith("POS 24 (Ambulatory surgical center) is paid the facility rate")
    assert "cms-pos-facility" in q.citations
    with pytest.raises(FeeError, match="POS '99' is not in knowledge/settings.toml"):
        fees.setting_for_pos("99")
