"""The parsed query and filters planned into an engine-neutral search (:mod:`archive_cli.index.plan`).

What a search means lives here, the same for every engine (SPEC §5): all words must match; a
word typed with diacritics matches that exact word, one typed without them any accented form;
phrases stand together; a typed number finds its document first and then the documents citing
it; ``--section`` holds every positive word or phrase inside a section of that kind. Query words are analysed by the functions the index records were analysed
with, so a query term and an index term agree by construction.
"""
from __future__ import annotations

from ..doctypes import type_key
from ..index import plan as P
from ..text.analysis import folded, number_key, tokens
from ..text.normalize import folded_key
from .filters import Filters
from .query import Filter, Not, Number, Or, Phrase, Query, Word

# Scoring weights: a typed number finds its document first, then the documents citing it.
# (Title words weigh more in the index itself: see the engine's analysis.)
NUMBER_BOOST = 50.0
CITES_BOOST = 5.0

_FIELD = {"title": "title", "issuer": "issuer"}  # query field → plan text field (else "text")


def _view(w: Word) -> str:
    """The term a query word matches: its exact view when typed with diacritics."""
    return w.text if w.exact else w.folded


def _word(w: Word) -> P.Word:
    return P.Word(_view(w), _FIELD.get(w.field or "", "text"), w.exact)


def _phrase(p: Phrase) -> P.Phrase:
    return P.Phrase(tuple(_view(w) for w in p.words), _FIELD.get(p.field or "", "text"))


def _number(n: Number):
    parts = [P.Key("number", n.key, NUMBER_BOOST), P.Key("cites", n.key, CITES_BOOST)]
    toks = tuple(folded(tokens(n.raw)))
    if len(toks) > 1:
        # The number written in the text but not recognised as a citation still counts, lower.
        parts.append(P.Phrase(toks))
    return P.Any(tuple(parts))


def _node(node):
    if isinstance(node, Word):
        return _word(node)
    if isinstance(node, Phrase):
        return _phrase(node)
    if isinstance(node, Number):
        return _number(node)
    if isinstance(node, Or):
        return P.Any(tuple(_node(n) for n in node.nodes))
    if isinstance(node, Not):
        return P.Not(_node(node.node))
    raise TypeError(node)


def _in_section(node, section: str):
    """``node`` held inside sections of ``section`` kind: a word or phrase of the text stands
    there; OR applies it to each alternative. Numbers, field words and NOT are left as they
    are (a number names a document, not a passage)."""
    if isinstance(node, (Word, Phrase)) and node.field in (None, "body"):
        return P.InSection(_node(node), section)
    if isinstance(node, Or):
        return P.Any(tuple(_in_section(n, section) for n in node.nodes))
    return _node(node)


def _filters(filters: Filters, query: Query) -> tuple[list, str | None]:
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
            elif c.field == "section":  # section:implementation, section:"tổ chức thực hiện"
                from ..vocabulary import canonical

                section = canonical("kind", c.value) or c.value
    if doc_type:
        parts.append(P.Key("type", type_key(doc_type)))
    if filters.issuer:
        from .issuers import issuer_conditions

        parts.extend(issuer_conditions(filters.issuer))
    if filters.number:
        parts.append(P.Key("number", number_key(filters.number)))
    if year:
        parts.append(P.Key("year", str(year)))
    if filters.date_from or filters.date_to:
        parts.append(P.Range("issued", filters.date_from or "0000", filters.date_to or "9999"))
    parts.extend(P.Key("tag", folded_key(t)) for t in tags)
    return parts, section


def plan_search(query: Query, filters: Filters) -> P.Search:
    """The search for a parsed query and the filters."""
    filter_parts, section = _filters(filters, query)
    musts = [_in_section(c, section) if section else _node(c) for c in query.clauses if not isinstance(c, Filter)]
    musts = list(dict.fromkeys(musts))  # a word typed 140 times is one condition
    if query.is_empty:
        # no words: every document, or those with such a section at all when one is asked for
        musts.insert(0, P.Key("kind", section) if section else P.Every())
    q = P.All(tuple(musts)) if len(musts) > 1 else musts[0]
    flt = (P.All(tuple(filter_parts)) if len(filter_parts) > 1 else filter_parts[0]) if filter_parts else None
    return P.Search(q, flt)


def plan_key(field: str, value: str) -> P.Search:
    """Documents whose ``field`` key is ``value`` (a number, a cited number)."""
    return P.Search(P.Key(field, value))
