"""``recommend``: facts in, a cited Recommendation out (claim lines, rationale, warnings, path)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from esi_helper.kb.records import KnowledgeBase
from esi_helper.tree.engine import Citation, ClaimLine, Note, Step, evaluate, resolve
from esi_helper.tree.model import Tree


@dataclass(frozen=True)
class FeeLine:
    """A fee estimate for one claim line's code (per unit, as the fee schedule quotes it)."""

    code: str
    setting: str
    amount: float | None
    formula: str
    citations: tuple[Citation, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "code": self.code,
            "setting": self.setting,
            "amount": self.amount,
            "formula": self.formula,
            "citations": [{"id": c.id, "title": c.title} for c in self.citations],
        }


@dataclass(frozen=True)
class DiagnosisCheck:
    """How the diagnosis pairs with the primary code."""

    icd: str
    cpt: str
    verdict: str
    text: str
    citations: tuple[Citation, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "icd": self.icd,
            "cpt": self.cpt,
            "verdict": self.verdict,
            "text": self.text,
            "citations": [{"id": c.id, "title": c.title} for c in self.citations],
        }


@dataclass
class Recommendation:
    """Claim lines (or why no code applies) with cited rationale and warnings, and the answers that led there."""

    lines: list[ClaimLine]
    rationale: list[Note]
    warnings: list[Note]
    no_code: list[Note]
    steps: list[Step]
    facts: dict[str, Any]
    diagnosis: DiagnosisCheck | None = None
    fees: list[FeeLine] = field(default_factory=list)

    @property
    def path(self) -> list[tuple[str, str]]:
        """``(question prompt, answer label)`` for every fact used."""
        return [(s.question.prompt, s.answer) for s in self.steps]

    def claim_lines(self) -> list[str]:
        """Lines as a biller keys them: ``64483-RT x1``."""
        return [line.key() for line in self.lines]

    def notes(self) -> list[Note]:
        """Every cited text, in display order."""
        return [*self.no_code, *self.rationale, *self.warnings]

    def citation_ids(self) -> list[str]:
        """Cited source ids in first-cited order (diagnosis and fees last)."""
        ids: list[str] = []
        groups = [n.citations for n in self.notes()]
        groups += [self.diagnosis.citations] if self.diagnosis else []
        groups += [f.citations for f in self.fees]
        for group in groups:
            ids.extend(c.id for c in group if c.id not in ids)
        return ids

    def to_json(self) -> dict[str, Any]:
        """``{"codes", "rationale", "warnings", "path", ...}`` as the CLI contract describes."""
        data: dict[str, Any] = {
            "codes": [line.to_json() for line in self.lines],
            "rationale": [n.to_json() for n in self.rationale],
            "warnings": [n.to_json() for n in self.warnings],
            "path": [
                {"question": s.question.prompt, "answer": s.answer, "fact": s.question.fact, "value": s.value}
                for s in self.steps
            ],
            "no_code": [n.to_json() for n in self.no_code],
            "facts": dict(self.facts),
        }
        if self.diagnosis:
            data["diagnosis"] = self.diagnosis.to_json()
        if self.fees:
            data["fees"] = [f.to_json() for f in self.fees]
        return data


def recommend(
    kb: KnowledgeBase,
    tree: Tree,
    facts: Mapping[str, object],
    *,
    dx: str | None = None,
    setting: str | None = None,
) -> Recommendation:
    """The recommendation for these facts; raise TreeInputError for impossible, invalid or missing facts.

    ``dx`` adds a diagnosis pairing verdict and ``setting`` a fee estimate, when those features are installed.
    """
    state = resolve(tree, facts)
    outcome = evaluate(kb, tree, state.facts)
    rec = Recommendation(
        outcome.lines, outcome.rationale, outcome.warnings, outcome.no_code, state.steps, dict(state.facts)
    )
    if dx:
        from esi_helper.tree.enrich import add_diagnosis

        add_diagnosis(kb, rec, dx)
    if setting:
        from esi_helper.tree.enrich import add_fees

        add_fees(kb, rec, setting)
    return rec
