"""The answer engine's intents: codes, topics, modifiers, ICD-10, pairings, fees, near misses, follow-ups."""

from __future__ import annotations

import json
import sys

import pytest

from esi_helper.answer import Answer, Conversation, Engine, Result
from esi_helper.kb import KnowledgeBase


@pytest.fixture(scope="module")
def engine(kb: KnowledgeBase) -> Engine:
    return Engine(kb)


def first(engine: Engine, question: str, conversation: Conversation | None = None) -> Answer:
    result = engine.ask(question, conversation)
    assert result.answers, question
    return result.answers[0]


def test_result_json_follows_the_cli_contract(engine: Engine) -> None:
    data = engine.ask("units for 62323", top=2).to_json()
    assert set(data) == {"query", "confident", "answers", "suggestions"}
    assert data["query"] == "units for 62323" and data["confident"] is True
    assert 1 <= len(data["answers"]) <= 2
    answer = data["answers"][0]
    assert set(answer) == {"id", "kind", "title", "text", "score", "citations"}
    assert answer["citations"] and all(set(c) == {"id", "title"} for c in answer["citations"])
    scores = [a["score"] for a in data["answers"]]
    assert scores == sorted(scores, reverse=True)
    json.dumps(data)


def test_a_code_alone_gives_its_card(engine: Engine, kb: KnowledgeBase) -> None:
    for code, entry in list(kb.codes.items())[:8]:
        answer = first(engine, code)
        assert answer.id == entry.id and answer.kind == "code"


def test_a_code_with_a_topic_gives_that_topic(engine: Engine, kb: KnowledgeBase) -> None:
    code = next(c for c in kb.codes.values() if "units" in c.notes and "modifiers" in c.notes)
    units = first(engine, f"how many units for {code.code}")
    assert units.id == code.id and units.text == code.notes["units"]
    modifiers = first(engine, f"{code.code} modifier")
    assert modifiers.text == code.notes["modifiers"]


def test_a_modifier_with_a_code_says_how_it_applies_to_that_family(engine: Engine, kb: KnowledgeBase) -> None:
    modifier = next(m for m in kb.modifiers.values() if m.applies)
    rule = modifier.applies[0]
    code = next(c for c in kb.codes.values() if c.family == rule.family)
    answer = first(engine, f"modifier {modifier.modifier} on {code.code}")
    assert answer.id == modifier.id
    assert rule.note in answer.text and code.code in answer.title


@pytest.mark.parametrize("typed", ["mod 59", "modifier 59", "-59", "59 modifier"])
def test_modifier_spellings(engine: Engine, kb: KnowledgeBase, typed: str) -> None:
    if "59" not in kb.modifiers:
        pytest.skip("no modifier 59 in this knowledge base")
    assert first(engine, typed).id == kb.modifiers["59"].id


def test_transposed_digits_ask_did_you_mean(engine: Engine, kb: KnowledgeBase) -> None:
    code = next(c for c in kb.codes if c.isdigit() and c[-1] != c[-2])
    typo = code[:-2] + code[-1] + code[-2]
    if typo in kb.codes:
        pytest.skip("the transposition is itself a code")
    result = engine.ask(typo)
    assert not result.confident
    assert result.answers[0].id == kb.codes[code].id
    assert result.suggestions[0].startswith(f"Did you mean {code}?")


def test_pairing_verdict_has_a_deterministic_id(engine: Engine, kb: KnowledgeBase) -> None:
    rule = next(r for r in kb.pairings if r.supports and not r.codes[0].endswith("*"))
    code = next(c for c in kb.codes.values() if set(c.region) & set(rule.region) and c.family == "transforaminal")
    answer = first(engine, f"does {rule.codes[0]} support {code.code}?")
    assert answer.kind == "pairing"
    assert answer.id == f"pairing:{code.code}:{rule.codes[0]}"
    assert answer.citations


def test_curated_diagnosis_comes_first_for_its_code(engine: Engine, kb: KnowledgeBase) -> None:
    note = next(iter(kb.diagnoses.values()))
    answer = first(engine, f"is {note.code} valid?")
    assert answer.id == note.id and note.text in answer.text


def test_icd_answers_without_the_icd_module(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "esi_helper.icd", None)
    engine = Engine(kb)
    note = next(iter(kb.diagnoses.values()))
    assert first(engine, note.code).id == note.id
    code = next(c for c in kb.codes.values() if c.family == "transforaminal")
    pairing = first(engine, f"{note.code} with {code.code}")
    assert pairing.kind == "pairing"


