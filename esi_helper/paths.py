"""Where esi-helper finds its knowledge and keeps its caches and transcripts."""

from __future__ import annotations

import os
from pathlib import Path

KNOWLEDGE_ENV = "ESI_HELPER_KNOWLEDGE"
APP_NAME = "esi-helper"


def shipped_dir(installed: str, checkout: str) -> Path:
    """A shipped folder: ``esi_helper/<installed>`` in an installed copy, else ``<checkout>`` in the checkout."""
    here = Path(__file__).resolve().parent
    path = here / installed
    if path.is_dir():
        return path
    return here.parent / checkout


def packaged_knowledge_dir() -> Path:
    """Return the knowledge folder shipped with the package (installed copy first, then the checkout)."""
    return shipped_dir("knowledge", "knowledge")


def knowledge_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the knowledge folder: explicit argument, then $ESI_HELPER_KNOWLEDGE, then the packaged one."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(KNOWLEDGE_ENV)
    if env:
        return Path(env)
    return packaged_knowledge_dir()


def user_cache_dir() -> Path:
    """Per-user cache folder (honours $ESI_HELPER_CACHE_DIR, used by the tests)."""
    env = os.environ.get("ESI_HELPER_CACHE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME)


def user_data_dir() -> Path:
    """Per-user data folder for saved transcripts (honours $ESI_HELPER_DATA_DIR)."""
    env = os.environ.get("ESI_HELPER_DATA_DIR")
    if env:
        return Path(env)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME)
