"""The full text of one knowledge entry, with its sources and related entries."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown

from esi_helper.kb import KnowledgeBase
from esi_helper.tui.render import ENTRY, SOURCE, AnswerView, entry_view
from esi_helper.tui.screens.source import SourceScreen
from esi_helper.tui.widgets.choices import ChoiceList


class EntryScreen(ModalScreen[None]):
    """A dialog showing an entry in full; its sources and related entries open with Enter."""

    CSS_PATH = Path(__file__).with_name("dialog.tcss")
    BINDINGS = [
        Binding("escape,q", "dismiss", "Close", id="entry.close", tooltip="Back to where you were"),
        *[
            Binding(
                str(n), f"pick({n - 1})", "Open the source or entry with that number", show=False, id=f"entry.pick-{n}"
            )
            for n in range(1, 10)
        ],
    ]

    def __init__(self, kb: KnowledgeBase, entry_id: str = "", view: AnswerView | None = None) -> None:
        super().__init__()
        self.kb = kb
        self.entry_id = entry_id
        self.view = view or entry_view(kb.entries[entry_id], kb)

    def compose(self) -> ComposeResult:
        view = self.view
        with VerticalScroll(classes="dialog") as box:
            box.border_title = self.kb.entries[self.entry_id].kind.capitalize() if self.entry_id else view.heading
            box.border_subtitle = "1-9 or Tab then Enter: open a source · Esc to close"
            yield Markdown(view.markdown)
            if view.choices:
                yield ChoiceList(view.choices)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        box = self.query_one(".dialog", VerticalScroll)
        box.focus(scroll_visible=False)
        box.scroll_home(animate=False)

    def action_pick(self, index: int) -> None:
        """Open choice ``index`` (0-based) of the entry's sources and related entries."""
        found = self.query(ChoiceList)
        if found:
            found.first().action_pick(index)

    @on(ChoiceList.Picked)
    def _open(self, event: ChoiceList.Picked) -> None:
        event.stop()
        if event.choice.kind == SOURCE:
            self.app.push_screen(SourceScreen(self.kb.sources[event.choice.value]))
        elif event.choice.kind == ENTRY:
            self.app.push_screen(EntryScreen(self.kb, event.choice.value))

    @on(ChoiceList.Left)
    def _left(self, event: ChoiceList.Left) -> None:
        event.stop()
        if not event.text:
            self.dismiss()
