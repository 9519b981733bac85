"""The four holes of the index built inside Whoosh's file format (issue 15), each reproduced on
the real CLI: they must stay closed."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.helpers import run, write

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "archive-schema-8"


def _import(root: Path, folder: Path) -> dict[str, str]:
    res = run(root, "import", str(folder), "--jobs", "1", "--json")
    assert res.exit_code == 0, res.output
    return {Path(json.loads(x)["path"]).name: json.loads(x)["id"] for x in res.stdout.splitlines()}


def _found(root: Path, *args: str) -> set[str]:
    res = run(root, "search", *args, "--json", "--limit", "100")
    assert res.exit_code in (0, 1), res.output
    return {r["id"] for r in json.loads(res.stdout)["results"]}


def test_an_accented_phrase_is_checked_on_positions(tmp_path):
    folder = tmp_path / "in"
    write(folder / "apart.txt", "THÔNG BÁO\nvề việc mua hoa\n\nNội dung: hoa đơn sơ trong vườn; hóa chất độc hại.\n")
    write(folder / "together.txt", "THÔNG BÁO\nvề việc xuất hóa đơn\n\nNội dung: xuất hóa đơn điện tử.\n")
    ids = _import(tmp_path / "a", folder)
    assert _found(tmp_path / "a", '"hóa đơn"') == {ids["together.txt"]}
    # typed without diacritics, the phrase matches both spellings where they stand together
    assert _found(tmp_path / "a", '"hoa don"') == {ids["apart.txt"], ids["together.txt"]}


def test_a_field_phrase_keeps_its_order(tmp_path):
    folder = tmp_path / "in"
    write(folder / "mua-hoa.txt", "THÔNG BÁO\nmua hoa tặng thầy cô\n\nNội dung: chuẩn bị ngày nhà giáo.\n")
    write(folder / "hoa-mua.txt", "THÔNG BÁO\nhoa mùa xuân\n\nNội dung: trồng hoa mua về.\n")
    ids = _import(tmp_path / "a", folder)
    assert _found(tmp_path / "a", 'title:"hoa mua"') == {ids["hoa-mua.txt"]}
    assert _found(tmp_path / "a", 'title:"mua hoa"') == {ids["mua-hoa.txt"]}


def test_a_phrase_stays_inside_the_title_or_one_section(tmp_path):
    folder = tmp_path / "in"
    # the title ends in "mua hoa" and the type line that follows it in the index is "Kế hoạch"
    write(folder / "seam.txt", "KẾ HOẠCH\nvề việc mua hoa\n\n"
          "I. MỤC ĐÍCH\nBảo đảm công tác kinh\n\nII. TỔ CHỨC THỰC HIỆN\nphí được bố trí hợp lý.\n")
    write(folder / "whole.txt", "KẾ HOẠCH\nvề kinh phí\n\nI. MỤC ĐÍCH\nBảo đảm.\n\n"
          "II. TỔ CHỨC THỰC HIỆN\nKinh phí được bố trí; mua hoa kế hoạch năm sau.\n")
    ids = _import(tmp_path / "a", folder)
    assert _found(tmp_path / "a", '"mua hoa kế hoạch"') == {ids["whole.txt"]}
    # "kinh" ends the purpose section and "phí" starts the next: not one occurrence
    assert ids["seam.txt"] not in _found(tmp_path / "a", '"kinh phí"')
    assert _found(tmp_path / "a", '"kinh phí"', "--section", "implementation") == {ids["whole.txt"]}
    assert _found(tmp_path / "a", "kinh", "--section", "purpose") == {ids["seam.txt"]}


def test_an_index_of_the_old_format_asks_for_a_rebuild_and_repair_rebuilds_it(tmp_path):
    """An archive written by the last release of the custom codec (schema 8): read commands say
    the index must be rebuilt; check reports it; check --repair rebuilds it from the store, which
    does not change."""
    root = tmp_path / "old"
    shutil.copytree(FIXTURE, root)
    store_before = {p.name: p.read_bytes() for p in (root / "documents").iterdir()}
    res = run(root, "search", "retention")
    assert res.exit_code == 1 and "archive reindex" in res.stderr and "another version" in res.stderr
    res = run(root, "check", "--json")
    assert res.exit_code == 1 and json.loads(res.stdout)["problems"][0]["kind"] == "index-outdated"
    assert run(root, "check", "--repair").exit_code == 0
    assert run(root, "check").exit_code == 0
    assert len(_found(root, "retention")) == 1 and len(_found(root, "tiep cong dan")) == 1
    assert {p.name: p.read_bytes() for p in (root / "documents").iterdir()} == store_before


def test_an_import_into_an_old_archive_rebuilds_the_index_first(tmp_path):
    root = tmp_path / "old"
    shutil.copytree(FIXTURE, root)
    new = write(tmp_path / "in" / "new.txt", "THÔNG BÁO\nvề việc cắt điện\n\nNội dung: cắt điện ngày mai.\n")
    res = run(root, "import", str(new), "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)["status"] == "imported"
    assert len(_found(root, "retention")) == 1 and len(_found(root, "cat dien")) == 1
    assert run(root, "check").exit_code == 0
