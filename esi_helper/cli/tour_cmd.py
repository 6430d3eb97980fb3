"""``esi-helper tour [NAME]``: play an onboarding walkthrough, one question and answer at a time."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from esi_helper.cli.common import UsageError, add_command, load_or_exit


def register(sub: Any) -> None:
    """Add the ``tour`` command."""
    parser = add_command(sub, "tour", "play an onboarding walkthrough (no NAME: list them)", run)
    parser.add_argument("name", nargs="?", metavar="NAME", help="walkthrough to play (a unique prefix is enough)")
    parser.add_argument("--list", action="store_true", help="list the walkthroughs and exit")
    parser.add_argument("--plain", action="store_true", help="play as plain text here instead of in the app")


def run(args: argparse.Namespace) -> int:
    """Open the tour in the app, or list / play it as text when asked or when not on a terminal."""
    from esi_helper.transcripts import TranscriptError, find_walkthrough, list_walkthroughs

    try:
        walkthroughs = list_walkthroughs()
        chosen = find_walkthrough(args.name) if args.name else None
    except TranscriptError as exc:
        raise UsageError(str(exc)) from None
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if args.list or (chosen is None and not interactive) or (chosen is None and args.plain):
        for n, walk in enumerate(walkthroughs, 1):
            print(f"{n}. {walk.name}: {walk.title}. {walk.description}")
        return 0
    if not args.plain and interactive:
        from esi_helper.cli.tui_cmd import run_app

        return run_app(args, tour=chosen.name if chosen else "")
    assert chosen is not None
    return play_plain(args, chosen, wait=interactive)


def play_plain(args: argparse.Namespace, walk: Any, *, wait: bool) -> int:
    """Print the walkthrough step by step; on a terminal, wait for Enter before each answer."""
    from esi_helper.answer import Conversation, Engine
    from esi_helper.answer.render import render_text

    kb = load_or_exit(args)
    engine = Engine(kb)
    conversation = Conversation()
    print(f"{walk.title}\n{walk.description}\n")
    total = len(walk.turns)
    for n, turn in enumerate(walk.turns, 1):
        if turn.note:
            print(turn.note.strip())
        print(f"\nQuestion {n} of {total}: {turn.question}")
        if wait:
            try:
                input("  (press Enter to see the answer) ")
            except EOFError:
                wait = False
        result = engine.ask(turn.question, conversation, top=3)
        print()
        print(render_text(result, kb))
        print("\n" + "-" * 60 + "\n")
    print("End of the walkthrough.")
    return 0
