"""The interface in the clerk's language: the Vietnamese catalog is complete and matches its
.mo; the locale, ARCHIVE_LANG and --lang choose the language; section kinds and sort keys are
typed in Vietnamese; help fits 80 columns; --json, exit codes and document data do not change."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from archive_cli import i18n
from archive_cli.cli import cli
from tests.helpers import DOCUMENTS, REPO, run, run_tty

pytest.importorskip("babel")

VI_ENV = {"LANG": "vi_VN.UTF-8"}
C_ENV = {"LANG": "C"}
#: locale variables left out of a subprocess's environment, so that only the test's choice counts
_LANGUAGE_VARIABLES = ("ARCHIVE_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def archive(path, *args, env: dict | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    """The real `archive` in a subprocess, with no locale variables but those in ``env``."""
    full = {k: v for k, v in os.environ.items() if k not in _LANGUAGE_VARIABLES}
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "archive_cli", "--archive", str(path), *args], env=full,
                          capture_output=True, text=True, encoding="utf-8", input=input, timeout=120)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample documents imported once, by a Vietnamese `archive import`: (archive, its output)."""
    path = tmp_path_factory.mktemp("i18n") / "archive"
    res = archive(path, "import", str(DOCUMENTS), "--jobs", "1", env=VI_ENV)
    assert res.returncode == 0, res.stderr
    return path, res


# --- the catalog -------------------------------------------------------------------------------

def test_every_message_has_a_vietnamese_translation_with_the_same_placeholders():
    from tools.i18n import problems

    assert problems("vi") == []


def test_the_catalog_holds_every_message_of_the_code():
    """A message added to the code without `python -m tools.i18n update` fails here."""
    from tools.i18n import compiled, extract

    ours = {m.id for m in extract() if m.id and any(f.startswith("archive_cli/") for f, _ in m.locations)}
    have = {m.id for m in compiled("vi") if m.id and not m.fuzzy and m.string}
    assert sorted(map(str, ours - have)) == []


def test_the_mo_file_matches_the_po_file():
    from babel.messages.mofile import read_mo

    from tools.i18n import compiled, mo_path

    def plain(value):  # a plural's forms come back as a list from one reader, a tuple from the other
        return tuple(value) if isinstance(value, (list, tuple)) else value

    with mo_path("vi").open("rb") as f:
        mo = {plain(m.id): plain(m.string) for m in read_mo(f) if m.id}
    po = {plain(m.id): plain(m.string) for m in compiled("vi") if m.id and not m.fuzzy}
    assert len(po) > 300 and mo == po


def test_the_placeholder_check_catches_a_changed_placeholder():
    from tools.i18n import placeholders

    assert placeholders("{n} văn bản trong {path}") == {"n", "path"}
    assert placeholders("{value!r} không phải {number_type}; {a:.1f}") == {"value", "number_type", "a"}
    assert placeholders("{n} văn bản trong {duong_dan}") != placeholders("{n} documents in {path}")


# --- choosing the language ----------------------------------------------------------------------

@pytest.mark.parametrize("env, argv, want", [
    ({"LANG": "vi_VN.UTF-8"}, [], "vi"),
    ({"LC_ALL": "vi_VN"}, [], "vi"),
    ({"LC_MESSAGES": "vi"}, [], "vi"),
    ({"LANGUAGE": "vi:en", "LANG": "C"}, [], "vi"),
    ({"LANGUAGE": "fr:vi"}, [], "vi"),
    ({"LANG": "C"}, [], "en"),
    ({"LANG": "en_US.UTF-8"}, [], "en"),
    ({"LANG": "fr_FR.UTF-8"}, [], "en"),
    ({}, [], "en"),
    ({"LANG": "C", "ARCHIVE_LANG": "vi"}, [], "vi"),
    ({"LANG": "vi_VN.UTF-8", "ARCHIVE_LANG": "en"}, [], "en"),
    ({"ARCHIVE_LANG": "vi"}, ["--lang", "en", "search"], "en"),
    ({"LANG": "C"}, ["--lang=vi", "list"], "vi"),
    ({"LANG": "C"}, ["search", "--", "--lang", "vi"], "en"),
])
def test_the_language_comes_from_lang_then_archive_lang_then_the_locale(env, argv, want):
    assert i18n.detect(env, argv) == want


