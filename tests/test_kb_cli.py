"""``esi-helper kb check|export`` and the global --knowledge option, driven through main()."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from esi_helper.cli import main
from tests.conftest import DATA

MIN = DATA / "kb_min"


def test_kb_check_passes_on_the_shipped_knowledge(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "check"]) == 0
    assert capsys.readouterr().out.startswith("ok: knowledge base ")


def test_kb_check_on_a_broken_folder_prints_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "kb"
    shutil.copytree(MIN, root)
    rules = root / "rules.toml"
    rules.write_text(rules.read_text().replace('["src-b"]', '["missing-source"]'))
    assert main(["kb", "check", str(root)]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == ["rules.toml:8: 'rule-test' cites unknown source 'missing-source'"]
    assert "Traceback" not in out.err


def test_knowledge_option_and_env_select_another_folder(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--knowledge", str(MIN), "kb", "export", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == "test-1"
    monkeypatch.setenv("ESI_HELPER_KNOWLEDGE", str(MIN))
    assert main(["kb", "export", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == "test-1"


def test_export_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--knowledge", str(MIN), "kb", "export", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    entry = next(e for e in data["entries"] if e["id"] == "cpt-11112")
    assert set(entry) == {"id", "kind", "title", "text", "questions", "citations"}
    assert entry["citations"] == [{"id": "src-a", "title": "Source A"}, {"id": "src-b", "title": "Source B"}]


def test_a_broken_knowledge_folder_stops_commands_with_its_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "kb"
    shutil.copytree(MIN, root)
    (root / "codes.toml").write_text("[[code]\n")
    with pytest.raises(SystemExit) as info:
        main(["--knowledge", str(root), "kb", "export", "--json"])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0].startswith("codes.toml:1: TOML syntax error")


def test_usage_errors_are_one_line_with_status_2() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "esi_helper", "kb", "nonsense"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "invalid choice" in proc.stderr
