"""The analysis chain used at index time and at query time (SPEC §5, §5b).

normalize (NFC → look-alikes → tone placement) → lower case → word tokens. Each token has an
exact view (lower-case, canonical tones) and a folded view (diacritics removed, đ → d). Syllable
bigrams of the folded view make two-syllable words and phrases single-term lookups, so the index
needs no positions.
"""
from __future__ import annotations

import re
import zlib
from functools import lru_cache

from .normalize import fold, normalize

_WORD_RE = re.compile(r"\w+")
#: Bigrams are indexed as 17-bit hashes: the term dictionary stays bounded (131,072 entries
#: at most) whatever the corpus size, which keeps the index small and the writer fast. A doc
#: holding ~1,000 distinct bigrams collides with a given one with probability ~0.8 %, and
#: every bigram query also requires the words themselves, so false matches are negligible.
BIGRAM_BITS = 17
_BIGRAM_MASK = (1 << BIGRAM_BITS) - 1


def tokens(text: str) -> list[str]:
    """Exact tokens: normalised, lower-case words (syllables) in order."""
    return _WORD_RE.findall(normalize(text).lower())


@lru_cache(maxsize=200_000)
def fold_token(token: str) -> str:
    return fold(token)


def folded(toks: list[str]) -> list[str]:
    return [fold_token(t) for t in toks]


@lru_cache(maxsize=500_000)
def bigram(a: str, b: str) -> str:
    """The index term of two adjacent (folded) tokens: a stable 17-bit hash, 5 hex digits."""
    return format(zlib.crc32(f"{a} {b}".encode("utf-8")) & _BIGRAM_MASK, "05x")


def bigrams(ftoks: list[str]) -> list[str]:
    """The terms of each adjacent pair of (folded) tokens: "to chuc" → bigram("to", "chuc")."""
    return [bigram(a, b) for a, b in zip(ftoks, ftoks[1:])]


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