def test_help_in_vietnamese_under_a_vietnamese_locale_and_in_english_under_c(tmp_path):
    vi = archive(tmp_path, "--help", env=VI_ENV)
    assert vi.returncode == 0
    assert vi.stdout.startswith("Cách dùng: archive [TÙY-CHỌN] LỆNH [THAM-SỐ]...")
    assert "Tùy chọn:" in vi.stdout and "Lệnh:" in vi.stdout
    assert "Hiện hướng dẫn này rồi thoát." in vi.stdout
    assert "Tìm kiếm toàn văn, xếp theo mức độ liên quan." in vi.stdout
    en = archive(tmp_path, "--help", env=C_ENV)
    assert en.stdout.startswith("Usage: archive [OPTIONS] COMMAND [ARGS]...")
    assert "Show this message and exit." in en.stdout and "Cách dùng" not in en.stdout


def test_archive_lang_and_lang_override_the_locale(tmp_path):
    assert archive(tmp_path, "--help", env={"LANG": "C", "ARCHIVE_LANG": "vi"}).stdout.startswith("Cách dùng:")
    assert archive(tmp_path, "--help", env={"LANG": "vi_VN.UTF-8", "ARCHIVE_LANG": "en"}).stdout.startswith("Usage:")
    assert archive(tmp_path, "--lang", "en", "--help", env=VI_ENV).stdout.startswith("Usage:")
    assert archive(tmp_path, "--lang", "vi", "--help", env=C_ENV).stdout.startswith("Cách dùng:")


def test_import_summary_in_vietnamese(sample):
    _path, res = sample
    assert res.stdout.splitlines()[-1] == "6 đã nhập, 0 trùng, 0 lỗi, tổng cộng 6."
    assert all(line.startswith("đã nhập ") for line in res.stdout.splitlines()[:-1])


def test_import_summary_in_english_under_c(sample, tmp_path):
    res = archive(tmp_path / "a", "import", str(DOCUMENTS / "ke-hoach-so-hoa-tai-lieu-luu-tru-2024.txt"), env=C_ENV)
    assert res.stdout.splitlines()[-1] == "1 imported, 0 duplicate, 0 failed, 1 in all."


def test_search_in_vietnamese_with_a_vietnamese_section_kind(sample):
    path, _res = sample
    vi = archive(path, "search", "so hoa", "--section", "tổ chức thực hiện", env=VI_ENV)
    assert vi.returncode == 0, vi.stderr
    assert "    trong: tổ chức thực hiện" in vi.stdout
    assert "Kế hoạch 125/KH-UBND · 15/03/2024 · UBND tỉnh Thái Nguyên" in vi.stdout
    assert re.search(r"^1–\d+ trong \d+ văn bản$", vi.stdout, re.M)
    en = archive(path, "search", "so hoa", "--section", "implementation", env=C_ENV)
    assert "    in: implementation" in en.stdout and re.search(r"^1–\d+ of \d+ documents$", en.stdout, re.M)
    # the same documents, whatever the language and however the kind was typed
    ids = lambda out: re.findall(r"· ([0-9a-f]{12})$", out, re.M)  # noqa: E731
    assert ids(vi.stdout) == ids(en.stdout) != []


def test_show_in_vietnamese(sample):
    path, _res = sample
    vi = archive(path, "show", "125/KH-UBND", "--outline", env=VI_ENV)
    assert vi.returncode == 0
    assert "I. MỤC ĐÍCH, YÊU CẦU  (mục đích – yêu cầu)" in vi.stdout
    assert "(tổ chức thực hiện)" in vi.stdout and "(implementation)" not in vi.stdout
    refs = archive(path, "show", "125/KH-UBND", env=VI_ENV)
    assert "\nVăn bản được dẫn chiếu: Nghị định 30/2020/NĐ-CP" in refs.stdout
    en = archive(path, "show", "125/KH-UBND", "--outline", env=C_ENV)
    assert "I. MỤC ĐÍCH, YÊU CẦU  (purpose)" in en.stdout


