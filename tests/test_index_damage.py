"""Index damage (issue 16): truncate, garble or delete each kind of index file in turn. A search
either answers as before or says to repair; ``check`` reports the damage; ``check --repair``
brings back the answers of before."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import DOCUMENTS, run

QUERIES = ["chuyen doi so", "\"tổ chức thực hiện\""]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    root = tmp_path_factory.mktemp("damage") / "archive"
    res = run(root, "import", str(DOCUMENTS), "--jobs", "1")
    assert res.exit_code == 0, res.output
    answers = {q: _answer(root, q) for q in QUERIES}
    return root, answers


def _answer(root: Path, query: str):
    res = run(root, "search", query, "--json", "--limit", "50")
    if res.exit_code != 0:
        return res.exit_code, res.stderr
    data = json.loads(res.stdout)
    return data["total"], [(r["id"], r["score"]) for r in data["results"]]


def _kinds(root: Path) -> list[str]:
    """One name pattern per kind of file in the live generation (segment ids vary)."""
    cur = json.loads((root / "index" / "CURRENT").read_text())
    kinds = set()
    for p in (root / "index" / cur["generation"]).iterdir():
        if p.name.endswith("LOCK"):
            continue
        kinds.add(p.name.split(".", 1)[1] if p.name.startswith("MAIN_") and "." in p.name else p.name)
    return sorted(kinds) + ["CURRENT"]


def _file(root: Path, kind: str) -> Path:
    if kind == "CURRENT":
        return root / "index" / "CURRENT"
    cur = json.loads((root / "index" / "CURRENT").read_text())
    folder = root / "index" / cur["generation"]
    found = [p for p in folder.iterdir() if p.name == kind or (p.name.startswith("MAIN_") and p.name.endswith("." + kind))]
    assert found, kind
    return found[0]


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncate":
        path.write_bytes(data[:len(data) // 2])
    elif how == "garble":
        mid = len(data) // 2
        path.write_bytes(data[:mid] + bytes(b ^ 0x5A for b in data[mid:mid + 16]) + data[mid + 16:])
    else:
        path.unlink()


def test_every_kind_of_file_is_covered(pristine):
    root, _answers = pristine
    kinds = _kinds(root)
    # the terms table, postings, stored fields, the lengths and sort columns, the table of
    # contents, the checksum list, CURRENT
    assert {"trm", "pst", "_stored.col", "_text_len.col", "issued.col", "CHECKSUMS.json", "CURRENT"} <= set(kinds)
    assert any(k.endswith(".toc") for k in kinds)


@pytest.mark.parametrize("how", ["truncate", "garble", "delete"])
def test_damage_to_each_file_is_reported_and_repaired(pristine, tmp_path, how):
    src, answers = pristine
    for kind in _kinds(src):
        root = tmp_path / f"{how}-{kind}"
        shutil.copytree(src, root)
        _damage(_file(root, kind), how)
        for q in QUERIES:
            got = _answer(root, q)
            if got == answers[q] or (isinstance(got[1], list) and got[0] == answers[q][0]
                                     and {i for i, _s in got[1]} == {i for i, _s in answers[q][1]}):
                continue  # the same documents (damaged lengths change scores only: check finds it)
            code, stderr = got  # else not silently wrong: an error that names the fix
            assert code == 1 and ("check --repair" in stderr or "reindex" in stderr), (kind, how, q, got)
            assert "Traceback" not in stderr and stderr.count("\n") == 1
        res = run(root, "check", "--json")
        assert res.exit_code == 1, (kind, how, res.output)
        assert any(p["kind"].startswith("index-") for p in json.loads(res.stdout)["problems"]), (kind, how)
        assert run(root, "check", "--repair").exit_code == 0, (kind, how)
        assert run(root, "check").exit_code == 0, (kind, how)
        assert {q: _answer(root, q) for q in QUERIES} == answers, (kind, how)
