"""TOML documents that remember where each table and key sits, so problems can name file and line."""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")
_TOML_LINE = re.compile(r"at line (\d+)")


@dataclass(frozen=True)
class Problem:
    """One validation problem, reported as ``file:line: message``."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge base could not be loaded; ``problems`` says why, one line each."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class _Header:
    line: int
    path: str
    array: bool


@dataclass
class LocatedDoc:
    """A parsed TOML file plus a line index of its table headers and keys."""

    path: Path
    relpath: str
    data: dict[str, Any]
    lines: list[str] = field(repr=False)
    headers: list[_Header] = field(repr=False)
    _by_path: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _next: dict[int, int] = field(default_factory=dict, repr=False)
    _header_lines: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._header_lines = [h.line for h in self.headers]
        for h in self.headers:
            self._by_path.setdefault(h.path, []).append(h.line)

    @classmethod
    def read(cls, path: Path, root: Path) -> LocatedDoc:
        """Parse ``path``; raise KnowledgeError with the line TOML reports on a syntax error."""
        try:
            rel = path.relative_to(root).as_posix()
        except ValueError:
            rel = path.name
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise KnowledgeError([Problem(rel, None, f"cannot read file: {exc}")]) from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            msg = str(exc)
            m = _TOML_LINE.search(msg)
            line = int(m.group(1)) if m else None
            short = msg.split(" (at ")[0]
            raise KnowledgeError([Problem(rel, line, f"TOML syntax error: {short}")]) from None
        lines = text.splitlines()
        return cls(path, rel, data, lines, _index_headers(lines))

    def problem(self, message: str, line: int | None = None) -> Problem:
        """Build a Problem located in this file."""
        return Problem(self.relpath, line, message)

    def table_line(self, table: str, index: int | None = None) -> int | None:
        """Line of table header ``[table]``, or of the ``index``-th ``[[table]]``."""
        found = self._by_path.get(table)
        if not found:
            return None
        position = 0 if index is None else index
        return found[position] if position < len(found) else None

    def key_line(self, table: str | None, key: str, index: int | None = None) -> int | None:
        """Line where ``key`` is set inside the table (item ``index`` of an array), else the table's line."""
        if table is None:
            start, end = 0, self.headers[0].line - 1 if self.headers else len(self.lines)
        else:
            start_line = self.table_line(table, index)
            if start_line is None:
                return None
            start = start_line
            end = self._table_end(table, start_line)
        in_string = False
        for i in range(start, end):
            raw = self.lines[i]
            if not in_string:
                m = _KEY.match(raw)
                if m and m.group(1).strip("\"'") == key:
                    return i + 1
            if raw.count('"""') % 2 == 1 or raw.count("'''") % 2 == 1:
                in_string = not in_string
        return self.table_line(table, index) if table else None


    def _table_end(self, table: str, start_line: int) -> int:
        """Last line of the table that starts at ``start_line`` (sub-tables included)."""
        key = start_line
        if key not in self._next:
            end = len(self.lines)
            first = bisect.bisect_right(self._header_lines, start_line)
            for h in self.headers[first:]:
                if h.line > start_line and not h.path.startswith(table + "."):
                    end = h.line - 1
                    break
            self._next[key] = end
        return self._next[key]


def _index_headers(lines: list[str]) -> list[_Header]:
    headers: list[_Header] = []
    in_string = False
    for i, raw in enumerate(lines):
        if not in_string:
            m = _HEADER.match(raw)
            if m:
                path = ".".join(part.strip().strip("\"'") for part in m.group(2).split("."))
                headers.append(_Header(i + 1, path, m.group(1) == "[["))
        if raw.count('"""') % 2 == 1 or raw.count("'''") % 2 == 1:
            in_string = not in_string
    return headers
