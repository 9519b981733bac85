"""Importing: paths → read → extract → parse → store → index (SPEC §3, §6, §7).

- :mod:`.files` expands paths, folders and globs and reads bytes within limits;
- :mod:`.prepare` turns one file into a stored document and its index record (in workers);
- :mod:`.pipeline` runs a batch: workers, input order, duplicates, index commits.

The names below load with their module on first use, so a command that never imports (a
search) does not pay for the pipeline.
"""
from __future__ import annotations

_WHERE = {"DEFAULT_MAX_BYTES": "files", "Candidate": "files", "expand": "files",
          "ImportPipeline": "pipeline", "ImportResult": "pipeline", "Prepared": "prepare"}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(name)
