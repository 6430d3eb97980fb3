"""Conversation context: a follow-up ("and the modifier?") is read against the previous question."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class Frame:
    """What one question is about: its codes, region, topics and search words."""

    text: str = ""
    tokens: list[str] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    cpt: list[str] = field(default_factory=list)
    unknown_codes: list[str] = field(default_factory=list)
    icd: list[str] = field(default_factory=list)
    modifiers: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    setting: str | None = None
    zip: str | None = None
    levels: int = 0
    out_of_scope: list[str] = field(default_factory=list)
    unknown_words: list[str] = field(default_factory=list)
    context_tokens: list[str] = field(default_factory=list)
    followup: bool = False
    dangling: bool = False
    #: The question repeats something the biller heard or read ("a website says ...").
    claim: bool = False
    #: The question asks which of two spine regions applies ("is T12-L1 thoracic or lumbar").
    region_choice: bool = False
    #: The payer the question names ("evicore" -> commercial), from the lexicon's [payers].
    payer: str | None = None
    #: Rule and FAQ topics the question asks about (the lexicon's [entry_topics]).
    entry_topics: list[str] = field(default_factory=list)
    #: Topics of the rules and FAQs this turn answered with; a follow-up reads them as ``previous_topics``.
    answer_topics: list[str] = field(default_factory=list)
    previous_topics: list[str] = field(default_factory=list)
    #: For a follow-up: the previous turn's confident answer.
    previous_answer: str | None = None

    @property
    def has_anchor(self) -> bool:
        """Whether the question names a code, modifier or diagnosis of its own."""
        return bool(self.cpt or self.icd or self.modifiers or self.unknown_codes)


@dataclass
class Conversation:
    """The previous turn's context; ``Engine.ask`` reads and updates it."""

    last: Frame | None = None
    last_answer_id: str | None = None
    turns: int = 0

    def reset(self) -> None:
        """Forget the previous turn."""
        self.last = None
        self.last_answer_id = None
        self.turns = 0

    def remember(self, frame: Frame, answer_id: str | None) -> None:
        """Keep ``frame`` (already merged with what it followed) as the context for the next question."""
        self.last = frame
        self.last_answer_id = answer_id
        self.turns += 1

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for saving a CLI session between runs."""
        return {
            "last": asdict(self.last) if self.last else None,
            "last_answer_id": self.last_answer_id,
            "turns": self.turns,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Conversation:
        """Rebuild from ``to_dict`` output; anything malformed gives a fresh conversation."""
        conv = cls()
        if not isinstance(data, dict):
            return conv
        last = data.get("last")
        if isinstance(last, dict):
            conv.last = _frame_from(last)
        answer_id = data.get("last_answer_id")
        conv.last_answer_id = answer_id if isinstance(answer_id, str) else None
        turns = data.get("turns")
        conv.turns = turns if isinstance(turns, int) else 0
        return conv


def _frame_from(data: dict[str, Any]) -> Frame | None:
    """A Frame from saved plain data, or None when a field has the wrong type."""
    frame = Frame()
    for f in fields(Frame):
        if f.name not in data:
            continue
        value = data[f.name]
        default = getattr(frame, f.name)
        if isinstance(default, list):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return None
        elif isinstance(default, bool | int) and type(value) is not type(default):
            return None
        elif isinstance(default, str) and not isinstance(value, str):
            return None
        elif default is None and value is not None and not isinstance(value, str):
            return None
        setattr(frame, f.name, value)
    return frame


def is_followup(
    frame: Frame,
    previous: Frame | None,
    starts: tuple[tuple[str, ...], ...],
    pronouns: frozenset[str],
    describes_code: bool = False,
    names_procedure: bool = False,
) -> bool:
    """Whether ``frame`` continues ``previous`` rather than starting a new question.

    ``describes_code``: the question is a short fragment made only of words that describe a code ("second
    level?", "add-on code?"), which continues a previous question about a code. ``names_procedure``: it names an
    approach ("transforaminal under ultrasound"), so it stands alone unless it opens like a follow-up ("and ...").
    """
    if previous is None or not frame.raw:
        return False
    if describes_code and previous.cpt and not frame.has_anchor:
        return True
    if "payment" in previous.topics and frame.unknown_words and len(frame.tokens) <= 2 and not frame.has_anchor:
        # "in dallas?" after a payment question: words no entry knows name the place to price it in
        return True
    raw = frame.raw
    starts_like = any(tuple(raw[: len(s)]) == s for s in starts if s)
    if starts_like and len(frame.tokens) <= 6:
        return True
    if frame.has_anchor or names_procedure:
        return False
    if frame.regions and len(frame.tokens) <= 2:
        return True
    if len(frame.tokens) <= 3 and any(t in pronouns for t in raw):
        return True
    return len(frame.tokens) <= 2 and (bool(frame.topics) or frame.setting is not None)


def merge(frame: Frame, previous: Frame, follow_codes: Any) -> Frame:
    """Fill the gaps of a follow-up from the previous question.

    ``follow_codes(codes, frame)`` returns the previous codes changed as the follow-up asks: another spine region
    ("what about lumbar?"), with or without imaging, the add-on of the code ("and the add-on?") and so on.
    """
    merged = Frame(**{f.name: getattr(frame, f.name) for f in fields(Frame)})
    merged.followup = True
    if not frame.cpt and previous.cpt:
        merged.cpt = follow_codes(list(previous.cpt), frame)
    if not frame.icd and previous.icd and (frame.cpt or frame.regions or not frame.topics):
        merged.icd = list(previous.icd)
    if not frame.modifiers and previous.modifiers and not frame.topics:
        merged.modifiers = list(previous.modifiers)
    if not frame.topics and previous.topics:
        merged.topics = list(previous.topics)
    if not frame.regions and previous.regions and not merged.cpt:
        merged.regions = list(previous.regions)
    if frame.setting is None and previous.setting and "payment" in merged.topics:
        merged.setting = previous.setting
    if frame.zip is None and previous.zip and "payment" in merged.topics:
        merged.zip = previous.zip
    merged.previous_topics = list(previous.answer_topics)
    merged.context_tokens = [t for t in previous.tokens + previous.context_tokens if t not in frame.tokens][:24]
    return merged
