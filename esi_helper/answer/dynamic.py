"""Answers built from several facts: a code's topic, a modifier on a code, CPT + ICD pairing, ICD lookup, fees.

Ids are deterministic: an answer drawn from one entry keeps that entry's id; the others are
``pairing:<cpt>:<icd>``, ``icd:<icd>``, ``icd-search:<words>``, ``fee:<cpt>[:<setting>]`` and ``bundling:<a>:<b>``.
"""

from __future__ import annotations

from typing import Any

from esi_helper.answer.result import Answer
from esi_helper.kb.records import CodeEntry, DiagnosisEntry, KnowledgeBase, ModifierEntry

TOPIC_LABELS = {
    "units": "units",
    "modifiers": "modifiers",
    "imaging": "imaging",
    "documentation": "documentation",
    "frequency": "frequency",
    "diagnosis": "diagnosis codes",
    "payment": "payment",
    "bundling": "bundling",
}
VERDICT_WORDS = {
    "yes": "Yes",
    "no": "No",
    "conditional": "It depends",
    "payer": "Payer-specific",
}
PAIRING_WORDS = {
    "supports": "supports",
    "region-mismatch": "region mismatch",
    "does-not-support": "does not support",
    "not-billable": "not billable",
    "unknown": "unknown",
}
ICD_SOURCE_PREFIX = "icd10cm-fy"
#: Values of CodeEntry.imaging: the code is imaging itself / a procedure done without imaging.
IS_IMAGING = "is-imaging"
NO_IMAGING = "none"


def _ids(*groups: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for group in groups for i in group))


def code_card(entry: CodeEntry, score: float) -> Answer:
    """The code's own card."""
    return Answer(entry.id, entry.kind, entry.title, entry.text, score, entry.citations)


def code_topic(entry: CodeEntry, topic: str, score: float) -> Answer | None:
    """The code's note on ``topic`` (units, modifiers, imaging …), or None when the card has none."""
    note = entry.notes.get(topic)
    if not note:
        return None
    title = f"{entry.code}: {TOPIC_LABELS.get(topic, topic)}"
    return Answer(entry.id, entry.kind, title, note, score, entry.citations)


def modifier_on_code(modifier: ModifierEntry, code: CodeEntry, score: float) -> Answer:
    """Whether ``modifier`` applies to ``code``'s family, from the modifier's applicability table."""
    rule = modifier.for_family(code.family)
    if rule is None:
        text = (
            f"The knowledge base does not say how modifier {modifier.modifier} applies to {code.code} "
            f"({code.family} codes). What it says about the modifier:\n\n{modifier.text}"
        )
    else:
        verdict = VERDICT_WORDS.get(rule.verdict, rule.verdict)
        text = f"**{verdict}: modifier {modifier.modifier} on {code.code}.** {rule.note}".strip()
        note = code.notes.get("modifiers")
        if note:
            text += f"\n\nFor {code.code}: {note}"
    title = f"Modifier {modifier.modifier} on {code.code}"
    return Answer(modifier.id, modifier.kind, title, text, score, _ids(modifier.citations, code.citations))


def modifier_card(modifier: ModifierEntry, score: float) -> Answer:
    """The modifier's own card."""
    return Answer(modifier.id, modifier.kind, modifier.title, modifier.text, score, modifier.citations)


def bundling_direction(first: CodeEntry, second: CodeEntry) -> tuple[CodeEntry, CodeEntry] | None:
    """``(primary, component)`` when the knowledge base bars reporting the two codes together, else None.

    The pair comes from the codes' ``bundled`` lists. Which side is the component is read from the data too: a
    code listed by only one side is that side's component; when both list each other, the component is the one
    that is itself imaging (``imaging = "is-imaging"``), the guidance the procedure code already contains.
    """
    lists_second = second.code in first.bundled
    lists_first = first.code in second.bundled
    if not (lists_second or lists_first):
        return None
    if lists_second != lists_first:
        return (first, second) if lists_second else (second, first)
    first_imaging = first.imaging == IS_IMAGING
    second_imaging = second.imaging == IS_IMAGING
    if first_imaging != second_imaging:
        return (second, first) if first_imaging else (first, second)
    return None


