"""Whoosh analysis for Vietnamese text: a tokenizer and a folding filter.

These classes are pickled into every index's schema, so they live at this import path for good;
their settings are part of the index version (:func:`.schema.schema_version`).

The tokenizer reads either raw text (analysed with :func:`archive_cli.text.analysis.tokens`, the
function the query side uses) or the passages of an :class:`~archive_cli.index.records.IndexRecord`
as :func:`encode_passages` writes them (already analysed in an import worker). Positions carry
the document's layout:

- passages stand ``gap`` positions apart, so a phrase never runs from one into the next (title
  into body, one section into another);
- each section kind has its own range of positions (``kind_range(kind) * range_size`` onwards),
  so where a word stands tells which kind of section holds it. The title, head lines, preamble
  and sections of no searchable kind share range 0.

Weights carry the ranking the index can know: a title word weighs ``title_weight`` (title words
lift a document). The filter then adds each word's folded view at the same position when it
differs from the exact view ("hóa" → also "hoa"; "đơn" → also "don"), so one field answers
exact and unaccented words and phrases that mix the two; the added view weighs ``boost`` of the
word, so for "ma" a document that says "ma" ranks above one that only says "má" (exact before
folded).
"""
from __future__ import annotations

from whoosh.analysis import Filter, Token, Tokenizer

from ...text.analysis import ANALYSIS_VERSION, fold_token, tokens
from ..records import SECTION_KINDS, TITLE, Passage


PASSAGE = "\x1e"  # starts an encoded passage: PASSAGE, its kind, WORDS, the words
WORDS = "\x1f"


def kind_range(kind: str) -> int:
    """The position range of a passage kind: 1, 2, 3 for the section kinds, 0 for the rest."""
    return SECTION_KINDS.index(kind) + 1 if kind in SECTION_KINDS else 0


def encode_passages(passages: list[Passage]) -> str:
    """Passages as one field value for :class:`VietnameseTokenizer`."""
    return "".join(f"{PASSAGE}{p.kind}{WORDS}{p.text}" for p in passages)


class VietnameseTokenizer(Tokenizer):
    """Exact tokens (normalised, lower case) with positions laid out by passage and kind."""

    def __init__(self, range_size: int = 1 << 22, gap: int = 16, title_weight: float = 2.0,
                 analysis: int = ANALYSIS_VERSION) -> None:
        self.range_size = range_size
        self.gap = gap
        self.title_weight = title_weight
        self.analysis = analysis

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    def _pieces(self, value: str) -> list[tuple[int, float, list[str]]]:
        """(range, weight, words) of each passage, range by range: Whoosh expects each term's
        positions in ascending order (the sort is stable, so passages keep document order
        within their range)."""
        if not value.startswith(PASSAGE):
            return [(0, 1.0, tokens(value))]
        pieces = []
        for chunk in value.split(PASSAGE)[1:]:
            kind, _sep, words = chunk.partition(WORDS)
            pieces.append((kind_range(kind), self.title_weight if kind == TITLE else 1.0, words.split()))
        pieces.sort(key=lambda piece: piece[0])
        return pieces

    def __call__(self, value, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        ends: dict[int, int] = {}  # next free position in each range
        for rng, weight, words in self._pieces(value):
            pos = ends.get(rng, rng * self.range_size + start_pos)
            for word in words:
                t.text = word
                t.boost = weight
                t.stopped = False
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar = t.endchar = start_char
                pos += 1
                yield t
            ends[rng] = pos + self.gap


class FoldingFilter(Filter):
    """Adds the folded view of a token at its position, weighing ``boost`` of the token, when
    it differs from the token."""

    def __init__(self, boost: float = 0.5) -> None:
        self.boost = boost

    def __call__(self, stream):
        boost = self.boost
        for t in stream:
            exact = t.text
            yield t
            folded = fold_token(exact)
            if folded != exact:
                t.text = folded
                t.boost *= boost
                yield t


def vietnamese_analyzer():
    return VietnameseTokenizer() | FoldingFilter()
