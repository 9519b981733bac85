"""The thirteen faults of the adversarial run (issue 16), each reproduced on the real CLI: they
must stay fixed."""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import json_lines, run, write


def originals(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (root / "originals").rglob("*") if p.is_file()}


def store_file(root: Path, number: str) -> Path:
    doc_id = json.loads(run(root, "show", number, "--json").stdout)["id"]
    return root / "documents" / f"{doc_id}.md"


# --- 1. repair never deletes originals --------------------------------------------------------

def test_a_quoted_sha256_still_claims_its_original(loaded):
    path = store_file(loaded, "125/KH-UBND")
    before = originals(loaded)
    path.write_text(re.sub(r"sha256: ([0-9a-f]{64})", r'sha256: "\1"', path.read_text(encoding="utf-8")),
                    encoding="utf-8")
    res = run(loaded, "check", "--json")
    assert "orphan-original" not in {p["kind"] for p in json.loads(res.stdout)["problems"]}
    assert run(loaded, "check", "--repair").exit_code == 0
    assert originals(loaded) == before
    assert run(loaded, "check").exit_code == 0


def test_an_empty_store_file_is_named_and_its_original_kept(loaded):
    path = store_file(loaded, "125/KH-UBND")
    doc_id = path.stem
    before = originals(loaded)
    path.write_bytes(b"")
    res = run(loaded, "check", "--json")
    kinds = {p["kind"] for p in json.loads(res.stdout)["problems"]}
    assert res.exit_code == 1 and "orphan-original" not in kinds
    assert any(doc_id in p["message"] for p in json.loads(res.stdout)["problems"])
    run(loaded, "check", "--repair")
    assert originals(loaded) == before
    res = run(loaded, "show", doc_id, "--original")
    assert res.exit_code == 1 and "Is a directory" not in res.stderr and doc_id in res.stderr
    assert res.stderr.count("\n") == 1


def test_an_original_no_document_names_is_quarantined_not_deleted(loaded):
    stray = loaded / "originals" / "ab" / ("ab" + "0" * 62)
    stray.parent.mkdir(exist_ok=True)
    stray.write_bytes(b"somebody's file")
    assert "belongs to no document" in run(loaded, "check").stderr
    res = run(loaded, "check", "--repair")
    assert res.exit_code == 0, res.output
    assert not stray.exists()
    assert (loaded / "quarantine" / stray.name).read_bytes() == b"somebody's file"
    assert run(loaded, "check").exit_code == 0


def test_an_unreadable_store_file_keeps_every_original_it_may_name(loaded):
    path = store_file(loaded, "125/KH-UBND")
    before = originals(loaded)
    path.write_bytes(path.read_bytes().replace(b"title:", b"title: [\xff\xfe"))
    res = run(loaded, "check", "--json")
    problems = json.loads(res.stdout)["problems"]
    assert [p["kind"] for p in problems] == ["unreadable"] and str(path) in problems[0]["message"]
    assert "UTF-8" in problems[0]["message"]
    run(loaded, "check", "--repair")
    assert originals(loaded) == before


def test_an_edited_id_moves_nothing_and_the_repair_count_is_sane(loaded):
    path = store_file(loaded, "125/KH-UBND")
    path.write_text(re.sub(r"^id: \w+", "id: 000000000000", path.read_text(encoding="utf-8"), flags=re.M),
                    encoding="utf-8")
    res = run(loaded, "check", "--repair")
    assert res.exit_code == 0 and "-" not in res.stdout.split("Repaired")[-1].split("problems")[0]
    assert json.loads(run(loaded, "show", path.stem, "--json").stdout)["id"] == path.stem
    assert run(loaded, "show", "000000000000").exit_code == 1  # no ghost document
    assert run(loaded, "check").exit_code == 0


# --- 2. index damage (the full matrix is in test_index_damage.py) ------------------------------

def test_a_store_file_of_invalid_utf8_is_reported_not_a_crash(loaded):
    path = store_file(loaded, "1482/QĐ-UBND")
    path.write_bytes(b"\xff\xfe" + path.read_bytes())
    for args in (["check"], ["check", "--repair"]):
        res = run(loaded, *args)
        assert "unexpected failure" not in res.stderr and str(path) in res.stderr


