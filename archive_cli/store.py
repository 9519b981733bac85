"""The document store: the source of truth (SPEC §3).

Layout under the archive root::

    documents/<id>.md            front matter (metadata, source, tags) + clean Markdown body
    originals/<aa>/<sha256>      the imported file's bytes, content-addressed

A document's id is the first 12 hex digits of the SHA-256 of its original bytes, so importing the
same bytes again finds the same id ("duplicate") and ids survive any rebuild of the index.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import StoreError
from .fsutil import atomic_write, remove_file
from .i18n import _
from .model import META_FIELDS, Document, ParsedDocument, Source

ID_LENGTH = 12
_FM_END = re.compile(r"^---[ \t]*$", re.M)
SHA_RE = re.compile(r"[0-9a-f]{64}")
ID_FILE_RE = re.compile(r"[0-9a-f]{12}\.md")


def reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return _("not valid UTF-8 at byte {n}").format(n=exc.start)
    if isinstance(exc, IsADirectoryError):
        return _("it is a folder, not a file")
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def content_hash(data: bytes) -> str:
    import hashlib  # lazily: OpenSSL's start-up is not free, and searches never hash

    return hashlib.sha256(data).hexdigest()


def id_for(sha256: str) -> str:
    return sha256[:ID_LENGTH]


@dataclass(frozen=True)
class StoreEntry:
    """A store file as seen on disk: enough to tell whether the index is up to date."""

    id: str
    path: Path
    stamp: str  # "<mtime_ns>-<size>": changes when a person edits the file


def _stamp(st: os.stat_result) -> str:
    return f"{st.st_mtime_ns}-{st.st_size}"


class Store:
    """Front-matter Markdown files plus content-addressed originals under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.docs_dir = root / "documents"
        self.originals_dir = root / "originals"

    def create(self) -> None:
        self.docs_dir.mkdir(parents=True, exist_ok=True)
        self.originals_dir.mkdir(parents=True, exist_ok=True)

    # --- paths -------------------------------------------------------------------------------
    def doc_path(self, doc_id: str) -> Path:
        return self.docs_dir / f"{doc_id}.md"

    def original_path(self, sha256: str) -> Path:
        return self.originals_dir / sha256[:2] / sha256

    # --- reading -----------------------------------------------------------------------------
    def exists(self, doc_id: str) -> bool:
        return self.doc_path(doc_id).is_file()

    def entries(self) -> Iterator[StoreEntry]:
        """Every document file (``<id>.md``), in no particular order."""
        try:
            it = os.scandir(self.docs_dir)
        except FileNotFoundError:
            return
        with it:
            for e in it:
                if ID_FILE_RE.fullmatch(e.name):
                    yield StoreEntry(e.name[:-3], Path(e.path), _stamp(e.stat()))

    def foreign_files(self) -> list[Path]:
        """What else lies in the documents folder (a renamed or copied store file, notes): not
        documents; check names them."""
        if not self.docs_dir.is_dir():
            return []
        return sorted(p for p in self.docs_dir.iterdir() if not ID_FILE_RE.fullmatch(p.name) and not p.name.startswith("."))

    def entry(self, doc_id: str) -> StoreEntry | None:
        path = self.doc_path(doc_id)
        try:
            return StoreEntry(doc_id, path, _stamp(path.stat()))
        except FileNotFoundError:
            return None

    def load(self, doc_id: str) -> Document:
        """Read a document back: front matter for metadata, the body re-parsed for the outline.

        A file a person broke (invalid YAML, not UTF-8) raises StoreError naming it."""
        path = self.doc_path(doc_id)
        try:
            return document_from_text(doc_id, path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise
        except Exception as exc:  # YAML, Unicode or shape errors from a hand edit
            raise StoreError(_("{path} cannot be read ({reason}); fix it in an editor or remove the document.").format(
                path=path, reason=reason(exc))) from None

    def front_matter(self, doc_id: str) -> dict[str, Any]:
        """A store file's front matter, read with the safe loader; StoreError naming the file
        when it cannot be read (not UTF-8, invalid YAML …)."""
        from .front_matter import read

        path = self.doc_path(doc_id)
        try:
            return read(path.read_text(encoding="utf-8"))[0]
        except FileNotFoundError:
            raise
        except Exception as exc:
            raise StoreError(_("{path} cannot be read ({reason}); fix it in an editor or remove the document.").format(
                path=path, reason=reason(exc))) from None

    def original_sha(self, doc_id: str) -> str | None:
        """The content hash of the original a store file names, read from its front matter;
        None when it names none (StoreError when the file cannot be read)."""
        src = self.front_matter(doc_id).get("source")
        sha = src.get("sha256") if isinstance(src, dict) else None
        sha = str(sha).strip().lower() if sha is not None else ""
        return sha if SHA_RE.fullmatch(sha) else None

    def originals_of(self, doc_id: str) -> list[Path]:
        """Originals whose content hash starts with ``doc_id``: a document's id is the start of
        its original's hash, so this finds it even when the store file cannot be read."""
        folder = self.originals_dir / doc_id[:2]
        return sorted(p for p in folder.glob(f"{doc_id}*") if p.is_file()) if len(doc_id) >= 2 else []

    def read_body(self, doc_id: str) -> str:
        """The Markdown body of a store file without parsing its front matter or outline
        (what a search result needs for its snippet)."""
        return body_of(self.doc_path(doc_id).read_text(encoding="utf-8"))

    def read_bodies(self, ids: list[str]) -> dict[str, str]:
        """The bodies of those documents that can be read (a result list's snippets)."""
        out = {}
        for doc_id in ids:
            try:
                out[doc_id] = self.read_body(doc_id)
            except (OSError, ValueError):
                continue
        return out

    def original(self, sha256: str) -> bytes:
        return self.original_path(sha256).read_bytes()

    # --- writing (each step atomic) ----------------------------------------------------------
    def write_original(self, sha256: str, data: bytes, durable: bool = True) -> None:
        path = self.original_path(sha256)
        if not path.exists():
            atomic_write(path, data, durable)

    def write(self, doc: Document, durable: bool = True) -> StoreEntry:
        return self.write_text(doc.id, document_to_text(doc), durable)

    def write_text(self, doc_id: str, text: str, durable: bool = True) -> StoreEntry:
        """Write a store file already serialised by :func:`document_to_text`."""
        path = self.doc_path(doc_id)
        atomic_write(path, text.encode("utf-8"), durable)
        return StoreEntry(doc_id, path, _stamp(path.stat()))

    def temp_files(self) -> list[Path]:
        """Temporary files of interrupted writes (``atomic_write``'s ``.tmp-*``)."""
        out = list(self.docs_dir.glob(".tmp-*")) if self.docs_dir.is_dir() else []
        if self.originals_dir.is_dir():
            for folder in self.originals_dir.iterdir():
                if folder.is_dir():
                    out.extend(folder.glob(".tmp-*"))
        return out

    def remove_temp_files(self) -> int:
        """Remove them (only call under the write lock: a writer's temp file may be in use)."""
        found = self.temp_files()
        for p in found:
            p.unlink(missing_ok=True)
        return len(found)

    @property
    def quarantine_dir(self) -> Path:
        return self.root / "quarantine"

    def quarantine(self, path: Path) -> Path:
        """Move a file out of the originals into the quarantine folder (never deleted: a person
        decides), keeping its name; returns where it went."""
        import os

        from .fsutil import fsync_dir

        self.quarantine_dir.mkdir(parents=True, exist_ok=True)
        target = self.quarantine_dir / path.name
        n = 1
        while target.exists():
            n += 1
            target = self.quarantine_dir / f"{path.name}.{n}"
        os.replace(path, target)
        fsync_dir(self.quarantine_dir)
        fsync_dir(path.parent)
        return target

    def delete(self, doc_id: str, sha256: str | None) -> bool:
        """Remove the document file first (the store is the truth), then its original."""
        existed = remove_file(self.doc_path(doc_id))
        if sha256:
            remove_file(self.original_path(sha256))
        return existed


def body_of(text: str) -> str:
    """The Markdown body of a store file's text, its front matter left unparsed."""
    text = text.removeprefix("\ufeff").strip()
    if text.startswith("---"):
        m = _FM_END.search(text, 3)
        if m:
            return text[m.end():].strip()
    return text


def document_to_text(doc: Document, extra: dict[str, Any] | None = None) -> str:
    """Serialise a document as UTF-8 front matter + Markdown body; ``extra`` keys go last."""
    import frontmatter

    meta: dict[str, Any] = {"id": doc.id}
    for name in META_FIELDS:
        value = getattr(doc.parsed, name)
        if value not in (None, "", []):
            meta[name] = value
    if doc.tags:
        meta["tags"] = list(doc.tags)
    meta["source"] = doc.source.to_dict()
    if meta["source"].get("ocr") is None:
        del meta["source"]["ocr"]  # store files of documents not read by OCR stay as they were
    meta.update(extra or {})
    post = frontmatter.Post(doc.parsed.body, **meta)
    # sort_keys=False keeps the reading order of META_FIELDS for people opening the file.
    return frontmatter.dumps(post, sort_keys=False) + "\n"


def document_from_text(doc_id: str, text: str) -> Document:
    """Parse a store file. Metadata comes from the front matter, the outline from the body.
    The id is the file's name: an ``id:`` edited in the front matter does not move a document."""
    from .front_matter import read
    from .parse import from_store

    meta, body = read(text)
    src = meta.get("source") or {}
    if not isinstance(src, dict):
        src = {}
    source = Source(
        filename=str(src.get("filename") or ""),
        format=str(src.get("format") or ""),
        encoding=src.get("encoding"),
        sha256=str(src.get("sha256") or ""),
        size=int(src.get("size") or 0),
        imported=str(src.get("imported") or ""),
        ocr=src["ocr"] if isinstance(src.get("ocr"), dict) else None,
    )
    parsed: ParsedDocument = from_store(meta, body)
    tags = meta.get("tags") or []
    tags = [str(t) for t in (tags if isinstance(tags, list) else [tags])]
    return Document(id=doc_id, parsed=parsed, source=source, tags=tags)
