"""Slash commands typed in the chat prompt: the table shown in help, completion and parsing (no Textual)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SlashCommand:
    """One slash command as documented in help."""

    name: str
    usage: str
    description: str


SLASH_COMMANDS: tuple[SlashCommand, ...] = (
    SlashCommand("tree", "/tree", "guided coding: answer questions, get the claim lines"),
    SlashCommand("icd", "/icd CODE|WORDS", "look up an ICD-10-CM code, or find codes by words"),
    SlashCommand("fee", "/fee CODE [ZIP] [facility]", "Medicare fee for a code (national, or for a ZIP code)"),
    SlashCommand("browse", "/browse", "browse codes, modifiers and rules"),
    SlashCommand("tour", "/tour [NAME]", "play an onboarding walkthrough"),
    SlashCommand("save", "/save", "save this conversation as a transcript"),
    SlashCommand("clear", "/clear", "clear the conversation and start fresh"),
    SlashCommand("help", "/help", "list every key and command"),
)
_BY_NAME = {c.name: c for c in SLASH_COMMANDS}


@dataclass(frozen=True)
class Parsed:
    """A parsed slash command: its name and the rest of the line."""

    name: str
    argument: str


class SlashError(ValueError):
    """The line starts with a slash but is not a known command (message is one line)."""


def is_command(text: str) -> bool:
    """Whether ``text`` is a slash command (not a question)."""
    return text.lstrip().startswith("/")


def parse(text: str) -> Parsed:
    """Split ``/name argument``; raise SlashError for unknown commands or a missing argument."""
    body = text.strip()[1:]
    name, _, argument = body.partition(" ")
    name = name.lower()
    if name not in _BY_NAME:
        raise SlashError(f"Unknown command /{name}. Type /help for the list.")
    argument = argument.strip()
    if name in ("icd", "fee") and not argument:
        raise SlashError(f"Usage: {_BY_NAME[name].usage}")
    return Parsed(name, argument)


def complete(prefix: str) -> str | None:
    """Complete a partial ``/name`` to the first matching command, or None."""
    if not prefix.startswith("/") or " " in prefix:
        return None
    word = prefix[1:].lower()
    for command in SLASH_COMMANDS:
        if command.name.startswith(word) and command.name != word:
            return "/" + command.name
    return None
