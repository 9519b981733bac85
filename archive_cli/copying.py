"""``archive copy SRC DEST``: every document of one archive into another, folder or server.

What moves is what a folder archive keeps on disk: each document's store file, byte for byte
(front matter with its metadata, tags and source; the Markdown body with its sections), and its
original, under the same id. The destination indexes what it receives, so nothing of the index
is copied and both kinds of archive can be either end. A document the destination already holds
(the same id) is left as it is and counted.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .i18n import _


@dataclass(frozen=True)
class Portable:
    """One document as it travels: its id, store text, the content hash and bytes of its original."""

    id: str
    text: str
    sha256: str
    data: bytes


@dataclass
class CopyReport:
    copied: int = 0
    present: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict:
        return {"ok": self.ok, "copied": self.copied, "already_present": self.present, "problems": self.problems}


def folder_documents(archive, problems: list[str]) -> Iterator[Portable]:
    """A folder archive's documents, by id; a store file whose original cannot be found is a
    problem reported, not a silent loss."""
    from .errors import StoreError
    from .store import SHA_RE

    store = archive.store
    for entry in sorted(store.entries(), key=lambda e: e.id):
        try:
            text = entry.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(_("{id} was not copied: its store file cannot be read ({reason}).").format(id=entry.id, reason=exc))
            continue
        try:
            sha = store.original_sha(entry.id)
        except StoreError:
            found = store.originals_of(entry.id)
            sha = found[0].name if len(found) == 1 else None
        if not sha or not SHA_RE.fullmatch(sha):
            problems.append(_("{id} was not copied: its store file names no original.").format(id=entry.id))
            continue
        try:
            data = store.original(sha)
        except OSError:
            problems.append(_("{id} was not copied: its original file is missing.").format(id=entry.id))
            continue
        yield Portable(entry.id, text, sha, data)


def copy_archive(source, dest, on_document: Callable[[Portable, bool], None] | None = None) -> CopyReport:
    """Copy every document of ``source`` into ``dest`` (each an Archive or ServerArchive)."""
    report = CopyReport()
    items = source.portable_documents(report.problems)
    for item, stored in dest.receive(items, report.problems):
        if stored:
            report.copied += 1
        else:
            report.present += 1
        if on_document is not None:
            on_document(item, stored)
    return report
