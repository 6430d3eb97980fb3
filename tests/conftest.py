"""Shared fixtures: the shipped knowledge base, and user folders isolated from the developer's."""

from __future__ import annotations

from pathlib import Path

import pytest

from esi_helper.kb import KnowledgeBase, load_kb
from esi_helper.paths import packaged_knowledge_dir

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep transcripts out of the developer's folders; share one ICD cache per test session."""
    monkeypatch.setenv("ESI_HELPER_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("ESI_HELPER_KNOWLEDGE", raising=False)
    cache = tmp_path_factory.getbasetemp() / "shared-cache"
    cache.mkdir(exist_ok=True)
    monkeypatch.setenv("ESI_HELPER_CACHE_DIR", str(cache))


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The knowledge base shipped with the package, loaded once."""
    return load_kb(packaged_knowledge_dir())
