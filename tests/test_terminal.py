"""A terminal a clerk can work in (issue 17): search and list layouts at 80 columns, pipes that
stay plain, paging, opening a result by its position or bare number, import output, filters as
clerks type them. Terminal layouts are asserted through rich at a fixed width; the pager and
the import bar through the real command in a pseudo-terminal."""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from tests.helpers import DOCUMENTS, fake_pager, run, run_tty, write

posix_only = pytest.mark.skipif(os.name == "nt", reason="pseudo-terminals are POSIX")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _terminal(width: int = 80):
    import io

    from archive_cli.render import _console_class

    return _console_class()(file=io.StringIO(), record=True, width=width, height=24, force_terminal=True,
                            color_system="truecolor")


def _search(archive: Path, query: str, **kw):
    from archive_cli.archive import Archive

    return Archive(archive).search(query, **kw)


# --- search output ---------------------------------------------------------------------------

def test_search_page_fits_80_columns_compactly(loaded):
    from archive_cli.render import search_result

    res = _search(loaded, "thuc hien", limit=10)
    con = _terminal()
    search_result(con, res)
    text = con.export_text()
    lines = text.splitlines()
    assert all(len(line) <= 80 and line == line.rstrip() for line in lines)
    # title ≤ 2 lines, meta 1, snippet ≤ 2, blank 1: never more than 6 lines a hit
    assert len(lines) <= 6 * len(res.hits) + 1
    # every line but a result's first starts indented: a wrapped "6. An toàn…" is not result 6
    numbered = [line for line in lines if re.match(r"\d+\.", line)]
    assert [int(n.split(".")[0]) for n in numbered] == list(range(1, len(res.hits) + 1))
    # the id is never cut off, and the date is as clerks read it
    assert all(h.id in text for h in res.hits)
    assert "15/03/2024" in text and "2024-03-15" not in text


def test_search_shows_section_kinds_not_every_heading(loaded):
    from archive_cli.render import search_result, search_result_plain

    res = _search(loaded, '"tổ chức thực hiện"', limit=10)
    text = search_result_plain(res)
    assert "in: implementation" in text or "in: purpose, implementation" in text or "implementation" in text
    assert "IV. TỔ CHỨC THỰC HIỆN;" not in text  # headings are not listed
    con = _terminal()
    search_result(con, res)
    shown = con.export_text()
    assert "[implementation" in shown or ", implementation]" in shown


