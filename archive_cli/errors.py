"""Exceptions the library raises; the CLI turns each into one sentence and an exit code."""
from __future__ import annotations


class ArchiveError(Exception):
    """Something the user can fix; the message is one sentence naming the file or input."""

    exit_code = 1


class IngestError(ArchiveError):
    """A file could not be read as a document (empty, binary, unsupported, undecodable …)."""


class QueryError(ArchiveError):
    """The query itself cannot be run (empty, too long): a usage error."""

    exit_code = 2


class UsageProblem(ArchiveError):
    """Options that cannot go together, or an output that cannot hold what was asked: a usage error."""

    exit_code = 2


class StoreError(ArchiveError):
    """A store file cannot be read back (a hand edit broke its front matter)."""


class NotFound(ArchiveError):
    """A REF matched no document."""


class Ambiguous(ArchiveError):
    """A REF matched more than one document; ``candidates`` are their hits, for the user to
    tell them apart (title, issuer, date)."""

    def __init__(self, message: str, candidates: list | None = None) -> None:
        super().__init__(message)
        self.candidates = list(candidates or [])


class ArchiveBusy(ArchiveError):
    """Another process holds the write lock."""


class IndexProblem(ArchiveError):
    """The index is missing, will not open, or is older than the store."""
