"""The Whoosh engine: an archive's index in its ``index`` folder (SPEC §5b).

Layout::

    index/CURRENT       {"generation": "g000003", "version": "<schema fingerprint>"}, replaced atomically
    index/g000003/      a Whoosh index

Everything here goes through Whoosh's public API: the schema and analyzers of :mod:`.schema` and
:mod:`.analysis`, ``whoosh.query`` objects (:mod:`.queries`), searchers and collectors (a wrapping
collector for section scope, :mod:`.sections`), BM25F, and the writer. ``rebuild`` builds a new
generation beside the live one and swaps CURRENT, so a failed rebuild leaves the old index
working, and an index of another schema version is rebuilt rather than misread.
"""
from __future__ import annotations

import json
import os
import pickle
import struct
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from ...errors import IndexProblem
from ...fsutil import atomic_write
from ...i18n import _
from .. import IndexHit, IndexResults, IndexState
from ..plan import Search, has_section
from ..records import IndexRecord
from .integrity import seal

#: The writer's memory for postings before it sorts them to disk (per process; Whoosh's default).
WRITER_MB = 128

#: What reading a truncated, garbled or vanished index file raises.
DAMAGE = (OSError, EOFError, ValueError, KeyError, IndexError, zlib.error, struct.error, pickle.UnpicklingError)


def _schema_and_version():
    from .schema import make_schema, schema_version

    schema = make_schema()
    return schema, schema_version(schema)


