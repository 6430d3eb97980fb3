"""Typed records for the fee data: CMS rows, localities, indicator rules, places of service, the ZIP map."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Text:
    """A cited text from the rules file."""

    text: str
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class PfsRow:
    """One CMS relative-value row: a code, or a code with its modifier (26, TC)."""

    code: str
    modifier: str
    status: str
    work: Decimal
    pe_nonfacility: Decimal
    pe_facility: Decimal
    mp: Decimal
    global_days: str
    mult_proc: str
    bilateral: str
    pctc: str
    nonfacility_na: bool = False
    facility_na: bool = False
    opps: tuple[Decimal, Decimal, Decimal] | None = None
    line: int | None = None

    @property
    def key(self) -> str:
        return f"{self.code}-{self.modifier}" if self.modifier else self.code


@dataclass(frozen=True)
class PfsMeta:
    """Which CMS release the rows come from."""

    year: int
    release: str
    title: str
    released: str
    conversion_factor: Decimal
    source_files: tuple[str, ...]
    citations: tuple[str, ...]
    codes_missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Locality:
    """A Medicare payment locality with its GPCIs and the counties it covers."""

    mac: str
    number: str
    state: str
    name: str
    gpci_work: Decimal
    gpci_pe: Decimal
    gpci_mp: Decimal
    state_name: str = ""
    area: str = ""
    counties: str = ""
    notes: tuple[str, ...] = ()
    line: int | None = None

    @property
    def id(self) -> str:
        """``MAC-NN``, the key the ZIP map uses."""
        return f"{self.mac}-{self.number}"

    @property
    def label(self) -> str:
        """``NAME (ST, locality NN, MAC nnnnn)``."""
        return f"{self.name} ({self.state}, locality {self.number}, MAC {self.mac})"

    @property
    def short(self) -> str:
        """``NY 01 MANHATTAN``."""
        return f"{self.state} {self.number} {self.name}"

    def as_json(self) -> dict[str, str]:
        """The locality as the JSON contract gives it."""
        return {"mac": self.mac, "number": self.number, "state": self.state, "name": self.name}


@dataclass(frozen=True)
class BilateralRule:
    """What modifier 50 does for one bilateral indicator."""

    allowed: bool
    percent: int
    text: str


@dataclass(frozen=True)
class MultipleRule:
    """How one multiple-procedure indicator is paid when ranked."""

    percents: tuple[int, ...]
    special: bool
    text: str


@dataclass(frozen=True)
class Share:
    """A percentage of the Medicare amount with its cited text (patient share, rule of thumb)."""

    low: int
    high: int
    text: str
    citations: tuple[str, ...]


@dataclass(frozen=True)
class FeeRules:
    """Indicator meanings and cited texts from fees/rules.toml."""

    bilateral_modifier: str
    component_modifiers: tuple[str, ...]
    payable_status: tuple[str, ...]
    addon_global: str
    formula: Text
    status: dict[str, str]
    status_citations: tuple[str, ...]
    bilateral: dict[str, BilateralRule]
    bilateral_citations: tuple[str, ...]
    bilateral_addon: Text
    pctc: dict[str, str]
    pctc_citations: tuple[str, ...]
    multiple: dict[str, MultipleRule]
    ranked: tuple[str, ...]
    multiple_citations: tuple[str, ...]
    addon_text: str
    by_report_text: str
    na: Text
    opps_cap: Text
    addon: Text
    caveat: Text
    patient_share: Share
    rule_of_thumb: Share


@dataclass(frozen=True)
class PosEntry:
    """A place-of-service code and the rate it gets."""

    code: str
    name: str
    rate: str
    citations: tuple[str, ...]
    note: str = ""
    line: int | None = None

    @property
    def setting(self) -> str:
        """The calculator's setting name: "facility", or "office" for the non-facility rate."""
        return "facility" if self.rate == "facility" else "office"


@dataclass(frozen=True)
class Settings:
    """Place-of-service codes from settings.toml."""

    pos: dict[str, PosEntry]
    general: Text | None = None


@dataclass
class FeeData:
    """Everything the calculator needs except the ZIP map."""

    meta: PfsMeta
    rows: dict[str, PfsRow]
    localities: list[Locality]
    locality_citations: tuple[str, ...]
    locality_notes: tuple[str, ...]
    work_gpci_column: str
    rules: FeeRules
    settings: Settings | None
    by_id: dict[str, Locality] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {loc.id: loc for loc in self.localities}


@dataclass(frozen=True)
class ZipMap:
    """ZIP → locality id, as sorted runs for bisection; ``plus4`` holds the ZIPs CMS splits by ZIP+4."""

    starts: list[int]
    ends: list[int]
    ids: list[str]
    plus4: frozenset[int]
    citations: tuple[str, ...]
    quarter: str = ""

    def lookup(self, zip5: int) -> str | None:
        """The locality id for a ZIP, or None when CMS's file does not list it."""
        from bisect import bisect_right

        i = bisect_right(self.starts, zip5) - 1
        if i >= 0 and zip5 <= self.ends[i]:
            return self.ids[i]
        return None
