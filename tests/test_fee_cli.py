"""``esi-helper fee``: the JSON contract, the text layout and one-line errors (shipped CY2025 data)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from esi_helper.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["fee", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "62321", "--zip", "10001", "--json")
    assert code == 0
    data = json.loads(out)
    assert {"code", "year", "setting", "locality", "amount", "range", "formula", "citations"} <= set(data)
    assert data["code"] == "62321" and data["year"] == 2025 and data["setting"] == "office"
    assert data["locality"] == {"mac": "13202", "number": "01", "state": "NY", "name": "MANHATTAN"}
    assert data["amount"] == 289.16
    assert data["range"]["national"] == 251.01
    assert set(data["range"]["min"]) == {"amount", "locality"}
    assert set(data["range"]["min"]["locality"]) == {"mac", "number", "state", "name"}
    assert data["range"]["min"]["amount"] <= data["amount"] <= data["range"]["max"]["amount"]
    assert "pfs-2025" in data["citations"] and "zip-locality-2025" in data["citations"]
    assert [s["id"] for s in data["sources"]] == data["citations"]


def test_json_national_is_null_locality(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "62323", "--setting", "facility", "--json")
    data = json.loads(out)
    assert data["locality"] is None and data["amount"] == 96.07 and data["setting"] == "facility"


def test_pos_sets_setting(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "64483", "--pos", "24", "--locality", "dallas", "--json")
    data = json.loads(out)
    assert data["setting"] == "facility" and data["amount"] == 108.04 and data["pos"]["code"] == "24"


def test_text_shows_both_settings_year_and_caveat(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "62321")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == (
        "Medicare CY2025 pays $251.01 in the office (non-facility rate) and $103.83 at the facility rate for 62321, "
        "nationally (GPCIs 1.0)."
    )
    assert out.index("Range across the 109 localities") < out.index("Formula") < out.index("Patient share")
    assert "2025 RVUs × the 2026 conversion factor is not a 2026 rate" in out
    assert "Commercial, illustrative only" in out
    assert "[1] CMS National Physician Fee Schedule Relative Value File" in out
    assert lines[-1].startswith("Knowledge base ")


def test_text_single_setting(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "64483", "--setting", "facility", "--locality", "dallas")
    assert out.startswith("Medicare CY2025 pays $108.04 at the facility rate for 64483, in DALLAS (TX, locality 11")


def test_modifier_suffix_and_claim(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "64483-50", "--setting", "facility", "--locality", "dallas", "--json")
    assert json.loads(out)["amount"] == 162.06
    code, out, _ = run(
        capsys, "64483-50", "64484-50", "64493", "--setting", "facility", "--locality", "dallas", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["total"] == 279.76 and [line["percent"] for line in data["lines"]] == [100, 100, 50]
    code, out, _ = run(capsys, "64483-50", "64493", "--locality", "dallas")
    assert code == 0 and out.startswith("Medicare CY2025 pays $")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["99999"], "no CY2025 fee data for '99999'"),
        (["62321", "--locality", "zzzz"], "no Medicare locality matches 'zzzz'"),
        (["62321", "--locality", "texas"], "'texas' matches 8 localities"),
        (["62321", "--modifier", "50"], "modifier 50 does not apply to 62321"),
        (["62321", "--modifier", "XS"], "modifier 'XS' is not priced"),
        (["62321", "--zip", "1234"], "'1234' is not a ZIP code"),
        (["62321", "--zip", "00000"], "ZIP 00000 is not in CMS's ZIP code to locality file"),
        (["62321", "--pos", "24", "--setting", "office"], "contradicts --setting office"),
        (["62321", "--pos", "99"], "POS '99' is not in knowledge/settings.toml"),
        (["62321-26", "--modifier", "50"], "disagree"),
        (["62321", "62323", "--modifier", "50"], "write each modifier on its code"),
    ],
)
def test_errors_are_one_line_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("esi-helper: error: ") and message in err


def test_cold_quote_imports_no_ui_or_fuzzy_matcher() -> None:
    script = (
        "import sys\n"
        "from esi_helper.kb import load_kb\n"
        "from esi_helper.paths import packaged_knowledge_dir\n"
        "from esi_helper.fee import FeeSchedule\n"
        "fees = FeeSchedule.load(load_kb(packaged_knowledge_dir()))\n"
        "fees.quote('62321', 'office', 'manhattan')\n"
        "print(sorted(m for m in ('textual', 'rapidfuzz') if m in sys.modules))\n"
        "print(fees._zips is None)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["[]", "True"]
