"""Judge an ICD-10-CM diagnosis with a CPT code: validity, billability, region and the KB pairing rules.

Checks run in this order, and the first that fails decides the verdict:

1. the diagnosis is a valid, billable (leaf) code in the code set, else ``not-billable``;
2. a pairing rule in the knowledge base covers it for the CPT code's family, else ``unknown``;
3. the rule's region overlaps the CPT code's region, else ``region-mismatch``;
4. the rule says whether it supports an ESI: ``supports`` or ``does-not-support``.
"""

from __future__ import annotations

from dataclasses import dataclass

from esi_helper.icd.codeset import CodeSet, format_code
from esi_helper.kb import CodeEntry, KnowledgeBase, PairingRule

SUPPORTS = "supports"
REGION_MISMATCH = "region-mismatch"
DOES_NOT_SUPPORT = "does-not-support"
NOT_BILLABLE = "not-billable"
UNKNOWN = "unknown"
VERDICTS = (SUPPORTS, REGION_MISMATCH, DOES_NOT_SUPPORT, NOT_BILLABLE, UNKNOWN)

#: Code families a pairing rule without ``families`` applies to (the README: "all ESI families").
ESI_FAMILIES = ("interlaminar", "interlaminar-catheter", "transforaminal", "transforaminal-us")
#: How many billable codes a not-billable verdict names in its text.
SHOWN_CHILDREN = 6


class UnknownCptError(ValueError):
    """The CPT/HCPCS code is not in the knowledge base."""


@dataclass(frozen=True)
class Pairing:
    """The verdict on one diagnosis + CPT pair, with its reason and the source ids behind it."""

    verdict: str
    text: str
    citations: tuple[str, ...]
    rule_id: str | None = None
    suggestions: tuple[str, ...] = ()


def codeset_source_id(kb: KnowledgeBase, codeset: CodeSet) -> str | None:
    """The knowledge-base source describing the loaded code set release (``icd10cm-fy<year>``), if any."""
    if codeset.fiscal_year is None:
        return None
    ident = f"icd10cm-fy{codeset.fiscal_year}"
    return ident if ident in kb.sources else None


def find_cpt(kb: KnowledgeBase, cpt_code: str) -> CodeEntry:
    """The knowledge-base card for a CPT/HCPCS code (``+64480`` and any case accepted)."""
    key = cpt_code.strip().lstrip("+").upper()
    entry = kb.codes.get(key)
    if entry is None:
        raise UnknownCptError(f"'{cpt_code}' is not a CPT/HCPCS code in the knowledge base")
    return entry


def rule_for(kb: KnowledgeBase, code: str, cpt: CodeEntry) -> PairingRule | None:
    """The most specific pairing rule for a dotted ICD-10-CM code and the CPT code's family.

    Among equally specific rules, one whose region overlaps the CPT code's wins, then one that names
    the family explicitly.
    """
    best: tuple[int, bool, bool] | None = None
    chosen = None
    for rule in kb.pairings:
        if not (cpt.family in rule.families if rule.families else cpt.family in ESI_FAMILIES):
            continue
        length = rule.match_length(code)
        if not length:
            continue
        rank = (length, bool(set(rule.region) & set(cpt.region)), bool(rule.families))
        if best is None or rank > best:
            best, chosen = rank, rule
    return chosen