def bundling(first: CodeEntry, second: CodeEntry, score: float) -> Answer | None:
    """Two codes the knowledge base bars together: which one is the component, and why (the primary's note)."""
    pair = bundling_direction(first, second)
    if pair is None:
        return None
    primary, component = pair
    if component.imaging == IS_IMAGING and primary.imaging not in (IS_IMAGING, NO_IMAGING):
        lead = f"the imaging guidance is included in {primary.code}"
    else:
        lead = "the two are not reported together"
    text = f"**Do not report {component.code} with {primary.code}: {lead}.**"
    note = primary.notes.get("imaging") if component.imaging == IS_IMAGING else primary.notes.get("bundling")
    if note:
        text += f" {note}"
    title = f"{component.code} with {primary.code}: not reported together"
    cites = _ids(primary.citations, component.citations)
    return Answer(f"bundling:{primary.code}:{component.code}", "bundling", title, text, score, cites)


def diagnosis_card(entry: DiagnosisEntry, score: float) -> Answer:
    """A curated ICD-10-CM note as it stands."""
    return Answer(entry.id, entry.kind, entry.title, entry.text, score, entry.citations)


def _icd_module() -> Any | None:
    try:
        import esi_helper.icd as icd
    except ImportError:
        return None
    return icd


def _codeset(icd: Any) -> Any | None:
    try:
        return icd.get_codeset()
    except Exception:  # the code set cache may be missing or unreadable: answer without it
        return None


def family_note(kb: KnowledgeBase, code: str) -> DiagnosisEntry | None:
    """The curated note on the header whose listed children (``replaced_by``) include ``code`` (M51.A for M51.A1)."""
    return next((d for d in kb.diagnoses.values() if code in d.replaced_by), None)


def icd_lookup(kb: KnowledgeBase, code: str, score: float) -> Answer:
    """The curated note for an ICD-10-CM code, or for the header family it belongs to, plus the code-set facts.

    A note on the code itself comes first with the facts after it; a family note (the code is one of the children
    it lists) comes after the facts on the code asked about, which lead.
    """
    curated = kb.diagnoses.get(code)
    icd = _icd_module()
    codeset = _codeset(icd) if icd else None
    facts = ""
    cites: tuple[str, ...] = ()
    record = None
    if codeset is not None:
        record = codeset.lookup(code)
        source = icd.codeset_source_id(kb, codeset)
        cites = (source,) if source else ()
        if curated is None and record is not None:
            curated = kb.diagnoses.get(record.code)
        if record is None:
            near = codeset.nearest_valid(code)
            facts = f"**{code} is not a valid ICD-10-CM code in the {codeset.release} code set.**"
            if near:
                facts += f" The closest valid code it starts with is {near} ({codeset.description(near)})."
        elif record.billable:
            facts = f"{codeset.release}: **{record.code}** {record.description}: a valid, billable code."
        else:
            children = codeset.billable_descendants(record.code)
            shown = ", ".join(children[:6]) + (f" and {len(children) - 6} more" if len(children) > 6 else "")
            facts = (
                f"{codeset.release}: **{record.code}** {record.description}: a header, **not billable**; "
                f"report a more specific code" + (f" ({shown})." if shown else ".")
            )
    shown_code = record.code if record is not None else code
    if curated is not None:
        text = curated.text + (f"\n\n{facts}" if facts else "")
        return Answer(curated.id, curated.kind, curated.title, text, score, _ids(curated.citations, cites))
    family = family_note(kb, shown_code)
    if family is not None:
        text = (f"{facts}\n\n" if facts else "") + family.text
        return Answer(family.id, family.kind, family.title, text, score, _ids(family.citations, cites))
    if codeset is None:
        text = (
            f"The ICD-10-CM code set is not available here, and the knowledge base has no note on {code}, "
            "so its validity could not be checked."
        )
        return Answer(f"icd:{code}", "icd", f"{code}: ICD-10-CM", text, min(score, 0.3), ())
    title = f"{shown_code}: " + (record.description if record is not None else "not an ICD-10-CM code")
    return Answer(f"icd:{shown_code}", "icd", title, facts, score if record is not None else min(score, 0.45), cites)


def icd_categories(kb: KnowledgeBase) -> frozenset[str]:
    """The ICD-10-CM categories (first three characters) the knowledge base writes about: the ESI diagnoses."""
    cats = {code[:3] for code in kb.diagnoses}
    for rule in kb.pairings:
        cats.update(pattern[:3] for pattern in rule.codes if len(pattern.rstrip("*")) >= 3)
    return frozenset(cats)


