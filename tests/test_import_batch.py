"""Batch import for scripts (issue 5): globs, stdin lists, --jobs, --dry-run, duplicates,
same-number warnings, summary and exit codes — through the real CLI."""
from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import DOCUMENTS, json_lines, run, write

PLAN = ("ỦY BAN NHÂN DÂN\nTỈNH BẮC KẠN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 12/KH-UBND\nBắc Kạn, ngày 03 tháng 4 năm 2024\n\nKẾ HOẠCH\n{title}\n\nI. MỤC ĐÍCH\n{body}\n")


def test_glob_and_folder_and_jobs_give_results_in_input_order(archive_dir, tmp_path):
    folder = tmp_path / "in"
    for i in range(12):
        write(folder / "sub" / f"{i:02d}.txt", f"THÔNG BÁO\nvề việc số {i}\n\nNội dung {i}.\n")
    res = run(archive_dir, "import", str(folder / "sub" / "0*.txt"), str(folder / "sub" / "1*.txt"),
              "--jobs", "2", "--json")
    assert res.exit_code == 0, res.output
    names = [Path(x["path"]).name for x in json_lines(res.stdout)]
    assert names == [f"{i:02d}.txt" for i in range(12)]


def test_stdin_list_and_summary_table(archive_dir):
    listing = "\n".join(str(p) for p in sorted(DOCUMENTS.iterdir())) + "\n"
    res = run(archive_dir, "import", "-", input=listing)
    assert res.exit_code == 0
    n = len(list(DOCUMENTS.iterdir()))
    assert f"{n} imported, 0 duplicate, 0 failed, {n} in all." in res.stdout
    assert len(json.loads(run(archive_dir, "list", "--json").stdout)) == len(list(DOCUMENTS.iterdir()))


def test_dry_run_changes_nothing(archive_dir):
    res = run(archive_dir, "import", str(DOCUMENTS), "--dry-run", "--json")
    assert res.exit_code == 0
    lines = json_lines(res.stdout)
    assert lines and all(x["status"] == "imported" and x["dry_run"] for x in lines)
    assert not (archive_dir / "documents").exists() or not any((archive_dir / "documents").iterdir())
    assert "Dry run" in run(archive_dir, "import", str(DOCUMENTS), "--dry-run").stdout


def test_same_number_and_year_different_text_is_kept_and_reported(archive_dir, tmp_path):
    a = write(tmp_path / "a.txt", PLAN.format(title="về phòng cháy rừng", body="Bảo vệ rừng."))
    b = write(tmp_path / "b.txt", PLAN.format(title="về phòng cháy rừng (bản sửa)", body="Bảo vệ rừng đầu nguồn."))
    first = json_lines(run(archive_dir, "import", str(a), "--json").stdout)[0]
    res = run(archive_dir, "import", str(b), "--json")
    second = json_lines(res.stdout)[0]
    assert res.exit_code == 0 and second["status"] == "imported"
    assert second["warning"] == (f"same number 12/KH-UBND (2024) as document {first['id']}, "
                                 "with different text; kept as a new document")
    # both are kept; the number as a REF is now ambiguous and says so
    show = run(archive_dir, "show", "12/KH-UBND")
    assert show.exit_code == 1 and "matches 2 documents" in show.stderr
    human = run(archive_dir, "import", str(b))
    assert human.exit_code == 0 and "duplicate" in human.stdout


def test_duplicates_inside_one_batch(archive_dir, tmp_path):
    write(tmp_path / "x" / "one.txt", "THÔNG BÁO\nvề việc A\n\nNội dung.\n")
    write(tmp_path / "x" / "two.txt", "THÔNG BÁO\nvề việc A\n\nNội dung.\n")
    lines = json_lines(run(archive_dir, "import", str(tmp_path / "x"), "--json").stdout)
    assert [x["status"] for x in lines] == ["imported", "duplicate"]
    assert lines[0]["id"] == lines[1]["id"]


def test_missing_path_and_no_matching_glob_fail_clearly(archive_dir, tmp_path):
    res = run(archive_dir, "import", str(tmp_path / "nope.txt"), str(tmp_path / "*.docx"), "--json")
    assert res.exit_code == 1
    errors = [x["error"] for x in json_lines(res.stdout)]
    assert errors == ["no such file or folder", "no file matches this pattern"]


def test_an_archive_inside_the_imported_folder_is_not_read_back(tmp_path):
    folder = tmp_path / "inbox"
    write(folder / "a.txt", "THÔNG BÁO\nvề việc B\n\nNội dung.\n")
    archive = folder / "archive"
    assert run(archive, "import", str(folder)).exit_code == 0
    res = run(archive, "import", str(folder), "--json")
    assert [Path(x["path"]).name for x in json_lines(res.stdout)] == ["a.txt"]
