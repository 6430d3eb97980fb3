"""An on-disk cache of the normalised entries, so a cold ``esi-helper ask`` skips rebuilding the index.

The key covers the lexicon file, every entry's searchable text and the normalisation code itself, so any edit
rebuilds it. A missing, stale or unreadable cache is never an error: the index is built in memory instead.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

from esi_helper.kb.records import KnowledgeBase

_CODE = ("lexicon.py", "text.py", "retrieval.py", "cache.py")


def fingerprint(kb: KnowledgeBase, lexicon_bytes: bytes) -> str:
    """A digest of everything the cached index depends on."""
    digest = hashlib.blake2b(digest_size=20)
    here = Path(__file__).resolve().parent
    for name in _CODE:
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    digest.update(lexicon_bytes)
    for entry in kb.entries.values():
        parts = [entry.id, entry.title, entry.text, *entry.questions, "\x02", *entry.keywords]
        for extra in ("notes", "applies", "claim"):
            value = getattr(entry, extra, None)
            if value:
                parts.append(repr(value))
        digest.update("\x01".join(parts).encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _path(kb: KnowledgeBase) -> Path | None:
    try:
        from esi_helper.paths import user_cache_dir

        root = hashlib.blake2b(str(kb.root).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
        return user_cache_dir() / f"answer-index-{root}.bin"
    except Exception:  # no usable cache folder: run without a cache
        return None


def load(kb: KnowledgeBase, key: str) -> dict[str, Any] | None:
    """The cached data for ``key``, or None."""
    path = _path(kb)
    if path is None:
        return None
    enabled = gc.isenabled()
    gc.disable()  # many small containers: the collector would only slow the load down
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    finally:
        if enabled:
            gc.enable()
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    return data


def save(kb: KnowledgeBase, key: str, data: dict[str, Any]) -> None:
    """Write the cache atomically; failures are ignored."""
    path = _path(kb)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps({**data, "key": key}))
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass
