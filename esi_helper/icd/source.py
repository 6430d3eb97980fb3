"""Where the ICD-10-CM code set comes from: the installed ``simple-icd-10-cm`` package.

Only :meth:`PackageSource.build` imports the package (parsing its 9.7 MB XML takes seconds); everything
else here reads file names and sizes, so checking whether the cache is current stays cheap.
"""

from __future__ import annotations

import importlib.util
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "simple_icd_10_cm"
DISTRIBUTION = "simple-icd-10-cm"
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_DATED_FILE = re.compile(r"(" + "|".join(_MONTHS) + r")-(\d{1,2})-(\d{4})", re.IGNORECASE)


class CodeSetError(Exception):
    """The ICD-10-CM code set cannot be loaded or built; the message says why in one line."""


@dataclass(frozen=True)
class Record:
    """One ICD-10-CM code as read from the source."""

    code: str
    description: str
    billable: bool
    parent: str | None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Built:
    """Everything a source yields: the records plus which release they are."""

    records: list[Record]
    release: str
    fiscal_year: int | None
    version: str


def release_from_filename(name: str) -> tuple[str, int | None]:
    """``('ICD-10-CM FY2026 (April 1, 2026 release)', 2026)`` from a dated data-file name."""
    m = _DATED_FILE.search(name)
    if not m:
        return f"ICD-10-CM ({name})", None
    month = _MONTHS.index(m.group(1).capitalize()) + 1
    day, year = int(m.group(2)), int(m.group(3))
    fiscal = year + 1 if month >= 10 else year  # the US federal fiscal year starts on 1 October
    return f"ICD-10-CM FY{fiscal} ({_MONTHS[month - 1]} {day}, {year} release)", fiscal


class PackageSource:
    """The code set shipped in the installed ``simple-icd-10-cm`` package."""

    def __init__(self) -> None:
        spec = importlib.util.find_spec(PACKAGE)
        if spec is None or spec.origin is None:
            raise CodeSetError(f"the '{DISTRIBUTION}' package is not installed (pip install {DISTRIBUTION})")
        self.package_dir = Path(spec.origin).parent
        self.version = _installed_version(self.package_dir)

    def data_files(self) -> list[Path]:
        """The package's data files (tabular XML and code list), sorted by name."""
        folder = self.package_dir / "data"
        return sorted(p for p in folder.glob("*") if p.suffix in (".xml", ".txt"))

    def key(self) -> str:
        """Identifies this exact code set: package version plus data file names and sizes."""
        files = ",".join(f"{p.name}:{p.stat().st_size}" for p in self.data_files())
        return f"{DISTRIBUTION} {self.version} [{files}]"

    def build(self) -> Built:
        """Read every category and subcategory from the package (slow: imports it)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                import simple_icd_10_cm as icd
            except Exception as exc:  # noqa: BLE001 - any failure here means the code set is unusable
                raise CodeSetError(f"cannot read the ICD-10-CM code set from '{DISTRIBUTION}': {exc}") from None
        seen: set[str] = set()
        raw: list[tuple[str, str, bool, str, tuple[str, ...]]] = []
        for code in icd.get_all_codes(with_dots=True):
            if code in seen or not icd.is_category_or_subcategory(code):
                continue  # chapters and blocks are groupings, not codes
            seen.add(code)
            raw.append(
                (
                    code,
                    icd.get_description(code),
                    icd.is_leaf(code),
                    icd.get_parent(code),
                    tuple(icd.get_inclusion_term(code)),
                )
            )
        records = [
            Record(code, desc, leaf, parent if parent in seen and parent != code else None, aliases)
            for code, desc, leaf, parent, aliases in raw
        ]
        xml = [p.name for p in self.data_files() if p.suffix == ".xml"]
        release, fiscal = release_from_filename(xml[0] if xml else "")
        return Built(records, release, fiscal, self.version)


def _installed_version(package_dir: Path) -> str:
    """The distribution version, read from its dist-info folder name (cheap), else from metadata."""
    pattern = re.compile(rf"^{PACKAGE}-([^-]+)\.dist-info$", re.IGNORECASE)
    for entry in package_dir.parent.iterdir():
        m = pattern.match(entry.name)
        if m:
            return m.group(1)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown"
