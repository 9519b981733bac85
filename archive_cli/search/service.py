"""Searching an archive: the query language, planned, sent to the index, ranked, with snippets
and suggestions (SPEC §5). The same for every engine; the index is whatever the archive opened."""
from __future__ import annotations

from ..errors import QueryError
from ..i18n import _
from ..index import SearchIndex
from ..model import Document
from ..store import Store
from ..text.analysis import number_key
from .filters import Filters
from .planner import plan_key, plan_search
from .query import MAX_QUERY_LENGTH, Filter, Query, Word, parse_query
from .ranking import RERANK_DEPTH, adjacent_runs, rerank
from .results import CitedDocument, Hit, RefsReport, SearchResult

#: Everything, for listings and exports (an engine pages through it).
ALL = 10**9
#: Spelling suggestions for a query that finds nothing: at most this many distinct words, of at
#: most this length, within this time.
SUGGEST_WORDS = 5
SUGGEST_MAX_LENGTH = 20
SUGGEST_SECONDS = 0.25


def validate(query: str, filters: Filters) -> Query:
    """The parsed query, or the QueryError (a usage error) that says why it cannot run."""
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(_("The query is {n} characters long; the limit is {limit}.").format(
            n=len(query), limit=MAX_QUERY_LENGTH))
    q = parse_query(query)
    if q.is_empty and filters.is_empty() and not q.clauses:
        raise QueryError(_("The query has no words to search for."))
    for c in q.clauses:
        if isinstance(c, Filter):
            _check_filter(c)
    return q


def _check_filter(f: Filter) -> None:
    """``year:``, ``type:`` and ``section:`` in a query name something real, or the query is a
    usage error (never silently ignored)."""
    from ..doctypes import canonical_type
    from ..index.records import SECTION_KINDS

    if f.field == "year" and not (f.value.isdigit() and 1900 <= int(f.value) <= 2100):
        raise QueryError(_("year:{value} is not a year; write it as year:2024.").format(value=f.value))
    if f.field == "type" and canonical_type(f.value) is None:
        raise QueryError(_("type:{value} names no document type; write it as type:KH or type:\"kế hoạch\".").format(value=f.value))
    from ..vocabulary import canonical

    if f.field == "section" and canonical("kind", f.value) not in SECTION_KINDS:
        raise QueryError(_("section:{value} is not a section kind; use one of {kinds}.").format(
            value=f.value, kinds=", ".join(SECTION_KINDS)))


#: ``list --sort`` keys → the hit attribute they sort by.
SORT_KEYS = {"date": "issued", "number": "number", "title": "title", "type": "doc_type", "issuer": "issuer"}


def sort_hits(hits: list[Hit], sort: str, reverse: bool = False) -> list[Hit]:
    """Hits ordered by ``sort`` (SORT_KEYS); dates newest first unless ``reverse``, other keys
    ascending unless ``reverse``. Hits lacking the value come last in both directions; numbers
    compare by their digits as numbers (2/KH before 10/KH); words by their folded form, then
    as written."""
    from ..text.normalize import folded_key

    attr = SORT_KEYS[sort]
    newest_first = (sort == "date") != reverse

    def key(h: Hit):
        v = (getattr(h, attr) or "").strip()
        if sort == "number":
            import re

            return tuple((0, int(t), "") if t.isdigit() else (1, 0, folded_key(t)) for t in re.split(r"(\d+)", v) if t)
        if sort == "date":
            return v
        return (folded_key(v), v)

    # Ties fall in id order whatever the engine's own order (the same listing on every engine)
    present = sorted((h for h in hits if (getattr(h, attr) or "").strip()), key=lambda h: h.id)
    missing = sorted((h for h in hits if not (getattr(h, attr) or "").strip()), key=lambda h: h.id)
    present.sort(key=key, reverse=newest_first)
    return present + missing


