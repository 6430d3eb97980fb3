"""A list of choices under an answer (sources, related entries, suggested questions)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from esi_helper.tui.render import Choice


class ChoiceList(OptionList):
    """Numbered choices: pick with the arrows and Enter, or the number; in the chat, typing returns to the prompt.

    | Key | Action |
    | :- | :- |
    | up / down | Move between choices |
    | enter | Open the highlighted choice |
    | 1-9 | Open choice number n |
    | escape | Back to the prompt |
    """

    BINDINGS = [
        Binding("escape", "leave", "Back", id="choices.leave", tooltip="Leave the list (back to the prompt)"),
        *[
            Binding(str(n), f"pick({n - 1})", "Open the choice with that number", show=False, id=f"choices.pick-{n}")
            for n in range(1, 10)
        ],
    ]

    HELP = "Up/Down and **Enter** open a source, a related entry or a suggested question; 1-9 pick directly."

    DEFAULT_CSS = """
    ChoiceList {
        height: auto;
        border: none;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        padding: 0;
        background: transparent;
        &:focus { border: none; background-tint: $foreground 4%; }
        &:blur > .option-list--option-highlighted {
            color: $foreground;
            background: transparent;
            text-style: none;
        }
    }
    """

    @dataclass
    class Picked(Message):
        """A choice was picked."""

        choice_list: ChoiceList
        choice: Choice

        @property
        def control(self) -> ChoiceList:
            """The list the choice was picked from."""
            return self.choice_list

    @dataclass
    class Left(Message):
        """The biller left the list (Escape) or typed: ``text`` typed, or ``key`` ("enter", "backspace")."""

        choice_list: ChoiceList
        text: str = ""
        key: str = ""

        @property
        def control(self) -> ChoiceList:
            """The list that was left."""
            return self.choice_list

    def __init__(
        self, choices: tuple[Choice, ...] | list[Choice], *, typing_leaves: bool = False, **kwargs: object
    ) -> None:
        self.choices = tuple(choices)
        self.typing_leaves = typing_leaves
        """Whether typing a letter leaves the list for the prompt (in the chat)."""
        self._typing = False
        options = [Option(f"[{n}] {c.label}") for n, c in enumerate(self.choices, 1)]
        super().__init__(*options, **kwargs)  # type: ignore[arg-type]

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Picked(self, self.choices[event.option_index]))

    def action_pick(self, index: int) -> None:
        """Pick choice ``index`` (0-based) as if Enter had been pressed on it."""
        if 0 <= index < len(self.choices):
            self.highlighted = index
            self.post_message(self.Picked(self, self.choices[index]))

    def action_leave(self) -> None:
        """Return to the prompt."""
        self.post_message(self.Left(self))

    def on_focus(self) -> None:
        self._typing = False

    def on_key(self, event: events.Key) -> None:
        """A letter goes back to the prompt; from then on every key follows it there, in order.

        Keys typed quickly can arrive before the focus has moved: they are forwarded too, Enter included.
        """
        if not self.typing_leaves:
            return
        starts = event.is_printable and event.character and not event.character.isdigit() and event.character != " "
        if not (starts or self._typing):
            return
        if event.is_printable and event.character:
            message = self.Left(self, text=event.character)
        elif event.key in ("enter", "backspace"):
            message = self.Left(self, key=event.key)
        else:
            return
        self._typing = True
        event.stop()
        event.prevent_default()
        self.post_message(message)
