"""Compact text ranges: runs of consecutive ZIP codes (``first-last``) and ranges of codes."""

from __future__ import annotations

import re

_CODE_RANGE = re.compile(r"^([0-9]{0,4})([0-9])([A-Z]?)-([0-9]{0,4})([0-9])([A-Z]?)$")
_CODE = re.compile(r"^[0-9A-Z]{5}$")


def compress_zips(zips: list[int]) -> list[str]:
    """Sorted ZIPs as runs of consecutive numbers: ``first-last`` for a run, the ZIP alone for a single one."""
    out: list[str] = []
    values = sorted(zips)
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        out.append(f"{values[i]:05d}" if i == j else f"{values[i]:05d}-{values[j]:05d}")
        i = j + 1
    return out


def parse_zip_runs(text: str) -> list[tuple[int, int]]:
    """Space-separated ZIPs and ``first-last`` runs → ``[(first, last), ...]``; ValueError on a bad item."""
    out: list[tuple[int, int]] = []
    for item in text.split():
        first, _, last = item.partition("-")
        if not (len(first) == 5 and first.isdigit() and (not last or (len(last) == 5 and last.isdigit()))):
            raise ValueError(f"'{item}' is not a 5-digit ZIP or a first-last range of ZIPs")
        a, b = int(first), int(last or first)
        if b < a:
            raise ValueError(f"'{item}' ends before it starts")
        out.append((a, b))
    return out


def expand_code_ranges(items: list[str]) -> list[str]:
    """Expand ``first-last`` code ranges (same length; a letter suffix is kept) into every code, in order."""
    out: list[str] = []
    for raw in items:
        item = raw.strip().upper()
        if "-" in item:
            m = _CODE_RANGE.match(item)
            if not m or m.group(3) != m.group(6) or len(item.split("-")[0]) != len(item.split("-")[1]):
                raise ValueError(f"'{raw}' is not a range of two 5-character codes (first-last)")
            first, last = item.split("-")
            suffix = m.group(3)
            digits = len(first) - len(suffix)
            a, b = int(first[:digits]), int(last[:digits])
            if b < a:
                raise ValueError(f"'{raw}' ends before it starts")
            codes = [f"{n:0{digits}d}{suffix}" for n in range(a, b + 1)]
        else:
            if not _CODE.match(item):
                raise ValueError(f"'{raw}' is not a 5-character code")
            codes = [item]
        out += [c for c in codes if c not in out]
    return out


def compact_codes(codes: list[str]) -> str:
    """Codes as a short comma-separated list with runs of consecutive codes joined as ``first-last``."""
    parts: list[str] = []
    values = sorted(set(codes))
    i = 0
    while i < len(values):
        j = i
        while (
            j + 1 < len(values)
            and values[j].isdigit()
            and values[j + 1].isdigit()
            and int(values[j + 1]) == int(values[j]) + 1
        ):
            j += 1
        parts.append(values[i] if i == j else f"{values[i]}-{values[j]}")
        i = j + 1
    return ", ".join(parts)
