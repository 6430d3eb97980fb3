"""Typed records for the knowledge base: sources, answerable entries and pairing rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Source:
    """A source that entries cite."""

    id: str
    title: str
    publisher: str
    url: str
    date: str
    kind: str
    confidence: str
    note: str = ""


@dataclass(frozen=True)
class Entry:
    """Anything the answer engine can show: a code card, a modifier, a rule, a myth, an FAQ answer."""

    id: str
    kind: str
    title: str
    text: str
    citations: tuple[str, ...]
    questions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    file: str = ""
    line: int | None = None


@dataclass(frozen=True)
class CodeEntry(Entry):
    """A CPT or HCPCS code card."""

    code: str = ""
    family: str = ""
    region: tuple[str, ...] = ()
    approach: str = ""
    imaging: str = ""
    addon: bool = False
    parent: tuple[str, ...] = ()
    status: str = "active"
    pfs: dict[str, str] = field(default_factory=dict)
    bundled: tuple[str, ...] = ()
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Applicability:
    """How a modifier applies to one code family."""

    family: str
    verdict: str
    note: str = ""


@dataclass(frozen=True)
class ModifierEntry(Entry):
    """A modifier card with its per-family applicability."""

    modifier: str = ""
    applies: tuple[Applicability, ...] = ()

    def for_family(self, family: str) -> Applicability | None:
        """Return how this modifier applies to ``family``, if the knowledge base says."""
        return next((a for a in self.applies if a.family == family), None)


@dataclass(frozen=True)
class DiagnosisEntry(Entry):
    """A note about one ICD-10-CM code (often a header or a retired code)."""

    code: str = ""
    billable: bool | None = None
    replaced_by: tuple[str, ...] = ()
    changed: str = ""


@dataclass(frozen=True)
class TopicEntry(Entry):
    """A rule or an FAQ answer about one topic."""

    topic: str = "general"
    payer: str = "all"


@dataclass(frozen=True)
class MythEntry(Entry):
    """A commonly repeated claim and what the authoritative sources say."""

    claim: str = ""
    verdict: str = ""


@dataclass(frozen=True)
class PairingRule:
    """Whether ICD-10-CM codes matching ``codes`` support an ESI in ``region``."""

    id: str
    codes: tuple[str, ...]
    region: tuple[str, ...]
    supports: bool
    reason: str
    citations: tuple[str, ...]
    families: tuple[str, ...] = ()
    file: str = ""
    line: int | None = None

    def match_length(self, code: str) -> int:
        """Length of the longest pattern matching the dotted ``code`` (0 when none does)."""
        best = 0
        for pattern in self.codes:
            if pattern.endswith("*"):
                stem = pattern[:-1]
                if code.startswith(stem):
                    best = max(best, len(stem))
            elif code == pattern:
                best = max(best, len(pattern) + 1)
        return best


@dataclass
class KnowledgeBase:
    """The loaded, validated knowledge base."""

    root: Any
    version: str
    title: str
    as_of: dict[str, str]
    sources: dict[str, Source]
    entries: dict[str, Entry]
    pairings: list[PairingRule]
    codes: dict[str, CodeEntry] = field(default_factory=dict)
    modifiers: dict[str, ModifierEntry] = field(default_factory=dict)
    diagnoses: dict[str, DiagnosisEntry] = field(default_factory=dict)
    _docs: dict[str, Any] = field(default_factory=dict, repr=False)

    def cite(self, ids: tuple[str, ...] | list[str]) -> list[Source]:
        """Sources for the given ids, in order, skipping unknown ids."""
        return [self.sources[i] for i in ids if i in self.sources]

    def document(self, relpath: str) -> Any:
        """A feature file (``tree.toml``, ``lexicon.toml``, ``fees/…``) as a LocatedDoc, read once on demand.

        Returns None when the file does not exist. Raises KnowledgeError on a syntax error.
        """
        from esi_helper.kb.located import LocatedDoc

        if relpath not in self._docs:
            path = self.root / relpath
            self._docs[relpath] = LocatedDoc.read(path, self.root) if path.is_file() else None
        return self._docs[relpath]

    def by_kind(self, kind: str) -> list[Entry]:
        """All entries of one kind, in file order."""
        return [e for e in self.entries.values() if e.kind == kind]