def test_show_header_box_in_vietnamese_at_80_columns(sample):
    path, _res = sample
    code, screen = run_tty(path, "show", "125/KH-UBND", "--no-pager", "--outline",
                           env={"ARCHIVE_LANG": "vi"}, columns=80)
    assert code == 0
    for label in ("Loại văn bản", "Số ký hiệu", "Cơ quan ban hành", "Ngày ban hành", "Người ký", "Nơi nhận"):
        assert re.search(rf"│ {label} +", _plain(screen)), label
    assert "15/03/2024" in screen
    assert max(_cells(line) for line in _plain(screen).splitlines()) <= 80


def test_errors_in_vietnamese(sample):
    path, _res = sample
    res = archive(path, "show", "999/XX-YY", env=VI_ENV)
    assert res.returncode == 1
    assert res.stderr == "Lỗi: Không có văn bản nào khớp 999/XX-YY.\n"
    res = archive(path, "show", "125/KH-UBND", "--section", "phu luc", env=VI_ENV)
    assert res.returncode == 1 and "không có phần 'phu luc'" in res.stderr
    en = archive(path, "show", "999/XX-YY", env=C_ENV)
    assert en.stderr == "Error: No document matches 999/XX-YY.\n"


def test_click_usage_errors_in_vietnamese(sample):
    path, _res = sample
    res = archive(path, "search", "--bogus", env=VI_ENV)
    assert res.returncode == 2
    assert res.stderr == ("Cách dùng: archive search [TÙY-CHỌN] CÂU-TÌM...\n"
                          "Xem 'archive search --help' để được hướng dẫn.\n\n"
                          "Lỗi: Không có tùy chọn '--bogus'.\n")
    res = archive(path, "show", env=VI_ENV)
    assert res.returncode == 2 and "Lỗi: Thiếu tham số 'REF'." in res.stderr
    res = archive(path, "list", "--limit", "abc", env=VI_ENV)
    assert res.returncode == 2
    assert "Lỗi: Giá trị không hợp lệ cho '--limit' / '-n': 'abc' không phải số nguyên hợp lệ." in res.stderr
    en = archive(path, "search", "--bogus", env=C_ENV)
    assert en.returncode == 2 and en.stderr.endswith("Error: No such option '--bogus'.\n")


# --- words as offices write them ------------------------------------------------------------------

@pytest.mark.parametrize("typed, kind", [
    ("tổ chức thực hiện", "implementation"), ("Tổ Chức Thực Hiện", "implementation"),
    ("to-chuc-thuc-hien", "implementation"), ("TO_CHUC_THUC_HIEN", "implementation"),
    ("implementation", "implementation"), ("muc dich", "purpose"), ("Mục đích – yêu cầu", "purpose"),
    ("mục đích, yêu cầu", "purpose"), ("noi dung", "content"), ("NỘI DUNG", "content"),
    ("content", "content"), ("khác", "other"), ("to chu thuc hien", None), ("IV", None), ("Điều 2", None),
])
def test_section_kinds_typed_in_vietnamese(typed, kind):
    from archive_cli.vocabulary import canonical

    assert canonical("kind", typed) == kind


def test_nfd_typed_kind_is_the_same_kind():
    import unicodedata

    from archive_cli.vocabulary import canonical

    assert canonical("kind", unicodedata.normalize("NFD", "tổ chức thực hiện")) == "implementation"


@pytest.mark.parametrize("typed", ["tổ chức thực hiện", "to-chuc-thuc-hien", "TO CHUC THUC HIEN", "implementation"])
def test_show_section_accepts_vietnamese_kind_names(sample, typed):
    path, _res = sample
    want = run(path, "show", "125/KH-UBND", "--section", "implementation").output
    res = run(path, "show", "125/KH-UBND", "--section", typed)
    assert res.exit_code == 0 and res.output == want and "Tổ chức thực hiện".upper() in want.upper()


def test_preamble_and_kinds_in_vietnamese_for_show_export_and_query(sample):
    path, _res = sample
    assert run(path, "show", "1482", "--section", "phần mở đầu").output == run(path, "show", "1482", "--section", "preamble").output
    assert run(path, "export", "125/KH-UBND", "-s", "muc dich").output == run(path, "export", "125/KH-UBND", "-s", "purpose").output
    a = run(path, "search", "--json", 'section:"to chuc thuc hien"', "so hoa").output
    b = run(path, "search", "--json", "section:implementation", "so hoa").output
    assert a.replace('section:\\"to chuc thuc hien\\"', "section:implementation") == b


