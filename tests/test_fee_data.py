"""``kb check`` on the fee files: every problem names its file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from esi_helper.fee.data import validate_kb
from esi_helper.kb import KnowledgeError, check_kb, load_kb
from esi_helper.paths import packaged_knowledge_dir
from tests.fee_support import CMS, edited_copy, make_knowledge


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_knowledge(tmp_path_factory.mktemp("fee") / "knowledge")


def edited(clean: Path, tmp_path: Path, rel: str, old: str, new: str) -> Path:
    return edited_copy(clean, tmp_path / "knowledge", rel, old, new)


def line_of(root: Path, rel: str, needle: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_shipped_and_clean_knowledge_pass(clean: Path) -> None:
    assert validate_kb(load_kb(clean)) == []
    assert check_kb(packaged_knowledge_dir()) == []


def test_no_fee_folder_is_not_a_problem(tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(CMS / "knowledge", root)
    shutil.rmtree(root / "fees")
    assert validate_kb(load_kb(root)) == []


@pytest.mark.parametrize(
    ("rel", "old", "new", "needle", "message"),
    [
        (
            "fees/pfs.toml",
            '"62321" = { status = "A", work = 1.95',
            '"62321" = { status = "A", work = -1.95',
            '"62321"',
            "row '62321': 'work' must be a number ≥ 0",
        ),
        (
            "fees/pfs.toml",
            '"62323" = { status = "A"',
            '"62323" = { status = 1',
            '"62323"',
            "row '62323': 'status' must be the CMS indicator as text",
        ),
        (
            "fees/pfs.toml",
            'bilateral = "9", pctc = "0" }',
            'bilateral = "7", pctc = "0" }',
            '"62321"',
            "bilateral indicator 7 has no [bilateral.indicators.7]",
        ),
        (
            "fees/pfs.toml",
            'citations = ["pfs-2025"',
            'citations = ["pfs-2099"',
            "citations",
            "cites unknown source 'pfs-2099'",
        ),
        (
            "fees/localities.toml",
            "gpci = [1.5, 1.081, 0.592]",
            "gpci = [1.5, 1.081]",
            "gpci = [1.5",
            "gpci must be 3 positive numbers",
        ),
        ("fees/localities.toml", 'number = "11"', 'number = "1"', 'number = "1"', "number '1' must be 2 digits"),
        (
            "fees/zip.toml",
            '"04412-11" = ["75201-75202 75204"]',
            '"04412-11" = ["75201-75202 75204 10001"]',
            '"13202-01"',
            "ZIP 10001 is given to both 04412-11 and 13202-01",
        ),
        (
            "fees/zip.toml",
            '"04412-11" = ["75201-75202 75204"]',
            '"04412-77" = ["75201-75202 75204"]',
            '"04412-77"',
            "'04412-77' is not a locality",
        ),
        (
            "fees/zip.toml",
            '"04412-11" = ["75201-75202 75204"]',
            '"04412-11" = ["75202-75201"]',
            '"04412-11"',
            "ends before it starts",
        ),
        ("fees/rules.toml", "percent = 150", 'percent = "150"', "percent =", "'percent' must be a whole number"),
        (
            "settings.toml",
            'rate = "non-facility"',
            'rate = "office"',
            'rate = "office"',
            "rate 'office' must be one of facility, non-facility",
        ),
        ("settings.toml", 'code = "24"', 'code = "2A"', 'code = "2A"', "code '2A' must be two digits"),
        ("fees/import.toml", '"64479-64484"', '"64484-64479"', "codes =", "ends before it starts"),
    ],
)
def test_problem_names_file_and_line(
    clean: Path, tmp_path: Path, rel: str, old: str, new: str, needle: str, message: str
) -> None:
    root = edited(clean, tmp_path, rel, old, new)
    problems = validate_kb(load_kb(root))
    hits = [p for p in problems if message in p.message]
    assert hits, problems
    assert hits[0].file == rel
    assert hits[0].line == line_of(root, rel, needle)


def test_syntax_error_is_reported(clean: Path, tmp_path: Path) -> None:
    root = edited(clean, tmp_path, "fees/pfs.toml", "[rows]", "[rows")
    problems = check_kb(root)
    assert problems and problems[0].file == "fees/pfs.toml" and "TOML syntax error" in problems[0].message


def test_code_card_must_match_cms_row(clean: Path, tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(clean, root)
    (root / "codes.toml").write_text(
        '[[code]]\nid = "cpt-62321"\ntitle = "62321"\ntext = "Cervical interlaminar ESI."\n'
        'citations = ["pfs-2025"]\ncode = "62321"\nfamily = "interlaminar"\n'
        'pfs = { status = "A", global = "000", mult_proc = "2", bilateral = "1", pctc = "0" }\n',
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError) as exc:
        load_kb(root, features=True)
    msgs = [str(p) for p in exc.value.problems]
    assert any(m.startswith("codes.toml:1: 'cpt-62321': pfs.bilateral = \"1\"") and 'says "9"' in m for m in msgs)
