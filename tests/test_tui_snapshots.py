"""Snapshot tests of the main screens, on a small frozen knowledge base (tests/snapshots/knowledge).

Review a failing snapshot's report before updating it: ``pytest tests/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from esi_helper.answer import Result
from esi_helper.transcripts import WALKTHROUGH, Transcript, Turn
from esi_helper.tui.app import EsiApp
from esi_helper.tui.screens.broken import BrokenKnowledgeScreen
from esi_helper.tui.screens.browse import BrowseScreen
from esi_helper.tui.screens.guided import GuidedScreen
from esi_helper.tui.screens.help import HelpScreen
from esi_helper.tui.screens.source import SourceScreen
from esi_helper.tui.screens.tour import TourScreen
from esi_helper.tui.services import Knowledge
from esi_helper.tui.widgets.turns import AnswerTurn

# fixtures are imported as ``name as name`` so that pytest finds them and ruff keeps them
from tests.tui_support import _no_blink as _no_blink
from tests.tui_support import demo as demo
from tests.tui_support import open_screen, wait_for, wait_for_screen

SnapCompare = Callable[..., bool]


@pytest.fixture(autouse=True)
def _frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed walkthrough list."""
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
        await wait_for_screen(pilot, SourceScreen)

    assert snap_compare(app_for(demo, tmp_path), run_before=run_before)


def test_guided_question(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_screen(pilot, "f2", GuidedScreen)

    assert snap_compare(app_for(demo, tmp_path), run_before=run_before)


def test_guided_number_question(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_screen(pilot, "f2", GuidedScreen)
        await pilot.press("1", "backspace", "7", "enter")

    assert snap_compare(app_for(demo, tmp_path), run_before=run_before)


def test_guided_result(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_screen(pilot, "f2", GuidedScreen)
        await pilot.press("1", "backspace", "2", "enter", "2")
        await wait_for(pilot, lambda: bool(pilot.app.screen.query(AnswerTurn)))

    assert snap_compare(app_for(demo, tmp_path), run_before=run_before)


def test_browse(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_screen(pilot, "f3", BrowseScreen)

    assert snap_compare(app_for(demo, tmp_path), run_before=run_before)


def test_help(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_screen(pilot, "f1", HelpScreen)

    assert snap_compare(app_for(demo, tmp_path), run_before=run_before)


def test_tour_step(snap_compare: SnapCompare, demo: Knowledge, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_screen(pilot, "f4", TourScreen)
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
        await wait_for_screen(pilot, BrokenKnowledgeScreen)

    assert snap_compare(EsiApp(folder, "transcripts", icd=False), run_before=run_before)
