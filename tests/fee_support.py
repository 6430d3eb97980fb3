"""Shared helpers for the fee tests: a knowledge folder imported from the small CMS bundle, and edited copies."""

from __future__ import annotations

import shutil
from pathlib import Path

from esi_helper.fee.importer import import_bundle
from esi_helper.paths import packaged_knowledge_dir

CMS = Path(__file__).parent / "data" / "cms"
BUNDLE = CMS / "bundle"


def make_knowledge(root: Path) -> Path:
    """A knowledge folder with the test sources and import list, the shipped fee rules and settings, imported."""
    shutil.copytree(CMS / "knowledge", root)
    shipped = packaged_knowledge_dir()
    shutil.copy(shipped / "fees" / "rules.toml", root / "fees" / "rules.toml")
    shutil.copy(shipped / "settings.toml", root / "settings.toml")
    import_bundle(BUNDLE, root)
    return root


def edited_copy(source: Path, folder: Path, rel: str, old: str, new: str) -> Path:
    """A copy of ``source`` at ``folder`` with the first ``old`` in file ``rel`` (which must hold it) made ``new``."""
    shutil.copytree(source, folder)
    path = folder / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder
