"""The ICD-10-CM code set: a compact index cached in the user cache folder, loaded in milliseconds.

The first use reads the ``simple-icd-10-cm`` package (seconds) and writes ``icd10cm-index.bin``; later
runs read that file. The file records which package version and data files it was built from and carries
CRC-32 checks, so a changed package or a damaged file is simply rebuilt.

Layout of the file: a magic line, a JSON header (key, release, section sizes and CRCs), then two
zlib-compressed marshal sections: ``core`` (codes, descriptions, billable flags, parents) and ``search``
(the word index, decoded only when a search runs).
"""

from __future__ import annotations

import json
import marshal
import os
import re
import tempfile
import threading
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from esi_helper.icd.search import SearchIndex, compile_search, read_array
from esi_helper.icd.source import Built, CodeSetError, PackageSource

CACHE_NAME = "icd10cm-index.bin"
FORMAT = 1
MAGIC = b"esi-helper icd10cm index\n"
_CODE_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$")


@dataclass(frozen=True)
class IcdCode:
    """One ICD-10-CM code: ``billable`` means a leaf code that can be reported on a claim."""

    code: str
    description: str
    billable: bool
    parent: str | None
    children: tuple[str, ...]


@dataclass(frozen=True)
class IcdHit:
    """One search result; ``score`` runs from 0 to 100."""

    code: str
    description: str
    billable: bool
    score: float


class Source(Protocol):
    """What the cache needs from a code-set source (the package, or a small fake in tests)."""

    def key(self) -> str: ...

    def build(self) -> Built: ...


def format_code(text: str) -> str | None:
    """``text`` written as a dotted ICD-10-CM code (``m5412`` → ``M54.12``), or None if it cannot be one.

    Only the shape is checked; use :meth:`CodeSet.normalize` to know whether the code exists.
    """
    raw = re.sub(r"\s", "", text).upper().rstrip("-*")
    if "." in raw:
        if raw.index(".") != 3 or raw.count(".") > 1:
            return None
        raw = raw.replace(".", "")
    if not _CODE_SHAPE.match(raw):
        return None
    return raw if len(raw) == 3 else f"{raw[:3]}.{raw[3:]}"


def looks_like_code(text: str) -> bool:
    """Whether ``text`` has the shape of an ICD-10-CM code (as opposed to words to search for)."""
    return format_code(text) is not None


class _PaddedCodes:
    """The sorted codes as one fixed-width string: a bisectable sequence that costs nothing to load."""

    def __init__(self, blob: str, width: int):
        self.blob, self.width = blob, width

    def __len__(self) -> int:
        return len(self.blob) // self.width

    def __getitem__(self, i: int) -> str:
        return self.blob[i * self.width : (i + 1) * self.width]

    def pad(self, code: str) -> str:
        return code.ljust(self.width)


