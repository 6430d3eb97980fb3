"""``esi-helper ask``: answer a biller's question (or one per line from stdin) with cited answers."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from esi_helper.cli.common import UsageError, add_command, load_or_exit, print_json

#: A saved ``--session`` older than this (seconds) is forgotten.
SESSION_TTL = 30 * 60
SESSION_FILE = "ask-session.json"


def register(sub: Any) -> None:
    """Add the ``ask`` command."""
    parser = add_command(sub, "ask", "answer a coding question with cited answers ('-' reads one per line)", run)
    parser.add_argument("question", help="the question, in quotes; '-' reads one question per line from stdin")
    parser.add_argument("--json", action="store_true", help="JSON output (JSON Lines when reading stdin)")
    parser.add_argument("--top", type=int, default=3, metavar="N", help="answers to return (default 3)")
    parser.add_argument(
        "--session",
        action="store_true",
        help="read follow-ups against the previous question (across stdin lines, or across runs for 30 minutes)",
    )


def run(args: argparse.Namespace) -> int:
    """Answer one question, or every line of stdin with '-'."""
    if args.top < 1:
        raise UsageError(f"--top must be 1 or more, not {args.top}")
    if args.question != "-" and not args.question.strip():
        raise UsageError('the question is empty: esi-helper ask "your question"')
    kb = load_or_exit(args)
    from esi_helper.answer import Conversation, Engine

    engine = Engine(kb)
    if args.question == "-":
        conversation = Conversation() if args.session else None
        for line in sys.stdin:
            question = line.rstrip("\r\n")
            result = engine.ask(question, conversation if args.session else None, top=args.top)
            if args.json:
                sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
            else:
                sys.stdout.write(_one_line(result) + "\n")
            sys.stdout.flush()
        return 0
    conversation = _load_session(kb.version) if args.session else None
    result = engine.ask(args.question, conversation, top=args.top)
    if args.session and conversation is not None:
        _save_session(conversation, kb.version)
    if args.json:
        print_json(result.to_json())
    else:
        from esi_helper.answer.render import render_text

        print(render_text(result, kb, more=args.top - 1))
    return 0


def _one_line(result: Any) -> str:
    """One result as one line: the best answer's title and id, or the suggestions when not confident."""
    from esi_helper.answer.render import plain

    best = result.best
    if result.confident and best is not None:
        return f"{plain(best.title)} [{best.id}]"
    tries = "; ".join(result.suggestions)
    return "not sure" + (f" (try: {tries})" if tries else "")


def _session_path() -> Any:
    from esi_helper.paths import user_cache_dir

    return user_cache_dir() / SESSION_FILE


def _load_session(version: str) -> Any:
    """The saved conversation, if it is recent and from the same knowledge base; else a fresh one."""
    from esi_helper.answer import Conversation

    try:
        data = json.loads(_session_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Conversation()
    if not isinstance(data, dict) or data.get("kb_version") != version:
        return Conversation()
    saved = data.get("saved")
    if not isinstance(saved, int | float) or time.time() - saved > SESSION_TTL:
        return Conversation()
    return Conversation.from_dict(data.get("conversation"))


def _save_session(conversation: Any, version: str) -> None:
    path = _session_path()
    data = {"kb_version": version, "saved": time.time(), "conversation": conversation.to_dict()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data), encoding="utf-8")
    except OSError:
        pass
