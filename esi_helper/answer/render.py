"""Plain-text rendering of a Result: the key fact first, numbered citations, the knowledge-base version."""

from __future__ import annotations

import re

from esi_helper.answer.result import Result
from esi_helper.kb.records import KnowledgeBase

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_BACKSLASH_NEWLINE = re.compile(r"\\\n")


def plain(markdown: str) -> str:
    """Markdown as terminal text: bold markers dropped, line-continuation backslashes joined."""
    return _BOLD.sub(r"\1", _BACKSLASH_NEWLINE.sub("", markdown)).strip()


def render_text(result: Result, kb: KnowledgeBase, *, more: int = 0) -> str:
    """The answer as a few lines of text; ``more`` lists that many other answers by title."""
    lines: list[str] = []
    best = result.best
    if best is None or not result.confident:
        lines.append("I don't know that one." if best is None else "I'm not sure. The closest I have:")
        if best is not None:
            lines.append("")
            lines.append(plain(best.title))
            lines.append(plain(best.text))
            lines.extend(_citations(kb, best.citations))
        if result.suggestions:
            lines.append("")
            lines.append("Try:")
            lines.extend(f"  - {s}" for s in result.suggestions)
    else:
        lines.append(plain(best.title))
        lines.append(plain(best.text))
        lines.extend(_citations(kb, best.citations))
        others = result.answers[1 : 1 + more]
        if others:
            lines.append("")
            lines.append("See also:")
            lines.extend(f"  - {plain(a.title)}" for a in others)
    lines.append("")
    lines.append(f"Knowledge base {kb.version}")
    return "\n".join(lines)


def _citations(kb: KnowledgeBase, ids: tuple[str, ...]) -> list[str]:
    sources = kb.cite(ids)
    if not sources:
        return []
    out = ["", "Sources:"]
    out.extend(f"[{n}] {s.title} — {s.publisher} ({s.date})" for n, s in enumerate(sources, 1))
    return out
