"""The CMS importer: what it writes from a small copy of the CY2025 files, and how it refuses damaged files."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from esi_helper.cli import main
from esi_helper.fee.importer import PfsImportError, import_bundle
from tests.fee_support import BUNDLE, edited_copy, make_knowledge


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_knowledge(tmp_path_factory.mktemp("fee") / "knowledge")


def damaged_bundle(tmp_path: Path, name: str, old: str, new: str) -> Path:
    return edited_copy(BUNDLE, tmp_path / "bundle", name, old, new)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "fees").glob("*"))}


def test_import_writes_compact_toml(imported: Path) -> None:
    pfs = tomllib.loads((imported / "fees" / "pfs.toml").read_text(encoding="utf-8"))
    meta = pfs["meta"]
    assert meta["year"] == 2025
    assert meta["release"] == "RVU25D"
    assert meta["released"] == "2025-09-11"
    assert meta["conversion_factor"] == 32.3465
    assert meta["source_files"] == ["PPRRVU2025_Oct.csv", "RVU25D-readme.txt"]
    assert meta["citations"] == ["pfs-2025", "rvu-readme-2025"]
    assert meta["codes_missing"] == ["72275"]  # named one by one; 64481/64482 inside a range are never reported
    rows = pfs["rows"]
    assert rows["62321"] == {
        "status": "A",
        "work": 1.95,
        "pe_nf": 5.63,
        "pe_f": 1.08,
        "mp": 0.18,
        "global": "000",
        "mult_proc": "2",
        "bilateral": "9",
        "pctc": "0",
    }
    assert rows["64484"]["global"] == "ZZZ" and rows["64484"]["bilateral"] == "1"
    assert {"77003", "77003-26", "77003-TC"} <= set(rows)
    assert rows["77003"]["f_na"] is True and "f_na" not in rows["77003-26"]
    assert rows["71275"]["opps"] == [6.13, 6.13, 0.13]
    text = (imported / "fees" / "pfs.toml").read_text(encoding="utf-8")
    assert "Njx" not in text and "Fluoroguide" not in text  # no AMA short descriptions


def test_import_localities_and_zips(imported: Path) -> None:
    locs = tomllib.loads((imported / "fees" / "localities.toml").read_text(encoding="utf-8"))
    assert locs["meta"]["work_gpci_column"] == "2025 PW GPCI (with 1.0 Floor)"
    assert locs["meta"]["citations"] == ["gpci-2025"]
    by_id = {f"{loc['mac']}-{loc['number']}": loc for loc in locs["locality"]}
    assert len(by_id) == 20
    alaska = by_id["02102-01"]
    assert alaska["name"] == "ALASKA" and alaska["gpci"] == [1.5, 1.081, 0.592]
    assert alaska["notes"] == ["Work GPCI reflects a 1.5 floor in Alaska established by the MIPPA."]
    assert by_id["04412-11"]["counties"] == "DALLAS" and by_id["04412-11"]["state_name"] == "TEXAS"
    assert by_id["05302-01"]["state_name"] == "MISSOURI"
    zips = tomllib.loads((imported / "fees" / "zip.toml").read_text(encoding="utf-8"))
    assert zips["meta"]["zip_count"] == 27
    assert zips["meta"]["quarter"] == "20254"
    assert zips["meta"]["plus4"] == ["10505"]
    assert zips["zips"]["13202-01"] == ["10001-10005 10038 10041 10045"]
    assert zips["zips"]["04412-11"] == ["75201-75202 75204"]


def test_reimport_is_identical(imported: Path, tmp_path: Path) -> None:
    again = make_knowledge(tmp_path / "knowledge")
    assert snapshot(again) == snapshot(imported)


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        ("PPRRVU2025_Oct.csv", "MP,NON-FACILITY", "XX,NON-FACILITY", "column 'MP RVU' not found"),
        (
            "PPRRVU2025_Oct.csv",
            "62321,,Njx interlaminar crv/thrc,A,,1.95",
            "62321,,Njx interlaminar crv/thrc,A,,1.9x",
            "PPRRVU2025_Oct.csv line 11: WORK RVU of 62321 '1.9x' is not a number",
        ),
        ("PPRRVU2025_Oct.csv", "A,,1.95,5.63", "A,,1.95,6.63", "do not add up to NON-FACILITY TOTAL 7.76"),
        ("PPRRVU2025_Oct.csv", "0,99,0.00,0.00,0.00\n64479", "0,99,0.00,0.00\n64479", "columns, expected at least"),
        (
            "GPCI2025.csv",
            "1.011,1.007,0.877",
            "1.011,1,007,0.877",
            "GPCI2025.csv line 21: 8 columns but the header has 7",
        ),
        ("GPCI2025.csv", "1.011,1.007,0.877", "1.011,n/a,0.877", "PE GPCI 'n/a' is not a number"),
        ("GPCI2025.csv", "2025 MP GPCI", "2025 MALPRACTICE", "column 'MP GPCI' not found"),
        ("ZIP5_OCT2025.txt", "TX752010441211", "TX752010441277", "carrier 04412 locality 77 is not in the GPCI file"),
        ("ZIP5_OCT2025.txt", "TX752010441211", "TX75X010441211", "ZIP5_OCT2025.txt line"),
    ],
)
def test_damaged_file_fails_and_leaves_knowledge_untouched(
    imported: Path, tmp_path: Path, name: str, old: str, new: str, message: str
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(imported, knowledge)
    before = snapshot(knowledge)
    folder = damaged_bundle(tmp_path, name, old, new)
    with pytest.raises(PfsImportError, match=None) as exc:
        import_bundle(folder, knowledge)
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)
    assert snapshot(knowledge) == before
    assert not list((knowledge / "fees").glob(".*.tmp"))


def test_missing_file_is_named(tmp_path: Path, imported: Path) -> None:
    folder = tmp_path / "bundle"
    shutil.copytree(BUNDLE, folder)
    (folder / "25LOCCO.csv").unlink()
    with pytest.raises(PfsImportError, match=r"no \*LOCCO.csv"):
        import_bundle(folder, imported)


def test_cli_import_reports_one_line(imported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(imported, knowledge)
    assert main(["--knowledge", str(knowledge), "kb", "import-pfs", str(BUNDLE)]) == 0
    out = capsys.readouterr()
    assert "imported CY2025 RVU25D" in out.out and "20 localities" in out.out
    assert "requested codes not in PPRRVU2025_Oct.csv (no amount): 72275" in out.err
    folder = damaged_bundle(tmp_path, "PPRRVU2025_Oct.csv", "MP,NON-FACILITY", "XX,NON-FACILITY")
    before = snapshot(knowledge)
    assert main(["--knowledge", str(knowledge), "kb", "import-pfs", str(folder)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "nothing was changed" in err and "Traceback" not in err
    assert snapshot(knowledge) == before
