"""Atomic file writes: temp file in the same folder, fsync, rename, fsync the folder."""
from __future__ import annotations

import os
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable. Windows cannot open folders; the rename is enough there."""
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


#: Where the OS can flush everything at once (POSIX ``sync``), batch imports write without a
#: per-file fsync and call :func:`sync_batch` once before committing the batch to the index.
CAN_SYNC_BATCH = hasattr(os, "sync")


def sync_batch() -> None:
    """Make every write so far durable (one system call instead of four fsyncs per document)."""
    if CAN_SYNC_BATCH:
        os.sync()


def _umask() -> int:
    """The process's umask: from /proc where there is one (reading it there changes nothing),
    else by setting and restoring it."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old file or the new one.

    ``durable=False`` skips the fsyncs: the caller promises a :func:`sync_batch` before anything
    depends on the file (the rename is still atomic for a killed process)."""
    import tempfile  # lazily: read-only commands never write

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        if hasattr(os, "fchmod"):  # mkstemp makes 0600; a file we write is as open as the umask says
            os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if durable:
        fsync_dir(path.parent)


def remove_file(path: Path) -> bool:
    """Delete ``path`` durably; False when it was not there."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    fsync_dir(path.parent)
    return True


def tree_bytes(path: Path) -> int:
    """Bytes of all files under ``path`` (links not followed); 0 when it does not exist."""
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total