class CodeSet:
    """The loaded ICD-10-CM code set: lookup, hierarchy and word search."""

    def __init__(self, header: dict[str, Any], core: dict[str, Any], search_blob: bytes):
        self.release: str = header["release"]
        self.fiscal_year: int | None = header["fiscal_year"]
        self.package_version: str = header["version"]
        self._codes = _PaddedCodes(core["codes"], core["width"])
        self._text: str = core["text"]
        self._starts = read_array("I", core["starts"])
        self._billable: bytes = core["billable"]
        self._parents = read_array("i", core["parents"])
        n = len(self._codes)
        if not (len(self._starts) == n + 1 == len(self._parents) + 1 == len(self._billable) + 1):
            raise ValueError("inconsistent code index")
        self._search_blob = search_blob
        self._search: SearchIndex | None = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._codes)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.normalize(code) is not None

    def __iter__(self) -> Iterator[str]:
        """Every code, in sorted order."""
        return (self._code(i) for i in range(len(self)))

    # -- lookup ---------------------------------------------------------------------------------

    def _code(self, i: int) -> str:
        return self._codes[i].rstrip()

    def _description(self, i: int) -> str:
        return self._text[self._starts[i] : self._starts[i + 1]]

    def _index(self, dotted: str) -> int | None:
        if len(dotted) > self._codes.width:
            return None
        key = self._codes.pad(dotted)
        i = bisect_left(self._codes, key)
        return i if i < len(self._codes) and self._codes[i] == key else None

    def _descendants(self, i: int) -> range:
        """Indices of every code below code ``i`` (they sort right after it and share its prefix)."""
        code = self._code(i)
        if len(code) >= self._codes.width:
            return range(i + 1, i + 1)
        end = bisect_left(self._codes, self._codes.pad(code + "~")[: self._codes.width], lo=i + 1)
        return range(i + 1, end)

    def normalize(self, code: str) -> str | None:
        """The dotted form of ``code`` (any case, dot optional) if it is an ICD-10-CM code, else None."""
        dotted = format_code(code)
        return dotted if dotted is not None and self._index(dotted) is not None else None

    def lookup(self, code: str) -> IcdCode | None:
        """The code with its description, billable flag, parent and children; None if not a valid code."""
        dotted = format_code(code)
        i = self._index(dotted) if dotted else None
        if i is None:
            return None
        parent = self._parents[i]
        children = tuple(self._code(j) for j in self._descendants(i) if self._parents[j] == i)
        return IcdCode(
            code=self._code(i),
            description=self._description(i),
            billable=bool(self._billable[i]),
            parent=self._code(parent) if parent >= 0 else None,
            children=children,
        )

    def description(self, code: str) -> str | None:
        """The description of a valid code, else None."""
        dotted = format_code(code)
        i = self._index(dotted) if dotted else None
        return self._description(i) if i is not None else None

    def billable_descendants(self, code: str) -> list[str]:
        """The billable codes under a header (empty for a billable or invalid code)."""
        dotted = format_code(code)
        i = self._index(dotted) if dotted else None
        if i is None:
            return []
        return [self._code(j) for j in self._descendants(i) if self._billable[j]]

    def nearest_valid(self, code: str) -> str | None:
        """For an invalid code, the longest valid code it starts with (``M50.129`` → ``M50.12``)."""
        dotted = format_code(code)
        while dotted and len(dotted) >= 3:
            if self._index(dotted) is not None:
                return dotted
            dotted = dotted[:-1].rstrip(".")
        return None

    # -- search ---------------------------------------------------------------------------------

    def warm(self) -> None:
        """Load the search index now (thread-safe; a TUI calls this from a worker)."""
        if self._search is None:
            with self._lock:
                if self._search is None:
                    data = marshal.loads(zlib.decompress(self._search_blob))
                    self._search = SearchIndex(data, self._billable)

    def search(self, text: str, top: int = 10) -> list[IcdHit]:
        """Codes whose descriptions best match ``text`` (at most ``top``): billable codes first, then
        headers, each by score.

        Text shaped like a code or code prefix (``M54.1``) lists that code and the codes under it.
        """
        if top <= 0:
            return []
        dotted = format_code(text)
        i = self._index(dotted) if dotted else None
        if i is not None:
            return [self._hit(j, 100.0) for j in [i, *self._descendants(i)][:top]]
        self.warm()
        assert self._search is not None
        hits = [self._hit(i, score) for i, score in self._search.query(text, top)]
        return sorted(hits, key=lambda h: not h.billable)  # stable: keeps score order within each group

    def _hit(self, i: int, score: float) -> IcdHit:
        return IcdHit(self._code(i), self._description(i), bool(self._billable[i]), score)


# -- building and caching -------------------------------------------------------------------------


