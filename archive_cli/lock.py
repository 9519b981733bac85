"""One writer at a time: an OS file lock plus a note saying who holds it (SPEC §3).

The OS releases the lock when the holder dies, so a killed import never leaves a lock that blocks
the next one; the note (PID, command, start time) is only for the "archive is busy" message.
"""
from __future__ import annotations

import json
import os
import time
from datetime import datetime, timezone
from pathlib import Path

from .errors import ArchiveBusy
from .i18n import _

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class WriteLock:
    """``with WriteLock(root, "import", wait=5): ...`` — raises ArchiveBusy after ``wait`` s."""

    def __init__(self, root: Path, command: str, wait: float = 5.0) -> None:
        self.path = root / "lock"
        self.info_path = root / "lock.info"
        self.command = command
        self.wait = wait
        self._fd: int | None = None

    def holder(self) -> dict | None:
        try:
            return json.loads(self.info_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def __enter__(self) -> WriteLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + max(self.wait, 0.0)
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                os.close(fd)
                info = self.holder() or {}
                raise ArchiveBusy(
                    _("The archive is busy ({command} by PID {pid} since {since}); try again later or pass --wait SECONDS.").format(
                        command=info.get("command") or _("another command"), pid=info.get("pid", "?"),
                        since=info.get("since", "?"))
                )
            time.sleep(0.05)
        self._fd = fd
        note = {"pid": os.getpid(), "command": self.command,
                "since": datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M:%S")}
        self.info_path.write_text(json.dumps(note), encoding="utf-8")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is None:
            return
        try:
            self.info_path.unlink()
        except OSError:
            pass
        _unlock(self._fd)
        os.close(self._fd)
        self._fd = None