def pair(kb: KnowledgeBase, codeset: CodeSet, icd_code: str, cpt_code: str) -> Pairing:
    """Judge ``icd_code`` with ``cpt_code``; raises UnknownCptError when the CPT code is not in the KB."""
    cpt = find_cpt(kb, cpt_code)
    set_id = codeset_source_id(kb, codeset)
    set_ids = (set_id,) if set_id else ()
    shown = format_code(icd_code) or icd_code.strip()
    record = codeset.lookup(icd_code)
    note = kb.diagnoses.get(record.code if record else shown)
    note_ids = note.citations if note else ()

    if record is None:
        text = f"{shown} is not a valid ICD-10-CM code in {codeset.release}, so it cannot be billed with {cpt.code}."
        if note and note.replaced_by:
            text += f" Use {_or_list(note.replaced_by)} instead."
        return Pairing(NOT_BILLABLE, text, _ids(set_ids, note_ids), suggestions=note.replaced_by if note else ())

    rule = rule_for(kb, record.code, cpt)
    if not record.billable:
        children = tuple(codeset.billable_descendants(record.code))
        text = f"{record.code} is a header, not billable in {codeset.release}: report a more specific code"
        if children:
            listed = ", ".join(children[:SHOWN_CHILDREN])
            more = f" and {len(children) - SHOWN_CHILDREN} more" if len(children) > SHOWN_CHILDREN else ""
            text += f", such as {listed}{more}."
        else:
            text += "."
        if rule is not None:
            text += " " + _rule_sentence(rule, cpt, "Its codes", plural=True)
        return Pairing(
            NOT_BILLABLE,
            text,
            _ids(set_ids, rule.citations if rule else (), note_ids),
            rule.id if rule else None,
            children,
        )

    label = f"{record.code} ({record.description})"
    if cpt.family not in ESI_FAMILIES and rule is None:
        text = (
            f"Unknown: {cpt.code} is a {cpt.family} code and the pairing rules cover epidural steroid "
            f"injections only, so the knowledge base does not judge {label} with it."
        )
        return Pairing(UNKNOWN, text, _ids(set_ids))
    if rule is None:
        text = (
            f"Unknown: {label} is a valid, billable code, but the knowledge base has no pairing rule for it. "
            f"Check the payer's LCD billing article list before billing it with {cpt.code}."
        )
        return Pairing(UNKNOWN, text, _ids(set_ids))

    if not set(rule.region) & set(cpt.region):
        text = f"Region mismatch: {_rule_sentence(rule, cpt, label)}"
        others = _same_family(kb, cpt, rule)
        if others and rule.supports:
            text += f" The {cpt.family} codes for that region are {_or_list(others, 'and')}."
        return Pairing(REGION_MISMATCH, text, _ids(rule.citations, set_ids), rule.id, others)
    verdict, prefix = (SUPPORTS, "Supports") if rule.supports else (DOES_NOT_SUPPORT, "Does not support")
    return Pairing(verdict, f"{prefix}: {_rule_sentence(rule, cpt, label)}", _ids(rule.citations, set_ids), rule.id)


def _rule_sentence(rule: PairingRule, cpt: CodeEntry, subject: str, *, plural: bool = False) -> str:
    """What ``rule`` says about ``cpt`` for ``subject`` (one code, or a header's codes), region first."""
    if not set(rule.region) & set(cpt.region):
        what = f"are {_regions(rule.region)} diagnoses" if plural else f"is a {_regions(rule.region)} diagnosis"
        sentence = f"{subject} {what}, but {cpt.code} is a {_regions(cpt.region)} injection."
        if not rule.supports:
            sentence += f" {'They' if plural else 'It'} would not support an ESI in any region: {rule.reason}"
        return sentence
    if rule.supports:
        verb = "support" if plural else "supports"
    else:
        verb = "do not support" if plural else "does not support"
    return f"{subject} {verb} {cpt.code} under the pairing rules: {rule.reason}"


def _same_family(kb: KnowledgeBase, cpt: CodeEntry, rule: PairingRule) -> tuple[str, ...]:
    """Primary codes of the CPT code's family that cover the diagnosis's region."""
    return tuple(
        e.code
        for e in kb.codes.values()
        if e.family == cpt.family and not e.addon and set(e.region) & set(rule.region)
    )


def _regions(regions: tuple[str, ...]) -> str:
    return "/".join(regions) if regions else "unspecified-region"


def _or_list(codes: tuple[str, ...], word: str = "or") -> str:
    return codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} {word} {codes[-1]}"


def _ids(*groups: tuple[str, ...]) -> tuple[str, ...]:
    """Source ids from several groups, in order, without repeats."""
    return tuple(dict.fromkeys(i for group in groups for i in group))
