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