def test_payment_question_gives_a_fee_answer(engine: Engine, kb: KnowledgeBase) -> None:
    code = next(c for c in kb.codes.values() if "payment" in c.notes)
    assert first(engine, f"what does medicare pay for {code.code} in the office").id == f"fee:{code.code}:office"
    assert first(engine, f"{code.code} facility rate").id == f"fee:{code.code}:facility"
    both = first(engine, f"{code.code} reimbursement")
    assert both.id == f"fee:{code.code}" and both.citations


def test_fee_falls_back_to_the_code_note_without_the_fee_module(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "esi_helper.fee", None)
    engine = Engine(kb)
    code = next(c for c in kb.codes.values() if "payment" in c.notes)
    answer = first(engine, f"how much does {code.code} pay")
    assert answer.id == f"fee:{code.code}" and answer.text == code.notes["payment"]


@pytest.mark.parametrize("question", ["knee replacement code", "weather", "asdf", "", "   ", "???"])
def test_out_of_scope_is_not_confident_and_offers_suggestions(engine: Engine, question: str) -> None:
    result = engine.ask(question)
    assert not result.confident
    assert len(result.suggestions) <= 3
    if question.strip("? "):
        assert result.suggestions


def test_follow_ups_resolve_against_the_previous_turn(engine: Engine, kb: KnowledgeBase) -> None:
    cervical = next(
        c
        for c in kb.codes.values()
        if c.family == "interlaminar" and "cervical" in c.region and c.imaging == "fluoroscopy-or-ct"
    )
    lumbar = next(
        c
        for c in kb.codes.values()
        if c.family == "interlaminar" and "lumbar" in c.region and c.imaging == "fluoroscopy-or-ct"
    )
    conversation = Conversation()
    assert first(engine, cervical.code, conversation).id == cervical.id
    modifier = first(engine, "and the modifier?", conversation)
    assert modifier.id == cervical.id and modifier.text == cervical.notes["modifiers"]
    assert first(engine, "what about lumbar?", conversation).id == lumbar.id
    assert first(engine, "how much does it pay?", conversation).id == f"fee:{lumbar.code}"


def test_without_a_conversation_each_question_stands_alone(engine: Engine) -> None:
    engine.ask("62321")
    assert not engine.ask("and the modifier?").confident


def test_conversation_round_trips_through_plain_data(engine: Engine) -> None:
    conversation = Conversation()
    engine.ask("64483", conversation)
    copy = Conversation.from_dict(json.loads(json.dumps(conversation.to_dict())))
    assert first(engine, "and the units?", copy).id == first(engine, "and the units?", conversation).id
    assert Conversation.from_dict({"last": {"bogus": 1}}).last is not None
    assert Conversation.from_dict({"last": {"tokens": 3}}).last is None
    assert Conversation.from_dict("nonsense").last is None


def test_complete_offers_codes_and_questions(engine: Engine, kb: KnowledgeBase) -> None:
    code = next(iter(kb.codes))
    assert code in engine.complete(code[:3])
    assert all(c.startswith("units for ") for c in engine.complete(f"units for {code[:4]}"))
    assert engine.complete("") == []
    question = next(q for e in kb.entries.values() for q in e.questions if len(q) > 12 and " " in q)
    assert question in engine.complete(question[:12], limit=200)


def test_result_is_a_plain_dataclass(engine: Engine) -> None:
    result = engine.ask("62321")
    assert isinstance(result, Result) and isinstance(result.best, Answer)
    assert result.kb_version


def test_bundling_direction_comes_from_the_codes_data(kb: KnowledgeBase) -> None:
    from esi_helper.answer import dynamic

    procedure = next(
        c for c in kb.codes.values() if c.imaging == "fluoroscopy-or-ct" and any(b in kb.codes for b in c.bundled)
    )
    imaging = next(kb.codes[b] for b in procedure.bundled if kb.codes[b].imaging == "is-imaging")
    for first_code, second_code in ((imaging, procedure), (procedure, imaging)):
        answer = dynamic.bundling(first_code, second_code, 1.0)
        assert answer is not None and answer.id == f"bundling:{procedure.code}:{imaging.code}"
        assert answer.text.startswith(f"**Do not report {imaging.code} with {procedure.code}")
        assert f"included in {procedure.code}" in answer.text


