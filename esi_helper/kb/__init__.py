"""The knowledge base: typed records loaded and validated from the TOML files in ``knowledge/``."""

from esi_helper.kb.loader import check_kb, load_kb
from esi_helper.kb.located import KnowledgeError, LocatedDoc, Problem
from esi_helper.kb.records import (
    Applicability,
    CodeEntry,
    DiagnosisEntry,
    Entry,
    KnowledgeBase,
    ModifierEntry,
    MythEntry,
    PairingRule,
    Source,
    TopicEntry,
)

__all__ = [
    "Applicability",
    "CodeEntry",
    "DiagnosisEntry",
    "Entry",
    "KnowledgeBase",
    "KnowledgeError",
    "LocatedDoc",
    "ModifierEntry",
    "MythEntry",
    "PairingRule",
    "Problem",
    "Source",
    "TopicEntry",
    "check_kb",
    "load_kb",
]
