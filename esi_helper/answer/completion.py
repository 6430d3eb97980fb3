"""Completions for what the user is typing: codes, modifiers, keywords and known question phrasings."""

from __future__ import annotations

import bisect

from esi_helper.answer.lexicon import Lexicon, raw_tokens
from esi_helper.kb.records import KnowledgeBase


class Completer:
    """The engine's completions, built on first use."""

    kb: KnowledgeBase
    lexicon: Lexicon
    _completions: list[tuple[str, str]] | None
    _questions: list[str]

    def complete(self, prefix: str, limit: int = 10) -> list[str]:
        """Completions for what the user is typing: codes, modifiers and known question phrasings."""
        if not isinstance(prefix, str) or not prefix.strip():
            return []
        if self._completions is None:
            self._completions = self._build_completions()
        head, _, last = prefix.rpartition(" ")
        out: list[str] = []
        key = last.lower()
        if key:
            i = bisect.bisect_left(self._completions, (key, ""))
            while i < len(self._completions) and self._completions[i][0].startswith(key) and len(out) < limit:
                word = self._completions[i][1]
                candidate = f"{head} {word}".strip() if head else word
                if candidate.lower() != prefix.lower() and candidate not in out:
                    out.append(candidate)
                i += 1
        whole = prefix.lower()
        if len(whole) >= 3 and len(out) < limit:
            for question in self._questions:
                if question.lower().startswith(whole) and question not in out:
                    out.append(question)
                    if len(out) >= limit:
                        break
        return out

    def _build_completions(self) -> list[tuple[str, str]]:
        words: dict[str, str] = {}
        for code in self.kb.codes:
            words[code.lower()] = code
        for modifier in self.kb.modifiers:
            words.setdefault(f"mod{modifier.lower()}", f"modifier {modifier}")
        for key in self.lexicon.rewrites:
            if len(key) == 1 and key[0].isalpha() and len(key[0]) > 2:
                words.setdefault(key[0], key[0])
        for entry in self.kb.entries.values():
            for word in raw_tokens(" ".join(entry.keywords)):
                if len(word) > 3:
                    words.setdefault(word, word)
        self._questions = sorted({q for e in self.kb.entries.values() for q in e.questions}, key=str.lower)
        return sorted(words.items())
