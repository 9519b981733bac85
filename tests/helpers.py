"""Helpers shared by the CLI tests: run the real command against a real archive folder."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from archive_cli.cli import cli

REPO = Path(__file__).resolve().parent.parent
DOCUMENTS = REPO / "documents"


def run(archive: Path, *args: str, input: str | None = None) -> Result:
    """Invoke `archive --archive ARCHIVE args…` in-process, as a user would from a shell."""
    return CliRunner().invoke(cli, ["--archive", str(archive), *args], input=input, catch_exceptions=False)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_tty(archive: Path, *args: str, env: dict | None = None, columns: int = 80, lines: int = 24,
            timeout: float = 60) -> tuple[int, str]:
    """Run the real `archive` in a subprocess whose stdout and stderr are a terminal (a pty) of
    ``columns`` × ``lines``; returns (exit code, what the terminal showed). POSIX only."""
    import os
    import pty
    import select
    import subprocess
    import sys
    import time

    full_env = {k: v for k, v in os.environ.items() if k not in ("PAGER", "LESS", "NO_COLOR")}
    full_env.update({"COLUMNS": str(columns), "LINES": str(lines), "TERM": "xterm-256color"})
    full_env.update(env or {})
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "archive_cli", "--archive", str(archive), *args],
                            stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=full_env, close_fds=True)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _w, _x = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(master)
    code = proc.wait(timeout=10)
    return code, b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


def fake_pager(folder: Path, name: str = "pager") -> tuple[Path, Path]:
    """An executable that records its arguments, the LESS it was given and what it read, for
    PAGER or as `less` on PATH; returns (the program, the record it writes)."""
    record = folder / f"{name}.record"
    program = folder / name
    program.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{record}.args"\n'
        f'printf "%s" "${{LESS-unset}}" > "{record}.less"\n'
        f'cat > "{record}"\n', encoding="utf-8")
    program.chmod(0o755)
    return program, record
