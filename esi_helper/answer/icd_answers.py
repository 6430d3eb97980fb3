"""Answers from ICD-10-CM: a code's note and validity, a word search, and the verdict on a CPT + ICD-10-CM pair.

Ids: a curated note keeps its entry's id; the others are ``pairing:<cpt>:<icd>`` and ``icd:<icd>``.
"""

from __future__ import annotations

from typing import Any

from esi_helper.answer.result import Answer, merged_ids
from esi_helper.kb.records import CodeEntry, DiagnosisEntry, KnowledgeBase

PAIRING_WORDS = {
    "supports": "supports",
    "region-mismatch": "region mismatch",
    "does-not-support": "does not support",
    "not-billable": "not billable",
    "unknown": "unknown",
}
ICD_SOURCE_PREFIX = "icd10cm-fy"


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
        return Answer(curated.id, curated.kind, curated.title, text, score, merged_ids(curated.citations, cites))
    family = family_note(kb, shown_code)
    if family is not None:
        text = (f"{facts}\n\n" if facts else "") + family.text
        return Answer(family.id, family.kind, family.title, text, score, merged_ids(family.citations, cites))
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
        return Answer(curated.id, curated.kind, curated.title, text, score, merged_ids(curated.citations, cites))
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