def compile_index(built: Built) -> tuple[dict[str, Any], dict[str, Any]]:
    """Turn source records into the ``core`` and ``search`` sections of the cache."""
    records = sorted(built.records, key=lambda r: r.code)
    width = max((len(r.code) for r in records), default=1)
    index = {r.code: i for i, r in enumerate(records)}
    starts = array("I", [0])
    for r in records:
        starts.append(starts[-1] + len(r.description))
    texts = [r.description for r in records]
    alias_codes: list[int] = []
    for i, r in enumerate(records):
        for alias in r.aliases:
            texts.append(alias)
            alias_codes.append(i)
    core = {
        "width": width,
        "codes": "".join(r.code.ljust(width) for r in records),
        "text": "".join(r.description for r in records),
        "starts": starts.tobytes(),
        "billable": bytes(bool(r.billable) for r in records),
        "parents": array("i", (index.get(r.parent, -1) if r.parent else -1 for r in records)).tobytes(),
    }
    return core, compile_search(texts, alias_codes, len(records))


def _encode(key: str, built: Built) -> bytes:
    core, search = compile_index(built)
    sections = [zlib.compress(marshal.dumps(core), 6), zlib.compress(marshal.dumps(search), 6)]
    header = {
        "format": FORMAT,
        "key": key,
        "release": built.release,
        "fiscal_year": built.fiscal_year,
        "version": built.version,
        "sizes": [len(s) for s in sections],
        "crcs": [zlib.crc32(s) for s in sections],
    }
    return MAGIC + json.dumps(header).encode() + b"\n" + b"".join(sections)


def _decode(payload: bytes, key: str) -> CodeSet | None:
    """The code set stored in ``payload``, or None if it is stale, damaged or not ours."""
    if not payload.startswith(MAGIC):
        return None
    try:
        end = payload.index(b"\n", len(MAGIC))
        header = json.loads(payload[len(MAGIC) : end])
        if header.get("format") != FORMAT or header.get("key") != key:
            return None
        core_size, search_size = header["sizes"]
        core_blob = payload[end + 1 : end + 1 + core_size]
        search_blob = payload[end + 1 + core_size :]
        if len(search_blob) != search_size or [zlib.crc32(core_blob), zlib.crc32(search_blob)] != header["crcs"]:
            return None
        return CodeSet(header, marshal.loads(zlib.decompress(core_blob)), search_blob)
    except (ValueError, KeyError, TypeError, AttributeError, EOFError, zlib.error):
        return None


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and os.replace; a failure leaves no file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cache_key(source: Source) -> str:
    """The key a cache file must carry to be reused: index format, source identity, marshal version."""
    return f"format {FORMAT}; {source.key()}; marshal {marshal.version}"


def load_codeset(
    cache_dir: Path | None = None,
    *,
    source: Source | None = None,
    on_build: Callable[[], None] | None = None,
) -> CodeSet:
    """Load the code set from the cache, building (and caching) it first when missing, stale or damaged.

    ``on_build`` is called before a (slow) build, e.g. to tell the user. Raises CodeSetError when the
    code set cannot be read at all. A cache folder that cannot be written only costs the reuse.
    """
    if cache_dir is None:
        from esi_helper.paths import user_cache_dir

        cache_dir = user_cache_dir()
    src: Source = source if source is not None else PackageSource()
    key = cache_key(src)
    path = Path(cache_dir) / CACHE_NAME
    try:
        payload = path.read_bytes()
    except OSError:
        payload = b""
    codeset = _decode(payload, key) if payload else None
    if codeset is not None:
        return codeset
    if on_build is not None:
        on_build()
    payload = _encode(key, src.build())
    try:
        _write_atomic(path, payload)
    except OSError:
        pass  # read-only or full disk: work from memory this time
    codeset = _decode(payload, key)
    if codeset is None:
        raise CodeSetError("the ICD-10-CM index could not be built")
    return codeset


_lock = threading.Lock()
_instance: CodeSet | None = None


def get_codeset(*, on_build: Callable[[], None] | None = None) -> CodeSet:
    """The shared code set, loaded on first call (thread-safe; later calls return at once)."""
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                _instance = load_codeset(on_build=on_build)
    return _instance


def loaded_codeset() -> CodeSet | None:
    """The shared code set if it has been loaded already, without loading it."""
    return _instance


__all__ = [
    "CodeSet",
    "CodeSetError",
    "IcdCode",
    "IcdHit",
    "format_code",
    "get_codeset",
    "load_codeset",
    "looks_like_code",
]
