"""Guided coding: the decision tree one question at a time, ending in a cited result card."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from esi_helper.transcripts import TREE, Turn, TurnAnswer
from esi_helper.tree.model import same_value
from esi_helper.tui.messages import Navigate, SendToChat
from esi_helper.tui.render import ENTRY, SOURCE, AnswerView, recommendation_text, recommendation_view
from esi_helper.tui.services import Knowledge
from esi_helper.tui.widgets.choices import ChoiceList
from esi_helper.tui.widgets.turns import AnswerTurn


def breadcrumb(walker: Any) -> str:
    """``Region: Lumbar › Approach: Transforaminal`` for the answers so far."""
    return " › ".join(f"{(question.name or question.prompt).capitalize()}: {label}" for question, label in walker.path)


class GuidedScreen(Screen[None]):
    """One question at a time; pick with the arrows and Enter, or the option's number."""

    CSS_PATH = Path(__file__).with_name("guided.tcss")
    BINDINGS = [
        Binding("escape", "back", "Back", id="guided.back", tooltip="Undo the last answer (at the start: leave)"),
        Binding(
            "backspace",
            "back_key",
            "Back",
            show=False,
            id="guided.back-key",
            tooltip="Undo the last answer (at the start: leave)",
        ),
        Binding("r,ctrl+r", "restart", "Restart", id="guided.restart", tooltip="Start again from the first question"),
        Binding("s", "send", "To chat", id="guided.send", tooltip="Put the result card into the chat"),
        Binding("c", "copy", "Copy", id="guided.copy", tooltip="Copy the claim lines and notes"),
        *[
            Binding(str(n), f"pick({n - 1})", "Pick the option with that number", show=False, id=f"guided.pick-{n}")
            for n in range(1, 10)
        ],
    ]

    HELP = "Answer each question with **Enter** (or its number). **Esc** goes back one answer; **r** restarts."

    finished: reactive[bool] = reactive(False, init=False)
    """Whether every question is answered and the result card is showing."""

    def __init__(self, knowledge: Knowledge) -> None:
        super().__init__()
        self.knowledge = knowledge
        self.walker = knowledge.walker()
        self.recommendation: Any = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="breadcrumb")
        with Vertical(id="question-box"):
            yield Static(id="question")
            yield Static(id="question-help")
            yield OptionList(id="options")
            yield Input(id="number", type="integer")
            yield Static(id="option-help")
            yield Static(id="error")
        yield VerticalScroll(id="result")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Guided coding"
        self.show_current()

    # ------------------------------------------------------------ showing

    def show_current(self, previous: object = None) -> None:
        """Show the current question (``previous``: the answer being changed), or the result card when done."""
        self.query_one("#error", Static).update("")
        path = breadcrumb(self.walker)
        self.query_one("#breadcrumb", Static).update(Content.assemble(("Answers so far: ", "bold"), path or "none yet"))
        question = self.walker.current()
        if question is None:
            self.show_result()
            return
        self.finished = False
        step = len(self.walker.path) + 1
        self.query_one("#question", Static).update(Content.assemble((f"Question {step}. ", "bold"), question.prompt))
        help_text = question.help
        if question.kind == "number":
            help_text = f"{help_text} Type {question.allowed_text()}, then Enter.".strip()
        question_help = self.query_one("#question-help", Static)
        question_help.update(Content(help_text))
        question_help.display = bool(help_text)
        options = self.query_one("#options", OptionList)
        number = self.query_one("#number", Input)
        if question.kind == "number":
            options.display = False
            number.display = True
            shown = previous if previous is not None else question.default
            number.value = "" if shown is None else str(shown)
            number.placeholder = question.allowed_text()
            number.focus()
            self.query_one("#option-help", Static).update("")
        else:
            number.display = False
            options.display = True
            options.clear_options()
            options.add_options([Option(f"{n}. {o.label}") for n, o in enumerate(question.options, 1)])
            options.highlighted = next((n for n, o in enumerate(question.options) if same_value(o.value, previous)), 0)
            options.focus()

    def show_result(self) -> None:
        """Work out the recommendation and show the result card."""
        from esi_helper.tree.model import TreeDataError, TreeInputError

        result = self.query_one("#result", VerticalScroll)
        result.remove_children()
        try:
            self.recommendation = self.walker.result(self.knowledge.kb)
        except (TreeInputError, TreeDataError) as exc:
            self.recommendation = None
            self.query_one("#error", Static).update(Content.assemble(("Error: ", "bold"), str(exc)))
            return
        view = recommendation_view(self.recommendation, self.knowledge.kb)
        card = AnswerTurn(view, "s send to chat · c copy · r restart")
        result.mount(card)
        self.finished = True
        self.call_after_refresh(self._focus_card, card)

    def _focus_card(self, card: AnswerTurn) -> None:
        result = self.query_one("#result", VerticalScroll)
        result.focus(scroll_visible=False)
        result.scroll_home(animate=False)

    def watch_finished(self, finished: bool) -> None:
        self.set_class(finished, "-finished")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Send and copy only once there is a result; picking only while a question shows."""
        if action in ("send", "copy"):
            return self.finished and self.recommendation is not None
        if action == "pick":
            return not self.finished
        return True

    @on(OptionList.OptionHighlighted, "#options")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        question = self.walker.current()
        if question is not None and question.kind == "choice" and event.option_index < len(question.options):
            self.query_one("#option-help", Static).update(Content(question.options[event.option_index].help or ""))

    # ------------------------------------------------------------ answering

    def _answer(self, value: object) -> None:
        from esi_helper.tree.model import TreeInputError

        try:
            self.walker.answer(value)
        except TreeInputError as exc:
            self.query_one("#error", Static).update(Content.assemble(("Error: ", "bold"), str(exc)))
            return
        self.show_current()

    @on(OptionList.OptionSelected, "#options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_pick(event.option_index)

    @on(Input.Submitted, "#number")
    def _number(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self._answer(event.value.strip())

    def action_pick(self, index: int) -> None:
        """Answer the current question with option ``index`` (0-based)."""
        question = self.walker.current()
        if question is not None and question.kind == "choice" and 0 <= index < len(question.options):
            self._answer(question.options[index].value)

    def action_back(self) -> None:
        """Undo the last answer; at the first question, return to the chat."""
        self.query_one("#result", VerticalScroll).remove_children()
        answers = list(self.walker.answers.values())
        if self.walker.back():
            self.show_current(previous=answers[-1] if answers else None)
        else:
            self.dismiss()

    def action_back_key(self) -> None:
        """Backspace: go back, unless it is editing a number."""
        number = self.query_one("#number", Input)
        if number.has_focus and number.value:
            number.action_delete_left()
        else:
            self.action_back()

    def action_restart(self) -> None:
        """Forget every answer and start again."""
        self.query_one("#result", VerticalScroll).remove_children()
        self.walker.restart()
        self.show_current()

    # ------------------------------------------------------------ the result

    def _turn(self) -> Turn:
        view = recommendation_view(self.recommendation, self.knowledge.kb)
        text = recommendation_text(self.recommendation)
        answer = TurnAnswer("tree", "recommendation", view.heading, text, tuple(self.recommendation.citation_ids()))
        return Turn(f"Guided coding: {breadcrumb(self.walker)}", [answer], kind=TREE, facts=self.walker.answers)

    def action_send(self) -> None:
        """Put the result card into the chat (and the session transcript)."""
        view: AnswerView = recommendation_view(self.recommendation, self.knowledge.kb, breadcrumb(self.walker))
        self.post_message(SendToChat(view, self._turn()))

    def action_copy(self) -> None:
        """Copy the claim lines and notes as plain text."""
        self.app.copy_to_clipboard(recommendation_text(self.recommendation, breadcrumb(self.walker)))
        self.notify("Claim lines copied (if your terminal allows it).", title="Copied")

    @on(ChoiceList.Picked)
    def _source(self, event: ChoiceList.Picked) -> None:
        event.stop()
        if event.choice.kind in (SOURCE, ENTRY):
            self.post_message(Navigate(event.choice.kind, event.choice.value))

    @on(ChoiceList.Left)
    def _left(self, event: ChoiceList.Left) -> None:
        event.stop()
        self.action_back()
