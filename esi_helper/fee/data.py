"""Building the fee data (``esi_helper.fee.records``) from knowledge/fees and knowledge/settings.toml.

``build(kb)`` reads the small files the calculator always needs (pfs, localities, rules, settings); the ZIP map is
read only by ``build_zip_map`` when a ZIP is looked up. ``validate_kb`` is what ``esi-helper kb check`` runs (it
lives in ``esi_helper.fee.validate``). The per-file readers are in ``esi_helper.fee.readers``.
"""

from __future__ import annotations

from esi_helper.fee.doc_reader import Reader, load_doc
from esi_helper.fee.readers import read_localities, read_meta, read_rows, read_rules, read_settings
from esi_helper.fee.records import FeeData, ZipMap
from esi_helper.kb.located import Problem
from esi_helper.kb.records import KnowledgeBase

PFS = "fees/pfs.toml"
LOCALITIES = "fees/localities.toml"
ZIPS = "fees/zip.toml"
RULES = "fees/rules.toml"
IMPORT = "fees/import.toml"
SETTINGS = "settings.toml"

__all__ = ["build", "build_zip_map", "validate_kb"]


def validate_kb(kb: KnowledgeBase) -> list[Problem]:
    """Every problem in the fee files and settings.toml, with file and line (see esi_helper.fee.validate)."""
    from esi_helper.fee.validate import validate_kb as validate

    return validate(kb)


def build(kb: KnowledgeBase) -> tuple[FeeData | None, list[Problem]]:
    """Read the fee files the calculator needs (not the ZIP map); None with problems when they are unusable."""
    problems: list[Problem] = []
    pfs = load_doc(kb, PFS, problems, required=True)
    locs = load_doc(kb, LOCALITIES, problems, required=True)
    rules_doc = load_doc(kb, RULES, problems, required=True)
    settings_doc = load_doc(kb, SETTINGS, problems, required=False)
    meta = read_meta(pfs, problems) if pfs else None
    rows = read_rows(pfs, problems) if pfs else {}
    localities, loc_meta = read_localities(locs, problems) if locs else ([], {})
    rules = read_rules(rules_doc, problems) if rules_doc else None
    settings = read_settings(settings_doc, problems) if settings_doc else None
    if meta is None or rules is None or not rows or not localities or problems:
        return None, problems
    notes = loc_meta.get("notes", [])
    data = FeeData(
        meta=meta,
        rows=rows,
        localities=localities,
        locality_citations=tuple(loc_meta.get("citations", ())),
        locality_notes=tuple(n for n in notes if isinstance(n, str)),
        work_gpci_column=str(loc_meta.get("work_gpci_column", "")),
        rules=rules,
        settings=settings,
    )
    return data, problems


def build_zip_map(kb: KnowledgeBase, known: set[str] | None = None) -> tuple[ZipMap | None, list[Problem]]:
    """Read fees/zip.toml into a ZipMap (checked for bad runs, overlaps and unknown localities)."""
    from esi_helper.fee.ranges import parse_zip_runs

    problems: list[Problem] = []
    doc = load_doc(kb, ZIPS, problems, required=True)
    if doc is None:
        return None, problems
    r = Reader(doc, problems)
    meta = doc.data.get("meta", {})
    citations = r.value(meta, "citations", "strs", table="meta", default=[])
    plus4_text = r.value(meta, "plus4", "strs", table="meta", required=False, default=[])
    zips = doc.data.get("zips")
    if not isinstance(zips, dict) or not zips:
        r.bad("missing [zips]: no ZIP codes")
        return None, problems
    runs: list[tuple[int, int, str]] = []
    for key, value in zips.items():
        if known is not None and key not in known:
            r.bad(f"[zips] '{key}' is not a locality in {LOCALITIES}", "zips", key)
            continue
        chunks = value if isinstance(value, list) else [value]
        for chunk in chunks:
            if not isinstance(chunk, str):
                r.bad(f"[zips] '{key}' must be a list of text", "zips", key)
                break
            try:
                runs.extend((a, b, key) for a, b in parse_zip_runs(chunk))
            except ValueError as exc:
                r.bad(f"[zips] '{key}': {exc}", "zips", key)
                break
    runs.sort()
    for (_a1, b1, k1), (a2, _b2, k2) in zip(runs, runs[1:], strict=False):
        if a2 <= b1:
            r.bad(f"[zips] ZIP {a2:05d} is given to both {k1} and {k2}", "zips", k2)
            break
    plus4: set[int] = set()
    for chunk in plus4_text:
        plus4.update(int(z) for z in chunk.split() if z.isdigit())
    if problems:
        return None, problems
    zip_map = ZipMap(
        starts=[a for a, _, _ in runs],
        ends=[b for _, b, _ in runs],
        ids=[k for _, _, k in runs],
        plus4=frozenset(plus4),
        citations=tuple(citations),
        quarter=str(meta.get("quarter", "")),
    )
    return zip_map, problems
