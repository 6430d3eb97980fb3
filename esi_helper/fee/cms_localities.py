"""Readers for the CMS locality files: GPCI*.csv (GPCIs), *LOCCO.csv (counties per locality) and the
fixed-width ZIP5 file (layout ZIP5lyout.txt), checking every kept value. Errors are PfsImportError.
"""

from __future__ import annotations

import re
from pathlib import Path

from esi_helper.fee.cms import PfsImportError, csv_rows, decimal_cell, read_text

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
    rows = csv_rows(path)
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
        gpci = [decimal_cell(cells[col[k]], where, f"{GPCI_COLUMNS[k]}") for k in ("work", "pe", "mp")]
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
    rows = csv_rows(path)
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
    for lineno, line in enumerate(read_text(path).splitlines(), start=1):
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
