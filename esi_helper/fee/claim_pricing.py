"""Pricing a whole claim: the bilateral adjustment, then the multiple-procedure ranking, then bundling notes."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from esi_helper.fee.calculator import (
    HUNDRED,
    Claim,
    ClaimLine,
    ClaimLineResult,
    FeeError,
    _Item,
    cents,
    normalize_setting,
    price,
    rank_claim,
)
from esi_helper.fee.records import Locality
from esi_helper.kb.records import KnowledgeBase

if TYPE_CHECKING:
    from esi_helper.fee.schedule import FeeSchedule


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """The non-empty ``items`` in order, each once."""
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return tuple(out)


def price_claim(
    schedule: FeeSchedule,
    lines: Iterable[ClaimLine | str | tuple[Any, ...]],
    setting: str = "office",
    locality: Locality | str | None = None,
    *,
    zip_code: str | None = None,
) -> Claim:
    """Price ``lines`` with ``schedule`` (see ``FeeSchedule.claim``)."""
    rules = schedule.rules
    setting = normalize_setting(setting)
    loc, zip_code = schedule._resolve_locality(locality, zip_code)
    cf = schedule.conversion_factor
    parsed = [ClaimLine.parse(item) for item in lines]
    if not parsed:
        raise FeeError("a claim needs at least one code")
    items: list[_Item] = []
    notes: list[str] = []
    cites: list[str] = []
    for line in parsed:
        if line.units < 1:
            raise FeeError(f"{line.code}: units must be 1 or more")
        row, percent, label, mod_notes, mod_cites = schedule._modifier(line.code, line.modifier or None)
        if row.status not in rules.payable_status:
            meaning = rules.status.get(row.status, "not payable")
            raise FeeError(f"{row.key} has status {row.status} ({meaning}): no amount to show")
        cites += mod_cites
        notes += [f"{line.code}: {n}" for n in mod_notes if n]
        if row.facility_na if setting == "facility" else row.nonfacility_na:
            label_na = "facility" if setting == "facility" else "non-facility (office)"
            notes.append(f"{row.key}: " + rules.na.text.format(setting=label_na))
            cites += list(rules.na.citations)
        result = price(row, setting, loc, cf, percent, label)
        if result.capped:
            notes.append(f"{row.key}: {rules.opps_cap.text}")
            cites += list(rules.opps_cap.citations)
        addon = row.global_days == rules.addon_global
        if addon or line.units == 1:
            amount = result.amount * line.units
            items.append(_Item(len(items), line, row, amount, result.formula, addon))
        else:
            for _ in range(line.units):
                one = ClaimLine(line.code, line.modifier, 1)
                items.append(_Item(len(items), one, row, result.amount, result.formula, addon))
            notes.append(
                f"{line.code} × {line.units} units is ranked unit by unit; report a bilateral procedure as one "
                f"line with modifier {rules.bilateral_modifier} where its bilateral indicator allows"
            )
    results: list[ClaimLineResult] = []
    complete = True
    for it, rank, percent, note in rank_claim(items, rules):
        paid = None if percent is None else cents(it.amount * percent / HUNDRED)
        complete = complete and paid is not None
        results.append(
            ClaimLineResult(
                it.line.code, it.line.modifier, it.line.units, it.amount, rank, percent, paid, note, it.formula
            )
        )
    notes += _bundling_notes(schedule.kb, parsed)
    if loc is not None:
        notes += list(loc.notes)
    total = sum((r.paid for r in results if r.paid is not None), Decimal(0))
    caveat = rules.caveat.text.format(year=schedule.year, next_year=schedule.year + 1)
    citations = unique(
        [
            *schedule.data.meta.citations,
            *rules.multiple_citations,
            *rules.formula.citations,
            *schedule.data.locality_citations,
            *cites,
            *(schedule._zip_map().citations if zip_code else ()),
            *_bundling_cites(schedule.kb, parsed),
            *rules.caveat.citations,
        ]
    )
    return Claim(schedule.year, setting, loc, tuple(results), total, tuple(unique(notes)), citations, complete, caveat)


def _bundling_pairs(kb: KnowledgeBase, lines: list[ClaimLine]) -> list[tuple[str, str, tuple[str, ...]]]:
    codes = [line.code for line in lines]
    pairs = []
    seen: set[frozenset[str]] = set()
    for code in codes:
        entry = kb.codes.get(code)
        if entry is None:
            continue
        for other in codes:
            if other != code and other in entry.bundled and frozenset((code, other)) not in seen:
                seen.add(frozenset((code, other)))
                pairs.append((code, other, entry.citations))
    return pairs


def _bundling_notes(kb: KnowledgeBase, lines: list[ClaimLine]) -> list[str]:
    return [
        f"{other} is not reported separately with {code} (codes.toml): it is priced here only as billed"
        for code, other, _ in _bundling_pairs(kb, lines)
    ]


def _bundling_cites(kb: KnowledgeBase, lines: list[ClaimLine]) -> list[str]:
    return [c for _, _, cites in _bundling_pairs(kb, lines) for c in cites]
