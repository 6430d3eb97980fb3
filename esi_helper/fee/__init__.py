"""Medicare fee schedule amounts by setting and locality, from the CMS files imported into knowledge/fees.

``FeeSchedule.load(kb)`` gives quotes (``.quote``), locality lookups (``.find_localities``, ``.locality_for_zip``),
place-of-service settings (``.setting_for_pos``) and whole claims (``.claim``); ``quote_text`` renders a quote.
"""

from esi_helper.fee.calculator import (
    AmbiguousLocality,
    Claim,
    ClaimLine,
    FeeError,
    FeeRange,
    ModifierError,
    Quote,
    UnknownCode,
    UnknownLocality,
)
from esi_helper.fee.records import Locality
from esi_helper.fee.render import claim_text, headline, quote_text
from esi_helper.fee.schedule import FeeSchedule

__all__ = [
    "AmbiguousLocality",
    "Claim",
    "ClaimLine",
    "FeeError",
    "FeeRange",
    "FeeSchedule",
    "Locality",
    "ModifierError",
    "Quote",
    "UnknownCode",
    "UnknownLocality",
    "claim_text",
    "headline",
    "quote_text",
]
