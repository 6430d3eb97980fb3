"""Fuzzy retrieval over each entry's question phrasings, title and keywords (with its text as weak evidence)."""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from esi_helper.kb.records import CodeEntry, Entry, ModifierEntry, MythEntry

#: How much a word found only in an entry's text counts, against one found in its phrasings or keywords.
TEXT_CREDIT = 0.35
#: Candidates kept from the inverted index before the finer phrasing comparison.
SHORTLIST = 40
#: Score = weighted entry recall + best phrasing F1 + title F1 + rapidfuzz similarity to the best phrasing.
W_RECALL = 0.30
W_PHRASE = 0.40
W_TITLE = 0.15
W_FUZZ = 0.15
#: How much a "qualifier" word of the question (a spine region) counts against an entry that names no qualifier at
#: all: a general answer (how to code an SNRB) holds for every region, so "L5" neither supports nor contradicts it.
QUALIFIER_SHARE = 0.5


@dataclass(frozen=True)
class Hit:
    """One retrieved entry and its score in [0, 1]."""

    entry_id: str
    score: float
    matched: float


@dataclass
class _Doc:
    entry: Entry
    qbag: tuple[str, ...]
    tbag: tuple[str, ...]
    #: (distinct words, the normalised phrasing as text); words are a small tuple, cheap to load and to test
    phrasings: list[tuple[tuple[str, ...], str]]


