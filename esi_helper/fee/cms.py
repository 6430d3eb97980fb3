"""Readers for the CMS files of a PFS relative value bundle, as CMS publishes them, checking every kept value.

PPRRVU*.csv (RVUs and indicators, multi-row header), GPCI*.csv, *LOCCO.csv (counties per locality) and the
fixed-width ZIP5 file (layout ZIP5lyout.txt). Errors are PfsImportError with file, line and field.
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
#: GPCI columns, matched by a fragment of CMS's header text.
GPCI_COLUMNS = {
    "mac": "Medicare Administrative Contractor",
    "state": "State",
    "number": "Locality Number",
    "name": "Locality Name",
    "work": "PW GPCI",
    "pe": "PE GPCI",
    "mp": "MP GPCI",
}
LOCCO_COLUMNS = {
    "mac": "Adminstrative Contractor",
    "number": "Locality Number",
    "state": "State",
    "area": "Fee Schedule Area",
    "counties": "Counties",
}
#: ZIP5 fixed-width layout (ZIP5lyout.txt), as 0-based slices.
ZIP_LAYOUT = {"zip": (2, 7), "carrier": (7, 12), "locality": (12, 14), "plus4": (20, 21), "quarter": (75, 80)}

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


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(_read_text(path).splitlines()))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _norm(text: str) -> str:
    return " ".join(text.split()).upper()


def _decimal(text: str, where: str, what: str) -> Decimal:
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
    rows = _csv_rows(path)
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
            k: _decimal(r[col[k]], where, f"{PPRRVU_COLUMNS[k]} of {label}")
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


# ----------------------------------------------------------------------------------------------------------------
# GPCI and locality counties


def _header_columns(
    rows: list[list[str]], name: str, wanted: dict[str, str], anchor: str
) -> tuple[int, dict[str, int]]:
    at = next((i for i, r in enumerate(rows) if any(anchor.lower() in c.lower() for c in r)), None)
    if at is None:
        raise PfsImportError(f"{name}: no header row with '{anchor}'")
    header = [" ".join(c.split()) for c in rows[at]]
    col: dict[str, int] = {}
    for key, fragment in wanted.items():
        hits = [i for i, c in enumerate(header) if fragment.lower() in c.lower()]
        if key == "state":
            hits = [i for i, c in enumerate(header) if c.lower() == "state"]
        if not hits:
            raise PfsImportError(f"{name}: column '{fragment}' not found in the header (line {at + 1})")
        col[key] = hits[0]
    return at, col


def read_gpci(path: Path, year: int) -> tuple[list[dict[str, object]], str, list[str]]:
    """Localities with their GPCIs; the work-GPCI column header (it says whether the 1.0 floor is in); footnotes."""
    rows = _csv_rows(path)
    name = path.name
    at, col = _header_columns(rows, name, GPCI_COLUMNS, "Locality Number")
    header = [" ".join(c.split()) for c in rows[at]]
    work_header = header[col["work"]]
    head_years = {
        int(y) for c in (work_header, header[col["pe"]], header[col["mp"]]) for y in re.findall(r"\b(20\d\d)\b", c)
    }
    if head_years and head_years != {year}:
        raise PfsImportError(f"{name}: GPCIs are for {sorted(head_years)}, the RVU file is for {year}")
    out: list[dict[str, object]] = []
    notes: list[str] = []
    seen: set[str] = set()
    last = max(col.values())
    for lineno, r in enumerate(rows[at + 1 :], start=at + 2):
        cells = [c.strip() for c in r]
        if not any(cells):
            continue
        mac = cells[col["mac"]] if len(cells) > col["mac"] else ""
        if not re.fullmatch(r"\d{4,5}", mac):
            text = " ".join(c for c in cells if c)
            if text:
                notes.append(text)
            continue
        where = f"{name} line {lineno}"
        if len(cells) <= last:
            raise PfsImportError(f"{where}: {len(cells)} columns, expected at least {last + 1}")
        if any(cells[len(header) :]):
            raise PfsImportError(f"{where}: {len(cells)} columns but the header has {len(header)}; a value is split")
        number = cells[col["number"]]
        if not re.fullmatch(r"\d{1,2}", number):
            raise PfsImportError(f"{where}: locality number {number!r} is not a number")
        state = cells[col["state"]].upper()
        if not re.fullmatch(r"[A-Z]{2}", state):
            raise PfsImportError(f"{where}: state {state!r} is not a 2-letter code")
        gpci = [_decimal(cells[col[k]], where, f"{GPCI_COLUMNS[k]}") for k in ("work", "pe", "mp")]
        if any(g <= 0 for g in gpci):
            raise PfsImportError(f"{where}: GPCIs must be positive, found {gpci}")
        raw_name = " ".join(cells[col["name"]].split())
        stars = len(raw_name) - len(raw_name.rstrip("*"))
        loc = {
            "mac": mac.zfill(5),
            "number": number.zfill(2),
            "state": state,
            "name": raw_name.rstrip("*").strip(),
            "gpci": gpci,
            "stars": stars,
        }
        key = f"{loc['mac']}-{loc['number']}"
        if key in seen:
            raise PfsImportError(f"{where}: locality {key} appears twice")
        seen.add(key)
        out.append(loc)
    if not out:
        raise PfsImportError(f"{name}: no locality rows")
    return out, work_header, notes


def read_locco(path: Path) -> dict[str, dict[str, str]]:
    """Counties per locality key ``MAC-NN`` (state names carried down the way CMS prints them).

    An area marked with ``*`` gets the file's matching footnote as ``note``.
    """
    rows = _csv_rows(path)
    name = path.name
    at, col = _header_columns(rows, name, LOCCO_COLUMNS, "Locality Number")
    out: dict[str, dict[str, str]] = {}
    notes: dict[int, str] = {}
    state = ""
    for lineno, r in enumerate(rows[at + 1 :], start=at + 2):
        cells = [" ".join(c.split()) for c in r] + [""] * 5
        mac = cells[col["mac"]]
        if mac.startswith("*") and not cells[col["number"]]:
            notes[len(mac) - len(mac.lstrip("*"))] = mac.lstrip("*").strip()
            continue
        if cells[col["state"]]:
            state = cells[col["state"]].rstrip("*").strip()
        if not mac:
            continue
        if not re.fullmatch(r"\d{3,5}", mac) or not re.fullmatch(r"\d{1,2}", cells[col["number"]]):
            raise PfsImportError(f"{name} line {lineno}: MAC {mac!r} / locality {cells[col['number']]!r} not numbers")
        key = f"{mac.zfill(5)}-{cells[col['number']].zfill(2)}"
        area = cells[col["area"]]
        entry = {"state_name": state, "area": area.rstrip("*").strip(), "counties": cells[col["counties"]]}
        if area.endswith("*"):
            entry["stars"] = str(len(area) - len(area.rstrip("*")))
        out.setdefault(key, entry)
    for entry in out.values():
        note = notes.get(int(entry.pop("stars", "0")))
        if note:
            entry["note"] = note
    return out


# ----------------------------------------------------------------------------------------------------------------
# ZIP code to locality


def read_zip5(path: Path, known: set[str]) -> tuple[dict[str, list[int]], list[int], str, int]:
    """ZIPs per locality key, the ZIPs split by ZIP+4, the year-quarter, and the ZIP count."""
    name = path.name
    by_loc: dict[str, list[int]] = {}
    plus4: list[int] = []
    quarters: set[str] = set()
    seen: set[int] = set()
    z0, z1 = ZIP_LAYOUT["zip"]
    c0, c1 = ZIP_LAYOUT["carrier"]
    l0, l1 = ZIP_LAYOUT["locality"]
    p0, p1 = ZIP_LAYOUT["plus4"]
    q0, q1 = ZIP_LAYOUT["quarter"]
    for lineno, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        zip5, carrier, locality = line[z0:z1], line[c0:c1], line[l0:l1]
        if len(line) < p1 or not (zip5.isdigit() and carrier.isdigit() and locality.isdigit()):
            raise PfsImportError(
                f"{name} line {lineno}: expected state, 5-digit ZIP, 5-digit carrier and 2-digit locality "
                f"(ZIP5 layout), found {line[:p1]!r}"
            )
        key = f"{carrier}-{locality}"
        if key not in known:
            raise PfsImportError(f"{name} line {lineno}: carrier {carrier} locality {locality} is not in the GPCI file")
        z = int(zip5)
        if z in seen:
            raise PfsImportError(f"{name} line {lineno}: ZIP {zip5} appears twice")
        seen.add(z)
        by_loc.setdefault(key, []).append(z)
        if line[p0:p1] == "1":
            plus4.append(z)
        quarter = line[q0:q1].strip()
        if quarter:
            quarters.add(quarter)
    if not seen:
        raise PfsImportError(f"{name}: no ZIP rows")
    quarter = ",".join(sorted(quarters))
    return by_loc, sorted(plus4), quarter, len(seen)
