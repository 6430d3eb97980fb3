"""Pilot tests of the chat screen: asking, follow-ups, history, completion, choices, slash commands, pasting."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.events import Key, Paste

from esi_helper.answer import Result
from esi_helper.tui.app import EsiApp
from esi_helper.tui.screens.browse import BrowseScreen
from esi_helper.tui.screens.entry import EntryScreen
from esi_helper.tui.screens.guided import GuidedScreen
from esi_helper.tui.screens.help import HelpScreen
from esi_helper.tui.screens.source import SourceScreen
from esi_helper.tui.screens.tour import TourScreen
from esi_helper.tui.services import Knowledge
from esi_helper.tui.widgets.choices import ChoiceList
from esi_helper.tui.widgets.turns import AnswerTurn, NoticeTurn, QuestionTurn

# fixtures are imported as ``name as name`` so that pytest finds them and ruff keeps them
from tests.tui_support import _no_blink as _no_blink
from tests.tui_support import answers, back_to_chat, make_app, open_screen, sync, wait_for, wait_for_screen
from tests.tui_support import knowledge as knowledge

UNSURE = "zzz unsure trigger"


class ScriptedEngine:
    """The real engine, except one question that gets a low-confidence answer with suggestions."""

    def __init__(self, engine: object, fail: bool = False) -> None:
        self.engine = engine
        self.fail = fail
        self.asked: list[str] = []

    def ask(self, question: str, conversation: object = None, top: int = 3) -> Result:
        self.asked.append(question)
        if self.fail:
            raise RuntimeError("engine exploded")
        if question == UNSURE:
            return Result(question, False, [], ["what is modifier 59", "when do I use modifier 50"])
        return self.engine.ask(question, conversation, top=top)  # type: ignore[attr-defined]

    def complete(self, prefix: str) -> list[str]:
        return self.engine.complete(prefix)  # type: ignore[attr-defined]


def scripted_app(knowledge: Knowledge, tmp_path: Path, fail: bool = False) -> tuple[EsiApp, ScriptedEngine]:
    """An app on the shipped knowledge base whose engine is a ``ScriptedEngine``, and that engine."""
    engine = ScriptedEngine(knowledge.engine, fail)
    return make_app(Knowledge(knowledge.kb, engine), tmp_path), engine


async def ask(pilot: object, app: EsiApp, text: str, timeout: float = 5.0) -> AnswerTurn:
    """Type ``text`` into the prompt, press Enter and wait for its answer."""
    before = len(answers(app))
    app.chat.prompt.value = text
    await pilot.press("enter")  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: len(answers(app)) > before and app.chat.latencies, timeout)
    await wait_for(pilot, lambda: len(app.chat.latencies) >= len(answers(app)))
    return answers(app)[-1]


@sync
async def test_knowledge_loads_in_a_worker(tmp_path: Path) -> None:
    app = EsiApp(icd=False, transcripts_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Loading" in app.chat.prompt.placeholder
        await wait_for(pilot, lambda: app.knowledge is not None)
        await pilot.pause()
        assert app.chat.knowledge is app.knowledge
        assert "Ask a question" in app.chat.prompt.placeholder
        assert app.knowledge is not None and app.knowledge.version in app.sub_title


@sync
async def test_question_asked_before_loading_is_answered_after(tmp_path: Path) -> None:
    app = EsiApp(icd=False, transcripts_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.chat.prompt.value = "what is modifier 50"
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(answers(app)) == 1)
        assert app.chat.transcript.turns[0].question == "what is modifier 50"


@sync
async def test_answer_shows_key_fact_sources_and_version(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        answer = await ask(pilot, app, "when do I use modifier 50")
        assert answer.view.confident
        assert answer.view.markdown.startswith("**")
        assert "Sources [1]" in answer.view.markdown
        assert answer.choice_list is not None
        assert str(answer.choice_list.get_option_at_index(0).prompt).startswith("[1] ")
        assert answer.border_subtitle == f"KB {knowledge.version}"
        assert isinstance(app.chat.query(QuestionTurn).last(), QuestionTurn)
        assert app.chat.latencies[-1] < 1.0
        turn = app.chat.transcript.turns[-1]
        assert turn.answers and turn.answers[0].citations


@sync
async def test_follow_up_keeps_context(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        first = await ask(pilot, app, "cervical interlaminar ESI with fluoroscopy code")
        second = await ask(pilot, app, "and for lumbar?")
        assert app.chat.conversation.turns == 2
        assert app.chat.conversation.last.followup  # the engine read it against the first question
        assert first.view.markdown != second.view.markdown


@sync
async def test_history_up_and_down(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, app, "what is modifier 50")
        await ask(pilot, app, "what is modifier 59")
        prompt = app.chat.prompt
        prompt.value = "draft"
        await pilot.press("up")
        assert prompt.value == "what is modifier 59"
        await pilot.press("up", "up")
        assert prompt.value == "what is modifier 50"
        await pilot.press("down")
        assert prompt.value == "what is modifier 59"
        await pilot.press("down")
        assert prompt.value == "draft"


@sync
async def test_tab_accepts_completion(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"/tr")
        await wait_for(pilot, lambda: app.chat.prompt._suggestion != "")
        await pilot.press("tab")
        assert app.chat.prompt.value == "/tree"
        expected = app.chat.complete("lumb")
        assert expected and expected.lower().startswith("lumb") and len(expected) > 4
        app.chat.prompt.value = ""
        await pilot.press(*"lumb")
        await wait_for(pilot, lambda: app.chat.prompt._suggestion != "")
        await pilot.press("tab")
        assert app.chat.prompt.value == expected


@sync
async def test_tab_without_completion_moves_focus(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, app, "when do I use modifier 50")
        await pilot.press("tab")
        assert not app.chat.prompt.has_focus


@sync
async def test_ctrl_o_opens_sources_and_enter_shows_details(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        answer = await ask(pilot, app, "when do I use modifier 50")
        await pilot.press("ctrl+o")
        assert isinstance(app.focused, ChoiceList)
        assert app.focused is answer.choice_list
        await open_screen(pilot, "enter", SourceScreen)
        first_source = answer.view.choices[0].value
        assert app.screen.source.id == first_source
        await back_to_chat(pilot)
        await pilot.press("escape")
        assert app.chat.prompt.has_focus


@sync
async def test_number_key_opens_that_citation(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        answer = await ask(pilot, app, "when do I use modifier 50")
        await pilot.press("ctrl+o", "2")
        await wait_for_screen(pilot, SourceScreen)
        assert app.screen.source.id == answer.view.choices[1].value


@sync
async def test_see_also_opens_entry(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        answer = await ask(pilot, app, "when do I use modifier 50")
        index = next(i for i, c in enumerate(answer.view.choices) if c.label.startswith("See also"))
        await pilot.press("ctrl+o", str(index + 1))
        await wait_for_screen(pilot, EntryScreen)
        await back_to_chat(pilot)


@sync
async def test_ctrl_o_without_answers_says_so(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+o")
        assert app.chat.prompt.has_focus
        assert any("No answer" in n.message for n in app._notifications)


@sync
async def test_unsure_answer_offers_suggestions_to_pick(knowledge: Knowledge, tmp_path: Path) -> None:
    app, engine = scripted_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        answer = await ask(pilot, app, UNSURE)
        assert not answer.view.confident
        assert answer.border_title == "Not sure: pick a suggestion"
        await wait_for(pilot, lambda: isinstance(app.focused, ChoiceList))
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: engine.asked[-1] == "when do I use modifier 50")
        await wait_for(pilot, lambda: len(answers(app)) == 2)
        assert app.chat.prompt.has_focus


@sync
async def test_typing_in_suggestions_goes_back_to_prompt(knowledge: Knowledge, tmp_path: Path) -> None:
    app, engine = scripted_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, app, UNSURE)
        await wait_for(pilot, lambda: isinstance(app.focused, ChoiceList))
        await pilot.press("h", "i")
        assert app.chat.prompt.has_focus
        assert app.chat.prompt.value == "hi"


@sync
async def test_fast_typing_in_suggestions_keeps_every_key_and_enter(knowledge: Knowledge, tmp_path: Path) -> None:
    app, engine = scripted_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, app, UNSURE)
        await wait_for(pilot, lambda: isinstance(app.focused, ChoiceList))
        for char in "what is modifier 59":  # all queued before the focus can move, as from a fast typist
            app.post_message(Key(char if char != " " else "space", char))
        app.post_message(Key("enter", None))
        await wait_for(pilot, lambda: engine.asked[-1] == "what is modifier 59")
        assert app.chat.prompt.value == ""


@sync
async def test_engine_failure_is_a_notice_and_keeps_the_question(knowledge: Knowledge, tmp_path: Path) -> None:
    app, _ = scripted_app(knowledge, tmp_path, fail=True)
    async with app.run_test(size=(80, 24)) as pilot:
        app.chat.prompt.value = "what is modifier 50"
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.chat.query(NoticeTurn)))
        assert app.chat.prompt.value == "what is modifier 50"
        assert "engine exploded" in str(app.chat.query(NoticeTurn).last().render())
        assert not app.chat.busy


@pytest.mark.parametrize(
    ("command", "screen"),
    [("/help", HelpScreen), ("/tree", GuidedScreen), ("/browse", BrowseScreen), ("/tour", TourScreen)],
)
@sync
async def test_slash_commands_open_screens(knowledge: Knowledge, tmp_path: Path, command: str, screen: type) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.chat.prompt.value = command
        await open_screen(pilot, "enter", screen)
        await back_to_chat(pilot)


@sync
async def test_slash_icd_and_fee_are_answered(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        code = next(iter(knowledge.kb.codes))
        icd = await ask(pilot, app, "/icd radiculopathy lumbar", timeout=60)  # the first ICD use builds its cache
        fee = await ask(pilot, app, f"/fee {code}")
        assert icd.view.markdown and fee.view.markdown
        questions = [t.question for t in app.chat.transcript.turns]
        assert questions == ["ICD-10 radiculopathy lumbar", f"fee {code}"]
        assert any(a.id.startswith("fee") for a in app.chat.transcript.turns[1].answers)


@sync
async def test_slash_errors_keep_what_was_typed(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        for text, message in (("/nope", "Unknown command /nope"), ("/icd", "Usage: /icd")):
            app.chat.prompt.value = text
            await pilot.press("enter")
            await wait_for(pilot, lambda: bool(app.chat.query(NoticeTurn)))
            assert app.chat.prompt.value == text
            assert message in str(app.chat.query(NoticeTurn).last().render())


@sync
async def test_slash_clear_starts_afresh(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, app, "when do I use modifier 50")
        app.chat.prompt.value = "/clear"
        await pilot.press("enter")
        await pilot.pause()
        assert not answers(app)
        assert not app.chat.transcript.turns
        assert app.chat.conversation.turns == 0


@sync
async def test_markup_in_a_question_is_shown_as_typed(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, app, "[bold]modifier 50[/bold] **x** <b>")
        assert "[bold]modifier 50[/bold]" in str(app.chat.query(QuestionTurn).last().render())


@sync
async def test_pasting_ten_thousand_characters_and_control_codes(knowledge: Knowledge, tmp_path: Path) -> None:
    app = make_app(knowledge, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        text = ("modifier 50 bilateral \x1b[31m\x07\x00 line\r\nnext\t" * 300)[:10_000]
        started = time.perf_counter()
        app.chat.prompt.post_message(Paste(text))
        await wait_for(pilot, lambda: len(app.chat.prompt.value) > 9_000)
        value = app.chat.prompt.value
        assert len(value) > 9_000
        assert not any(ord(ch) < 32 for ch in value)
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(answers(app)), timeout=10)
        await wait_for(pilot, lambda: bool(app.chat.query(NoticeTurn)))
        assert "first 1,000 characters" in str(app.chat.query(NoticeTurn).last().render())
        assert app.chat.transcript.turns[0].question == value.strip()
        assert time.perf_counter() - started < 10
        await pilot.press(*"still typing")
        assert app.chat.prompt.value == "still typing"


@sync
async def test_icd_code_set_is_warmed_in_a_worker(
    knowledge: Knowledge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from esi_helper.tui import services

    threads: list[str] = []

    def fake_warm(on_build: Callable[[], None]) -> int:
        threads.append(threading.current_thread().name)
        on_build()
        return 0

    monkeypatch.setattr(services, "warm_icd", fake_warm)
    app = EsiApp(knowledge=knowledge, transcripts_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: any("ICD-10-CM" in (n.title or "") for n in app._notifications))
        assert threads and threads[0] != threading.main_thread().name


@sync
async def test_icd_failure_is_a_warning_not_a_crash(
    knowledge: Knowledge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from esi_helper.tui import services

    def broken(on_build: Callable[[], None]) -> int:
        raise OSError("no code set here")

    monkeypatch.setattr(services, "warm_icd", broken)
    app = EsiApp(knowledge=knowledge, transcripts_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: any("unavailable" in n.message for n in app._notifications))
        assert app.is_running
