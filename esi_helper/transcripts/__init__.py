"""Transcripts: a conversation saved as TOML, the shipped onboarding walkthroughs, and replaying them.

A transcript records each turn's question, the answers (id, title, text, citations), the knowledge-base
version and when it was saved. ``replay`` re-asks every question against the current knowledge base and
reports what changed: the regression test of the knowledge base. No Textual here.
"""

from esi_helper.transcripts.model import (
    ASK,
    FORMAT,
    SESSION,
    TREE,
    WALKTHROUGH,
    SaveReport,
    Transcript,
    TranscriptError,
    Turn,
    TurnAnswer,
    turn_from_result,
)
from esi_helper.transcripts.regression import Drift, ReplayReport, compare_turns, recommendation_plain_text, replay
from esi_helper.transcripts.saving import default_folder, new_path, now_iso, redact_transcript, save
from esi_helper.transcripts.serialize import dumps, load, loads, to_dict
from esi_helper.transcripts.walkthroughs import find_walkthrough, list_walkthroughs, walkthrough_dir

__all__ = [
    "ASK",
    "FORMAT",
    "SESSION",
    "TREE",
    "WALKTHROUGH",
    "Drift",
    "ReplayReport",
    "SaveReport",
    "Transcript",
    "TranscriptError",
    "Turn",
    "TurnAnswer",
    "compare_turns",
    "default_folder",
    "dumps",
    "find_walkthrough",
    "list_walkthroughs",
    "load",
    "loads",
    "new_path",
    "now_iso",
    "recommendation_plain_text",
    "redact_transcript",
    "replay",
    "save",
    "to_dict",
    "turn_from_result",
    "walkthrough_dir",
]
