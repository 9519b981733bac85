"""Regressions found by a second review: paging over ties, -word starting with n, section
scoping inside OR, front-matter dates, broken store files, repair reporting, empty exports."""
from __future__ import annotations

import json

import pytest

from tests.helpers import DOCUMENTS, json_lines, run, write


@pytest.fixture(scope="module")
def template_archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tpl")
    for i in range(30):  # same words, same length: equal scores
        write(folder / f"{i:02d}.txt", f"THÔNG BÁO\nvề số hóa mẫu {i:02d}x\n\nNội dung: số hóa tài liệu.\n")
    root = tmp_path_factory.mktemp("a") / "a"
    assert run(root, "import", str(folder), "--jobs", "1").exit_code == 0
    return root


@pytest.mark.parametrize("extra", [[], ["--sort", "date"]])
def test_pages_over_equal_scores_never_repeat_or_skip(template_archive, extra):
    seen = []
    for page in (1, 2, 3):
        res = json.loads(run(template_archive, "search", "so hoa", "--limit", "10", "--page", str(page),
                             "--json", *extra).stdout)
        assert res["total"] == 30
        seen += [r["id"] for r in res["results"]]
    assert len(seen) == len(set(seen)) == 30


def test_minus_word_starting_with_n_is_not_the_limit_option(loaded):
    res = run(loaded, "search", "so", "-nội", "--json")
    assert res.exit_code in (0, 1) and json.loads(res.stdout)["query"] == "so NOT nội"
    assert len(json.loads(run(loaded, "search", "so", "-n1", "--json").stdout)["results"]) == 1


def test_section_scope_applies_inside_or_and_to_list(loaded):
    res = json.loads(run(loaded, "search", "so OR dân", "--section", "purpose", "--json").stdout)
    for r in res["results"]:
        assert r["sections"] == ["purpose"]
    listed = json.loads(run(loaded, "list", "--section", "implementation", "--json").stdout)
    assert "42/TB-UBND" in {x["number"] for x in listed}  # its III. TỔ CHỨC THỰC HIỆN
    assert "05-CT/TU" not in {x["number"] for x in listed}  # no headed sections at all


def test_front_matter_dates_are_stored_as_iso(archive_dir, tmp_path):
    write(tmp_path / "d.md", "---\nissued: 15/3/2024\nissuer: {x: 1}\n---\nVăn bản ba\n")
    line = json_lines(run(archive_dir, "import", str(tmp_path / "d.md"), "--json").stdout)[0]
    doc = json.loads(run(archive_dir, "show", line["id"], "--json").stdout)
    assert doc["issued"] == "2024-03-15" and doc["issuer"] is None
    assert [x["id"] for x in json.loads(run(archive_dir, "list", "--year", "2024", "--json").stdout)] == [line["id"]]


def test_broken_store_file_is_named_and_can_still_be_removed(loaded):
    doc_id = json.loads(run(loaded, "show", "125/KH-UBND", "--json").stdout)["id"]
    path = loaded / "documents" / f"{doc_id}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: [unclosed "), encoding="utf-8")
    res = run(loaded, "show", doc_id)
    assert res.exit_code == 1 and str(path) in res.stderr and "Traceback" not in res.output
    assert run(loaded, "remove", doc_id).exit_code == 0
    assert not path.exists() and run(loaded, "check").exit_code == 0


def test_repair_says_what_it_cannot_fix(loaded):
    for orig in (loaded / "originals").rglob("*"):
        if orig.is_file():
            orig.unlink()
            break
    res = run(loaded, "check", "--repair")
    assert res.exit_code == 1 and "cannot fix" in res.stderr
    data = json.loads(run(loaded, "check", "--repair", "--json").stdout)
    assert not data["ok"] and [p["kind"] for p in data["remaining"]] == ["original-missing"]


def test_export_or_list_that_selects_nothing_exits_1(loaded, tmp_path):
    res = run(loaded, "export", "--query", "zzzqqq", "-o", str(tmp_path / "q"))
    assert res.exit_code == 1 and "No documents match" in res.stderr
    assert run(loaded, "export", "--year", "1999", "-o", str(tmp_path / "q")).exit_code == 1
    assert run(loaded, "list", "--year", "1999").exit_code == 1
    assert run(loaded, "export").exit_code == 2


def test_impossible_dates_are_usage_errors(loaded):
    assert run(loaded, "list", "--from", "2024-13-45").exit_code == 2


def test_killed_reindex_leftovers_are_dropped_and_the_live_index_kept(loaded):
    index = loaded / "index"
    live = json.loads((index / "CURRENT").read_text())["generation"]
    (index / "g999998").mkdir()  # as a reindex killed half-way would leave it
    assert run(loaded, "reindex").exit_code == 0
    gens = sorted(p.name for p in index.glob("g*"))
    assert "g999998" not in gens and live in gens


def test_import_rebuilds_a_missing_index_first(loaded, tmp_path):
    import shutil

    shutil.rmtree(loaded / "index")
    src = write(tmp_path / "n.txt", "THÔNG BÁO\nvề việc mới\n\nNội dung mới.\n")
    res = run(loaded, "import", str(src), "--json")
    assert res.exit_code == 0 and json_lines(res.stdout)[0]["status"] == "imported"
    assert run(loaded, "check").exit_code == 0
    assert len(json.loads(run(loaded, "list", "--json").stdout)) == len(list(DOCUMENTS.iterdir())) + 1


def test_stray_original_is_reported_and_repaired(loaded):
    stray = loaded / "originals" / "ff" / ("f" * 64)
    stray.parent.mkdir(exist_ok=True)
    stray.write_bytes(b"left by an interrupted remove")
    data = json.loads(run(loaded, "check", "--json").stdout)
    assert [p["kind"] for p in data["problems"]] == ["orphan-original"]
    assert run(loaded, "check", "--repair").exit_code == 0 and not stray.exists()
    assert run(loaded, "check").exit_code == 0
