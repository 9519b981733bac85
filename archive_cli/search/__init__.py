"""Search: the query language, planned for an index, ranked, with snippets (SPEC §5).

For library users: ``from archive_cli.search import Filters, Hit, SearchResult``.
"""
from __future__ import annotations

from .filters import Filters
from .results import Hit, SearchResult

__all__ = ["Filters", "Hit", "SearchResult"]
