"""A Whoosh field for terms that :mod:`archive_cli.index.fields` has already analysed.

The value is the space-separated terms. Whoosh's own KEYWORD field would run a tokenizer over
that string and build a Token object per term; here the counting is one ``str.split`` and a
``Counter`` (C speed), which is most of the writer's per-document cost saved. This class is
pickled into the index's schema, so it must stay at this import path (bump SCHEMA_VERSION when
it changes).
"""
from __future__ import annotations

from collections import Counter

from array import array
from itertools import accumulate
from typing import NamedTuple

from whoosh.fields import KEYWORD
from whoosh.formats import Existence, Positions

from .blocks import decode_positions, le_bytes


class Analysed(NamedTuple):
    """A field of one document as postings, compact (it crosses processes and waits in memory
    a batch at a time: a tuple per posting was ~90 KB a document): the terms joined by spaces,
    their weights, their values joined with the values' lengths (None: no values), the field
    length in words, and the size the writer's pool accounts for them."""
    terms: bytes
    weights: array
    values: bytes
    value_lengths: array | None
    length: int
    size: int

    def columns(self) -> tuple[list[bytes], list[float], list[bytes]]:
        """(terms, weights, values) as lists, values b"" when the field has none."""
        terms = self.terms.split(b" ") if self.terms else []
        if self.value_lengths is None:
            return terms, self.weights.tolist(), [b""] * len(terms)
        ends = list(accumulate(self.value_lengths, initial=0))
        return terms, self.weights.tolist(), list(map(self.values.__getitem__, map(slice, ends, ends[1:])))


class TermsField(KEYWORD):
    """Scored terms without per-posting values: the weight Whoosh stores beside each posting
    is the term's frequency, which is all BM25 reads (Whoosh's Frequency format would store it
    a second time, 4 bytes per posting)."""

    def __init__(self, scorable: bool = False, field_boost: float = 1.0) -> None:
        super().__init__(scorable=scorable, field_boost=field_boost)
        if scorable:
            self.format = Existence(field_boost=field_boost)

    def analyse(self, value: str) -> Analysed:
        """The field's postings for one document, without the document number: work an import
        does in its worker processes, so the index writer only adds the number."""
        fb = self.format.field_boost
        words = value.split()
        counts = Counter(words)
        return Analysed(" ".join(counts).encode("utf-8"), array("f", [n * fb for n in counts.values()]),
                        b"", None, len(words), 200 * len(counts) + 2 * len(value))

    def analysed(self, value) -> Analysed:
        """The field's postings for :class:`~.codec.ArchiveWriter`, from the text or the
        :class:`Analysed` form an import worker made of it. Only used when the field is
        scorable."""
        return value if isinstance(value, Analysed) else self.analyse(value)

    def index(self, value, **kwargs):
        if not self.scorable:
            # Presence-only postings through this path broke merges; use Whoosh's own.
            yield from super().index(value, **kwargs)
            return
        fb = self.format.field_boost
        for term, n in Counter(value.split()).items():
            yield term.encode("utf-8"), n, n * fb, b""


class PositionsTermsField(TermsField):
    """Pre-analysed terms with their positions, for phrase queries ("tổ chức thực hiện")."""

    def __init__(self, field_boost: float = 1.0) -> None:
        super().__init__(scorable=True, field_boost=field_boost)
        self.format = CompactPositions(field_boost=field_boost)

    def analyse(self, value: str) -> Analysed:
        fb = self.format.field_boost
        encode = self.format.encode
        words = value.split()
        positions: dict[str, list[int]] = {}
        for pos, term in enumerate(words):
            positions.setdefault(term, []).append(pos)
        values = [encode(pl) for pl in positions.values()]
        lengths = array("I", map(len, values))
        return Analysed(" ".join(positions).encode("utf-8"),
                        array("f", [len(pl) * fb for pl in positions.values()]),
                        b"".join(values), lengths, len(words), 200 * len(positions) + 4 * len(value))

    def index(self, value, **kwargs):
        fb = self.format.field_boost
        encode = self.format.encode
        positions: dict[str, list[int]] = {}
        for pos, term in enumerate(value.split()):
            positions.setdefault(term, []).append(pos)
        for term, poslist in positions.items():
            yield term.encode("utf-8"), len(poslist), len(poslist) * fb, encode(poslist)


class CompactPositions(Positions):
    """Positions as a typecode byte and a little-endian array of deltas (bytes, shorts or ints, the
    smallest that holds them), not Whoosh's pickle with a 4-byte count: 2–3 bytes instead of
    ~14 for a term seen once, and C-speed decoding. Positions are most of the index."""

    def encode(self, poslist) -> bytes:
        if len(poslist) == 1:  # most words of a document: no deltas to compute
            p = poslist[0]
            if p < 256:
                return b"B" + p.to_bytes(1, "little")
            return b"H" + p.to_bytes(2, "little") if p < 65536 else b"I" + p.to_bytes(4, "little")
        deltas = [b - a for a, b in zip([0, *poslist], poslist)]
        top = max(deltas)
        code = "B" if top < 256 else "H" if top < 65536 else "I"
        return code.encode() + le_bytes(array(code, deltas))

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return decode_positions(valuestring)

    def decode_frequency(self, valuestring: bytes) -> int:
        return (len(valuestring) - 1) // array(chr(valuestring[0])).itemsize
