"""archive-cli: a command-line archive for Vietnamese official documents.

The library API is :class:`Archive`; the ``archive`` command is a thin layer over it.
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["Archive", "Filters", "__version__"]


def __getattr__(name: str):
    # Lazy, so `archive --help` does not pay for the store, index or parser imports.
    if name == "Archive":
        from .archive import Archive

        return Archive
    if name == "Filters":
        from .search.filters import Filters

        return Filters
    raise AttributeError(name)
