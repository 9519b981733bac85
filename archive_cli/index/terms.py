"""A Whoosh field for terms that :mod:`archive_cli.index.fields` has already analysed.

The value is the space-separated terms. Whoosh's own KEYWORD field would run a tokenizer over
that string and build a Token object per term; here the counting is one ``str.split`` and a
``Counter`` (C speed), which is most of the writer's per-document cost saved. This class is
pickled into the index's schema, so it must stay at this import path (bump SCHEMA_VERSION when
it changes).
"""
from __future__ import annotations

from collections import Counter

from whoosh.fields import KEYWORD
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
