"""Pilot tests of the other screens: help, palette, guided coding, browse, tour, dialogs, a broken knowledge base."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding
from textual.command import CommandPalette
from textual.widgets import DataTable, Input, TabbedContent

from esi_helper.tui.app import EsiApp
from esi_helper.tui.screens.broken import BrokenKnowledgeScreen
from esi_helper.tui.screens.browse import BrowseScreen
from esi_helper.tui.screens.entry import EntryScreen
from esi_helper.tui.screens.guided import GuidedScreen
from esi_helper.tui.screens.help import HelpScreen, help_sections
from esi_helper.tui.screens.source import SourceScreen
from esi_helper.tui.screens.tour import TourScreen
from esi_helper.tui.services import Knowledge
from esi_helper.tui.widgets.turns import AnswerTurn, NoticeTurn, QuestionTurn
from tests.tui_support import FIXTURE_KB, answers, back_to_chat, make_app, open_screen, sync, wait_for, wait_for_screen

# fixtures are imported as ``name as name`` so that pytest finds them and ruff keeps them
from tests.tui_support import _no_blink as _no_blink
from tests.tui_support import demo as demo
from tests.tui_support import knowledge as knowledge

# ---------------------------------------------------------------- help and palette


@sync
async def test_f1_help_lists_every_binding(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, "f1", HelpScreen)
        text = app.screen.help_markdown()
        for _title, binding_lists in help_sections(EsiApp.BINDINGS):
            for bindings in binding_lists:
                for binding in bindings:
                    if isinstance(binding, Binding) and not binding.system:
                        assert (binding.tooltip or binding.description) in text
        for command in ("/tree", "/icd", "/fee", "/save", "/clear", "/help"):
            assert command in text
        await back_to_chat(pilot, "f1")


@sync
async def test_every_binding_has_an_id_and_description(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)):
        for _title, binding_lists in help_sections(EsiApp.BINDINGS)[:-1]:
            for bindings in binding_lists:
                for binding in bindings:
                    if isinstance(binding, Binding) and binding.action not in ("command_palette", "submit"):
                        assert binding.id and binding.description, binding


@sync
async def test_palette_jumps_to_an_entry(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    entry = next(iter(knowledge.kb.modifiers.values()))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, "ctrl+p", CommandPalette)
        await pilot.press(*entry.id)
        await pilot.pause(0.3)
        await open_screen(pilot, "enter", EntryScreen)
        assert app.screen.entry_id == entry.id


@sync
async def test_palette_runs_app_actions(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, "ctrl+p", CommandPalette)
        await pilot.press(*"guided")
        await pilot.pause(0.3)
        await open_screen(pilot, "enter", GuidedScreen)


@sync
async def test_screen_keys_only_from_the_chat(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, "f3", BrowseScreen)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)
        await back_to_chat(pilot)
        await open_screen(pilot, "f4", TourScreen)


# ---------------------------------------------------------------- guided coding


@sync
async def test_guided_choice_number_and_result(demo: Knowledge, tmp_path: Path) -> None:
    app = make_app(demo, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, "f2", GuidedScreen)
        screen = app.screen
        assert "Which approach" in str(screen.query_one("#question").render())
        await pilot.press("enter")  # 1. Transforaminal, highlighted first
        assert screen.query_one("#number", Input).has_focus
        await pilot.press("backspace", "2", "enter")
        await pilot.press("down", "down", "enter")  # Both sides
        await wait_for(pilot, lambda: screen.finished)
        assert screen.recommendation.claim_lines() == ["90101-50 x1", "90102-50 x1"]
        crumb = str(screen.query_one("#breadcrumb").render())
        assert "Approach: Transforaminal" in crumb and "Levels: 2" in crumb and "Side: Both sides" in crumb
        card = screen.query_one(AnswerTurn)
        assert "Warning:" in card.view.markdown and "[1]" in card.view.markdown


@sync
async def test_guided_back_with_escape_and_backspace_then_leave(demo: Knowledge, tmp_path: Path) -> None:
    app = make_app(demo, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, "f2", GuidedScreen)
        screen = app.screen
        await pilot.press("1", "enter", "3")
        await wait_for(pilot, lambda: screen.finished)
        await pilot.press("escape")
        assert not screen.finished and screen.walker.current().id == "side"
        await pilot.press("backspace")
        assert screen.walker.current().id == "levels"
        number = screen.query_one("#number", Input)
        assert number.value == "1"
        await pilot.press("backspace")  # edits the number first
        assert number.value == ""
        await pilot.press("backspace", "escape")
        assert screen.walker.path == []
        await back_to_chat(pilot)


@sync
async def test_guided_restart_and_invalid_number(demo: Knowledge, tmp_path: Path) -> None:
    app = make_app(demo, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, "f2", GuidedScreen)
        screen = app.screen
        await pilot.press("1", "backspace", "9", "enter")
        assert "Error:" in str(screen.query_one("#error").render())
        assert screen.walker.current().id == "levels"
        await pilot.press("ctrl+r")
        assert screen.walker.path == []


@sync
async def test_guided_result_sent_to_chat_and_copied(demo: Knowledge, tmp_path: Path) -> None:
    app = make_app(demo, tmp_path)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, "f2", GuidedScreen)
        await pilot.press("2")
        await wait_for(pilot, lambda: app.screen.finished)
        await pilot.press("c")
        assert copied and copied[0].startswith("90201 x1")
        await back_to_chat(pilot, "s")
        turn = app.chat.transcript.turns[-1]
        assert turn.kind == "tree" and turn.facts == {"approach": "interlaminar"}
        assert "Approach: Interlaminar" in str(app.chat.query(QuestionTurn).last().render())
        assert answers(app)[-1].view.heading == "Recommendation"


@sync
async def test_guided_on_the_shipped_tree_reaches_claim_lines(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, "f2", GuidedScreen)
        screen = app.screen
        for _ in range(30):
            if screen.finished:
                break
            question = screen.walker.current()
            await pilot.press("enter" if question.kind == "choice" else "enter")
            if question.kind == "number" and screen.walker.current() is question:
                await pilot.press("1", "enter")
        assert screen.finished
        assert screen.query_one(AnswerTurn).view.markdown.startswith("**Claim lines**")


# ---------------------------------------------------------------- browse


@sync
async def test_browse_filter_tabs_and_open(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, "f3", BrowseScreen)
        screen = app.screen
        table = screen.current_table
        assert table.row_count == len(knowledge.kb.codes)
        await pilot.press("2")
        assert screen.query_one(TabbedContent).active == "modifiers"
        assert screen.current_table.row_count == len(knowledge.kb.modifiers)
        await pilot.press("slash", *"bilateral")
        assert 0 < screen.current_table.row_count < len(knowledge.kb.modifiers)
        await pilot.press("enter")
        assert isinstance(app.focused, DataTable)
        await open_screen(pilot, "enter", EntryScreen)
        assert knowledge.kb.entries[app.screen.entry_id].kind == "modifier"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("escape")
        assert screen.query_one("#filter", Input).value == ""
        await pilot.press("3", "4", "5")
        assert screen.query_one(TabbedContent).active == "diagnoses"
        await back_to_chat(pilot)


@sync
async def test_entry_dialog_opens_its_sources(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    entry = next(iter(knowledge.kb.codes.values()))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.action_show_entry(entry.id)
        await wait_for_screen(pilot, EntryScreen)
        assert app.screen.query_one(".dialog").has_focus  # the entry's text first, not its source list
        await open_screen(pilot, "1", SourceScreen)
        assert app.screen.source.id == entry.citations[0]
        await pilot.press("escape", "tab", "down", "enter")
        await wait_for_screen(pilot, SourceScreen)
        assert app.screen.source.id == entry.citations[1]
        await pilot.press("c")
        assert copied == [knowledge.kb.sources[entry.citations[1]].url]
        await back_to_chat(pilot, "escape", "escape")


# ---------------------------------------------------------------- tour


@sync
async def test_tour_plays_step_by_step(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_screen(pilot, "f4", TourScreen)
        screen = app.screen
        assert len(screen.walkthroughs) >= 6
        await pilot.press("enter")
        tour = screen.tour
        assert tour is not None and screen.position == 1
        assert len(screen.query(QuestionTurn)) == 1 and not screen.query(AnswerTurn)
        await pilot.press("space")
        await wait_for(pilot, lambda: len(screen.query(AnswerTurn)) == 1)
        await pilot.press("enter")
        assert len(screen.query(QuestionTurn)) == 2
        await pilot.press("b")
        assert len(screen.query(QuestionTurn)) == 1 and screen.position == 2
        for _ in range(2 * len(tour.turns)):
            await pilot.press("space")
            await wait_for(pilot, lambda: not screen._waiting)
        assert len(screen.query(AnswerTurn)) == len(tour.turns)
        assert screen.query(NoticeTurn)
        await pilot.press("escape")
        assert screen.tour is None
        await back_to_chat(pilot)


@sync
async def test_tour_by_name_at_start(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path, tour="modifiers")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, TourScreen)
        await wait_for(pilot, lambda: app.screen.tour is not None)
        assert app.screen.tour.name == "modifiers"


# ---------------------------------------------------------------- broken knowledge base


@sync
async def test_broken_knowledge_shows_problems_then_reloads(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    for item in FIXTURE_KB.iterdir():
        (folder / item.name).write_text(item.read_text())
    good = (folder / "codes.toml").read_text()
    (folder / "codes.toml").write_text(good.replace('citations = ["demo-official"]\n', 'citations = ["nowhere"]\n', 1))
    app = EsiApp(folder, tmp_path / "t", icd=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, BrokenKnowledgeScreen)
        lines = [str(w.render()) for w in app.screen.query(".problem")]
        assert lines and all(line.startswith("codes.toml:") for line in lines)
        assert "nowhere" in " ".join(lines)
        (folder / "codes.toml").write_text(good)
        await pilot.press("r")
        await wait_for(pilot, lambda: app.knowledge is not None)
        assert app.screen is app.chat


@sync
async def test_broken_knowledge_syntax_error_and_quit(tmp_path: Path) -> None:
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "kb.toml").write_text('version = "x"\ntitle = \n')
    app = EsiApp(folder, tmp_path / "t", icd=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, BrokenKnowledgeScreen)
        assert "kb.toml:2" in str(app.screen.query(".problem").first().render())
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running)
