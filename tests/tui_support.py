"""Shared helpers and fixtures for the terminal-app tests (import the fixtures by name so pytest finds them)."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from esi_helper.tui.app import EsiApp
from esi_helper.tui.services import Knowledge, load_knowledge
from esi_helper.tui.widgets.turns import AnswerTurn

#: The small frozen knowledge base of the snapshot tests (its decision tree has a number question).
FIXTURE_KB = Path(__file__).parent / "snapshots" / "knowledge"


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test with asyncio (no pytest async plugin needed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    """The shipped knowledge base and engine, loaded once for the module."""
    return load_knowledge()


@pytest.fixture(scope="module")
def demo() -> Knowledge:
    """The small frozen knowledge base of the snapshot tests."""
    return load_knowledge(FIXTURE_KB)


@pytest.fixture(autouse=True)
def _no_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """No blinking cursor: screens render the same on every run."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


def make_app(knowledge: Knowledge, tmp_path: Path, **kwargs: Any) -> EsiApp:
    """The app on ``knowledge``, without ICD-10-CM, saving transcripts under ``tmp_path``."""
    return EsiApp(knowledge=knowledge, icd=False, transcripts_dir=tmp_path / "transcripts", **kwargs)


def answers(app: EsiApp) -> list[AnswerTurn]:
    """The answers in the conversation (not the hidden warm-up one)."""
    return [a for a in app.chat.query(AnswerTurn) if not a.has_class("-warm-up")]


async def wait_for(pilot: Any, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Pause until ``predicate()`` holds (workers and Markdown rendering are asynchronous)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.01)


async def wait_for_screen(pilot: Any, screen: type) -> None:
    """Pause until the app shows a ``screen``."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, screen))


async def open_screen(pilot: Any, key: str, screen: type) -> None:
    """Press ``key`` and pause until the app shows a ``screen``."""
    await pilot.press(key)
    await wait_for_screen(pilot, screen)


async def back_to_chat(pilot: Any, *keys: str) -> None:
    """Press ``keys`` (Escape by default) and pause until the chat is back."""
    await pilot.press(*(keys or ("escape",)))
    await wait_for(pilot, lambda: pilot.app.screen is pilot.app.chat)
