"""``esi-helper kb import-pfs DIR``: read a CMS PFS relative value bundle and write compact TOML to knowledge/fees.

The importer reads the files as CMS publishes them (PPRRVU*.csv, GPCI*.csv, *LOCCO*.csv, ZIP5*.txt), keeps only
the codes listed in ``fees/import.toml`` (plus every ``[[code]]`` of ``codes.toml``), checks every number it
keeps, and replaces the fee files only when everything parsed: temporary files first, then ``os.replace``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from esi_helper.fee.cms import (
    PfsImportError,
    SourceFile,
    digest,
    find_bundle,
    read_pprrvu,
)
from esi_helper.fee.cms_localities import read_gpci, read_locco, read_zip5
from esi_helper.fee.ranges import expand_code_ranges
from esi_helper.fee.writer import render_localities, render_pfs, render_zip

__all__ = ["ImportResult", "PfsImportError", "cli_import", "import_bundle"]

#: Output files, relative to the knowledge folder.
PFS_FILE = "fees/pfs.toml"
LOCALITIES_FILE = "fees/localities.toml"
ZIP_FILE = "fees/zip.toml"
IMPORT_CONFIG = "fees/import.toml"


@dataclass
class ImportResult:
    """What an import wrote, for the summary line."""

    year: int
    release: str
    rows: int
    codes: int
    localities: int
    zips: int
    missing: list[str] = field(default_factory=list)
    written: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------------------------
# the import


def _wanted_codes(knowledge: Path) -> tuple[list[str], set[str], dict[str, str]]:
    """Codes to import, those named one by one (a range may span numbers CMS never used), source patterns."""
    config_path = knowledge / IMPORT_CONFIG
    if not config_path.is_file():
        raise PfsImportError(f"{config_path}: missing; it lists the codes to import")
    try:
        config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PfsImportError(f"{IMPORT_CONFIG}: TOML syntax error: {exc}") from None
    listed = config.get("codes", [])
    if not isinstance(listed, list) or not all(isinstance(c, str) for c in listed):
        raise PfsImportError(f"{IMPORT_CONFIG}: 'codes' must be a list of codes or ranges (first-last)")
    try:
        codes = expand_code_ranges(listed)
    except ValueError as exc:
        raise PfsImportError(f"{IMPORT_CONFIG}: {exc}") from None
    explicit = {c.strip().upper() for c in listed if "-" not in c}
    for extra in config.get("codes_from", []):
        path = knowledge / extra
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise PfsImportError(f"{extra}: TOML syntax error: {exc}") from None
        for item in data.get("code", []):
            code = item.get("code") if isinstance(item, dict) else None
            if isinstance(code, str):
                explicit.add(code.strip().upper())
                if code.strip().upper() not in codes:
                    codes.append(code.strip().upper())
    sources = config.get("sources", {})
    if not isinstance(sources, dict) or not all(isinstance(v, str) for v in sources.values()):
        raise PfsImportError(f"{IMPORT_CONFIG}: [sources] must map pfs, readme, gpci, zip to source-id patterns")
    return codes, explicit, sources


def _release(folder: Path, files: dict[str, Path]) -> tuple[str, list[SourceFile]]:
    docs = sorted(p for p in folder.rglob("*") if p.is_file() and re.match(r"^RVU\d\d[A-Z]+", p.name, re.I))
    release = ""
    if docs:
        release = re.match(r"^(RVU\d\d[A-Z]+)", docs[0].name, re.I).group(1).upper()  # type: ignore[union-attr]
    readme = [p for p in docs if p.suffix.lower() == ".txt"] or [p for p in docs if p.suffix.lower() == ".pdf"]
    extra = [SourceFile(readme[0], digest(readme[0]))] if readme else []
    return release, extra


def _source_ids(patterns: dict[str, str], year: int) -> dict[str, str]:
    defaults = {"pfs": "pfs-{year}", "readme": "rvu-readme-{year}", "gpci": "gpci-{year}", "zip": "zip-locality-{year}"}
    return {k: patterns.get(k, v).format(year=year) for k, v in defaults.items()}


def _known_sources(knowledge: Path) -> set[str]:
    path = knowledge / "sources.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return set()
    return {s.get("id", "") for s in data.get("source", []) if isinstance(s, dict)}


def import_bundle(folder: Path | str, knowledge: Path | str) -> ImportResult:
    """Import the CMS bundle in ``folder`` into ``knowledge``/fees; nothing changes unless everything parses."""
    folder, knowledge = Path(folder), Path(knowledge)
    if not knowledge.is_dir():
        raise PfsImportError(f"{knowledge}: knowledge folder not found")
    wanted, explicit, patterns = _wanted_codes(knowledge)
    files = find_bundle(folder)
    bundle = read_pprrvu(files["pprrvu"], wanted)
    bundle.missing = [c for c in bundle.missing if c in explicit]
    localities, work_header, notes = read_gpci(files["gpci"], bundle.year)
    counties = read_locco(files["locco"])
    known = {f"{loc['mac']}-{loc['number']}" for loc in localities}
    by_loc, plus4, quarter, count = read_zip5(files["zip"], known)
    release, readme = _release(folder, files)
    ids = _source_ids(patterns, bundle.year)
    warnings = []
    if bundle.missing:
        warnings.append(f"requested codes not in {files['pprrvu'].name} (no amount): {', '.join(bundle.missing)}")
    warnings += [f"locality {k} has no county list in {files['locco'].name}" for k in sorted(known - set(counties))]
    missing_ids = sorted(set(ids.values()) - _known_sources(knowledge))
    if missing_ids:
        warnings.append(f"add [[source]] entries {', '.join(missing_ids)} to sources.toml (kb check will ask)")
    texts = {
        PFS_FILE: render_pfs(
            bundle,
            release or bundle.title,
            [SourceFile(files["pprrvu"], digest(files["pprrvu"])), *readme],
            [ids["pfs"], ids["readme"]],
        ),
        LOCALITIES_FILE: render_localities(
            bundle.year,
            localities,
            counties,
            work_header,
            notes,
            [SourceFile(files["gpci"], digest(files["gpci"])), SourceFile(files["locco"], digest(files["locco"]))],
            [ids["gpci"]],
        ),
        ZIP_FILE: render_zip(
            by_loc, plus4, quarter, count, [SourceFile(files["zip"], digest(files["zip"]))], [ids["zip"]]
        ),
    }
    _write_all(knowledge, texts)
    return ImportResult(
        year=bundle.year,
        release=release,
        rows=len(bundle.rows),
        codes=len({k.split("-")[0] for k in bundle.rows}),
        localities=len(localities),
        zips=count,
        missing=bundle.missing,
        written={rel: len(text.encode("utf-8")) for rel, text in texts.items()},
        warnings=warnings,
    )


def _write_all(knowledge: Path, texts: dict[str, str]) -> None:
    """Write every file to a temporary sibling, check it parses, then replace the originals."""
    temps: list[tuple[Path, Path]] = []
    try:
        for rel, text in texts.items():
            tomllib.loads(text)
            target = knowledge / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            temp.write_text(text, encoding="utf-8")
            temps.append((temp, target))
        for temp, target in temps:
            os.replace(temp, target)
    finally:
        for temp, _ in temps:
            if temp.exists():
                temp.unlink()


def cli_import(args: argparse.Namespace) -> int:
    """Run the import for ``esi-helper kb import-pfs DIR``; print one summary line (or one error line)."""
    from esi_helper.paths import knowledge_dir

    knowledge = knowledge_dir(getattr(args, "knowledge", None))
    start = time.perf_counter()
    try:
        result = import_bundle(Path(args.dir), knowledge)
    except PfsImportError as exc:
        print(f"esi-helper: error: import-pfs: {exc} (nothing was changed)", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"esi-helper: error: import-pfs: {exc} (nothing was changed)", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - start
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    sizes = ", ".join(f"{Path(rel).name} {size / 1024:.0f} KB" for rel, size in result.written.items())
    print(
        f"imported CY{result.year} {result.release or 'fee schedule'}: {result.rows} rows for {result.codes} codes, "
        f"{result.localities} localities, {result.zips:,} ZIP codes into {knowledge / 'fees'} ({sizes}) "
        f"in {elapsed:.2f} s"
    )
    return 0
