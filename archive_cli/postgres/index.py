"""The PostgreSQL engine behind the index seam (:class:`archive_cli.index.SearchIndex`).

Records arrive analysed (:mod:`archive_cli.index.records`); :mod:`.vectors` turns them into
tsvectors, :mod:`.compile` turns plan nodes into SQL with bound values. Writes happen inside
the caller's transaction when one is open (an import stores a document and indexes it in one
transaction), else in one of their own. Readers never wait for writers (MVCC): a search sees
the archive as of its start.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..i18n import _
from ..index import IndexHit, IndexResults, IndexState
from ..index.plan import Search
from ..index.records import IndexRecord
from . import schema
from .db import Database

STORED = ("id", "stamp", "title", "doc_type", "number", "issuer", "issued", "sha256", "outline", "subtitle", "ocr")
_STORED_SQL = ", ".join(f"d.{c}" for c in STORED)


def _fields(row) -> dict:
    f = dict(zip(STORED, row))
    f["ocr"] = "1" if f["ocr"] else ""
    return f


class PgIndex:
    def __init__(self, db: Database) -> None:
        self.db = db
        #: folded words this process already added to the suggestion table (an import sends
        #: each new word once, not once per document)
        self._words_sent: set[str] = set()

    # --- life cycle --------------------------------------------------------------------------
    def state(self) -> IndexState:
        versions = schema.versions(self.db)
        if versions is None:
            return IndexState("missing", _("The index is missing."))
        if versions != (schema.SCHEMA_VERSION, schema.index_version()):
            return IndexState("outdated", _("The index was built by another version of archive-cli."))
        return IndexState("ok")

    def create(self) -> None:
        schema.migrate(self.db)

    def rebuild(self, records: Iterable[IndexRecord]) -> int:
        """Replace every entry, in one transaction: searches see the old index until it commits."""
        schema.migrate(self.db)
        with self.db.transaction():
            self.db.execute("DELETE FROM archive.entries")
            self.db.execute("DELETE FROM archive.words")
            self._words_sent.clear()
            count = self._insert(records)
            schema.set_meta(self.db, "index_version", schema.index_version())
        return count

    def leftovers(self) -> list[Path]:
        return []  # a transaction leaves nothing behind

    def clean(self) -> list[Path]:
        return []

    # --- writing -----------------------------------------------------------------------------
    def add(self, records: Iterable[IndexRecord]) -> int:
        records = list(records)
        if not records:
            return 0
        with self.db.transaction():
            # Never a prepared statement: psycopg prepares a statement after five runs, and a plan
            # made while the table was nearly empty scanned it whole for every document once it
            # had grown (a 100k import fell from 65 to 25 documents/s); planned each time, it
            # looks the ids up in the primary key.
            self.db.execute("DELETE FROM archive.entries WHERE id = ANY(%s)", [[r.id for r in records]], prepare=False)
            return self._insert(records)

    def _insert(self, records: Iterable[IndexRecord]) -> int:
        from .vectors import record_vectors

        count = 0
        words: set[str] = set()
        batch: list[IndexRecord] = []

        def flush():
            nonlocal words
            if not batch:
                return
            rows, chunk_rows = [], ([], [], [], [], [])
            for r in batch:
                v = record_vectors(r)
                rows.append((r.id, r.stamp, r.title, r.doc_type, r.number, r.issuer, r.issued, r.sha256,
                             r.outline, r.subtitle, r.ocr, r.type_key, r.year, list(r.tags), list(r.issuer_words),
                             list(r.number_keys), list(r.cites), list(r.kinds), v.text, v.title, v.issuer))
                for seq, c in enumerate(v.chunks):
                    for column, value in zip(chunk_rows, (r.id, seq, c.kind, c.start, c.vector)):
                        column.append(value)
                words |= v.folded
            with self.db.conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO archive.entries (id, stamp, title, doc_type, number, issuer, issued, sha256,"
                    " outline, subtitle, ocr, type_key, year, tags, issuer_words, number_keys, cites, kinds,"
                    " text_tsv, title_tsv, issuer_tsv) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
                    " %s, %s, %s, %s, %s, %s, %s::tsvector, %s::tsvector, %s::tsvector)", rows)
                cur.execute(
                    "INSERT INTO archive.chunks (id, seq, kind, start, tsv)"
                    " SELECT i, s, k, st, v::tsvector FROM unnest(%s::text[], %s::int[], %s::text[], %s::int[], %s::text[])"
                    " AS t(i, s, k, st, v)", list(chunk_rows))
            batch.clear()

        for r in records:
            batch.append(r)
            count += 1
            if len(batch) >= 200:
                flush()
        flush()
        words -= self._words_sent
        if words:
            self._words_sent |= words
            # sorted: two writers adding the same new words take their row locks in one order
            self.db.execute("INSERT INTO archive.words (word) SELECT unnest(%s::text[]) ORDER BY 1"
                            " ON CONFLICT DO NOTHING", [sorted(words)])
        return count

    def delete(self, ids: Iterable[str]) -> int:
        ids = list(ids)
        if not ids:
            return 0
        cur = self.db.execute("DELETE FROM archive.entries WHERE id = ANY(%s)", [ids])
        return cur.rowcount

    # --- reading -----------------------------------------------------------------------------
    def search(self, request: Search, *, limit: int, offset: int = 0, sort: str = "relevance",
               positions: tuple[str, ...] = (), positions_depth: int = 0) -> IndexResults:
        from .compile import compile_search

        where, rank = compile_search(request)
        if sort == "date":
            order = "(d.issued = '') , d.issued DESC, d.id"
            score_sql, score_params = "0", []
        else:
            order = "score DESC, d.id"
            score_sql, score_params = rank.sql, rank.params
        limit = max(int(limit), 0)
        sql = (f"SELECT {_STORED_SQL}, ({score_sql})::float8 AS score, count(*) OVER () AS total"
               f" FROM archive.entries d WHERE {where.sql} ORDER BY {order} LIMIT %s OFFSET %s")
        rows = self.db.execute(sql, score_params + where.params + [min(limit, 2**62), max(int(offset), 0)]).fetchall()
        if rows:
            total = rows[0][-1]
        elif offset > 0 or limit == 0:
            total = self.db.execute(f"SELECT count(*) FROM archive.entries d WHERE {where.sql}", where.params).fetchone()[0]
        else:
            total = 0
        hits = [IndexHit(row[0], float(row[-2]), _fields(row[:len(STORED)])) for row in rows]
        if positions and positions_depth and hits:
            head = hits[:positions_depth]
            where_pos = self._positions([h.id for h in head], list(dict.fromkeys(positions)))
            for h in head:
                h.positions = where_pos.get(h.id, {})
        return IndexResults(total=int(total), hits=hits)

    def _positions(self, ids: list[str], words: list[str]) -> dict[str, dict[str, list[int]]]:
        """Where each word stands in each document, in the document's numbering."""
        # setweight marks the asked-for words and ts_filter keeps only them, both in C, before
        # anything is unnested: a quarter of the time of unnesting every word and filtering
        rows = self.db.execute(
            "SELECT c.id, u.lexeme, c.start + p - 1 FROM archive.chunks c"
            " CROSS JOIN LATERAL unnest(ts_filter(setweight(c.tsv, 'A', %s::text[]), '{a}')) u"
            " CROSS JOIN LATERAL unnest(u.positions) p WHERE c.id = ANY(%s)",
            [words, ids]).fetchall()
        out: dict[str, dict[str, set[int]]] = {}
        for doc_id, word, pos in rows:
            out.setdefault(doc_id, {}).setdefault(word, set()).add(pos)
        return {d: {w: sorted(p) for w, p in ws.items()} for d, ws in out.items()}

    def stamps(self, ids: Iterable[str] | None = None) -> dict[str, str]:
        if ids is None:
            rows = self.db.execute("SELECT id, stamp FROM archive.entries").fetchall()
        else:
            rows = self.db.execute("SELECT id, stamp FROM archive.entries WHERE id = ANY(%s)", [list(ids)]).fetchall()
        return dict(rows)

    def verify(self) -> None:
        """PostgreSQL keeps its own files consistent; reading every entry proves the tables
        answer."""
        self.db.execute("SELECT count(*) FROM archive.entries").fetchone()
        self.db.execute("SELECT count(*) FROM archive.chunks").fetchone()

    def documents(self) -> Iterator[dict]:
        rows = self.db.execute(f"SELECT {_STORED_SQL} FROM archive.entries d ORDER BY d.id").fetchall()
        return iter([_fields(r) for r in rows])

    def doc_frequencies(self, words: Iterable[str]) -> tuple[int, dict[str, int]]:
        """(documents in the index, how many contain each word), in one round trip."""
        from .vectors import all_query

        words = list(dict.fromkeys(words))
        queries = [all_query((w,)) for w in words]
        asked = [(w, q) for w, q in zip(words, queries) if q is not None]
        rows = self.db.execute(
            "SELECT (SELECT count(*) FROM archive.entries), w,"
            " (SELECT count(*) FROM archive.entries d WHERE d.text_tsv @@ q::tsquery)"
            " FROM unnest(%s::text[], %s::text[]) AS t(w, q)",
            [[w for w, _q in asked], [q for _w, q in asked]]).fetchall()
        out = {w: 0 for w in words}
        total = rows[0][0] if rows else self.db.execute("SELECT count(*) FROM archive.entries").fetchone()[0]
        out.update({w: n for _t, w, n in rows})
        return total, out

    def suggest(self, word: str, limit: int = 3) -> list[str]:
        """Indexed folded words within two edits of ``word`` (same first letter): nearest first,
        then commonest (the order of Whoosh's corrector)."""
        if not word or "\x00" in word:
            return []
        prefix = word[0].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.db.execute(
            "SELECT word FROM archive.words WHERE word LIKE %s AND length(word) BETWEEN %s AND %s",
            [prefix, max(1, len(word) - 2), len(word) + 2]).fetchall()
        # the table holds folded words only (see _insert)
        near = {w: d for (w,) in rows if w != word for d in [_distance(word, w, 2)] if d <= 2}
        if not near:
            return []
        closest = sorted(near, key=lambda w: (near[w], w))[:24]
        df = self._counts_up_to(closest, 100)  # "commonest" needs no exact count past a hundred
        return [w for w in sorted(closest, key=lambda w: (near[w], -df[w], w)) if df[w] > 0][:limit]

    def _counts_up_to(self, words: list[str], cap: int) -> dict[str, int]:
        from .vectors import all_query

        asked = [(w, q) for w in words for q in [all_query((w,))] if q is not None]
        rows = self.db.execute(
            "SELECT w, (SELECT count(*) FROM (SELECT 1 FROM archive.entries d WHERE d.text_tsv @@ q::tsquery LIMIT %s) s)"
            " FROM unnest(%s::text[], %s::text[]) AS t(w, q)",
            [cap, [w for w, _q in asked], [q for _w, q in asked]]).fetchall()
        return {w: 0 for w in words} | dict(rows)


def _distance(a: str, b: str, bound: int = 1 << 30) -> int:
    """Damerau–Levenshtein distance (adjacent swaps count one), as Whoosh's suggestions use;
    anything above ``bound`` is reported as ``bound + 1`` as soon as it is certain."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > bound:
            return bound + 1
        prev2, prev = prev, cur
    return prev[-1]
