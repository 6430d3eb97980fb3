"""Command palette (Ctrl+P): jump to any knowledge entry, or run any of the app's main actions."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from esi_helper.tui.messages import Navigate

#: (palette text, help, app action) for the main actions; each is also a key binding.
ACTIONS = (
    ("Guided coding", "Answer questions one at a time and get the claim lines (F2)", "guided"),
    ("Browse the knowledge base", "Codes, modifiers, rules, myths, diagnoses (F3)", "browse"),
    ("Onboarding tour", "Walkthroughs for new billers (F4)", "tour"),
    ("Save the conversation", "Write this session as a transcript (Ctrl+S)", "save"),
    ("Help", "Every key and command (F1)", "help"),
)


class KnowledgeCommands(Provider):
    """Entries of the knowledge base by title, code or id, plus the app's main actions."""

    def _navigate(self, target: str, argument: str = "") -> None:
        self.app.post_message(Navigate(target, argument))

    def _entries(self) -> list[tuple[str, str, str]]:
        knowledge = getattr(self.app, "knowledge", None)
        if knowledge is None:
            return []
        return [(f"{entry.title}", f"{entry.kind} · {entry.id}", entry.id) for entry in knowledge.kb.entries.values()]

    async def discover(self) -> Hits:
        """The main actions, shown before anything is typed."""
        for text, help_text, action in ACTIONS:
            yield DiscoveryHit(text, partial(self._navigate, action), help=help_text)

    async def search(self, query: str) -> Hits:
        """Actions and entries matching ``query`` (fuzzy, best first)."""
        matcher = self.matcher(query)
        for text, help_text, action in ACTIONS:
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._navigate, action), text, help_text)
        for title, help_text, entry_id in self._entries():
            score = max(matcher.match(title), matcher.match(entry_id) * 0.9)
            if score > 0:
                command = partial(self._navigate, "entry", entry_id)
                yield Hit(score, matcher.highlight(title), command, title, help_text)
