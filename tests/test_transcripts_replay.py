"""The shipped walkthroughs replay without drift; the replay and tour commands."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from esi_helper.answer import Engine
from esi_helper.cli import main
from esi_helper.kb import KnowledgeBase
from esi_helper.transcripts import WALKTHROUGH, dumps, list_walkthroughs, load, replay, walkthrough_dir

SHIPPED = sorted(walkthrough_dir().glob("*.toml"))
TOPICS = {
    "new-biller-basics",
    "cervical-vs-lumbar",
    "transforaminal-levels",
    "modifiers",
    "icd10-pairing",
    "reimbursement",
}


@pytest.fixture(scope="module")
def engine(kb: KnowledgeBase) -> Engine:
    return Engine(kb)


def test_at_least_six_walkthroughs_with_notes() -> None:
    walkthroughs = list_walkthroughs()
    assert {w.name for w in walkthroughs} >= TOPICS
    for walk in walkthroughs:
        assert walk.kind == WALKTHROUGH and walk.title and walk.description
        assert len(walk.turns) >= 4
        assert all(turn.note and turn.answers for turn in walk.turns)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_transcript_replays_without_drift(path: Path, kb: KnowledgeBase, engine: Engine) -> None:
    report = replay(load(path), kb, engine, origin=path.name)
    details = "; ".join(f"turn {d.index} ({d.question}): {', '.join(d.changes)}" for d in report.drifts)
    assert report.ok, f"{path.name} drifted (re-record with benchmarks/record_transcripts.py): {details}"
    assert report.compared == report.turns


def test_replay_command_ok_drift_and_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(SHIPPED[0])]) == 0
    assert "ok (" in capsys.readouterr().out
    drifted = load(SHIPPED[0])
    drifted.turns[0].answers[0] = replace(drifted.turns[0].answers[0], text="An older answer.")
    copy = tmp_path / "drifted.toml"
    copy.write_text(dumps(drifted))
    assert main(["replay", str(SHIPPED[0]), str(copy)]) == 1
    out = capsys.readouterr().out
    assert "drifted.toml: 1 of" in out and "text changed" in out and "1 of 2 transcript(s) drifted" in out
    assert main(["replay", str(tmp_path / "missing.toml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot read" in err


def test_tour_command_lists_and_plays_plain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tour", "--list"]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in TOPICS)
    assert main(["tour", "modifiers", "--plain"]) == 0
    out = capsys.readouterr().out
    walk = load(walkthrough_dir() / "modifiers.toml")
    assert f"Question 1 of {len(walk.turns)}: {walk.turns[0].question}" in out
    assert walk.turns[0].note in out and "End of the walkthrough." in out
    assert main(["tour", "no-such-tour"]) == 2
    assert "no walkthrough called 'no-such-tour'" in capsys.readouterr().err
