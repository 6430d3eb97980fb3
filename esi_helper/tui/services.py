"""What the screens work with: the knowledge base, the answer engine and the decision tree (no Textual)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from esi_helper.kb import KnowledgeBase


@dataclass
class Knowledge:
    """The loaded knowledge base and the engines built on it."""

    kb: KnowledgeBase
    engine: Any
    load_seconds: float = 0.0
    _tree: Any = field(default=None, repr=False)

    @property
    def version(self) -> str:
        """The knowledge-base version shown under answers."""
        return self.kb.version

    def tree(self) -> Any:
        """The guided-coding decision tree, loaded on first use."""
        if self._tree is None:
            from esi_helper.tree import load_tree

            self._tree = load_tree(self.kb)
        return self._tree

    def walker(self) -> Any:
        """A fresh walker over the decision tree."""
        from esi_helper.tree import Walker

        return Walker(self.tree())

    def conversation(self) -> Any:
        """A new, empty conversation for the answer engine."""
        from esi_helper.answer import Conversation

        return Conversation()


def load_knowledge(folder: Path | str | None = None, kb: KnowledgeBase | None = None) -> Knowledge:
    """Load the knowledge base (unless given) and build the answer engine; raises KnowledgeError."""
    from esi_helper.kb import load_kb
    from esi_helper.paths import knowledge_dir

    start = time.perf_counter()
    kb = kb or load_kb(knowledge_dir(folder))
    from esi_helper.answer import Engine

    engine = Engine(kb)
    warm_engine(engine, kb)
    return Knowledge(kb, engine, time.perf_counter() - start)


def warm_engine(engine: Any, kb: KnowledgeBase) -> None:
    """Fill the engine's lazy caches (fee schedule, completions) so the first real answer is quick."""
    from esi_helper.answer import Conversation

    first_code = next(iter(kb.codes), None)
    try:
        if first_code:
            engine.ask(f"fee {first_code}", Conversation(), top=1)
        engine.complete("a")
    except Exception:  # noqa: BLE001 - warming is an optimisation; a real question reports any error
        pass


def warm_icd(on_build: Any = None) -> int:
    """Build (or read the cache of) the ICD-10-CM code set; return how many codes it holds.

    ``on_build`` is called first when the cache has to be built (the slow first run).
    """
    from esi_helper.icd import get_codeset

    codes = get_codeset(on_build=on_build)
    try:
        return len(codes)
    except TypeError:
        return 0
