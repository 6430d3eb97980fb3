"""F1 help: every key binding of every screen (read from the live BINDINGS) and the slash commands."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown

from esi_helper.tui.slash import SLASH_COMMANDS

INTRO = """\
Ask a question in plain words (*"how many units for a bilateral L4-5 transforaminal?"*) and press **Enter**.
Each answer starts with the key fact and numbers its sources; open one with **Ctrl+O** then **Enter**.
Follow-up questions (*"and for cervical?"*) keep the context of the conversation.
"""

#: (section title, binding lists) shown in this order.
Section = tuple[str, Sequence[Iterable[BindingType]]]


class HelpScreen(ModalScreen[None]):
    """A dialog listing every key and slash command."""

    CSS_PATH = Path(__file__).with_name("dialog.tcss")
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="help.close", tooltip="Close help")]

    def __init__(self, sections: Sequence[Section]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog") as box:
            box.border_title = "Help"
            box.border_subtitle = "Esc to close"
            yield Markdown(self.help_markdown())
        yield Footer(compact=True)

    def help_markdown(self) -> str:
        """The help text: introduction, one key table per section, then the slash commands."""
        parts = [INTRO]
        for title, binding_lists in self.sections:
            rows = self._rows(binding_lists)
            if rows:
                parts += [f"### {title}", "", *rows, ""]
        parts += ["### Slash commands (type in the chat)", ""]
        parts += [f"- `{c.usage}`: {c.description}" for c in SLASH_COMMANDS]
        return "\n".join(parts)

    def _rows(self, binding_lists: Sequence[Iterable[BindingType]]) -> list[str]:
        """One row per description, listing every key bound to it."""
        keys_by_description: dict[str, list[str]] = {}
        for bindings in binding_lists:
            for binding in bindings:
                if not isinstance(binding, Binding) or binding.system:
                    continue
                description = binding.tooltip or binding.description
                if not description:
                    continue
                keys = keys_by_description.setdefault(description, [])
                for key in binding.key.split(","):
                    shown = self.app.get_key_display(replace(binding, key=key.strip(), key_display=None))
                    if shown not in keys:
                        keys.append(shown)
        return [f"- {' / '.join(f'`{k}`' for k in keys)}: {d}" for d, keys in keys_by_description.items()]


#: Editing keys of text boxes worth listing in help (Textual's own bindings, shown as it defines them).
TEXT_BOX_ACTIONS = (
    "home",
    "end",
    "cursor_left_word",
    "cursor_right_word",
    "delete_left_word",
    "delete_left_all",
    "delete_right_all",
    "paste",
)


def help_sections(app_bindings: Iterable[BindingType]) -> list[Section]:
    """The help screen's sections, each built from the live BINDINGS of the classes involved."""
    from textual.app import App
    from textual.widgets import Input

    from esi_helper.tui.screens.browse import BrowseScreen
    from esi_helper.tui.screens.chat import ChatScreen
    from esi_helper.tui.screens.entry import EntryScreen
    from esi_helper.tui.screens.guided import GuidedScreen
    from esi_helper.tui.screens.source import SourceScreen
    from esi_helper.tui.screens.tour import TourScreen
    from esi_helper.tui.widgets.choices import ChoiceList
    from esi_helper.tui.widgets.prompt import Prompt

    palette = [Binding(App.COMMAND_PALETTE_BINDING, "command_palette", "Command palette: jump to any entry")]
    enter = [Binding("enter", "submit", "Ask the question, or run the /command")]
    return [
        ("Everywhere", [app_bindings, palette]),
        ("Chat", [enter, ChatScreen.BINDINGS, Prompt.BINDINGS, ChoiceList.BINDINGS]),
        ("Guided coding", [GuidedScreen.BINDINGS]),
        ("Browse", [BrowseScreen.BINDINGS]),
        ("Tour", [TourScreen.BINDINGS]),
        ("Dialogs", [EntryScreen.BINDINGS, SourceScreen.BINDINGS]),
        ("Text boxes", [[b for b in Input.BINDINGS if isinstance(b, Binding) and b.action in TEXT_BOX_ACTIONS]]),
    ]
