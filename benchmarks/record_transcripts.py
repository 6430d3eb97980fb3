"""Record the onboarding walkthroughs in ``transcripts/`` by asking the real answer engine the scripted questions.

The questions and the short notes between them are written here; every answer comes from the engine and the
knowledge base in use. Re-run after a knowledge-base change that ``esi-helper replay transcripts/*.toml`` reports:

    .venv/bin/python benchmarks/record_transcripts.py            # record all
    .venv/bin/python benchmarks/record_transcripts.py modifiers  # record one
    .venv/bin/python benchmarks/record_transcripts.py --print    # show the answers' titles, write nothing
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from esi_helper.answer import Conversation, Engine
from esi_helper.kb import load_kb
from esi_helper.paths import knowledge_dir
from esi_helper.transcripts import WALKTHROUGH, Transcript, dumps, now_iso, turn_from_result

OUT = Path(__file__).resolve().parent.parent / "transcripts"


@dataclass(frozen=True)
class Walkthrough:
    """A scripted walkthrough: (note, question) steps asked in order, follow-ups included."""

    name: str
    title: str
    description: str
    steps: tuple[tuple[str, str], ...]


WALKTHROUGHS = (
    Walkthrough(
        "new-biller-basics",
        "New biller basics",
        "What the ESI codes include, what not to add, and how often Medicare pays.",
        (
            (
                "Ask in plain words. Each answer starts with the key fact, then numbers its sources: "
                "press Ctrl+O in the chat to open one.",
                "what is 62321",
            ),
            ("Image guidance is a frequent question: is it a separate line?", "is imaging included in the ESI codes"),
            ("The classic mistake of adding a fluoroscopy line to an ESI:", "can I bill 77003 with 62321"),
            ("The global period decides what else can be billed the same day.", "what does global 000 mean"),
            ("How often can a patient have an ESI?", "how many ESIs per year does Medicare allow"),
            ("Before scheduling: is prior authorization needed?", "do I need prior authorization"),
        ),
    ),
    Walkthrough(
        "cervical-vs-lumbar",
        "Cervical vs lumbar",
        "The region picks the code family; a follow-up question keeps the context of the previous one.",
        (
            (
                "Start with a cervical interlaminar injection done under fluoroscopy.",
                "cervical interlaminar ESI with fluoroscopy code",
            ),
            ("A follow-up keeps the context: no need to repeat 'interlaminar with fluoroscopy'.", "and for lumbar?"),
            ("Thoracic injections share a code family with one of the two regions:", "is thoracic coded with cervical"),
            ("Caudal injections are a frequent source of confusion.", "caudal epidural code"),
            ("Transforaminal injections have their own codes, per level:", "what is 64479"),
            ("And its lumbar counterpart:", "what is 64483"),
        ),
    ),
    Walkthrough(
        "transforaminal-levels",
        "Transforaminal levels and bilateral",
        "Units per level, the add-on codes, the per-session limit and both sides.",
        (
            (
                "Transforaminal codes count levels: the first level and each additional one.",
                "how many units for transforaminal two levels",
            ),
            ("Payers limit how many levels one session may include.", "how many levels per session Medicare"),
            ("Both sides at one level:", "bilateral L4-5 transforaminal how to code"),
            (
                "The add-on codes and modifier 50 are a known point of disagreement between sources.",
                "can I put modifier 50 on 64484",
            ),
            ("Ultrasound-guided transforaminal injections use different codes:", "transforaminal under ultrasound"),
        ),
    ),
    Walkthrough(
        "modifiers",
        "Modifiers",
        "Bilateral, side, distinct-service and professional-component modifiers on ESI claims.",
        (
            ("Modifier 50 first: when is it valid?", "when do I use modifier 50"),
            ("Side modifiers on a one-sided injection:", "RT and LT on transforaminal"),
            ("Does 50 work on a midline interlaminar code?", "can I use 50 on 62323"),
            ("Distinct procedural services: 59 and its X subsets.", "what is modifier 59 for an ESI"),
            ("One of the X modifiers in detail:", "XS modifier"),
            ("The professional component of imaging codes:", "modifier 26 on 77003"),
            ("Some billing articles ask for KX:", "KX modifier"),
        ),
    ),
    Walkthrough(
        "icd10-pairing",
        "ICD-10 pairing",
        "Which diagnoses support which ESI codes, retired headers, and disc codes versus radiculopathy codes.",
        (
            ("Name a procedure code and a diagnosis to get a pairing verdict.", "62323 with M54.16"),
            ("The cervical equivalent:", "62321 with M54.12"),
            ("A code that used to be billable:", "64483 with M54.5"),
            ("Why that one is rejected:", "is M54.5 billable"),
            ("Disc disorder with radiculopathy, or radiculopathy alone?", "M51.16 vs M54.16"),
            ("Stenosis with neurogenic claudication:", "62323 with M48.062"),
            ("In the chat, /icd looks up any code or words, like this:", "ICD-10 M48.062"),
        ),
    ),
    Walkthrough(
        "reimbursement",
        "Reimbursement",
        "Medicare fee amounts, the facility setting, multiple-procedure and bilateral payment, and sedation.",
        (
            (
                "Fees come from the CMS fee schedule data in the knowledge base (/fee in the chat).",
                "how much does Medicare pay for 64483",
            ),
            ("The setting changes the amount:", "fee 62323 facility"),
            ("Several procedures the same day are ranked and reduced:", "what is the multiple procedure reduction"),
            ("Both sides are paid differently from one side:", "how is bilateral paid"),
            ("Sedation billed with an ESI:", "sedation with ESI"),
        ),
    ),
)


def record(walk: Walkthrough, engine: Engine, kb_version: str, order: int) -> Transcript:
    """Ask the walkthrough's questions in order (one conversation) and build its transcript."""
    conversation = Conversation()
    turns = []
    for note, question in walk.steps:
        turn = turn_from_result(question, engine.ask(question, conversation, top=3))
        turn.note = note
        turns.append(turn)
    return Transcript(
        turns=turns,
        kb_version=kb_version,
        saved_at=now_iso(),
        kind=WALKTHROUGH,
        name=walk.name,
        title=walk.title,
        description=walk.description,
        order=order,
    )


