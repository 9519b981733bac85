"""Plan nodes (:mod:`archive_cli.index.plan`) compiled into SQL over the PostgreSQL engine's
tables (:mod:`.schema`): a condition and a score, each a fragment with ``%s`` placeholders and
the list of values bound to them. No value is ever written into the SQL text.

- a word: the document vector ``@@`` the word (GIN finds the candidates);
- a phrase: every word in the document vector, and the phrase (``<->``) in one chunk, so it
  stands whole inside one passage;
- section scope: the word or phrase in a chunk of that kind;
- keys: columns and arrays (``@>``, GIN); the date range: the ISO date column.

The score is the engine's first ranking, refined above the seam (:mod:`archive_cli.search.ranking`):
``ts_rank`` over the weighted document vector (title above body, a word as written above its
folded view) summed over the query's words, and a key's boost where a key matches (a typed number
ranks its document first).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..index import plan as p
from .vectors import RANK_WEIGHTS, all_query, phrase_query

TEXT_COLUMN = {"text": "d.text_tsv", "title": "d.title_tsv", "issuer": "d.issuer_tsv"}
#: plan key field → (column, is an array)
KEY_COLUMN = {"id": ("d.id", False), "number": ("d.number_keys", True), "cites": ("d.cites", True),
              "type": ("d.type_key", False), "year": ("d.year", False), "tag": ("d.tags", True),
              "issuer_word": ("d.issuer_words", True), "kind": ("d.kinds", True)}
#: ts_rank normalisation 1: divided by 1 + log(length), so a long text's many mentions do not
#: outweigh a short text about the thing.
RANK_NORMALISATION = 1


@dataclass
class Fragment:
    sql: str
    params: list = field(default_factory=list)


FALSE = Fragment("FALSE")
TRUE = Fragment("TRUE")
ZERO = Fragment("0")


def _rank(column: str, tsquery: str, boost: float) -> Fragment:
    return Fragment(f"ts_rank(%s::real[], {column}, %s::tsquery, {RANK_NORMALISATION}) * %s",
                    [RANK_WEIGHTS, tsquery, boost])


def _join(parts: list[Fragment], op: str, empty: Fragment) -> Fragment:
    if not parts:
        return empty
    if len(parts) == 1:
        return parts[0]
    return Fragment("(" + f" {op} ".join(f.sql for f in parts) + ")", [v for f in parts for v in f.params])


def _words_of(node) -> tuple[str, ...]:
    return node.words if isinstance(node, p.Phrase) else (node.word,)


def _in_chunks(words: tuple[str, ...], kind: str | None) -> Fragment:
    """Documents with ``words`` side by side inside one chunk (of ``kind``, when given)."""
    q = phrase_query(words)
    if q is None:
        return FALSE
    prefilter = all_query(words)
    where_kind = " AND c.kind = %s" if kind else ""
    return Fragment(f"(d.text_tsv @@ %s::tsquery AND d.id IN (SELECT c.id FROM archive.chunks c WHERE c.tsv @@ %s::tsquery{where_kind}))",
                    [prefilter, q] + ([kind] if kind else []))


def condition(node) -> Fragment:
    """The SQL condition a document meets when ``node`` matches it."""
    if isinstance(node, p.Word):
        q = all_query((node.word,))
        return FALSE if q is None else Fragment(f"{TEXT_COLUMN[node.field]} @@ %s::tsquery", [q])
    if isinstance(node, p.Phrase):
        if len(node.words) == 1:
            return condition(p.Word(node.words[0], node.field))
        if node.field == "text":
            return _in_chunks(node.words, None)
        q = phrase_query(node.words)  # titles and issuers are short: their positions are exact
        return FALSE if q is None else Fragment(f"{TEXT_COLUMN[node.field]} @@ %s::tsquery", [q])
    if isinstance(node, p.InSection):
        return _in_chunks(_words_of(node.node), node.kind)
    if isinstance(node, p.Key):
        column, is_array = KEY_COLUMN[node.field]
        if "\x00" in node.value:
            return FALSE
        if is_array:
            return Fragment(f"{column} @> ARRAY[%s]::text[]", [node.value])
        return Fragment(f"{column} = %s", [node.value])
    if isinstance(node, p.Range):
        if node.field != "issued" or "\x00" in node.lo + node.hi:
            raise TypeError(f"no range on {node.field!r}")
        return Fragment("(d.issued <> '' AND d.issued >= %s AND d.issued <= %s)", [node.lo, node.hi])
    if isinstance(node, p.All):
        parts = [n for n in node.nodes if not isinstance(n, p.Every)]
        pos = [condition(n) for n in parts if not isinstance(n, p.Not)]
        neg = [condition(n.node) for n in parts if isinstance(n, p.Not)]
        return _join(pos + [Fragment(f"NOT COALESCE({f.sql}, FALSE)", f.params) for f in neg], "AND", TRUE)
    if isinstance(node, p.Any):
        return _join([condition(n) for n in node.nodes], "OR", FALSE)
    if isinstance(node, p.Not):
        f = condition(node.node)
        return Fragment(f"NOT COALESCE({f.sql}, FALSE)", f.params)
    if isinstance(node, p.Every):
        return TRUE
    raise TypeError(f"not a plan node: {node!r}")


def score(node) -> Fragment:
    """How well a matching document fits ``node`` (0 for conditions that do not rank)."""
    if isinstance(node, p.Word):
        q = all_query((node.word,))
        return ZERO if q is None else _rank(TEXT_COLUMN[node.field], q, node.boost)
    if isinstance(node, p.Phrase):
        # the words' weight, twice: a phrase says more than its words anywhere
        q = all_query(node.words)
        return ZERO if q is None else _rank(TEXT_COLUMN[node.field], q, 2.0 * node.boost * len(node.words))
    if isinstance(node, p.InSection):
        return score(node.node)
    if isinstance(node, p.Key):
        cond = condition(node)
        return Fragment(f"(CASE WHEN {cond.sql} THEN %s ELSE 0 END)", cond.params + [node.boost])
    if isinstance(node, (p.All, p.Any)):
        parts = [score(n) for n in node.nodes if not isinstance(n, (p.Not, p.Every, p.Range))]
        parts = [f for f in parts if f.sql != "0"]
        if isinstance(node, p.All):
            parts += _proximity(node)
        return _join(parts, "+", ZERO)
    return ZERO


#: How much words standing close together weigh beside the words themselves.
PROXIMITY_BOOST = 4.0


def _proximity(node: p.All) -> list[Fragment]:
    """Cover density (``ts_rank_cd``) of the conjunction's plain words: documents where they
    stand close together first, as the re-ranking above the seam then orders by adjacency
    (it only sees the best candidates, so the candidates must already favour them)."""
    words = [n.word for n in node.nodes if isinstance(n, p.Word) and n.field == "text"]
    if len(words) < 2:
        return []
    q = all_query(tuple(dict.fromkeys(words)))
    if q is None:
        return []
    return [Fragment(f"ts_rank_cd(%s::real[], d.text_tsv, %s::tsquery, {RANK_NORMALISATION}) * %s",
                     [RANK_WEIGHTS, q, PROXIMITY_BOOST])]


def compile_search(request: p.Search) -> tuple[Fragment, Fragment]:
    """(condition, score) of a whole request: filters join the condition and do not score; a
    request of filters alone scores every document it keeps alike."""
    where = condition(request.query)
    rank = score(request.query)
    if request.filters is not None:
        flt = condition(request.filters)
        where = _join([where, flt], "AND", TRUE) if where.sql != "TRUE" else flt
        if isinstance(request.query, p.Every):
            rank = Fragment("1")
    return where, rank
