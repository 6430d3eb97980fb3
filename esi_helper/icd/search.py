"""Word search over ICD-10-CM descriptions: an inverted index built with the cache, scored at query time.

Each description (and each ICD-10-CM inclusion term, as an alias of its code) is a bag of words. A query
word matches index words exactly, or (when no exact match exists) by rapidfuzz similarity for typos and,
for the last word, by prefix for text still being typed. A code scores by the IDF-weighted share of the
query it covers (recall) and of its own description the query covers (precision), so "cervical
radiculopathy" prefers "Radiculopathy, cervical region" over longer descriptions with the same words.
Headers score lower than billable codes (and CodeSet.search lists them after the billable ones).
"""

from __future__ import annotations

import heapq
import math
import re
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

WORD = re.compile(r"[a-z0-9]+")
#: Words found in more than this share of entries ("of", "encounter") carry no signal and are ignored.
STOP_SHARE = 0.35
#: Weights of recall and precision in a score.
RECALL, PRECISION = 0.7, 0.3
#: Score factor for a match through an inclusion term rather than the code's own description.
ALIAS_FACTOR = 0.95
#: Score factor for a header (non-billable) code, so headers do not crowd billable codes out of the results.
HEADER_FACTOR = 0.8
#: Similarities given to non-exact word matches.
FUZZY_SIM, PREFIX_SIM = 0.9, 0.85
FUZZY_CUTOFF = 80
#: Entries covering less than this share of the best entry's weight are not scored (unless too few are left).
PRUNE = 0.5


def words(text: str) -> list[str]:
    """The distinct lower-case words of ``text``, in order, plurals folded ("disorders" → "disorder")."""
    return list(dict.fromkeys(_fold(w) for w in WORD.findall(text.lower())))


def _fold(word: str) -> str:
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def compile_search(texts: Sequence[str], alias_codes: Sequence[int], n_codes: int) -> dict[str, Any]:
    """Build the index: ``texts`` holds the ``n_codes`` descriptions, then the aliases of ``alias_codes``."""
    postings: dict[str, list[int]] = {}
    entry_words: list[list[str]] = []
    for entry, text in enumerate(texts):
        ws = words(text)
        entry_words.append(ws)
        for w in ws:
            postings.setdefault(w, []).append(entry)
    vocab = sorted(postings)
    offsets = array("I", [0])
    flat = array("I")
    for w in vocab:
        flat.extend(postings[w])
        offsets.append(len(flat))
    n_entries = len(texts)
    idf = {w: math.log(n_entries / len(p)) for w, p in postings.items()}
    stop = STOP_SHARE * n_entries
    weights = array("f", (sum(idf[w] for w in ws if len(postings[w]) <= stop) for ws in entry_words))
    return {
        "vocab": "\n".join(vocab),
        "offsets": offsets.tobytes(),
        "postings": flat.tobytes(),
        "weights": weights.tobytes(),
        "alias_codes": array("I", alias_codes).tobytes(),
        "n_codes": n_codes,
    }


class SearchIndex:
    """Query side of the index produced by :func:`compile_search`."""

    def __init__(self, data: dict[str, Any], billable: bytes):
        self._vocab = data["vocab"].split("\n") if data["vocab"] else []
        self._ids = {w: i for i, w in enumerate(self._vocab)}
        self._offsets = read_array("I", data["offsets"])
        self._postings = memoryview(data["postings"]).cast("I")
        self._weights = read_array("f", data["weights"])
        self._alias_codes = read_array("I", data["alias_codes"])
        self._n_codes: int = data["n_codes"]
        self._billable = billable
        n_entries = len(self._weights)
        if len(self._offsets) != len(self._vocab) + 1 or n_entries != self._n_codes + len(self._alias_codes):
            raise ValueError("inconsistent search index")
        self._n_entries = max(n_entries, 1)
        self._stop = STOP_SHARE * self._n_entries

    def _df(self, wid: int) -> int:
        return self._offsets[wid + 1] - self._offsets[wid]

    def _idf(self, wid: int) -> float:
        return math.log(self._n_entries / max(self._df(wid), 1))

    def _matches(self, word: str, last: bool) -> dict[int, float]:
        """Index words matching a query word, with their similarity (1.0 for an exact match)."""
        wid = self._ids.get(word)
        if wid is not None:
            return {wid: 1.0}
        found: dict[int, float] = {}
        if len(word) >= 4:
            from rapidfuzz import fuzz, process

            for _, score, i in process.extract(
                word, self._vocab, scorer=fuzz.ratio, processor=None, score_cutoff=FUZZY_CUTOFF, limit=5
            ):
                found[i] = FUZZY_SIM * score / 100
        if last and len(word) >= 3:
            i = bisect_left(self._vocab, word)
            while i < len(self._vocab) and self._vocab[i].startswith(word) and len(found) < 40:
                found.setdefault(i, PREFIX_SIM)
                i += 1
        return {i: s for i, s in found.items() if self._df(i) <= self._stop}

    def _join_split_words(self, query_words: list[str]) -> list[str]:
        """Join neighbours written apart that the index knows as one word ("post procedural")."""
        out: list[str] = []
        i = 0
        while i < len(query_words):
            pair = "".join(query_words[i : i + 2])
            if i + 1 < len(query_words) and pair in self._ids:
                out.append(pair)
                i += 2
            else:
                out.append(query_words[i])
                i += 1
        return out

    def query(self, text: str, limit: int) -> list[tuple[int, float]]:
        """Best ``limit`` codes for ``text`` as (code index, score 0-100), best first."""
        query_words = self._join_split_words(words(text))
        total = 0.0
        acc: dict[int, float] = {}
        for pos, word in enumerate(query_words):
            exact = self._ids.get(word)
            if exact is not None and self._df(exact) > self._stop:
                continue  # a stop word
            matches = self._matches(word, last=pos == len(query_words) - 1)
            if not matches:
                total += math.log(self._n_entries)  # an unknown word: every code misses it
                continue
            best = max(matches, key=lambda i: (matches[i], -self._df(i)))
            weight = self._idf(best)
            sims: dict[int, float] = {}
            for wid, sim in sorted(matches.items(), key=lambda kv: kv[1]):
                sims.update(dict.fromkeys(self._postings[self._offsets[wid] : self._offsets[wid + 1]], sim))
            for entry, sim in sims.items():
                acc[entry] = acc.get(entry, 0.0) + weight * sim
            total += weight
        if not acc:
            return []
        floor = PRUNE * max(acc.values())
        if sum(1 for v in acc.values() if v >= floor) < limit:
            floor = min(floor, heapq.nlargest(3 * limit, acc.values())[-1])
        scores: dict[int, float] = {}
        n_codes, weights, aliases, billable = self._n_codes, self._weights, self._alias_codes, self._billable
        for entry, covered in acc.items():
            if covered < floor:
                continue
            own = weights[entry]
            score = RECALL * covered / total + PRECISION * (min(1.0, covered / own) if own else 1.0)
            if entry < n_codes:
                code = entry
            else:
                code = aliases[entry - n_codes]
                score *= ALIAS_FACTOR
            if not billable[code]:
                score *= HEADER_FACTOR
            if score > scores.get(code, 0.0):
                scores[code] = score
        best_codes = heapq.nlargest(limit, scores.items(), key=lambda kv: (kv[1], billable[kv[0]], -kv[0]))
        return [(code, round(100 * score, 1)) for code, score in best_codes]


def read_array(typecode: str, data: bytes) -> array[Any]:
    """An ``array`` of ``typecode`` holding the machine values in ``data``."""
    out = array(typecode)
    out.frombytes(data)
    return out
