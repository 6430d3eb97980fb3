"""Browse the knowledge base: codes, modifiers, rules, myths and diagnoses in filterable tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, TabbedContent, TabPane

from esi_helper.kb import CodeEntry, Entry, KnowledgeBase, ModifierEntry, MythEntry, TopicEntry
from esi_helper.tui.screens.entry import EntryScreen


@dataclass(frozen=True)
class Table:
    """One tab of the browser: which entry kinds it lists and under which columns."""

    id: str
    label: str
    kinds: tuple[str, ...]
    columns: tuple[str, ...]


TABLES = (
    Table("codes", "1 Codes", ("code",), ("Code", "Family", "Region", "What")),
    Table("modifiers", "2 Modifiers", ("modifier",), ("Modifier", "What")),
    Table("rules", "3 Rules & FAQ", ("rule", "faq"), ("Topic", "Payer", "Rule")),
    Table("myths", "4 Myths", ("myth",), ("Verdict", "Claim")),
    Table("diagnoses", "5 Diagnoses", ("diagnosis",), ("ICD-10-CM", "Note")),
)


def _short_title(entry: Entry, key: str) -> str:
    """The title without a leading ``KEY:`` (the key already has its own column)."""
    title = entry.title
    for prefix in (f"{key}: ", f"+{key}: ", f"{key} - ", f"{key} — "):
        if key and title.startswith(prefix):
            return title[len(prefix) :]
    return title


def fit_last_column(
    found: list[tuple[str, tuple[str, ...]]], headers: tuple[str, ...], width: int
) -> list[tuple[str, tuple[str, ...]]]:
    """Shorten the last cell of each row so the table fits ``width`` columns without scrolling sideways."""
    if not found:
        return found
    fixed = sum(max(len(headers[i]), *(len(cells[i]) for _, cells in found)) for i in range(len(headers) - 1))
    room = max(20, width - fixed - 2 * len(headers) - 2)
    return [(key, (*cells[:-1], _cut(cells[-1], room))) for key, cells in found]


def _cut(text: str, room: int) -> str:
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def row_for(entry: Entry) -> tuple[str, ...]:
    """The table cells for one entry."""
    if isinstance(entry, CodeEntry):
        code = ("+" if entry.addon else "") + entry.code
        return code, entry.family, ", ".join(entry.region), _short_title(entry, entry.code)
    if isinstance(entry, ModifierEntry):
        title = _short_title(entry, f"Modifier {entry.modifier}")
        return entry.modifier, title
    if isinstance(entry, TopicEntry):
        return entry.topic, entry.payer, entry.title
    if isinstance(entry, MythEntry):
        return entry.verdict, entry.claim or entry.title
    code = getattr(entry, "code", "")
    return code, _short_title(entry, code)


def rows(kb: KnowledgeBase, table: Table, text: str = "") -> list[tuple[str, tuple[str, ...]]]:
    """``(entry id, cells)`` for every entry of the table matching the filter ``text`` (all words)."""
    words = text.lower().split()
    found = []
    for entry in kb.entries.values():
        if entry.kind not in table.kinds:
            continue
        cells = row_for(entry)
        haystack = " ".join((*cells, entry.id, entry.title, " ".join(entry.keywords))).lower()
        if all(w in haystack for w in words):
            found.append((entry.id, cells))
    return found


class BrowseScreen(Screen[None]):
    """Tables of the knowledge base; type to filter, Enter opens the full entry."""

    CSS_PATH = Path(__file__).with_name("browse.tcss")
    BINDINGS = [
        Binding("escape", "back", "Back", id="browse.back", tooltip="Clear the filter, then back to the chat"),
        Binding(
            "slash",
            "focus_filter",
            "Filter",
            id="browse.filter",
            tooltip="Filter the table (typing a letter does it too)",
        ),
        Binding("1", "show_tab('codes')", "Codes", show=False, id="browse.codes"),
        Binding("2", "show_tab('modifiers')", "Modifiers", show=False, id="browse.modifiers"),
        Binding("3", "show_tab('rules')", "Rules", show=False, id="browse.rules"),
        Binding("4", "show_tab('myths')", "Myths", show=False, id="browse.myths"),
        Binding("5", "show_tab('diagnoses')", "Diagnoses", show=False, id="browse.diagnoses"),
    ]

    HELP = "Type to filter (or **/** first for codes); **1-5** switch tables; **Enter** opens the entry."

    def __init__(self, kb: KnowledgeBase, tab: str = "codes") -> None:
        super().__init__()
        self.kb = kb
        self.initial_tab = tab
        self._filled: dict[str, tuple[str, int]] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter: type words, e.g. lumbar, bilateral, 50", id="filter", select_on_focus=False)
        with TabbedContent(initial=self.initial_tab):
            for table in TABLES:
                with TabPane(table.label, id=table.id):
                    yield DataTable(id=f"table-{table.id}", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Browse"
        self._refresh_current()
        self.current_table.focus()

    @property
    def current_table(self) -> DataTable:
        """The table on the visible tab."""
        active = self.query_one(TabbedContent).active or self.initial_tab
        return self.query_one(f"#table-{active}", DataTable)

    def _fill(self, text: str, table_id: str | None = None) -> None:
        """Fill one table (the visible one by default) with the entries matching ``text``."""
        table = next(t for t in TABLES if t.id == (table_id or self.current_table.id.removeprefix("table-")))
        data = self.query_one(f"#table-{table.id}", DataTable)
        width = self.size.width or self.app.size.width
        data.clear(columns=True)
        data.add_columns(*table.columns)
        for entry_id, cells in fit_last_column(rows(self.kb, table, text), table.columns, width):
            data.add_row(*cells, key=entry_id)
        self._filled[table.id] = (text, width)

    def _refresh_current(self) -> None:
        text = self.query_one("#filter", Input).value
        table_id = self.current_table.id.removeprefix("table-")
        if self._filled.get(table_id) != (text, self.size.width or self.app.size.width):
            self._fill(text, table_id)

    def on_resize(self) -> None:
        self._refresh_current()

    @on(Input.Changed, "#filter")
    def _filter(self) -> None:
        self._refresh_current()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.current_table.focus()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self._refresh_current()
        if not self.query_one("#filter", Input).has_focus:
            self.current_table.focus()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.push_screen(EntryScreen(self.kb, event.row_key.value))

    def on_key(self, event: events.Key) -> None:
        """Typing a letter in a table starts filtering (digits switch tables; / also goes to the filter)."""
        if isinstance(self.focused, DataTable) and event.character and event.character.isalpha():
            event.stop()
            event.prevent_default()
            filter_input = self.query_one("#filter", Input)
            filter_input.focus()
            filter_input.insert_text_at_cursor(event.character)

    def action_show_tab(self, tab: str) -> None:
        """Show one of the tables."""
        self.query_one(TabbedContent).active = tab
        self.current_table.focus()

    def action_focus_filter(self) -> None:
        """Put the cursor in the filter box."""
        self.query_one("#filter", Input).focus()

    def action_back(self) -> None:
        """Clear the filter if there is one, otherwise return to the chat."""
        filter_input = self.query_one("#filter", Input)
        if filter_input.value:
            filter_input.value = ""
            self.current_table.focus()
        else:
            self.dismiss()
