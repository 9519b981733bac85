"""The Archive: the one entry point the CLI and scripts use.

    from archive_cli import Archive
    arch = Archive(Path("~/archive").expanduser())
    for result in arch.import_paths(["documents/"]):
        print(result.status, result.path)
    for hit in arch.search("phong chong dich").hits:
        print(hit.number, hit.title)

A facade: importing lives in :mod:`.importing`, searching in :mod:`.search`, housekeeping in
:mod:`.maintenance`; this class holds the archive's location, its store, its index and its lock.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Ambiguous, ArchiveError, NotFound
from .i18n import _
from .store import Store

if TYPE_CHECKING:  # the modules behind the facade load with the commands that use them
    from .importing import ImportResult, Prepared
    from .maintenance import CheckReport, Problem
    from .model import Document
    from .search.filters import Filters
    from .search.results import Hit, RefsReport, SearchResult

DEFAULT_WAIT = 5.0


def default_root() -> Path:
    """``ARCHIVE_HOME``, else the platform's user data folder."""
    env = os.environ.get("ARCHIVE_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("archive-cli", appauthor=False))


def open_archive(location: str | Path | None = None, *, wait: float = DEFAULT_WAIT) -> Archive:
    """The archive at ``location``: a folder path, or a ``postgresql://`` URL naming a server
    archive (:class:`archive_cli.postgres.archive.ServerArchive`); ``ARCHIVE_HOME`` or the user
    data folder when None."""
    from .location import is_server_url

    if location is None:
        location = os.environ.get("ARCHIVE_HOME") or None
    if location is not None and is_server_url(location):
        from .postgres.archive import ServerArchive

        return ServerArchive(str(location), wait=wait)
    return Archive(Path(location).expanduser() if location is not None else None, wait=wait)


class Archive:
    """An archive folder: store (truth) + index (derived) + a write lock."""

    def __init__(self, root: Path | str | None = None, *, wait: float = DEFAULT_WAIT,
                 max_bytes: int | None = None) -> None:
        self.root = Path(root) if root is not None else default_root()
        self.wait = wait
        from .importing.files import DEFAULT_MAX_BYTES, MB

        from .importing.prepare import DEFAULT_MAX_SECONDS

        env_mb = os.environ.get("ARCHIVE_MAX_FILE_MB")
        self.max_bytes = max_bytes or (int(float(env_mb) * MB) if env_mb else DEFAULT_MAX_BYTES)
        env_s = os.environ.get("ARCHIVE_MAX_FILE_SECONDS")
        #: Seconds one file may take to read and parse.
        self.max_seconds = float(env_s) if env_s else DEFAULT_MAX_SECONDS
        self.store = Store(self.root)
        self._index = None

    # --- plumbing ----------------------------------------------------------------------------
    @property
    def location(self) -> str:
        """Where the archive is, as messages name it."""
        return str(self.root)

    @property
    def index(self):
        if self._index is None:
            from .index import open_index

            self._index = open_index(self.root, wait=self.wait)
        return self._index

    @property
    def searching(self):
        from .search.service import SearchService

        return SearchService(self.store, self.index)

    def lock(self, command: str):
        from .lock import WriteLock

        self.root.mkdir(parents=True, exist_ok=True)
        return WriteLock(self.root, command, wait=self.wait)

    def _ensure(self) -> None:
        """Before a write (under the lock): create the archive on first use; rebuild an index
        that is missing or of another schema version from the store; refuse, before anything
        is written, an index that will not open."""
        from .maintenance import reindex

        if not self.store.docs_dir.is_dir():
            self.root.mkdir(parents=True, exist_ok=True)
            self.store.create()
        # Only the lock's holder writes the store: temp files now are a killed writer's.
        self.store.remove_temp_files()
        state = self.index.state()
        if state.state in ("missing", "outdated"):
            if any(True for _ in self.store.entries()):
                reindex(self.store, self.index)
            else:
                self.index.rebuild([])
        elif not state.ok:
            from .errors import IndexProblem

            raise IndexProblem(_("{reason} Run `archive check --repair` to rebuild it.").format(reason=state.reason))

    def close(self) -> None:
        """Let go of what the archive holds open (a server archive's connection)."""

    def _pipeline_options(self) -> dict:
        """What an import pipeline needs beyond the defaults (a server archive stores batches
        its own way)."""
        return {}

    def ids_starting(self, prefix: str) -> list[str]:
        """Ids of the documents whose id starts with ``prefix``."""
        return sorted(e.id for e in self.store.entries() if e.id.startswith(prefix))

    def _require_index(self) -> None:
        if not self.store.docs_dir.is_dir():
            raise NotFound(_("The archive at {root} is empty; import documents first.").format(root=self.root))

    # --- import ------------------------------------------------------------------------------
    def import_paths(self, paths: Iterable[str | Path], *, jobs: int = 1,
                     dry_run: bool = False, tags: Iterable[str] = (),
                     on_prepared: Callable[[Prepared], None] | None = None,
                     literal: Iterable[str | Path] = (),
                     on_total: Callable[[int], None] | None = None,
                     commit_seconds: float | None = None,
                     ocr: str = "auto",
                     on_page: Callable[[str, int, int], None] | None = None) -> Iterator[ImportResult]:
        """Import files, folders (recursive) and globs; one result per file, in input order.

        ``jobs > 1`` reads and parses in worker processes; as with any use of multiprocessing,
        a script doing that needs an ``if __name__ == "__main__":`` guard. ``commit_seconds``
        also commits a batch that old (default 30 s), so that results come within that time and
        an interrupted import keeps what it read (a person watching: 2 s).

        ``ocr`` (auto, always, never) says which pages are read with OCR: auto those without a
        usable text layer. ``on_page(path, done, total)`` follows OCR page by page (for files
        read in this process).

        ``literal`` paths (e.g. read from stdin) are imported after ``paths`` and never globbed."""
        from .importing import ImportPipeline, expand
        from .ingest.ocr import MODES, OcrOptions

        if ocr not in MODES:
            raise ValueError(f"ocr must be one of {', '.join(MODES)}")

        candidates = list(expand(str(p) for p in paths))
        candidates += list(expand((str(p) for p in literal), globs=False))
        # Never read the archive's own files back in (an archive kept inside the imported folder).
        root = os.path.realpath(self.root) + os.sep
        candidates = [c for c in candidates if not os.path.realpath(c.path).startswith(root)]
        if on_total is not None:
            on_total(len(candidates))
        pipeline = ImportPipeline(self.root, self.store, lambda: self.index, self.max_bytes,
                                  lock=lambda: self.lock("import"), ensure=self._ensure, jobs=jobs,
                                  tags=tuple(tags), dry_run=dry_run, max_seconds=self.max_seconds,
                                  on_prepared=on_prepared, ocr=OcrOptions(mode=ocr), on_page=on_page,
                                  **{**self._pipeline_options(),
                                     **({"commit_seconds": commit_seconds} if commit_seconds is not None else {})})
        yield from pipeline.run(candidates)

    # --- finding documents -------------------------------------------------------------------
    def resolve(self, ref: str) -> str:
        """A REF → the document id. A REF is an id, a unique id prefix, a number/symbol
        (``125/KH-UBND``), a bare number (``2820`` for ``2820/QĐ-UBND``), or a position in the
        last search or listing this user ran on this archive (``3``)."""
        ref = ref.strip()
        if not ref:
            raise NotFound(_("An empty REF names no document."))
        low = ref.lower()
        if re.fullmatch(r"[0-9a-f]{12}", low) and self.store.exists(low):
            return low
        position_miss = ""
        if ref.isdigit():
            # Digits are a position first (the clerk just saw the list), then a number: a bare
            # "2820" is far likelier the number a clerk read than the start of a hex id.
            from .last_results import recall

            first, shown = recall(self.root)
            at = int(ref) - first
            if 0 <= at < len(shown) and self.store.exists(shown[at]):
                return shown[at]
            if shown:
                position_miss = _(" (your last results were numbered {a}–{b})").format(a=first, b=first + len(shown) - 1)
            self._require_index()
            hits = self.searching.with_bare_number(ref)
            if hits:
                return self._one(ref, hits, _("Number {ref} matches {n} documents; give one of these ids:"))
        # any start of an id, but digits alone only from four on: "show 1" must not open
        # whichever document's id happens to begin with 1
        if re.fullmatch(r"[0-9a-f]{1,12}", low) and (not low.isdigit() or len(low) >= 4):
            candidates = self.ids_starting(low)
            if len(candidates) == 1:
                return candidates[0]
            if len(candidates) > 1:
                self._require_index()
                hits = self.searching.with_ids(sorted(candidates))
                return self._one(ref, hits, _("REF {ref} matches {n} documents; type more of the id:"))
        self._require_index()
        hits = self.searching.with_number(ref)
        if hits:
            return self._one(ref, hits, _("Number {ref} matches {n} documents; give one of these ids:"))
        raise NotFound(_("No document matches {ref}{why}.").format(ref=ref, why=position_miss))

    @staticmethod
    def _one(ref: str, hits: list[Hit], message: str) -> str:
        if len(hits) == 1:
            return hits[0].id
        raise Ambiguous(message.format(ref=ref, n=len(hits)), candidates=hits)

    def remember(self, ids: list[str], first: int = 1) -> None:
        """What a search or listing showed, numbered from ``first``, for ``show 3``
        (see :mod:`.last_results`)."""
        from .last_results import remember

        remember(self.root, ids, first)

    def get(self, ref: str) -> Document:
        doc_id = self.resolve(ref)
        try:
            return self.store.load(doc_id)
        except FileNotFoundError:
            raise NotFound(_("Document {id} is in the index but not in the store; run `archive check --repair`.").format(
                id=doc_id)) from None

    def original(self, ref: str) -> tuple[Document, bytes]:
        from .store import SHA_RE

        doc = self.get(ref)
        if not SHA_RE.fullmatch(doc.source.sha256 or ""):
            raise ArchiveError(_("The store file of {id} names no original file (source: sha256 is missing or damaged).").format(id=doc.id))
        try:
            return doc, self.store.original(doc.source.sha256)
        except FileNotFoundError:
            raise ArchiveError(_("The original file of {id} is missing from the archive.").format(id=doc.id)) from None

    # --- search ------------------------------------------------------------------------------
    def search(self, query: str, *, filters: Filters | None = None, limit: int = 10, page: int = 1,
               sort: str = "relevance", snippets: bool = True, suggest: bool = True) -> SearchResult:
        from .search.filters import Filters
        from .search.service import validate

        validate(query, filters or Filters())
        self._require_index()
        return self.searching.search(query, filters=filters, limit=limit, page=page, sort=sort,
                                     snippets=snippets, suggest=suggest)

    def list(self, filters: Filters | None = None, *, sort: str = "date", limit: int | None = None,
             reverse: bool = False) -> list[Hit]:
        self._require_index()
        return self.searching.list(filters, sort=sort, limit=limit, reverse=reverse)

    def similar(self, ref: str, limit: int = 10) -> list[Hit]:
        return self.searching.similar(self.get(ref), limit)

    def refs(self, ref: str) -> RefsReport:
        return self.searching.refs(self.get(ref))

    # --- housekeeping ------------------------------------------------------------------------
    def remove(self, ref: str) -> str:
        """Remove a document; returns its id. Works on a store file that no longer parses."""
        from .errors import StoreError

        with self.lock("remove"):
            doc_id = self.resolve(ref)
            try:
                sha = self.store.original_sha(doc_id)
            except (StoreError, FileNotFoundError):
                # a damaged store file: its original is the one its id starts (ids are hashes)
                found = self.store.originals_of(doc_id)
                sha = found[0].name if len(found) == 1 else None
            # Store first: it is the truth. A crash after this leaves an orphan index entry that
            # `check --repair` deletes; the removal is never undone.
            self.store.delete(doc_id, sha)
            if self.index.state().state != "missing":
                self.index.delete([doc_id])
            return doc_id

    def reindex(self) -> tuple[int, list[Problem]]:
        """Rebuild the index from the store alone, into a new folder swapped in atomically."""
        from .maintenance import reindex

        with self.lock("reindex"):
            return reindex(self.store, self.index)

    def check(self, repair: bool = False) -> CheckReport:
        """Compare store and index; with ``repair``, make the index agree with the store."""
        from .maintenance import check

        if not self.store.docs_dir.is_dir():
            from .maintenance import CheckReport

            return CheckReport(0, 0)
        if repair:
            with self.lock("check --repair"):
                report = check(self.store, self.index, repair=True)
                # what the repair could not fix (a missing original, a broken store file)
                report.remaining = check(self.store, self.index, repair=False).problems
                return report
        return check(self.store, self.index, repair=False)

    # --- copying between archives -------------------------------------------------------------
    def portable_documents(self, problems: list[str]):
        """Every document as :class:`~archive_cli.copying.Portable`, by id (for ``copy``)."""
        from .copying import folder_documents

        if not self.store.docs_dir.is_dir():
            return iter(())
        return folder_documents(self, problems)

    def receive(self, items, problems: list[str]):
        """Store documents copied from another archive under their ids and index them;
        yields (item, stored) — stored False when this archive already had that id."""
        from .index.records import record_for
        from .store import document_from_text

        with self.lock("copy"):
            self._ensure()
            batch = []
            for item in items:
                if self.store.exists(item.id):
                    yield item, False
                    continue
                self.store.write_original(item.sha256, item.data)
                entry = self.store.write_text(item.id, item.text)
                try:
                    batch.append(record_for(document_from_text(item.id, item.text), entry.stamp))
                except Exception as exc:  # kept as it came; `check` reports it, as for a hand edit
                    problems.append(_("{id} was copied but cannot be indexed ({reason}).").format(id=item.id, reason=exc))
                if len(batch) >= 500:
                    self.index.add(batch)
                    batch = []
                yield item, True
            if batch:
                self.index.add(batch)

    def stats(self) -> dict:
        """Counts by type, issuer and year; archive and index sizes."""
        from .maintenance import stats

        return stats(self.store, self.index, self.root)
