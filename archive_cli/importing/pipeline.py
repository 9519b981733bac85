"""The import pipeline: paths → prepared documents (in workers) → stored and indexed in batches.

Files are read and parsed by :func:`.prepare.prepare` (in worker processes when ``jobs > 1``)
without the archive's write lock: a slow file never keeps another writer waiting. Results come
back in input order; every :data:`BATCH_DOCS` documents (or :data:`BATCH_BYTES` of originals)
the pipeline takes the lock, writes the batch's originals and store files, indexes it in one
commit, and lets go. A document is reported imported only once it is searchable.

Scans spread their pages, not only their files, over the ``jobs``: a file prepared here has its
pages OCR'd ``jobs`` at a time (the 20-page scan imported alone); in worker processes each file
reads its pages one at a time, the workers already using every core.
"""
from __future__ import annotations

import itertools
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from ..i18n import _
from ..index import SearchIndex
from ..store import Store
from .files import Candidate
from ..display import display_name
from ..ingest.ocr import OcrOptions
from .prepare import DEFAULT_MAX_SECONDS, Prepared, prepare, prepare_many, watch_parent

BATCH_DOCS = 1000  # documents per index commit
BATCH_BYTES = 64 * 1024 * 1024  # originals held in memory before a commit
IMPORT_CHUNK = 8  # files per task sent to a worker process
#: A batch is also committed this long after its first document, so a long import that is
#: interrupted keeps what it read until then (a commit costs well under a second).
COMMIT_SECONDS = 30.0


@dataclass
class ImportResult:
    path: str
    status: str  # imported | duplicate | failed
    id: str | None = None
    error: str | None = None
    warning: str | None = None
    title: str | None = None

    @property
    def shown_path(self) -> str:
        """The path as text that prints anywhere (a name that is not UTF-8 is escaped)."""
        return display_name(self.path)

    def to_dict(self) -> dict:
        return {"path": self.shown_path, "status": self.status, "id": self.id, "error": self.error,
                "warning": self.warning}


def pool_feasible(jobs: int) -> bool:
    """Whether the process's limits leave room for a worker pool. Under very tight limits
    (a handful of open files or processes) the pool's own helper processes fail and print
    tracebacks of their own that no handler here can catch, so such an import prepares its
    files in this process instead."""
    try:
        import resource
    except ImportError:  # Windows: no such limits
        return True
    inf = resource.RLIM_INFINITY
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    nproc = resource.getrlimit(resource.RLIMIT_NPROC)[0] if hasattr(resource, "RLIMIT_NPROC") else inf
    return (nofile == inf or nofile >= 64 + 16 * jobs) and (nproc == inf or nproc >= 64)


