"""Shown instead of the chat when the knowledge base has problems: each one as ``file:line: message``."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from esi_helper.kb import Problem


class BrokenKnowledgeScreen(Screen[None]):
    """The validation messages of a knowledge base that could not be loaded, and how to go on."""

    CSS_PATH = Path(__file__).with_name("broken.tcss")
    BINDINGS = [
        Binding("r", "app.reload_knowledge", "Reload", id="broken.reload", tooltip="Load the knowledge base again"),
        Binding("q", "app.quit", "Quit", id="broken.quit", tooltip="Quit esi-helper"),
    ]

    def __init__(self, problems: list[Problem], folder: str) -> None:
        super().__init__()
        self.problems = problems
        self.folder = folder

    def compose(self) -> ComposeResult:
        count = len(self.problems)
        yield Header()
        yield Static(
            Content.assemble(
                ("Error: the knowledge base cannot be loaded", "bold"),
                f" ({count} problem{'s' if count != 1 else ''} in {self.folder}).\n",
                f"Fix {'it' if count == 1 else 'them'} in the file named below, then press r to reload. ",
                "'esi-helper kb check' lists the same problems.",
            ),
            id="broken-summary",
        )
        with VerticalScroll(id="problems"):
            for problem in self.problems:
                yield Static(Content(str(problem)), classes="problem")
        yield Footer(compact=True)
