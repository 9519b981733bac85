"""Query evaluation over the index's postings, a term at a time.

Whoosh's matcher tree costs tens of microseconds per matching document in Python (a method
call per posting per clause, a column lookup per score); our queries match most of the archive
("tổ chức" is in nearly every plan), so a search spent most of its time there. This module reads
each term's postings whole (from the segment files, :mod:`.segfiles`, without importing Whoosh),
scores them with BM25F — the same formula and statistics as Whoosh's ``BM25F`` — in list
comprehensions, and combines clauses with dictionaries and sets.

A plan is a tree of the small node classes below (named tuples: cheaper to define at start-up
than dataclasses), built by :func:`.plan.build_plan`.
"""
from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate
from math import log
from operator import add
from typing import NamedTuple

from .blocks import LITTLE, decode_positions, iter_positions
from .fields import SECTION_KINDS, spans_of_kind
from .segfiles import LENGTH_TABLE

B = 0.75
K1 = 1.2


# --- plan nodes --------------------------------------------------------------------------------

class Term(NamedTuple):
    field: str
    text: str
    boost: float = 1.0


class Phrase(NamedTuple):
    """Words next to each other in a field with positions; scored as the sum of its words."""
    field: str
    words: tuple[str, ...]
    boost: float = 1.0


class All(NamedTuple):
    nodes: tuple


class Any(NamedTuple):
    nodes: tuple


class Not(NamedTuple):
    """Matches nothing by itself; inside ``All`` it removes documents."""
    node: object


class Maybe(NamedTuple):
    """``base``'s documents, with ``extra``'s score added where it also matches."""
    base: object
    extra: object


class Every(NamedTuple):
    """Every document; score 1."""


class InSection(NamedTuple):
    """Documents where ``word`` stands inside a top-level section of ``kind`` (one of
    ``fields.SECTION_KINDS``), from its positions in ``field`` and the ``spans`` column; score 0."""
    field: str
    word: str
    kind: str


class HasSection(NamedTuple):
    """Documents with a top-level section of ``kind``; score 1."""
    kind: str


class Range(NamedTuple):
    """Documents whose single ID term in ``field`` lies in [lo, hi] (string order)."""
    field: str
    lo: str
    hi: str


# --- evaluation --------------------------------------------------------------------------------

def _flatten(node: All) -> list:
    """The conditions of nested Alls as one list (scores add up either way), so that section
    conditions see every other condition's documents."""
    out = []
    for n in node.nodes:
        out.extend(_flatten(n) if isinstance(n, All) else (n,))
    return out


def _phrase_docs(candidates: list[int], per_word: list[dict]) -> list[int]:
    """The candidates in which the words stand in order, side by side; ``per_word[i]`` maps
    each candidate to the i-th word's positions value."""
    first, rest = per_word[0], list(enumerate(per_word))[1:]
    out = []
    if not LITTLE:
        for d in candidates:
            starts = set(iter_positions(first[d]))
            for i, m in rest:
                here = set(iter_positions(m[d]))
                starts = {s for s in starts if s + i in here}
                if not starts:
                    break
            else:
                out.append(d)
        return out
    # iter_positions inlined (stored order is the machine's), all at C speed: the first word's
    # positions as a set, intersected with each next word's positions minus its offset in the
    # phrase (accumulate's initial -i shifts them; that extra -i is never a position).
    # A value of one-byte deltas (type code "B", 66) is iterated as it is.
    for d in candidates:
        v = first[d]
        starts = set(accumulate(v[1:] if v[0] == 66 else memoryview(v)[1:].cast(chr(v[0]))))
        for i, m in rest:
            v = m[d]
            starts.intersection_update(
                accumulate(v[1:] if v[0] == 66 else memoryview(v)[1:].cast(chr(v[0])), initial=-i))
            if not starts:
                break
        else:
            out.append(d)
    return out


