"""Section scope (``--section``, ``section:``) as a Whoosh collector.

The analysis puts each section kind's words in a range of positions of their own
(:mod:`.analysis`), with gaps between passages. A word stands in a section of kind K when one of
its positions lies in K's range; a phrase, when one occurrence does (the gaps keep an occurrence
inside one section). :class:`SectionCollector` wraps the collector of a search, as Whoosh's own
``FilterCollector`` does: Whoosh matches and scores the query, and the wrapper lets through the
documents whose section conditions hold, reading positions through ``Searcher.postings``.
"""
from __future__ import annotations

from bisect import bisect_left

from whoosh.collectors import WrappingCollector

from .. import plan as p
from .analysis import kind_range
from .queries import compile_node
from .schema import TEXT_FIELD


class _Positions:
    """The positions of one term in the current segment's documents, read in docnum order."""

    def __init__(self, searcher, fieldname: str, word: str) -> None:
        try:
            self.m = searcher.postings(fieldname, word)
        except Exception:  # TermNotFound: no document has the word
            self.m = None

    def at(self, docnum: int) -> list[int]:
        m = self.m
        if m is None or not m.is_active():
            return []
        here = m.id()
        if here < docnum:
            m.skip_to(docnum)
            if not m.is_active():
                return []
            here = m.id()
        return m.value_as("positions") if here == docnum else []


def _phrase_starts(lists: list[list[int]]) -> set[int]:
    """Positions where the words stand one after another, in order."""
    starts = set(lists[0])
    for i, here in enumerate(lists[1:], 1):
        starts.intersection_update(x - i for x in here)
        if not starts:
            break
    return starts


class SectionPredicate:
    """Whether a matched document satisfies the ``InSection`` conditions of a plan.

    Conditions outside any ``InSection`` are what Whoosh already matched; under an ``Any`` an
    alternative without a section condition is checked as a whole query, so "a in content OR
    number 12/KH" lets the number through wherever it stands."""

    def __init__(self, node, range_size: int) -> None:
        self.node = node
        self.range_size = range_size
        self._positions: dict[str, _Positions] = {}
        self._docsets: dict[int, set[int]] = {}
        self.searcher = None
        self.offset = 0

    def set_subsearcher(self, searcher, offset: int, top_searcher) -> None:
        self.searcher, self.offset, self.top = searcher, offset, top_searcher
        self._positions = {}

    def _where(self, word: str, docnum: int) -> list[int]:
        if word not in self._positions:
            self._positions[word] = _Positions(self.searcher, TEXT_FIELD["text"], word)
        return self._positions[word].at(docnum)

    def _in(self, node: p.InSection, docnum: int) -> bool:
        lo = kind_range(node.kind) * self.range_size
        hi = lo + self.range_size
        inner = node.node
        words = inner.words if isinstance(inner, p.Phrase) else (inner.word,)
        if len(words) == 1:
            where = self._where(words[0], docnum)  # ascending
            i = bisect_left(where, lo)
            return i < len(where) and where[i] < hi
        lists = [self._where(w, docnum) for w in words]
        return all(lists) and any(lo <= s < hi for s in _phrase_starts(lists))

    def _matches(self, node, docnum: int) -> bool:
        """Whether ``node`` (no section condition under it) matches the document."""
        key = id(node)
        if key not in self._docsets:
            self._docsets[key] = set(self.top.docs_for_query(compile_node(node)))
        return self.offset + docnum in self._docsets[key]

    def holds(self, docnum: int, node=None, matched: bool = True) -> bool:
        """``matched``: Whoosh has matched ``node`` for this document (true down a chain of
        conjunctions from the root, not under an ``Any``)."""
        node = self.node if node is None else node
        if not p.has_section(node):
            return matched or self._matches(node, docnum)
        if isinstance(node, p.InSection):
            return self._in(node, docnum)
        if isinstance(node, p.All):
            return all(self.holds(docnum, n, matched) for n in node.nodes)
        if isinstance(node, p.Any):
            return any(self.holds(docnum, n, False) for n in node.nodes)
        raise TypeError(f"no section condition can stand under {node!r}")


class SectionCollector(WrappingCollector):
    """Collects only the documents whose section conditions hold, and counts them. The child
    must see every match (no block skipping), so that the count is exact."""

    def __init__(self, child, predicate: SectionPredicate) -> None:
        super().__init__(child)
        self.predicate = predicate
        self.total = 0

    def set_subsearcher(self, subsearcher, offset):
        super().set_subsearcher(subsearcher, offset)
        self.predicate.set_subsearcher(subsearcher, offset, self.child.top_searcher)

    def collect_matches(self):
        child, holds = self.child, self.predicate.holds
        for sub_docnum in child.matches():
            if holds(sub_docnum):
                self.total += 1
                child.collect(sub_docnum)

    def count(self):
        return self.total

    def results(self):
        r = self.child.results()
        r.collector = self
        return r
