"""The esi-helper terminal app: loads the knowledge off the UI thread and routes between screens."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from esi_helper.transcripts import default_folder
from esi_helper.tui.messages import KnowledgeFailed, KnowledgeLoaded, Navigate, SendToChat
from esi_helper.tui.screens.chat import ChatScreen

if TYPE_CHECKING:
    from textual.command import Provider

    from esi_helper.tui.services import Knowledge


def knowledge_commands() -> type[Provider]:
    """The palette's provider, imported when the palette first opens (it is not needed to paint)."""
    from esi_helper.tui.commands import KnowledgeCommands

    return KnowledgeCommands


class EsiApp(App[None]):
    """Cited answers for epidural steroid injection coding: chat, guided coding, browse, tours."""

    TITLE = "esi-helper"
    CSS_PATH = [Path(__file__).with_name("app.tcss"), Path(__file__).parent / "screens" / "chat.tcss"]
    """Global rules, and the chat's (Textual loads a screen's CSS_PATH on push; the chat is the default screen)."""
    COMMANDS = App.COMMANDS | {knowledge_commands}
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help", tooltip="Every key and command"),
        Binding("f2", "guided", "Guided", id="app.guided", tooltip="Guided coding: questions to claim lines"),
        Binding("f3", "browse", "Browse", id="app.browse", tooltip="Browse codes, modifiers and rules"),
        Binding("f4", "tour", "Tour", id="app.tour", tooltip="Onboarding walkthroughs"),
        Binding("ctrl+s", "save", "Save", id="app.save", tooltip="Save the conversation as a transcript"),
        Binding("ctrl+q", "quit", "Quit", show=False, id="app.quit", priority=True, tooltip="Quit esi-helper"),
    ]

    def __init__(
        self,
        knowledge_dir: str | Path | None = None,
        transcripts_dir: str | Path | None = None,
        *,
        knowledge: Knowledge | None = None,
        icd: bool = True,
        tour: str | None = None,
    ) -> None:
        super().__init__()
        self.animation_level = "none"
        self.knowledge_dir = knowledge_dir
        self.transcripts_dir = default_folder(transcripts_dir)
        self.knowledge = knowledge
        """The loaded knowledge base and engines (None until loaded)."""
        self._warm_icd_at_start = icd
        self._start_tour = tour
        self.chat = ChatScreen(self.transcripts_dir)

    def get_default_screen(self) -> Screen:
        return self.chat

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """F2-F4 open their screens from the chat (elsewhere Esc first: it always leads home); save once loaded."""
        if action in ("guided", "browse", "tour"):
            return self.screen is self.chat
        if action == "save":
            return self.knowledge is not None
        return True

    def on_mount(self) -> None:
        if self.knowledge is not None:
            self.post_message(KnowledgeLoaded(self.knowledge))
        else:
            self.call_after_refresh(self.load_knowledge)

    # ------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, group="knowledge", exit_on_error=False)
    def load_knowledge(self) -> None:
        """Load the knowledge base and build the engine in a thread; report by message."""
        from esi_helper.kb import KnowledgeError, Problem
        from esi_helper.tui.services import load_knowledge

        folder = str(self.knowledge_dir or "the shipped knowledge folder")
        try:
            knowledge = load_knowledge(self.knowledge_dir)
        except KnowledgeError as exc:
            self.post_message(KnowledgeFailed(exc.problems, folder))
        except Exception as exc:  # noqa: BLE001 - shown on the broken-knowledge screen, never a traceback
            self.post_message(KnowledgeFailed([Problem(folder, None, f"{type(exc).__name__}: {exc}")], folder))
        else:
            self.post_message(KnowledgeLoaded(knowledge))

    @work(thread=True, exclusive=True, group="icd", exit_on_error=False)
    def warm_icd(self) -> None:
        """Build or read the ICD-10-CM code set cache so the first ICD question is quick."""
        from esi_helper.tui.services import warm_icd

        def building() -> None:
            self.call_from_thread(
                self.notify, "Preparing the ICD-10-CM code set (first run only, a few seconds)…", title="ICD-10-CM"
            )

        warm_icd(on_build=building)

    @on(KnowledgeLoaded)
    def _loaded(self, message: KnowledgeLoaded) -> None:
        self.knowledge = message.knowledge
        self.refresh_bindings()
        self.sub_title = f"Knowledge base {message.knowledge.version}"
        self.chat.knowledge_ready(message.knowledge)
        if self._warm_icd_at_start:
            self.warm_icd()
        if self._start_tour is not None:
            self.post_message(Navigate("tour", self._start_tour))
            self._start_tour = None

    @on(KnowledgeFailed)
    def _failed(self, message: KnowledgeFailed) -> None:
        from esi_helper.tui.screens.broken import BrokenKnowledgeScreen

        self.push_screen(BrokenKnowledgeScreen(message.problems, message.folder))

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.group == "icd":
            self.notify(f"ICD-10-CM code set unavailable: {event.worker.error}", severity="warning")
        elif event.state == WorkerState.ERROR:
            self.notify(f"Something went wrong: {event.worker.error}", severity="error")

    async def action_reload_knowledge(self) -> None:
        """Leave the problem list and load the knowledge base again."""
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        self.load_knowledge()

    # ------------------------------------------------------------ navigation

    @on(Navigate)
    async def _navigate(self, message: Navigate) -> None:
        method = getattr(self, f"action_{NAVIGATION.get(message.target, '')}", None)
        if method is not None:
            result = method(message.argument)
            if inspect.isawaitable(result):
                await result

    @on(SendToChat)
    async def _send_to_chat(self, message: SendToChat) -> None:
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        self.chat.show_sent(message.view, message.turn)

    def _knowledge_or_notice(self) -> Knowledge | None:
        if self.knowledge is None:
            self.notify("Still loading the knowledge base…", title="One moment")
        return self.knowledge

    async def _open(self, screen: Screen) -> None:
        """Show ``screen`` on top of the chat (closing any other screen first)."""
        while len(self.screen_stack) > 1:
            await self.pop_screen()
        await self.push_screen(screen)

    async def action_help(self, _argument: str = "") -> None:
        """Show every key binding and slash command."""
        from esi_helper.tui.screens.help import HelpScreen, help_sections

        if not isinstance(self.screen, HelpScreen):
            await self.push_screen(HelpScreen(help_sections(type(self).BINDINGS)))

    async def action_guided(self, _argument: str = "") -> None:
        """Open guided coding."""
        from esi_helper.tui.screens.guided import GuidedScreen

        if knowledge := self._knowledge_or_notice():
            await self._open(GuidedScreen(knowledge))

    async def action_browse(self, _argument: str = "") -> None:
        """Open the knowledge browser."""
        from esi_helper.tui.screens.browse import BrowseScreen

        if knowledge := self._knowledge_or_notice():
            await self._open(BrowseScreen(knowledge.kb))

    async def action_tour(self, name: str = "") -> None:
        """Open the onboarding walkthroughs (a named one directly)."""
        from esi_helper.tui.screens.tour import TourScreen

        if knowledge := self._knowledge_or_notice():
            await self._open(TourScreen(knowledge, name))

    async def action_show_entry(self, entry_id: str) -> None:
        """Open one knowledge entry in full."""
        from esi_helper.tui.screens.entry import EntryScreen

        if (knowledge := self._knowledge_or_notice()) and entry_id in knowledge.kb.entries:
            await self.push_screen(EntryScreen(knowledge.kb, entry_id))

    async def action_show_source(self, source_id: str) -> None:
        """Open the details of one source."""
        from esi_helper.tui.screens.source import SourceScreen

        if (knowledge := self._knowledge_or_notice()) and source_id in knowledge.kb.sources:
            await self.push_screen(SourceScreen(knowledge.kb.sources[source_id]))

    def action_save(self, _argument: str = "") -> None:
        """Save the conversation as a transcript."""
        self.chat.save_session()


#: Navigate targets and the actions that open them.
NAVIGATION = {
    "source": "show_source",
    "entry": "show_entry",
    "guided": "guided",
    "browse": "browse",
    "tour": "tour",
    "help": "help",
    "save": "save",
}
