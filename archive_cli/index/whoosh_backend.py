"""The Whoosh implementation of the search index (SPEC §5b).

Layout::

    index/CURRENT       {"generation": "g000003", "schema": N}  — replaced atomically
    index/g000003/      a Whoosh index

``reindex`` builds a new generation beside the live one and swaps CURRENT, so a failed rebuild
leaves the old index working. Fields carry pre-analysed, space-separated terms (see
:mod:`.fields`), so the pickled schema holds only Whoosh's own classes.
"""
from __future__ import annotations

import itertools
import json
import time
from contextlib import contextmanager
from functools import cache
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import IndexProblem
from ..fsutil import atomic_write
from ..i18n import _
from ..query import Query
from . import Filters, IndexHit, IndexResults
from .fields import IndexRecord

#: Bump when the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 8

#: Documents per commit when rebuilding (see _new_generation).
REBUILD_BATCH = 1000

STORED_FIELDS = ("id", "stamp", "title", "doc_type", "number", "issuer", "issued", "sha256")

def make_schema():
    from whoosh.columns import VarBytesColumn
    from whoosh.fields import COLUMN, ID, KEYWORD, STORED, Schema

    from .terms import PositionsTermsField, TermsField

    def terms(boost: float = 1.0) -> TermsField:
        return TermsField(scorable=True, field_boost=boost)

    fields = dict(
        id=ID(stored=True, unique=True, sortable=True),
        stamp=STORED(), title=STORED(), doc_type=STORED(), number=STORED(), issuer=STORED(),
        sha256=STORED(), secmap=STORED(),
        issued=ID(stored=True, sortable=True),
        # Unscored fields keep Whoosh's own KEYWORD: TermsField is only used scored (a
        # presence-only TermsField broke segment merges: IndexError reading postings).
        type=ID(), year=ID(), tags=KEYWORD(commas=True), issuer_f=KEYWORD(),
        # Positions only on the folded view: phrases are checked there (plus the exact words).
        all_x=terms(), all_f=PositionsTermsField(), title_f=terms(),
        numkey=KEYWORD(), cites=KEYWORD(),
        # Where each top-level section's words are in all_f (see fields.section_spans).
        spans=COLUMN(VarBytesColumn()),
    )
    return Schema(**fields)


def _doc_fields(r: IndexRecord) -> dict[str, str]:
    d = dict(
        id=r.id, stamp=r.stamp, title=r.title, doc_type=r.doc_type, number=r.number,
        issuer=r.issuer, sha256=r.sha256, issued=r.issued, type=r.type_key, year=r.year,
        tags=r.tags, issuer_f=r.issuer_f, all_x=r.all_x, all_f=r.all_f,
        title_f=r.title_f, numkey=r.number_keys, cites=r.cites,
        secmap=r.secmap, spans=r.spans,
    )
    d.update(r.analysed)  # postings analysed in a worker replace the (emptied) term strings
    # Whoosh rejects empty ID values for sortable columns less gracefully than a placeholder.
    return {k: v for k, v in d.items() if v != "" or k in ("issued",)}


ANALYSED_FIELDS = ("all_x", "all_f", "title_f")


def analyse(r: IndexRecord) -> IndexRecord:
    """Turn the record's term fields into postings now (see terms.Analysed), so that the
    process writing the index only adds document numbers; empties the strings they came from."""
    schema = _schema()
    for name in ANALYSED_FIELDS:
        text = getattr(r, name)
        if text:
            r.analysed[name] = schema[name].analyse(text)
            setattr(r, name, "")
    return r


@cache
def _schema():
    """The schema's field objects (immutable once built) for analysing records."""
    return make_schema()


