"""``esi-helper icd``: the command-line contract (JSON shape, text output, exit statuses)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from esi_helper.cli import main
from esi_helper.icd import load_codeset

FIXTURE_KB = str(Path(__file__).resolve().parent / "data" / "icd" / "kb")


@pytest.fixture(scope="module", autouse=True)
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Build the shared cache before the first command runs (so no build notice mixes in)."""
    cache = Path(tmp_path_factory.getbasetemp()) / "shared-cache"
    cache.mkdir(exist_ok=True)
    load_codeset(cache)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["icd", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    status, out, _ = run(capsys, *argv, "--json")
    return status, json.loads(out)


def test_lookup_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = run_json(capsys, "M54.12")
    assert status == 0
    assert {k: data[k] for k in ("code", "valid", "billable", "description", "parent", "children")} == {
        "code": "M54.12",
        "valid": True,
        "billable": True,
        "description": "Radiculopathy, cervical region",
        "parent": "M54.1",
        "children": [],
    }
    assert data["release"] == "ICD-10-CM FY2026 (April 1, 2026 release)"
    assert "pairing" not in data


def test_header_json_lists_children_with_descriptions(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = run_json(capsys, "m5012")
    assert status == 0 and data["code"] == "M50.12" and data["billable"] is False
    assert data["children"][0] == {"code": "M50.120", "description": "Mid-cervical disc disorder, unspecified level"}
    assert [c["code"] for c in data["children"]] == ["M50.120", "M50.121", "M50.122", "M50.123"]


def test_invalid_code_exits_1_with_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = run_json(capsys, "m50129")
    assert status == 1
    assert data["code"] == "M50.129" and data["valid"] is False and data["billable"] is False
    assert data["description"] is None and data["children"] == [] and data["release"]


def test_pairing_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = run_json(capsys, "M54.16", "--cpt", "62321")
    assert status == 0
    pairing = data["pairing"]
    assert pairing["verdict"] == "region-mismatch" and pairing["text"].startswith("Region mismatch")
    assert pairing["citations"] and all(set(c) == {"id", "title"} for c in pairing["citations"])


def test_pairing_with_fixture_kb(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = run_json(capsys, "M54.16", "--cpt", "62323", "--knowledge", FIXTURE_KB)
    assert status == 0 and data["pairing"]["verdict"] == "supports"
    assert [c["id"] for c in data["pairing"]["citations"]] == ["test-lcd", "icd10cm-fy2026"]


def test_kb_note_included(capsys: pytest.CaptureFixture[str]) -> None:
    _, data = run_json(capsys, "M50.12", "--knowledge", FIXTURE_KB)
    assert data["kb_note"]["id"] == "dx-m50-12"


def test_text_lookup_key_fact_first(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "M54.12")
    lines = out.splitlines()
    assert status == 0
    assert lines[0].startswith("M54.12 is valid and billable: Radiculopathy, cervical region.")
    assert "Parent: M54.1 Radiculopathy (header, not billable)" in lines
    assert "Sources:" in lines and any(line.startswith("[1] ICD-10-CM code files") for line in lines)
    assert lines[-1].startswith("Knowledge base ")


def test_text_header_shows_codes_to_report(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "M50.12")
    assert out.startswith("M50.12 is a header, not billable")
    assert "Report a code under it:" in out and "M50.122" in out


def test_text_pairing_comes_first(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "m50.12", "--cpt", "62321")
    assert status == 0
    assert out.splitlines()[0].startswith("M50.12 is a header, not billable in ICD-10-CM FY2026")


def test_text_invalid_code_suggests_nearest(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "M50.129")
    assert status == 1
    assert out.startswith("M50.129 is not a valid ICD-10-CM code")
    assert "Nearest valid code above it: M50.12" in out


def test_search_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = run_json(capsys, "cervical radiculopathy", "--top", "3")
    assert status == 0 and data["query"] == "cervical radiculopathy"
    assert len(data["results"]) == 3
    assert set(data["results"][0]) == {"code", "description", "billable", "score"}
    assert data["results"][0]["code"] == "M54.12"


def test_search_words_without_quotes(capsys: pytest.CaptureFixture[str]) -> None:
    _, data = run_json(capsys, "lumbar", "stenosis", "with", "neurogenic", "claudication")
    assert data["results"][0]["code"] == "M48.062"


def test_search_text(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "cervical radiculopathy")
    assert status == 0
    assert out.startswith("Best match: M54.12 Radiculopathy, cervical region")
    assert "Other matches:" in out and "Knowledge base" in out


def test_search_without_match_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = run_json(capsys, "zzzz qqqq")
    assert status == 1 and data["results"] == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["M54.12", "--cpt", "99999"], "'99999' is not a CPT/HCPCS code in the knowledge base"),
        (["cervical radiculopathy", "--cpt", "62321"], "--cpt needs an ICD-10-CM code"),
        (["M54.12", "--top", "3"], "--top is for word searches"),
        (["radiculopathy", "--top", "0"], "--top must be between 1 and 50"),
        (["  "], "give an ICD-10-CM code"),
    ],
)
def test_usage_errors_are_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_argparse_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "radiculopathy", "--top", "many")
    assert status == 2 and len(err.strip().splitlines()) == 1


def test_a_dotted_token_that_cannot_be_a_code_is_reported_invalid(capsys: pytest.CaptureFixture[str]) -> None:
    status, data = run_json(capsys, "zzz.9")
    assert status == 1
    assert data["code"] == "ZZZ.9" and data["valid"] is False and data["children"] == []
