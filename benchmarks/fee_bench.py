"""Fee feature timings: import of a CMS bundle, cold ``esi-helper fee`` runs, ZIP map load, quotes per second.

Usage: python benchmarks/fee_bench.py [CMS_DIR]   (CMS_DIR: a folder with the PFS bundle and the ZIP5 file; the
import is timed into a temporary copy of the knowledge folder, so the shipped data is never touched).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from esi_helper.fee import FeeSchedule
from esi_helper.fee.importer import import_bundle
from esi_helper.kb import load_kb
from esi_helper.paths import packaged_knowledge_dir

ROOT = Path(__file__).resolve().parents[1]


def cold(argv: list[str], runs: int = 5) -> float:
    """Median wall time of a fresh ``esi-helper`` process."""
    exe = Path(sys.executable).with_name("esi-helper")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(exe), *argv], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    knowledge = packaged_knowledge_dir()
    fees_dir = knowledge / "fees"
    sizes = {p.name: p.stat().st_size for p in sorted(fees_dir.glob("*.toml"))}
    print("shipped fee data:", ", ".join(f"{k} {v / 1024:.1f} KB" for k, v in sizes.items()))
    if len(sys.argv) > 1:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "knowledge"
            shutil.copytree(knowledge, copy)
            start = time.perf_counter()
            result = import_bundle(sys.argv[1], copy)
            print(f"import: {time.perf_counter() - start:.3f} s ({result.rows} rows, {result.zips} ZIPs)")
    print(f"cold 'esi-helper fee 62321': {cold(['fee', '62321']):.3f} s (median of 5)")
    print(f"cold 'esi-helper fee 62321 --zip 10001': {cold(['fee', '62321', '--zip', '10001']):.3f} s")
    kb = load_kb(knowledge)
    start = time.perf_counter()
    fees = FeeSchedule.load(kb)
    print(f"FeeSchedule.load: {(time.perf_counter() - start) * 1000:.1f} ms")
    start = time.perf_counter()
    fees.locality_for_zip("75201")
    print(f"ZIP map load (first ZIP lookup): {(time.perf_counter() - start) * 1000:.1f} ms")
    start = time.perf_counter()
    n = 200
    for _ in range(n):
        fees.quote("64483", "facility", "dallas")
    print(f"quote with range over {len(fees.localities)} localities: {(time.perf_counter() - start) / n * 1000:.2f} ms")


if __name__ == "__main__":
    main()