def test_a_repeated_claim_gets_the_myth_entry(engine: Engine, kb: KnowledgeBase) -> None:
    myth = kb.entries["myth-77003-with-64483"]
    assert first(engine, "medpay site says always bill 77003 separately with 64483").id == myth.id


def test_whether_medicare_pays_is_coverage_not_an_amount(engine: Engine) -> None:
    answer = first(engine, "will medicare pay an ESI done w/o fluoro 62322")
    assert answer.kind != "fee"
    assert first(engine, "how much does medicare pay for 62322").kind == "fee"


def test_fee_text_is_rendered_not_a_python_repr(engine: Engine, kb: KnowledgeBase) -> None:
    code = next(c for c in kb.codes.values() if "payment" in c.notes)
    for question in (f"how much does {code.code} pay", f"{code.code} rate in dallas", f"{code.code} fee in texas"):
        answer = first(engine, question)
        assert answer.kind == "fee"
        assert not any(marker in answer.text for marker in ("FeeRange(", "Decimal(", "Locality(", "Quote("))


def test_a_place_alias_quotes_each_locality_it_covers(engine: Engine) -> None:
    answer = first(engine, "allowable for 64484 in nyc")
    assert answer.id == "fee:64484"
    assert "MANHATTAN" in answer.text and "QUEENS" in answer.text and "INDIANA" not in answer.title


def test_follow_ups_change_the_code_attributes_from_the_data(engine: Engine, kb: KnowledgeBase) -> None:
    primary = next(c for c in kb.codes.values() if c.family == "transforaminal" and not c.addon)
    addon = next(c for c in kb.codes.values() if primary.code in c.parent)
    conversation = Conversation()
    first(engine, f"what's {primary.code}", conversation)
    assert first(engine, "and the add-on?", conversation).id == addon.id
    conversation = Conversation()
    first(engine, "cpt for cervical transforaminal esi", conversation)
    assert first(engine, "second level?", conversation).id == kb.codes["64480"].id
    conversation = Conversation()
    assert first(engine, "cervical ILESI with fluoro code?", conversation).id == kb.codes["62321"].id
    assert first(engine, "and without fluoro?", conversation).id == kb.codes["62320"].id


def test_a_family_note_answers_for_the_codes_it_lists(engine: Engine, kb: KnowledgeBase) -> None:
    header = next(
        d for d in kb.diagnoses.values() if d.replaced_by and not any(c in kb.diagnoses for c in d.replaced_by)
    )
    child = header.replaced_by[0]
    answer = first(engine, f"is {child} billable?")
    assert answer.id == header.id and header.text in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "is T12-L1 thoracic or lumbar for tfesi",
        "SI joint injection code",
        "99214 mdm requirements",
        "modifier 59 on a colonoscopy",
        "ct guidance code 77012 for a knee biopsy",
    ],
)
def test_questions_the_knowledge_base_does_not_answer_are_not_confident(engine: Engine, question: str) -> None:
    result = engine.ask(question)
    assert not result.confident and result.suggestions


def test_every_place_alias_names_real_localities(engine: Engine) -> None:
    schedule = engine.fees.schedule()
    if schedule is None:
        pytest.skip("no fee data")
    assert engine.lexicon.places
    for alias, names in engine.lexicon.places.items():
        for name in names:
            assert schedule.find_localities(name), (alias, name)


def test_a_follow_up_naming_only_a_payer_keeps_the_topic_for_that_payer(engine: Engine, kb: KnowledgeBase) -> None:
    conversation = Conversation()
    engine.ask("how many esi sessions medicare allows per region", conversation)
    answer = kb.entries[first(engine, "what about evicore", conversation).id]
    assert getattr(answer, "payer", None) == "commercial" and getattr(answer, "topic", None) == "frequency"


def test_a_follow_up_adding_a_word_to_a_code_does_not_repeat_its_card(engine: Engine) -> None:
    conversation = Conversation()
    card = first(engine, "tfesi L5-S1 code", conversation)
    assert card.id.startswith("cpt-")
    assert first(engine, "what about bilateral", conversation).id in {
        "faq-bilateral-tfesi",
        "rule-bilateral-payment",
        "mod-50",
    }
    conversation = Conversation()
    first(engine, "tfesi L5-S1 code", conversation)
    assert first(engine, "and the modifier?", conversation).id == card.id
