"""ICD-10-CM: the official code set (validity, hierarchy, word search) and CPT pairing verdicts.

``get_codeset()`` loads the code set from a compact cache (built on first use from the
``simple-icd-10-cm`` package); ``pair(kb, codeset, icd, cpt)`` judges a diagnosis with a CPT code.
"""

from esi_helper.icd.codeset import (
    CodeSet,
    IcdCode,
    IcdHit,
    format_code,
    get_codeset,
    load_codeset,
    loaded_codeset,
    looks_like_code,
)
from esi_helper.icd.pairing import VERDICTS, Pairing, UnknownCptError, codeset_source_id, find_cpt, pair
from esi_helper.icd.source import CodeSetError

__all__ = [
    "VERDICTS",
    "CodeSet",
    "CodeSetError",
    "IcdCode",
    "IcdHit",
    "Pairing",
    "UnknownCptError",
    "codeset_source_id",
    "find_cpt",
    "format_code",
    "get_codeset",
    "load_codeset",
    "loaded_codeset",
    "looks_like_code",
    "pair",
]