def icd_search(kb: KnowledgeBase, words: str, score: float, relevant: frozenset[str] = frozenset()) -> Answer | None:
    """ICD-10-CM codes whose titles match ``words`` (a condition such as "cervical stenosis").

    When the best match lies outside the ``relevant`` categories (diagnoses unrelated to ESIs) the score is halved.
    """
    icd = _icd_module()
    codeset = _codeset(icd) if icd else None
    if codeset is None or not words.strip():
        return None
    try:
        hits = codeset.search(words, top=6)
    except Exception:  # a broken search index must not break the answer
        return None
    if not hits:
        return None
    source = icd.codeset_source_id(kb, codeset)
    lines = [f"ICD-10-CM codes matching \u201c{words}\u201d ({codeset.release}):", ""]
    for hit in hits:
        flag = "billable" if hit.billable else "header, not billable"
        curated = kb.diagnoses.get(hit.code)
        extra = f" (see: {curated.title})" if curated else ""
        lines.append(f"- **{hit.code}** {hit.description} ({flag}){extra}")
    lines.append("")
    lines.append("Check the pairing with the CPT code (ask e.g. \u201cdoes <ICD> support <CPT>\u201d).")
    best = hits[0]
    if relevant and best.code[:3] not in relevant:
        score *= 0.5
    cites = (source,) if source else ()
    curated = next((kb.diagnoses[h.code] for h in hits[:3] if h.code in kb.diagnoses), None)
    if curated is not None:
        text = curated.text + "\n\n" + "\n".join(lines)
        return Answer(curated.id, curated.kind, curated.title, text, score, _ids(curated.citations, cites))
    title = f"ICD-10-CM for {words}"
    return Answer(f"icd:{best.code}", "icd", title, "\n".join(lines), score, cites)


def pairing(kb: KnowledgeBase, cpt: CodeEntry, icd_code: str, score: float) -> Answer:
    """The verdict on one CPT + ICD-10-CM pair (supports / region mismatch / does not support / not billable)."""
    answer_id = f"pairing:{cpt.code}:{icd_code}"
    icd = _icd_module()
    codeset = _codeset(icd) if icd else None
    if icd is not None and codeset is not None:
        try:
            verdict = icd.pair(kb, codeset, icd_code, cpt.code)
        except Exception:  # unknown CPT or a data problem: fall back to the rules below
            verdict = None
        if verdict is not None:
            shown = codeset.normalize(icd_code) or icd_code
            answer_id = f"pairing:{cpt.code}:{shown}"
            word = PAIRING_WORDS.get(verdict.verdict, verdict.verdict)
            title = f"{shown} with {cpt.code}: {word}"
            return Answer(answer_id, "pairing", title, verdict.text, score, tuple(verdict.citations))
    return _pairing_from_rules(kb, cpt, icd_code, answer_id, score)


def _pairing_from_rules(kb: KnowledgeBase, cpt: CodeEntry, icd_code: str, answer_id: str, score: float) -> Answer:
    """Pairing from the knowledge base alone, when the ICD-10-CM code set is not available."""
    note = kb.diagnoses.get(icd_code)
    if note is not None and note.billable is False:
        text = f"**Not billable: {icd_code} is a header or retired code.** {note.text}"
        return Answer(answer_id, "pairing", f"{icd_code} with {cpt.code}: not billable", text, score, note.citations)
    best = None
    best_len = 0
    for rule in kb.pairings:
        if rule.families and cpt.family not in rule.families:
            continue
        length = rule.match_length(icd_code)
        if length > best_len:
            best, best_len = rule, length
    if best is None:
        text = (
            f"Unknown: the knowledge base has no pairing rule for {icd_code}, and the ICD-10-CM code set is not "
            f"available here. Check the payer's LCD billing article list before billing it with {cpt.code}."
        )
        return Answer(answer_id, "pairing", f"{icd_code} with {cpt.code}: unknown", text, min(score, 0.5), ())
    if not set(best.region) & set(cpt.region):
        word, lead = "region mismatch", "Region mismatch"
        text = (
            f"**{lead}: {icd_code} is a {'/'.join(best.region)} diagnosis, but {cpt.code} is a "
            f"{'/'.join(cpt.region)} injection.** {best.reason}"
        )
    elif best.supports:
        word = "supports"
        text = f"**Supports: {icd_code} supports {cpt.code}.** {best.reason}"
    else:
        word = "does not support"
        text = f"**Does not support: {icd_code} does not support {cpt.code}.** {best.reason}"
    return Answer(answer_id, "pairing", f"{icd_code} with {cpt.code}: {word}", text, score, best.citations)


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
        cites = _ids(*(tuple(getattr(q, "citations", ()) or ()) for q in quotes))
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
