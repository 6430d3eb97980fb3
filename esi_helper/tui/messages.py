"""Messages that cross screens: the knowledge base finished loading, or could not be loaded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from esi_helper.kb import Problem
    from esi_helper.transcripts import Turn
    from esi_helper.tui.render import AnswerView
    from esi_helper.tui.services import Knowledge


@dataclass
class KnowledgeLoaded(Message):
    """The knowledge base and answer engine are ready."""

    knowledge: Knowledge


@dataclass
class KnowledgeFailed(Message):
    """The knowledge base has problems (file:line: message each), or another error stopped loading."""

    problems: list[Problem]
    folder: str


@dataclass
class Navigate(Message):
    """Ask the app to open something: ``source``/``entry`` (argument: its id), ``guided``, ``browse``,
    ``tour`` (argument: a walkthrough name, or empty for the list) or ``help``."""

    target: str
    argument: str = ""


@dataclass
class SendToChat(Message):
    """Put a result (guided coding, a tour step) into the chat and the session transcript."""

    view: AnswerView
    turn: Turn
