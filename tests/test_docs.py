"""Documentation is tested: every command has help with an example; the README opens with the
two commands, and the first one's archive commands work."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from archive_cli.cli import cli
from tests.helpers import REPO, run

COMMANDS = sorted(cli.commands)


def test_all_spec_commands_exist():
    assert {"import", "search", "show", "export", "list", "refs", "remove", "reindex", "check",
            "stats"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name):
    res = CliRunner().invoke(cli, [name, "--help"])
    assert res.exit_code == 0
    assert "Example" in res.output and f"archive {name}" in res.output


def test_readme_opens_with_the_two_commands(tmp_path):
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", text, re.S)
    first, second = blocks[0], blocks[1]
    assert first.startswith("pip install . && ") and "archive import documents" in first
    assert second == "pip install '.[test]' && python -m pytest"
    assert (REPO / ".ci" / "run").read_text().rstrip().endswith(second)
    # the archive part of the first command, run against a temp archive
    archive = tmp_path / "a"
    for step in first.split(" && ")[2:]:
        args = step.split()[1:]
        assert run(archive, *[a.replace("documents", str(REPO / "documents")) if a == "documents" else a
                             for a in args]).exit_code == 0, step
