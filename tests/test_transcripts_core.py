"""Transcripts without the app: redaction, TOML round trip, atomic private saving, replay and drift."""

from __future__ import annotations

import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esi_helper.answer import Conversation, Engine
from esi_helper.kb import KnowledgeBase, load_kb
from esi_helper.redact import redact, scrub
from esi_helper.transcripts import (
    TREE,
    Transcript,
    TranscriptError,
    Turn,
    TurnAnswer,
    compare_turns,
    dumps,
    find_walkthrough,
    load,
    loads,
    new_path,
    redact_transcript,
    replay,
    save,
    turn_from_result,
)

DEMO_KB = Path(__file__).parent / "snapshots" / "knowledge"


@pytest.fixture(scope="module")
def engine(kb: KnowledgeBase) -> Engine:
    return Engine(kb)


def recorded(kb: KnowledgeBase, engine: Engine, questions: list[str]) -> Transcript:
    conversation = Conversation()
    turns = [turn_from_result(q, engine.ask(q, conversation, top=3)) for q in questions]
    return Transcript(turns=turns, kb_version=kb.version)


# ---------------------------------------------------------------- redaction


@pytest.mark.parametrize(
    ("text", "kind", "secret"),
    [
        ("reach me at jane.doe@clinic.example.org", "e-mail address", "jane.doe@clinic.example.org"),
        ("ssn 123-45-6789 on file", "SSN", "123-45-6789"),
        ("SSN: 123456789", "SSN", "123456789"),
        ("call (555) 123-4567 today", "phone number", "(555) 123-4567"),
        ("call 555.123.4567", "phone number", "555.123.4567"),
        ("DOB: 3/4/1955, lumbar", "date of birth", "3/4/1955"),
        ("born March 3, 1950", "date of birth", "March 3, 1950"),
        ("date of birth 1950-03-04", "date of birth", "1950-03-04"),
        ("seen 12/01/24 for an ESI", "date", "12/01/24"),
        ("MRN 00123456 had 64483", "record number", "00123456"),
        ("acct# A1234567 denied", "record number", "A1234567"),
        ("patient 9876543210 was billed", "record number", "9876543210"),
    ],
)
def test_identifiers_are_redacted(text: str, kind: str, secret: str) -> None:
    result = redact(text)
    assert secret not in result.text
    assert result.counts.get(kind) == 1
    assert result.changed and kind.split()[0] in result.summary()


@pytest.mark.parametrize(
    "text",
    [
        "64483-50 x1 with 64484 for M54.16 and M51.16",
        "fee for 62323 in ZIP 90210 facility: $96.07",
        "0228T units, 77003 with 62321, ZIP+4 90210-1234",
        "4 sessions in 12 months since FY2022 (2025 PFS), version 2026.11.1",
        "modifier 50 on add-on 64480, RT/LT, XS, 59",
    ],
)
def test_coding_text_is_left_alone(text: str) -> None:
    assert redact(text).text == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_redaction_is_idempotent(text: str) -> None:
    once = redact(text).text
    assert redact(once).text == once


@settings(max_examples=100, deadline=None)
@given(
    st.from_regex(r"\A[0-9]{3}-[0-9]{2}-[0-9]{4}\Z"),
    st.from_regex(r"\A[0-9]{5}\Z"),
    st.from_regex(r"\A[A-Z][0-9]{2}\.[0-9]{1,2}\Z"),
)
def test_ssn_goes_codes_stay(ssn: str, cpt: str, icd: str) -> None:
    result = redact(f"ssn {ssn} billed {cpt} with {icd}")
    assert ssn not in result.text
    assert cpt in result.text and icd in result.text


def test_scrub_replaces_echoes_of_redacted_strings() -> None:
    found = redact("look up 555-123-4567").found
    assert scrub("No code matches 555-123-4567.", found) == "No code matches [phone]."


# ---------------------------------------------------------------- TOML


def sample() -> Transcript:
    return Transcript(
        turns=[
            Turn(
                "when do I use modifier 50",
                [TurnAnswer("mod-50", "modifier", "Mod 50", "Line one\nline two", ("a",))],
                suggestions=["x"],
                note="A note",
            ),
            Turn(
                "Guided coding: Region: Lumbar",
                [TurnAnswer("tree", "recommendation", "R", "text")],
                kind=TREE,
                facts={"region": "lumbar", "levels": 2, "bilateral": True},
            ),
        ],
        kb_version="v1",
        saved_at="2026-01-01T00:00:00Z",
    )


def test_toml_round_trip() -> None:
    transcript = sample()
    assert loads(dumps(transcript)) == transcript


@pytest.mark.parametrize(
    ("text", "message"),
    [("not = [toml", "not valid TOML"), ("format = 9\n", "unsupported format"), ("format = 1\n[[turn]]\n", "question")],
)
def test_bad_transcripts_are_one_line_errors(text: str, message: str) -> None:
    with pytest.raises(TranscriptError) as error:
        loads(text, "x.toml")
    assert str(error.value).startswith("x.toml: ") and message in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match="cannot read"):
        load(tmp_path / "nope.toml")


# ---------------------------------------------------------------- saving