def test_sort_keys_and_ocr_modes_in_vietnamese(sample):
    path, _res = sample
    for vi, en in (("số ký hiệu", "number"), ("so hieu", "number"), ("trích yếu", "title"), ("ngay", "date"),
                   ("cơ quan ban hành", "issuer"), ("loai", "type")):
        assert run(path, "list", "--json", "--sort", vi).output == run(path, "list", "--json", "--sort", en).output
    assert run(path, "search", "--json", "so hoa", "--sort", "ngày").output == \
        run(path, "search", "--json", "so hoa", "--sort", "date").output
    scan = path.parent / "trang-quet.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    dry = run(path, "import", str(scan), "--dry-run", "--ocr", "không", "--jobs", "1")
    assert dry.exit_code == 1 and "can only be read with OCR, which is turned off" in dry.output
    res = CliRunner().invoke(cli, ["--lang", "vi", "--archive", str(path), "list", "--sort", "màu"])
    assert res.exit_code == 2
    assert "'màu' không phải một trong: ngày, số, trích yếu, loại, cơ quan." in res.output


def test_glossary_names_every_term_the_interface_shows():
    from archive_cli.vocabulary import TERMS

    glossary = (REPO / "docs" / "glossary.md").read_text(encoding="utf-8")
    for field in ("kind", "part", "list_sort", "search_sort"):
        for names in TERMS[field].values():
            assert names[0] in glossary, names[0]
    for term in ("số ký hiệu", "loại văn bản", "cơ quan ban hành", "ngày ban hành", "trích yếu", "người ký",
                 "nơi nhận", "văn bản được dẫn chiếu", "văn bản dẫn chiếu đến", "căn cứ"):
        assert term in glossary.lower(), term


# --- what does not change with the language --------------------------------------------------------

def speak(lang: str, path, *args):
    """`archive --lang LANG --archive PATH args…` in-process."""
    return CliRunner().invoke(cli, ["--lang", lang, "--archive", str(path), *args], prog_name="archive")