class ImportPipeline:
    """One import run into the archive at ``root``.

    ``lock()`` is the archive's write lock, taken for each commit; ``ensure()`` runs under it
    first (the archive created, its index ready)."""

    def __init__(self, root: Path, store: Store, index: Callable[[], SearchIndex], max_bytes: int, *,
                 lock: Callable[[], AbstractContextManager], ensure: Callable[[], None],
                 jobs: int = 1, tags: tuple[str, ...] = (), dry_run: bool = False,
                 max_seconds: float = DEFAULT_MAX_SECONDS,
                 on_prepared: Callable[[Prepared], None] | None = None,
                 commit_seconds: float | None = COMMIT_SECONDS,
                 ocr: OcrOptions | None = None,
                 on_page: Callable[[str, int, int], None] | None = None,
                 store_batch: Callable[[list], None] | None = None,
                 exists: Callable[[str], bool] | None = None) -> None:
        self.root = root
        self.store = store
        self._index = index
        self.max_bytes = max_bytes
        self.lock = lock
        self.ensure = ensure
        self.jobs = max(1, jobs or 1)
        self.tags = tags
        self.dry_run = dry_run
        self.max_seconds = max_seconds
        self.on_prepared = on_prepared
        #: Also commit a batch this many seconds after its first document (a person watching
        #: sees each file reported within that time; an interrupted run keeps what it read).
        self.commit_seconds = commit_seconds
        self.ocr = ocr or OcrOptions()
        self.on_page = on_page
        #: stores and indexes a batch: the folder archive's by default; a server archive's in
        #: a transaction per document
        self.store_batch = store_batch
        #: whether a document is already stored, for a store a worker cannot look into (a
        #: server archive); asked here, before the document is reported
        self.exists = exists

    @property
    def index(self) -> SearchIndex:
        return self._index()

    def run(self, candidates: list[Candidate]) -> Iterator[ImportResult]:
        pending: list[tuple[ImportResult, Prepared | None]] = []
        held = 0  # bytes of originals in pending
        seen: dict[str, str] = {}  # id → path, for duplicates inside one run
        started = 0.0  # when the pending batch got its first document
        for path, prep in self._prepared(candidates):
            if not pending:
                started = time.monotonic()
            if self.exists is not None and prep.error is None and prep.id and not prep.exists:
                prep.exists = self.exists(prep.id)
            if self.on_prepared is not None:
                self.on_prepared(prep)
            if prep.error is not None:
                result = ImportResult(path, "failed", error=prep.error)
            elif prep.id in seen:
                result = ImportResult(path, "duplicate", prep.id,
                                      warning=_("same content as {path}").format(path=display_name(seen[prep.id])))
                prep = None
            elif prep.exists:
                result = ImportResult(path, "duplicate", prep.id)
            else:
                result = ImportResult(path, "imported", prep.id, title=prep.title, warning=prep.warning)
            if prep is not None and prep.id and prep.error is None:
                seen.setdefault(prep.id, path)
                held += len(prep.data or b"")
            pending.append((result, prep))
            due = self.commit_seconds is not None and time.monotonic() - started >= self.commit_seconds
            if len(pending) >= BATCH_DOCS or held >= BATCH_BYTES or due:
                yield from self._commit(pending)
                pending, held = [], 0
        if pending:
            yield from self._commit(pending)

    # --- preparing ---------------------------------------------------------------------------
    def _args(self) -> tuple:
        """prepare_many's arguments in a worker: one page at a time per file there."""
        from dataclasses import replace

        return str(self.root), self.max_bytes, self.tags, self.max_seconds, replace(self.ocr, jobs=1)

    def _prepared(self, candidates: list[Candidate]) -> Iterator[tuple[str, Prepared]]:
        todo = [c.path for c in candidates if c.error is None]
        if self.jobs > 1 and len(todo) >= 8:
            yield from self._prepared_in_workers(candidates, todo)
            return
        for c in candidates:
            yield c.path, self._prepare_here(c)

    def _prepare_here(self, c: Candidate) -> Prepared:
        if c.error is not None:
            return Prepared(c.path, error=c.error)
        from dataclasses import replace

        return prepare(c.path, str(self.root), self.max_bytes, self.tags, self.max_seconds,
                       replace(self.ocr, jobs=self.jobs), self.on_page)

    def _prepared_in_workers(self, candidates: list[Candidate], todo: list[str]) -> Iterator[tuple[str, Prepared]]:
        """:func:`prepare` in worker processes, results in input order, little work in flight.

        Workers start from a fresh interpreter ("forkserver"; Windows spawns anyway): a fork
        would inherit the write lock's descriptor, and a killed import's orphaned workers
        would keep the archive locked. A pool that cannot start or breaks (e.g. a library caller
        whose ``__main__`` cannot be re-imported) leaves the rest to be prepared here."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        POOL_FAILURES = (BrokenProcessPool, OSError, EOFError, RuntimeError)

        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            # Preload our worker module instead of re-running the caller's __main__ in the
            # server (a script without a __main__ guard would otherwise run itself again).
            ctx.set_forkserver_preload(["archive_cli.importing.prepare"])
        # A bounded number of chunks in flight, about one commit batch: enough for the workers
        # to keep preparing while this process indexes a batch.
        args = self._args()
        chunks = (todo[i:i + IMPORT_CHUNK] for i in range(0, len(todo), IMPORT_CHUNK))
        window = max(self.jobs * 3, BATCH_DOCS // IMPORT_CHUNK)
        ready: deque[Prepared] = deque()
        pool = None
        inflight: deque = deque()
        try:
            try:
                if not pool_feasible(self.jobs):
                    raise OSError("process or file limits too tight for a worker pool")
                pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=ctx,
                                           initializer=watch_parent, initargs=(os.getpid(),))
                inflight.extend(pool.submit(prepare_many, chunk, *args) for chunk in itertools.islice(chunks, window))
            except POOL_FAILURES:  # no processes to be had (file or process limits): prepare here
                pool = None
            for c in candidates:
                if c.error is not None:
                    yield c.path, Prepared(c.path, error=c.error)
                    continue
                if not ready and pool is not None and inflight:
                    try:
                        ready.extend(inflight.popleft().result())
                        nxt = next(chunks, None)
                        if nxt is not None:
                            inflight.append(pool.submit(prepare_many, nxt, *args))
                    except POOL_FAILURES:
                        pool.shutdown(wait=False, cancel_futures=True)
                        pool = None
                        inflight.clear()
                if ready:
                    yield c.path, ready.popleft()
                else:  # no pool (any more): the same work here
                    yield c.path, self._prepare_here(c)
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    # --- committing --------------------------------------------------------------------------
    def _commit(self, pending: list[tuple[ImportResult, Prepared | None]]) -> Iterator[ImportResult]:
        """Under the write lock: store the batch's new documents, index them in one commit."""
        if self.dry_run:
            yield from (r for r, _p in pending)
            return
        with self.lock():
            self.ensure()
            if self.store_batch is None:
                self._store_and_index(pending)
            else:
                self._warn_same_numbers(pending)
                self.store_batch(pending)
        yield from (r for r, _p in pending)

    def _store_and_index(self, pending: list[tuple[ImportResult, Prepared | None]]) -> None:
        from ..fsutil import sync_batch
        from ..index.records import record_for

        index = self.index
        # Content the store held when a worker looked: a duplicate only if the index has it
        # too; otherwise an earlier import was cut short and this one finishes it.
        existing = [p for _r, p in pending if p is not None and p.exists]
        in_index = index.stamps(p.id for p in existing) if existing else {}
        to_index = []
        for r, p in pending:
            if p is None or p.error is not None:
                continue
            if p.exists or (r.status == "imported" and self.store.exists(p.id)):
                # (stored since the worker looked: by a writer that held the lock meanwhile)
                if p.id in in_index or (not p.exists and p.id in index.stamps([p.id])):
                    r.status, r.title = "duplicate", None
                    continue
                entry = self.store.entry(p.id)
                if entry is not None:
                    try:
                        p.record = record_for(self.store.load(p.id), entry.stamp)
                    except Exception as exc:  # a store file damaged meanwhile: check reports it
                        r.status, r.error = "failed", _("its store file cannot be read ({reason})").format(reason=exc)
                        continue
                    r.status = "imported"
                    to_index.append(p)
                continue
            if r.status != "imported":
                continue
            try:
                wrote_original = not self.store.original_path(p.sha256).exists()
                self.store.write_original(p.sha256, p.data, durable=False)
                try:
                    p.record.stamp = self.store.write_text(p.id, p.text, durable=False).stamp
                except BaseException:
                    if wrote_original:
                        self.store.original_path(p.sha256).unlink(missing_ok=True)
                    raise
            except OSError as exc:
                r.status = "failed"
                r.error = _("it could not be written to the archive ({reason})").format(reason=exc.strerror or exc)
                continue
            to_index.append(p)
        if not to_index:
            return
        # originals and store files of the batch reach the disk before the index names them
        sync_batch()
        self._warn_same_numbers(pending)
        index.add([p.record for p in to_index])

    def _warn_same_numbers(self, pending) -> None:
        """A different document with the same number and year is kept, with a warning."""
        from ..search.service import SearchService
        from ..text.analysis import number_key

        keyed = []
        for r, p in pending:
            if r.status == "imported" and p is not None and p.number:
                keyed.append((r, p, number_key(p.number), (p.issued or "")[:4]))
        if not keyed:
            return
        known = SearchService(self.store, self.index).with_numbers([p.number for _r, p, _k, _y in keyed])
        batch: dict[tuple[str, str], str] = {}
        for r, p, key, year in keyed:
            others = [h.id for h in known.get(key, []) if (h.issued or "")[:4] == year and h.id != p.id]
            if (key, year) in batch and batch[(key, year)] != p.id:
                others.append(batch[(key, year)])
            batch.setdefault((key, year), p.id)
            if others:
                r.warning = (r.warning + "; " if r.warning else "") + _("same number {number} ({year}) as document {other}, with different text; kept as a new document").format(
                    number=p.number, year=year or _("no date"), other=others[0])
