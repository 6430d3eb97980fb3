"""Compact TOML text for knowledge/fees, written by the importer (comments explain each file to editors)."""

from __future__ import annotations

import json
from decimal import Decimal

from esi_helper.fee.cms import PfsBundle, SourceFile
from esi_helper.fee.ranges import compress_zips


def _s(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _n(value: Decimal) -> str:
    text = format(value, "f")
    return text if "." in text else text + ".0"


def _strings(values: list[str]) -> str:
    return "[" + ", ".join(_s(v) for v in values) + "]"


def _wrap(items: list[str], width: int = 96) -> list[str]:
    chunks: list[str] = []
    current = ""
    for item in items:
        if current and len(current) + 1 + len(item) > width:
            chunks.append(current)
            current = item
        else:
            current = f"{current} {item}" if current else item
    if current:
        chunks.append(current)
    return chunks


def render_pfs(bundle: PfsBundle, release: str, files: list[SourceFile], citations: list[str]) -> str:
    """The text of fees/pfs.toml."""
    out = [
        "# Medicare Physician Fee Schedule relative values and payment indicators for the ESI family and its",
        "# neighbours, written by `esi-helper kb import-pfs` from the CMS files named in [meta]. Do not edit by hand:",
        "# re-run the importer with next year's files. CMS's short descriptions (AMA CPT text) are not copied.",
        "# Row keys are the code, or code-modifier for CMS's modifier-specific rows (26 professional, TC technical).",
        "# work, pe_nf (non-facility PE), pe_f (facility PE), mp: RVUs; status, global, mult_proc, bilateral, pctc:",
        "# the CMS indicators; nf_na/f_na: CMS prints NA for that setting; opps: the PE and MP RVUs CMS uses for the",
        "# OPPS imaging cap (non-facility PE, facility PE, MP).",
        "",
        "[meta]",
        f"year = {bundle.year}",
        f"release = {_s(release)}",
        f"title = {_s(bundle.title)}",
        f"released = {_s(bundle.released)}",
        f"conversion_factor = {_n(bundle.conversion_factor)}",
        f"source_files = {_strings([f.name for f in files])}",
        f"sha256 = {_strings([f.sha256 for f in files])}",
        f"codes_missing = {_strings(bundle.missing)}",
        f"citations = {_strings(citations)}",
        "",
        "[rows]",
    ]
    for key in sorted(bundle.rows, key=lambda k: (k.split("-")[0], k)):
        row = bundle.rows[key]
        parts = [f"status = {_s(str(row['status']))}"]
        for k in ("work", "pe_nf", "pe_f", "mp"):
            parts.append(f"{k} = {_n(row[k])}")  # type: ignore[arg-type]
        for k in ("global", "mult_proc", "bilateral", "pctc"):
            parts.append(f"{k} = {_s(str(row[k]))}")
        for k in ("nf_na", "f_na"):
            if row.get(k):
                parts.append(f"{k} = true")
        if "opps" in row:
            parts.append("opps = [" + ", ".join(_n(v) for v in row["opps"]) + "]")  # type: ignore[attr-defined]
        out.append(f"{_s(key)} = {{ {', '.join(parts)} }}")
    return "\n".join(out) + "\n"


def render_localities(
    year: int,
    localities: list[dict[str, object]],
    counties: dict[str, dict[str, str]],
    work_header: str,
    notes: list[str],
    files: list[SourceFile],
    citations: list[str],
) -> str:
    """The text of fees/localities.toml."""
    star_notes = {
        n.count("*", 0, len(n) - len(n.lstrip("*"))): n.lstrip("*").strip() for n in notes if n.startswith("*")
    }
    other = [n for n in notes if not n.startswith("*")]
    out = [
        "# Medicare payment localities: geographic practice cost indices (GPCIs) by MAC and locality, with the",
        "# counties each covers. Written by `esi-helper kb import-pfs` from the CMS files in [meta]; do not edit by",
        "# hand.",
        "# gpci = [work, practice expense, malpractice], as CMS prints them (see work_gpci_column for the floor).",
        "",
        "[meta]",
        f"year = {year}",
        f"source_files = {_strings([f.name for f in files])}",
        f"sha256 = {_strings([f.sha256 for f in files])}",
        f"work_gpci_column = {_s(work_header)}",
        f"notes = {_strings(other + list(star_notes.values()))}",
        f"citations = {_strings(citations)}",
    ]
    for loc in localities:
        key = f"{loc['mac']}-{loc['number']}"
        extra = counties.get(key, {})
        out += [
            "",
            "[[locality]]",
            f"mac = {_s(str(loc['mac']))}",
            f"number = {_s(str(loc['number']))}",
            f"state = {_s(str(loc['state']))}",
            f"name = {_s(str(loc['name']))}",
        ]
        if extra:
            out.append(f"state_name = {_s(extra['state_name'])}")
            if extra["area"] and extra["area"].upper() != str(loc["name"]).upper():
                out.append(f"area = {_s(extra['area'])}")
            out.append(f"counties = {_s(extra['counties'])}")
        out.append("gpci = [" + ", ".join(_n(g) for g in loc["gpci"]) + "]")  # type: ignore[attr-defined]
        stars = int(loc["stars"])  # type: ignore[call-overload]
        loc_notes = [star_notes[stars]] if stars in star_notes else []
        if extra.get("note"):
            loc_notes.append(extra["note"])
        if loc_notes:
            out.append(f"notes = {_strings(loc_notes)}")
    return "\n".join(out) + "\n"


def render_zip(
    by_loc: dict[str, list[int]],
    plus4: list[int],
    quarter: str,
    count: int,
    files: list[SourceFile],
    citations: list[str],
) -> str:
    """The text of fees/zip.toml: per locality, its ZIPs as ranges of consecutive numbers."""
    out = [
        "# ZIP code to Medicare carrier and pricing locality, written by `esi-helper kb import-pfs` from the CMS ZIP5",
        "# file in [meta]; do not edit by hand. [zips]: locality (MAC-number) = its ZIP codes, as 'first-last' runs of",
        "# consecutive ZIPs or single ZIPs. plus4: ZIPs CMS flags as having ZIP+4 exceptions (part of the ZIP may be",
        "# priced in another locality; the 5-digit file gives one).",
        "",
        "[meta]",
        f"source_files = {_strings([f.name for f in files])}",
        f"sha256 = {_strings([f.sha256 for f in files])}",
        f"quarter = {_s(quarter)}",
        f"zip_count = {count}",
        f"citations = {_strings(citations)}",
        "plus4 = [",
    ]
    out += [f"  {_s(chunk)}," for chunk in _wrap([f"{z:05d}" for z in plus4])]
    out += ["]", "", "[zips]"]
    for key in sorted(by_loc):
        chunks = _wrap(compress_zips(by_loc[key]))
        if len(chunks) == 1:
            out.append(f"{_s(key)} = [{_s(chunks[0])}]")
        else:
            out.append(f"{_s(key)} = [")
            out += [f"  {_s(c)}," for c in chunks]
            out.append("]")
    return "\n".join(out) + "\n"
