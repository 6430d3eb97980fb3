"""``esi-helper replay FILE...``: re-ask every question of saved transcripts and report answers that changed."""

from __future__ import annotations

import argparse
from typing import Any

from esi_helper.cli.common import UsageError, add_command, load_or_exit


def register(sub: Any) -> None:
    """Add the ``replay`` command."""
    parser = add_command(sub, "replay", "re-ask every question of transcripts; exit 1 if any answer changed", run)
    parser.add_argument("files", nargs="+", metavar="FILE", help="transcript files (.toml) to replay")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only the transcripts that changed")


def run(args: argparse.Namespace) -> int:
    """Replay each file against the knowledge base in use; 0 when nothing changed, 1 on drift."""
    from esi_helper.answer import Engine
    from esi_helper.transcripts import TranscriptError, load, replay

    transcripts = []
    for name in args.files:
        try:
            transcripts.append((name, load(name)))
        except TranscriptError as exc:
            raise UsageError(str(exc)) from None
    kb = load_or_exit(args)
    engine = Engine(kb)
    drifted = 0
    for name, transcript in transcripts:
        report = replay(transcript, kb, engine, origin=name)
        skipped = f", {len(report.skipped)} not compared (identifiers removed)" if report.skipped else ""
        version = ""
        if transcript.kb_version and transcript.kb_version != kb.version:
            version = f" [recorded with knowledge base {transcript.kb_version}, now {kb.version}]"
        if report.ok:
            if not args.quiet:
                print(f"{name}: ok ({report.compared} of {report.turns} turns unchanged{skipped}){version}")
            continue
        drifted += 1
        print(f"{name}: {len(report.drifts)} of {report.compared} turns changed{skipped}{version}")
        for drift in report.drifts:
            question = drift.question if len(drift.question) <= 70 else drift.question[:69] + "…"
            print(f"  turn {drift.index}: {question}")
            for change in drift.changes:
                print(f"    - {change}")
    if drifted:
        print(f"{drifted} of {len(transcripts)} transcript(s) drifted: review the changes, then re-record.")
        return 1
    return 0
