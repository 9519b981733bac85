"""Search types for library users: ``from archive_cli.search import Filters``."""
from __future__ import annotations

from .archive import Hit, SearchResult
from .index import Filters

__all__ = ["Filters", "Hit", "SearchResult"]
