"""The turns of the conversation: the biller's question, esi-helper's answer, and short notices."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from esi_helper.tui.render import SOURCE, AnswerView, Choice
from esi_helper.tui.widgets.choices import ChoiceList

#: Every Markdown element once: Textual reads each widget class's CSS when the first one mounts.
WARM_UP_MARKDOWN = """\
# One
## Two
### Three

**Bold**, *italic*, `code` and [a link](https://example.org).

- one
- two

1. first
2. second

> quoted

| a | b |
| - | - |
| 1 | 2 |

```
block
```
"""


class QuestionTurn(Static):
    """What the biller asked (shown verbatim: no markup is interpreted)."""

    DEFAULT_CSS = """
    QuestionTurn {
        margin: 1 0 0 6;
        padding: 0 1;
        background: $boost;
        border-left: outer $primary;
    }
    """

    def __init__(self, question: str, label: str = "You") -> None:
        super().__init__(Content.assemble((f"{label}: ", "bold"), question))
        self.question = question


class AnswerTurn(Vertical):
    """An answer: Markdown body, then its numbered sources and other choices."""

    DEFAULT_CSS = """
    AnswerTurn {
        height: auto;
        margin: 1 2 0 0;
        padding: 0 1;
        border: round $primary 60%;
        border-title-color: $text;
        border-subtitle-color: $text-muted;
        &.-unsure { border: round $warning; }
        &.-warm-up { display: none; }
        &:focus-within { border: round $accent; }
        Markdown { margin: 0; padding: 0; background: transparent; }
        Markdown > MarkdownBlock:last-child { margin-bottom: 0; }
    }
    """

    def __init__(self, view: AnswerView, subtitle: str = "", *, typing_leaves: bool = False, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.view = view
        self.typing_leaves = typing_leaves
        self.started: float | None = None
        """When the question was submitted (``perf_counter``), to measure answer latency."""
        self.border_title = view.heading
        self.border_subtitle = subtitle
        self.set_class(not view.confident, "-unsure")

    @dataclass
    class Rendered(Message):
        """The answer's Markdown is laid out (its height is known)."""

        answer: AnswerTurn

        @property
        def control(self) -> AnswerTurn:
            """The answer that finished rendering."""
            return self.answer

    def compose(self) -> ComposeResult:
        from textual.widgets import Markdown  # imported on the first answer: not needed to paint

        yield Markdown(self.view.markdown)
        if self.view.choices:
            yield ChoiceList(self.view.choices, typing_leaves=self.typing_leaves)

    def on_markdown_table_of_contents_updated(self, event: Message) -> None:
        """The Markdown finished laying out its blocks: the answer's height is known."""
        event.stop()
        self.post_message(self.Rendered(self))

    @classmethod
    def warm_up(cls) -> AnswerTurn:
        """A hidden answer using every Markdown element, to mount once before the first real answer."""
        view = AnswerView("warm-up", WARM_UP_MARKDOWN, (Choice(SOURCE, "-", "warm-up"),))
        return cls(view, classes="-warm-up")

    @property
    def choice_list(self) -> ChoiceList | None:
        """The answer's choices, if it has any."""
        found = self.query(ChoiceList)
        return found.first() if found else None


class NoticeTurn(Static):
    """A line from esi-helper itself: saved, cleared, an error, a hint."""

    DEFAULT_CSS = """
    NoticeTurn {
        margin: 1 2 0 0;
        padding: 0 1;
        color: $text-muted;
        &.-error { color: $text-error; }
    }
    """

    def __init__(self, text: str, *, error: bool = False) -> None:
        prefix = "Error: " if error else "Note: "
        super().__init__(Content.assemble((prefix, "bold"), text))
        self.set_class(error, "-error")
