"""Onboarding walkthroughs: pick one, then step through it: note, question, a key press, the answer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from esi_helper.transcripts import Transcript, TranscriptError, list_walkthroughs
from esi_helper.tui.messages import Navigate
from esi_helper.tui.render import ENTRY, SOURCE, answer_view
from esi_helper.tui.services import Knowledge
from esi_helper.tui.widgets.choices import ChoiceList
from esi_helper.tui.widgets.turns import AnswerTurn, NoticeTurn, QuestionTurn


@dataclass
class StepAnswered(Message):
    """The engine answered step ``index`` of the walkthrough."""

    index: int
    result: Any


class TourScreen(Screen[None]):
    """The list of walkthroughs, then one walkthrough a step at a time."""

    CSS_PATH = Path(__file__).with_name("tour.tcss")
    BINDINGS = [
        Binding("space,enter", "next", "Next", id="tour.next", tooltip="Show the answer, then the next question"),
        Binding("backspace,b", "previous", "Previous", id="tour.previous", tooltip="Step back"),
        Binding("escape", "leave", "Back", id="tour.leave", tooltip="Back to the list of walkthroughs, then the chat"),
        Binding("ctrl+o", "sources", "Sources", id="tour.sources", tooltip="Move to the sources of the last answer"),
    ]

    HELP = "Press **Space** or **Enter** to see the answer, then again for the next question."

    def __init__(self, knowledge: Knowledge, name: str = "") -> None:
        super().__init__()
        self.knowledge = knowledge
        self.initial = name
        self.walkthroughs: list[Transcript] = []
        self.tour: Transcript | None = None
        self.position = 0
        """Steps shown: 2n + 1 means question n shown, 2n + 2 its answer too."""
        self._results: dict[int, Any] = {}
        self._conversation: Any = None
        self._waiting = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="progress")
        yield OptionList(id="walkthroughs")
        yield VerticalScroll(id="steps")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Tour"
        try:
            self.walkthroughs = list_walkthroughs()
        except TranscriptError as exc:
            self.notify(str(exc), title="Walkthroughs", severity="error")
        listing = self.query_one("#walkthroughs", OptionList)
        for n, walk in enumerate(self.walkthroughs, 1):
            title = Content.assemble((f"{n}. {walk.title or walk.name}", "bold"), "\n   ", walk.description)
            listing.add_option(Option(title, id=walk.name))
        if self.initial:
            match = [w for w in self.walkthroughs if w.name == self.initial or w.name.startswith(self.initial)]
            if len(match) == 1:
                self.start(match[0])
                return
            self.notify(f"No walkthrough called {self.initial!r}; pick one from the list.", severity="warning")
        self.show_list()

    # ------------------------------------------------------------ list

    def show_list(self) -> None:
        """Show the list of walkthroughs."""
        self.tour = None
        self.set_class(False, "-playing")
        count = len(self.walkthroughs)
        self.query_one("#progress", Static).update(
            f"{count} walkthroughs for new billers. Pick one with Enter." if count else "No walkthroughs installed."
        )
        listing = self.query_one("#walkthroughs", OptionList)
        if listing.highlighted is None and count:
            listing.highlighted = 0
        listing.focus()
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#walkthroughs")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.start(self.walkthroughs[event.option_index])

    # ------------------------------------------------------------ playing

    def start(self, tour: Transcript) -> None:
        """Begin ``tour`` from its first question."""
        self.tour = tour
        self.position = 0
        self._results = {}
        self._conversation = self.knowledge.conversation()
        self.set_class(True, "-playing")
        steps = self.query_one("#steps", VerticalScroll)
        steps.remove_children()
        steps.mount(Static(Content.assemble((tour.title, "bold"), "\n", tour.description), classes="intro"))
        steps.focus()
        self.refresh_bindings()
        self.call_later(self.action_next)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Next, Previous and Sources only while a walkthrough plays."""
        if action in ("next", "previous", "sources"):
            return self.tour is not None
        return True

    def _update_progress(self) -> None:
        assert self.tour is not None
        total = len(self.tour.turns)
        step = (self.position + 1) // 2
        if self.position >= 2 * total:
            hint = "End of the walkthrough: Esc for the list."
        elif self.position % 2:
            hint = "Space: see the answer."
        else:
            hint = "Space: next question."
        self.query_one("#progress", Static).update(f"{self.tour.title}: step {step} of {total}. {hint}")

    async def action_next(self) -> None:
        """Reveal the answer, or move to the next question."""
        if self.tour is None or self._waiting:
            return
        steps = self.query_one("#steps", VerticalScroll)
        total = len(self.tour.turns)
        if self.position >= 2 * total:
            return
        index = self.position // 2
        turn = self.tour.turns[index]
        if self.position % 2 == 0:
            new: list[Widget] = [Static(Content(turn.note.strip()), classes="note")] if turn.note else []
            new.append(QuestionTurn(turn.question, label="Question"))
            self.position += 1
            await steps.mount_all(new)
            self.call_after_refresh(steps.scroll_end, animate=False)
        elif index in self._results:
            self._show_answer(index)
        else:
            self._waiting = True
            self._ask(index, turn.question)
            return
        self._update_progress()

    @on(AnswerTurn.Rendered)
    def _rendered(self, event: AnswerTurn.Rendered) -> None:
        self.call_after_refresh(self._scroll_to_question, event.answer)

    def _scroll_to_question(self, answer: AnswerTurn) -> None:
        """Show the answer from its question down (the key fact first)."""
        steps = self.query_one("#steps", VerticalScroll)
        questions = [q for q in steps.query(QuestionTurn) if q.virtual_region.y < answer.virtual_region.y]
        top = questions[-1].virtual_region.y - 1 if questions else answer.virtual_region.y
        steps.scroll_to(y=max(0, top), animate=False)

    @work(thread=True, group="tour", exit_on_error=False)
    def _ask(self, index: int, question: str) -> None:
        """Answer one step in a thread (an ICD question may wait for the code set)."""
        result = self.knowledge.engine.ask(question, self._conversation, top=3)
        self.post_message(StepAnswered(index, result))

    @on(StepAnswered)
    def _answered(self, message: StepAnswered) -> None:
        self._results[message.index] = message.result
        self._waiting = False
        if self.tour is not None and self.position // 2 == message.index and self.position % 2 == 1:
            self._show_answer(message.index)
            self._update_progress()

    def _show_answer(self, index: int) -> None:
        view = answer_view(self._results[index], self.knowledge.kb)
        steps = self.query_one("#steps", VerticalScroll)
        steps.mount(AnswerTurn(view, f"KB {self.knowledge.version}"))
        self.position += 1
        assert self.tour is not None
        if self.position >= 2 * len(self.tour.turns):
            steps.mount(NoticeTurn("That is the end of this walkthrough. Esc for the list, Esc again for the chat."))

    def action_previous(self) -> None:
        """Step back: hide the last answer or question."""
        if self.tour is None or self.position <= 1 or self._waiting:
            return
        steps = self.query_one("#steps", VerticalScroll)
        children = list(steps.children)
        if isinstance(children[-1], NoticeTurn):
            children.pop().remove()
        last = children.pop()
        last.remove()
        if isinstance(last, QuestionTurn) and children and children[-1].has_class("note"):
            children.pop().remove()
        self.position -= 1
        self._update_progress()

    def action_leave(self) -> None:
        """Back to the list of walkthroughs, or to the chat from the list."""
        if self.tour is not None:
            self.query_one("#steps", VerticalScroll).remove_children()
            self.show_list()
        else:
            self.dismiss()

    def action_sources(self) -> None:
        """Focus the sources of the latest answer."""
        answers = list(self.query(AnswerTurn))
        choices = answers[-1].choice_list if answers else None
        if choices is None:
            self.notify("No answer with sources yet.", title="Sources")
            return
        choices.focus()
        if choices.highlighted is None:
            choices.highlighted = 0

    @on(ChoiceList.Left)
    def _left(self, event: ChoiceList.Left) -> None:
        event.stop()
        self.query_one("#steps", VerticalScroll).focus(scroll_visible=False)

    @on(ChoiceList.Picked)
    def _source(self, event: ChoiceList.Picked) -> None:
        event.stop()
        if event.choice.kind in (SOURCE, ENTRY):
            self.post_message(Navigate(event.choice.kind, event.choice.value))
