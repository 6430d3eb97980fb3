"""Redact obvious patient identifiers from text before it is written to disk.

Only what a biller might paste by accident is targeted: e-mail addresses, Social Security numbers, phone
numbers, dates of birth (labelled dates, and day-precision US dates such as ``3/4/1955``), medical-record and
account numbers (labelled, or any run of seven or more digits). Procedure and diagnosis codes, ZIP codes,
amounts and years are left alone.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_NUMERIC_DATE = r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
_ANY_DATE = (
    rf"(?:{_NUMERIC_DATE}|\d{{4}}-\d{{1,2}}-\d{{1,2}}"
    rf"|{_MONTH}\s+\d{{1,2}},?\s+\d{{2,4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{2,4}})"
)
_DOB_LABEL = r"(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on)?)"
_ID_LABEL = (
    r"(?:mrn|mr\s*#|medical\s+record(?:\s+(?:number|no\.?|num|#))?|acct\.?|account(?:\s+(?:number|no\.?|#))?"
    r"|patient\s+id|pt\.?\s+id|member\s+id|subscriber\s+id|chart(?:\s+(?:number|no\.?|#))?)"
)

#: (kind, pattern, replacement), applied in order: earlier kinds win where patterns overlap.
_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("e-mail address", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"), "[e-mail]"),
    ("SSN", re.compile(r"(?<![\w-])\d{3}[- ]\d{2}[- ]\d{4}(?![\w-])"), "[SSN]"),
    ("SSN", re.compile(r"\b(?:ssn|social\s+security(?:\s+(?:number|no\.?|#))?)\s*[:#]?\s*\d{9}\b", re.I), "[SSN]"),
    (
        "phone number",
        re.compile(r"(?<![\w-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w-])"),
        "[phone]",
    ),
    ("date of birth", re.compile(rf"\b{_DOB_LABEL}\s*[:#-]?\s*{_ANY_DATE}", re.I), "[date of birth]"),
    ("date", re.compile(rf"(?<![\w/.-]){_NUMERIC_DATE}(?![\w/]|[.-]\d)"), "[date]"),
    (
        "record number",
        re.compile(rf"\b{_ID_LABEL}\s*[:#]?\s*(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{{3,}}", re.I),
        "[record number]",
    ),
    ("record number", re.compile(r"(?<![\w.$,])\d{7,}(?![\w.,]\d|\w)"), "[number]"),
)


@dataclass(frozen=True)
class Redacted:
    """Text with identifiers replaced, and how many of each kind were found."""

    text: str
    counts: dict[str, int] = field(default_factory=dict)
    found: tuple[tuple[str, str], ...] = ()
    """Each ``(original, placeholder)`` pair, so the same strings can be scrubbed from other text."""

    @property
    def changed(self) -> bool:
        """Whether anything was redacted."""
        return bool(self.counts)

    def summary(self) -> str:
        """A short phrase such as ``2 phone numbers, 1 e-mail address`` (empty when nothing was redacted)."""
        return describe(self.counts)


def redact(text: str) -> Redacted:
    """Replace obvious identifiers in ``text`` with bracketed placeholders."""
    counts: Counter[str] = Counter()
    found: list[tuple[str, str]] = []
    for kind, pattern, replacement in _RULES:
        originals = [m.group(0) for m in pattern.finditer(text)]
        if originals:
            text = pattern.sub(replacement, text)
            counts[kind] += len(originals)
            found.extend((o, replacement) for o in originals)
    return Redacted(text, dict(counts), tuple(found))


def scrub(text: str, found: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> str:
    """Replace each original string of ``found`` in ``text`` (an answer echoing what the user typed)."""
    for original, placeholder in sorted(found, key=lambda pair: -len(pair[0])):
        text = text.replace(original, placeholder)
    return text


def describe(counts: dict[str, int]) -> str:
    """Phrase for redaction counts: ``1 SSN, 2 phone numbers``."""
    return ", ".join(f"{n} {kind if n == 1 else _PLURAL.get(kind, kind + 's')}" for kind, n in sorted(counts.items()))


_PLURAL = {"date of birth": "dates of birth"}
