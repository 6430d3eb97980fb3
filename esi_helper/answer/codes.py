"""Codes from descriptions: the code a question describes, and a code changed the way a follow-up asks.

Everything is read from the codes' own fields (family, region, imaging, add-on and parent) and from the lexicon's
[code_finder] words: "lumbar tfesi single level" names the lumbar transforaminal primary code, and "and the add-on?"
after it names the add-on whose ``parent`` is that code.
"""

from __future__ import annotations

from dataclasses import dataclass

from esi_helper.answer.context import Frame
from esi_helper.answer.lexicon import Lexicon
from esi_helper.answer.retrieval import Index
from esi_helper.kb.records import CodeEntry, KnowledgeBase

#: The code finder's approach keys: code families named after their approach.
APPROACHES = ("interlaminar", "transforaminal", "facet")
#: Values of CodeEntry.imaging.
FLUORO_OR_CT = "fluoroscopy-or-ct"
ULTRASOUND = "ultrasound"
NO_IMAGING = "none"
#: Code families that are an approach with a catheter left in, or under ultrasound.
CATHETER_FAMILY = {"interlaminar": "interlaminar-catheter"}
ULTRASOUND_FAMILY = {"transforaminal": "transforaminal-us"}


@dataclass(frozen=True)
class Wanted:
    """The code attributes a question describes."""

    approaches: tuple[str, ...] = ()
    catheter: bool = False
    imaging: str | None = None
    addon: bool = False
    regions: tuple[str, ...] = ()

    @property
    def names_any(self) -> bool:
        return bool(self.approaches or self.catheter or self.imaging or self.addon or self.regions)


def family_for(family: str, catheter: bool, imaging: str | None) -> str:
    """The code family for an approach (or family), with a catheter left in or under ultrasound."""
    if catheter and family in CATHETER_FAMILY:
        return CATHETER_FAMILY[family]
    if imaging == ULTRASOUND and family in ULTRASOUND_FAMILY:
        return ULTRASOUND_FAMILY[family]
    plain = {v: k for k, v in ULTRASOUND_FAMILY.items()}
    if imaging not in (None, ULTRASOUND) and family in plain:
        return plain[family]
    return family


class CodeFinder:
    """Picks codes by their attributes; ties between add-ons are broken by the question's words ("third")."""

    def __init__(self, kb: KnowledgeBase, lexicon: Lexicon, index: Index):
        self.kb = kb
        self.lexicon = lexicon
        self.index = index
        self.approach_words = frozenset(t for key in APPROACHES for t in lexicon.finder.get(key, ()))
        self.words = frozenset(t for words in lexicon.finder.values() for t in words)

    def wanted(self, frame: Frame) -> Wanted:
        """The code attributes ``frame`` describes: approach, catheter, imaging, add-on and regions."""
        finder = self.lexicon.finder
        tokens = set(frame.tokens)

        def has(key: str) -> bool:
            return bool(tokens & finder.get(key, frozenset()))

        if has("ultrasound"):
            imaging: str | None = ULTRASOUND
        elif has("without") and has("imaging"):
            imaging = NO_IMAGING
        elif has("imaging"):
            imaging = FLUORO_OR_CT
        else:
            imaging = None
        return Wanted(
            approaches=tuple(a for a in APPROACHES if has(a)),
            catheter=has("catheter"),
            imaging=imaging,
            addon=has("addon"),
            regions=tuple(frame.regions),
        )

    def find(self, frame: Frame) -> CodeEntry | None:
        """The one code a description names ("lumbar tfesi single level" -> the lumbar transforaminal code)."""
        wanted = self.wanted(frame)
        if not wanted.approaches and not wanted.catheter and wanted.imaging and wanted.addon:
            addons = [c for c in self.kb.codes.values() if c.family == "imaging" and c.addon]
            return addons[0] if len(addons) == 1 else None
        approaches = wanted.approaches
        if frame.levels > 1 or len(approaches) > 1 or not frame.regions or not (approaches or wanted.catheter):
            return None
        # a catheter named without an approach is the interlaminar catheter (the only catheter family)
        family = family_for(approaches[0] if approaches else APPROACHES[0], wanted.catheter, wanted.imaging)
        return self.select(family, list(frame.regions), wanted.imaging, wanted.addon, frame)

    def transform(self, entry: CodeEntry, frame: Frame, wanted: Wanted | None = None) -> CodeEntry | None:
        """``entry`` with the attributes ``frame`` asks for changed ("what about lumbar?", "and the add-on?",
        "and without fluoro?"); None when nothing changes or no code fits."""
        wanted = wanted or self.wanted(frame)
        if not wanted.names_any:
            return None
        primary = entry
        if entry.addon and entry.parent and entry.parent[0] in self.kb.codes:
            primary = self.kb.codes[entry.parent[0]]
        family = primary.family
        if len(wanted.approaches) == 1 and wanted.approaches[0] != primary.approach:
            family = wanted.approaches[0]
        family = family_for(family, wanted.catheter, wanted.imaging)
        region = [wanted.regions[0]] if wanted.regions else list(primary.region[:1])
        chosen = self.select(family, region, wanted.imaging or primary.imaging, False, frame)
        if chosen is None and wanted.imaging is None:
            chosen = self.select(family, region, None, False, frame)
        if chosen is None:
            return None
        if wanted.addon or (entry.addon and chosen.code != primary.code):
            chosen = self.select(chosen.family, [], None, True, frame, parent=chosen.code, first=True)
        elif entry.addon:
            return None
        if chosen is None or chosen.code == entry.code:
            return None
        return chosen

    def select(
        self,
        family: str,
        regions: list[str],
        imaging: str | None,
        addon: bool,
        frame: Frame,
        *,
        parent: str | None = None,
        first: bool = False,
    ) -> CodeEntry | None:
        """The one code of ``family`` that fits; ``first`` takes the first add-on when the question picks none."""
        found = [
            c
            for c in self.kb.codes.values()
            if c.family == family
            and c.addon == addon
            and all(r in c.region for r in regions)
            and (imaging is None or c.imaging == imaging)
            and (parent is None or parent in c.parent)
        ]
        if len(found) > 1 and addon:
            # add-ons of one code differ by level only: the question's words ("third") pick one
            found = self._closest(found, frame) or (found[:1] if first else found)
        return found[0] if len(found) == 1 else None

    def _closest(self, codes: list[CodeEntry], frame: Frame) -> list[CodeEntry]:
        """The code whose own phrasings share the most with the question, when exactly one does."""
        query = set(frame.tokens)
        scores = [sum(self.index.weight(t) for t in query & self.index.phrase_tokens(c.id)) for c in codes]
        best = max(scores)
        winners = [c for c, score in zip(codes, scores, strict=True) if score == best]
        return winners if len(winners) == 1 and best > 0 else []
