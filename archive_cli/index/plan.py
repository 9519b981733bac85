"""The parsed query and filters as a plan for :mod:`.engine`: which fields and terms, scored how.

Index terms are analysed by :mod:`.fields`; the words here go through the same functions, so a
query term and an index term agree by construction.
"""
from __future__ import annotations

from ..query import Filter, Not, Number, Or, Phrase, Query, Word
from ..text.analysis import folded, number_key, tokens
from . import Filters
from . import engine as e

# Scoring weights: a typed number finds its document first; title and adjacency lift the rest.
NUMBER_BOOST = 50.0
CITES_BOOST = 5.0
TITLE_BOOST = 1.5
EXACT_BOOST = 0.3


def _word(w: Word):
    if w.field in ("title", "issuer"):
        # No exact title/issuer field: the folded term there, plus the exact word somewhere.
        f = e.Term(f"{w.field}_f", w.folded)
        return e.All((f, e.Term("all_x", w.text))) if w.exact else f
    return e.Term("all_x", w.text) if w.exact else e.Term("all_f", w.folded)


def _phrase(p: Phrase):
    fwords = tuple(w.folded for w in p.words)
    if p.field in ("title", "issuer"):
        return e.All(tuple(e.Term(f"{p.field}_f", f) for f in fwords))
    parts = [e.Phrase("all_f", fwords)]
    parts += [e.Term("all_x", w.text) for w in p.words if w.exact]
    return e.All(tuple(parts)) if len(parts) > 1 else parts[0]


def _number(n: Number):
    parts = [e.Term("numkey", n.key, NUMBER_BOOST), e.Term("cites", n.key, CITES_BOOST)]
    toks = tuple(folded(tokens(n.raw)))
    if len(toks) > 1:
        # The number written in the text but not recognised as a citation still counts, lower.
        parts.append(e.Phrase("all_f", toks))
    return e.Any(tuple(parts))


def _node(node):
    if isinstance(node, Word):
        return _word(node)
    if isinstance(node, Phrase):
        return _phrase(node)
    if isinstance(node, Number):
        return _number(node)
    if isinstance(node, Or):
        return e.Any(tuple(_node(n) for n in node.nodes))
    if isinstance(node, Not):
        return e.Not(_node(node.node))
    raise TypeError(node)


def _in_section(node, section: str):
    """``node`` restricted to matches inside sections of ``section`` kind: every positive word
    must also be in that kind's text; OR applies it to each alternative. Numbers and NOT are
    left as they are (a number names a document, not a passage)."""
    if isinstance(node, (Word, Phrase)):
        words = node.words if isinstance(node, Phrase) else (node,)
        return e.All((_node(node), *(e.InSection("all_f", w.folded, section) for w in words)))
    if isinstance(node, Or):
        return e.Any(tuple(_in_section(n, section) or _node(n) for n in node.nodes))
    return None


def _filters(filters: Filters, query: Query) -> tuple[list, str | None]:
    from ..doctypes import type_key
    from ..text.normalize import folded_key

    parts: list = []
    doc_type, tags, year, section = filters.doc_type, list(filters.tags), filters.year, filters.section
    for c in query.clauses:
        if isinstance(c, Filter):
            if c.field == "type":
                doc_type = c.value
            elif c.field == "tag":
                tags.append(c.value)
            elif c.field == "year" and c.value.isdigit():
                year = int(c.value)
            elif c.field == "section":
                section = c.value
    if doc_type:
        parts.append(e.Term("type", type_key(doc_type)))
    if filters.issuer:
        parts.extend(e.Term("issuer_f", t) for t in folded(tokens(filters.issuer)))
    if filters.number:
        parts.append(e.Term("numkey", number_key(filters.number)))
    if year:
        parts.append(e.Term("year", str(year)))
    if filters.date_from or filters.date_to:
        parts.append(e.Range("issued", filters.date_from or "0000", filters.date_to or "9999"))
    parts.extend(e.Term("tags", folded_key(t)) for t in tags)
    return parts, section


def build_plan(query: Query, filters: Filters):
    """(scoring plan, filter plan or None) for the parsed query and the filters."""
    filter_parts, section = _filters(filters, query)
    musts, shoulds = [], []
    plain = [c for c in query.clauses if isinstance(c, Word) and c.field is None]
    for c in query.clauses:
        if isinstance(c, Filter):
            continue
        node = (_in_section(c, section) if section else None) or _node(c)
        musts.append(node)
        if isinstance(c, Word) and c.field is None:
            shoulds.append(e.Term("title_f", c.folded, TITLE_BOOST))
            # Exact forms of an unaccented word ("ma" itself before "má") decide the order of
            # one- and two-word queries; longer ones are ordered by adjacency.
            if not c.exact and len(plain) <= 2:
                shoulds.append(e.Term("all_x", c.text, EXACT_BOOST))
    if query.is_empty:
        # no words: the documents that have such a section at all when one is asked for
        musts.insert(0, e.HasSection(section) if section else e.Every())
    base = e.All(tuple(musts)) if len(musts) > 1 else musts[0]
    plan = e.Maybe(base, e.Any(tuple(shoulds))) if shoulds else base
    return plan, (e.All(tuple(filter_parts)) if filter_parts else None)
