"""Which files an import reads: paths, folders and globs expanded; bytes read with limits."""
from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import IngestError
from ..i18n import _

#: The unit of the size limit: a mebibyte (MiB), as file managers count; --max-size 1 is 1,048,576 bytes.
MB = 1024 * 1024
#: Files larger than this are refused (configurable with ARCHIVE_MAX_FILE_MB / --max-size).
DEFAULT_MAX_BYTES = 200 * MB


@dataclass
class Candidate:
    """A path to import, or the reason it cannot be (missing, broken link …)."""

    path: str
    error: str | None = None


_GLOB_CHARS = set("*?[")


def expand(paths: Iterable[str], *, globs: bool = True) -> Iterator[Candidate]:
    """Files as given, folders recursively (sorted, hidden names skipped), globs expanded.

    Symbolic links to files are followed; folder links are not descended, so loops cannot trap
    the walk. A path that names nothing is a candidate with an error, not an exception. With
    ``globs=False`` (paths read from stdin) every path is taken literally.
    """
    for raw in paths:
        p = Path(raw)
        if p.is_symlink() and not p.exists():
            yield Candidate(raw, _("broken symbolic link"))
            continue
        if p.is_dir():
            yield from _walk(p)
            continue
        if p.exists():
            yield Candidate(raw)
            continue
        if globs and _GLOB_CHARS & set(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                yield Candidate(raw, _("no file matches this pattern"))
            for m in matches:
                yield from (_walk(Path(m)) if Path(m).is_dir() else [Candidate(m)])
            continue
        yield Candidate(raw, _("no such file or folder"))


def _walk(folder: Path) -> Iterator[Candidate]:
    def onerror(err: OSError) -> None:
        errors.append(Candidate(str(err.filename or folder), _("the folder cannot be read ({reason})").format(
            reason=err.strerror or type(err).__name__)))

    errors: list[Candidate] = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=onerror):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        yield from errors
        errors.clear()
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            full = os.path.join(dirpath, name)
            if os.path.islink(full) and not os.path.exists(full):
                yield Candidate(full, _("broken symbolic link"))
            else:
                yield Candidate(full)
    yield from errors


def _mb(n: int) -> str:
    return f"{n / MB:g}"


def read_bytes(path: str, max_bytes: int) -> bytes:
    """Read a whole file, refusing what is not a regular file or is too large."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise IngestError(_("the file cannot be read ({reason})").format(reason=exc.strerror or exc)) from None
    import stat as stat_mod

    if not stat_mod.S_ISREG(st.st_mode):
        raise IngestError(_("not a regular file"))
    if st.st_size > max_bytes:
        raise IngestError(_("the file is {size} MiB, over the {limit} MiB limit").format(
            size=round(st.st_size / MB, 1), limit=_mb(max_bytes)))
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise IngestError(_("the file cannot be read ({reason})").format(reason=exc.strerror or exc)) from None
    if len(data) > max_bytes:
        raise IngestError(_("the file is over the {limit} MiB limit").format(limit=_mb(max_bytes)))
    return data
