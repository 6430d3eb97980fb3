"""Finding a CMS PFS relative value bundle and reading its PPRRVU file, checking every kept value.

PPRRVU*.csv holds the RVUs and indicators under a multi-row header; the locality files (GPCI*.csv, *LOCCO.csv,
ZIP5) are read by ``esi_helper.fee.cms_localities``. Errors are PfsImportError with file, line and field.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

#: PPRRVU columns the importer needs, by the header CMS prints (the multi-row header cells joined by spaces).
PPRRVU_COLUMNS = {
    "code": "HCPCS",
    "mod": "MOD",
    "status": "STATUS CODE",
    "work": "WORK RVU",
    "pe_nf": "NON-FAC PE RVU",
    "nf_na": "NON-FAC NA INDICATOR",
    "pe_f": "FACILITY PE RVU",
    "f_na": "FACILITY NA INDICATOR",
    "mp": "MP RVU",
    "total_nf": "NON-FACILITY TOTAL",
    "total_f": "FACILITY TOTAL",
    "pctc": "PCTC IND",
    "global": "GLOB DAYS",
    "mult_proc": "MULT PROC",
    "bilateral": "BILAT SURG",
    "cf": "CONV FACTOR",
    "opps_pe_nf": "NON-FACILITY PE USED FOR OPPS PAYMENT AMOUNT",
    "opps_pe_f": "FACILITY PE USED FOR OPPS PAYMENT AMOUNT",
    "opps_mp": "MP USED FOR OPPS PAYMENT AMOUNT",
}

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_TOTAL_TOLERANCE = Decimal("0.015")


class PfsImportError(Exception):
    """The CMS files could not be imported; the message says which file, line and field."""


@dataclass
class SourceFile:
    """One CMS file read by the importer."""

    path: Path
    sha256: str = ""

    @property
    def name(self) -> str:
        return self.path.name


# ----------------------------------------------------------------------------------------------------------------
# finding and reading the files


def find_bundle(folder: Path) -> dict[str, Path]:
    """The CMS files in ``folder`` (searched recursively), by kind; raise PfsImportError if one is missing."""
    if not folder.is_dir():
        raise PfsImportError(f"{folder}: not a folder")
    patterns = {
        "pprrvu": re.compile(r"^PPRRVU.*\.csv$", re.I),
        "gpci": re.compile(r"^GPCI.*\.csv$", re.I),
        "locco": re.compile(r"^.*LOCCO.*\.csv$", re.I),
        "zip": re.compile(r"^ZIP5(?!lyout).*\.txt$", re.I),
    }
    found: dict[str, list[Path]] = {k: [] for k in patterns}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            for kind, pattern in patterns.items():
                if pattern.match(path.name):
                    found[kind].append(path)
    hints = {
        "pprrvu": "PPRRVU*.csv (the RVU file)",
        "gpci": "GPCI*.csv",
        "locco": "*LOCCO.csv (locality counties)",
        "zip": "ZIP5_*.txt (ZIP code to carrier locality)",
    }
    out: dict[str, Path] = {}
    for kind, paths in found.items():
        if not paths:
            raise PfsImportError(f"{folder}: no {hints[kind]} found")
        if len(paths) > 1:
            names = ", ".join(str(p.relative_to(folder)) for p in paths)
            raise PfsImportError(f"{folder}: several {hints[kind]} files ({names}); keep one release per folder")
        out[kind] = paths[0]
    return out


def read_text(path: Path) -> str:
    """The file as text: UTF-8 (with or without BOM), else Latin-1."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def csv_rows(path: Path) -> list[list[str]]:
    """The rows of a CSV file, as text cells."""
    return list(csv.reader(read_text(path).splitlines()))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _norm(text: str) -> str:
    return " ".join(text.split()).upper()


def decimal_cell(text: str, where: str, what: str) -> Decimal:
    """The number in a cell; PfsImportError naming ``where`` and ``what`` when it is not one."""
    value = text.strip()
    if not _NUMBER.match(value):
        raise PfsImportError(f"{where}: {what} {value!r} is not a number")
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the regex already rejects these
        raise PfsImportError(f"{where}: {what} {value!r} is not a number") from None


# ----------------------------------------------------------------------------------------------------------------
# PPRRVU


@dataclass
class PfsBundle:
    """What the importer keeps from PPRRVU."""

    year: int
    title: str
    released: str
    conversion_factor: Decimal
    rows: dict[str, dict[str, object]]
    missing: list[str]