def test_search_pages_say_where_they_are(loaded):
    res = run(loaded, "search", "thuc", "hien", "-n", "2", "--page", "2")
    assert res.exit_code == 0
    total = json.loads(run(loaded, "search", "thuc", "hien", "--json").stdout)["total"]
    assert f"3–4 of {total} documents" in res.stdout
    assert "more with --page 3" in res.stdout or total <= 4
    last = run(loaded, "search", "thuc", "hien", "-n", "2", "--page", str(-(-total // 2)))
    assert "more with --page" not in last.stdout


def test_search_page_past_the_end_is_an_error(loaded):
    res = run(loaded, "search", "thuc", "hien", "--page", "50")
    assert res.exit_code == 1
    assert "Page 50 is past the end" in res.stderr and res.stdout == ""


def test_piped_search_is_plain_and_unwrapped(loaded):
    res = run(loaded, "search", "thuc", "hien")
    assert "\x1b[" not in res.stdout
    assert any(len(line) > 80 for line in res.stdout.splitlines())  # not hard-wrapped at 80
    assert all(line == line.rstrip() for line in res.stdout.splitlines())


# --- opening a result ------------------------------------------------------------------------

def test_show_by_position_in_the_last_search(loaded):
    found = json.loads(run(loaded, "search", "thuc", "hien", "--json").stdout)["results"]
    run(loaded, "search", "thuc", "hien")  # what the clerk saw
    res = run(loaded, "show", "2", "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)["id"] == found[1]["id"]
    # page 2 of one-per-page: its only result is number 2 again
    run(loaded, "search", "thuc", "hien", "-n", "1", "--page", "3")
    assert json.loads(run(loaded, "show", "3", "--json").stdout)["id"] == found[2]["id"]


def test_show_by_position_in_the_last_list(loaded):
    rows = run(loaded, "list", "--sort", "number").stdout.splitlines()
    res = run(loaded, "show", "1", "--json")
    assert json.loads(res.stdout)["id"] == rows[0].split("\t")[0]


def test_last_results_missing_or_damaged_are_harmless(loaded):
    from archive_cli.last_results import path_for

    path = path_for(loaded)
    if path.exists():
        path.unlink()
    res = run(loaded, "show", "125", "--json")  # no last search: the bare number
    assert json.loads(res.stdout)["number"] == "125/KH-UBND"
    write(path, "{not json")
    assert json.loads(run(loaded, "show", "125", "--json").stdout)["number"] == "125/KH-UBND"
    assert run(loaded, "show", "99", "--json").exit_code == 1


def test_show_bare_number(loaded):
    res = run(loaded, "show", "1482", "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)["number"] == "1482/QĐ-UBND"


def test_ambiguous_number_lists_what_tells_them_apart(loaded, tmp_path):
    text = (DOCUMENTS / "ke-hoach-so-hoa-tai-lieu-luu-tru-2024.txt").read_text(encoding="utf-8")
    other = write(tmp_path / "in" / "other.txt", text.replace("Triển khai số hóa", "Bổ sung số hóa").replace(
        "ngày 15 tháng 3 năm 2024", "ngày 20 tháng 5 năm 2024"))
    assert run(loaded, "import", str(other)).exit_code == 0
    res = run(loaded, "show", "125/KH-UBND")
    assert res.exit_code == 1
    lines = res.stderr.splitlines()
    assert "matches 2 documents" in lines[0]
    detail = [line for line in lines[1:] if line.startswith("  ")]
    assert len(detail) == 2
    assert any("15/03/2024" in d and "Triển khai" in d for d in detail)
    assert any("20/05/2024" in d and "Bổ sung" in d for d in detail)
    assert all("Ủy ban nhân dân tỉnh Thái Nguyên" in d for d in detail)


def test_search_goes_on_when_last_results_cannot_be_written(loaded):
    from archive_cli.last_results import FOLDER

    (loaded / FOLDER).write_text("a file where the folder should be")  # unwritable even for root
    res = run(loaded, "search", "thuc", "hien")
    assert res.exit_code == 0 and res.stdout.startswith("1. ") and res.stderr == ""
    assert json.loads(run(loaded, "show", "125", "--json").stdout)["number"] == "125/KH-UBND"


# --- list ------------------------------------------------------------------------------------

def test_list_sorts_the_whole_archive_before_the_limit(loaded):
    every = [r.split("\t")[3] for r in run(loaded, "list", "--sort", "number").stdout.splitlines()]
    first2 = [r.split("\t")[3] for r in run(loaded, "list", "--sort", "number", "-n", "2").stdout.splitlines()]
    assert first2 == every[:2] == ["05-CT/TU", "7/GL-PAO"]  # numbers compare as numbers
    assert every[-1] == ""  # the unnumbered document last
    back = [r.split("\t")[3] for r in run(loaded, "list", "--sort", "number", "--reverse").stdout.splitlines()]
    assert back[0] == "1482/QĐ-UBND" and back[-1] == ""  # still last


def test_list_oldest_first(loaded):
    dates = [r.split("\t")[1] for r in run(loaded, "list", "--reverse").stdout.splitlines()]
    assert dates == sorted(dates) and dates[0] == "2023-01-18"


def test_list_piped_is_tab_separated(loaded):
    res = run(loaded, "list")
    rows = [r.split("\t") for r in res.stdout.splitlines()]
    assert len(rows) == 6 and all(len(r) == 6 for r in rows)
    assert "\x1b[" not in res.stdout and "━" not in res.stdout and "│" not in res.stdout
    assert ["f8705f5b6777", "2024-03-15", "Kế hoạch", "125/KH-UBND"] == rows[2][:4]


def test_list_pages(loaded):
    page2 = run(loaded, "list", "-n", "4", "--page", "2").stdout.splitlines()
    assert len(page2) == 2
    assert run(loaded, "list", "-n", "4", "--page", "3").exit_code == 1
    run(loaded, "list", "-n", "4", "--page", "2")
    every = run(loaded, "list").stdout.splitlines()
    assert json.loads(run(loaded, "show", "5", "--json").stdout)["id"] == every[4].split("\t")[0]


def test_list_table_at_80_columns(loaded):
    from archive_cli.archive import Archive
    from archive_cli.render import hits_table

    hits = Archive(loaded).list()
    con = _terminal(80)
    con.print(hits_table(con, hits))
    lines = con.export_text().splitlines()
    assert len(lines) == 1 + len(hits)  # one line a document
    assert all(len(line) <= 80 for line in lines)
    header = lines[0]
    assert "issuer" in header and "title" in header
    # the title column gets a readable width
    assert len(header) - header.index("title") >= 20
    wide = _terminal(120)
    wide.print(hits_table(wide, hits))
    assert "f8705f5b6777" in wide.export_text()


# --- show and the pager ----------------------------------------------------------------------

@posix_only
def test_show_through_a_pager_that_was_not_given_R_gets_no_escape_codes(loaded, tmp_path):
    program, record = fake_pager(tmp_path)
    code, screen = run_tty(loaded, "show", "125/KH-UBND", env={"PAGER": str(program)}, lines=10)
    assert code == 0
    received = record.read_text(encoding="utf-8")
    assert "TỔ CHỨC THỰC HIỆN" in received
    assert "\x1b" not in received
    assert (Path(str(record) + ".less")).read_text() == "unset"


@posix_only
def test_less_is_given_R_and_FRX_when_LESS_is_unset(loaded, tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    program, record = fake_pager(bindir, "less")
    env = {"PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}
    code, _screen = run_tty(loaded, "show", "125/KH-UBND", env=env, lines=10)
    assert code == 0
    args = Path(str(record) + ".args").read_text().split()
    assert "-R" in args
    assert Path(str(record) + ".less").read_text() == "FRX"
    assert "\x1b[" in record.read_text(encoding="utf-8")  # colour, which less -R shows as colour


@posix_only
def test_no_pager_for_output_that_fits(loaded, tmp_path):
    program, record = fake_pager(tmp_path)
    code, screen = run_tty(loaded, "show", "1482/QĐ-UBND", "--section", "Điều 2", env={"PAGER": str(program)}, lines=40)
    assert code == 0 and not record.exists()
    assert "hiệu lực" in ANSI.sub("", screen)


@posix_only
def test_find_without_diacritics_opens_the_pager_at_the_match(loaded, tmp_path):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    program, record = fake_pager(bindir, "less")
    env = {"PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}
    code, _screen = run_tty(loaded, "show", "125/KH-UBND", "--find", "to chuc thuc hien", env=env, lines=10)
    assert code == 0
    args = Path(str(record) + ".args").read_text().split()
    start = [a for a in args if re.fullmatch(r"\+\d+", a)]
    assert start
    shown = ANSI.sub("", record.read_text(encoding="utf-8")).splitlines()
    assert "TỔ CHỨC THỰC HIỆN" in shown[int(start[0][1:]) - 1]


def test_show_header_has_recipients(loaded):
    from archive_cli.archive import Archive
    from archive_cli.render import show_document

    arch = Archive(loaded)
    doc = arch.get("1482/QĐ-UBND")
    assert doc.parsed.recipients
    con = _terminal(100)
    show_document(con, doc)
    head = con.export_text().split("╰")[0]
    assert "Recipients" in head and "Bộ Nội vụ" in head


# --- import on a terminal --------------------------------------------------------------------

@posix_only
def test_import_on_a_terminal_labels_failures_and_names_them_again(archive_dir, tmp_path):
    folder = tmp_path / "in"
    for p in DOCUMENTS.iterdir():
        write(folder / p.name, p.read_text(encoding="utf-8"))
    (folder / "hong.pdf").write_bytes(b"this was a PDF once, cut short")
    code, screen = run_tty(archive_dir, "import", str(folder), "--jobs", "1")
    assert code == 1
    # what the terminal shows of each line: the text after the last carriage return (the bar
    # is drawn, then erased with CR + ESC[2K, then the message is written)
    lines = [ANSI.sub("", line).split("\r")[-1] for line in screen.splitlines()]
    failed = [line for line in lines if "hong.pdf" in line]
    # labelled where it happened, never glued onto a progress line, and again in the summary
    assert any(re.match(r"\s*failed\s+\S*hong\.pdf: the PDF is damaged", line) for line in failed)
    assert any(re.match(r"\s+\S*hong\.pdf: the PDF is damaged", line) for line in failed)
    assert "Not imported:" in screen
    assert "6 imported, 0 duplicate, 1 failed, 7 in all." in screen


def test_import_piped_labels_failures_and_summary_names_them(archive_dir, tmp_path):
    bad = tmp_path / "hong.pdf"
    bad.write_bytes(b"not a pdf at all")
    res = run(archive_dir, "import", str(bad), str(DOCUMENTS / "records-retention-guideline.txt"))
    assert res.exit_code == 1
    assert re.search(r"^failed\s+\S*hong\.pdf: the PDF is damaged", res.stderr, re.M)
    assert "unsupported format" not in res.stderr
    assert "Not imported:" in res.stderr and res.stderr.count("hong.pdf") == 2
    assert "1 imported, 0 duplicate, 1 failed, 2 in all." in res.stdout


def test_a_batch_is_committed_after_commit_seconds(archive_dir, tmp_path):
    """Results of a watched import come as it goes, not all when the last file is read."""
    import time

    from archive_cli.archive import Archive

    arch = Archive(archive_dir)
    seen = []
    for r in arch.import_paths([str(DOCUMENTS)], commit_seconds=0.0):
        seen.append((r.status, len(list(arch.store.entries()))))
        time.sleep(0.01)
    # each result arrived with its own document already stored: one commit per file
    assert [n for _s, n in seen] == list(range(1, len(seen) + 1))


# --- filters as clerks type them -------------------------------------------------------------

@pytest.mark.parametrize("issuer, n", [
    ("ubnd thai nguyen", 2), ("UBND tỉnh Thái Nguyên", 2), ("Ủy ban nhân dân Thái Nguyên", 2),
    ("ubnd", 3), ("Ủy ban nhân dân", 3), ("UBND huyện Đại Từ", 1), ("tinh uy bac kan", 1),
])
def test_issuer_abbreviations(loaded, issuer, n):
    res = run(loaded, "list", "--issuer", issuer)
    assert res.exit_code == 0, res.output
    assert len(res.stdout.splitlines()) == n


def test_issuer_abbreviation_in_the_store_matches_a_spelled_out_filter(archive_dir, tmp_path):
    text = (DOCUMENTS / "ke-hoach-so-hoa-tai-lieu-luu-tru-2024.txt").read_text(encoding="utf-8")
    first_line = text.splitlines()[0]
    doc = write(tmp_path / "a.txt", text.replace(first_line, "UBND TỈNH THÁI NGUYÊN", 1))
    assert run(archive_dir, "import", str(doc)).exit_code == 0
    issuer = json.loads(run(archive_dir, "list", "--json").stdout)[0]["issuer"]
    assert "UBND" in issuer, issuer  # kept as printed: the filter must bridge the two spellings
    assert len(run(archive_dir, "list", "--issuer", "ủy ban nhân dân thái nguyên").stdout.splitlines()) == 1


@pytest.mark.parametrize("opt, value, n", [
    ("--from", "2024-07", 2), ("--from", "07/2024", 2), ("--to", "2024-02", 3), ("--to", "02/2024", 3),
    ("--from", "2024", 4), ("--to", "2023", 2),
])
def test_months_and_years_as_date_bounds(loaded, opt, value, n):
    res = run(loaded, "list", opt, value)
    assert res.exit_code == 0, res.output
    assert len(res.stdout.splitlines()) == n


def test_an_impossible_date_is_a_usage_error(loaded):
    res = run(loaded, "list", "--to", "2025-02-30")
    assert res.exit_code == 2 and "not a real date" in res.stderr


@given(st.dates(), st.booleans())
def test_date_bounds_round_trip(day, end):
    from archive_cli.search.filters import date_bound

    assert date_bound(day.isoformat(), end) == day.isoformat()
    assert date_bound(f"{day.day}/{day.month}/{day.year:04d}", end) == day.isoformat() if day.year >= 1000 else True
    month = date_bound(f"{day.year:04d}-{day.month:02d}", end)
    assert month[:7] == day.isoformat()[:7] and (month <= day.isoformat() if not end else month >= day.isoformat())


# --- help ------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["", "import", "search", "show", "export", "list", "refs", "similar",
                                     "remove", "reindex", "check", "stats"])
def test_help_fits_80_columns(command):
    import subprocess

    from rich.cells import cell_len

    env = dict(os.environ, COLUMNS="80")
    out = subprocess.run([sys.executable, "-m", "archive_cli", *([command] if command else []), "--help"],
                         capture_output=True, text=True, env=env, check=True).stdout
    for line in out.splitlines():
        assert cell_len(line) <= 80, line
        assert line == line.rstrip(), line


# --- from a new-user pass over the commands --------------------------------------------------

def test_any_start_of_an_id_in_any_case_but_not_a_lone_digit(loaded):
    assert json.loads(run(loaded, "show", "f87", "--json").stdout)["id"] == "f8705f5b6777"
    assert json.loads(run(loaded, "show", "F8705F", "--json").stdout)["id"] == "f8705f5b6777"
    res = run(loaded, "show", "f")  # two ids start with f: ambiguous, not "not found"
    assert res.exit_code == 1 and "matches 2 documents" in res.stderr
    run(loaded, "search", "thuc", "hien", "-n", "2", "--page", "2")
    res = run(loaded, "show", "1")  # not a position now, no number starts 1/…, and not the id 1748…
    assert res.exit_code == 1
    assert "your last results were numbered 3–4" in res.stderr


def test_show_of_a_section_leaves_out_the_documents_citations(loaded):
    res = run(loaded, "show", "125/KH-UBND", "--section", "IV")
    assert res.exit_code == 0 and "Sở Nội vụ" in res.stdout
    assert "Cites:" not in res.stdout and "Cited by:" not in res.stdout
    assert "Cites:" in run(loaded, "show", "125/KH-UBND").stdout


def test_list_rows_at_80_columns_say_what_differs(loaded):
    from archive_cli.archive import Archive
    from archive_cli.render import hits_table

    con = _terminal(80)
    con.print(hits_table(con, Archive(loaded).list(sort="number")))
    text = con.export_text()
    assert "UBND tỉnh Thái" in text  # the issuer's short form, not "Ủy ban nhân dân…"
    assert "Về việc ban hành" in text and "Quyết định Về việc" not in text  # no type word twice


@posix_only
def test_stats_on_a_terminal_says_what_it_left_out(archive_dir, tmp_path):
    for i in range(17):
        write(tmp_path / "in" / f"{i}.txt", f"Văn bản thử số {i}\n\nNội dung văn bản thử nghiệm số {i} về kế hoạch năm {2000 + i}.\n"
              f"Hà Nội, ngày 01 tháng 01 năm {2000 + i}\n")
    assert run(archive_dir, "import", str(tmp_path / "in")).exit_code == 0
    code, screen = run_tty(archive_dir, "stats", columns=100, lines=200)
    assert code == 0
    years = json.loads(run(archive_dir, "stats", "--json").stdout)["by_year"]
    assert len(years) > 15
    assert f"… {len(years) - 15} more" in ANSI.sub("", screen)


@posix_only
def test_a_search_taller_than_the_screen_goes_through_the_pager(loaded, tmp_path):
    program, record = fake_pager(tmp_path)
    code, _screen = run_tty(loaded, "search", "thuc", "hien", env={"PAGER": str(program)}, lines=10)
    assert code == 0 and "1–4 of 4 documents" in record.read_text(encoding="utf-8")
