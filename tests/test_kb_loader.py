"""Loader and validator: a good fixture loads; each kind of breakage gives one exact file:line message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from esi_helper.kb import CodeEntry, KnowledgeError, TopicEntry, check_kb, load_kb
from tests.conftest import DATA

MIN = DATA / "kb_min"


def broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the minimal fixture with one replacement made in ``file``."""
    root = tmp_path / "kb"
    shutil.copytree(MIN, root)
    path = root / file
    text = path.read_text()
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1))
    return root


def messages(root: Path) -> list[str]:
    return [str(p) for p in check_kb(root)]


def test_minimal_fixture_loads_into_typed_records() -> None:
    kb = load_kb(MIN)
    assert kb.version == "test-1"
    assert set(kb.sources) == {"src-a", "src-b"}
    code = kb.codes["11112"]
    assert isinstance(code, CodeEntry)
    assert code.addon and code.parent == ("11111",)
    assert kb.codes["11111"].pfs["bilateral"] == "1"
    rule = kb.entries["rule-test"]
    assert isinstance(rule, TopicEntry) and rule.payer == "medicare"
    assert (rule.file, rule.line) == ("rules.toml", 1)
    assert [s.id for s in kb.cite(code.citations)] == ["src-a", "src-b"]


def test_syntax_error_reports_the_line_toml_gives(tmp_path: Path) -> None:
    root = broken(tmp_path, "rules.toml", 'topic = "frequency"', 'topic = "frequency')
    msgs = messages(root)
    assert len(msgs) == 1
    assert msgs[0].startswith("rules.toml:4: TOML syntax error:")


def test_unknown_source_names_file_and_citation_line(tmp_path: Path) -> None:
    root = broken(tmp_path, "rules.toml", 'citations = ["src-b"]', 'citations = ["src-zz"]')
    assert messages(root) == ["rules.toml:8: 'rule-test' cites unknown source 'src-zz'"]


def test_empty_citations_are_refused(tmp_path: Path) -> None:
    root = broken(tmp_path, "rules.toml", 'citations = ["src-b"]', "citations = []")
    assert messages(root) == ["rules.toml:8: 'rule-test' cites no source"]


def test_dangling_related_reference(tmp_path: Path) -> None:
    root = broken(tmp_path, "codes.toml", 'related = ["cpt-11111"]', 'related = ["cpt-99999"]')
    assert messages(root) == ["codes.toml:23: 'cpt-11112' is related to unknown entry 'cpt-99999'"]


def test_dangling_addon_parent(tmp_path: Path) -> None:
    root = broken(tmp_path, "codes.toml", 'parent = ["11111"]', 'parent = ["11119"]')
    assert messages(root) == ["codes.toml:20: 'cpt-11112': add-on parent code '11119' has no [[code]] entry"]


def test_duplicate_id_names_both_places(tmp_path: Path) -> None:
    root = broken(tmp_path, "rules.toml", 'id = "rule-test"', 'id = "cpt-11111"')
    assert messages(root) == ["rules.toml:1: duplicate id 'cpt-11111' (first defined in codes.toml:1)"]


def test_missing_required_field(tmp_path: Path) -> None:
    root = broken(tmp_path, "rules.toml", 'topic = "frequency"\n', "")
    assert messages(root) == ["rules.toml:1: 'rule-test': missing required field 'topic'"]


def test_unknown_field_is_refused_with_its_line(tmp_path: Path) -> None:
    root = broken(tmp_path, "rules.toml", 'payer = "medicare"', 'payer = "medicare"\nseverity = "high"')
    msgs = messages(root)
    assert len(msgs) == 1
    assert msgs[0].startswith("rules.toml:6: 'rule-test': unknown field 'severity' (allowed:")


def test_wrong_type_and_bad_choice(tmp_path: Path) -> None:
    root = broken(tmp_path, "codes.toml", 'region = ["lumbar", "sacral"]', 'region = "lumbar"')
    assert messages(root) == ["codes.toml:6: 'cpt-11111': field 'region' must be list of text"]
    root2 = broken(tmp_path / "2", "rules.toml", 'topic = "frequency"', 'topic = "weather"')
    assert messages(root2)[0].startswith("rules.toml:4: 'rule-test': 'weather' is not a valid topic (one of:")


def test_unknown_table(tmp_path: Path) -> None:
    root = broken(tmp_path, "rules.toml", "[[rule]]", "[[rules]]")
    msgs = messages(root)
    assert msgs[0].startswith("rules.toml:1: unknown table [rules]: expected one of")


def test_missing_kb_meta_and_bad_version(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(MIN, root)
    (root / "kb.toml").unlink()
    assert "kb.toml: missing: the knowledge base needs kb.toml with a version" in messages(root)
    root2 = broken(tmp_path / "2", "kb.toml", 'version = "test-1"', "version = 3")
    assert messages(root2) == ["kb.toml:1: 'version' is required (text)"]


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    root = broken(tmp_path, "rules.toml", 'citations = ["src-b"]', 'citations = ["nope"]')
    text = (root / "codes.toml").read_text().replace('related = ["cpt-11111"]', 'related = ["cpt-00000"]')
    (root / "codes.toml").write_text(text)
    assert len(messages(root)) == 2


def test_load_kb_raises_with_problems(tmp_path: Path) -> None:
    root = broken(tmp_path, "rules.toml", 'citations = ["src-b"]', 'citations = ["nope"]')
    with pytest.raises(KnowledgeError) as info:
        load_kb(root)
    assert "cites unknown source 'nope'" in str(info.value)


def test_missing_folder_is_one_problem(tmp_path: Path) -> None:
    msgs = messages(tmp_path / "nowhere")
    assert len(msgs) == 1 and msgs[0].endswith("knowledge folder not found")
