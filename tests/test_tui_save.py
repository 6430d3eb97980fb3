"""Saving the session from the app: Ctrl+S and /save, redaction notice, and a failed save that keeps everything."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest

from esi_helper.tui.app import EsiApp
from esi_helper.tui.services import Knowledge
from esi_helper.tui.widgets.turns import NoticeTurn

# fixtures are imported as ``name as name`` so that pytest finds them and ruff keeps them
from tests.tui_support import _no_blink as _no_blink
from tests.tui_support import answers, sync, wait_for
from tests.tui_support import knowledge as knowledge


async def ask(pilot: Any, app: EsiApp, text: str) -> None:
    count = len(app.chat.transcript.turns)
    app.chat.prompt.value = text
    await pilot.press("enter")
    await wait_for(pilot, lambda: len(app.chat.transcript.turns) > count)


def notices(app: EsiApp) -> list[str]:
    return [n.message for n in app._notifications]


@sync
async def test_ctrl_s_writes_a_private_toml_transcript(knowledge: Knowledge, tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    app = EsiApp(knowledge=knowledge, icd=False, transcripts_dir=folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, app, "when do I use modifier 50")
        await ask(pilot, app, "and on 64484?")
        await pilot.press("ctrl+s")
        files = list(folder.glob("*.toml"))
        assert len(files) == 1
        assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
        assert not list(folder.glob(".*"))
        data = tomllib.loads(files[0].read_text())
        assert data["kb_version"] == knowledge.version
        assert data["saved_at"].endswith("Z")
        assert [t["question"] for t in data["turn"]] == ["when do I use modifier 50", "and on 64484?"]
        first = data["turn"][0]["answer"][0]
        assert first["id"] and first["text"] and first["citations"]
        assert any("Saved to" in n for n in notices(app))
        await ask(pilot, app, "what is modifier 59")
        app.chat.prompt.value = "/save"
        await pilot.press("enter")
        assert list(folder.glob("*.toml")) == files
        assert len(tomllib.loads(files[0].read_text())["turn"]) == 3


@sync
async def test_identifiers_are_redacted_with_a_notice(knowledge: Knowledge, tmp_path: Path) -> None:
    app = EsiApp(knowledge=knowledge, icd=False, transcripts_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, app, "pt DOB 03/04/1955 MRN 12345678 call 555-123-4567: modifier 50 on 64483?")
        await pilot.press("ctrl+s")
        text = next(tmp_path.glob("*.toml")).read_text()
        for secret in ("03/04/1955", "12345678", "555-123-4567"):
            assert secret not in text
        assert "64483" in text
        assert any("identifiers removed" in n for n in notices(app))
        assert "03/04/1955" in app.chat.transcript.turns[0].question


@sync
async def test_failed_save_keeps_the_session(
    knowledge: Knowledge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    if os.geteuid() == 0:  # root ignores the mode: make creating files there fail as it would for a user

        def refuse(*args: Any, dir: str | None = None, **kwargs: Any) -> Any:  # noqa: A002
            if dir is not None and Path(dir) == folder:
                raise PermissionError(errno.EACCES, "Permission denied")
            return real_mkstemp(*args, dir=dir, **kwargs)

        real_mkstemp = tempfile.mkstemp
        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    app = EsiApp(knowledge=knowledge, icd=False, transcripts_dir=folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, app, "when do I use modifier 50")
        app.chat.prompt.value = "half-typed question"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("could not save" in n and "Permission denied" in n for n in notices(app))
        assert "Not saved" in str(app.chat.query(NoticeTurn).last().render())
        assert len(app.chat.transcript.turns) == 1
        assert len(answers(app)) == 1
        assert app.chat.prompt.value == "half-typed question"
        assert app.is_running
        app.chat.transcripts_dir = tmp_path / "elsewhere"
        await pilot.press("ctrl+s")
        assert len(list((tmp_path / "elsewhere").glob("*.toml"))) == 1


@sync
async def test_nothing_to_save_yet(knowledge: Knowledge, tmp_path: Path) -> None:
    app = EsiApp(knowledge=knowledge, icd=False, transcripts_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        assert any("Nothing to save" in n for n in notices(app))
        assert not list(tmp_path.glob("*.toml"))
