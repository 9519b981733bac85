"""Importing: paths → read → extract → parse → store → index (SPEC §3, §6, §7).

- :mod:`.files` expands paths, folders and globs and reads bytes within limits;
- :mod:`.prepare` turns one file into a stored document and its index record (in workers);
- :mod:`.pipeline` runs a batch: workers, input order, duplicates, index commits.
"""
from __future__ import annotations

from .files import DEFAULT_MAX_BYTES, Candidate, expand
from .pipeline import ImportPipeline, ImportResult
from .prepare import Prepared

__all__ = ["DEFAULT_MAX_BYTES", "Candidate", "ImportPipeline", "ImportResult", "Prepared", "expand"]
