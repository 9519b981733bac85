"""Long terminal output through the user's pager, with colour only where the pager shows it.

``less`` without ``-R`` prints colour codes as ``ESC[1m`` (Ubuntu sets neither ``PAGER`` nor
``LESS``), so ``less`` is always given ``-R`` on its command line (which wins over ``$LESS``)
and, when ``LESS`` is unset, git's ``FRX`` (quit if one screen, keep the text on screen). Any
other pager gets plain text: we cannot know what it does with escape codes.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class Pager:
    argv: list[str]
    env: dict[str, str]
    color: bool  # whether the pager shows colour codes as colour


def find_pager(environ: dict[str, str] | None = None) -> Pager | None:
    """The pager to run: ``$PAGER`` (empty or ``cat``: none), else ``less``, else ``more``."""
    environ = dict(os.environ if environ is None else environ)
    spec = environ.get("PAGER")
    if spec is None:
        spec = "less" if shutil.which("less") else ("more" if shutil.which("more") else "")
    try:
        argv = shlex.split(spec, posix=os.name != "nt")
    except ValueError:
        return None
    if not argv or os.path.basename(argv[0]) in ("cat", "cat.exe"):
        return None
    is_less = os.path.basename(argv[0]).lower() in ("less", "less.exe")
    if is_less:
        argv = [*argv, "-R"]
        environ.setdefault("LESS", "FRX")
        environ.setdefault("LESSCHARSET", "utf-8")
    return Pager(argv, environ, color=is_less)


def run_pager(pager: Pager, text: str, line: int | None = None) -> bool:
    """Show ``text`` in ``pager``; False when it could not be started (the caller prints the text
    itself). ``line`` (1-based) opens ``less`` with that line at the top."""
    argv = list(pager.argv)
    if line and pager.color:  # only less is known to take +N
        argv.append(f"+{line}")
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, env=pager.env)
    except OSError:
        return False
    try:
        assert proc.stdin is not None
        proc.stdin.write(text.encode("utf-8", "replace"))
        proc.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # the reader quit before the end: that is what q in a pager means
    while True:
        try:
            proc.wait()
            return True
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager (less stops a search with it)
            continue
