"""Export every answerable entry as plain data (``esi-helper kb export --json``)."""

from __future__ import annotations

from typing import Any

from esi_helper.kb.records import KnowledgeBase


def citation_list(kb: KnowledgeBase, ids: tuple[str, ...] | list[str]) -> list[dict[str, str]]:
    """Citations as ``[{"id", "title"}]`` in cited order."""
    return [{"id": s.id, "title": s.title} for s in kb.cite(ids)]


def export_entries(kb: KnowledgeBase) -> dict[str, Any]:
    """The whole answerable knowledge base as a JSON-ready dict."""
    return {
        "version": kb.version,
        "as_of": kb.as_of,
        "entries": [
            {
                "id": e.id,
                "kind": e.kind,
                "title": e.title,
                "text": e.text,
                "questions": list(e.questions),
                "citations": citation_list(kb, e.citations),
            }
            for e in kb.entries.values()
        ],
    }
