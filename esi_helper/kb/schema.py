"""The shape of each knowledge table: required and optional fields, their types and allowed values."""

from __future__ import annotations

from dataclasses import dataclass, field

STR = "text"
BOOL = "true/false"
STRS = "list of text"
TABLE = "table"
TABLES = "list of tables"


@dataclass(frozen=True)
class TableSpec:
    """Fields one ``[[table]]`` item may hold."""

    kind: str
    required: dict[str, str]
    optional: dict[str, str] = field(default_factory=dict)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    answerable: bool = True


_COMMON_REQUIRED = {"id": STR, "title": STR, "text": STR, "citations": STRS}
_COMMON_OPTIONAL = {"questions": STRS, "keywords": STRS, "related": STRS}

REGIONS = ("cervical", "thoracic", "lumbar", "sacral")
FAMILIES = (
    "interlaminar",
    "interlaminar-catheter",
    "transforaminal",
    "transforaminal-us",
    "imaging",
    "facet",
    "deleted",
    "other",
)
TOPICS = (
    "coverage",
    "frequency",
    "levels",
    "imaging",
    "documentation",
    "prior-auth",
    "sedation",
    "place-of-service",
    "modifiers",
    "bundling",
    "drugs",
    "payment",
    "diagnosis",
    "coding",
    "general",
)
NOTE_TOPICS = ("units", "modifiers", "imaging", "documentation", "frequency", "diagnosis", "payment", "bundling")
PAYERS = ("medicare", "commercial", "all")

TABLES_SPEC: dict[str, TableSpec] = {
    "source": TableSpec(
        kind="source",
        required={
            "id": STR,
            "title": STR,
            "publisher": STR,
            "url": STR,
            "date": STR,
            "kind": STR,
            "confidence": STR,
        },
        optional={"note": STR},
        choices={"kind": ("official", "secondary", "seed")},
        answerable=False,
    ),
    "code": TableSpec(
        kind="code",
        required={**_COMMON_REQUIRED, "code": STR, "family": STR},
        optional={
            **_COMMON_OPTIONAL,
            "region": STRS,
            "approach": STR,
            "imaging": STR,
            "addon": BOOL,
            "parent": STRS,
            "status": STR,
            "pfs": TABLE,
            "bundled": STRS,
            "notes": TABLE,
        },
        choices={
            "family": FAMILIES,
            "region": REGIONS,
            "approach": ("interlaminar", "transforaminal", "facet", "none"),
            "imaging": ("fluoroscopy-or-ct", "ultrasound", "none", "is-imaging"),
            "status": ("active", "deleted", "uncertain"),
            "notes": NOTE_TOPICS,
        },
    ),
    "modifier": TableSpec(
        kind="modifier",
        required={**_COMMON_REQUIRED, "modifier": STR},
        optional={**_COMMON_OPTIONAL, "applies": TABLES},
    ),
    "diagnosis": TableSpec(
        kind="diagnosis",
        required={**_COMMON_REQUIRED, "code": STR},
        optional={**_COMMON_OPTIONAL, "billable": BOOL, "replaced_by": STRS, "changed": STR},
    ),
    "pairing": TableSpec(
        kind="pairing",
        required={"id": STR, "codes": STRS, "region": STRS, "supports": BOOL, "reason": STR, "citations": STRS},
        optional={"families": STRS},
        choices={"region": REGIONS, "families": FAMILIES},
        answerable=False,
    ),
    "rule": TableSpec(
        kind="rule",
        required={**_COMMON_REQUIRED, "topic": STR},
        optional={**_COMMON_OPTIONAL, "payer": STR},
        choices={"topic": TOPICS, "payer": PAYERS},
    ),
    "faq": TableSpec(
        kind="faq",
        required={**_COMMON_REQUIRED, "topic": STR},
        optional={**_COMMON_OPTIONAL, "payer": STR},
        choices={"topic": TOPICS, "payer": PAYERS},
    ),
    "myth": TableSpec(
        kind="myth",
        required={**_COMMON_REQUIRED, "claim": STR, "verdict": STR},
        optional={**_COMMON_OPTIONAL},
        choices={"verdict": ("wrong", "misleading", "imprecise", "unsupported", "correct")},
    ),
}

APPLIES_FIELDS = {"family": STR, "verdict": STR, "note": STR}
APPLIES_VERDICTS = ("yes", "no", "conditional", "payer")
PFS_FIELDS = ("status", "global", "mult_proc", "bilateral", "pctc")


def type_ok(value: object, expected: str) -> bool:
    """Whether ``value`` has the TOML type named by ``expected``."""
    if expected == STR:
        return isinstance(value, str)
    if expected == BOOL:
        return isinstance(value, bool)
    if expected == STRS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if expected == TABLE:
        return isinstance(value, dict)
    if expected == TABLES:
        return isinstance(value, list) and all(isinstance(v, dict) for v in value)
    return False