def test_save_is_private_atomic_and_redacted(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "folder"
    transcript = sample()
    transcript.turns[0].question = "MRN 12345678: modifier 50?"
    transcript.turns[0].answers[0] = replace(transcript.turns[0].answers[0], text="For MRN 12345678: yes")
    path = new_path(folder)
    report = save(transcript, path)
    assert report.path == path and report.redactions == {"record number": 1}
    assert "identifiers removed: 1 record number" in report.message()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [p.name for p in folder.iterdir()] == [path.name]
    saved = load(path)
    assert "12345678" not in path.read_text()
    assert saved.turns[0].redacted and not saved.turns[1].redacted
    assert saved.saved_at.endswith("Z")
    assert transcript.turns[0].question == "MRN 12345678: modifier 50?"


def test_new_path_never_overwrites(tmp_path: Path) -> None:
    first = new_path(tmp_path)
    first.write_text("x")
    assert new_path(tmp_path) != first


def test_save_failure_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(TranscriptError) as error:
        save(sample(), blocker / "session.toml")
    assert str(error.value).startswith(f"could not save to {blocker}")
    assert blocker.read_text() == "not a folder"


def test_redact_transcript_counts_and_flags() -> None:
    transcript = sample()
    transcript.turns[0].note = "e-mail me: a@b.org"
    clean = redact_transcript(transcript)
    assert clean.redactions == {"e-mail address": 1}
    assert clean.turns[0].note == "e-mail me: [e-mail]"
    assert not clean.turns[0].redacted


# ---------------------------------------------------------------- replay


def test_replay_of_a_fresh_recording_is_clean(kb: KnowledgeBase, engine: Engine) -> None:
    transcript = recorded(kb, engine, ["when do I use modifier 50", "and on 64484?", "zzqx"])
    report = replay(transcript, kb, engine)
    assert report.ok and report.compared == 3 and report.turns == 3


def test_replay_reports_changed_answers(kb: KnowledgeBase, engine: Engine) -> None:
    transcript = recorded(kb, engine, ["when do I use modifier 50", "what is modifier 59"])
    first = transcript.turns[0]
    first.answers[0] = replace(first.answers[0], text="Something else entirely.", citations=("old-source",))
    second = transcript.turns[1]
    second.answers = list(reversed(second.answers))
    second.confident = not second.confident
    report = replay(transcript, kb, engine)
    assert not report.ok
    assert [d.index for d in report.drifts] == [1, 2]
    assert any("text changed" in c for c in report.drifts[0].changes)
    assert any("citations old-source ->" in c for c in report.drifts[0].changes)
    assert any(c.startswith("best answer: ") for c in report.drifts[1].changes)
    assert any(c.startswith("confidence: ") for c in report.drifts[1].changes)


def test_replay_skips_redacted_questions(kb: KnowledgeBase, engine: Engine) -> None:
    transcript = recorded(kb, engine, ["when do I use modifier 50"])
    transcript.turns[0].redacted = True
    transcript.turns[0].answers = []
    report = replay(transcript, kb, engine)
    assert report.ok and report.skipped == [1] and report.compared == 0


def test_compare_allows_other_answers_to_swap_but_not_to_change() -> None:
    a, b, c = (TurnAnswer(i, "k", i, f"text {i}") for i in "abc")
    old = Turn("q", [a, b, c])
    assert compare_turns(old, replace(old, answers=[a, c, b])) == []
    assert compare_turns(old, replace(old, answers=[b, a, c])) == ["best answer: a -> b"]
    d = TurnAnswer("d", "k", "d", "text d")
    assert compare_turns(old, replace(old, answers=[a, b, d])) == ["other answers: added d; removed c"]


def test_compare_ignores_suggestions_of_confident_answers() -> None:
    old = Turn("q", [TurnAnswer("a", "k", "t", "x")], suggestions=["one"])
    assert compare_turns(old, replace(old, suggestions=["two"])) == []
    unsure = replace(old, confident=False)
    assert compare_turns(unsure, replace(unsure, suggestions=["two"])) == ["suggestions changed"]


def test_tree_turns_are_replayed_through_the_tree() -> None:
    from esi_helper.transcripts import recommendation_plain_text
    from esi_helper.tree import load_tree, recommend

    demo = load_kb(DEMO_KB)
    facts = {"approach": "transforaminal", "levels": 2, "side": "left"}
    rec = recommend(demo, load_tree(demo), facts)
    turn = Turn(
        "Guided coding",
        [
            TurnAnswer(
                "tree", "recommendation", "Recommendation", recommendation_plain_text(rec), tuple(rec.citation_ids())
            )
        ],
        kind=TREE,
        facts=facts,
    )
    transcript = loads(dumps(Transcript(turns=[turn])))
    assert replay(transcript, demo).ok
    transcript.turns[0].facts["side"] = "right"
    report = replay(transcript, demo)
    assert report.drifts and "text changed" in report.drifts[0].changes[0]


def test_find_walkthrough_by_prefix_and_unknown() -> None:
    assert find_walkthrough("modif").name == "modifiers"
    with pytest.raises(TranscriptError, match="choose from: .*modifiers"):
        find_walkthrough("nothing-like-this")


def test_core_modules_do_not_import_textual() -> None:
    code = (
        "import sys, esi_helper.transcripts, esi_helper.redact, esi_helper.tui.render, esi_helper.tui.slash, "
        "esi_helper.tui.services; print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
