"""Readers for the tables of fees/pfs.toml, fees/localities.toml, fees/rules.toml and settings.toml."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from esi_helper.fee.doc_reader import Reader
from esi_helper.fee.records import (
    BilateralRule,
    FeeRules,
    Locality,
    MultipleRule,
    PfsMeta,
    PfsRow,
    PosEntry,
    Settings,
    Share,
    Text,
)
from esi_helper.kb.located import LocatedDoc, Problem

RATES = ("facility", "non-facility")

_INDICATOR = re.compile(r"^[0-9A-Z]{1,3}$")


def read_meta(doc: LocatedDoc, problems: list[Problem]) -> PfsMeta | None:
    """The [meta] table of fees/pfs.toml."""
    r = Reader(doc, problems)
    meta = doc.data.get("meta")
    if not isinstance(meta, dict):
        r.bad("missing [meta] (year, release, conversion_factor, citations)")
        return None
    before = len(problems)
    year = r.value(meta, "year", "int", table="meta", default=0)
    cf = r.value(meta, "conversion_factor", "num", table="meta", default=Decimal(0))
    if isinstance(cf, Decimal) and cf <= 0 and len(problems) == before:
        r.bad("conversion_factor must be positive", "meta", "conversion_factor")
    out = PfsMeta(
        year=year,
        release=r.value(meta, "release", "str", table="meta", default=""),
        title=r.value(meta, "title", "text", table="meta", required=False, default=""),
        released=r.value(meta, "released", "text", table="meta", required=False, default=""),
        conversion_factor=cf,
        source_files=tuple(r.value(meta, "source_files", "strs", table="meta", default=[])),
        citations=tuple(r.value(meta, "citations", "strs", table="meta", default=[])),
        codes_missing=tuple(r.value(meta, "codes_missing", "strs", table="meta", required=False, default=[])),
    )
    return out if len(problems) == before else None


def read_rows(doc: LocatedDoc, problems: list[Problem]) -> dict[str, PfsRow]:
    """The [rows] table of fees/pfs.toml."""
    r = Reader(doc, problems)
    rows = doc.data.get("rows")
    if not isinstance(rows, dict) or not rows:
        r.bad("missing [rows]: no fee schedule rows")
        return {}
    out: dict[str, PfsRow] = {}
    for key, item in rows.items():
        line = doc.key_line("rows", key)
        code, _, mod = key.upper().partition("-")
        if not re.fullmatch(r"[0-9A-Z]{5}", code) or (mod and not re.fullmatch(r"[0-9A-Z]{2}", mod)):
            problems.append(doc.problem(f"row '{key}': the key must be a code or code-modifier", line))
            continue
        if not isinstance(item, dict):
            problems.append(doc.problem(f"row '{key}' must be an inline table", line))
            continue
        before = len(problems)

        def num(name: str, _item: dict[str, Any] = item, _key: str = key, _line: int | None = line) -> Decimal:
            v = _item.get(name)
            if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
                problems.append(doc.problem(f"row '{_key}': '{name}' must be a number ≥ 0", _line))
                return Decimal(0)
            return Decimal(str(v))

        def ind(name: str, _item: dict[str, Any] = item, _key: str = key, _line: int | None = line) -> str:
            v = _item.get(name)
            if not isinstance(v, str) or not _INDICATOR.match(v):
                problems.append(doc.problem(f"row '{_key}': '{name}' must be the CMS indicator as text", _line))
                return ""
            return v

        opps = item.get("opps")
        opps_t: tuple[Decimal, Decimal, Decimal] | None = None
        if opps is not None:
            if (
                not isinstance(opps, list)
                or len(opps) != 3
                or not all(isinstance(x, int | float) and not isinstance(x, bool) and x >= 0 for x in opps)
            ):
                problems.append(
                    doc.problem(f"row '{key}': 'opps' must be 3 numbers (PE non-facility, PE facility, MP)", line)
                )
            else:
                opps_t = (Decimal(str(opps[0])), Decimal(str(opps[1])), Decimal(str(opps[2])))
        known = {
            "status",
            "work",
            "pe_nf",
            "pe_f",
            "mp",
            "global",
            "mult_proc",
            "bilateral",
            "pctc",
            "nf_na",
            "f_na",
            "opps",
        }
        for extra in sorted(set(item) - known):
            problems.append(doc.problem(f"row '{key}': unknown field '{extra}'", line))
        row = PfsRow(
            code=code,
            modifier=mod,
            status=ind("status"),
            work=num("work"),
            pe_nonfacility=num("pe_nf"),
            pe_facility=num("pe_f"),
            mp=num("mp"),
            global_days=ind("global"),
            mult_proc=ind("mult_proc"),
            bilateral=ind("bilateral"),
            pctc=ind("pctc"),
            nonfacility_na=item.get("nf_na") is True,
            facility_na=item.get("f_na") is True,
            opps=opps_t,
            line=line,
        )
        if len(problems) == before:
            out[row.key] = row
    return out


def read_localities(doc: LocatedDoc, problems: list[Problem]) -> tuple[list[Locality], dict[str, Any]]:
    """The [[locality]] entries of fees/localities.toml and its [meta]."""
    r = Reader(doc, problems)
    meta = doc.data.get("meta", {})
    if not isinstance(meta, dict):
        r.bad("[meta] must be a table")
        meta = {}
    r.value(meta, "citations", "strs", table="meta")
    r.value(meta, "year", "int", table="meta")
    items = doc.data.get("locality")
    if not isinstance(items, list) or not items:
        r.bad("no [[locality]] entries")
        return [], meta
    out: list[Locality] = []
    seen: dict[str, int | None] = {}
    for i, item in enumerate(items):
        line = doc.table_line("locality", i)
        before = len(problems)

        def get(key: str, kind: str = "str", required: bool = True, _item: Any = item, _i: int = i) -> Any:
            return r.value(
                _item,
                key,
                kind,
                table="locality",
                index=_i,
                required=required,
                default="" if kind in ("str", "text") else [],
                label=f"locality {_i + 1}",
            )

        mac, number = get("mac"), get("number")
        if mac and not re.fullmatch(r"\d{5}", mac):
            r.bad(f"locality {i + 1}: mac '{mac}' must be 5 digits", "locality", "mac", i)
        if number and not re.fullmatch(r"\d{2}", number):
            r.bad(f"locality {i + 1}: number '{number}' must be 2 digits", "locality", "number", i)
        state = get("state")
        if state and not re.fullmatch(r"[A-Z]{2}", state):
            r.bad(f"locality {i + 1}: state '{state}' must be a 2-letter code", "locality", "state", i)
        gpci = item.get("gpci") if isinstance(item, dict) else None
        if (
            not isinstance(gpci, list)
            or len(gpci) != 3
            or not all(isinstance(g, int | float) and not isinstance(g, bool) and g > 0 for g in gpci)
        ):
            r.bad(f"locality {i + 1}: gpci must be 3 positive numbers [work, PE, MP]", "locality", "gpci", i)
            gpci = [1, 1, 1]
        loc = Locality(
            mac=mac,
            number=number,
            state=state,
            name=get("name"),
            gpci_work=Decimal(str(gpci[0])),
            gpci_pe=Decimal(str(gpci[1])),
            gpci_mp=Decimal(str(gpci[2])),
            state_name=get("state_name", "text", False),
            area=get("area", "text", False),
            counties=get("counties", "text", False),
            notes=tuple(get("notes", "strs", False)),
            line=line,
        )
        if len(problems) != before:
            continue
        if loc.id in seen:
            problems.append(doc.problem(f"locality {loc.id} is listed twice (first at line {seen[loc.id]})", line))
            continue
        seen[loc.id] = line
        out.append(loc)
    return out, meta


def read_rules(doc: LocatedDoc, problems: list[Problem]) -> FeeRules | None:
    """fees/rules.toml."""
    r = Reader(doc, problems)
    d = doc.data
    before = len(problems)

    def table(name: str) -> dict[str, Any]:
        v = d.get(name)
        if not isinstance(v, dict):
            r.bad(f"missing [{name}]")
            return {}
        return v

    def share(name: str, low_key: str, high_key: str) -> Share:
        t = table(name)
        low = r.value(t, low_key, "int", table=name, default=0)
        high = r.value(t, high_key, "int", table=name, default=low) if high_key != low_key else low
        txt = r.text(t, name)
        if isinstance(low, int) and isinstance(high, int) and not 0 <= low <= high <= 1000:
            r.bad(f"[{name}]: percentages must satisfy 0 ≤ {low_key} ≤ {high_key}", name, low_key)
        return Share(low, high, txt.text, txt.citations)

    bilateral_t = table("bilateral")
    bilateral: dict[str, BilateralRule] = {}
    for ind, item in (bilateral_t.get("indicators") or {}).items():
        where = f"bilateral.indicators.{ind}"
        action = r.value(item, "modifier", "str", table=where, default="refuse")
        if action not in ("pay", "refuse"):
            r.bad(f'[{where}]: modifier must be "pay" or "refuse"', where, "modifier")
        percent = r.value(item, "percent", "int", table=where, required=action == "pay", default=100)
        bilateral[ind] = BilateralRule(action == "pay", percent, r.value(item, "text", "str", table=where, default=""))
    if not bilateral:
        r.bad("[bilateral.indicators.N] tables are missing", "bilateral")
    mp_t = table("multiple_procedure")
    multiple: dict[str, MultipleRule] = {}
    for ind, item in (mp_t.get("indicators") or {}).items():
        where = f"multiple_procedure.indicators.{ind}"
        special = r.value(item, "special", "bool", table=where, required=False, default=False)
        percents = r.value(item, "percents", "ints", table=where, required=not special, default=[])
        multiple[ind] = MultipleRule(tuple(percents), special, r.value(item, "text", "str", table=where, default=""))
    status_t = table("status")
    pctc_t = table("pctc")
    rules = FeeRules(
        bilateral_modifier=r.value(d, "bilateral_modifier", "str", default=""),
        component_modifiers=tuple(r.value(d, "component_modifiers", "strs", default=[])),
        payable_status=tuple(r.value(d, "payable_status", "strs", default=[])),
        addon_global=r.value(d, "addon_global", "str", default=""),
        formula=Text(r.value(d, "formula", "str", default=""), tuple(r.value(d, "citations", "strs", default=[]))),
        status={k: v for k, v in status_t.items() if k != "citations" and isinstance(v, str)},
        status_citations=tuple(r.value(status_t, "citations", "strs", table="status", default=[])),
        bilateral=bilateral,
        bilateral_citations=tuple(r.value(bilateral_t, "citations", "strs", table="bilateral", default=[])),
        bilateral_addon=r.text(bilateral_t.get("addon", {}), "bilateral.addon"),
        pctc={k: v for k, v in pctc_t.items() if k != "citations" and isinstance(v, str)},
        pctc_citations=tuple(r.value(pctc_t, "citations", "strs", table="pctc", default=[])),
        multiple=multiple,
        ranked=tuple(r.value(mp_t, "ranked", "strs", table="multiple_procedure", default=[])),
        multiple_citations=tuple(r.value(mp_t, "citations", "strs", table="multiple_procedure", default=[])),
        addon_text=r.value(mp_t.get("addon"), "text", "str", table="multiple_procedure.addon", default=""),
        by_report_text=r.value(mp_t.get("by_report"), "text", "str", table="multiple_procedure.by_report", default=""),
        na=r.text(table("na"), "na"),
        opps_cap=r.text(table("opps_cap"), "opps_cap"),
        addon=r.text(table("addon"), "addon"),
        caveat=r.text(table("caveat"), "caveat"),
        patient_share=share("patient_share", "coinsurance_percent", "coinsurance_percent"),
        rule_of_thumb=share("rule_of_thumb", "low_percent", "high_percent"),
    )
    return rules if len(problems) == before else None


def read_settings(doc: LocatedDoc, problems: list[Problem]) -> Settings:
    """settings.toml: [[pos]] entries."""
    r = Reader(doc, problems)
    general = None
    if isinstance(doc.data.get("general"), dict):
        general = r.text(doc.data["general"], "general")
    out: dict[str, PosEntry] = {}
    items = doc.data.get("pos")
    if not isinstance(items, list) or not items:
        r.bad("no [[pos]] entries")
        return Settings(out, general)
    for key in doc.data:
        if key not in ("pos", "general"):
            r.bad(f"unknown table '{key}' (expected [[pos]] and [general])", None, key)
    for i, item in enumerate(items):
        before = len(problems)
        label = f"pos {i + 1}"
        code = r.value(item, "code", "str", table="pos", index=i, default="", label=label)
        if code and not re.fullmatch(r"\d{2}", code):
            r.bad(f"{label}: code '{code}' must be two digits", "pos", "code", i)
        rate = r.value(item, "rate", "str", table="pos", index=i, default="", label=label)
        if rate and rate not in RATES:
            r.bad(f"{label}: rate '{rate}' must be one of {', '.join(RATES)}", "pos", "rate", i)
        entry = PosEntry(
            code=code,
            name=r.value(item, "name", "str", table="pos", index=i, default="", label=label),
            rate=rate,
            citations=tuple(r.value(item, "citations", "strs", table="pos", index=i, default=[], label=label)),
            note=r.value(item, "note", "text", table="pos", index=i, required=False, default="", label=label),
            line=doc.table_line("pos", i),
        )
        if isinstance(item, dict):
            for extra in sorted(set(item) - {"code", "name", "rate", "citations", "note"}):
                r.bad(f"{label}: unknown field '{extra}'", "pos", extra, i)
        if len(problems) != before:
            continue
        if code in out:
            r.bad(f"POS {code} is listed twice", "pos", "code", i)
            continue
        out[code] = entry
    return Settings(out, general)
