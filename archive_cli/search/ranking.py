"""Ranking above the index, the same for every engine (SPEC §5).

An engine ranks by BM25F over the exact and folded views at once, a word written as typed
weighing more than one that only folds to it (exact before folded). This re-ranks its best
candidates so that words that stand together rank above scattered ones (from the positions the
engine reports), most of all when they stand together in the title.
"""
from __future__ import annotations

from ..index import IndexHit
from ..text.analysis import fold_token, tokens
from .query import Query, Word

#: Candidates re-ranked; always the same set, so every page is a slice of one order: the
#: re-ranked head, then the rest in the engine's order.
RERANK_DEPTH = 50


def adjacent_runs(q: Query) -> list[list[str]]:
    """Runs of two or more plain query words typed next to each other, as the terms the index
    holds (exact when typed with diacritics, else folded)."""
    runs: list[list[str]] = [[]]
    for c in q.clauses:
        if isinstance(c, Word) and c.field is None:
            runs[-1].append(c.text if c.exact else c.folded)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if len(r) >= 2]


def in_order(where: dict[str, set[int]], run) -> bool:
    """Whether the words of ``run`` stand side by side, in order, somewhere."""
    starts = set(where.get(run[0], ()))
    for i, w in enumerate(run[1:], 1):
        here = where.get(w, ())
        starts = {s for s in starts if s + i in here}
    return bool(starts)


def _title_positions(title: str) -> dict[str, set[int]]:
    """Where each word of the title stands, under its exact and its folded view."""
    where: dict[str, set[int]] = {}
    for i, t in enumerate(tokens(title)):
        where.setdefault(t, set()).add(i)
        where.setdefault(fold_token(t), set()).add(i)
    return where


def rerank(hits: list[IndexHit], runs: list[list[str]]) -> list[IndexHit]:
    """Order hits by score × (1 + share of the query's word pairs found side by side), doubled
    for each run of query words found whole, in order ("tài chính ngân sách"), and again for
    each found whole in the title."""
    wanted = {(a, b) for r in runs for a, b in zip(r, r[1:])}
    for h in hits:
        where = {w: set(p) for w, p in (h.positions or {}).items()}
        together = {(a, b) for a, b in wanted if in_order(where, (a, b))}
        factor = 1.0 + len(together) / len(wanted)
        if together:
            title = _title_positions(h.fields.get("title") or "")
            factor *= 2 ** sum(in_order(where, r) + in_order(title, r) for r in runs)
        h.score *= factor
    return sorted(hits, key=lambda x: (-round(x.score, 6), x.id))