def main(argv: list[str] | None = None) -> int:
    """Record the walkthroughs named (all by default) into transcripts/."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="walkthroughs to record (default: all)")
    parser.add_argument("--print", action="store_true", help="print the answers' titles instead of writing")
    parser.add_argument("--knowledge", metavar="DIR", help="knowledge folder (default: the shipped one)")
    args = parser.parse_args(argv)
    kb = load_kb(knowledge_dir(args.knowledge))
    engine = Engine(kb)
    known = {w.name for w in WALKTHROUGHS}
    unknown = set(args.names) - known
    if unknown:
        print(
            f"unknown walkthrough(s): {', '.join(sorted(unknown))}; choose from {', '.join(sorted(known))}",
            file=sys.stderr,
        )
        return 2
    for order, walk in enumerate(WALKTHROUGHS, 1):
        if args.names and walk.name not in args.names:
            continue
        transcript = record(walk, engine, kb.version, order)
        if args.print:
            print(f"== {walk.name}")
            for turn in transcript.turns:
                best = turn.answers[0].title if turn.answers else "(no answer)"
                flag = "" if turn.confident else "  [NOT SURE]"
                print(f"  {turn.question}\n    -> {best}{flag}")
            continue
        OUT.mkdir(exist_ok=True)
        path = OUT / f"{walk.name}.toml"
        path.write_text(dumps(transcript), encoding="utf-8")
        print(f"wrote {path.relative_to(OUT.parent)} ({len(transcript.turns)} turns)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
