"""Terminal-app speed: first paint against a bare Textual app, and answer latency.

First paint is timed in fresh processes, alternating a bare app (a header, an input and a footer) with
``esi-helper``'s app, from the first line of the child script to the app's Ready event (the first frame drawn).
The goal is a ratio of at most 1.5. Answer latency is the time from Enter to the answer rendered on screen, for a
set of typical questions; the goal is under 100 ms each.

    .venv/bin/python benchmarks/tui_bench.py [--runs 9] [--questions 20]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time

BARE = """
import time
start = time.perf_counter()
from textual.app import App
from textual.widgets import Footer, Header, Input

class Bare(App):
    def compose(self):
        yield Header()
        yield Input(placeholder="Ask a question")
        yield Footer()

    def on_ready(self):
        print(time.perf_counter() - start)
        self.exit()

Bare().run(headless=True, size=(80, 24))
"""

ESI = """
import time
start = time.perf_counter()
from esi_helper.tui.app import EsiApp

class Timed(EsiApp):
    def on_ready(self):
        print(time.perf_counter() - start)
        self.exit()

Timed().run(headless=True, size=(80, 24))
"""

QUESTIONS = [
    "when do I use modifier 50",
    "and on the add-on code?",
    "how many ESIs per year does Medicare allow",
    "bilateral L4-5 transforaminal how to code",
    "is imaging included in the ESI codes",
    "caudal epidural code",
    "can I put modifier 50 on the interlaminar code",
    "what is modifier 59 for an ESI",
    "do I need prior authorization",
    "sedation with ESI",
    "how many levels per session Medicare",
    "what is the multiple procedure reduction",
    "transforaminal under ultrasound",
    "KX modifier",
    "is M54.5 billable",
    "M51.16 vs M54.16",
    "cervical interlaminar ESI with fluoroscopy code",
    "and for lumbar?",
    "what does global 000 mean",
    "something nobody would ask about",
]


def first_paint(script: str) -> float:
    """Seconds from the child's first line to its first frame."""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


async def answer_latencies(count: int) -> tuple[list[float], float]:
    """Per-question seconds from Enter to the answer on screen, and the knowledge-load time."""
    from esi_helper.tui.app import EsiApp

    app = EsiApp(icd=True)
    async with app.run_test(size=(80, 24)) as pilot:
        while app.knowledge is None:
            await pilot.pause(0.01)
        await app.workers.wait_for_complete()
        await pilot.pause(0.5)
        for question in (QUESTIONS * (1 + count // len(QUESTIONS)))[:count]:
            done = len(app.chat.latencies)
            app.chat.prompt.value = question
            await pilot.press("enter")
            while len(app.chat.latencies) == done:
                await pilot.pause(0.005)
        return list(app.chat.latencies), app.knowledge.load_seconds


def main(argv: list[str] | None = None) -> int:
    """Print the first-paint ratio and the answer latencies; exit 1 if a goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="first-paint runs of each app (default 9)")
    parser.add_argument("--questions", type=int, default=20, help="questions asked for latency (default 20)")
    args = parser.parse_args(argv)

    first_paint(BARE), first_paint(ESI)  # warm the file cache and bytecode
    bare, ours = [], []
    for _ in range(args.runs):
        bare.append(first_paint(BARE))
        ours.append(first_paint(ESI))
    bare_ms, ours_ms = statistics.median(bare) * 1000, statistics.median(ours) * 1000
    ratio = ours_ms / bare_ms
    print(
        f"first paint (median of {args.runs}): bare Textual app {bare_ms:.0f} ms, esi-helper {ours_ms:.0f} ms, "
        f"ratio {ratio:.2f} (goal <= 1.5)"
    )

    started = time.perf_counter()
    latencies, load = asyncio.run(answer_latencies(args.questions))
    ms = sorted(x * 1000 for x in latencies)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(f"knowledge load (worker thread): {load * 1000:.0f} ms")
    print(
        f"answer latency, Enter to answer on screen, {len(ms)} questions: median {statistics.median(ms):.0f} ms, "
        f"p95 {p95:.0f} ms, max {ms[-1]:.0f} ms (goal < 100 ms each)"
    )
    print(f"(latency run took {time.perf_counter() - started:.1f} s)")
    return 0 if ratio <= 1.5 and ms[-1] < 100 else 1


if __name__ == "__main__":
    raise SystemExit(main())