class SearchService:
    def __init__(self, store: Store, index: SearchIndex) -> None:
        self.store = store
        self.index = index

    def search(self, query: str, *, filters: Filters | None = None, limit: int = 10, page: int = 1,
               sort: str = "relevance", snippets: bool = True, suggest: bool = True) -> SearchResult:
        filters = filters or Filters()
        q = validate(query, filters)
        request = plan_search(q, filters)
        page = max(page, 1)
        runs = adjacent_runs(q) if sort == "relevance" else []
        if runs:
            # The best RERANK_DEPTH candidates are re-ranked (.ranking); the page is then cut
            # from that order.
            res = self.index.search(request, limit=max(page * limit, RERANK_DEPTH), sort=sort,
                                    positions=tuple(w for r in runs for w in r), positions_depth=RERANK_DEPTH)
            head = rerank(res.hits[:RERANK_DEPTH], runs)
            found = (head + res.hits[RERANK_DEPTH:])[(page - 1) * limit:page * limit]
        else:
            res = self.index.search(request, limit=limit, offset=(page - 1) * limit, sort=sort)
            found = res.hits
        words = q.positive_words()
        hits = []
        bodies = self.store.read_bodies([ih.id for ih in found]) if snippets else {}
        for ih in found:
            hit = Hit.from_fields(ih.id, ih.score, ih.fields)
            if snippets and not self._annotate(hit, bodies.get(ih.id), ih.fields.get("outline") or "", words, filters):
                continue  # store and index disagree; `check` reports it
            hits.append(hit)
        result = SearchResult(query=query, total=res.total, hits=hits, page=page, limit=limit)
        if res.total == 0 and suggest:
            result.suggestions = self._suggestions(q, filters)
            result.drop_filters = self._droppable_filters(q, filters)
        return result

    def _annotate(self, hit: Hit, body: str | None, outline: str, words: list[Word], filters: Filters) -> bool:
        """Matched sections and a snippet from the stored body; False when it could not be read."""
        from .snippets import has_match, make_snippet, section_spans

        if body is None:
            return False
        try:
            spans = section_spans(body, outline)
        except ValueError:
            return False
        found = [sp for sp in spans if has_match(sp.text, words)] if words else []
        if filters.section:
            found = [sp for sp in found if sp.kind == filters.section] or found
        hit.sections = list(dict.fromkeys(sp.kind for sp in found))
        hit.section_headings = [sp.label for sp in found]
        text = "\n".join(sp.text for sp in found) if filters.section and found else spans.body
        sn = make_snippet(text, words)
        hit.snippet, hit.spans, hit.terms = sn.text, sn.spans, sn.terms
        return True

    def _count(self, q: Query, filters: Filters) -> int:
        return self.index.search(plan_search(q, filters), limit=0).total  # a count: nothing ranked

    def _suggestions(self, q: Query, filters: Filters) -> list[str]:
        """Spelling corrections of the query that have hits (never one that finds nothing).

        Bounded, so that a query of nonsense stays fast: the first SUGGEST_WORDS distinct words
        of a sensible length are tried, within SUGGEST_SECONDS."""
        import time

        deadline = time.monotonic() + SUGGEST_SECONDS
        out: list[str] = []
        words = [c for c in q.clauses if isinstance(c, Word)]
        tried: set[str] = set()
        for w in words:
            if w.folded in tried or not 2 <= len(w.folded) <= SUGGEST_MAX_LENGTH:
                continue
            tried.add(w.folded)
            if len(tried) > SUGGEST_WORDS or time.monotonic() > deadline:
                break
            for cand in self.index.suggest(w.folded, limit=3):
                fixed = " ".join(cand if x.folded == w.folded else x.text for x in words)
                if time.monotonic() > deadline:
                    return out
                if fixed not in out and self._count(parse_query(fixed), filters):
                    out.append(fixed)
                if len(out) >= 3:
                    return out
        return out

    def _droppable_filters(self, q: Query, filters: Filters) -> list[str]:
        if filters.is_empty() or q.is_empty:
            return []
        return filters.describe() if self._count(q, Filters()) else []

    def list(self, filters: Filters | None = None, *, sort: str = "date", limit: int | None = None,
             reverse: bool = False) -> list[Hit]:
        """Documents matching the filters, sorted whole before ``limit`` cuts the list. Newest
        first by date (``reverse``: oldest first); the other keys ascend. A document without
        the sort key's value comes last either way."""
        request = plan_search(parse_query(""), filters or Filters())
        res = self.index.search(request, limit=ALL, sort="date" if sort == "date" else "relevance")
        hits = sort_hits([Hit.from_fields(h.id, h.score, h.fields) for h in res.hits], sort, reverse)
        return hits[:limit] if limit else hits

    def with_ids(self, ids: list[str]) -> list[Hit]:
        """The hits of these documents (to tell ambiguous candidates apart), in the given order."""
        from ..index import plan as P

        if not ids:
            return []
        res = self.index.search(P.Search(P.Any(tuple(P.Key("id", i) for i in ids))), limit=len(ids))
        found = {h.id: Hit.from_fields(h.id, h.score, h.fields) for h in res.hits}
        return [found[i] for i in ids if i in found]

    def with_bare_number(self, digits: str) -> list[Hit]:
        """Documents whose number starts with ``digits`` then a separator (``2820`` →
        ``2820/QĐ-UBND``): the number's first word is in every document's head passage."""
        from ..index import plan as P
        import re

        res = self.index.search(P.Search(P.Word(digits)), limit=ALL, sort="date")
        start = re.compile(re.escape(digits) + r"(?!\d)")
        return [Hit.from_fields(h.id, h.score, h.fields) for h in res.hits
                if start.match((h.fields.get("number") or "").strip())]

    def with_number(self, number: str) -> list[Hit]:
        """The documents whose number is ``number`` (any spelling of it)."""
        return self.with_numbers([number]).get(number_key(number), [])

    def with_numbers(self, numbers: list[str]) -> dict[str, list[Hit]]:
        """For each number's key, the documents that carry it; one search for all of them."""
        from ..index import plan as P

        keys = sorted({number_key(n) for n in numbers if n})
        if not keys:
            return {}
        res = self.index.search(P.Search(P.Any(tuple(P.Key("number", k) for k in keys))), limit=ALL, sort="date")
        out: dict[str, list[Hit]] = {}
        for h in res.hits:
            out.setdefault(number_key(h.fields.get("number") or ""), []).append(Hit.from_fields(h.id, h.score, h.fields))
        return out

    def similar(self, doc: Document, limit: int = 10) -> list[Hit]:
        """Documents sharing the document's key terms: its 15 words of highest tf·idf."""
        import math
        from collections import Counter

        from ..index import plan as P
        from ..index.records import passages_of

        counts = Counter(w for p in passages_of(doc) for w in p.folded if len(w) > 1 and not w.isdigit())
        if not counts:
            return []
        total, df = self.index.doc_frequencies(list(counts))
        weight = {w: tf * math.log((total + 1) / (df.get(w, 0) + 1)) for w, tf in counts.items() if df.get(w)}
        keys = sorted(weight, key=lambda w: (-weight[w], w))[:15]
        if not keys:
            return []
        request = P.Search(P.All((P.Any(tuple(P.Word(k) for k in keys)), P.Not(P.Key("id", doc.id)))))
        res = self.index.search(request, limit=limit)
        return [Hit.from_fields(h.id, h.score, h.fields) for h in res.hits]

    def refs(self, doc: Document) -> RefsReport:
        cites = []
        seen = set()
        numbers = self.with_numbers([r.number for r in doc.parsed.references if r.number])
        for r in doc.parsed.references:
            key = (r.number or "", tuple(r.numbers), r.doc_type)
            if key in seen:
                continue
            seen.add(key)
            ids: list[str] = []
            if r.number:
                for h in numbers.get(number_key(r.number), []):
                    if h.id != doc.id and (not r.issued or not h.issued or r.issued[:4] == h.issued[:4]):
                        ids.append(h.id)
            cites.append(CitedDocument(r, ids))
        cited_by = []
        if doc.parsed.number:
            res = self.index.search(plan_key("cites", number_key(doc.parsed.number)), limit=ALL, sort="date")
            cited_by = sort_hits([Hit.from_fields(h.id, h.score, h.fields) for h in res.hits if h.id != doc.id], "date")
        return RefsReport(doc.id, cites, cited_by)
