"""The answer engine: structured intents first (codes, modifiers, ICD-10, pairings, fees), then fuzzy retrieval."""

from __future__ import annotations

from dataclasses import replace

from esi_helper.answer import cache as answer_cache
from esi_helper.answer import icd_answers
from esi_helper.answer.codes import CodeFinder
from esi_helper.answer.completion import Completer
from esi_helper.answer.context import Conversation, is_followup, merge
from esi_helper.answer.fee_answers import FeeRouter
from esi_helper.answer.lexicon import LEXICON_FILE, Lexicon, build_lexicon, lexicon_document, stem
from esi_helper.answer.ranking import Ranker
from esi_helper.answer.result import Answer, Result
from esi_helper.answer.retrieval import Index
from esi_helper.answer.scores import FLOOR, THRESHOLD
from esi_helper.answer.text import CPT_RE, HCPCS_RE, Normaliser, clean
from esi_helper.kb.records import KnowledgeBase, TopicEntry

__all__ = ["FLOOR", "THRESHOLD", "Engine"]


class Engine(Ranker, Completer):
    """Answers billers' questions from one knowledge base; indexes are built once, here."""

    def __init__(self, kb: KnowledgeBase, *, threshold: float = THRESHOLD, cache: bool = True):
        self.kb = kb
        self.threshold = threshold
        self._modifier_tokens = {m.lower() for m in kb.modifiers}
        self._code_set = set(kb.codes)
        self._modifier_set = set(kb.modifiers)
        lexicon_path = kb.root / LEXICON_FILE if kb.root is not None else None
        try:
            lexicon_bytes = lexicon_path.read_bytes() if lexicon_path is not None else b""
        except OSError:
            lexicon_bytes = b""
        key = answer_cache.fingerprint(kb, lexicon_bytes) if cache else ""
        cached = answer_cache.load(kb, key) if cache else None
        if cached is not None:
            try:
                self.lexicon: Lexicon = build_lexicon(cached["lexicon"])
                self.normaliser = Normaliser(self.lexicon, set(cached["vocabulary"]))
                self.index = Index.from_data(cached["index"], kb.entries, self._lexicon_weight)
            except (KeyError, TypeError, ValueError):
                cached = None
        if cached is None:
            lexicon_data = lexicon_document(kb)
            self.lexicon = build_lexicon(lexicon_data)
            self.normaliser = Normaliser(self.lexicon)
            seen_raw: set[str] = set()

            def normalise_entry(text: str) -> list[str]:
                result = self.normaliser.normalise(clean(text, None), max_tokens=None)
                seen_raw.update(result.raw)
                return result.tokens

            self.index = Index.build(kb.entries.values(), normalise_entry, self._lexicon_weight)
            vocabulary = {w for w in seen_raw if w.isalpha()}
            self.normaliser.extend_vocabulary(vocabulary)
            if cache:
                data = {"lexicon": lexicon_data, "vocabulary": sorted(vocabulary), "index": self.index.to_data()}
                answer_cache.save(kb, key, data)
        self._region_tokens = set(self.lexicon.regions)
        # the region names only qualify a question: a general entry holds for every region ("caudal", which the
        # lexicon also reads as a region, names an approach and is not a mere qualifier)
        self.index.set_qualifiers(frozenset(t for t, region in self.lexicon.regions.items() if t == stem(region)))
        self._topic_tokens = {t for words in self.lexicon.topics.values() for t in words}
        self._explained = self._region_tokens | self._topic_tokens | set(self.lexicon.settings) | self.lexicon.intent
        self.fees = FeeRouter(kb, self.lexicon.places)
        self._known_words = self._single_words()
        self.finder = CodeFinder(kb, self.lexicon, self.index)
        self._code_words = self.finder.words
        self._alternative_words = frozenset(stem(w) for w in self.lexicon.alternatives)
        self._icd_categories = icd_answers.icd_categories(kb)
        self._titles = {s.id: s.title for s in kb.sources.values()}
        self._completions: list[tuple[str, str]] | None = None
        self._questions: list[str] = []
        self._icd_searches: dict[str, Answer | None] = {}
        self._code_of = {entry.id: code for code, entry in kb.codes.items()}
        self._regions_of: dict[str, frozenset[str]] = {}

    # -- public API --------------------------------------------------------------------------------

    def ask(self, question: str, conversation: Conversation | None = None, top: int = 3) -> Result:
        """Answer one question; with a ``conversation`` a follow-up is read against the previous turn."""
        if not isinstance(question, str):
            question = str(question)
        top = max(1, top)
        frame = self.parse(question)
        previous = conversation.last if conversation is not None else None
        fragment = self._describes_code(frame)
        procedure = bool(set(frame.tokens) & self.finder.approach_words)
        starts, pronouns = self.lexicon.followup_starts, self.lexicon.pronouns
        if is_followup(frame, previous, starts, pronouns, fragment, procedure):
            assert previous is not None
            frame = merge(frame, previous, self.follow_codes)
            frame.previous_answer = conversation.last_answer_id if conversation is not None else None
            if frame.cpt != previous.cpt:
                # the words that changed the code ("and under ultrasound?") asked for that code, not a topic of it
                frame.topics = [t for t in frame.topics if not self._lexicon_topic_describes(t, frame)]
            if frame.regions:
                frame.context_tokens = [t for t in frame.context_tokens if t not in self._region_tokens]
        elif previous is None and not frame.has_anchor and self._starts_like_followup(frame):
            frame.dangling = True
        answers, near = self._answers(frame)
        best = answers[0] if answers else None
        confident = best is not None and best.score >= self.threshold and not near
        shown = [a for a in answers if a.score >= FLOOR][:top]
        suggestions = self._suggestions(frame, shown, confident, near)
        if conversation is not None:
            code = self._code_of.get(best.id) if best is not None and confident else None
            if code is not None and frame.cpt != [code]:
                frame = replace(frame, cpt=[code])
            frame.answer_topics = list(dict.fromkeys(self._entry_topic(a.id) for a in shown if self._entry_topic(a.id)))
            conversation.remember(frame, best.id if best is not None and confident else None)
        return Result(question, confident, shown, suggestions, self._titles, self.kb.version)

    def _entry_topic(self, entry_id: str) -> str:
        """The topic of a rule or FAQ entry ("" for any other entry)."""
        entry = self.kb.entries.get(entry_id)
        return entry.topic if isinstance(entry, TopicEntry) else ""

    def _lexicon_weight(self, token: str) -> float:
        weights = self.lexicon.weights
        if CPT_RE.fullmatch(token) or HCPCS_RE.fullmatch(token):
            return weights.get("#code", 1.0)
        if "." in token and token[:1].isalpha():
            return weights.get("#icd", 1.0)
        if token in self._modifier_tokens:
            return weights.get("#modifier", 1.0)
        return weights.get(token, 1.0)
