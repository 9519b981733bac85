"""The analysis chain used at index time and at query time (SPEC §5, §5b).

normalize (NFC → look-alikes → tone placement) → lower case → word tokens. Each token has an
exact view (lower-case, canonical tones) and a folded view (diacritics removed, đ → d).
"""
from __future__ import annotations

import re
from functools import lru_cache

from .normalize import fold, normalize

_WORD_RE = re.compile(r"\w+")

#: Bump when this module or :mod:`.normalize` change what a text analyses to: every engine's
#: index is then rebuilt from the store.
ANALYSIS_VERSION = 1


def tokens(text: str) -> list[str]:
    """Exact tokens: normalised, lower-case words (syllables) in order."""
    return _WORD_RE.findall(normalize(text).lower())


@lru_cache(maxsize=200_000)
def fold_token(token: str) -> str:
    return fold(token)


def folded(toks: list[str]) -> list[str]:
    return [fold_token(t) for t in toks]


def number_key(number: str) -> str:
    """The search key of a document number: folded, lower-case, no spaces ("125/kh-ubnd")."""
    key = fold(normalize(number)).lower()
    key = re.sub(r"\s+", "", key)
    return re.sub(r"[\u2010-\u2015]", "-", key)


# A document number typed as a query word: digits, then a / or - and letters (125/KH-UBND,
# 24-HD/BTGTW, 30/2021/QH15). Requires a letter so dates (07/10/2021) are not numbers.
NUMBER_QUERY_RE = re.compile(r"^\d{1,5}(?:\s*/\s*(?:19|20)\d{2})?\s*[-/\u2010-\u2015]\s*[^\W\d_][\w\-/\u2010-\u2015]*$")


def looks_like_number(word: str) -> bool:
    return bool(NUMBER_QUERY_RE.match(normalize(word).strip()))
