"""Figures for the ICD-10-CM code set: cache build, cold CLI lookup, warm lookup, search latency.

Run: ``.venv/bin/python benchmarks/icd_bench.py [--runs N] [--keep-cache]``. Prints figures; asserts nothing.
The cache is built in a temporary folder, so the user's own cache is left alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from esi_helper.icd import load_codeset
from esi_helper.icd.codeset import CACHE_NAME

QUERIES = [
    "cervical radiculopathy",
    "lumbar stenosis with neurogenic claudication",
    "lumbar radiculopathy",
    "lumbosacral radiculopathy",
    "thoracic radiculopathy",
    "lumbar disc disorder with radiculopathy",
    "cervical disc disorder with radiculopathy C5-C6",
    "lumbar spondylosis with radiculopathy",
    "cervical spinal stenosis",
    "postlaminectomy syndrome",
    "lumbar disc displacement",
    "lumbar disc degeneration",
    "low back pain",
    "cervicalgia",
    "sciatica left side",
    "postherpetic polyneuropathy",
    "acute post-procedural pain",
    "lumbar radiculapathy",  # typo
    "lumbar radic",  # still typing
    # heavy: words found in tens of thousands of descriptions
    "initial encounter for closed fracture",
    "unspecified",
    "fracture of femur",
]
LOOKUPS = ["M54.12", "m5012", "M48.062", "M54.5", "S32.010A", "M50.129", "Z99.89", "M51.369"]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="cold CLI runs (default 7)")
    parser.add_argument("--keep-cache", action="store_true", help="print the temporary cache folder, keep it")
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="icd-bench-"))
    try:
        t = time.perf_counter()
        load_codeset(cache)
        build = time.perf_counter() - t
        size = (cache / CACHE_NAME).stat().st_size
        print(f"cache build (imports simple-icd-10-cm): {ms(build)}   file {size / 1e6:.2f} MB")

        loads = []
        for _ in range(5):
            t = time.perf_counter()
            cs = load_codeset(cache)
            loads.append(time.perf_counter() - t)
        print(f"load from cache, in process (median of 5): {ms(statistics.median(loads))}")
        print(f"release: {cs.release}; {len(cs)} codes")

        exe = Path(sys.executable).with_name("esi-helper")
        command = [str(exe)] if exe.exists() else [sys.executable, "-m", "esi_helper"]
        env = {**os.environ, "ESI_HELPER_CACHE_DIR": str(cache)}
        for argv in (["icd", "M54.12"], ["icd", "cervical radiculopathy"]):
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                subprocess.run([*command, *argv], env=env, check=False, capture_output=True)
                times.append(time.perf_counter() - t)
            print(
                f"cold CLI `esi-helper {' '.join(argv)}` ({args.runs} runs): median {ms(statistics.median(times))}"
                f"  min {ms(min(times))}  max {ms(max(times))}"
            )

        n = 20_000
        t = time.perf_counter()
        for i in range(n):
            cs.lookup(LOOKUPS[i % len(LOOKUPS)])
        print(f"warm lookup (mixed valid/invalid/header): {(time.perf_counter() - t) / n * 1e6:8.2f} µs each")

        t = time.perf_counter()
        cs.warm()
        print(f"search index load (first search only):   {ms(time.perf_counter() - t)}")
        latencies = []
        for _ in range(5):
            for q in QUERIES:
                t = time.perf_counter()
                cs.search(q)
                latencies.append(time.perf_counter() - t)
        print(
            f"search latency over {len(QUERIES)} queries x 5: p50 {ms(percentile(latencies, 0.5))}"
            f"  p99 {ms(percentile(latencies, 0.99))}  max {ms(max(latencies))}"
        )
        for q in QUERIES[:3]:
            hits = cs.search(q, top=1)
            print(f"  {q!r} -> {hits[0].code if hits else '-'}")
    finally:
        if args.keep_cache:
            print(f"cache kept in {cache}")
        else:
            shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
