"""Plain-text renderings of quotes and claims (the CLI and the answer engine add citations and the KB footer)."""

from __future__ import annotations

from esi_helper.fee.calculator import Claim, Quote, money


def _range_line(q: Quote) -> str:
    r = q.range
    return (
        f"{money(r.min.amount)} ({r.min.locality.short}) to {money(r.max.amount)} ({r.max.locality.short}); "
        f"national {money(r.national)}"
    )


def headline(quote: Quote, other: Quote | None = None) -> str:
    """The key sentence: what Medicare pays, where, in which setting(s)."""
    where = f"in {quote.locality.label}" if quote.locality else "nationally (GPCIs 1.0)"
    if quote.zip_code and quote.locality:
        where = f"in ZIP {quote.zip_code} → {quote.locality.label}"
    first = f"{money(quote.amount)} {quote.setting_phrase}"
    if other is not None:
        first += f" and {money(other.amount)} {other.setting_phrase}"
    return f"Medicare CY{quote.year} pays {first} for {quote.billed}, {where}."


def quote_text(quote: Quote, other: Quote | None = None) -> str:
    """A quote (optionally with the other setting's quote) as text: amount first, then range, formula, shares."""
    quotes = [quote] if other is None else [quote, other]
    width = max(len(q.setting_label) for q in quotes)

    def each(label: str, fn: object) -> list[str]:
        if len(quotes) == 1:
            return [f"{label}: {fn(quote)}"]  # type: ignore[operator]
        return [f"{label}:"] + [f"  {q.setting_label + ':':<{width + 1}} {fn(q)}" for q in quotes]  # type: ignore[operator]

    lines = [headline(quote, other)]
    lines += each(f"Range across the {quote.range.localities} localities", _range_line)
    lines += each("Formula", lambda q: q.formula)
    share = quote.patient_share
    if share is not None:
        amounts = ", ".join(
            f"{q.setting_label} {money(q.patient_share.patient)}" for q in quotes if q.patient_share is not None
        )
        lines.append(f"Patient share (Medicare, {share.percent}% coinsurance): {amounts}. {share.text}.")
    thumb = quote.rule_of_thumb
    if thumb is not None:
        amounts = ", ".join(
            f"{q.setting_label} {money(q.rule_of_thumb.low)}–{money(q.rule_of_thumb.high)}"
            for q in quotes
            if q.rule_of_thumb is not None
        )
        lines.append(
            f"Commercial, illustrative only ({thumb.low_percent}–{thumb.high_percent}% of Medicare): {amounts}. "
            f"{thumb.text}."
        )
    notes: list[str] = []
    for q in quotes:
        notes += [n for n in q.notes if n not in notes]
    return "\n".join(lines + _notes_block(notes, quote.caveat))


def claim_text(claim: Claim) -> str:
    """A claim as text: total first, then each line with its rank and percentage, then the rules applied."""
    where = claim.locality.label if claim.locality else "national (GPCIs 1.0)"
    setting = "office (non-facility rate)" if claim.setting == "office" else "facility rate"
    total = money(claim.total) + ("" if claim.complete else " plus the lines priced by report")
    lines = [f"Medicare CY{claim.year} pays {total} for this claim, {setting}, {where}."]
    labels = [line.billed + (f" ×{line.units}" if line.units > 1 else "") for line in claim.lines]
    width = max(len(label) for label in labels)
    for label, line in zip(labels, claim.lines, strict=True):
        rank = f"rank {line.rank}" if line.rank else "not ranked"
        paid = money(line.paid) if line.paid is not None else "by report"
        pct = f"{line.percent}%" if line.percent is not None else "—"
        lines.append(f"  {label:<{width}}  {money(line.amount):>10}  {rank:<10} {pct:>5}  → {paid}")
    notes: list[str] = []
    for line in claim.lines:
        if line.note and line.note not in notes:
            notes.append(line.note)
    notes += [n for n in claim.notes if n not in notes]
    return "\n".join(lines + _notes_block(notes, claim.caveat))


def _notes_block(notes: list[str], caveat: str) -> list[str]:
    """The "Notes:" lines: each note, then the caveat, as a bullet sentence (none when there is nothing)."""
    notes = [*notes, caveat] if caveat else notes
    return ["Notes:", *(f"  - {_sentence(n)}" for n in notes)] if notes else []


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