class Index:
    """Inverted index with IDF and lexicon weights; scoring is weighted token overlap plus rapidfuzz."""

    def __init__(
        self,
        docs: list[_Doc],
        weight_of: Callable[[str], float],
        postings: tuple[dict[str, list[int]], dict[str, list[int]], dict[str, float]] | None = None,
    ):
        self.docs = docs
        self._by_id = {doc.entry.id: i for i, doc in enumerate(docs)}
        n = max(len(docs), 1)
        self._default_idf = math.log(1.0 + (n + 0.5) / 0.5)
        self._weight_of = weight_of
        self._weights: dict[str, float] = {}
        self.qualifiers: frozenset[str] = frozenset()
        self._general: dict[int, bool] = {}
        if postings is not None:
            self.qpost, self.tpost, self.idf = postings
            return
        self.qpost = {}
        self.tpost = {}
        df: dict[str, int] = {}
        for index, doc in enumerate(docs):
            for token in doc.qbag:
                self.qpost.setdefault(token, []).append(index)
                df[token] = df.get(token, 0) + 1
            for token in doc.tbag:
                self.tpost.setdefault(token, []).append(index)
                df[token] = df.get(token, 0) + 1
        self.idf = {t: math.log(1.0 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

    @classmethod
    def build(
        cls, entries: Iterable[Entry], normalise: Callable[[str], list[str]], weight_of: Callable[[str], float]
    ) -> Index:
        """Normalise every entry's phrasings, keywords and text, and index them."""
        docs: list[_Doc] = []
        for entry in entries:
            phrasings: list[tuple[tuple[str, ...], str]] = []
            qbag: set[str] = set()
            for phrase in (entry.title, *entry.questions):
                tokens = normalise(phrase)
                if tokens:
                    phrasings.append((tuple(dict.fromkeys(tokens)), " ".join(tokens)))
                    qbag.update(tokens)
            for keyword in entry.keywords:
                qbag.update(normalise(keyword))
            tbag = set(normalise(_body(entry))) - qbag
            docs.append(_Doc(entry, tuple(sorted(qbag)), tuple(sorted(tbag)), phrasings))
        return cls(docs, weight_of)

    def to_data(self) -> dict[str, Any]:
        """The normalised entries and postings as plain data (for the on-disk cache)."""
        docs = [(d.entry.id, d.qbag, d.tbag, d.phrasings) for d in self.docs]
        return {"docs": docs, "qpost": self.qpost, "tpost": self.tpost, "idf": self.idf}

    @classmethod
    def from_data(cls, data: dict[str, Any], entries: dict[str, Entry], weight_of: Callable[[str], float]) -> Index:
        """Rebuild from ``to_data`` output; raises KeyError/ValueError when it does not fit ``entries``."""
        docs = [_Doc(entries[ident], qbag, tbag, phrasings) for ident, qbag, tbag, phrasings in data["docs"]]
        if len(docs) != len(entries):
            raise ValueError("cached index does not match the entries")
        return cls(docs, weight_of, (data["qpost"], data["tpost"], data["idf"]))

    @property
    def vocabulary(self) -> set[str]:
        """Every normalised word in the index."""
        return set(self.idf)

    def docs_tokens(self, entry_id: str) -> frozenset[str]:
        """Every normalised word of one entry (phrasings, keywords and text)."""
        i = self._by_id.get(entry_id)
        if i is None:
            return frozenset()
        return frozenset(self.docs[i].qbag + self.docs[i].tbag)

    def set_qualifiers(self, words: frozenset[str]) -> None:
        """Words that qualify a question (spine regions) and count less against entries that name none of them."""
        self.qualifiers = words
        self._general = {}

    def _is_general(self, i: int) -> bool:
        general = self._general.get(i)
        if general is None:
            general = self._general[i] = not self.qualifiers & set(self.docs[i].qbag)
        return general

    def phrase_tokens(self, entry_id: str) -> frozenset[str]:
        """The normalised words of one entry's title, question phrasings and keywords (not its text)."""
        i = self._by_id.get(entry_id)
        return frozenset(self.docs[i].qbag) if i is not None else frozenset()

    def weight(self, token: str) -> float:
        """IDF times the lexicon weight of ``token``."""
        w = self._weights.get(token)
        if w is None:
            w = self.idf.get(token, self._default_idf) * self._weight_of(token)
            self._weights[token] = w
        return w

    def search(
        self,
        tokens: list[str],
        top: int = 10,
        *,
        context: list[str] | None = None,
        kinds: frozenset[str] | None = None,
    ) -> list[Hit]:
        """Best entries for the normalised query ``tokens`` (``context`` words count half), best first."""
        query = {t: self.weight(t) for t in dict.fromkeys(tokens)}
        for t in context or ():
            if t not in query:
                query[t] = 0.5 * self.weight(t)
        full = sum(query.values())
        if not full:
            return []
        acc: dict[int, float] = {}
        for token, w in query.items():
            for i in self.qpost.get(token, ()):
                acc[i] = acc.get(i, 0.0) + w
            tw = w * TEXT_CREDIT
            for i in self.tpost.get(token, ()):
                acc[i] = acc.get(i, 0.0) + tw
        if kinds is not None:
            acc = {i: v for i, v in acc.items() if self.docs[i].entry.kind in kinds}
        shortlist = heapq.nlargest(SHORTLIST, acc.items(), key=lambda kv: kv[1])
        query_text = " ".join(sorted(query))
        qualifying = (1.0 - QUALIFIER_SHARE) * sum(w for t, w in query.items() if t in self.qualifiers)
        hits: list[Hit] = []
        for i, matched in shortlist:
            doc = self.docs[i]
            # a general entry (no region in its phrasings) is not held to the question's region words in full
            total = full - qualifying if qualifying and self._is_general(i) else full
            recall = min(1.0, matched / total)
            best_f = title_f = 0.0
            best_text = ""
            for n, (bag, text) in enumerate(doc.phrasings):
                overlap = sum(w for t, w in query.items() if t in bag)
                if not overlap:
                    continue
                size = sum(self.weight(t) for t in bag)
                precision = overlap / size
                r = overlap / total
                f = 2 * precision * r / (precision + r)
                if n == 0:
                    title_f = f
                if f > best_f:
                    best_f, best_text = f, text
            fz = fuzz.token_sort_ratio(query_text, best_text) / 100.0 if best_text else 0.0
            score = W_RECALL * recall + W_PHRASE * best_f + W_TITLE * title_f + W_FUZZ * fz
            hits.append(Hit(doc.entry.id, min(score, 1.0), recall))
        hits.sort(key=lambda h: (-h.score, h.entry_id))
        return hits[:top]


def _body(entry: Entry) -> str:
    parts = [entry.text]
    if isinstance(entry, CodeEntry):
        parts.extend(entry.notes.values())
    elif isinstance(entry, ModifierEntry):
        parts.extend(a.note for a in entry.applies)
    elif isinstance(entry, MythEntry):
        parts.append(entry.claim)
    return "\n".join(parts)
