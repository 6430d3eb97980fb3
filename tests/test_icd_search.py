"""ICD-10-CM word search: ranking for common ESI diagnoses, billable above headers, limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from esi_helper.icd import CodeSet, load_codeset


@pytest.fixture(scope="module")
def codeset(tmp_path_factory: pytest.TempPathFactory) -> CodeSet:
    """The real code set, from the cache shared by the whole test session (built once)."""
    cache = Path(tmp_path_factory.getbasetemp()) / "shared-cache"
    cache.mkdir(exist_ok=True)
    return load_codeset(cache)


#: Common ESI diagnoses as a biller would type them, and the code that must come first.
FIRST = [
    ("cervical radiculopathy", "M54.12"),
    ("lumbar stenosis with neurogenic claudication", "M48.062"),
    ("lumbar radiculopathy", "M54.16"),
    ("radiculopathy lumbar", "M54.16"),
    ("lumbosacral radiculopathy", "M54.17"),
    ("thoracic radiculopathy", "M54.14"),
    ("cervicothoracic radiculopathy", "M54.13"),
    ("thoracolumbar radiculopathy", "M54.15"),
    ("sacral radiculopathy", "M54.18"),
    ("lumbar disc disorder with radiculopathy", "M51.16"),
    ("lumbosacral disc disorders with radiculopathy", "M51.17"),
    ("cervical disc disorder with radiculopathy C5-C6", "M50.122"),
    ("lumbar spondylosis with radiculopathy", "M47.26"),
    ("cervical spondylosis with radiculopathy", "M47.22"),
    ("cervical spinal stenosis", "M48.02"),
    ("thoracic spinal stenosis", "M48.04"),
    ("lumbar stenosis without neurogenic claudication", "M48.061"),
    ("lumbosacral spinal stenosis", "M48.07"),
    ("postlaminectomy syndrome", "M96.1"),
    ("lumbar disc displacement", "M51.26"),
    ("lumbosacral disc displacement", "M51.27"),
    ("lumbar spondylolisthesis", "M43.16"),
    ("low back pain", "M54.50"),
    ("vertebrogenic low back pain", "M54.51"),
    ("cervicalgia", "M54.2"),
    ("sciatica left side", "M54.32"),
    ("lumbago with sciatica right side", "M54.41"),
    ("postherpetic polyneuropathy", "B02.23"),
    ("acute post-procedural pain", "G89.18"),
    ("lumbar disc degeneration discogenic back pain only", "M51.360"),
]

#: Looser phrasings: the code must be among the first three.
TOP3 = [
    ("lumbar disc degeneration", "M51.369"),
    ("post thoracotomy pain acute", "G89.12"),
    ("lumbar stenosis", "M48.061"),
    ("cervical disc displacement", "M50.20"),
]


@pytest.mark.parametrize(("query", "code"), FIRST)
def test_common_esi_diagnoses_rank_first(codeset: CodeSet, query: str, code: str) -> None:
    hits = codeset.search(query)
    assert hits and hits[0].code == code, [h.code for h in hits[:5]]


@pytest.mark.parametrize(("query", "code"), TOP3)
def test_looser_phrasings_in_top_three(codeset: CodeSet, query: str, code: str) -> None:
    assert code in [h.code for h in codeset.search(query, top=3)]


@pytest.mark.parametrize(
    "query", ["sciatica", "low back pain", "cervical disc disorder with radiculopathy", "spinal stenosis lumbar"]
)
def test_billable_codes_rank_above_headers(codeset: CodeSet, query: str) -> None:
    hits = codeset.search(query, top=20)
    flags = [h.billable for h in hits]
    assert not all(flags), "the query should also find a header"
    assert flags == sorted(flags, reverse=True), [(h.code, h.billable) for h in hits]


def test_hits_carry_description_billable_and_sorted_scores(codeset: CodeSet) -> None:
    hits = codeset.search("cervical radiculopathy", top=8)
    assert len(hits) == 8
    assert hits[0].description == "Radiculopathy, cervical region" and hits[0].billable
    for group in (True, False):
        scores = [h.score for h in hits if h.billable is group]
        assert scores == sorted(scores, reverse=True)
    assert all(0 < h.score <= 100 for h in hits)


def test_top_limits_results(codeset: CodeSet) -> None:
    assert len(codeset.search("radiculopathy", top=3)) == 3
    assert codeset.search("radiculopathy", top=0) == []


def test_typo_and_partial_word(codeset: CodeSet) -> None:
    assert codeset.search("lumbar radiculapathy")[0].code == "M54.16"
    assert codeset.search("lumbar radic")[0].code == "M54.16"


def test_code_prefix_lists_code_and_codes_under_it(codeset: CodeSet) -> None:
    hits = codeset.search("m541", top=4)
    assert [h.code for h in hits] == ["M54.1", "M54.10", "M54.11", "M54.12"]


@pytest.mark.parametrize("query", ["", "   ", "zzzz qqqq", "of", "-- , ."])
def test_no_match(codeset: CodeSet, query: str) -> None:
    assert codeset.search(query) == []


def test_warm_is_idempotent(codeset: CodeSet) -> None:
    codeset.warm()
    codeset.warm()
    assert codeset.search("cervicalgia")[0].code == "M54.2"
