"""Optional extras for a recommendation: the diagnosis pairing verdict and a fee estimate.

Both features live in other packages; when they are not installed the recommendation says so in a warning.
"""

from __future__ import annotations

from collections.abc import Iterable

from esi_helper.kb.located import KnowledgeError
from esi_helper.kb.records import KnowledgeBase
from esi_helper.tree.engine import Citation, Note
from esi_helper.tree.result import DiagnosisCheck, FeeLine, Recommendation


def _citations(kb: KnowledgeBase, cited: Iterable[object]) -> tuple[Citation, ...]:
    ids = [str(getattr(c, "id", c)) for c in cited or ()]
    return tuple(Citation(s.id, s.title) for s in kb.cite(ids))


def add_diagnosis(kb: KnowledgeBase, rec: Recommendation, icd: str) -> None:
    """Pair ``icd`` with the first claim line's code (``esi_helper.icd.pair``)."""
    if not rec.lines:
        rec.warnings.append(Note(f"Diagnosis {icd} was not checked: there is no claim line to pair it with."))
        return
    try:
        from esi_helper.icd import get_codeset, pair
    except ImportError:
        rec.warnings.append(Note(f"Diagnosis check unavailable: {icd} was not checked against {rec.lines[0].code}."))
        return
    cpt = rec.lines[0].code
    result = pair(kb, get_codeset(), icd, cpt)
    rec.diagnosis = DiagnosisCheck(icd, cpt, str(result.verdict), str(result.text), _citations(kb, result.citations))


def add_fees(kb: KnowledgeBase, rec: Recommendation, setting: str) -> None:
    """Quote each claim line for ``setting`` (``esi_helper.fee.FeeSchedule``), with its priced modifier if any."""
    if not rec.lines:
        return
    try:
        from esi_helper.fee import FeeSchedule
    except ImportError:
        rec.warnings.append(Note(f"Fee estimate unavailable: no {setting} fee was looked up."))
        return
    try:
        schedule = FeeSchedule.load(kb)
    except KnowledgeError as exc:
        rec.warnings.append(Note(f"Fee estimate unavailable: the fee data has {len(exc.problems)} problem(s)."))
        return
    for line in rec.lines:
        quote, modifier, error = None, "", "no fee found"
        for mod in (*line.modifiers, ""):
            try:
                quote = schedule.quote(line.code, setting=setting, modifier=mod or None)
            except (LookupError, ValueError) as exc:
                error = str(exc)
                continue
            modifier = mod
            break
        billed = "-".join((line.code, modifier)) if modifier else line.code
        if quote is None:
            rec.fees.append(FeeLine(billed, setting, None, error))
            continue
        amount = getattr(quote, "amount", None)
        rec.fees.append(
            FeeLine(
                billed,
                setting,
                None if amount is None else float(amount),
                str(getattr(quote, "formula", "")),
                _citations(kb, getattr(quote, "citations", ())),
            )
        )
