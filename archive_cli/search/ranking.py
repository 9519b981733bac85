"""Ranking above the index, the same for every engine (SPEC §5).

An engine ranks by BM25F over the exact and folded views at once. This re-ranks its best
candidates:

- words that stand together rank above scattered ones (from the positions the engine reports),
  and most of all when they stand together in the title;
- for a query of one or two words typed without diacritics, documents holding a word exactly
  as typed ("ma" itself, not only "má") rank above those that hold only accented forms (from
  the candidates' stored text).
"""
from __future__ import annotations

from collections.abc import Callable

from ..index import IndexHit
from ..text.analysis import fold_token, tokens
from .query import Query, Word

#: Candidates re-ranked; always the same set, so every page is a slice of one order: the
#: re-ranked head, then the rest in the engine's order.
RERANK_DEPTH = 50
#: Score factor for a document holding every unaccented query word exactly as typed.
LITERAL_FACTOR = 1.5
#: How much of a stored body the literal check reads (a long law need not be read whole).
LITERAL_CHARS = 200_000


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


def literal_words(q: Query) -> list[str]:
    """The words of a one- or two-word query typed without diacritics that an accented word
    also folds to: the ones whose exact form decides the order."""
    plain = [c for c in q.clauses if isinstance(c, Word) and c.field is None]
    if not 1 <= len(plain) <= 2:
        return []
    return [c.text for c in plain if not c.exact]


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


def rerank(hits: list[IndexHit], runs: list[list[str]], literal: list[str],
           body: Callable[[str], str | None]) -> list[IndexHit]:
    """Order hits by score × (1 + share of the query's word pairs found side by side), doubled
    for each run of query words found whole, in order ("tài chính ngân sách"), and again for
    each found whole in the title; × LITERAL_FACTOR where every ``literal`` word stands as typed
    in the stored text ``body(id)``."""
    wanted = {(a, b) for r in runs for a, b in zip(r, r[1:])}
    for h in hits:
        if wanted:
            where = {w: set(p) for w, p in (h.positions or {}).items()}
            together = {(a, b) for a, b in wanted if in_order(where, (a, b))}
            factor = 1.0 + len(together) / len(wanted)
            if together:
                title = _title_positions(h.fields.get("title") or "")
                factor *= 2 ** sum(in_order(where, r) + in_order(title, r) for r in runs)
            h.score *= factor
        if literal:
            text = body(h.id)
            if text is not None and set(literal) <= set(tokens((h.fields.get("title") or "") + "\n" + text[:LITERAL_CHARS])):
                h.score *= LITERAL_FACTOR
    return sorted(hits, key=lambda x: (-round(x.score, 6), x.id))
