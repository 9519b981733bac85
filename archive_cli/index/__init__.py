"""The search index behind a narrow interface (SPEC §2): add, delete, search, rebuild, check.

Only :mod:`archive_cli.index.whoosh_backend` knows Whoosh; a server engine (PostgreSQL full-text
search is the planned one) would implement the same :class:`SearchIndex` protocol.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..query import Query
from .fields import IndexRecord


@dataclass
class Filters:
    """Metadata filters shared by search, list and export (SPEC §5)."""

    doc_type: str | None = None
    issuer: str | None = None
    number: str | None = None
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None
    year: int | None = None
    section: str | None = None  # purpose | content | implementation
    tags: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not any((self.doc_type, self.issuer, self.number, self.date_from, self.date_to,
                        self.year, self.section, self.tags))

    def describe(self) -> list[str]:
        """The filters in force, as the user would type them (for "try dropping …" hints)."""
        out = []
        for opt, val in (("--type", self.doc_type), ("--issuer", self.issuer),
                         ("--number", self.number), ("--from", self.date_from),
                         ("--to", self.date_to), ("--year", self.year), ("--section", self.section)):
            if val:
                out.append(f"{opt} {val}")
        out.extend(f"--tag {t}" for t in self.tags)
        return out


@dataclass
class IndexHit:
    id: str
    score: float
    stored: dict
    #: Where each asked-for folded word stands in the document's body (positions in all_f),
    #: when the search was asked for positions.
    positions: dict[str, list[int]] | None = None


@dataclass
class IndexResults:
    total: int
    hits: list[IndexHit] = field(default_factory=list)


class SearchIndex(Protocol):
    """What the archive needs from an index; everything it passes in is engine-independent."""

    # state and life cycle
    def exists(self) -> bool: ...
    def state(self) -> str: ...  # ok | missing | outdated | broken
    def ensure_open(self) -> None: ...  # raises IndexProblem naming the fix
    def create_if_missing(self) -> None: ...
    def rebuild(self, records: Iterable[IndexRecord]) -> int: ...
    # writing
    def add(self, records: Iterable[IndexRecord], *, replace: bool = True) -> int: ...
    def delete(self, ids: Iterable[str]) -> int: ...
    # reading
    def search(self, query: Query, filters: Filters, *, limit: int, page: int, sort: str,
               positions: tuple[str, ...] = (), positions_depth: int = 0) -> IndexResults: ...
    def stamps(self) -> dict[str, str]: ...
    def has_ids(self, ids: Iterable[str]) -> dict[str, str]: ...
    def ids_for_number(self, key: str) -> list[str]: ...
    def numbers_lookup(self, keys: Iterable[str]) -> dict[str, list[tuple[str, str]]]: ...
    def citing(self, key: str) -> list[IndexHit]: ...
    def all_stored(self) -> Iterator[dict]: ...
    def suggest(self, word: str, limit: int = 3) -> list[str]: ...
    def similar(self, doc_id: str, text_terms: str, limit: int) -> list[IndexHit]: ...


def open_index(root: Path, *, wait: float = 5.0) -> "SearchIndex":
    from .whoosh_backend import WhooshIndex

    return WhooshIndex(root / "index", wait=wait)


def analyse_record(record):
    """Engine-specific analysis of an IndexRecord that can run in an import's worker processes
    (for Whoosh: the term fields as postings), so the single index writer does less."""
    from .whoosh_backend import analyse

    return analyse(record)
