"""Fee schedule arithmetic: one amount, its range across localities, and a whole claim's multiple-procedure rules.

amount = (work RVU × work GPCI + PE RVU × PE GPCI + MP RVU × MP GPCI) × CF, rounded to cents (RVU README); the
office (non-facility) amount uses the non-facility PE RVU, the facility amount the facility PE RVU; national uses
GPCIs of 1.0. Rows with OPPS RVUs are capped at the OPPS amount computed the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from esi_helper.fee.records import Locality, PfsRow, PosEntry

CENT = Decimal("0.01")
ONE = Decimal(1)
HUNDRED = Decimal(100)
SETTINGS = ("office", "facility")
SETTING_ALIASES = {
    "office": "office",
    "non-facility": "office",
    "nonfacility": "office",
    "non facility": "office",
    "nf": "office",
    "facility": "facility",
    "f": "facility",
}


class FeeError(ValueError):
    """A question the fee data cannot answer as asked; the message is one line for the user."""


class UnknownCode(FeeError):
    """The code has no row in the imported fee data."""


class ModifierError(FeeError):
    """The modifier does not apply to the code (or is not priced by the calculator)."""


class UnknownLocality(FeeError):
    """No locality matches the text or ZIP."""


class AmbiguousLocality(FeeError):
    """Several localities match; ``candidates`` lists them."""

    def __init__(self, message: str, candidates: list[Locality]):
        super().__init__(message)
        self.candidates = candidates


def cents(value: Decimal) -> Decimal:
    """Round half-up to cents."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    """``$1,234.50``."""
    return f"${value:,.2f}"


def normalize_setting(setting: str) -> str:
    """``office``/``non-facility`` → ``office``; ``facility`` → ``facility``; FeeError otherwise."""
    key = setting.strip().lower().replace("_", "-")
    if key not in SETTING_ALIASES:
        raise FeeError(f"setting '{setting}' is not known: use office (non-facility) or facility")
    return SETTING_ALIASES[key]


@dataclass(frozen=True)
class Price:
    """One computed amount and how it was reached."""

    amount: Decimal
    unadjusted: Decimal
    percent: int
    capped: bool
    formula: str


def price(
    row: PfsRow, setting: str, locality: Locality | None, cf: Decimal, percent: int = 100, percent_label: str = ""
) -> Price:
    """The fee schedule amount for ``row`` in ``setting`` at ``locality`` (None: national), times ``percent``."""
    facility = setting == "facility"
    pe = row.pe_facility if facility else row.pe_nonfacility
    gw, gp, gm = (locality.gpci_work, locality.gpci_pe, locality.gpci_mp) if locality else (ONE, ONE, ONE)
    raw = (row.work * gw + pe * gp + row.mp * gm) * cf
    capped = False
    if row.opps is not None:
        opps_pe = row.opps[1] if facility else row.opps[0]
        opps_raw = (row.work * gw + opps_pe * gp + row.opps[2] * gm) * cf
        if opps_raw < raw:
            raw, capped = opps_raw, True
            pe = opps_pe
    base = cents(raw)
    amount = base if percent == 100 else cents(base * percent / HUNDRED)
    pe_label = "facility PE" if facility else "non-facility PE"
    if capped:
        pe_label = "OPPS " + pe_label
    mp = row.opps[2] if capped and row.opps else row.mp
    formula = (
        f"(work {row.work:.2f} × {gw:.3f} + {pe_label} {pe:.2f} × {gp:.3f} + MP {mp:.2f} × {gm:.3f})"
        f" × CF {cf} = {money(base)}"
    )
    if percent != 100:
        formula += f"; × {percent}%{(' (' + percent_label + ')') if percent_label else ''} = {money(amount)}"
    return Price(amount, base, percent, capped, formula)


@dataclass(frozen=True)
class RangeEnd:
    """The lowest or highest locality amount."""

    amount: Decimal
    locality: Locality

    def as_json(self) -> dict[str, Any]:
        return {"amount": float(self.amount), "locality": self.locality.as_json()}


@dataclass(frozen=True)
class FeeRange:
    """National amount and the lowest and highest locality amounts for one code and setting."""

    national: Decimal
    min: RangeEnd
    max: RangeEnd
    localities: int

    def as_json(self) -> dict[str, Any]:
        return {"national": float(self.national), "min": self.min.as_json(), "max": self.max.as_json()}


def fee_range(row: PfsRow, setting: str, localities: list[Locality], cf: Decimal, percent: int = 100) -> FeeRange:
    """Lowest and highest amount across ``localities`` (first listed wins a tie) and the national amount."""
    amounts = [(price(row, setting, loc, cf, percent).amount, loc) for loc in localities]
    low = min(amounts, key=lambda a: a[0])
    high = max(amounts, key=lambda a: a[0])
    national = price(row, setting, None, cf, percent).amount
    return FeeRange(national, RangeEnd(*low), RangeEnd(*high), len(localities))


@dataclass(frozen=True)
class PatientShare:
    """What a Medicare patient and Medicare pay of the amount (after the deductible)."""

    percent: int
    patient: Decimal
    medicare: Decimal
    text: str

    def as_json(self) -> dict[str, Any]:
        return {
            "percent": self.percent,
            "patient": float(self.patient),
            "medicare": float(self.medicare),
            "text": self.text,
        }


@dataclass(frozen=True)
class RuleOfThumb:
    """An illustrative, unsourced percentage band applied to the amount (commercial plans)."""

    low_percent: int
    high_percent: int
    low: Decimal
    high: Decimal
    text: str

    def as_json(self) -> dict[str, Any]:
        return {
            "low_percent": self.low_percent,
            "high_percent": self.high_percent,
            "low": float(self.low),
            "high": float(self.high),
            "illustrative": True,
            "text": self.text,
        }


@dataclass(frozen=True)
class Quote:
    """One Medicare fee schedule amount for a code, setting and locality, with its range, formula and sources."""

    code: str
    modifier: str
    year: int
    setting: str
    locality: Locality | None
    amount: Decimal
    range: FeeRange
    formula: str
    citations: tuple[str, ...]
    notes: tuple[str, ...] = ()
    percent: int = 100
    capped: bool = False
    pos: PosEntry | None = None
    zip_code: str = ""
    patient_share: PatientShare | None = None
    rule_of_thumb: RuleOfThumb | None = None
    caveat: str = ""

    @property
    def billed(self) -> str:
        """The code as billed: ``CODE`` or ``CODE-MODIFIER``."""
        return f"{self.code}-{self.modifier}" if self.modifier else self.code

    @property
    def setting_label(self) -> str:
        return "office (non-facility rate)" if self.setting == "office" else "facility rate"

    @property
    def setting_phrase(self) -> str:
        return "in the office (non-facility rate)" if self.setting == "office" else "at the facility rate"

    @property
    def where(self) -> str:
        return self.locality.label if self.locality else "national (GPCIs 1.0)"

    def as_json(self) -> dict[str, Any]:
        """The JSON contract of ``esi-helper fee --json`` (sources are added by the command)."""
        return {
            "code": self.code,
            "modifier": self.modifier or None,
            "year": self.year,
            "setting": self.setting,
            "locality": self.locality.as_json() if self.locality else None,
            "amount": float(self.amount),
            "range": self.range.as_json(),
            "formula": self.formula,
            "citations": list(self.citations),
            "notes": list(self.notes),
            "caveat": self.caveat,
            "pos": {"code": self.pos.code, "name": self.pos.name, "rate": self.pos.rate} if self.pos else None,
            "zip": self.zip_code or None,
            "patient_share": self.patient_share.as_json() if self.patient_share else None,
            "rule_of_thumb": self.rule_of_thumb.as_json() if self.rule_of_thumb else None,
        }


# ----------------------------------------------------------------------------------------------------------------
# claims


@dataclass(frozen=True)
class ClaimLine:
    """A line of a claim: code, optional modifier, units."""

    code: str
    modifier: str = ""
    units: int = 1

    @classmethod
    def parse(cls, item: ClaimLine | str | tuple[Any, ...]) -> ClaimLine:
        """A ClaimLine from ``"CODE"``, ``"CODE-MODIFIER"``, a ``(code, modifier, units)`` tuple or a ClaimLine."""
        if isinstance(item, ClaimLine):
            return item
        if isinstance(item, tuple):
            code = str(item[0])
            mod = str(item[1] or "") if len(item) > 1 else ""
            units = int(item[2]) if len(item) > 2 else 1
            return cls(code.strip().lstrip("+").upper(), mod.strip().upper(), units)
        text = str(item).strip().lstrip("+").upper()
        code, _, mod = text.partition("-")
        return cls(code.strip(), mod.strip())


@dataclass(frozen=True)
class ClaimLineResult:
    """How one line of a claim is paid."""

    code: str
    modifier: str
    units: int
    amount: Decimal
    rank: int | None
    percent: int | None
    paid: Decimal | None
    note: str = ""
    formula: str = ""

    @property
    def billed(self) -> str:
        return f"{self.code}-{self.modifier}" if self.modifier else self.code

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "modifier": self.modifier or None,
            "units": self.units,
            "amount": float(self.amount),
            "rank": self.rank,
            "percent": self.percent,
            "paid": float(self.paid) if self.paid is not None else None,
            "note": self.note,
        }


@dataclass(frozen=True)
class Claim:
    """A whole claim priced with the multiple-procedure rules."""

    year: int
    setting: str
    locality: Locality | None
    lines: tuple[ClaimLineResult, ...]
    total: Decimal
    notes: tuple[str, ...]
    citations: tuple[str, ...]
    complete: bool = True
    caveat: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "codes": [line.billed for line in self.lines],
            "year": self.year,
            "setting": self.setting,
            "locality": self.locality.as_json() if self.locality else None,
            "lines": [line.as_json() for line in self.lines],
            "total": float(self.total),
            "complete": self.complete,
            "notes": list(self.notes),
            "caveat": self.caveat,
            "citations": list(self.citations),
        }


@dataclass
class _Item:
    index: int
    line: ClaimLine
    row: PfsRow
    amount: Decimal
    formula: str
    addon: bool
    notes: list[str] = field(default_factory=list)


def rank_claim(items: list[_Item], rules: Any) -> list[tuple[_Item, int | None, int | None, str]]:
    """Rank the lines a multiple-procedure rule covers; return (item, rank, percent or None=by report, note)."""
    ranked = [
        it
        for it in items
        if not it.addon and it.row.mult_proc in rules.ranked and not rules.multiple[it.row.mult_proc].special
    ]
    ranked.sort(key=lambda it: (-it.amount, it.index))
    out: dict[int, tuple[_Item, int | None, int | None, str]] = {}
    for n, it in enumerate(ranked):
        rule = rules.multiple[it.row.mult_proc]
        if len(ranked) == 1:
            out[it.index] = (it, 1, 100, "")
        elif n < len(rule.percents):
            out[it.index] = (it, n + 1, rule.percents[n], rule.text)
        else:
            out[it.index] = (it, n + 1, None, rules.by_report_text)
    for it in items:
        if it.index in out:
            continue
        if it.addon:
            out[it.index] = (it, None, 100, rules.addon_text)
        else:
            rule = rules.multiple.get(it.row.mult_proc)
            out[it.index] = (it, None, 100, rule.text if rule else "")
    return [out[it.index] for it in items]
