"""The chat prompt: an Input with question history, completion and safe pasting."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from textual import events
from textual.binding import Binding
from textual.suggester import Suggester
from textual.widgets import Input

#: Longest text the completer looks at; longer input gets no suggestion (and costs nothing).
COMPLETION_LIMIT = 200


def clean_text(text: str) -> str:
    """One line of printable text: line breaks and tabs become spaces, other control characters go."""
    out = []
    for ch in text:
        if ch in "\r\n\t\v\f":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch != "\u200d":
            continue
        else:
            out.append(ch)
    return "".join(out)


class Completer(Suggester):
    """Ghost-text completion from a plain function ``value -> full suggestion | None``."""

    def __init__(self, complete: Callable[[str], str | None]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._complete = complete

    async def get_suggestion(self, value: str) -> str | None:
        """Ask the completion function (never for very long input)."""
        if not value.strip() or len(value) > COMPLETION_LIMIT:
            return None
        try:
            return self._complete(value)
        except Exception:  # noqa: BLE001 - completion must never break typing
            return None


class Prompt(Input):
    """Where the biller types questions and /commands.

    | Key | Action |
    | :- | :- |
    | up / down | Previous / next question from the history |
    | tab / right | Accept the grey completion |
    """

    BINDINGS = [
        Binding("up", "history(-1)", "Previous question", show=False, id="prompt.history-previous"),
        Binding("down", "history(1)", "Next question", show=False, id="prompt.history-next"),
        Binding("tab", "accept_completion", "Accept completion", show=False, id="prompt.complete"),
    ]

    HELP = "Type a question and press **Enter**. Up/Down recall earlier questions; Tab accepts the grey completion."

    def __init__(self, complete: Callable[[str], str | None] | None = None, **kwargs: object) -> None:
        self._completer = Completer(complete) if complete else None
        super().__init__(suggester=self._completer, select_on_focus=False, **kwargs)  # type: ignore[arg-type]
        self.history: list[str] = []
        """Questions asked so far, oldest first."""
        self._history_index: int | None = None
        self._draft = ""

    def watch_value(self, value: str) -> None:
        """No completion for very long text: keeps typing (or a paste arriving as keystrokes) quick."""
        self.suggester = self._completer if len(value) <= COMPLETION_LIMIT else None

    def remember(self, text: str) -> None:
        """Add ``text`` to the history (skipping an immediate repeat) and leave history browsing."""
        if text and (not self.history or self.history[-1] != text):
            self.history.append(text)
        self._history_index = None
        self._draft = ""

    def action_history(self, step: int) -> None:
        """Replace the text with an earlier (-1) or later (+1) question; past the newest, restore the draft."""
        if not self.history:
            return
        if self._history_index is None:
            if step > 0:
                return
            self._draft = self.value
            index = len(self.history) - 1
        else:
            index = self._history_index + step
        if index < 0:
            index = 0
        if index >= len(self.history):
            self._history_index = None
            self.value = self._draft
        else:
            self._history_index = index
            self.value = self.history[index]
        self.cursor_position = len(self.value)

    def action_accept_completion(self) -> None:
        """Accept the grey completion if one is shown; otherwise move focus on, like Tab anywhere else."""
        if self._suggestion and self.cursor_at_end:
            self.action_cursor_right()
        else:
            self.screen.focus_next()

    def _on_paste(self, event: events.Paste) -> None:
        """Paste as one clean line, however long, without control characters."""
        event.stop()
        event.prevent_default()
        text = clean_text(event.text)
        if not text:
            return
        if self.selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *self.selection)
