"""Find Medicare payment localities by name, county, state, MAC-number id or (fuzzily) by a misspelt name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from esi_helper.fee.records import Locality

#: Words dropped before matching ("dallas county" → "DALLAS").
_NOISE = {"COUNTY", "COUNTIES", "CNTY", "CNTYS", "PARISH", "LOCALITY", "AREA", "THE", "MEDICARE"}
#: County-list phrases that name no place.
_NOT_PLACES = ("ALL ", "STATEWIDE", "REST OF STATE")
FUZZY_CUTOFF = 85
FUZZY_MARGIN = 4


def normalize(text: str) -> str:
    """Upper-case words only: ``"St. Louis County"`` → ``"ST LOUIS"``."""
    words = re.sub(r"[^A-Z0-9+]+", " ", text.upper().replace("&", " AND ").replace("'", "")).split()
    return " ".join(w for w in words if w not in _NOISE)


def _split_places(text: str) -> list[str]:
    """Place names inside a county list or locality name."""
    text = re.sub(r"\bEXCEPT\b.*", "", text.upper())
    parts = re.split(r"[,;/()]|\s-\s|-|\bAND\b", text)
    out = []
    for part in parts:
        part = re.sub(r"\bIN (VIRGINIA|MARYLAND)\b", "", part)
        name = normalize(part)
        if name and not any(name.startswith(p.strip()) for p in _NOT_PLACES):
            out.append(name)
    return out


@dataclass
class LocalityFinder:
    """Index of localities by exact names and places, with rapidfuzz for near misses."""

    localities: list[Locality]
    names: dict[str, list[Locality]] = field(default_factory=dict)
    places: dict[str, list[Locality]] = field(default_factory=dict)
    states: dict[str, list[Locality]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for loc in self.localities:
            for name in {
                normalize(loc.name),
                normalize(loc.area),
                normalize(f"{loc.state} {loc.number}"),
                normalize(loc.id),
                normalize(f"{loc.name} {loc.state}"),
            }:
                if name and name != "STATEWIDE":
                    self._add(self.names, name, loc)
            if loc.state_name and normalize(loc.name).startswith("REST OF"):
                self._add(self.names, f"REST OF {loc.state}", loc)
            for place in _split_places(loc.name) + _split_places(loc.counties):
                self._add(self.places, place, loc)
            self._add(self.states, loc.state, loc)
            if loc.state_name:
                self._add(self.states, normalize(loc.state_name), loc)

    @staticmethod
    def _add(index: dict[str, list[Locality]], key: str, loc: Locality) -> None:
        bucket = index.setdefault(key, [])
        if loc not in bucket:
            bucket.append(loc)

    def find(self, text: str) -> list[Locality]:
        """Localities matching ``text``: one when it is unambiguous, several when it is not, none when unknown.

        Order of preference: an exact locality name or id ("manhattan", "rest of texas", a MAC-NN id, "NY 01"); an
        exact county or place, or a state ("queens", "cook", "alabama"; a state with several localities gives
        them all); "dallas, tx"-style place plus state; then rapidfuzz on names and places for misspellings.
        """
        q = normalize(text)
        if not q:
            return []
        if q in self.names:
            return list(self.names[q])
        exact = list(self.places.get(q, []))
        for loc in self.states.get(q, []):
            if loc not in exact:
                exact.append(loc)
        if exact:
            return exact
        for state in sorted(self.states, key=len, reverse=True):
            if q.endswith(" " + state):
                head = q[: -len(state) - 1].strip()
                in_state = self.states[state]
                hits = [loc for loc in self.find(head) if loc in in_state] if head else []
                if hits:
                    return hits
        return self._fuzzy(q)

    def _fuzzy(self, q: str) -> list[Locality]:
        if len(q) < 3:
            return []
        from rapidfuzz import fuzz, process

        choices = list(self.names) + list(self.places) + [s for s in self.states if len(s) > 2]
        scored: dict[str, float] = {}
        hits: list[tuple[float, Locality]] = []
        for choice, score, _ in process.extract(q, choices, scorer=fuzz.WRatio, score_cutoff=FUZZY_CUTOFF, limit=40):
            for loc in self.names.get(choice, []) + self.places.get(choice, []) + self.states.get(choice, []):
                if score > scored.get(loc.id, -1):
                    scored[loc.id] = score
                    hits.append((score, loc))
        if not hits:
            return []
        best = max(scored.values())
        out: list[Locality] = []
        for score, loc in sorted(hits, key=lambda h: -h[0]):
            if score >= best - FUZZY_MARGIN and scored[loc.id] == score and loc not in out:
                out.append(loc)
        return out