def read_pprrvu(path: Path, wanted: list[str]) -> PfsBundle:
    """Rows of PPRRVU for the ``wanted`` codes (every modifier row), checked; the title, release date and CF."""
    rows = csv_rows(path)
    name = path.name
    header_at = next((i for i, r in enumerate(rows) if r and _norm(r[0]) == "HCPCS"), None)
    if header_at is None:
        raise PfsImportError(f"{name}: no header row starting with HCPCS; is this a CMS PPRRVU file?")
    top = header_at
    while top > 0 and any(c.strip() for c in rows[top - 1][3:]):
        top -= 1
    width = max(len(r) for r in rows[top : header_at + 1])
    joined = [
        _norm(" ".join(r[i] for r in rows[top : header_at + 1] if i < len(r) and r[i].strip())) for i in range(width)
    ]
    col: dict[str, int] = {}
    for key, label in PPRRVU_COLUMNS.items():
        if label not in joined:
            raise PfsImportError(f"{name}: column '{label}' not found in the header (line {header_at + 1})")
        col[key] = joined.index(label)
    title, released = "", ""
    for r in rows[:top]:
        for cell in r:
            text = " ".join(cell.split())
            if "RELATIVE VALUE FILE" in text.upper() and not title:
                title = text
            m = re.search(r"RELEASED\s+(\d{1,2})/(\d{1,2})/(\d{4})", text, re.I)
            if m:
                released = f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}"
    year_m = re.match(r"^(\d{4})\b", title)
    if not year_m:
        raise PfsImportError(f"{name}: the title line does not start with the year (found {title!r})")
    year = int(year_m.group(1))
    want = set(wanted)
    kept: dict[str, dict[str, object]] = {}
    cf: Decimal | None = None
    last = max(col.values())
    for lineno, r in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not r or r[0].strip().upper() not in want:
            continue
        where = f"{name} line {lineno}"
        if len(r) <= last:
            raise PfsImportError(f"{where}: {len(r)} columns, expected at least {last + 1}")
        if any(c.strip() for c in r[width:]):
            raise PfsImportError(f"{where}: {len(r)} columns but the header has {width}; a value is split")
        code, mod = r[col["code"]].strip().upper(), r[col["mod"]].strip().upper()
        label = f"{code}-{mod}" if mod else code
        nums = {
            k: decimal_cell(r[col[k]], where, f"{PPRRVU_COLUMNS[k]} of {label}")
            for k in ("work", "pe_nf", "pe_f", "mp", "total_nf", "total_f", "cf", "opps_pe_nf", "opps_pe_f", "opps_mp")
        }
        for k in ("work", "pe_nf", "pe_f", "mp"):
            if nums[k] < 0:
                raise PfsImportError(f"{where}: {PPRRVU_COLUMNS[k]} of {label} is negative ({nums[k]})")
        for total, pe in (("total_nf", "pe_nf"), ("total_f", "pe_f")):
            if abs(nums["work"] + nums[pe] + nums["mp"] - nums[total]) > _TOTAL_TOLERANCE:
                raise PfsImportError(
                    f"{where}: {label}: work + PE + MP RVUs ({nums['work']} + {nums[pe]} + {nums['mp']}) "
                    f"do not add up to {PPRRVU_COLUMNS[total]} {nums[total]}"
                )
        if nums["cf"] <= 0:
            raise PfsImportError(f"{where}: conversion factor {nums['cf']} is not positive")
        if cf is None:
            cf = nums["cf"]
        elif nums["cf"] != cf:
            raise PfsImportError(f"{where}: conversion factor {nums['cf']} differs from {cf} on earlier rows")
        status = r[col["status"]].strip().upper()
        indicators = {k: r[col[k]].strip().upper() for k in ("global", "mult_proc", "bilateral", "pctc")}
        if not re.fullmatch(r"[A-Z]", status):
            raise PfsImportError(f"{where}: status code {status!r} of {label} is not one letter")
        for k, v in indicators.items():
            if not v:
                raise PfsImportError(f"{where}: {PPRRVU_COLUMNS[k]} of {label} is empty")
        row: dict[str, object] = {"status": status}
        row.update({k: nums[k] for k in ("work", "pe_nf", "pe_f", "mp")})
        row.update(indicators)
        if r[col["nf_na"]].strip().upper() == "NA":
            row["nf_na"] = True
        if r[col["f_na"]].strip().upper() == "NA":
            row["f_na"] = True
        opps = [nums["opps_pe_nf"], nums["opps_pe_f"], nums["opps_mp"]]
        if any(opps):
            row["opps"] = opps
        if label in kept:
            raise PfsImportError(f"{where}: {label} appears twice")
        kept[label] = row
    if cf is None:
        raise PfsImportError(f"{name}: none of the {len(want)} requested codes is in the file")
    present = {k.split("-")[0] for k in kept}
    missing = [c for c in wanted if c not in present]
    return PfsBundle(year, title, released, cf, kept, missing)