# --- 3. billion laughs -------------------------------------------------------------------------

def laughs(levels: int) -> str:
    lines = ["---", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    lines.append(f"tags: *a{levels}")
    return "\n".join(lines) + "\n---\nVăn bản.\n"


def test_billion_laughs_front_matter_fails_at_once(archive_dir, tmp_path):
    bomb = write(tmp_path / "bomb.md", laughs(9))
    assert len(bomb.read_bytes()) < 1000
    start = time.monotonic()
    res = run(archive_dir, "import", str(bomb), "--json")
    assert time.monotonic() - start < 10  # a bound on a hang, not a speed measurement
    line = json_lines(res.stdout)[0]
    assert res.exit_code == 1 and line["status"] == "failed" and "alias" in line["error"]


# --- 4. Word files with very many paragraphs; the lock is not held while parsing --------------

def _docx(path: Path, paragraphs: int) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("KẾ HOẠCH")
    for i in range(paragraphs):
        d.add_paragraph(f"Đoạn số {i} của văn bản thử.")
    d.save(path)
    return path


def test_a_docx_past_the_paragraph_limit_fails_with_a_sentence(archive_dir, tmp_path, monkeypatch):
    import archive_cli.ingest.docx as reader

    monkeypatch.setattr(reader, "MAX_PARAGRAPHS", 300)
    ok = _docx(tmp_path / "ok.docx", 298)
    big = _docx(tmp_path / "big.docx", 300)
    res = run(archive_dir, "import", str(ok), str(big), "--json", "--jobs", "1")
    by = {Path(x["path"]).name: x for x in json_lines(res.stdout)}
    assert by["ok.docx"]["status"] == "imported"
    assert by["big.docx"]["status"] == "failed" and "paragraphs" in by["big.docx"]["error"]


@pytest.mark.skipif(os.name == "nt", reason="the per-file time budget uses SIGALRM")
def test_a_file_past_the_time_budget_fails_and_no_writer_waits_for_its_parse(tmp_path):
    """A Word file of 40,000 paragraphs takes seconds to read: with a budget of 0.5 s it fails
    with a sentence; while it is being read, another writer gets the archive's lock."""
    slow = _docx(tmp_path / "slow.docx", 40_000)
    quick = write(tmp_path / "q" / "quick.txt", "THÔNG BÁO\nvề việc thử\n\nNội dung ngắn.\n")
    root = tmp_path / "a"
    env = dict(os.environ, ARCHIVE_MAX_FILE_SECONDS="0.5")
    res = subprocess.run([sys.executable, "-m", "archive_cli", "--archive", str(root), "import", str(slow), "--json"],
                         capture_output=True, text=True, env=env, timeout=120)
    line = json_lines(res.stdout)[0]
    assert res.returncode == 1 and line["status"] == "failed" and "0.5 s" in line["error"], res.stderr
    long = subprocess.Popen([sys.executable, "-m", "archive_cli", "--archive", str(root), "import", str(slow)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(1.5)  # well into the parse
        assert long.poll() is None
        other = subprocess.run([sys.executable, "-m", "archive_cli", "--archive", str(root), "--wait", "1",
                                "import", str(quick), "--json"], capture_output=True, text=True, timeout=120)
        assert other.returncode == 0, other.stderr
    finally:
        assert long.wait(120) == 0


# --- 5. queries that match nothing ------------------------------------------------------------

def test_suggestions_are_looked_up_for_a_few_distinct_words(loaded):
    """140 copies of one unknown word, or 100 different ones, ask for a handful of suggestions
    (each lookup scans the index's words), not one per word typed."""
    from archive_cli.archive import Archive
    from archive_cli.search.service import SUGGEST_WORDS

    arch = Archive(loaded)
    asked: list[str] = []
    real = arch.index.suggest

    def counting(word, limit=3):
        asked.append(word)
        return real(word, limit)

    arch.index.suggest = counting
    for query in (" ".join(["zqxvw"] * 140), "a" * 1000, " ".join(f"zq{i:03d}xv" for i in range(100))):
        asked.clear()
        assert arch.search(query).total == 0
        assert len(asked) <= SUGGEST_WORDS and len(asked) == len(set(asked))


# --- 6. a broken pipe that is not stdout -------------------------------------------------------

def test_only_a_closed_stdout_is_a_quiet_exit(loaded):
    from archive_cli.cli import _stdout_closed

    r, w = os.pipe()
    os.close(r)
    p = subprocess.run([sys.executable, "-m", "archive_cli", "--archive", str(loaded), "list"],
                       stdout=w, stderr=subprocess.PIPE, text=True)
    os.close(w)
    assert p.returncode == 0 and p.stderr == ""
    assert not _stdout_closed()  # under pytest stdout is no broken pipe: another pipe's break is an error


def test_a_broken_pipe_inside_a_command_is_an_error(loaded, monkeypatch):
    """A worker pool's pipe breaking must not pass for `| head`."""
    import archive_cli.archive as archive

    def broken(self, *a, **k):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(archive.Archive, "stats", broken)
    res = run(loaded, "stats")
    assert res.exit_code == 1 and res.stderr.startswith("Error: a pipe between processes broke")


# --- 7. names that are not UTF-8 ---------------------------------------------------------------

@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="needs a file system that keeps raw name bytes")
def test_a_latin1_file_name_imports_and_leaves_nothing_behind(archive_dir, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"caf\xe9 v\xe3n b\xe3n.txt")
    with open(raw, "wb") as f:
        f.write("THÔNG BÁO\nvề quán cà phê\n\nNội dung.\n".encode())
    res = run(archive_dir, "import", str(folder), "--json")
    line = json_lines(res.stdout)[0]
    assert res.exit_code == 0 and line["status"] == "imported" and "caf\\xe9" in line["path"]
    assert run(archive_dir, "check").exit_code == 0
    doc = json.loads(run(archive_dir, "show", line["id"], "--json").stdout)
    assert doc["source"]["filename"] == "caf\\xe9 v\\xe3n b\\xe3n.txt"
    plain = run(archive_dir, "import", str(folder))
    assert "caf\\xe9" in plain.stdout


# --- 8. export names ---------------------------------------------------------------------------

def _same_prefix_pair() -> tuple[bytes, bytes]:
    """Two texts of one title and number whose ids (sha-256) share their first six digits."""
    seen: dict[str, bytes] = {}
    i = 0
    while True:
        text = f"KẾ HOẠCH\nvề việc trùng tên\nSố: 7/KH-UBND\n\nNội dung {i}.\n".encode()
        key = hashlib.sha256(text).hexdigest()[:6]
        if key in seen:
            return seen[key], text
        seen[key] = text
        i += 1


def test_export_names_are_unique_and_the_count_is_what_was_written(archive_dir, tmp_path):
    a, b = _same_prefix_pair()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(a)
    (tmp_path / "in" / "b.txt").write_bytes(b)
    assert run(archive_dir, "import", str(tmp_path / "in")).exit_code == 0
    out = tmp_path / "out"
    res = run(archive_dir, "export", "--all", "-o", f"{out}/")
    assert res.exit_code == 0 and len(list(out.iterdir())) == 2 and "Wrote 2 files" in res.stderr
    res = run(archive_dir, "export", "--all", "-o", f"{out}/", "--force")
    assert res.exit_code == 0 and len(list(out.iterdir())) == 2 and "Wrote 2 files" in res.stderr


# --- 9. smaller faults -------------------------------------------------------------------------

def test_the_size_limit_counts_mebibytes(archive_dir, tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"THONG BAO\n" + b"chu " * (1024 * 1024 // 4))  # just over 1 MiB
    small = tmp_path / "small.txt"
    small.write_bytes(b"THONG BAO\n" + b"chu " * (1_000_000 // 4 + 1000))  # over 1,000,000 bytes, under 1 MiB
    res = run(archive_dir, "import", str(big), str(small), "--max-size", "1", "--json")
    by = {Path(x["path"]).name: x for x in json_lines(res.stdout)}
    assert by["small.txt"]["status"] == "imported"
    assert by["big.txt"]["status"] == "failed" and "over the 1 MiB limit" in by["big.txt"]["error"]


def test_a_killed_writers_temp_files_go_with_the_next_import(loaded, tmp_path):
    leftover = loaded / "originals" / "12" / ".tmp-killed"
    leftover.parent.mkdir(exist_ok=True)
    leftover.write_bytes(b"half")
    (loaded / "documents" / ".tmp-abc").write_text("half")
    assert run(loaded, "import", str(write(tmp_path / "n.txt", "THÔNG BÁO\nvề việc mới\n\nNội dung.\n"))).exit_code == 0
    assert not leftover.exists() and not (loaded / "documents" / ".tmp-abc").exists()
    assert run(loaded, "check").exit_code == 0


@pytest.mark.parametrize("query,words", [("hoa year:abcd", "year:abcd"), ("type:xyz hoa", "type:xyz"),
                                         ("section:preface hoa", "section:preface")])
def test_a_field_filter_that_names_nothing_is_a_usage_error(loaded, query, words):
    res = run(loaded, "search", query)
    assert res.exit_code == 2 and words in res.stderr and res.stderr.count("\n") == 1


def test_a_negative_limit_is_reported_as_a_limit(loaded):
    res = run(loaded, "search", "hoa", "--limit", "-5")
    assert res.exit_code == 2 and "NOT" not in res.stderr and "-5" in res.stderr


def test_control_characters_are_escaped_on_the_terminal(archive_dir, tmp_path):
    md = write(tmp_path / "bell.md", "---\ntitle: \"Chuông\\a reo\\r\\nlại\\u001b[2J\"\n---\nVăn bản có chuông reo.\n")
    res = run(archive_dir, "import", str(md))
    assert res.exit_code == 0
    for args in (["import", str(md)], ["list"], ["search", "chuong"], ["show", json_lines(
            run(archive_dir, "import", str(md), "--json").stdout)[0]["id"]]):
        out = run(archive_dir, *args)
        text = out.stdout + out.stderr
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", text), (args, text)
    assert "\\x07" in run(archive_dir, "list").stdout


def test_a_half_built_index_generation_is_reported_and_removed(loaded):
    """What a reindex killed halfway leaves: a generation folder nobody uses."""
    half = loaded / "index" / "g000099"
    half.mkdir()
    (half / "MAIN_xyz.pst").write_bytes(b"half")
    res = run(loaded, "check", "--json")
    assert res.exit_code == 1 and "index-leftover" in {p["kind"] for p in json.loads(res.stdout)["problems"]}
    assert run(loaded, "check", "--repair").exit_code == 0
    assert not half.exists() and run(loaded, "check").exit_code == 0


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_written_files_honour_the_umask(loaded, tmp_path):
    old = os.umask(0o022)
    try:
        assert run(loaded, "export", "125/KH-UBND", "-o", str(tmp_path / "one.txt")).exit_code == 0
        assert run(loaded, "export", "--all", "-o", f"{tmp_path / 'all'}/").exit_code == 0
    finally:
        os.umask(old)
    modes = {p.stat().st_mode & 0o777 for p in [tmp_path / "one.txt", *(tmp_path / "all").iterdir()]}
    assert modes == {0o644}


def test_a_store_file_saved_with_a_byte_order_mark_still_reads(loaded):
    path = store_file(loaded, "125/KH-UBND")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run(loaded, "check", "--repair").exit_code == 0
    assert run(loaded, "check").exit_code == 0
    assert run(loaded, "show", path.stem, "--original").exit_code == 0


def test_files_in_documents_that_are_not_store_files_are_named_not_listed(loaded):
    path = store_file(loaded, "125/KH-UBND")
    before = originals(loaded)
    renamed = path.with_name("ghi-chu-ke-hoach.md")
    path.rename(renamed)
    (loaded / "documents" / "notes.txt").write_text("ghi chú")
    res = run(loaded, "check", "--json")
    problems = json.loads(res.stdout)["problems"]
    assert {str(renamed), str(loaded / "documents" / "notes.txt")} <= {
        m for p in problems if p["kind"] == "foreign-file" for m in [p["message"].split(" is not")[0]]}
    run(loaded, "check", "--repair")
    assert originals(loaded) == before  # the renamed file still names its original
    ids = [x["id"] for x in json.loads(run(loaded, "list", "--json").stdout)]
    assert path.stem not in ids and "ghi-chu-ke-hoach" not in ids


def test_a_store_file_replaced_by_a_folder_is_one_sentence(loaded):
    path = store_file(loaded, "125/KH-UBND")
    path.unlink()
    path.mkdir()
    res = run(loaded, "show", path.stem, "--original")
    assert res.exit_code == 1 and "Errno" not in res.stderr and res.stderr.count("\n") == 1


@pytest.mark.skipif(os.name == "nt", reason="closes a descriptor before exec")
def test_closed_stdout_is_an_error(loaded):
    """`archive list >&-`: nothing can be printed, and the command says so."""
    p = subprocess.run([sys.executable, "-m", "archive_cli", "--archive", str(loaded), "list"],
                       preexec_fn=lambda: os.close(1), stderr=subprocess.PIPE, text=True)
    assert p.returncode == 1 and "standard output is closed" in p.stderr


# --- issue 19: scans that cannot be read ----------------------------------------------------------

def _scan_files(tmp_path: Path) -> dict[str, Path]:
    """A real one-line scan as PNG, JPEG and image-only PDF, each damaged as files get damaged:
    cut off in a transfer, or zeroed in the middle."""
    import io

    from tools.evaluate.pages import PageSpec, pdf_bytes, png_bytes, render

    image = render(PageSpec(paragraphs=["Chỉ thị số 05-CT/TU về chuyển đổi số"]), 150).image
    jpeg = io.BytesIO()
    image.save(jpeg, format="JPEG", quality=80)
    png, pdf = png_bytes(image, 150), pdf_bytes([image], 150)
    files = {"cut.png": png[: len(png) // 2], "zeroed.png": png[:100] + bytes(400) + png[500:],
             "cut.jpg": jpeg.getvalue()[:300], "cut.pdf": pdf[: len(pdf) // 2],
             "no-image.pdf": pdf.replace(b"/DCTDecode", b"/XXXDecode")}
    out = {}
    for name, data in files.items():
        out[name] = tmp_path / "in" / name
        out[name].parent.mkdir(exist_ok=True)
        out[name].write_bytes(data)
    return out


def test_damaged_scans_fail_with_one_sentence_and_change_nothing(ocr_ready, loaded, tmp_path):
    files = _scan_files(tmp_path)
    before = {p.name: p.read_bytes() for p in (loaded / "documents").iterdir()}
    before_originals = originals(loaded)
    res = subprocess.run([sys.executable, "-m", "archive_cli", "--archive", str(loaded), "import",
                          *map(str, files.values()), "--json"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    lines = {Path(d["path"]).name: d for d in json_lines(res.stdout)}
    assert {d["status"] for d in lines.values()} == {"failed"}
    assert lines["cut.png"]["error"] == "the PNG image is damaged and cannot be read"
    assert lines["zeroed.png"]["error"] == "the PNG image is damaged and cannot be read"
    assert lines["cut.jpg"]["error"] == "the JPEG image is damaged and cannot be read"
    assert lines["cut.pdf"]["error"] == "the PDF is damaged and cannot be read"
    assert lines["no-image.pdf"]["error"] == "OCR found no text in the scanned document"
    assert {p.name: p.read_bytes() for p in (loaded / "documents").iterdir()} == before
    assert originals(loaded) == before_originals
    assert run(loaded, "check").exit_code == 0


@pytest.mark.skipif(os.name == "nt", reason="POSIX resource limits")
def test_an_import_under_a_tight_file_limit_prepares_here_without_tracebacks(archive_dir, tmp_path):
    """With 16 open files a worker pool's forkserver fails and prints its own traceback; the
    import must see the limit and prepare its files in its own process."""
    import resource
    import subprocess
    import sys

    from tests.helpers import DOCUMENTS

    folder = tmp_path / "in"
    folder.mkdir()
    plan = (DOCUMENTS / "ke-hoach-so-hoa-tai-lieu-luu-tru-2024.txt").read_text(encoding="utf-8")
    for i in range(12):
        (folder / f"p{i}.txt").write_text(plan.replace("125/KH-UBND", f"{i + 1}/KH-UBND"), encoding="utf-8")

    def tight() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (16, 16))

    res = subprocess.run([sys.executable, "-m", "archive_cli", "--archive", str(archive_dir), "import", "--jobs", "2",
                          str(folder)], capture_output=True, text=True, preexec_fn=tight, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert "12 imported" in res.stdout
