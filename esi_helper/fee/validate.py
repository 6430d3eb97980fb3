"""``esi-helper kb check`` for the fee files: every problem with its file and line."""

from __future__ import annotations

from esi_helper.fee.data import (
    IMPORT,
    LOCALITIES,
    PFS,
    RULES,
    SETTINGS,
    ZIPS,
    build,
    build_zip_map,
)
from esi_helper.fee.doc_reader import Reader, load_doc
from esi_helper.fee.readers import read_settings
from esi_helper.fee.records import FeeData
from esi_helper.kb.located import Problem
from esi_helper.kb.records import KnowledgeBase


def validate_kb(kb: KnowledgeBase) -> list[Problem]:
    """Every problem in the fee files and settings.toml, with file and line (empty when there is no fee data)."""
    if not (kb.root / "fees").is_dir() and not (kb.root / SETTINGS).is_file():
        return []
    problems: list[Problem] = []
    if (kb.root / "fees").is_dir():
        data, problems = build(kb)
        known = {loc.id for loc in data.localities} if data else None
        _, zip_problems = build_zip_map(kb, known)
        problems.extend(zip_problems)
        _check_import_config(kb, problems)
        if data is not None:
            _check_citations(kb, data, problems)
            _check_rows_against_rules(kb, data, problems)
            _check_codes(kb, data, problems)
    else:
        doc = load_doc(kb, SETTINGS, problems, required=False)
        if doc is not None:
            settings = read_settings(doc, problems)
            _cite_check(kb, problems, SETTINGS, [(p.citations, p.line) for p in settings.pos.values()])
    return problems


def _cite_check(
    kb: KnowledgeBase, problems: list[Problem], rel: str, items: list[tuple[tuple[str, ...], int | None]]
) -> None:
    for cites, line in items:
        if not cites:
            problems.append(Problem(rel, line, "cites no source"))
        for c in cites:
            if c not in kb.sources:
                problems.append(Problem(rel, line, f"cites unknown source '{c}' (add it to sources.toml)"))


def _check_citations(kb: KnowledgeBase, data: FeeData, problems: list[Problem]) -> None:
    pfs = kb.document(PFS)
    locs = kb.document(LOCALITIES)
    rules_doc = kb.document(RULES)
    zips = kb.document(ZIPS)
    rules = data.rules
    _cite_check(kb, problems, PFS, [(data.meta.citations, pfs.key_line("meta", "citations"))])
    _cite_check(kb, problems, LOCALITIES, [(data.locality_citations, locs.key_line("meta", "citations"))])
    if zips is not None and isinstance(zips.data.get("meta"), dict):
        cites = tuple(zips.data["meta"].get("citations", ()))
        _cite_check(kb, problems, ZIPS, [(cites, zips.key_line("meta", "citations"))])
    rule_cites = [
        (rules.formula.citations, rules_doc.key_line(None, "citations")),
        (rules.status_citations, rules_doc.key_line("status", "citations")),
        (rules.bilateral_citations, rules_doc.key_line("bilateral", "citations")),
        (rules.pctc_citations, rules_doc.key_line("pctc", "citations")),
        (rules.multiple_citations, rules_doc.key_line("multiple_procedure", "citations")),
    ]
    for name in ("na", "opps_cap", "addon", "caveat", "patient_share", "rule_of_thumb"):
        obj = getattr(rules, name)
        rule_cites.append((obj.citations, rules_doc.key_line(name, "citations")))
    rule_cites.append((rules.bilateral_addon.citations, rules_doc.key_line("bilateral.addon", "citations")))
    _cite_check(kb, problems, RULES, rule_cites)
    if data.settings is not None:
        items = [(p.citations, p.line) for p in data.settings.pos.values()]
        if data.settings.general is not None:
            items.append((data.settings.general.citations, kb.document(SETTINGS).key_line("general", "citations")))
        _cite_check(kb, problems, SETTINGS, items)


def _check_rows_against_rules(kb: KnowledgeBase, data: FeeData, problems: list[Problem]) -> None:
    rules = data.rules
    for row in data.rows.values():
        if row.modifier:
            continue
        if row.bilateral not in rules.bilateral:
            problems.append(
                Problem(
                    PFS,
                    row.line,
                    f"row '{row.key}': bilateral indicator {row.bilateral} has no "
                    f"[bilateral.indicators.{row.bilateral}] in {RULES}",
                )
            )
        if row.mult_proc not in rules.multiple:
            problems.append(
                Problem(
                    PFS,
                    row.line,
                    f"row '{row.key}': multiple-procedure indicator {row.mult_proc} "
                    f"has no [multiple_procedure.indicators.{row.mult_proc}] in {RULES}",
                )
            )
        if row.pctc not in rules.pctc:
            problems.append(
                Problem(PFS, row.line, f"row '{row.key}': PC/TC indicator {row.pctc} has no text in [pctc] of {RULES}")
            )
        if row.status not in rules.status:
            problems.append(
                Problem(PFS, row.line, f"row '{row.key}': status {row.status} has no text in [status] of {RULES}")
            )
    locs_meta_year = kb.document(LOCALITIES).data.get("meta", {}).get("year")
    if isinstance(locs_meta_year, int) and locs_meta_year != data.meta.year:
        problems.append(
            Problem(
                LOCALITIES,
                kb.document(LOCALITIES).key_line("meta", "year"),
                f"GPCIs are for {locs_meta_year} but the RVUs ({PFS}) are for {data.meta.year}",
            )
        )


def _check_codes(kb: KnowledgeBase, data: FeeData, problems: list[Problem]) -> None:
    """A [[code]] entry's pfs indicators must match the imported CMS row."""
    for entry in kb.codes.values():
        row = data.rows.get(entry.code)
        if row is None or not entry.pfs:
            continue
        actual = {
            "status": row.status,
            "global": row.global_days,
            "mult_proc": row.mult_proc,
            "bilateral": row.bilateral,
            "pctc": row.pctc,
        }
        for key, value in entry.pfs.items():
            if key in actual and actual[key] != value:
                problems.append(
                    Problem(
                        entry.file,
                        entry.line,
                        f"'{entry.id}': pfs.{key} = \"{value}\" but the CY{data.meta.year} CMS file "
                        f'({PFS}) says "{actual[key]}"',
                    )
                )


def _check_import_config(kb: KnowledgeBase, problems: list[Problem]) -> None:
    from esi_helper.fee.ranges import expand_code_ranges

    doc = load_doc(kb, IMPORT, problems, required=False)
    if doc is None:
        return
    r = Reader(doc, problems)
    codes = r.value(doc.data, "codes", "strs", default=[])
    try:
        expand_code_ranges(codes)
    except ValueError as exc:
        r.bad(f"codes: {exc}", None, "codes")
    r.value(doc.data, "codes_from", "strs", required=False)
