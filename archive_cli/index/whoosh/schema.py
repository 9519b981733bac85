"""The Whoosh schema, its version, and a record as the fields Whoosh indexes.

Plan fields (:mod:`archive_cli.index.plan`) map to schema fields by :data:`TEXT_FIELD` and
:data:`KEY_FIELD`; everything a hit shows is stored, the body is not (snippets come from the
store, as in paperless-ngx's Whoosh index).
"""
from __future__ import annotations

import hashlib

from ..records import IndexRecord
from .analysis import encode_passages

#: plan text field → schema field (positions, exact and folded views)
TEXT_FIELD = {"text": "text", "title": "title_words", "issuer": "issuer_words"}
#: plan key field → schema field
KEY_FIELD = {"id": "id", "number": "numkey", "cites": "cites", "type": "type", "year": "year", "tag": "tags",
             "issuer_word": "issuer_key", "kind": "kinds", "issued": "issued"}



def make_schema():
    from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

    from .analysis import vietnamese_analyzer

    def words():
        return TEXT(analyzer=vietnamese_analyzer(), phrase=True)

    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        stamp=STORED(), title=STORED(), doc_type=STORED(), number=STORED(), issuer=STORED(),
        sha256=STORED(), outline=STORED(), subtitle=STORED(), ocr=STORED(),
        issued=ID(stored=True, sortable=True),
        type=ID(), year=ID(), kinds=KEYWORD(),
        tags=KEYWORD(commas=True), issuer_key=KEYWORD(),
        numkey=KEYWORD(), cites=KEYWORD(),
        text=words(), title_words=words(), issuer_words=words(),
    )


def schema_version(schema) -> str:
    """A fingerprint of everything in the schema that decides what the index holds: field names,
    field types and formats, analyzers and their settings, stored/unique/sortable/scorable.
    An index stamped with another fingerprint is rebuilt from the store."""
    parts = []
    for name, fieldobj in sorted(schema.items()):
        fmt = fieldobj.format
        parts.append("|".join(str(x) for x in (
            name, type(fieldobj).__name__, type(fmt).__name__ if fmt else None,
            getattr(fmt, "field_boost", None), repr(getattr(fieldobj, "analyzer", None)),
            fieldobj.stored, fieldobj.unique, fieldobj.scorable, bool(fieldobj.vector),
            type(fieldobj.column_type).__name__ if fieldobj.column_type else None,
            getattr(fieldobj, "spelling", None),
        )))
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def document_fields(r: IndexRecord) -> dict:
    """The keyword arguments of ``writer.add_document`` for a record."""
    title = [p for p in r.passages if p.kind == "title"]
    d = dict(r.stored)
    d.update(
        type=r.type_key, year=r.year, kinds=" ".join(r.kinds), tags=",".join(r.tags),
        issuer_key=" ".join(r.issuer_words), numkey=" ".join(r.number_keys), cites=" ".join(r.cites),
        text=encode_passages(r.passages), title_words=encode_passages(title),
        issuer_words=r.issuer,
    )
    # Whoosh refuses empty values in ID fields less gracefully than absent ones; issued stays
    # (an empty date sorts last).
    return {k: v for k, v in d.items() if v != "" or k == "issued"}