class WhooshIndex:
    def __init__(self, path: Path, *, wait: float = 5.0) -> None:
        self.path = path
        self.wait = wait
        self._ix = None

    # --- generations -------------------------------------------------------------------------
    def _current(self) -> dict | None:
        try:
            return json.loads((self.path / "CURRENT").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (ValueError, OSError):
            return {}

    def exists(self) -> bool:
        return self._current() is not None

    def state(self) -> str:
        """ok | missing | outdated | broken — what check reports about the index itself."""
        cur = self._current()
        if cur is None:
            return "missing"
        if cur.get("schema") != SCHEMA_VERSION:
            return "outdated"
        try:
            self._open()
            self._files().close()  # what a search reads (see .segfiles)
        except IndexProblem:
            return "broken"
        return "ok"

    def _generation_folder(self) -> Path:
        """The live generation's folder; IndexProblem naming the fix when there is none or it
        is of another schema version."""
        cur = self._current()
        if cur is None:
            raise IndexProblem(_("The index is missing; run `archive reindex` to rebuild it from the store."))
        if cur.get("schema") != SCHEMA_VERSION or "generation" not in cur:
            raise IndexProblem(_("The index was built by another version of archive-cli; run `archive reindex` to rebuild it."))
        return self.path / cur["generation"]

    def _open(self):
        if self._ix is not None:
            return self._ix
        folder = self._generation_folder()
        from whoosh import index as windex

        try:
            self._ix = windex.open_dir(str(folder))
        except Exception as exc:  # any failure to open is the same problem for the user
            raise IndexProblem(
                _("The index will not open ({reason}); run `archive check --repair` to rebuild it.").format(
                    reason=type(exc).__name__)
            ) from None
        return self._ix

    def ensure_open(self) -> None:
        """Raise the IndexProblem that names the fix when the index cannot be used."""
        self._open()

    def create_if_missing(self) -> None:
        if self._current() is None:
            self._new_generation([], first=True)

    def _new_generation(self, records: Iterable[IndexRecord], first: bool = False) -> int:
        from whoosh import index as windex

        self.path.mkdir(parents=True, exist_ok=True)
        live = (self._current() or {}).get("generation")
        existing = sorted(p.name for p in self.path.glob("g[0-9]*") if p.is_dir())
        n = int(existing[-1][1:]) + 1 if existing else 1
        gen = f"g{n:06d}"
        gdir = self.path / gen
        if gdir.exists():
            import shutil  # here: it loads bz2 and lzma, which a search never needs

            shutil.rmtree(gdir)
        gdir.mkdir()
        ix = windex.create_in(str(gdir), make_schema())
        count = 0
        # Commits of REBUILD_BATCH documents keep Whoosh's posting pool in memory (a pool that
        # overflows is sorted through files, a Python-speed heap merge); then one streaming
        # merge leaves a single segment, the fastest to search.
        it = iter(records)
        while True:
            with _writer(ix, self.wait) as w:
                added = 0
                for r in itertools.islice(it, REBUILD_BATCH):
                    w.add_document(**_doc_fields(r))
                    added += 1
            count += added
            self._merge_small(ix)
            if added < REBUILD_BATCH:
                break
        segments = ix._segments()
        if len(segments) > 1:
            from .codec import streaming_merge

            with _writer(ix, self.wait, mergetype=streaming_merge(segments)):
                pass
        _fsync_tree(gdir)
        atomic_write(self.path / "CURRENT",
                     json.dumps({"generation": gen, "schema": SCHEMA_VERSION}).encode())
        self._ix = None
        # Keep the generation just replaced (a reader may still be using it); drop the others,
        # including half-built ones left by a killed reindex.
        keep = {gen, live}
        for name in existing:
            if name not in keep:
                import shutil

                shutil.rmtree(self.path / name, ignore_errors=True)
        return count

    # --- writing -----------------------------------------------------------------------------
    def add(self, records: Iterable[IndexRecord], *, replace: bool = True) -> int:
        ix = self._open()
        count = 0
        with _writer(ix, self.wait) as w:
            for r in records:
                if replace:
                    w.update_document(**_doc_fields(r))
                else:
                    w.add_document(**_doc_fields(r))
                count += 1
        self._merge_small(ix)
        _fsync_tree(Path(ix.storage.folder))
        return count

    def _merge_small(self, ix) -> None:
        """Merge segments level by level (see codec.choose_merge), each merge one commit."""
        from .codec import choose_merge, streaming_merge

        for _attempt in range(16):
            chosen = choose_merge(ix._segments())
            if not chosen:
                return
            with _writer(ix, self.wait, mergetype=streaming_merge(chosen)):
                pass

    def delete(self, ids: Iterable[str]) -> int:
        ix = self._open()
        count = 0
        with _writer(ix, self.wait) as w:
            for doc_id in ids:
                count += w.delete_by_term("id", doc_id)
        _fsync_tree(Path(ix.storage.folder))
        return count

    def rebuild(self, records: Iterable[IndexRecord]) -> int:
        return self._new_generation(records)

    # --- reading -----------------------------------------------------------------------------
    def _searcher(self):
        from whoosh import scoring

        return self._open_retrying(lambda ix: ix.searcher(weighting=scoring.BM25F()))

    def stamps(self) -> dict[str, str]:
        with self._searcher() as s:
            return {f["id"]: f.get("stamp", "") for f in s.reader().all_stored_fields()}

    def all_stored(self) -> Iterator[dict]:
        with self._searcher() as s:
            yield from s.reader().all_stored_fields()

    def ids_for_number(self, key: str) -> list[str]:
        from whoosh.query import Term

        with self._searcher() as s:
            return [h["id"] for h in s.search(Term("numkey", key), limit=None)]

    def numbers_lookup(self, keys: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        """For each number key, the (id, issued) of the documents that carry it."""
        from whoosh.query import Term

        out: dict[str, list[tuple[str, str]]] = {}
        with self._searcher() as s:
            for key in set(keys):
                hits = s.search(Term("numkey", key), limit=None)
                if len(hits):
                    out[key] = [(h["id"], h.get("issued", "")) for h in hits]
        return out

    def has_ids(self, ids: Iterable[str]) -> dict[str, str]:
        """The stamps of those of ``ids`` that are in the index."""
        out = {}
        with self._searcher() as s:
            for doc_id in ids:
                f = s.document(id=doc_id)
                if f is not None:
                    out[doc_id] = f.get("stamp", "")
        return out

    def citing(self, key: str) -> list[IndexHit]:
        from whoosh.query import Term

        with self._searcher() as s:
            return [IndexHit(h["id"], h.score, dict(h.fields()))
                    for h in s.search(Term("cites", key), limit=None, sortedby="issued", reverse=True)]

    def suggest(self, word: str, limit: int = 3) -> list[str]:
        with self._searcher() as s:
            return list(s.suggest("all_f", word, limit=limit, maxdist=2))

    def similar(self, doc_id: str, text_terms: str, limit: int) -> list[IndexHit]:
        from whoosh.query import Or as WOr, Term, Not as WNot, And as WAnd

        with self._searcher() as s:
            keys = [t for t, _w in s.key_terms_from_text("all_f", text_terms, numterms=15)]
            if not keys:
                return []
            q = WAnd([WOr([Term("all_f", k) for k in keys]), WNot(Term("id", doc_id))])
            return [IndexHit(h["id"], h.score, dict(h.fields())) for h in s.search(q, limit=limit)]

    def search(self, query: Query, filters: Filters, *, limit: int = 10, page: int = 1,
               sort: str = "relevance", positions: tuple[str, ...] = (),
               positions_depth: int = 0) -> IndexResults:
        """A page of hits; the first ``positions_depth`` carry where each of the folded words
        ``positions`` stands in their body (read from the postings of those documents only)."""
        from .engine import Evaluator
        from .plan import build_plan

        plan, flt = build_plan(query, filters)
        page = max(page, 1)
        with self._files() as files:
            # Every match is scored and ordered here (see .engine), not by Whoosh's top-N
            # collector: its block-quality skipping dropped top hits of our queries, and a top-N
            # cut among equal scores let pages repeat and skip documents. Ties are broken by
            # id, so results do not depend on the order the documents were indexed in.
            try:
                ev = Evaluator(files)
                scores = ev.run(plan)
                if flt is not None and scores:
                    allowed = ev.docs(flt)
                    scores = {d: sc for d, sc in scores.items() if d in allowed}
                chosen = _page(scores, files, sort, (page - 1) * limit, page * limit)
                hits = [IndexHit(f["id"], scores[d] if sort != "date" else 0.0, f)
                        for d in chosen for f in [files.stored_fields(d)]]
                if positions and positions_depth:
                    from .fields import head_length

                    head = chosen[:positions_depth]
                    where = {w: files.positions("all_f", w, head) for w in dict.fromkeys(positions)}
                    for d, h in zip(head, hits):
                        # all_f starts with the title, type, number and issuer: only the body's
                        # words count (a title's last word is not "next to" the type's first)
                        body = head_length(h.stored)
                        h.positions = {w: [p for p in found[d] if p >= body] for w, found in where.items() if d in found}
            except Exception as exc:  # damage found while reading the segment files
                raise IndexProblem(
                    _("The index is damaged ({reason}); run `archive reindex` to rebuild it from the store.").format(
                        reason=type(exc).__name__)) from None
            return IndexResults(total=len(scores), hits=hits)

    def _files(self):
        """The index's files as of its newest commit, read without Whoosh (see .segfiles)."""
        from .segfiles import open_files

        for attempt in range(3):
            folder = self._generation_folder()
            try:
                return open_files(folder)
            except FileNotFoundError:
                # A rebuild swapped generations and dropped this one meanwhile: read CURRENT again.
                if attempt == 2 or folder.is_dir():
                    raise IndexProblem(_("The index will not open; run `archive check --repair` to rebuild it.")) from None
            except Exception as exc:  # any failure to open is the same problem for the user
                raise IndexProblem(
                    _("The index will not open ({reason}); run `archive check --repair` to rebuild it.").format(
                        reason=type(exc).__name__)) from None
        raise AssertionError("unreachable")

    def _open_retrying(self, make):
        """``make(ix)`` — a searcher, fresh per call: Searcher.refresh() duplicates
        hits after merges (SPEC §5b). A writer may delete merged segment files between our
        reading the table of contents and opening them: open again from the newer TOC, a few
        times, before giving up."""
        for attempt in range(5):
            try:
                return make(self._open())
            except IndexProblem:
                raise
            except (OSError, EOFError, ValueError, KeyError):
                if attempt == 4:
                    raise IndexProblem(_("The index will not open; run `archive check --repair` to rebuild it.")) from None
                self._ix = None
                time.sleep(0.05 * (attempt + 1))


def _page(scores: dict[int, float], files, sort: str, lo: int, hi: int) -> list[int]:
    """The docnums at positions [lo, hi) of the full ordering: by score (rounded, so that float
    noise does not order documents) or date, ties by id. Ids are looked up only for the ties
    around the page, not for every match."""
    from heapq import nlargest

    if sort == "date":
        value = files.column_value
        return sorted(scores, key=lambda d: (value("issued", d), value("id", d)), reverse=True)[lo:hi]
    if lo >= len(scores):
        return []
    hi = min(hi, len(scores))
    # Only the documents that can stand at or above position hi are rounded and sorted: those
    # within rounding noise (5e-7) of the hi-th best score; the rest rank strictly lower.
    floor = nlargest(hi, scores.values())[-1] - 2e-6
    keyed = sorted(((-round(s, 6), d) for d, s in scores.items() if s >= floor), key=lambda t: t[0])
    a, b = lo, hi
    while a > 0 and keyed[a - 1][0] == keyed[lo][0]:
        a -= 1
    while b < len(keyed) and keyed[b][0] == keyed[hi - 1][0]:
        b += 1
    value = files.column_value
    window = sorted(keyed[a:b], key=lambda t: (t[0], value("id", t[1])))
    return [d for _s, d in window[lo - a:hi - a]]


@contextmanager
def _writer(ix, wait: float, mergetype=None):
    """A Whoosh writer that always lets go of its lock.

    Whoosh's own ``with ix.writer()`` leaves WRITELOCK held when ``commit`` itself raises, and
    every later write in the process then fails with LockError. Errors while adding cancel the
    writer (never cancel-then-commit); errors in commit release the lock and propagate.
    """
    from whoosh.index import LockError

    from .codec import lean_writer

    try:
        # compound=False: reading a compound segment copies each of its files into memory on
        # every open (a BytesIO over the mmap), 50 ms per search at 10,000 documents.
        w = lean_writer(ix, timeout=wait, limitmb=256, compound=False)
    except LockError:
        raise IndexProblem(_("The index is locked by another writer; try again later.")) from None
    try:
        yield w
    except BaseException:
        w.cancel()
        raise
    try:
        # New documents become a segment of their own; merging is done by _merge_small.
        w.commit(mergetype=mergetype, merge=False)
    except BaseException:
        if w.writelock is not None:
            try:
                w.writelock.release()
            except Exception:
                pass
        raise


def _fsync_tree(folder: Path) -> None:
    """Whoosh does not fsync (SPEC §5b): flush its files and the folder after a commit."""
    import os

    from ..fsutil import fsync_dir

    for p in folder.iterdir():
        if p.is_file() and not p.name.endswith(".lock"):
            try:
                fd = os.open(p, os.O_RDONLY)
            except OSError:
                continue
            try:
                os.fsync(fd)
            except OSError:
                pass
            finally:
                os.close(fd)
    fsync_dir(folder)
