"""House rules checked by tests: the core never imports Textual; knowledge stays out of Python source."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from esi_helper.kb import KnowledgeBase

PACKAGE = Path(__file__).resolve().parent.parent / "esi_helper"
CODE_LITERAL = re.compile(r"[\"'](6[0-9]{4}|7[0-9]{4}|0[0-9]{3}T|[A-TV-Z][0-9]{2}\.[0-9A-Z]{1,4})[\"']")


def test_core_modules_do_not_import_textual() -> None:
    core = [
        p.relative_to(PACKAGE.parent).with_suffix("").as_posix().replace("/", ".")
        for p in PACKAGE.rglob("*.py")
        if "tui" not in p.parts and p.name != "__main__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {core!r}:\n"
        "    importlib.import_module(m.removesuffix('.__init__'))\n"
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == ""


def test_no_code_literals_in_python_source() -> None:
    hits = [
        f"{p.relative_to(PACKAGE.parent)}:{n}: {line.strip()}"
        for p in PACKAGE.rglob("*.py")
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if CODE_LITERAL.search(line)
    ]
    assert hits == []


def test_every_entry_cites_a_known_source(kb: KnowledgeBase) -> None:
    for entry in kb.entries.values():
        assert entry.citations, entry.id
        assert all(c in kb.sources for c in entry.citations), entry.id
    for rule in kb.pairings:
        assert rule.citations and all(c in kb.sources for c in rule.citations), rule.id


def test_every_source_has_its_registry_fields(kb: KnowledgeBase) -> None:
    for source in kb.sources.values():
        assert source.title and source.publisher and source.url and source.date and source.confidence
        assert source.kind in {"official", "secondary", "seed"}
