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

from whoosh.fields import KEYWORD
from whoosh.formats import Positions
from whoosh.system import pack_uint


class TermsField(KEYWORD):
    def index(self, value, **kwargs):
        if not self.scorable:
            # Presence-only postings through this path broke merges; use Whoosh's own.
            yield from super().index(value, **kwargs)
            return
        fb = self.format.field_boost
        for term, n in Counter(value.split()).items():
            yield term.encode("utf-8"), n, n * fb, pack_uint(n)


class PositionsTermsField(TermsField):
    """Pre-analysed terms with their positions, for phrase queries ("tổ chức thực hiện")."""

    def __init__(self, field_boost: float = 1.0) -> None:
        super().__init__(scorable=True, field_boost=field_boost)
        self.format = CompactPositions(field_boost=field_boost)

    def index(self, value, **kwargs):
        fb = self.format.field_boost
        encode = self.format.encode
        positions: dict[str, list[int]] = {}
        for pos, term in enumerate(value.split()):
            positions.setdefault(term, []).append(pos)
        for term, poslist in positions.items():
            yield term.encode("utf-8"), len(poslist), len(poslist) * fb, encode(poslist)


class CompactPositions(Positions):
    """Positions as a typecode byte and a machine array of deltas, not Whoosh's pickle with a
    4-byte count: 3 bytes instead of ~14 for a term seen once, and C-speed decoding. The
    positions of one field were half the index."""

    def encode(self, poslist) -> bytes:
        deltas = [b - a for a, b in zip([0, *poslist], poslist)]
        code = "H" if max(deltas, default=0) < 65536 else "I"
        return code.encode() + array(code, deltas).tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return decode_positions(valuestring)

    def decode_frequency(self, valuestring: bytes) -> int:
        return (len(valuestring) - 1) // array(chr(valuestring[0])).itemsize


def decode_positions(valuestring: bytes) -> list[int]:
    """The positions :class:`CompactPositions` encoded."""
    deltas = array(chr(valuestring[0]))
    deltas.frombytes(valuestring[1:])
    return list(accumulate(deltas))
