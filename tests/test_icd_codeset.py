"""ICD-10-CM code set: validity, headers vs billable leaves, dotted/undotted input, hierarchy, release."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

from esi_helper.icd import CodeSet, format_code, load_codeset, looks_like_code


@pytest.fixture(scope="module")
def codeset(tmp_path_factory: pytest.TempPathFactory) -> CodeSet:
    """The real code set, from the cache shared by the whole test session (built once)."""
    cache = Path(tmp_path_factory.getbasetemp()) / "shared-cache"
    cache.mkdir(exist_ok=True)
    return load_codeset(cache)


def test_release_and_size(codeset: CodeSet) -> None:
    assert codeset.release == "ICD-10-CM FY2026 (April 1, 2026 release)"
    assert codeset.fiscal_year == 2026
    assert codeset.package_version == importlib.metadata.version("simple-icd-10-cm")
    assert 90_000 < len(codeset) < 110_000


def test_billable_leaf(codeset: CodeSet) -> None:
    rec = codeset.lookup("M54.12")
    assert rec is not None
    assert rec.code == "M54.12"
    assert rec.description == "Radiculopathy, cervical region"
    assert rec.billable is True
    assert rec.parent == "M54.1"
    assert rec.children == ()


def test_header_with_billable_children(codeset: CodeSet) -> None:
    rec = codeset.lookup("M50.12")
    assert rec is not None
    assert rec.billable is False
    assert rec.children == ("M50.120", "M50.121", "M50.122", "M50.123")
    assert rec.parent == "M50.1"
    assert all(codeset.lookup(c).billable for c in rec.children)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("code", "billable"),
    [
        ("M54", False),  # category
        ("M54.5", False),  # header since FY2022
        ("M54.50", True),
        ("M51.36", False),  # header since FY2025
        ("M51.369", True),
        ("M48.06", False),
        ("M48.062", True),
        ("M54.2", True),
        ("M96.1", True),
        ("G89.18", True),
        ("S32.010A", True),  # 7th-character code
        ("S32.010", False),
    ],
)
def test_headers_and_leaves(codeset: CodeSet, code: str, billable: bool) -> None:
    rec = codeset.lookup(code)
    assert rec is not None and rec.billable is billable
    assert bool(rec.children) is not billable


def test_category_has_no_parent_and_lists_direct_children_only(codeset: CodeSet) -> None:
    rec = codeset.lookup("M54")
    assert rec is not None and rec.parent is None
    assert "M54.1" in rec.children and "M54.12" not in rec.children
    assert rec.description == "Dorsalgia"


def test_seventh_character_parent(codeset: CodeSet) -> None:
    rec = codeset.lookup("s32010a")
    assert rec is not None and rec.code == "S32.010A" and rec.parent == "S32.010"


@pytest.mark.parametrize("text", ["M54.12", "m54.12", "M5412", "m5412", " M54.12 ", "M54.12-", "m 54.12"])
def test_dotted_undotted_and_case(codeset: CodeSet, text: str) -> None:
    assert codeset.normalize(text) == "M54.12"
    assert codeset.lookup(text).code == "M54.12"  # type: ignore[union-attr]
    assert text in codeset


def test_three_character_category_normalizes(codeset: CodeSet) -> None:
    assert codeset.normalize("m54") == "M54"
    assert codeset.normalize("B99") == "B99"  # a category whose block has the same name


@pytest.mark.parametrize("text", ["M54.99", "M50.129", "M5499", "Z99.9999", "A00.0X", "U99", "M54.1234"])
def test_invalid_codes(codeset: CodeSet, text: str) -> None:
    assert codeset.lookup(text) is None
    assert codeset.normalize(text) is None
    assert codeset.description(text) is None
    assert text not in codeset


@pytest.mark.parametrize(
    "text", ["cervical", "12345", "62321", "M5", "", "M54.12.3", "M5.412", "radiculopathy M54"]
)
def test_not_code_shaped(codeset: CodeSet, text: str) -> None:
    assert format_code(text) is None
    assert not looks_like_code(text)
    assert codeset.lookup(text) is None


def test_format_code() -> None:
    assert format_code("m5012") == "M50.12"
    assert format_code("m50") == "M50"
    assert format_code("T07.XXXA") == "T07.XXXA"


def test_nearest_valid(codeset: CodeSet) -> None:
    assert codeset.nearest_valid("M50.129") == "M50.12"
    assert codeset.nearest_valid("M54.99") == "M54.9"
    assert codeset.nearest_valid("M54.7") == "M54"
    assert codeset.nearest_valid("U99.9") is None


def test_billable_descendants(codeset: CodeSet) -> None:
    assert codeset.billable_descendants("M50.1") == [
        "M50.10",
        "M50.11",
        "M50.120",
        "M50.121",
        "M50.122",
        "M50.123",
        "M50.13",
    ]
    assert codeset.billable_descendants("M54.12") == []
    assert codeset.billable_descendants("nonsense") == []


def test_iteration_is_sorted_and_complete(codeset: CodeSet) -> None:
    codes = list(codeset)
    assert len(codes) == len(codeset)
    assert codes == sorted(codes, key=lambda c: c.ljust(8))
    assert "M54.12" in codes
