"""Answers built from one or two knowledge-base entries: a code's card or topic, a modifier on a code, bundling.

Ids are deterministic: an answer drawn from one entry keeps that entry's id; a bundling answer is
``bundling:<a>:<b>``. ICD-10-CM answers live in ``icd_answers``, fee answers in ``fee_answers``.
"""

from __future__ import annotations

from esi_helper.answer.result import Answer, merged_ids
from esi_helper.kb.records import CodeEntry, DiagnosisEntry, ModifierEntry

#: Topic names shown differently from their key in [code.notes]; the rest are shown as written.
TOPIC_LABELS = {"diagnosis": "diagnosis codes"}
VERDICT_WORDS = {
    "yes": "Yes",
    "no": "No",
    "conditional": "It depends",
    "payer": "Payer-specific",
}
#: Values of CodeEntry.imaging: the code is imaging itself / a procedure done without imaging.
IS_IMAGING = "is-imaging"
NO_IMAGING = "none"


def code_card(entry: CodeEntry, score: float) -> Answer:
    """The code's own card."""
    return Answer(entry.id, entry.kind, entry.title, entry.text, score, entry.citations)


def code_topic(entry: CodeEntry, topic: str, score: float) -> Answer | None:
    """The code's note on ``topic`` (units, modifiers, imaging …), or None when the card has none."""
    note = entry.notes.get(topic)
    if not note:
        return None
    title = f"{entry.code}: {TOPIC_LABELS.get(topic, topic)}"
    return Answer(entry.id, entry.kind, title, note, score, entry.citations)


def modifier_on_code(modifier: ModifierEntry, code: CodeEntry, score: float) -> Answer:
    """Whether ``modifier`` applies to ``code``'s family, from the modifier's applicability table."""
    rule = modifier.for_family(code.family)
    if rule is None:
        text = (
            f"The knowledge base does not say how modifier {modifier.modifier} applies to {code.code} "
            f"({code.family} codes). What it says about the modifier:\n\n{modifier.text}"
        )
    else:
        verdict = VERDICT_WORDS.get(rule.verdict, rule.verdict)
        text = f"**{verdict}: modifier {modifier.modifier} on {code.code}.** {rule.note}".strip()
        note = code.notes.get("modifiers")
        if note:
            text += f"\n\nFor {code.code}: {note}"
    title = f"Modifier {modifier.modifier} on {code.code}"
    return Answer(modifier.id, modifier.kind, title, text, score, merged_ids(modifier.citations, code.citations))


def modifier_card(modifier: ModifierEntry, score: float) -> Answer:
    """The modifier's own card."""
    return Answer(modifier.id, modifier.kind, modifier.title, modifier.text, score, modifier.citations)


def bundling_direction(first: CodeEntry, second: CodeEntry) -> tuple[CodeEntry, CodeEntry] | None:
    """``(primary, component)`` when the knowledge base bars reporting the two codes together, else None.

    The pair comes from the codes' ``bundled`` lists. Which side is the component is read from the data too: a
    code listed by only one side is that side's component; when both list each other, the component is the one
    that is itself imaging (``imaging = "is-imaging"``), the guidance the procedure code already contains.
    """
    lists_second = second.code in first.bundled
    lists_first = first.code in second.bundled
    if not (lists_second or lists_first):
        return None
    if lists_second != lists_first:
        return (first, second) if lists_second else (second, first)
    first_imaging = first.imaging == IS_IMAGING
    second_imaging = second.imaging == IS_IMAGING
    if first_imaging != second_imaging:
        return (second, first) if first_imaging else (first, second)
    return None


def bundling(first: CodeEntry, second: CodeEntry, score: float) -> Answer | None:
    """Two codes the knowledge base bars together: which one is the component, and why (the primary's note)."""
    pair = bundling_direction(first, second)
    if pair is None:
        return None
    primary, component = pair
    if component.imaging == IS_IMAGING and primary.imaging not in (IS_IMAGING, NO_IMAGING):
        lead = f"the imaging guidance is included in {primary.code}"
    else:
        lead = "the two are not reported together"
    text = f"**Do not report {component.code} with {primary.code}: {lead}.**"
    note = primary.notes.get("imaging") if component.imaging == IS_IMAGING else primary.notes.get("bundling")
    if note:
        text += f" {note}"
    title = f"{component.code} with {primary.code}: not reported together"
    cites = merged_ids(primary.citations, component.citations)
    return Answer(f"bundling:{primary.code}:{component.code}", "bundling", title, text, score, cites)


def diagnosis_card(entry: DiagnosisEntry, score: float) -> Answer:
    """A curated ICD-10-CM note as it stands."""
    return Answer(entry.id, entry.kind, entry.title, entry.text, score, entry.citations)
