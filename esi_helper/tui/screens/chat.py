"""The home screen: a conversation with the knowledge base, with slash commands and saving."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from esi_helper.transcripts import Transcript, TranscriptError, Turn, new_path, save, turn_from_result
from esi_helper.tui import slash
from esi_helper.tui.messages import Navigate
from esi_helper.tui.render import ANSWER, ASK, ENTRY, SOURCE, AnswerView, answer_detail_view, answer_view
from esi_helper.tui.widgets.choices import ChoiceList
from esi_helper.tui.widgets.prompt import Prompt
from esi_helper.tui.widgets.turns import AnswerTurn, NoticeTurn, QuestionTurn

if TYPE_CHECKING:
    from esi_helper.tui.services import Knowledge

#: The engine sees at most this much of a question (the transcript keeps all of it).
QUESTION_LIMIT = 1000

WELCOME = Content.assemble(
    ("Ask about epidural steroid injection coding.", "bold"),
    " For example:\n\n",
    "• ",
    ("Which code for a lumbar transforaminal at two levels?", "italic"),
    "\n• ",
    ("Can fluoroscopy be billed on its own line with an interlaminar ESI?", "italic"),
    "\n• Type ",
    ("/tree", "bold"),
    " to be guided to the claim lines, or ",
    ("/help", "bold"),
    " for every key and command.",
)


@dataclass
class AnswerReady(Message):
    """The answer engine replied to ``question``."""

    question: str
    result: Any
    started: float


@dataclass
class AnswerFailed(Message):
    """The answer engine raised while answering ``question``."""

    question: str
    error: str


class ChatScreen(Screen[None]):
    """The conversation: questions, answers with numbered sources, and the prompt."""

    BINDINGS = [
        Binding(
            "ctrl+o",
            "sources",
            "Sources",
            id="chat.sources",
            tooltip="Move to the sources and choices of the last answer",
        ),
        Binding("escape", "focus_prompt", "Prompt", show=False, id="chat.prompt", tooltip="Back to the prompt"),
        Binding(
            "pageup", "scroll_log(-1)", "Scroll up", show=False, id="chat.page-up", tooltip="Scroll the conversation up"
        ),
        Binding(
            "pagedown",
            "scroll_log(1)",
            "Scroll down",
            show=False,
            id="chat.page-down",
            tooltip="Scroll the conversation down",
        ),
    ]

    HELP = "Type a question and press **Enter**; **Ctrl+O** moves to the sources of the last answer."

    busy: reactive[bool] = reactive(False, init=False)
    """Whether a question is being answered (later questions wait their turn)."""

    def __init__(self, transcripts_dir: Path) -> None:
        super().__init__()
        self.transcripts_dir = transcripts_dir
        self.knowledge: Knowledge | None = None
        self.transcript = Transcript()
        """The session so far, saved by Ctrl+S."""
        self.save_path: Path | None = None
        self.conversation: Any = None
        self.latencies: list[float] = []
        """Seconds from Enter to the answer on screen, per answer (for the benchmark)."""
        self._queue: deque[str] = deque()

    def watch_busy(self, busy: bool) -> None:
        """Say (in words, not only colour) that an answer is on its way."""
        self.prompt.set_class(busy, "-busy")
        self.prompt.border_title = "Answering…" if busy else None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="log"):
            yield Static(WELCOME, id="welcome")
        yield Prompt(self.complete, placeholder="Loading the knowledge base…", id="prompt")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.prompt.focus()

    @property
    def prompt(self) -> Prompt:
        """The question input."""
        return self.query_one("#prompt", Prompt)

    @property
    def log_view(self) -> VerticalScroll:
        """The scrolling conversation."""
        return self.query_one("#log", VerticalScroll)

    # ------------------------------------------------------------ knowledge

    def knowledge_ready(self, knowledge: Knowledge) -> None:
        """Start answering with ``knowledge`` (called by the app once it has loaded)."""
        self.knowledge = knowledge
        self.conversation = knowledge.conversation()
        self.sub_title = f"Knowledge base {knowledge.version}"
        self.prompt.placeholder = "Ask a question, or type / for commands (F1 for help)"
        self._warm_up()
        if self._queue:
            self._next_question()

    def _warm_up(self) -> None:
        """Render a hidden answer using every Markdown element once, so the first real answers are quick.

        Textual reads a widget class's CSS the first time one is mounted; doing that now, after the first
        paint and before the first question, keeps it out of the time from Enter to answer.
        """
        self.log_view.mount(AnswerTurn.warm_up())

    def complete(self, value: str) -> str | None:
        """Completion for the prompt: slash commands, then the engine's codes and topics."""
        if value.startswith("/"):
            return slash.complete(value)
        if self.knowledge is None:
            return None
        for candidate in self.knowledge.engine.complete(value):
            if candidate.lower().startswith(value.lower()) and len(candidate) > len(value):
                return value + candidate[len(value) :]
        return None

    # ------------------------------------------------------------ asking

    @on(Input.Submitted, "#prompt")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        self.prompt.remember(text)
        self.prompt.value = ""
        if slash.is_command(text):
            self.run_command(text)
        else:
            self.ask(text)

    def ask(self, question: str, typed: str | None = None) -> None:
        """Show ``typed`` (default: the question) and have ``question`` answered after any still waiting."""
        self.log_view.mount(QuestionTurn(typed or question))
        self.log_view.scroll_end(animate=False)
        self._queue.append(question)
        if self.knowledge is None:
            self.add_notice("The knowledge base is still loading; your question will be answered in a moment.")
        elif not self.busy:
            self._next_question()

    def _next_question(self) -> None:
        if self.knowledge is None or not self._queue:
            return
        self.busy = True
        self._answer(self._queue.popleft(), time.perf_counter())

    @work(thread=True, group="answer", exit_on_error=False)
    def _answer(self, question: str, started: float) -> None:
        """Ask the engine in a thread; the reply comes back as a message."""
        assert self.knowledge is not None
        try:
            result = self.knowledge.engine.ask(question[:QUESTION_LIMIT], self.conversation, top=3)
        except Exception as exc:  # noqa: BLE001 - any engine failure becomes a notice, never a crash
            self.post_message(AnswerFailed(question, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(AnswerReady(question, result, started))

    @on(AnswerReady)
    def _answered(self, message: AnswerReady) -> None:
        assert self.knowledge is not None
        view = answer_view(message.result, self.knowledge.kb)
        turn = turn_from_result(message.question, message.result)
        answer = self.show_answer(view, turn)
        answer.started = message.started
        if len(message.question) > QUESTION_LIMIT:
            self.add_notice(f"Only the first {QUESTION_LIMIT:,} characters of that question were used.")
        self.busy = False
        self._next_question()

    @on(AnswerFailed)
    def _failed(self, message: AnswerFailed) -> None:
        self.add_notice(f"Could not answer that question ({message.error}). It is back in the prompt.", error=True)
        if not self.prompt.value:
            self.prompt.value = message.question
            self.prompt.cursor_position = len(message.question)
        self.busy = False
        self._next_question()

    def show_answer(self, view: AnswerView, turn: Turn, subtitle: str = "") -> AnswerTurn:
        """Add an answer to the conversation and the session; focus its suggestions when unsure."""
        version = self.knowledge.version if self.knowledge else ""
        answer = AnswerTurn(view, subtitle or (f"KB {version}" if version else ""), typing_leaves=True)
        self.log_view.mount(answer)
        self.transcript.turns.append(turn)
        if not view.confident and view.choices:
            self.call_after_refresh(self._focus_choices, answer)
        return answer

    def show_sent(self, view: AnswerView, turn: Turn) -> None:
        """Show a result sent from another screen (guided coding) as a turn of the conversation."""
        label, _, rest = turn.question.partition(": ")
        self.log_view.mount(QuestionTurn(rest or turn.question, label=label if rest else "You"))
        self.show_answer(view, turn)
        self.prompt.focus()

    @on(AnswerTurn.Rendered)
    def _rendered(self, event: AnswerTurn.Rendered) -> None:
        if event.answer.has_class("-warm-up"):
            event.answer.remove()
            return
        if event.answer.started is not None:
            self.latencies.append(time.perf_counter() - event.answer.started)
        self.call_after_refresh(self._reveal, event.answer)

    def _reveal(self, answer: AnswerTurn) -> None:
        """Scroll so the answer's first line (the key fact) is in view, with its question above if it fits."""
        log = self.log_view
        siblings = list(log.children)
        index = siblings.index(answer) if answer in siblings else 0
        before = siblings[index - 1] if index > 0 else None
        asked = before if isinstance(before, QuestionTurn) else answer
        top = asked.virtual_region.y - 1
        if answer.virtual_region.bottom - top <= log.scrollable_content_region.height:
            log.scroll_end(animate=False)
        else:
            log.scroll_to(y=max(0, top), animate=False)

    def _focus_choices(self, answer: AnswerTurn) -> None:
        choices = answer.choice_list
        if choices is not None:
            choices.focus()
            choices.highlighted = 0

    def add_notice(self, text: str, *, error: bool = False) -> None:
        """A short line from esi-helper in the conversation."""
        self.log_view.mount(NoticeTurn(text, error=error))
        self.call_after_refresh(self.log_view.scroll_end, animate=False)

    # ------------------------------------------------------------ choices

    @on(ChoiceList.Picked)
    def _picked(self, event: ChoiceList.Picked) -> None:
        event.stop()
        choice = event.choice
        if choice.kind == ASK:
            self.prompt.focus()
            self.ask(choice.value)
        elif choice.kind in (SOURCE, ENTRY):
            self.post_message(Navigate(choice.kind, choice.value))
        elif choice.kind == ANSWER and self.knowledge is not None:
            from esi_helper.tui.screens.entry import EntryScreen

            kb = self.knowledge.kb
            self.app.push_screen(EntryScreen(kb, view=answer_detail_view(choice.answer, kb)))

    @on(ChoiceList.Left)
    async def _left(self, event: ChoiceList.Left) -> None:
        event.stop()
        self.prompt.focus()
        if event.text:
            self.prompt.insert_text_at_cursor(event.text)
        elif event.key == "backspace":
            self.prompt.action_delete_left()
        elif event.key == "enter":
            await self.prompt.action_submit()

    def action_sources(self) -> None:
        """Focus the choices (sources, suggestions) of the latest answer that has any."""
        for answer in reversed(list(self.query(AnswerTurn))):
            choices = answer.choice_list
            if choices is not None:
                choices.focus()
                if choices.highlighted is None:
                    choices.highlighted = 0
                self.log_view.scroll_to_widget(answer, animate=False)
                return
        self.notify("No answer with sources yet.", title="Sources")

    def action_focus_prompt(self) -> None:
        """Return to the prompt."""
        self.prompt.focus()

    def action_scroll_log(self, direction: int) -> None:
        """Scroll the conversation by a page."""
        if direction < 0:
            self.log_view.scroll_page_up(animate=False)
        else:
            self.log_view.scroll_page_down(animate=False)

    # ------------------------------------------------------------ slash commands

    def run_command(self, text: str) -> None:
        """Run a slash command typed in the prompt."""
        try:
            command = slash.parse(text)
        except slash.SlashError as exc:
            self.add_notice(str(exc), error=True)
            self.prompt.value = text
            self.prompt.cursor_position = len(text)
            return
        name, argument = command.name, command.argument
        if name == "icd":
            self.ask(f"ICD-10 {argument}", typed=text)
        elif name == "fee":
            self.ask(f"fee {argument}", typed=text)
        elif name == "save":
            self.save_session()
        elif name == "clear":
            self.clear()
        else:
            self.post_message(Navigate("guided" if name == "tree" else name, argument))

    def clear(self) -> None:
        """Forget the conversation (unsaved turns included) and start afresh."""
        for turn in self.query("QuestionTurn, AnswerTurn, NoticeTurn"):
            turn.remove()
        self.transcript = Transcript()
        self.save_path = None
        if self.knowledge is not None:
            self.conversation = self.knowledge.conversation()
        self.prompt.focus()
        self.notify("Conversation cleared.", title="Clear")

    # ------------------------------------------------------------ saving

    def save_session(self) -> bool:
        """Save the session as a TOML transcript; on failure say why and keep everything."""
        if not self.transcript.turns:
            self.notify("Nothing to save yet: ask a question first.", title="Save")
            return False
        if self.knowledge is not None:
            self.transcript.kb_version = self.knowledge.version
        path = self.save_path or new_path(self.transcripts_dir)
        try:
            report = save(self.transcript, path)
        except TranscriptError as exc:
            self.notify(
                f"{exc}. Your conversation is still here; try --transcripts DIR.",
                title="Not saved",
                severity="error",
                timeout=10,
            )
            self.add_notice(f"Not saved: {exc}.", error=True)
            return False
        self.save_path = report.path
        if report.redactions:
            self.notify(report.message(), title="Saved, identifiers removed", severity="warning", timeout=10)
        else:
            self.notify(report.message(), title="Saved")
        self.add_notice(report.message())
        return True
