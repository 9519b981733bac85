"""The document store of a server archive: the ``documents`` and ``originals`` tables.

A document row holds the store file exactly as a folder archive writes it (front matter +
Markdown body, :func:`archive_cli.store.document_to_text`), so reading a document back is the
same code for both kinds of archive, and copying between them changes no byte. Originals are
content-addressed by their SHA-256, as in a folder archive.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from ..errors import StoreError
from ..i18n import _
from ..model import Document
from ..store import StoreEntry, body_of, document_from_text, reason
from .db import Database


def stamp_of(text: str) -> str:
    """A store row's stamp: changes when its text does."""
    return "db-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


class PgStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _where(self, doc_id: str) -> str:
        """How a message names a document row."""
        return _("document {id} of {url}").format(id=doc_id, url=self.db.shown)

    # --- reading -----------------------------------------------------------------------------
    def exists(self, doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM archive.documents WHERE id = %s", [doc_id]).fetchone() is not None

    def entries(self) -> Iterator[StoreEntry]:
        rows = self.db.execute("SELECT id, stamp FROM archive.documents").fetchall()
        return iter([StoreEntry(i, self._where(i), s) for i, s in rows])

    def ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM archive.documents ORDER BY id").fetchall()]

    def entry(self, doc_id: str) -> StoreEntry | None:
        row = self.db.execute("SELECT stamp FROM archive.documents WHERE id = %s", [doc_id]).fetchone()
        return StoreEntry(doc_id, self._where(doc_id), row[0]) if row else None

    def text(self, doc_id: str) -> str:
        row = self.db.execute("SELECT body FROM archive.documents WHERE id = %s", [doc_id]).fetchone()
        if row is None:
            raise FileNotFoundError(doc_id)
        return row[0]

    def load(self, doc_id: str) -> Document:
        text = self.text(doc_id)
        try:
            return document_from_text(doc_id, text)
        except Exception as exc:
            raise StoreError(_("Document {id} cannot be read: {reason}.").format(id=doc_id, reason=reason(exc))) from None

    def front_matter(self, doc_id: str) -> dict[str, Any]:
        from ..front_matter import read

        return read(self.text(doc_id))[0]

    def original_sha(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT sha256 FROM archive.documents WHERE id = %s", [doc_id]).fetchone()
        if row is None:
            raise FileNotFoundError(doc_id)
        return row[0]

    def originals_of(self, doc_id: str) -> list:
        return []  # a row always names its original (a foreign key)

    def read_body(self, doc_id: str) -> str:
        return body_of(self.text(doc_id))

    def read_bodies(self, ids: list[str]) -> dict[str, str]:
        """Bodies of many documents in one query (a result list's snippets)."""
        if not ids:
            return {}
        rows = self.db.execute("SELECT id, body FROM archive.documents WHERE id = ANY(%s)", [list(ids)]).fetchall()
        return {i: body_of(t) for i, t in rows}

    def original(self, sha256: str) -> bytes:
        row = self.db.execute("SELECT data FROM archive.originals WHERE sha256 = %s", [sha256]).fetchone()
        if row is None:
            raise FileNotFoundError(sha256)
        return bytes(row[0])

    # --- writing (inside the caller's transaction) -------------------------------------------
    def put(self, doc_id: str, text: str, sha256: str, data: bytes) -> StoreEntry | None:
        """Store a document and its original; None when a document with this content is
        already there (stored by another clerk, perhaps a moment ago)."""
        self.db.execute("INSERT INTO archive.originals (sha256, size, data) VALUES (%s, %s, %s)"
                        " ON CONFLICT (sha256) DO NOTHING", [sha256, len(data), data])
        stamp = stamp_of(text)
        # The id is the start of the content hash: the same content is the same id, so two clerks
        # importing one file meet here and one of them finds it stored.
        row = self.db.execute("INSERT INTO archive.documents (id, sha256, body, stamp) VALUES (%s, %s, %s, %s)"
                              " ON CONFLICT (id) DO NOTHING RETURNING id", [doc_id, sha256, text, stamp]).fetchone()
        return StoreEntry(doc_id, self._where(doc_id), stamp) if row else None

    def delete(self, doc_id: str) -> str | None:
        """Remove a document and its original; the removed original's hash."""
        row = self.db.execute("DELETE FROM archive.documents WHERE id = %s RETURNING sha256", [doc_id]).fetchone()
        if row is None:
            return None
        self.db.execute("DELETE FROM archive.originals o WHERE sha256 = %s AND NOT EXISTS"
                        " (SELECT 1 FROM archive.documents d WHERE d.sha256 = o.sha256)", [row[0]])
        return row[0]
