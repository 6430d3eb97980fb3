"""Benchmark for ``esi-helper ask``: accuracy against a BM25 baseline, latency in process, and cold CLI time.

Run:  .venv/bin/python benchmarks/ask_bench.py [--quick]

Prints, on the labelled questions in tests/data/questions.toml:
- top-1 accuracy and the in-scope / out-of-scope precision and recall of the engine, and the top-1 accuracy of a
  plain BM25 ranking (bm25s) over the same entries (title, questions, keywords, text);
- the same figures on the sets the engine was not tuned on (tests/data/questions_holdout.toml, written
  independently, and tests/data/questions_paraphrase.toml);
- per-question latency p50/p99 in process with the knowledge base loaded ("p99 1st" is the first pass over the
  questions, before the engine remembers fee quotes and ICD-10 word searches), and the wall time of a cold
  ``esi-helper ask`` process (the first run also builds the on-disk index cache);
- the same two figures with the knowledge base replicated x10 and x100 (synthetic copies of every entry).

bm25s is a benchmark-only dependency (``pip install -e '.[bench]'``); the engine never imports it.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from esi_helper.answer import Conversation, Engine  # noqa: E402
from esi_helper.kb import KnowledgeBase, load_kb  # noqa: E402
from esi_helper.kb.records import TopicEntry  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "questions.toml"
UNSEEN = {
    "hold-out": ROOT / "tests" / "data" / "questions_holdout.toml",
    "paraphrase": ROOT / "tests" / "data" / "questions_paraphrase.toml",
}
KNOWLEDGE = ROOT / "knowledge"
CLI_QUESTION = "how many units for 62323"


def labelled() -> tuple[list[tuple[str, str]], list[list[tuple[str, str]]]]:
    data = tomllib.loads(QUESTIONS.read_text(encoding="utf-8"))
    singles = [(q["q"], q["id"]) for q in data["q"]]
    turns = [[(t["q"], t["id"]) for t in c["turns"]] for c in data.get("conversation", [])]
    return singles, turns


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


# -- accuracy -----------------------------------------------------------------------------------------------------


def engine_accuracy(engine: Engine) -> dict[str, float]:
    singles, conversations = labelled()
    rows: list[tuple[str, str, bool]] = []
    for question, want in singles:
        result = engine.ask(question)
        rows.append((want, result.best.id if result.best else "", result.confident))
    for turns in conversations:
        conversation = Conversation()
        for question, want in turns:
            result = engine.ask(question, conversation)
            rows.append((want, result.best.id if result.best else "", result.confident))
    in_scope = [r for r in rows if r[0]]
    out_scope = [r for r in rows if not r[0]]
    tp = sum(r[2] for r in in_scope)
    fp = sum(r[2] for r in out_scope)
    return {
        "questions": len(rows),
        "in_scope": len(in_scope),
        "out_of_scope": len(out_scope),
        "top1": sum(r[0] == r[1] for r in in_scope) / len(in_scope),
        "top1_static": _ratio([r for r in in_scope if ":" not in r[0]]),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / len(in_scope),
        "oos_recall": (len(out_scope) - fp) / len(out_scope),
    }


def unseen_accuracy(engine: Engine, path: Path) -> dict[str, float]:
    """Top-1 and the in/out split on a set in the hold-out format (``expect`` lists, "kind:…", "out-of-scope")."""
    items = tomllib.loads(path.read_text(encoding="utf-8"))["q"]
    right = tp = fp = n_in = n_out = 0
    for item in items:
        conversation = None
        if item.get("previous"):
            conversation = Conversation()
            engine.ask(item["previous"], conversation)
        result = engine.ask(item["text"], conversation)
        expect, best = item["expect"], result.best
        if expect == ["out-of-scope"]:
            n_out += 1
            fp += result.confident
            right += not result.confident
            continue
        n_in += 1
        tp += result.confident
        if best is not None and any(
            best.id == want
            or (want.startswith("kind:") and (best.kind == want[5:] or best.id.startswith(want[5:] + ":")))
            for want in expect
        ):
            right += 1
    return {
        "questions": len(items),
        "top1": right / len(items),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / n_in if n_in else 0.0,
        "oos_recall": (n_out - fp) / n_out if n_out else 1.0,
    }


def _ratio(rows: list[tuple[str, str, bool]]) -> float:
    return sum(r[0] == r[1] for r in rows) / len(rows) if rows else 0.0


def bm25_accuracy(kb: KnowledgeBase) -> dict[str, float] | None:
    try:
        import bm25s
    except ImportError:
        return None
    ids = list(kb.entries)
    corpus = [" ".join([e.title, *e.questions, *e.keywords, e.text]) for e in kb.entries.values()]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(corpus, stopwords="en", show_progress=False), show_progress=False)
    singles, conversations = labelled()
    questions = [(q, w) for q, w in singles if w] + [t for turns in conversations for t in turns]
    right = right_static = static = 0
    for question, want in questions:
        tokens = bm25s.tokenize([question or "?"], stopwords="en", show_progress=False)
        got = ""
        if tokens.vocab:
            docs, scores = retriever.retrieve(tokens, k=1, show_progress=False)
            if scores[0][0] > 0:
                got = ids[int(docs[0][0])]
        right += got == want
        if ":" not in want:
            static += 1
            right_static += got == want
    return {"top1": right / len(questions), "top1_static": right_static / static}


# -- latency ------------------------------------------------------------------------------------------------------


def latency(engine: Engine, rounds: int) -> tuple[float, float, float]:
    """p50 and p99 over repeated rounds, and p99 of the first pass (before fee quotes and ICD searches are
    remembered)."""
    singles, conversations = labelled()
    questions = [q for q, _ in singles] + [q for turns in conversations for q, _ in turns]
    first: list[float] = []
    for question in questions:
        start = time.perf_counter()
        engine.ask(question)
        first.append((time.perf_counter() - start) * 1000)
    times: list[float] = []
    for _ in range(rounds):
        for question in questions:
            start = time.perf_counter()
            engine.ask(question)
            times.append((time.perf_counter() - start) * 1000)
    return percentile(times, 50), percentile(times, 99), percentile(first, 99)


def replicate(kb: KnowledgeBase, factor: int) -> KnowledgeBase:
    """The knowledge base plus (factor - 1) synthetic copies of every entry, as FAQ entries with new ids."""
    entries = dict(kb.entries)
    for n in range(1, factor):
        for entry in kb.entries.values():
            ident = f"{entry.id}-x{n}"
            entries[ident] = TopicEntry(
                id=ident,
                kind="faq",
                title=f"{entry.title} (copy {n})",
                text=entry.text,
                citations=entry.citations,
                questions=entry.questions,
                keywords=entry.keywords,
            )
    return dataclasses.replace(kb, entries=entries, _docs={})


def write_replica(kb: KnowledgeBase, factor: int, folder: Path) -> Path:
    """A knowledge folder on disk with the synthetic copies, one file per copy (for the cold CLI timing)."""
    import tomli_w

    root = folder / f"kb-x{factor}"
    shutil.copytree(KNOWLEDGE, root)
    for n in range(1, factor):
        items = [
            {
                "id": f"{entry.id}-x{n}",
                "topic": "general",
                "title": f"{entry.title} (copy {n})",
                "text": entry.text,
                "citations": list(entry.citations),
                "questions": list(entry.questions),
                "keywords": list(entry.keywords),
            }
            for entry in kb.entries.values()
        ]
        (root / "faq" / f"synthetic-{n:03d}.toml").write_bytes(tomli_w.dumps({"faq": items}).encode("utf-8"))
    return root


def cold_cli(knowledge: Path, runs: int, env: dict[str, str]) -> tuple[float, float, float]:
    """Wall time of ``esi-helper ask`` processes: the first run (builds the index cache), then median and min."""
    exe = Path(sys.executable).with_name("esi-helper")
    cmd = [str(exe), "--knowledge", str(knowledge), "ask", CLI_QUESTION]

    def once() -> float:
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        return time.perf_counter() - start

    first = once()
    times = [once() for _ in range(runs)]
    return first, statistics.median(times), min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, x10 only")
    args = parser.parse_args()
    kb = load_kb(KNOWLEDGE)
    engine = Engine(kb)

    acc = engine_accuracy(engine)
    print(f"labelled questions: {acc['questions']} ({acc['in_scope']} in scope, {acc['out_of_scope']} out of scope)")
    print(f"engine top-1:  {acc['top1']:.3f}  (entries only: {acc['top1_static']:.3f})")
    print(
        f"in/out-of-scope split: precision {acc['precision']:.3f}, recall {acc['recall']:.3f}, "
        f"out-of-scope recall {acc['oos_recall']:.3f} (threshold {engine.threshold})"
    )
    for name, path in UNSEEN.items():
        if path.exists():
            other = unseen_accuracy(engine, path)
            print(
                f"{name} set ({other['questions']:.0f} questions): top-1 {other['top1']:.3f}, precision "
                f"{other['precision']:.3f}, recall {other['recall']:.3f}, out-of-scope recall {other['oos_recall']:.3f}"
            )
    bm25 = bm25_accuracy(kb)
    if bm25 is None:
        print("BM25 baseline: bm25s is not installed (pip install -e '.[bench]')")
    else:
        print(f"BM25 top-1:    {bm25['top1']:.3f}  (entries only: {bm25['top1_static']:.3f})")
        verdict = "beats" if acc["top1"] > bm25["top1"] else "DOES NOT beat"
        print(f"engine {verdict} BM25 by {100 * (acc['top1'] - bm25['top1']):.1f} points")

    rounds = 3 if args.quick else 10
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        env["ESI_HELPER_CACHE_DIR"] = str(Path(tmp) / "cache")
        print()
        print(
            f"{'knowledge base':<16}{'entries':>8}{'p50 ms':>9}{'p99 ms':>9}{'p99 1st':>9}{'build s':>9}"
            f"{'cold CLI s (first / median / min)':>36}"
        )
        for factor in (1, 10) if args.quick else (1, 10, 100):
            big = kb if factor == 1 else replicate(kb, factor)
            start = time.perf_counter()
            big_engine = Engine(kb) if factor == 1 else Engine(big, cache=False)
            build = time.perf_counter() - start if factor > 1 else 0.0
            p50, p99, p99_first = latency(big_engine, max(1, rounds // factor) if factor > 1 else rounds)
            folder = KNOWLEDGE if factor == 1 else write_replica(kb, factor, Path(tmp))
            first, median, best = cold_cli(folder, 3 if factor == 100 else 7, env)
            label = "shipped" if factor == 1 else f"x{factor} synthetic"
            print(
                f"{label:<16}{len(big.entries):>8}{p50:>9.2f}{p99:>9.2f}{p99_first:>9.2f}{build:>9.2f}"
                f"{first:>16.2f} / {median:.2f} / {best:.2f}"
            )
    print()
    print("targets: p99 < 5 ms in process; cold CLI <= 0.35 s; x100 p99 < 50 ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
