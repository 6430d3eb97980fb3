"""Snapshot tests of the main screens, on a small frozen knowledge base (tests/snapshots/knowledge).

Review a failing snapshot's report before updating it: ``pytest tests/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from esi_helper.answer import Result
from esi_helper.transcripts import WALKTHROUGH, Transcript, Turn
from esi_helper.tui.app import EsiApp
from esi_helper.tui.screens.broken import BrokenKnowledgeScreen
from esi_helper.tui.screens.browse import BrowseScreen
from esi_helper.tui.screens.guided import GuidedScreen
from esi_helper.tui.screens.help import HelpScreen
from esi_helper.tui.screens.source import SourceScreen
from esi_helper.tui.screens.tour import TourScreen
from esi_helper.tui.services import Knowledge, load_knowledge
from esi_helper.tui.widgets.turns import AnswerTurn

FIXTURE_KB = Path(__file__).parent / "snapshots" / "knowledge"
SnapCompare = Callable[..., bool]


@pytest.fixture(scope="module")
def demo() -> Knowledge:
    return load_knowledge(FIXTURE_KB)


@pytest.fixture(autouse=True)
def _frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """No blinking cursor; a fixed walkthrough list."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    demo_tour = Transcript(
        turns=[
            Turn("what is 90101", note="Ask what a code means; the key fact comes first."),
            Turn("how many levels per session", note="Limits have their own rules."),
        ],
        kind=WALKTHROUGH,
        name="demo",
        title="Demo walkthrough",
        description="Two questions about the demo codes.",
    )
    monkeypatch.setattr("esi_helper.tui.screens.tour.list_walkthroughs", lambda: [demo_tour])


class UnsureEngine:
    """The demo engine, except that every question gets a low-confidence answer with suggestions."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def ask(self, question: str, conversation: Any = None, top: int = 3) -> Result:
        return Result(question, False, [], ["what is 90101", "how many levels per session"])

    def complete(self, prefix: str) -> list[str]:
        return []


def app_for(knowledge: Knowledge, tmp_path: Path, **kwargs: Any) -> EsiApp:
    return EsiApp(knowledge=knowledge, icd=False, transcripts_dir=tmp_path, **kwargs)


async def wait_for(pilot: Pilot, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.01)


async def ask(pilot: Pilot, text: str) -> None:
    app = pilot.app
    assert isinstance(app, EsiApp)
    count = len(app.chat.latencies)
    app.chat.prompt.value = text
    await pilot.press("enter")
    await wait_for(pilot, lambda: len(app.chat.latencies) > count)
    await pilot.pause(0.05)


def test_chat_home(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await wait_for(pilot, lambda: pilot.app.chat.knowledge is not None)

    assert snap_compare(app_for(demo, tmp_path), run_before=run_before)


def test_chat_answer(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await ask(pilot, "what is 90101")

    assert snap_compare(app_for(demo, tmp_path), run_before=run_before)


def test_chat_answer_sources_focused_light(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        pilot.app.theme = "textual-light"
        await ask(pilot, "how many levels per session")
        await pilot.press("ctrl+o")

    assert snap_compare(app_for(demo, tmp_path), run_before=run_before)


def test_chat_unsure_suggestions(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await ask(pilot, "something vague")

    knowledge = Knowledge(demo.kb, UnsureEngine(demo.engine))
    assert snap_compare(app_for(knowledge, tmp_path), run_before=run_before)


def test_chat_wide_two_turns(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await ask(pilot, "what is 90101")
        await ask(pilot, "what is 90102")

    assert snap_compare(app_for(demo, tmp_path), run_before=run_before, terminal_size=(100, 30))


def test_source_dialog(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await ask(pilot, "what is 90101")
        await pilot.press("ctrl+o", "enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, SourceScreen))

    assert snap_compare(app_for(demo, tmp_path), run_before=run_before)


def test_guided_question(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, GuidedScreen))

    assert snap_compare(app_for(demo, tmp_path), run_before=run_before)


def test_guided_number_question(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, GuidedScreen))
        await pilot.press("1", "backspace", "7", "enter")

    assert snap_compare(app_for(demo, tmp_path), run_before=run_before)


def test_guided_result(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, GuidedScreen))
        await pilot.press("1", "backspace", "2", "enter", "2")
        await wait_for(pilot, lambda: bool(pilot.app.screen.query(AnswerTurn)))

    assert snap_compare(app_for(demo, tmp_path), run_before=run_before)


def test_browse(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, BrowseScreen))

    assert snap_compare(app_for(demo, tmp_path), run_before=run_before)


def test_help(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))

    assert snap_compare(app_for(demo, tmp_path), run_before=run_before)


def test_tour_step(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, TourScreen))
        await pilot.press("enter", "space")
        await wait_for(pilot, lambda: bool(pilot.app.screen.query(AnswerTurn)))
        await pilot.press("space")

    assert snap_compare(app_for(demo, tmp_path), run_before=run_before)


def test_broken_knowledge(snap_compare: SnapCompare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the screen names the folder: keep it the same on every run
    folder = Path("kb")
    folder.mkdir()
    (folder / "kb.toml").write_text('version = "x"\ntitle = "t"\n')
    (folder / "sources.toml").write_text('[[source]]\nid = "a"\ntitle = "A"\n')

    async def run_before(pilot: Pilot) -> None:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, BrokenKnowledgeScreen))

    assert snap_compare(EsiApp(folder, "transcripts", icd=False), run_before=run_before)
