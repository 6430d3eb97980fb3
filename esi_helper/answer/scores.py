"""The answer engine's scores: the confidence threshold and the weights that rank answers against each other."""

#: A best answer scoring at least this is "confident" (chosen on tests/data/questions.toml; see the tests).
THRESHOLD = 0.44
#: Answers scoring below this are not shown at all.
FLOOR = 0.2
#: Base scores of the structured answers, before the penalty for words they do not explain.
PAIRING_SCORE = 0.99
FEE_SCORE = 0.95
CARD_SCORE = 0.95
TOPIC_SCORE = 0.93
MODIFIER_SCORE = 0.93
ICD_SCORE = 0.93
TWO_CODES_SCORE = 0.65
#: Two codes compared ("62324 vs 62325"), answered by the card of the one whose text tells them apart.
COMPARE_SCORE = 0.85
FINDER_SCORE = 0.9
ICD_SEARCH_SCORE = 0.72
NEAR_MISS_SCORE = 0.4
#: How much the unexplained share of a question lowers a structured answer.
RESIDUAL_PENALTY = 0.6
#: Static scores are multiplied by this when the question names something outside ESI billing.
OUT_OF_SCOPE_FACTOR = 0.5
#: Static scores shrink by this times the share of the question made of words nobody knows ("fusion", "collar").
UNKNOWN_PENALTY = 0.6
#: A short follow-up ("and the modifier?") asked with nothing before it is ambiguous: its answers count less.
DANGLING_FACTOR = 0.5
#: When the structured answer leaves at most this share of the question unexplained, it stays on top.
CAP_RESIDUAL = 0.1
CAP_MIN = 0.85
#: Small preferences between entry kinds that match a question equally well: an FAQ answers a question,
#: a myth answers a claim (and gets MYTH_CUE_BONUS when the question repeats something heard or read).
KIND_PRIOR = {"faq": 0.03, "rule": 0.015, "code": 0.01, "modifier": 0.01, "diagnosis": 0.01, "myth": -0.05}
MYTH_CUE_BONUS = 0.12
#: Answers about a code the rest of the question contradicts (another region, imaging or approach) count less.
CONFLICT_FACTOR = 0.7
#: A question that repeats a claim is answered by the entry on that claim: computed answers count this much less.
CLAIM_FACTOR = 0.85
#: A rule or FAQ on a topic the question asks about (the lexicon's [entry_topics]: "L4-5 and L5-S1" asks about levels).
ENTRY_TOPIC_BONUS = 0.12
#: A follow-up naming only another payer ("what about evicore?"): that payer's entry on the previous answer's topic.
PAYER_FOLLOWUP_BONUS = 0.1
#: A follow-up that keeps the previous code and adds words of its own ("what about bilateral?") is not answered
#: by repeating that code's card: the card counts this much less.
REPEAT_PENALTY = 0.35