class WhooshIndex:
    def __init__(self, path: Path, *, wait: float = 5.0) -> None:
        self.path = path
        self.wait = wait
        self._ix = None

    @cached_property
    def version(self) -> str:
        return _schema_and_version()[1]

    # --- generations -------------------------------------------------------------------------
    def _current(self) -> dict | None:
        path = self.path / "CURRENT"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except PermissionError:
            raise IndexProblem(_("The index cannot be read: permission denied for {path}.").format(path=path)) from None
        except (ValueError, OSError, UnicodeDecodeError):
            return {}
        return data if isinstance(data, dict) else {}

    def _folder(self) -> Path:
        """The live generation's folder, or the IndexProblem that names the fix."""
        cur = self._current()
        if cur is None:
            raise IndexProblem(_("The index is missing; run `archive reindex` to rebuild it from the store."))
        if cur.get("version") != self.version or not isinstance(cur.get("generation"), str):
            raise IndexProblem(_("The index was built by another version of archive-cli; run `archive reindex` to rebuild it."))
        return self.path / cur["generation"]

    def _open(self):
        if self._ix is None:
            folder = self._folder()
            from whoosh import index as windex

            from .integrity import toc_damage

            damaged = toc_damage(folder)
            if damaged:
                raise IndexProblem(_("The index is damaged ({reason}); run `archive check --repair` to rebuild it.").format(
                    reason=damaged))
            try:
                self._ix = windex.open_dir(str(folder))
            except Exception as exc:  # any failure to open is the same problem for the user
                raise IndexProblem(_("The index will not open ({reason}); run `archive check --repair` to rebuild it.").format(
                    reason=type(exc).__name__)) from None
        return self._ix

    def state(self) -> IndexState:
        try:
            cur = self._current()
        except IndexProblem as exc:
            return IndexState("broken", str(exc))
        if cur is None:
            return IndexState("missing", _("The index is missing."))
        if cur.get("version") != self.version or not isinstance(cur.get("generation"), str):
            return IndexState("outdated", _("The index was built by another version of archive-cli."))
        try:
            self._read(lambda s: s.doc_count())
        except IndexProblem as exc:
            return IndexState("broken", str(exc))
        return IndexState("ok")

    def leftovers(self) -> list[Path]:
        """Generation folders that are neither live nor the one it replaced (kept for readers
        that were still in it): half-built ones of a killed rebuild, and older ones."""
        live = (self._current() or {}).get("generation")
        names = sorted(p.name for p in self.path.glob("g[0-9]*") if p.is_dir()) if self.path.is_dir() else []
        previous = max((n for n in names if live and n < live), default=None)
        return [self.path / n for n in names if n not in (live, previous)]

    def clean(self) -> list[Path]:
        """Remove the leftovers (under the write lock: a rebuild may be writing one)."""
        import shutil

        found = self.leftovers()
        for folder in found:
            shutil.rmtree(folder, ignore_errors=True)
        return found

    def create(self) -> None:
        if self._current() is None:
            self._new_generation([])

    def rebuild(self, records: Iterable[IndexRecord]) -> int:
        return self._new_generation(records)

    def _new_generation(self, records: Iterable[IndexRecord]) -> int:
        import shutil

        from whoosh import index as windex

        from .schema import document_fields

        self.path.mkdir(parents=True, exist_ok=True)
        live = (self._current() or {}).get("generation")
        existing = sorted(p.name for p in self.path.glob("g[0-9]*") if p.is_dir())
        gen = f"g{int(existing[-1][1:]) + 1 if existing else 1:06d}"
        gdir = self.path / gen
        shutil.rmtree(gdir, ignore_errors=True)
        gdir.mkdir()
        schema, version = _schema_and_version()
        ix = windex.create_in(str(gdir), schema)
        count = 0
        with _writing(ix, self.wait) as w:
            for r in records:
                w.add_document(**document_fields(r))
                count += 1
        _fsync_tree(gdir)
        seal(gdir)
        atomic_write(self.path / "CURRENT", json.dumps({"generation": gen, "version": version}).encode())
        self._ix = None
        # Keep the generation just replaced (a reader may still be using it); drop the others,
        # including half-built ones left by a killed rebuild.
        for name in existing:
            if name not in (gen, live):
                shutil.rmtree(self.path / name, ignore_errors=True)
        return count

    # --- writing -----------------------------------------------------------------------------
    def add(self, records: Iterable[IndexRecord]) -> int:
        from .schema import document_fields

        ix = self._open()
        count = 0
        with _writing(ix, self.wait) as w:
            for r in records:
                w.update_document(**document_fields(r))
                count += 1
        _fsync_tree(Path(ix.storage.folder))
        seal(Path(ix.storage.folder))
        return count

    def delete(self, ids: Iterable[str]) -> int:
        ix = self._open()
        count = 0
        with _writing(ix, self.wait) as w:
            for doc_id in ids:
                count += w.delete_by_term("id", doc_id)
        _fsync_tree(Path(ix.storage.folder))
        seal(Path(ix.storage.folder))
        return count

    # --- reading -----------------------------------------------------------------------------
    def _searcher(self):
        """A fresh searcher (never ``refresh()``: SPEC §5b) with every segment file open.

        A writer's commit deletes the files of the segments it merged. Whoosh opens some of a
        segment's files only on first use (stored fields, lengths), so a searcher could find
        them gone halfway through a search; opened at once, they stay readable on POSIX after
        the writer unlinks them."""
        from whoosh import scoring

        s = self._open().searcher(weighting=scoring.BM25F())
        try:
            _open_every_file(s)
        except BaseException:
            s.close()
            raise
        return s

    def _read(self, fn):
        """``fn(searcher)``. A writer may delete segment files between our reading the table of
        contents and opening them (or, for the files Whoosh opens per use, while we read): then
        again from the newer table of contents, a few times. Damage becomes the IndexProblem
        that names the fix."""
        for attempt in range(6):
            try:
                s = self._searcher()
                try:
                    return fn(s)
                finally:
                    s.close()
            except IndexProblem:
                raise
            except (FileNotFoundError, TypeError) as exc:  # a file gone; a column gone reads as None
                # (also what a deleted file of a damaged index looks like: after the retries it is
                # reported as an index that will not open)
                self._ix = None
                if attempt == 5:
                    raise IndexProblem(_("The index will not open ({reason}); run `archive check --repair` to rebuild it.").format(
                        reason=type(exc).__name__)) from None
                time.sleep(0.02 * (attempt + 1))
            except Exception as exc:
                if not (isinstance(exc, DAMAGE) or _raised_by_whoosh(exc)):
                    raise  # a fault of ours, not of the files
                self._ix = None  # a truncated or garbled file
                raise IndexProblem(_("The index is damaged ({reason}); run `archive check --repair` to rebuild it.").format(
                    reason=type(exc).__name__)) from None
        raise AssertionError("unreachable")

    def search(self, request: Search, *, limit: int, offset: int = 0, sort: str = "relevance",
               positions: tuple[str, ...] = (), positions_depth: int = 0) -> IndexResults:
        """The hits at ranks ``offset`` to ``offset + limit`` and the exact total. The first
        ``positions_depth`` hits of the page carry where each of ``positions`` stands."""
        from .queries import compile_search

        q = compile_search(request)
        return self._read(lambda s: self._search(s, q, request, limit, offset, sort, positions, positions_depth))

    def _search(self, s, q, request: Search, limit: int, offset: int, sort: str,
                positions: tuple[str, ...], positions_depth: int) -> IndexResults:
        from whoosh import collectors, sorting

        want = max(offset + limit, 1)
        if sort == "date":
            c = collectors.SortingCollector(sorting.FieldFacet("issued", reverse=True), limit=want)
        else:
            c = top_collector(want)
        if has_section(request.query):
            from .analysis import VietnameseTokenizer
            from .sections import SectionCollector, SectionPredicate

            c = SectionCollector(c, SectionPredicate(request.query, VietnameseTokenizer().range_size))
        s.search_with_collector(q, c)
        res = c.results()
        total = len(res)
        page = [(score, docnum) for docnum, score in res.items()][offset:offset + limit]
        hits = [IndexHit(f["id"], float(score) if sort != "date" else 0.0, f)
                for score, docnum in page for f in [s.stored_fields(docnum)]]
        if positions and positions_depth:
            docnums = [d for _s, d in page[:positions_depth]]
            where = {w: self._positions(s, w, docnums) for w in dict.fromkeys(positions)}
            for d, h in zip(docnums, hits):
                h.positions = {w: found[d] for w, found in where.items() if d in found}
        return IndexResults(total=total, hits=hits)

    @staticmethod
    def _positions(searcher, word: str, docnums: list[int]) -> dict[int, list[int]]:
        """Where ``word`` stands in each of ``docnums`` that has it."""
        from whoosh.reading import TermNotFound

        try:
            m = searcher.postings("text", word)
        except TermNotFound:
            return {}
        out = {}
        for d in sorted(docnums):
            if not m.is_active():
                break
            if m.id() < d:
                m.skip_to(d)
            if m.is_active() and m.id() == d:
                out[d] = list(m.value_as("positions"))
        return out

    def stamps(self, ids: Iterable[str] | None = None) -> dict[str, str]:
        """Each indexed document's stamp; only of ``ids`` when given."""
        wanted = None if ids is None else list(ids)

        def read(s):
            if wanted is None:
                return {f["id"]: f.get("stamp", "") for f in s.reader().all_stored_fields()}
            out = {}
            for doc_id in wanted:
                f = s.document(id=doc_id)
                if f is not None:
                    out[doc_id] = f.get("stamp", "")
            return out

        return self._read(read)

    def verify(self) -> None:
        """Every file as sealed at its commit (:mod:`.integrity`), then read as searches read
        it, through the reader's public methods: the whole term table, every document's stored
        fields and field lengths. A truncated, garbled or missing file raises the IndexProblem
        that names the fix (a search would otherwise silently find less, or rank wrongly)."""
        from .integrity import damage, read_manifest

        for attempt in range(3):
            folder = self._folder()
            before = read_manifest(folder)
            found = damage(folder)
            if not found or (attempt < 2 and (self._folder() != folder or read_manifest(folder) != before)):
                if not found:
                    break
                continue  # a writer committed meanwhile: look again
            raise IndexProblem(_("The index is damaged ({reason}); run `archive check --repair` to rebuild it.").format(
                reason=found[0]))
        fields = ("text", "title_words", "issuer_words")

        def read(s):
            r = s.reader()
            for _term in r.all_terms():
                pass
            for leaf, _offset in r.leaf_readers():
                for docnum in range(leaf.doc_count_all()):
                    leaf.stored_fields(docnum)
                    for name in fields:
                        leaf.doc_field_length(docnum, name)
            return None

        self._read(read)

    def documents(self) -> Iterator[dict]:
        return iter(self._read(lambda s: list(s.reader().all_stored_fields())))

    def doc_frequencies(self, words: Iterable[str]) -> tuple[int, dict[str, int]]:
        """(documents in the index, how many contain each word)."""
        words = list(words)
        return self._read(lambda s: (s.doc_count(), {w: s.reader().doc_frequency("text", w) for w in words}))

    def suggest(self, word: str, limit: int = 3) -> list[str]:
        """Indexed folded words within two edits of ``word`` (same first letter), commonest
        first."""
        from ...text.normalize import fold

        found = self._read(lambda s: s.suggest("text", word, limit=limit * 4, maxdist=2, prefix=1))
        return [w for w in found if w != word and fold(w) == w][:limit]