def test_json_is_the_same_bytes_in_both_languages(sample, tmp_path):
    path, _res = sample
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "rong.txt").write_bytes(b"")
    (bad / "bang.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    # where translated messages could reach the JSON: an import's reasons, in a real process
    vi = archive(path, "import", str(bad), "--json", "--dry-run", "--jobs", "1", env=VI_ENV)
    en = archive(path, "import", str(bad), "--json", "--dry-run", "--jobs", "1", env=C_ENV)
    assert vi.stdout == en.stdout and vi.returncode == en.returncode == 1
    assert '"the file is empty"' in vi.stdout
    commands = [("search", "so hoa", "--json"), ("search", "so hoa", "--json", "--year", "1999"),
                ("search", "so hoa", "--json", "--section", "tổ chức thực hiện"),
                ("show", "125/KH-UBND", "--json"), ("show", "1482", "--json", "--section", "phần mở đầu"),
                ("list", "--json"), ("refs", "125/KH-UBND", "--json"), ("check", "--json"), ("stats", "--json"),
                ("export", "125/KH-UBND", "-f", "json"), ("export", "1482", "-s", "preamble", "-f", "json"),
                ("export", "1482", "-s", "mở đầu", "-f", "txt")]
    for args in commands:
        vi, en = speak("vi", path, *args), speak("en", path, *args)
        assert vi.stdout == en.stdout and vi.exit_code == en.exit_code, args
        assert vi.stdout.strip(), args


def test_exit_codes_and_document_data_do_not_change(sample):
    path, _res = sample
    for args, code in ((("search", "khong co tu nay xyz"), 1), (("show", "999/XX"), 1), (("list", "--bogus"), 2),
                       (("search", "so hoa"), 0)):
        assert speak("vi", path, *args).exit_code == speak("en", path, *args).exit_code == code, args
    vi = speak("vi", path, "export", "125/KH-UBND").stdout
    en = speak("en", path, "export", "125/KH-UBND").stdout
    assert vi == en and "Số: 125/KH-UBND" in vi


# --- dates -----------------------------------------------------------------------------------------

def test_dates_for_people_follow_the_language_and_json_keeps_iso(sample):
    from archive_cli.display import display_date

    assert display_date("2024-03-15", "vi") == "15/03/2024"
    assert display_date("2024-03", "vi") == "03/2024"
    assert display_date("2024-03", "en") == "2024-03"
    path, _res = sample
    res = run(path, "--lang", "vi", "list")
    assert "\t2024-03-15\t" in res.output  # piped rows keep ISO, as the contract says
    assert '"issued": "2024-03-15"' in run(path, "show", "125/KH-UBND", "--json").output


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_date_input_accepts_both_forms_in_both_languages(sample, lang):
    path, _res = sample
    iso = run(path, "--lang", lang, "list", "--json", "--from", "2024-03-01", "--to", "2024-12-31").output
    vn = run(path, "--lang", lang, "list", "--json", "--from", "01/03/2024", "--to", "31/12/2024").output
    assert iso == vn and "125/KH-UBND" in iso


# --- help ------------------------------------------------------------------------------------------

def _cells(line: str) -> int:
    from rich.cells import cell_len

    return cell_len(line)


def _plain(screen: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name", [None, *sorted(cli.commands)])
def test_every_help_screen_fits_80_columns(lang, name):
    args = ["--lang", lang, *([name] if name else []), "--help"]
    res = CliRunner().invoke(cli, args, env={"COLUMNS": "80"}, terminal_width=80, prog_name="archive")
    assert res.exit_code == 0
    too_wide = [line for line in res.output.splitlines() if _cells(line) > 80]
    assert too_wide == []
    if lang == "vi":
        assert res.output.startswith("Cách dùng: archive") and "Ví dụ:" in res.output
        assert "Usage:" not in res.output and "Options:" not in res.output


@pytest.mark.parametrize("name", ["search", "list", "show", "export", "import"])
def test_vietnamese_help_has_examples_with_vietnamese_words(name):
    vi = CliRunner().invoke(cli, ["--lang", "vi", name, "--help"], prog_name="archive").output
    en = CliRunner().invoke(cli, ["--lang", "en", name, "--help"], prog_name="archive").output
    examples = vi.split("Ví dụ:", 1)[1].split("Tùy chọn:", 1)[0].splitlines()
    vietnamese = [line for line in examples if f"archive {name} " in line and re.search(r"[^\x00-\x7f]", line)
                  and line not in en.splitlines()]
    assert vietnamese, examples


# --- tables through rich at 80 columns ---------------------------------------------------------------

def test_vietnamese_tables_fit_80_columns(sample):
    path, _res = sample
    code, screen = run_tty(path, "list", "--no-pager", env={"ARCHIVE_LANG": "vi"}, columns=80)
    assert code == 0
    lines = _plain(screen).splitlines()
    assert re.match(r"^# +ngày +số ký hiệu +cơ quan +trích yếu", lines[0]), lines[0]
    assert max(_cells(line) for line in lines) <= 80
    assert any("15/03/2024" in line for line in lines)


def test_vietnamese_list_and_stats_tables_rendered_by_rich(sample):
    import io

    from rich.console import Console

    from archive_cli import Archive
    from archive_cli.render import hits_table

    hits = Archive(sample[0]).list()
    i18n.use("vi")
    for width in (80, 120):
        buf = io.StringIO()
        Console(file=buf, width=width).print(hits_table(Console(width=width), hits))
        lines = buf.getvalue().splitlines()
        assert max(_cells(line) for line in lines) <= width
        assert "trích yếu" in lines[0] and ("loại" in lines[0]) == (width >= 100)
    code, screen = run_tty(sample[0], "stats", env={"ARCHIVE_LANG": "vi"}, columns=80)
    assert code == 0 and "6 văn bản trong" in screen and "văn bản" in screen
    assert max(_cells(line) for line in _plain(screen).splitlines()) <= 80


def test_vietnamese_quick_start_keeps_the_two_setup_commands():
    blocks = lambda path: re.findall(r"```sh\n(.*?)\n```", path.read_text(encoding="utf-8"), re.S)[:2]  # noqa: E731
    assert blocks(REPO / "docs" / "vi" / "README.md") == blocks(REPO / "README.md")
    assert "docs/vi/README.md" in (REPO / "README.md").read_text(encoding="utf-8")


def test_every_command_translates_its_help():
    """A command added without ``cls=Command`` (cli/options.py) would show English help."""
    from archive_cli.cli.options import Translated

    assert isinstance(cli, Translated)
    assert [name for name, command in cli.commands.items() if not isinstance(command, Translated)] == []
