"""``esi-helper fee CODE``: the Medicare fee schedule amount by setting and locality, with range and formula."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from esi_helper.cli.common import (
    UsageError,
    add_command,
    kb_footer,
    load_or_exit,
    numbered_citations,
    print_json,
)


def register(sub: Any) -> None:
    """Add the ``fee`` command."""
    parser = add_command(
        sub,
        "fee",
        "Medicare fee schedule amount for a code by setting and locality (several codes: a whole claim)",
        run,
    )
    parser.add_argument(
        "codes", nargs="+", metavar="CODE", help="the code, or CODE-MODIFIER; several codes price a claim"
    )
    parser.add_argument(
        "--setting",
        choices=("office", "facility", "non-facility"),
        help="office (= non-facility rate) or facility; default: both in text, office in JSON",
    )
    parser.add_argument("--pos", metavar="NN", help="place of service code; sets the setting (11 office, 24 ASC …)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--locality", metavar="TEXT", help="city, county, locality name, state or MAC-NN id")
    where.add_argument("--zip", metavar="ZIP", help="5-digit ZIP code (CMS's ZIP code to locality file)")
    parser.add_argument("--modifier", metavar="MOD", help="pricing modifier: 50 (bilateral), 26 or TC (components)")
    parser.add_argument("--json", action="store_true", help="JSON output")


def run(args: argparse.Namespace) -> int:
    """Quote one code, or price several as a claim."""
    from esi_helper.fee import FeeError, FeeSchedule
    from esi_helper.kb import KnowledgeError

    kb = load_or_exit(args)
    try:
        schedule = FeeSchedule.load(kb)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("esi-helper: the fee data has problems; run 'esi-helper kb check'.", file=sys.stderr)
        return 1
    try:
        setting, explicit = _setting(schedule, args)
        if len(args.codes) > 1:
            return _claim(kb, schedule, args, setting)
        return _quote(kb, schedule, args, setting, explicit)
    except FeeError as exc:
        raise UsageError(str(exc)) from None


def _setting(schedule: Any, args: argparse.Namespace) -> tuple[str, bool]:
    setting = "office" if args.setting in (None, "non-facility") else args.setting
    if args.pos:
        from_pos = schedule.setting_for_pos(args.pos)
        if args.setting and from_pos != setting:
            raise UsageError(
                f"--pos {args.pos} is paid the {'facility' if from_pos == 'facility' else 'office (non-facility)'} "
                f"rate, which contradicts --setting {args.setting}"
            )
        return from_pos, True
    return setting, args.setting is not None


def _code_and_modifier(text: str, modifier: str | None) -> tuple[str, str | None]:
    code, _, suffix = text.strip().partition("-")
    if suffix and modifier and suffix.upper() != modifier.strip().upper():
        raise UsageError(f"'{text}' and --modifier {modifier} disagree: give the modifier once")
    return code, (suffix or modifier)


def _quote(kb: Any, schedule: Any, args: argparse.Namespace, setting: str, explicit: bool) -> int:
    from esi_helper.fee import quote_text

    code, modifier = _code_and_modifier(args.codes[0], args.modifier)
    where = {"locality": args.locality, "zip_code": args.zip, "pos": args.pos}
    quote = schedule.quote(code, setting, modifier=modifier, **where)
    if args.json:
        return _print_json(kb, quote)
    other = None
    if not explicit:
        other = schedule.quote(code, "facility", modifier=modifier, **where)
    citations = list(quote.citations) + [c for c in (other.citations if other else ()) if c not in quote.citations]
    return _print_text(kb, quote_text(quote, other), citations)


def _claim(kb: Any, schedule: Any, args: argparse.Namespace, setting: str) -> int:
    from esi_helper.fee import claim_text

    if args.modifier:
        raise UsageError("with several codes, write each modifier on its code (CODE-MODIFIER), not --modifier")
    claim = schedule.claim(args.codes, setting, args.locality, zip_code=args.zip)
    if args.json:
        return _print_json(kb, claim)
    return _print_text(kb, claim_text(claim), claim.citations)


def _print_json(kb: Any, result: Any) -> int:
    """Print a quote or claim as JSON with its sources and the KB version."""
    data = result.as_json()
    data["sources"] = [_source(s) for s in kb.cite(result.citations)]
    data["kb_version"] = kb.version
    print_json(data)
    return 0


def _print_text(kb: Any, text: str, citations: list[str] | tuple[str, ...]) -> int:
    """Print a rendered quote or claim, its numbered sources and the KB footer."""
    print(text)
    print()
    print("Sources:")
    for line in numbered_citations(kb, citations):
        print(f"  {line}")
    print(kb_footer(kb))
    return 0


def _source(source: Any) -> dict[str, str]:
    return {
        "id": source.id,
        "title": source.title,
        "publisher": source.publisher,
        "date": source.date,
        "url": source.url,
    }