class Evaluator:
    """Evaluates plans against an index's files (:class:`.segfiles.IndexFiles`); scores use
    whole-index statistics."""

    def __init__(self, files) -> None:
        self.files = files
        self.total = files.total
        self.leaves = files.segments
        self._spans: dict[tuple[int, int], dict[int, list]] = {}

    # scores: dict global docnum -> float
    def run(self, node) -> dict[int, float]:
        if isinstance(node, Term):
            return self._term(node)
        if isinstance(node, Phrase):
            return self._phrase(node)
        if isinstance(node, All):
            return self._all(node)
        if isinstance(node, Any):
            out: dict[int, float] = {}
            for n in node.nodes:
                for d, s in self.run(n).items():
                    out[d] = out.get(d, 0.0) + s
            return out
        if isinstance(node, Maybe):
            base = self.run(node.base)
            if base:
                extra = self.run(node.extra)
                for d, s in extra.items():
                    if d in base:
                        base[d] += s
            return base
        if isinstance(node, Every):
            return self._every(node)
        if isinstance(node, Range):
            return self._range(node)
        if isinstance(node, InSection):
            return self._in_section(node)
        if isinstance(node, HasSection):
            return self._has_section(node)
        if isinstance(node, Not):
            return self._all(All((node,)))
        raise TypeError(node)

    def docs(self, node) -> set[int]:
        return set(self.run(node))

    def _all(self, node: All) -> dict[int, float]:
        nodes = _flatten(node)
        positive = [n for n in nodes if not isinstance(n, Not)]
        negative = [n.node for n in nodes if isinstance(n, Not)]
        if not positive:
            positive = [Every()]
        # Section conditions only check the documents the other conditions leave (each checks
        # every position of its word in every document it looks at).
        scoped = [n for n in positive if isinstance(n, InSection)]
        parts = [self.run(n) for n in positive if not isinstance(n, InSection)]
        if not parts:  # section conditions alone: each over its word's documents
            parts, scoped = [self.run(n) for n in scoped], []
        parts.sort(key=len)
        out = dict(parts[0])
        for p in parts[1:]:
            out = {d: s + p[d] for d, s in out.items() if d in p}
            if not out:
                return out
        for n in scoped:
            inside = self._in_section(n, restrict=out)
            out = {d: s for d, s in out.items() if d in inside}
            if not out:
                return out
        for n in negative:
            for d in self.run(n):
                out.pop(d, None)
        return out

    def _bm25(self, field: str, text: str, boost: float) -> tuple[float, float, float]:
        """(top, k, kb): a posting of weight w in a document of length byte L scores
        top * w / (w + k + kb * LENGTH_TABLE[L]), BM25F with whole-index statistics."""
        idf = log(self.total / (self.files.doc_frequency(field, text) + 1)) + 1
        avg = (self.files.field_length(field) / (self.total or 1)) or 1
        return boost * idf * (K1 + 1), K1 * (1 - B), K1 * B / avg

    def _scorer(self, field: str, text: str, boost: float):
        """(leaf, ids, weights) -> scores, with BM25F's whole-index statistics for the term."""
        if not self.files.scorable(field):
            return lambda leaf, ids, weights: [boost * w for w in weights]
        if not self.total:  # no documents: nothing to score (and log(0) is undefined)
            return lambda leaf, ids, weights: [0.0] * len(ids)
        top, k, kb = self._bm25(field, text, boost)
        table = LENGTH_TABLE

        def score(leaf, ids, weights):
            lengths = leaf.lengths(field)
            # idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / avg)), times the boost
            return [top * w / (w + k + kb * table[lengths[d]]) for d, w in zip(ids, weights)]

        return score

    def _term(self, t: Term) -> dict[int, float]:
        out: dict[int, float] = {}
        score = self._scorer(t.field, t.text, t.boost)
        for leaf in self.leaves:
            ids, weights, _v = leaf.postings(t.field, t.text)
            if ids:
                off = leaf.offset
                out.update(zip([d + off for d in ids], score(leaf, ids, weights)))
        return out

    def _phrase(self, p: Phrase) -> dict[int, float]:
        words = p.words
        if len(words) == 1:
            return self._term(Term(p.field, words[0], p.boost))
        distinct = list(dict.fromkeys(words))
        fast = ({w: self._bm25(p.field, w, p.boost) for w in distinct}
                if self.total and self.files.scorable(p.field) else None)
        scorers = None if fast else {w: self._scorer(p.field, w, p.boost) for w in distinct}
        out: dict[int, float] = {}
        for leaf in self.leaves:
            # Documents with every word (rarest first), then the positions of those, then
            # scores for the documents the phrase is really in: a phrase of common words
            # ("tổ chức thực hiện", "10/KH-UBND") is in far fewer documents than its words.
            postings, values, candidates = {}, {}, None
            for w in sorted(distinct, key=lambda w: self.files.doc_frequency(p.field, w)):
                ids, weights, vals = leaf.postings(p.field, w, values=True)
                postings[w], values[w] = (ids, weights), dict(zip(ids, vals))
                candidates = set(ids) if candidates is None else candidates & values[w].keys()
                if not candidates:
                    break
            if not candidates:
                continue
            matched = _phrase_docs(sorted(candidates), [values[w] for w in words])
            if not matched:
                continue
            # As Whoosh scores a phrase: every word of it, a repeated word as often as it stands.
            total = None
            if fast:  # the length part of BM25's denominator, once for all the words
                lengths, table = leaf.lengths(p.field), LENGTH_TABLE
                norms = [table[lengths[d]] for d in matched]
            tf_of: dict[str, dict] = {}
            for w in words:
                if w not in tf_of:  # a repeated word's weights, looked up once
                    tf_of[w] = dict(zip(*postings[w]))
                tf = map(tf_of[w].__getitem__, matched)
                if fast:
                    top, k, kb = fast[w]
                    scores = [top * x / (x + k + kb * n) for x, n in zip(tf, norms)]
                else:
                    scores = scorers[w](leaf, matched, list(tf))
                total = scores if total is None else list(map(add, total, scores))
            off = leaf.offset
            out.update(zip([d + off for d in matched], total))
        return out

    def _every(self, e: Every) -> dict[int, float]:
        out: dict[int, float] = {}
        for leaf in self.leaves:
            out.update((d + leaf.offset, 1.0) for d in range(leaf.doccount) if d not in leaf.deleted)
        return out

    def _range(self, r: Range) -> dict[int, float]:
        out: dict[int, float] = {}
        for leaf in self.leaves:
            for term in leaf.lexicon(r.field):
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                if text < r.lo:
                    continue
                if text > r.hi:
                    break
                ids, _w, _v = leaf.postings(r.field, text)
                out.update((d + leaf.offset, 1.0) for d in ids)
        return out

    def _in_section(self, n: InSection, restrict=None) -> dict[int, float]:
        """Documents (of ``restrict``'s global docnums, when given) where ``n.word`` stands in
        a section of ``n.kind``."""
        out: dict[int, float] = {}
        if n.kind not in SECTION_KINDS:
            return out
        kind = SECTION_KINDS.index(n.kind)
        wanted = sorted(restrict) if restrict is not None else None
        for leaf in self.leaves:
            off = leaf.offset
            if wanted is not None:
                # this segment's share of the documents asked about, as local docnums
                mine = wanted[bisect_left(wanted, off):bisect_left(wanted, off + leaf.doccount)]
                if not mine:
                    continue
            ids, _w, vals = leaf.postings(n.field, n.word, values=True)
            if not ids:
                continue
            by_doc = dict(zip(ids, vals))
            docs = by_doc if wanted is None else by_doc.keys() & {d - off for d in mine}
            column = leaf.column("spans")
            cache = self._spans.setdefault((off, kind), {})
            for d in docs:
                spans = cache.get(d)
                if spans is None:  # the document's spans of this kind, decoded once a search
                    raw = column[d]
                    spans = cache[d] = spans_of_kind(raw, kind) if raw else ()
                if not spans:
                    continue
                positions = decode_positions(by_doc[d])
                for a, b in spans:
                    i = bisect_left(positions, a)
                    if i < len(positions) and positions[i] < b:
                        out[d + off] = 0.0
                        break
        return out

    def _has_section(self, n: HasSection) -> dict[int, float]:
        out: dict[int, float] = {}
        if n.kind not in SECTION_KINDS:
            return out
        kind = SECTION_KINDS.index(n.kind)
        for leaf in self.leaves:
            column = leaf.column("spans")
            for d in range(leaf.doccount):
                raw = column[d]
                if raw and d not in leaf.deleted and spans_of_kind(raw, kind):
                    out[d + leaf.offset] = 1.0
        return out
