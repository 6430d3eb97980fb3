"""``esi-helper ask``: the command-line contract scripts depend on."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from esi_helper.cli import main
from esi_helper.kb import KnowledgeBase


def test_text_answer_has_the_fact_citations_and_version(kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]) -> None:
    code = next(c for c in kb.codes.values() if "units" in c.notes)
    assert main(["ask", f"units for {code.code}"]) == 0
    out = capsys.readouterr().out
    assert code.notes["units"].split(".")[0] in out
    assert "[1] " in out
    assert out.rstrip().endswith(f"Knowledge base {kb.version}")


def test_json_answer(kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "62321", "--json", "--top", "2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == "62321" and data["confident"] is True
    assert data["answers"][0]["id"] == kb.codes["62321"].id
    assert len(data["answers"]) <= 2
    assert {"id", "kind", "title", "text", "score", "citations"} <= set(data["answers"][0])


def test_not_confident_still_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "knee replacement code", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["confident"] is False and 0 < len(data["suggestions"]) <= 3
    assert main(["ask", "what is the weather"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(("I don't know", "I'm not sure")) and "Try:" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask", ""], "the question is empty"),
        (["ask", "62321", "--top", "0"], "--top must be 1 or more"),
        (["ask", "62321", "--top", "x"], "invalid int value"),
        (["ask"], "the following arguments are required"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def run_cli(args: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "esi_helper", *args], input=stdin, capture_output=True, text=True, timeout=60
    )


def test_stdin_batch_writes_json_lines_in_order() -> None:
    questions = ["62321", "asdf", "", "units for 62323", "mod 59", "日本語"]
    proc = run_cli(["ask", "-", "--json"], "\n".join(questions) + "\n")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert [json.loads(line)["query"] for line in lines] == questions
    assert json.loads(lines[1])["confident"] is False


def test_stdin_batch_is_independent_unless_session() -> None:
    questions = "62321\nand the modifier?\nwhat about lumbar?\n"
    plain = [json.loads(line) for line in run_cli(["ask", "-", "--json"], questions).stdout.splitlines()]
    session = [json.loads(line) for line in run_cli(["ask", "-", "--json", "--session"], questions).stdout.splitlines()]
    assert session[1]["answers"][0]["id"] == session[0]["answers"][0]["id"]
    assert session[1]["answers"][0]["title"].endswith("modifiers")
    assert session[2]["answers"][0]["id"] != session[0]["answers"][0]["id"]
    assert (
        plain[1]["answers"] == []
        or plain[1]["answers"][0]["id"] != session[1]["answers"][0]["id"]
        or plain[1]["answers"][0]["title"] != session[1]["answers"][0]["title"]
    )


def test_stdin_batch_text_is_one_line_per_question() -> None:
    proc = run_cli(["ask", "-"], "62321\nasdf\n")
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert len(lines) == 2 and lines[1].startswith("not sure")


def test_session_carries_across_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "64483", "--session", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["ask", "and the modifier?", "--session", "--json"]) == 0
    follow = json.loads(capsys.readouterr().out)
    assert follow["answers"][0]["id"] == first["answers"][0]["id"]
    assert follow["answers"][0]["title"].endswith("modifiers")
