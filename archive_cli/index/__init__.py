"""The search index behind a narrow, engine-neutral seam (SPEC §2, §5b).

The archive hands an index :class:`~.records.IndexRecord` values and asks it
:class:`~.plan.Search` requests; what comes back is :class:`IndexHit` and :class:`IndexResults`,
plain data. Nothing above this package names an engine: :func:`open_index` picks one from the
archive's location. The Whoosh engine (:mod:`.whoosh`) serves an archive in a folder.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .plan import Search
from .records import IndexRecord


@dataclass
class IndexHit:
    id: str
    score: float
    #: The record's stored fields (title, doc_type, number, issuer, issued, stamp, sha256).
    fields: dict
    #: Where each asked-for word stands in the document's ``text`` (positions comparable within
    #: a document: side by side means one apart), when the search was asked for positions.
    positions: dict[str, list[int]] | None = None


@dataclass
class IndexResults:
    total: int
    hits: list[IndexHit] = field(default_factory=list)


@dataclass(frozen=True)
class IndexState:
    """``ok``, ``missing``, ``outdated`` (built for another schema) or ``broken``, and why."""

    state: str
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.state == "ok"


class SearchIndex(Protocol):
    """What the archive needs from an index engine."""

    # life cycle
    def state(self) -> IndexState: ...
    def create(self) -> None: ...  # an empty index where there is none
    def rebuild(self, records: Iterable[IndexRecord]) -> int: ...  # replaces the whole index
    def leftovers(self) -> list[Path]: ...  # what an interrupted rebuild left (reported by check)
    def clean(self) -> list[Path]: ...  # remove them (under the write lock)
    # writing
    def add(self, records: Iterable[IndexRecord]) -> int: ...  # replaces documents of the same id
    def delete(self, ids: Iterable[str]) -> int: ...
    # reading
    def search(self, request: Search, *, limit: int, offset: int = 0, sort: str = "relevance",
               positions: tuple[str, ...] = (), positions_depth: int = 0) -> IndexResults: ...
    def stamps(self, ids: Iterable[str] | None = None) -> dict[str, str]: ...
    def verify(self) -> None: ...  # read everything; IndexProblem when something is damaged
    def documents(self) -> Iterator[dict]: ...  # every document's stored fields
    def doc_frequencies(self, words: Iterable[str]) -> tuple[int, dict[str, int]]: ...
    def suggest(self, word: str, limit: int = 3) -> list[str]: ...


def open_index(root: Path, *, wait: float = 5.0) -> SearchIndex:
    """The index of the archive at ``root``: a Whoosh index in its ``index`` folder."""
    from .whoosh import WhooshIndex

    return WhooshIndex(root / "index", wait=wait)


__all__ = ["IndexHit", "IndexRecord", "IndexResults", "IndexState", "Search", "SearchIndex", "open_index"]
