"""The documents the last search or listing showed, so that ``show 3`` opens the third of them.

Kept in the archive folder, one small file per user (``.last-results/<user>.json``), so two
clerks sharing an archive each keep their own. It is a convenience: a missing, unreadable or
unwritable file is never an error, only "no last results".
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

FOLDER = ".last-results"
#: More than a clerk scrolls through; a listing of the whole archive keeps its first rows.
MAX_REMEMBERED = 1000
_ID = re.compile(r"[0-9a-f]{12}")


def _user() -> str:
    if hasattr(os, "getuid"):
        return f"uid-{os.getuid()}"
    name = os.environ.get("USERNAME") or os.environ.get("USER") or "user"
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def path_for(root: Path) -> Path:
    return Path(root) / FOLDER / f"{_user()}.json"


def remember(root: Path, ids: list[str], first: int = 1) -> None:
    """Record the ids a search or listing just showed, in order, the first shown as number
    ``first`` (page 2 of ten starts at 11); silently skipped when the archive folder cannot be
    written (a read-only archive is still searchable)."""
    from .fsutil import atomic_write

    data = json.dumps({"first": first, "ids": ids[:MAX_REMEMBERED]}).encode("ascii")
    try:
        atomic_write(path_for(root), data, durable=False)
    except OSError:
        pass


def recall(root: Path) -> tuple[int, list[str]]:
    """(number of the first, the ids last shown), or (1, []) when there are none (never an
    error)."""
    try:
        data = json.loads(path_for(root).read_text(encoding="ascii"))
        if not isinstance(data, dict):
            return 1, []
        ids, first = data.get("ids", []), data.get("first", 1)
    except (OSError, ValueError, UnicodeDecodeError):
        return 1, []
    if not isinstance(ids, list) or not all(isinstance(i, str) and _ID.fullmatch(i) for i in ids):
        return 1, []
    return (first if isinstance(first, int) and first >= 1 else 1), ids
