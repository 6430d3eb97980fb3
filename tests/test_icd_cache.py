"""The ICD-10-CM index cache: first build, reuse, corrupt file rebuilt, package version change, no import."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import esi_helper.icd.codeset as codeset_mod
from esi_helper.icd import CodeSet, get_codeset, load_codeset
from esi_helper.icd.codeset import CACHE_NAME
from esi_helper.icd.source import Built, PackageSource, Record, release_from_filename

RECORDS = [
    Record("M54", "Dorsalgia", False, None),
    Record("M54.1", "Radiculopathy", False, "M54", ("Radiculitis NOS",)),
    Record("M54.12", "Radiculopathy, cervical region", True, "M54.1"),
    Record("M54.16", "Radiculopathy, lumbar region", True, "M54.1"),
    Record("M54.2", "Cervicalgia", True, "M54"),
]


class FakeSource:
    """A tiny code set whose version the test controls; counts builds."""

    def __init__(self, version: str = "1.0"):
        self.version = version
        self.builds = 0

    def key(self) -> str:
        return f"fake {self.version}"

    def build(self) -> Built:
        self.builds += 1
        return Built(list(RECORDS), f"Fake release {self.version}", 2026, self.version)


def test_first_build_writes_cache_atomically(tmp_path: Path) -> None:
    source = FakeSource()
    notices: list[str] = []
    cs = load_codeset(tmp_path, source=source, on_build=lambda: notices.append("building"))
    assert source.builds == 1 and notices == ["building"]
    assert (tmp_path / CACHE_NAME).is_file()
    assert [p.name for p in tmp_path.iterdir()] == [CACHE_NAME]  # no temporary file left behind
    assert cs.release == "Fake release 1.0"
    assert cs.lookup("m5412").code == "M54.12"  # type: ignore[union-attr]
    assert cs.lookup("M54.1").children == ("M54.12", "M54.16")  # type: ignore[union-attr]
    assert cs.search("radiculitis")[0].code == "M54.1"  # inclusion terms are searchable


def test_cache_is_reused(tmp_path: Path) -> None:
    source = FakeSource()
    load_codeset(tmp_path, source=source)
    stamp = (tmp_path / CACHE_NAME).stat().st_mtime_ns
    notices: list[str] = []
    cs = load_codeset(tmp_path, source=source, on_build=lambda: notices.append("building"))
    assert source.builds == 1 and notices == []
    assert (tmp_path / CACHE_NAME).stat().st_mtime_ns == stamp
    assert cs.lookup("M54.2").billable is True  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: b"not a cache at all",
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-10] + bytes(b ^ 0xFF for b in data[-10:]),  # flipped bytes in the search section
        lambda data: data.replace(b'"format": 1', b'"format": 1 ', 1)[:200] + data[201:],  # bad header
        lambda data: data[: data.index(b"\n") + 1] + b"[1]\n" + data[data.index(b"\n", 30) + 1 :],  # not a dict
    ],
    ids=["empty", "garbage", "truncated", "flipped", "header", "header-type"],
)
def test_corrupt_cache_is_rebuilt(tmp_path: Path, damage) -> None:  # noqa: ANN001
    source = FakeSource()
    load_codeset(tmp_path, source=source)
    path = tmp_path / CACHE_NAME
    path.write_bytes(damage(path.read_bytes()))
    cs = load_codeset(tmp_path, source=source)
    assert source.builds == 2
    assert cs.search("cervicalgia")[0].code == "M54.2"
    load_codeset(tmp_path, source=source)
    assert source.builds == 2  # the rebuilt file is good again


def test_package_version_change_rebuilds(tmp_path: Path) -> None:
    old, new = FakeSource("1.0"), FakeSource("2.0")
    load_codeset(tmp_path, source=old)
    cs = load_codeset(tmp_path, source=new)
    assert new.builds == 1 and cs.release == "Fake release 2.0"
    load_codeset(tmp_path, source=new)
    assert new.builds == 1


def test_unwritable_cache_still_works(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    cs = load_codeset(blocker, source=FakeSource())
    assert cs.normalize("M5416") == "M54.16"


def test_get_codeset_loads_once_across_threads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[int] = []
    fake = load_codeset(tmp_path, source=FakeSource())

    def slow_load(**_: object) -> CodeSet:
        calls.append(1)
        time.sleep(0.05)
        return fake

    monkeypatch.setattr(codeset_mod, "_instance", None)
    monkeypatch.setattr(codeset_mod, "load_codeset", slow_load)
    results: list[CodeSet] = []
    threads = [threading.Thread(target=lambda: results.append(get_codeset())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(results) == 8 and all(r is fake for r in results)


def test_package_key_names_version_and_data_files() -> None:
    source = PackageSource()
    key = source.key()
    assert source.version in key and ".xml:" in key


def test_release_from_filename() -> None:
    assert release_from_filename("icd10c-tabular-April-1-2026.xml") == (
        "ICD-10-CM FY2026 (April 1, 2026 release)",
        2026,
    )
    assert release_from_filename("icd10cm-tabular-October-1-2026.xml")[1] == 2027
    assert release_from_filename("tabular.xml") == ("ICD-10-CM (tabular.xml)", None)


def test_real_cache_lookup_does_not_import_the_package(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Once the cache exists, a fresh process answers from it without parsing the package's XML."""
    cache = Path(tmp_path_factory.getbasetemp()) / "shared-cache"
    cache.mkdir(exist_ok=True)
    load_codeset(cache)  # make sure the session cache exists
    code = (
        "import sys\n"
        "from esi_helper.icd import get_codeset\n"
        "cs = get_codeset()\n"
        "assert cs.lookup('M54.12').billable\n"
        "assert cs.search('cervical radiculopathy')[0].code == 'M54.12'\n"
        "print('imported' if 'simple_icd_10_cm' in sys.modules else 'not imported')\n"
    )
    env = {**os.environ, "ESI_HELPER_CACHE_DIR": str(cache)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "not imported"
