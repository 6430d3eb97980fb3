"""FeeSchedule: the public API over the imported Medicare fee data (quotes, ranges, localities, claims)."""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable
from typing import Any

from esi_helper.fee.calculator import (
    HUNDRED,
    AmbiguousLocality,
    Claim,
    ClaimLine,
    FeeError,
    ModifierError,
    PatientShare,
    Quote,
    RuleOfThumb,
    UnknownCode,
    UnknownLocality,
    cents,
    fee_range,
    normalize_setting,
    price,
)
from esi_helper.fee.claim_pricing import price_claim, unique
from esi_helper.fee.data import build, build_zip_map
from esi_helper.fee.locality import LocalityFinder
from esi_helper.fee.ranges import compact_codes
from esi_helper.fee.records import FeeData, Locality, PfsRow, PosEntry, ZipMap
from esi_helper.kb.located import KnowledgeError
from esi_helper.kb.records import KnowledgeBase

_CACHE: dict[int, tuple[weakref.ref[KnowledgeBase], FeeSchedule]] = {}
_ZIP = re.compile(r"^(\d{5})(?:-?\d{4})?$")


class FeeSchedule:
    """Medicare physician fee schedule amounts from knowledge/fees, for one knowledge base."""

    def __init__(self, kb: KnowledgeBase, data: FeeData):
        self.kb = kb
        self.data = data
        self.rules = data.rules
        self.year = data.meta.year
        self.conversion_factor = data.meta.conversion_factor
        self._finder: LocalityFinder | None = None
        self._zips: ZipMap | None = None

    @classmethod
    def load(cls, kb: KnowledgeBase) -> FeeSchedule:
        """The schedule for ``kb`` (built once per knowledge base); KnowledgeError when the fee files are broken."""
        hit = _CACHE.get(id(kb))
        if hit is not None and hit[0]() is kb:
            return hit[1]
        data, problems = build(kb)
        if data is None:
            raise KnowledgeError(problems)
        schedule = cls(kb, data)
        _CACHE[id(kb)] = (weakref.ref(kb), schedule)
        return schedule

    # ------------------------------------------------------------------------------------------------------------
    # codes

    def codes(self) -> list[str]:
        """Codes with fee data (without modifier rows)."""
        return sorted({row.code for row in self.data.rows.values()})

    def has_code(self, code: str) -> bool:
        """Whether the imported data has a row for ``code``."""
        return self._clean_code(code) in self.data.rows

    @staticmethod
    def _clean_code(code: str) -> str:
        return code.strip().lstrip("+").upper()

    def row(self, code: str, modifier: str | None = None) -> PfsRow:
        """The CMS row for ``code`` (and ``modifier`` when CMS gives it its own row); UnknownCode otherwise."""
        code = self._clean_code(code)
        base = self.data.rows.get(code)
        if base is None:
            year = self.year
            if code in self.data.meta.codes_missing:
                raise UnknownCode(f"{code} is not in the CY{year} CMS fee schedule file, so it has no Medicare amount")
            raise UnknownCode(
                f"no CY{year} fee data for '{code}': the imported codes are {compact_codes(self.codes())}"
            )
        mod = (modifier or "").strip().upper()
        return self.data.rows.get(f"{code}-{mod}", base) if mod else base

    # ------------------------------------------------------------------------------------------------------------
    # localities, ZIPs, places of service

    @property
    def localities(self) -> list[Locality]:
        return self.data.localities

    def find_localities(self, text: str) -> list[Locality]:
        """Localities matching a name, county, state, ``MAC-NN`` id or ZIP: one if clear, several if ambiguous."""
        text = text.strip()
        if _ZIP.match(text):
            loc = self.locality_for_zip(text)
            return [loc] if loc else []
        if self._finder is None:
            self._finder = LocalityFinder(self.data.localities)
        return self._finder.find(text)

    def locality(self, text: str) -> Locality:
        """Exactly one locality for ``text``; UnknownLocality or AmbiguousLocality (with candidates) otherwise."""
        found = self.find_localities(text)
        if not found:
            if _ZIP.match(text.strip()):
                raise UnknownLocality(f"ZIP {text.strip()} is not in CMS's ZIP code to locality file")
            raise UnknownLocality(
                f"no Medicare locality matches '{text}': try a city, county, state or ZIP (e.g. 'dallas', 'queens')"
            )
        if len(found) > 1:
            names = "; ".join(loc.short for loc in found[:12])
            more = f" and {len(found) - 12} more" if len(found) > 12 else ""
            raise AmbiguousLocality(
                f"'{text}' matches {len(found)} localities: {names}{more}. Be more specific or give a ZIP", found
            )
        return found[0]

    def _zip_map(self) -> ZipMap:
        if self._zips is None:
            known = set(self.data.by_id)
            zips, problems = build_zip_map(self.kb, known)
            if zips is None:
                raise KnowledgeError(problems)
            self._zips = zips
        return self._zips

    @staticmethod
    def _zip5(zip_code: str) -> int:
        m = _ZIP.match(str(zip_code).strip())
        if not m:
            raise UnknownLocality(f"'{zip_code}' is not a ZIP code (5 digits, or ZIP+4)")
        return int(m.group(1))

    def locality_for_zip(self, zip_code: str) -> Locality | None:
        """The locality CMS's ZIP file gives a 5-digit ZIP (or ZIP+4), or None when the ZIP is not listed."""
        loc_id = self._zip_map().lookup(self._zip5(zip_code))
        return self.data.by_id.get(loc_id) if loc_id else None

    def zip_split(self, zip_code: str) -> bool:
        """Whether CMS splits this ZIP between localities by ZIP+4 (the 5-digit file names one of them)."""
        return self._zip5(zip_code) in self._zip_map().plus4

    def pos(self, pos: str) -> PosEntry:
        """The settings.toml entry for a place-of-service code; FeeError when it is not listed."""
        code = str(pos).strip()
        code = code.zfill(2) if code.isdigit() else code
        settings = self.data.settings
        entry = settings.pos.get(code) if settings else None
        if entry is None:
            known = ", ".join(sorted(settings.pos)) if settings else "none"
            raise FeeError(f"POS '{pos}' is not in knowledge/settings.toml (listed: {known}); give --setting instead")
        return entry

    def setting_for_pos(self, pos: str) -> str:
        """``office`` (non-facility rate) or ``facility`` for a place-of-service code."""
        return self.pos(pos).setting

    # ------------------------------------------------------------------------------------------------------------
    # quotes

    def _resolve_locality(self, locality: Locality | str | None, zip_code: str | None) -> tuple[Locality | None, str]:
        if zip_code:
            loc = self.locality_for_zip(zip_code)
            if loc is None:
                raise UnknownLocality(f"ZIP {zip_code} is not in CMS's ZIP code to locality file")
            return loc, str(zip_code).strip()
        if isinstance(locality, str):
            return self.locality(locality), ""
        return locality, ""

    def _modifier(self, code: str, modifier: str | None) -> tuple[PfsRow, int, str, list[str], list[str]]:
        """The row to price, the percent, its label, notes and citations for ``modifier`` on ``code``."""
        rules = self.rules
        base = self.row(code)
        mod = (modifier or "").strip().lstrip("-").upper()
        if not mod:
            return base, 100, "", [], []
        if mod == rules.bilateral_modifier:
            rule = rules.bilateral.get(base.bilateral)
            if rule is None or not rule.allowed:
                why = rule.text if rule else f"bilateral indicator {base.bilateral} has no rule in fees/rules.toml"
                raise ModifierError(
                    f"modifier {mod} does not apply to {base.code} in the CY{self.year} fee schedule: {why}"
                )
            notes, cites = [rule.text], list(rules.bilateral_citations)
            if base.global_days == rules.addon_global:
                notes.append(rules.bilateral_addon.text)
                cites += list(rules.bilateral_addon.citations)
            return base, rule.percent, f"modifier {mod}", notes, cites
        row = self.data.rows.get(f"{base.code}-{mod}")
        if row is not None:
            return row, 100, "", [rules.pctc.get(base.pctc, "")], list(rules.pctc_citations)
        if mod in rules.component_modifiers:
            why = rules.pctc.get(base.pctc, f"PC/TC indicator {base.pctc}")
            raise ModifierError(f"modifier {mod} does not apply to {base.code}: {why}")
        priced = ", ".join([rules.bilateral_modifier, *rules.component_modifiers])
        raise ModifierError(
            f"modifier '{mod}' is not priced by the fee calculator (it prices {priced}); "
            "other modifiers do not change the amount it shows"
        )

    def quote(
        self,
        code: str,
        setting: str = "office",
        locality: Locality | str | None = None,
        modifier: str | None = None,
        *,
        pos: str | None = None,
        zip_code: str | None = None,
    ) -> Quote:
        """The CY amount for ``code`` in ``setting`` ("office" = non-facility, or "facility") at ``locality``.

        ``locality`` None means national; a string is looked up (AmbiguousLocality when it matches several);
        ``zip_code`` looks the locality up by ZIP; ``pos`` sets the setting from settings.toml. Raises FeeError
        subclasses (UnknownCode, ModifierError, UnknownLocality, AmbiguousLocality) with a one-line message.
        """
        rules = self.rules
        pos_entry = self.pos(pos) if pos else None
        setting = pos_entry.setting if pos_entry else normalize_setting(setting)
        row, percent, percent_label, notes, cites = self._modifier(code, modifier)
        if row.status not in rules.payable_status:
            meaning = rules.status.get(row.status, "not payable under the fee schedule")
            raise FeeError(
                f"{row.key} has status {row.status} in the CY{self.year} fee schedule ({meaning}): no amount to show"
            )
        loc, zip_code = self._resolve_locality(locality, zip_code)
        cf = self.conversion_factor
        result = price(row, setting, loc, cf, percent, percent_label)
        span = fee_range(row, setting, self.data.localities, cf, percent)
        notes = [n for n in notes if n]
        if pos_entry:
            rate = "facility" if pos_entry.rate == "facility" else "non-facility (office)"
            notes.insert(
                0, f"POS {pos_entry.code} ({pos_entry.name}) is paid the {rate} rate. {pos_entry.note}".strip()
            )
            cites += list(pos_entry.citations)
        na = row.facility_na if setting == "facility" else row.nonfacility_na
        if na:
            label = "facility" if setting == "facility" else "non-facility (office)"
            notes.append(rules.na.text.format(setting=label))
            cites += list(rules.na.citations)
        if row.global_days == rules.addon_global:
            notes.append(rules.addon.text)
            cites += list(rules.addon.citations)
        if result.capped:
            notes.append(rules.opps_cap.text)
            cites += list(rules.opps_cap.citations)
        if loc is not None:
            notes += list(loc.notes)
        if zip_code and loc is not None and self.zip_split(zip_code):
            notes.append(
                f"CMS flags ZIP {zip_code[:5]} as having ZIP+4 exceptions (part of it may be priced in another "
                f"locality); its 5-digit file assigns the ZIP to {loc.name}"
            )
        share = rules.patient_share
        patient = cents(result.amount * share.low / HUNDRED)
        thumb = rules.rule_of_thumb
        caveat = rules.caveat.text.format(year=self.year, next_year=self.year + 1)
        citations = unique(
            [
                *self.data.meta.citations,
                *rules.formula.citations,
                *self.data.locality_citations,
                *cites,
                *(self._zip_map().citations if zip_code else ()),
                *rules.caveat.citations,
                *share.citations,
                *thumb.citations,
            ]
        )
        return Quote(
            code=row.code,
            modifier=(modifier or "").strip().lstrip("-").upper(),
            year=self.year,
            setting=setting,
            locality=loc,
            amount=result.amount,
            range=span,
            formula=result.formula,
            citations=citations,
            notes=tuple(n for n in notes if n),
            percent=percent,
            capped=result.capped,
            pos=pos_entry,
            zip_code=zip_code,
            patient_share=PatientShare(share.low, patient, result.amount - patient, share.text),
            rule_of_thumb=RuleOfThumb(
                thumb.low,
                thumb.high,
                cents(result.amount * thumb.low / HUNDRED),
                cents(result.amount * thumb.high / HUNDRED),
                thumb.text,
            ),
            caveat=caveat,
        )

    # ------------------------------------------------------------------------------------------------------------
    # claims

    def claim(
        self,
        lines: Iterable[ClaimLine | str | tuple[Any, ...]],
        setting: str = "office",
        locality: Locality | str | None = None,
        *,
        zip_code: str | None = None,
    ) -> Claim:
        """Price a whole claim: bilateral adjustment first, then the multiple-procedure ranking per indicator.

        Add-on codes are never reduced. A non-add-on line with several units is ranked unit by unit.
        """
        return price_claim(self, lines, setting, locality, zip_code=zip_code)
