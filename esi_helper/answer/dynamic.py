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


def bundling(first: CodeEntry, second: CodeEntry, score: float) -> Answer | None:
    """When one code lists the other as bundled: do not report them together."""
    for a, b in ((first, second), (second, first)):
        if b.code in a.bundled:
            text = f"**Do not report {b.code} with {a.code}: it is bundled (included) in {a.code}.**"
            note = a.notes.get("imaging") if b.family == "imaging" else a.notes.get("bundling")
            if note:
                text += f" {note}"
            title = f"{b.code} with {a.code}: bundled"
            return Answer(f"bundling:{a.code}:{b.code}", "bundling", title, text, score, _ids(a.citations))
    return None


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


def icd_lookup(kb: KnowledgeBase, code: str, score: float) -> Answer:
    """The curated note for an ICD-10-CM code (when there is one) plus the official code-set facts."""
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
    """Medicare fee quotes through ``esi_helper.fee`` (loaded on first use), with an honest fallback."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self._schedule: Any = None
        self._failed = False
        self._texts: dict[tuple[Any, ...], tuple[str, str, tuple[str, ...]]] = {}

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
        place: str | None,
        zip_code: str | None,
        score: float,
    ) -> Answer:
        """A fee answer for ``code`` in ``setting`` (both settings when None), at the locality named in ``place``."""
        answer_id = f"fee:{code.code}" + (f":{setting}" if setting else "")
        schedule = self.schedule()
        if schedule is not None:
            try:
                title, text, cites = self._quote(schedule, code, setting, place, zip_code)
                return Answer(answer_id, "fee", title, text, score, cites)
            except Exception:  # a code without fee data: fall through to the code's own payment note
                pass
        note = code.notes.get("payment")
        if note:
            title = f"{code.code}: Medicare payment"
            return Answer(answer_id, "fee", title, note, score, code.citations)
        text = f"The knowledge base has no payment figures for {code.code}."
        return Answer(answer_id, "fee", f"{code.code}: payment", text, min(score, 0.4), code.citations)

    def _quote(
        self, schedule: Any, code: CodeEntry, setting: str | None, place: str | None, zip_code: str | None
    ) -> tuple[str, str, tuple[str, ...]]:
        locality = schedule.locality_for_zip(zip_code) if zip_code else None
        if locality is None and place:
            found = schedule.find_localities(place)
            locality = found[0] if found else None
        key = (code.code, setting, getattr(locality, "id", None) or str(locality))
        if key in self._texts:
            return self._texts[key]
        settings = [setting] if setting else ["office", "facility"]
        quotes = [schedule.quote(code.code, setting=one, locality=locality) for one in settings]
        cites = _ids(*(tuple(getattr(q, "citations", ()) or ()) for q in quotes))
        try:
            from esi_helper.fee.render import quote_text

            text = quote_text(quotes[0], quotes[1] if len(quotes) > 1 else None)
        except ImportError:
            text = "\n".join(_quote_line(code.code, one, q) for one, q in zip(settings, quotes, strict=True))
        where = _locality_name(locality) if locality is not None else "national"
        title = f"{code.code}: Medicare payment, {where}"
        if len(self._texts) > 256:
            self._texts.clear()
        self._texts[key] = (title, text, cites)
        return title, text, cites


def _money(value: Any) -> str:
    try:
        return f"${float(value):,.2f}"
    except (TypeError, ValueError):
        return str(value)


def _quote_line(code: str, setting: str, quote: Any) -> str:
    label = "office (non-facility)" if setting == "office" else "facility"
    line = f"**{code}, {label}: {_money(getattr(quote, 'amount', None))}**"
    span = getattr(quote, "range", None)
    if span:
        try:
            low, high = span[0], span[1]
            line += f" (range across localities {_money(low)}-{_money(high)})"
        except (TypeError, IndexError, KeyError):
            line += f" ({span})"
    formula = getattr(quote, "formula", "")
    if formula:
        line += f"\n  {formula}"
    return line


def _locality_name(locality: Any) -> str:
    for attr in ("label", "name", "short"):
        value = getattr(locality, attr, None)
        if callable(value):
            value = value()
        if isinstance(value, str) and value:
            return value
    return str(locality)
