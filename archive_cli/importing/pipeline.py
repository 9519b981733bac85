"""The import pipeline: paths → prepared documents (in workers) → duplicates decided → index.

Files are prepared by :func:`.prepare.prepare` (in worker processes when ``jobs > 1``), results
come back in input order, and every :data:`BATCH_DOCS` documents are committed to the index in
one go. A document is reported imported only once it is searchable.
"""
from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..i18n import _
from ..index import SearchIndex
from ..store import Store
from .files import Candidate
from .prepare import Prepared, prepare, prepare_many, watch_parent

BATCH_DOCS = 1000  # documents per index commit
IMPORT_CHUNK = 8  # files per task sent to a worker process


@dataclass
class ImportResult:
    path: str
    status: str  # imported | duplicate | failed
    id: str | None = None
    error: str | None = None
    warning: str | None = None
    title: str | None = None

    def to_dict(self) -> dict:
        return {"path": self.path, "status": self.status, "id": self.id, "error": self.error,
                "warning": self.warning}


class ImportPipeline:
    """One import run into the archive at ``root``; the caller holds the write lock."""

    def __init__(self, root: Path, store: Store, index: Callable[[], SearchIndex], max_bytes: int, *,
                 jobs: int = 1, tags: tuple[str, ...] = (), dry_run: bool = False,
                 on_prepared: Callable[[Prepared], None] | None = None) -> None:
        self.root = root
        self.store = store
        self._index = index
        self.max_bytes = max_bytes
        self.jobs = max(1, jobs or 1)
        self.tags = tags
        self.dry_run = dry_run
        self.on_prepared = on_prepared

    @property
    def index(self) -> SearchIndex:
        return self._index()

    def run(self, candidates: list[Candidate]) -> Iterator[ImportResult]:
        pending: list[tuple[ImportResult, Prepared | None]] = []
        seen: dict[str, str] = {}  # id → path, for duplicates inside one run
        for path, prep in self._prepared(candidates):
            if self.on_prepared is not None:
                self.on_prepared(prep)
            if prep.error is not None:
                result = ImportResult(path, "failed", error=prep.error)
            elif prep.id in seen:
                result = ImportResult(path, "duplicate", prep.id,
                                      warning=_("same content as {path}").format(path=seen[prep.id]))
                prep = None
            elif prep.exists:
                result = ImportResult(path, "duplicate", prep.id)
            else:
                result = ImportResult(path, "imported", prep.id, title=prep.doc.parsed.title)
            if prep is not None and prep.id and prep.error is None:
                seen.setdefault(prep.id, path)
            pending.append((result, prep))
            if len(pending) >= BATCH_DOCS:
                yield from self._commit(pending)
                pending = []
        if pending:
            yield from self._commit(pending)

    # --- preparing ---------------------------------------------------------------------------
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
        return prepare(c.path, str(self.root), self.max_bytes, self.tags, not self.dry_run)

    def _prepared_in_workers(self, candidates: list[Candidate], todo: list[str]) -> Iterator[tuple[str, Prepared]]:
        """:func:`prepare` in worker processes, results in input order, little work in flight.

        Workers start from a fresh interpreter ("forkserver"; Windows spawns anyway): a fork
        would inherit the write lock's descriptor, and a killed import's orphaned workers
        would keep the archive locked. If the pool cannot work (e.g. a library caller whose
        ``__main__`` cannot be re-imported), the rest is prepared in this process."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            # Preload our worker module instead of re-running the caller's __main__ in the
            # server (a script without a __main__ guard would otherwise run itself again).
            ctx.set_forkserver_preload(["archive_cli.importing.prepare"])
        # A bounded number of chunks in flight, about one commit batch: enough for the workers
        # to keep preparing while this process indexes a batch, while results piling up
        # unbounded would cost ~40 KB each.
        args = (str(self.root), self.max_bytes, self.tags, not self.dry_run)
        chunks = (todo[i:i + IMPORT_CHUNK] for i in range(0, len(todo), IMPORT_CHUNK))
        window = max(self.jobs * 3, BATCH_DOCS // IMPORT_CHUNK)
        ready: deque[Prepared] = deque()
        pool = None
        try:
            pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=ctx,
                                       initializer=watch_parent, initargs=(os.getpid(),))
            inflight: deque = deque(pool.submit(prepare_many, chunk, *args)
                                    for chunk in itertools.islice(chunks, window))
            for c in candidates:
                if c.error is not None:
                    yield c.path, Prepared(c.path, error=c.error)
                    continue
                if not ready and pool is not None:
                    try:
                        ready.extend(inflight.popleft().result())
                        nxt = next(chunks, None)
                        if nxt is not None:
                            inflight.append(pool.submit(prepare_many, nxt, *args))
                    except BrokenProcessPool:
                        pool.shutdown(wait=False, cancel_futures=True)
                        pool = None
                if ready:
                    yield c.path, ready.popleft()
                else:  # no pool (any more): the same work here; store writes are idempotent
                    yield c.path, self._prepare_here(c)
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    # --- committing --------------------------------------------------------------------------
    def _commit(self, pending: list[tuple[ImportResult, Prepared | None]]) -> Iterator[ImportResult]:
        """Index a batch (one commit), then report it."""
        if self.dry_run:
            yield from (r for r, _p in pending)
            return
        index = self.index
        # Content already in the store: a duplicate only if the index has it too; otherwise
        # an earlier import was cut short and this run finishes it.
        existing = [p for r, p in pending if p is not None and p.exists]
        if existing:
            in_index = index.stamps(p.id for p in existing)
            for r, p in pending:
                if p is not None and p.exists and p.id not in in_index:
                    entry = self.store.entry(p.id)
                    if entry is not None:
                        from ..index.records import record_for

                        p.record = record_for(self.store.load(entry.id), entry.stamp)
                        r.status = "imported"
        new = [p for r, p in pending if p is not None and p.record is not None and r.status == "imported"]
        if new:
            from ..fsutil import sync_batch

            # originals and store files of the batch reach the disk before the index names them
            sync_batch()
            self._warn_same_numbers(pending)
            for p in new:
                if not p.record.stamp:
                    entry = self.store.entry(p.id)
                    p.record.stamp = entry.stamp if entry else ""
            index.add([p.record for p in new])
        yield from (r for r, _p in pending)

    def _warn_same_numbers(self, pending) -> None:
        """A different document with the same number and year is kept, with a warning."""
        from ..search.service import SearchService
        from ..text.analysis import number_key

        keyed = []
        for r, p in pending:
            if r.status == "imported" and p is not None and p.doc is not None and p.doc.parsed.number:
                keyed.append((r, p, number_key(p.doc.parsed.number), (p.doc.parsed.issued or "")[:4]))
        if not keyed:
            return
        known = SearchService(self.store, self.index).with_numbers([p.doc.parsed.number for _r, p, _k, _y in keyed])
        batch: dict[tuple[str, str], str] = {}
        for r, p, key, year in keyed:
            others = [h.id for h in known.get(key, []) if (h.issued or "")[:4] == year and h.id != p.id]
            if (key, year) in batch and batch[(key, year)] != p.id:
                others.append(batch[(key, year)])
            batch.setdefault((key, year), p.id)
            if others:
                r.warning = _("same number {number} ({year}) as document {other}, with different text; kept as a new document").format(
                    number=p.doc.parsed.number, year=year or _("no date"), other=others[0])

