"""Load the knowledge folder into typed records, collecting every problem with its file and line."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from esi_helper.kb.located import KnowledgeError, LocatedDoc, Problem
from esi_helper.kb.records import (
    Applicability,
    CodeEntry,
    DiagnosisEntry,
    Entry,
    KnowledgeBase,
    ModifierEntry,
    MythEntry,
    PairingRule,
    Source,
    TopicEntry,
)
from esi_helper.kb.schema import (
    APPLIES_FIELDS,
    APPLIES_VERDICTS,
    FAMILIES,
    PFS_FIELDS,
    TABLES_SPEC,
    TableSpec,
    type_ok,
)

META_FILE = "kb.toml"
#: Files (or folders, ending in "/") read by a feature module rather than as entry tables.
FEATURE_FILES = ("kb.toml", "lexicon.toml", "tree.toml", "settings.toml", "fees/")
#: Feature validators run by ``kb check``: "module:function", each taking the KnowledgeBase.
FEATURE_VALIDATORS = (
    "esi_helper.answer.lexicon:validate_kb",
    "esi_helper.tree.validate:validate_kb",
    "esi_helper.fee.data:validate_kb",
)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ICD_PATTERN = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?\*?$|^[A-Z][0-9]{0,2}\*$")


def load_kb(root: Path | str, *, features: bool = False) -> KnowledgeBase:
    """Load and validate the knowledge folder; raise KnowledgeError listing every problem.

    With ``features`` the feature files (tree, lexicon, fees) are validated too, as ``kb check`` does.
    """
    kb, problems = _load(Path(root))
    if kb is not None and features and not problems:
        problems.extend(_feature_problems(kb))
    if problems:
        raise KnowledgeError(problems)
    assert kb is not None
    return kb


def check_kb(root: Path | str) -> list[Problem]:
    """Every problem in the knowledge folder, entry tables and feature files alike (empty when valid)."""
    try:
        load_kb(root, features=True)
    except KnowledgeError as exc:
        return exc.problems
    return []


def _feature_problems(kb: KnowledgeBase) -> list[Problem]:
    problems: list[Problem] = []
    for spec in FEATURE_VALIDATORS:
        module_name, func_name = spec.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        validate: Callable[[KnowledgeBase], list[Problem]] = getattr(module, func_name)
        try:
            problems.extend(validate(kb))
        except KnowledgeError as exc:
            problems.extend(exc.problems)
    return problems


def _is_feature(rel: str) -> bool:
    return any(rel == f or (f.endswith("/") and rel.startswith(f)) for f in FEATURE_FILES)


def _load(root: Path) -> tuple[KnowledgeBase | None, list[Problem]]:
    problems: list[Problem] = []
    if not root.is_dir():
        return None, [Problem(str(root), None, "knowledge folder not found")]
    docs: list[LocatedDoc] = []
    meta: LocatedDoc | None = None
    for path in sorted(root.rglob("*.toml")):
        rel = path.relative_to(root).as_posix()
        if _is_feature(rel) and rel != META_FILE:
            continue
        try:
            doc = LocatedDoc.read(path, root)
        except KnowledgeError as exc:
            problems.extend(exc.problems)
            continue
        if rel == META_FILE:
            meta = doc
        else:
            docs.append(doc)
    version, title, as_of = "", "", {}
    if meta is None:
        if not (root / META_FILE).exists():
            problems.append(Problem(META_FILE, None, "missing: the knowledge base needs kb.toml with a version"))
    else:
        version, title, as_of = _read_meta(meta, problems)

    items: dict[str, list[tuple[LocatedDoc, int, dict[str, Any]]]] = {t: [] for t in TABLES_SPEC}
    invalid: set[str] = set()
    for doc in docs:
        for key, value in doc.data.items():
            spec = TABLES_SPEC.get(key)
            if spec is None or not isinstance(value, list):
                problems.append(
                    doc.problem(
                        f"unknown table [{key}]: expected one of " + ", ".join(f"[[{t}]]" for t in TABLES_SPEC),
                        doc.table_line(key, 0) or doc.table_line(key) or doc.key_line(None, key),
                    )
                )
                continue
            for index, item in enumerate(value):
                if _check_fields(doc, key, index, item, spec, problems):
                    items[key].append((doc, index, item))
                elif isinstance(item, dict):
                    # Known but invalid: its id and code still count, so references to it add no noise.
                    invalid.update(str(item.get(k, "")).upper() for k in ("id", "code"))
                    invalid.add(str(item.get("id", "")))

    sources: dict[str, Source] = {}
    for doc, index, item in items["source"]:
        if item["id"] in sources:
            problems.append(doc.problem(f"duplicate source id '{item['id']}'", doc.key_line("source", "id", index)))
            continue
        sources[item["id"]] = Source(**{k: item.get(k, "") for k in Source.__dataclass_fields__})
    if not sources and not any(p.file == "sources.toml" for p in problems):
        problems.append(Problem("sources.toml", None, "no sources: every entry must cite one"))

    entries: dict[str, Entry] = {}
    pairings: list[PairingRule] = []
    seen: dict[str, str] = {}
    for table, spec in TABLES_SPEC.items():
        if table == "source":
            continue
        for doc, index, item in items[table]:
            line = doc.table_line(table, index)
            ident = item["id"]
            if ident in seen:
                problems.append(doc.problem(f"duplicate id '{ident}' (first defined in {seen[ident]})", line))
                continue
            seen[ident] = f"{doc.relpath}:{line}"
            for cited in item["citations"]:
                if cited not in sources:
                    problems.append(
                        doc.problem(
                            f"'{ident}' cites unknown source '{cited}'",
                            doc.key_line(table, "citations", index),
                        )
                    )
            if not item["citations"]:
                problems.append(doc.problem(f"'{ident}' cites no source", doc.key_line(table, "citations", index)))
            record = _build(table, spec, doc, index, item, problems)
            if isinstance(record, PairingRule):
                pairings.append(record)
            elif record is not None:
                entries[ident] = record

    kb = KnowledgeBase(
        root=root,
        version=version,
        title=title,
        as_of=as_of,
        sources=sources,
        entries=entries,
        pairings=pairings,
    )
    _index(kb, items, problems)
    _check_references(kb, items, invalid, problems)
    return kb, problems


def _read_meta(meta: LocatedDoc, problems: list[Problem]) -> tuple[str, str, dict[str, str]]:
    data = meta.data
    version = data.get("version")
    if not isinstance(version, str) or not version:
        problems.append(meta.problem("'version' is required (text)", meta.key_line(None, "version") or 1))
        version = ""
    title = data.get("title", "")
    as_of = data.get("as_of", {})
    if not isinstance(as_of, dict) or not all(isinstance(v, str) for v in as_of.values()):
        problems.append(meta.problem("[as_of] must be a table of text values", meta.table_line("as_of")))
        as_of = {}
    for key in data:
        if key not in ("version", "title", "as_of"):
            problems.append(meta.problem(f"unknown field '{key}' in kb.toml", meta.key_line(None, key)))
    return version, str(title), dict(as_of)


def _check_fields(doc: LocatedDoc, table: str, index: int, item: Any, spec: TableSpec, problems: list[Problem]) -> bool:
    line = doc.table_line(table, index)
    if not isinstance(item, dict):
        problems.append(doc.problem(f"[[{table}]] item {index + 1} is not a table", line))
        return False
    label = f"'{item['id']}'" if isinstance(item.get("id"), str) else f"[[{table}]] item {index + 1}"
    ok = True
    for name in spec.required:
        if name not in item:
            problems.append(doc.problem(f"{label}: missing required field '{name}'", line))
            ok = False
    allowed = {**spec.required, **spec.optional}
    for name, value in item.items():

        def where(name: str = name) -> int | None:
            return doc.key_line(table, name, index)

        if name not in allowed:
            near = ", ".join(sorted(allowed))
            problems.append(doc.problem(f"{label}: unknown field '{name}' (allowed: {near})", where()))
            ok = False
            continue
        if not type_ok(value, allowed[name]):
            problems.append(doc.problem(f"{label}: field '{name}' must be {allowed[name]}", where()))
            ok = False
            continue
        choices = spec.choices.get(name)
        if choices:
            values = value if isinstance(value, list) else list(value) if isinstance(value, dict) else [value]
            for v in values:
                if v not in choices:
                    problems.append(
                        doc.problem(f"{label}: '{v}' is not a valid {name} (one of: {', '.join(choices)})", where())
                    )
                    ok = False
        if isinstance(value, str) and not value.strip() and name in spec.required:
            problems.append(doc.problem(f"{label}: field '{name}' is empty", where()))
            ok = False
    ident = item.get("id")
    if isinstance(ident, str) and not _ID.match(ident):
        problems.append(
            doc.problem(
                f"id '{ident}' must be lower-case letters, digits and hyphens", doc.key_line(table, "id", index)
            )
        )
        ok = False
    return ok


def _tuple(item: dict[str, Any], name: str) -> tuple[str, ...]:
    return tuple(item.get(name, ()))


def _build(
    table: str, spec: TableSpec, doc: LocatedDoc, index: int, item: dict[str, Any], problems: list[Problem]
) -> Entry | PairingRule | None:
    line = doc.table_line(table, index)
    if table == "pairing":
        for pattern in item["codes"]:
            if not _ICD_PATTERN.match(pattern):
                problems.append(
                    doc.problem(
                        f"'{item['id']}': '{pattern}' is not an ICD-10-CM code or prefix (like M54.12 or M54.1*)",
                        doc.key_line(table, "codes", index),
                    )
                )
        return PairingRule(
            id=item["id"],
            codes=_tuple(item, "codes"),
            region=_tuple(item, "region"),
            supports=item["supports"],
            reason=item["reason"],
            citations=_tuple(item, "citations"),
            families=_tuple(item, "families"),
            file=doc.relpath,
            line=line,
        )
    common: dict[str, Any] = {
        "id": item["id"],
        "kind": spec.kind,
        "title": item["title"],
        "text": item["text"].strip(),
        "citations": _tuple(item, "citations"),
        "questions": _tuple(item, "questions"),
        "keywords": _tuple(item, "keywords"),
        "related": _tuple(item, "related"),
        "file": doc.relpath,
        "line": line,
    }
    if table == "code":
        pfs = item.get("pfs", {})
        for key, value in pfs.items():
            if key not in PFS_FIELDS or not isinstance(value, str):
                problems.append(
                    doc.problem(
                        f"'{item['id']}': pfs.{key} is not one of {', '.join(PFS_FIELDS)} (as text)",
                        doc.key_line(table, "pfs", index),
                    )
                )
        return CodeEntry(
            **common,
            code=item["code"].upper(),
            family=item["family"],
            region=_tuple(item, "region"),
            approach=item.get("approach", ""),
            imaging=item.get("imaging", ""),
            addon=item.get("addon", False),
            parent=tuple(c.upper() for c in item.get("parent", ())),
            status=item.get("status", "active"),
            pfs=dict(pfs),
            bundled=tuple(c.upper() for c in item.get("bundled", ())),
            notes={k: str(v).strip() for k, v in item.get("notes", {}).items()},
        )
    if table == "modifier":
        applies = []
        for a in item.get("applies", []):
            bad = [k for k in a if k not in APPLIES_FIELDS]
            where = doc.key_line(table, "applies", index) or line
            if bad or "family" not in a or "verdict" not in a:
                problems.append(
                    doc.problem(f"'{item['id']}': each applies needs family, verdict and optional note", where)
                )
                continue
            if a["family"] not in FAMILIES or a["verdict"] not in APPLIES_VERDICTS:
                problems.append(
                    doc.problem(
                        f"'{item['id']}': applies family '{a['family']}' / verdict '{a['verdict']}' not valid "
                        f"(verdicts: {', '.join(APPLIES_VERDICTS)})",
                        where,
                    )
                )
                continue
            applies.append(Applicability(a["family"], a["verdict"], str(a.get("note", "")).strip()))
        return ModifierEntry(**common, modifier=item["modifier"].upper(), applies=tuple(applies))
    if table == "diagnosis":
        return DiagnosisEntry(
            **common,
            code=item["code"].upper(),
            billable=item.get("billable"),
            replaced_by=tuple(c.upper() for c in item.get("replaced_by", ())),
            changed=item.get("changed", ""),
        )
    if table in ("rule", "faq"):
        return TopicEntry(**common, topic=item["topic"], payer=item.get("payer", "all"))
    if table == "myth":
        return MythEntry(**common, claim=item["claim"], verdict=item["verdict"])
    return None


def _index(kb: KnowledgeBase, items: dict[str, list[Any]], problems: list[Problem]) -> None:
    for entry in kb.entries.values():
        if isinstance(entry, CodeEntry):
            target: dict[str, Any] = kb.codes
            key = entry.code
        elif isinstance(entry, ModifierEntry):
            target, key = kb.modifiers, entry.modifier
        elif isinstance(entry, DiagnosisEntry):
            target, key = kb.diagnoses, entry.code
        else:
            continue
        if key in target:
            problems.append(
                Problem(entry.file, entry.line, f"'{key}' is described twice ({target[key].id} and {entry.id})")
            )
            continue
        target[key] = entry


def _check_references(
    kb: KnowledgeBase, items: dict[str, list[Any]], invalid: set[str], problems: list[Problem]
) -> None:
    tables = {"code", "modifier", "diagnosis", "rule", "faq", "myth"}
    for table in tables:
        for doc, index, item in items[table]:
            if item["id"] not in kb.entries:
                continue
            for ref in item.get("related", []):
                if ref not in kb.entries and ref not in invalid:
                    problems.append(
                        doc.problem(
                            f"'{item['id']}' is related to unknown entry '{ref}'",
                            doc.key_line(table, "related", index),
                        )
                    )
            if table == "code":
                for parent in item.get("parent", []):
                    if parent.upper() not in kb.codes and parent.upper() not in invalid:
                        problems.append(
                            doc.problem(
                                f"'{item['id']}': add-on parent code '{parent}' has no [[code]] entry",
                                doc.key_line(table, "parent", index),
                            )
                        )