def _raised_by_whoosh(exc: BaseException) -> bool:
    """Whether ``exc`` comes from inside Whoosh (reading damaged files raises plain Exception,
    TypeError …), as opposed to a fault in this package."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and str(tb.tb_frame.f_globals.get("__name__", "")).startswith("whoosh")


def _open_every_file(searcher) -> None:
    """Make each segment open the files Whoosh would open on first use, through the reader's
    public methods: stored fields and field lengths."""
    for reader, _offset in searcher.reader().leaf_readers():
        if reader.doc_count_all():
            reader.stored_fields(0)
            for name in ("text", "title_words", "issuer_words"):
                reader.doc_field_length(0, name)


def top_collector(limit: int):
    """Whoosh's top-N collector, seeing every match once: it scores each and counts them, so
    the total is exact without a second pass.

    Whoosh's two optimisations are off, each for a measured reason. Matcher replacement lost
    top hits of our queries (the contract corpus, "kinh phi kiem tra", limit 1: a document
    scoring 17.7 instead of one scoring 25.9; tests/test_whoosh_engine.py), and with it on the
    collector's count is wrong. Block-quality skipping loses nothing, but a search must report
    its exact total, which then takes a second pass over the matches: at 10k documents that was
    slower for every query class measured (in-process, min of 3: one word 20 → 15 ms, two
    words 76 → 58, phrase 693 → 417, four unaccented words 187 → 145, number 60 → 30)."""
    from whoosh import collectors

    return collectors.TopCollector(limit, usequality=False, replace=0)


@contextmanager
def _writing(ix, wait: float):
    """A Whoosh writer used the way SPEC §5b asks: ``ix.writer(timeout=…)``, errors while adding
    cancel it, never a cancel followed by a commit.

    One process writes. Whoosh's multiprocessing writer (``procs=2``) rebuilt a 10k archive in
    43 s instead of 80, but its worker processes outlive a writer that is killed or cancelled
    (they wait on its job queue for ever, holding the archive's lock descriptor inherited by
    fork), and for import batches of 1,000 it was slower (87 s against 57 s for 10k)."""
    from whoosh.index import LockError

    # compound=False: Whoosh reads a compound segment by copying each of its parts into memory
    # at every open (5,000 searcher opens of a 5k archive: 32 s); separate files are opened.
    try:
        w = ix.writer(timeout=wait, limitmb=WRITER_MB, compound=False)
    except LockError:
        raise IndexProblem(_("The index is locked by another writer; try again later.")) from None
    try:
        yield w
    except BaseException:
        w.cancel()
        raise
    from .merging import merge_tiers

    w.commit(mergetype=merge_tiers)


def _fsync_tree(folder: Path) -> None:
    """Whoosh does not fsync (SPEC §5b): flush its files and the folder after a commit."""
    from ...fsutil import fsync_dir

    for p in folder.iterdir():
        if p.is_file() and not p.name.endswith("LOCK"):
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
