"""Medicare fee answers for a code: the fee schedule's quote at the place the question names, or the code's note.

Ids: ``fee:<cpt>[:<setting>]``.
"""

from __future__ import annotations

from typing import Any

from esi_helper.answer.result import Answer, merged_ids
from esi_helper.kb.records import CodeEntry, KnowledgeBase


class FeeRouter:
    """Medicare fee quotes through ``esi_helper.fee`` (loaded on first use), with an honest fallback.

    ``aliases`` maps other names of places (split into words) to the place names as the CMS locality file writes
    them; one alias may stand for several localities (a city spread over several).
    """

    #: A place matching more localities than this (a whole state) is quoted nationally, with the count.
    MAX_PLACES = 5

    def __init__(self, kb: KnowledgeBase, aliases: dict[tuple[str, ...], tuple[str, ...]] | None = None):
        self.kb = kb
        self.aliases = aliases or {}
        self._schedule: Any = None
        self._failed = False
        self._texts: dict[tuple[Any, ...], tuple[str, str, tuple[str, ...]]] = {}
        self._places: dict[tuple[str, bool], tuple[Any, ...]] = {}

    def schedule(self) -> Any | None:
        """The fee schedule, or None when the fee module or its data is not available."""
        if self._schedule is None and not self._failed:
            try:
                from esi_helper.fee import FeeSchedule

                self._schedule = FeeSchedule.load(self.kb)
            except Exception:  # module not there yet, or fee data missing: use the code's payment note
                self._failed = True
        return self._schedule

    def answer(
        self,
        code: CodeEntry,
        setting: str | None,
        places: list[tuple[str, bool]],
        zip_code: str | None,
        score: float,
        asked: str = "",
    ) -> Answer:
        """A fee answer for ``code`` in ``setting`` (both settings when None), at the place the question names.

        ``places`` are runs of the question's words that may name a place, best first, each with whether fuzzy
        matching is allowed (only for a word nothing else knows: a misspelt city). ``asked``: the words that looked
        like a place, named in the answer when no locality matches them.
        """
        answer_id = f"fee:{code.code}" + (f":{setting}" if setting else "")
        schedule = self.schedule()
        if schedule is not None:
            try:
                title, text, cites = self._quote(schedule, code, setting, places, zip_code, asked)
                return Answer(answer_id, "fee", title, text, score, cites)
            except Exception:  # a code without fee data: fall through to the code's own payment note
                pass
        note = code.notes.get("payment")
        if note:
            title = f"{code.code}: Medicare payment"
            return Answer(answer_id, "fee", title, note, score, code.citations)
        text = f"The knowledge base has no payment figures for {code.code}."
        return Answer(answer_id, "fee", f"{code.code}: payment", text, min(score, 0.4), code.citations)

    def localities(self, schedule: Any, places: list[tuple[str, bool]]) -> tuple[str, tuple[Any, ...]]:
        """The place named (as typed) and its localities: the first of ``places`` that names any."""
        for span, fuzzy in places:
            found = self._find(schedule, span, fuzzy)
            if found:
                return span, found
        return "", ()

    def _find(self, schedule: Any, span: str, fuzzy: bool) -> tuple[Any, ...]:
        key = (span, fuzzy)
        if key not in self._places:
            if len(self._places) > 512:
                self._places.clear()
            alias = self.aliases.get(tuple(span.split()))
            if alias is not None:
                found: list[Any] = []
                for name in alias:
                    found.extend(loc for loc in schedule.find_localities(name) if loc not in found)
            else:
                found = [loc for loc in schedule.find_localities(span) if fuzzy or _names(loc, span)]
            self._places[key] = tuple(found)
        return self._places[key]

    def _quote(
        self,
        schedule: Any,
        code: CodeEntry,
        setting: str | None,
        places: list[tuple[str, bool]],
        zip_code: str | None,
        asked: str = "",
    ) -> tuple[str, str, tuple[str, ...]]:
        from esi_helper.fee import headline, quote_text

        locality = schedule.locality_for_zip(zip_code) if zip_code else None
        place, found = ("", ()) if locality is not None else self.localities(schedule, places)
        if len(found) == 1:
            locality = found[0]
        several = found if 1 < len(found) <= self.MAX_PLACES else ()
        missed = asked if locality is None and not found else ""
        key = (code.code, setting, getattr(locality, "id", None), place if len(found) > 1 else "", missed)
        if key in self._texts:
            return self._texts[key]
        settings = [setting] if setting else ["office", "facility"]

        def quotes_at(where: Any) -> list[Any]:
            return [schedule.quote(code.code, setting=one, locality=where) for one in settings]

        quotes = quotes_at(locality)
        text = quote_text(quotes[0], quotes[1] if len(quotes) > 1 else None)
        where = locality.label if locality is not None else "national"
        if several:
            lines = [f"\u201c{place}\u201d covers {len(several)} Medicare payment localities:"]
            for loc in several:
                each = quotes_at(loc)
                lines.append(f"- {headline(each[0], each[1] if len(each) > 1 else None)}")
            text = "\n".join(lines) + "\n\nNational figures, with the range across all localities:\n" + text
            where = f"{len(several)} localities for \u201c{place}\u201d"
        elif missed:
            text += (
                f"\n\nNo Medicare payment locality is named \u201c{missed}\u201d, so these are national figures; name "
                "the state, county or locality, or give a ZIP code, for the local amount."
            )
        elif len(found) > self.MAX_PLACES:
            text += (
                f"\n\n\u201c{place}\u201d covers {len(found)} Medicare payment localities; name the city or county, "
                "or give a ZIP code, for the local amount."
            )
        cites = merged_ids(*(tuple(getattr(q, "citations", ()) or ()) for q in quotes))
        title = f"{code.code}: Medicare payment, {where}"
        if len(self._texts) > 256:
            self._texts.clear()
        self._texts[key] = (title, text, cites)
        return title, text, cites


def _names(locality: Any, span: str) -> bool:
    """Whether the locality's name, counties or state spell out ``span`` as whole words (not a fuzzy match)."""
    from esi_helper.fee.locality import normalize

    wanted = normalize(span)
    if not wanted:
        return False
    hay = normalize(" ".join((locality.name, locality.counties, locality.state_name, locality.state)))
    return f" {wanted} " in f" {hay} "
