"""Details of one source: publisher, date, where to read it and how far to trust it."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown

from esi_helper.kb import Source
from esi_helper.tui.render import source_markdown


class SourceScreen(ModalScreen[None]):
    """A dialog with the details of one cited source."""

    CSS_PATH = Path(__file__).with_name("dialog.tcss")
    BINDINGS = [
        Binding("escape,q", "dismiss", "Close", id="source.close", tooltip="Back to where you were"),
        Binding("c", "copy", "Copy address", id="source.copy", tooltip="Copy the source's address"),
    ]

    def __init__(self, source: Source) -> None:
        super().__init__()
        self.source = source

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog") as box:
            box.border_title = "Source"
            box.border_subtitle = "Esc to close"
            yield Markdown(source_markdown(self.source))
        yield Footer(compact=True)

    def action_copy(self) -> None:
        """Copy the source's address to the clipboard."""
        self.app.copy_to_clipboard(self.source.url)
        self.notify("Source address copied (if your terminal allows it).", title="Copied")
