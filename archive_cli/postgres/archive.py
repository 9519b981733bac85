"""A server archive: the same :class:`~archive_cli.archive.Archive` over a PostgreSQL database.

The database is the truth and holds the index too, so what a folder archive needs a write lock,
fsyncs and repairs for is here a transaction: each document is stored and indexed in one
(:meth:`ServerArchive.store_batch`), a removal likewise, a reindex replaces the index in one.
Any number of clerks read while others write; two importing the same file store it once (the
content hash is unique). What stays on the clerk's computer is only what is personal: the
numbered list of their last search, for ``show 3``.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

from ..archive import DEFAULT_WAIT, Archive
from ..errors import IndexProblem, NotFound
from ..i18n import _
from ..location import redact
from .db import Database
from .index import PgIndex
from .store import PgStore


def state_dir(url: str) -> Path:
    """This user's local folder for a server archive (last results), by the URL without its
    password."""
    import platformdirs

    key = hashlib.sha1(redact(url).encode("utf-8")).hexdigest()[:16]
    return Path(platformdirs.user_cache_dir("archive-cli", appauthor=False)) / "servers" / key


class ServerArchive(Archive):
    def __init__(self, url: str, *, wait: float = DEFAULT_WAIT, max_bytes: int | None = None) -> None:
        super().__init__(state_dir(url), wait=wait, max_bytes=max_bytes)
        self.url = url
        self.db = Database(url, wait=wait)
        self.store = PgStore(self.db)
        self._index = PgIndex(self.db)
        self._ready = False
        self._schema_checked = self._has_schema = False

    @property
    def location(self) -> str:
        return redact(self.url)

    # --- plumbing ----------------------------------------------------------------------------
    def close(self) -> None:
        self.db.close()

    def lock(self, command: str):
        return nullcontext()  # transactions, not a lock, keep writers apart

    def _ensure(self) -> None:
        """Before a write: this account may write; the schema exists and is current; an index
        analysed by another version is rebuilt from the documents."""
        if self._ready:
            return
        from .schema import migrate

        migrate(self.db)
        self.db.require_write()
        if self.index.state().state == "outdated":
            self._rebuild()
        self._ready = True

    def _require_index(self) -> None:
        from .schema import refuse_newer

        refuse_newer(self.db)
        state = self.index.state()
        if state.state == "missing":
            raise NotFound(_("The archive at {root} is empty; import documents first.").format(root=self.location))
        if not state.ok:
            raise IndexProblem(_("The index of {root} was built by another version of archive-cli; run `archive reindex`.").format(
                root=self.location))

    def _pipeline_options(self) -> dict:
        # Batches of at most 2 s: each document is its own transaction anyway; a short batch
        # reports documents soon and leaves little prepared work to a killed import.
        return {"store_batch": self.store_batch, "commit_seconds": 2.0, "exists": self.exists}

    def ids_starting(self, prefix: str) -> list[str]:
        rows = self.db.execute("SELECT id FROM archive.documents WHERE id LIKE %s ORDER BY id LIMIT 1000",
                               [prefix.replace("%", "").replace("_", "") + "%"]).fetchall()
        return [r[0] for r in rows]

    # --- import ------------------------------------------------------------------------------
    def import_paths(self, paths, **kwargs):
        if not kwargs.get("dry_run"):
            self._ensure()  # a reader learns it here, before any file is read
        return super().import_paths(paths, **kwargs)

    def store_batch(self, pending) -> None:
        """Store and index each new document in a transaction of its own: its row, its
        original and its index entries commit together, or nothing does.

        Each commit but the batch's last is asynchronous (no wait for the disk); the last waits,
        and with it everything the batch wrote is on disk before any of it is reported imported.
        A killed client or a crash loses at most documents not yet reported, never half of one."""
        todo = sorted(((r, p) for r, p in pending if p is not None and p.error is None and r.status == "imported"),
                      key=lambda rp: rp[1].id)
        for n, (r, p) in enumerate(todo, 1):
            try:
                with self.db.transaction():
                    if n < len(todo):
                        self.db.execute("SET LOCAL synchronous_commit TO OFF")
                    entry = self.store.put(p.id, p.text, p.sha256, p.data)
                    if entry is None:  # the same content is already stored
                        r.status, r.title = "duplicate", None
                        continue
                    p.record.stamp = entry.stamp
                    self.index.add([p.record])
            except Exception as exc:
                if not _refused(exc):
                    raise  # the server is gone: the import stops with one sentence
                # what this one document holds cannot be stored (a NUL in its text …): it
                # fails alone, its transaction rolled back, and the batch goes on
                r.status, r.title = "failed", None
                r.error = _("the server archive refused it ({reason})").format(reason=self.db.reason(exc))

    def exists(self, doc_id: str) -> bool:
        """Whether a document with this id is stored (the pipeline asks before it reports)."""
        from .schema import installed_version

        if not self._schema_checked:
            self._has_schema = installed_version(self.db) is not None
            self._schema_checked = True
        return self._has_schema and self.store.exists(doc_id)

    # --- housekeeping ------------------------------------------------------------------------
    def remove(self, ref: str) -> str:
        self._require_index()
        self.db.require_write()
        doc_id = self.resolve(ref)
        with self.db.transaction():
            self.index.delete([doc_id])
            if self.store.delete(doc_id) is None:
                raise NotFound(_("No document matches {ref}.").format(ref=ref))
        return doc_id

    def reindex(self):
        from .schema import migrate

        migrate(self.db)
        self.db.require_write()
        return self._rebuild()

    def _rebuild(self):
        from ..maintenance import Problem, records

        problems: list[Problem] = []
        return self.index.rebuild(records(self.store, sorted(self.store.entries(), key=lambda e: e.id), problems)), problems

    def check(self, repair: bool = False):
        from .maintenance import check

        if repair:
            self._ensure()
        return check(self, repair=repair)

    def stats(self) -> dict:
        from .maintenance import stats

        return stats(self)

    # --- copying between archives -------------------------------------------------------------
    def portable_documents(self, problems: list[str]) -> Iterator:
        from ..copying import Portable
        from .schema import installed_version

        from .db import errors_named

        with errors_named(self.url):
            if installed_version(self.db) is None:
                raise NotFound(_("{path} holds no archive to copy.").format(path=self.location))
            for doc_id in self.store.ids():
                text = self.store.text(doc_id)
                sha = self.store.original_sha(doc_id)
                yield Portable(doc_id, text, sha, self.store.original(sha))

    def receive(self, items, problems: list[str]):
        """Each copied document stored and indexed in one transaction, under its id."""
        from ..index.records import record_for
        from ..store import document_from_text

        from .db import errors_named

        with errors_named(self.url):
            self._ensure()
        for item in items:
            try:
                with self.db.transaction():
                    entry = self.store.put(item.id, item.text, item.sha256, item.data)
                    if entry is not None:
                        try:
                            record = record_for(document_from_text(item.id, item.text), entry.stamp)
                        except Exception as exc:
                            problems.append(_("{id} was copied but cannot be indexed ({reason}).").format(id=item.id, reason=exc))
                        else:
                            self.index.add([record])
            except Exception as exc:
                if not _refused(exc):
                    with errors_named(self.url):
                        raise
                problems.append(_("{id} was not copied: the server archive refused it ({reason}).").format(
                    id=item.id, reason=self.db.reason(exc)))
                continue
            yield item, entry is not None


def _refused(exc: BaseException) -> bool:
    """A database error about what was sent (data, a constraint), not about the connection."""
    if not (type(exc).__module__ or "").startswith("psycopg"):
        return False
    import psycopg

    if isinstance(exc, psycopg.DataError):  # also raised by the driver itself (a NUL in a text)
        return True
    state = getattr(exc, "sqlstate", None) or ""
    return bool(state) and not state.startswith(("08", "57", "53", "40", "55", "42501"))
