"""Export as a clerk uses it (issue 17): a named document cut to a section, -o FILE for one
document only, separated documents on stdout, file modes, the header once, short names, the
original's extension."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from archive_cli.archive import Archive
from tests.helpers import DOCUMENTS, run


def test_a_named_document_with_section_writes_that_section_to_the_file(loaded, tmp_path):
    out = tmp_path / "sec.txt"
    res = run(loaded, "export", "125/KH-UBND", "--section", "implementation", "-o", str(out))
    assert res.exit_code == 0, res.stderr
    assert out.is_file()  # not a folder of every document that has such a section
    text = out.read_text(encoding="utf-8")
    assert "IV. TỔ CHỨC THỰC HIỆN" in text and "Sở Thông tin và Truyền thông" in text
    assert "MỤC ĐÍCH, YÊU CẦU" not in text and "1482/QĐ-UBND" not in text
    assert text.startswith("Ủy ban nhân dân tỉnh Thái Nguyên\nSố: 125/KH-UBND\n")  # which document
    # without -o: the same section on stdout, not the whole archive
    res = run(loaded, "export", "125/KH-UBND", "--section", "implementation")
    assert res.stdout == text
    # the selectors of `show --section`: numbers and articles
    res = run(loaded, "export", "1482/QĐ-UBND", "-s", "Điều 2", "-f", "md")
    assert "## Điều 2." in res.stdout and "Điều 1" not in res.stdout.split("---", 2)[2]
    assert "excerpt:\n- Điều 2\n" in res.stdout
    js = json.loads(run(loaded, "export", "125/KH-UBND", "-s", "IV", "-f", "json").stdout)
    assert [s["number"] for s in js["sections"]] == ["IV"] and "MỤC ĐÍCH" not in js["body"]
    res = run(loaded, "export", "125/KH-UBND", "-s", "IX")
    assert res.exit_code == 1 and "no section 'IX'" in res.stderr


def test_filters_choose_documents_only_without_refs(loaded, tmp_path):
    res = run(loaded, "export", "125/KH-UBND", "--year", "2024")
    assert res.exit_code == 2 and "REF" in res.stderr and res.stdout == ""
    res = run(loaded, "export", "125/KH-UBND", "--all")
    assert res.exit_code == 2
    # without REFs, --section keeps the documents that have the section and cuts them to it
    out = tmp_path / "impl"
    res = run(loaded, "export", "--all", "--section", "Điều 2", "-o", f"{out}/")
    assert res.exit_code == 0, res.stderr
    files = list(out.iterdir())
    assert len(files) == 1 and files[0].name.startswith("1482-qd-ubnd-")
    assert "hiệu lực thi hành" in files[0].read_text(encoding="utf-8")
    assert "Ban hành kèm theo" not in files[0].read_text(encoding="utf-8")
    res = run(loaded, "export", "--query", "chuyen doi so", "--section", "Điều 9")
    assert res.exit_code == 1 and "nothing was exported" in res.stderr


def test_an_output_file_for_several_documents_is_a_usage_error(loaded, tmp_path):
    two = tmp_path / "two.txt"
    res = run(loaded, "export", "125/KH-UBND", "05-CT/TU", "-o", str(two))
    assert res.exit_code == 2 and "folder" in res.stderr
    assert not two.exists()
    res = run(loaded, "export", "--all", "-o", str(tmp_path / "everything"))
    assert res.exit_code == 2 and not (tmp_path / "everything").exists()
    # a folder: one that exists, or a path ending with /
    (tmp_path / "there").mkdir()
    assert run(loaded, "export", "125/KH-UBND", "05-CT/TU", "-o", str(tmp_path / "there")).exit_code == 0
    assert len(list((tmp_path / "there").iterdir())) == 2
    assert run(loaded, "export", "125/KH-UBND", "05-CT/TU", "-o", f"{tmp_path / 'new'}/").exit_code == 0
    assert len(list((tmp_path / "new").iterdir())) == 2


def test_several_documents_on_stdout_are_separated(loaded, tmp_path):
    refs = ("125/KH-UBND", "05-CT/TU", "1482/QĐ-UBND")
    txt = run(loaded, "export", *refs).stdout
    parts = txt.split("\n\f\n")
    assert len(parts) == 3
    assert "125/KH-UBND" in parts[0] and "05-CT/TU" in parts[1] and "1482/QĐ-UBND" in parts[2]
    assert parts[1].startswith("TỈNH ỦY BẮC KẠN")  # each part is a whole export, nothing run together
    md = run(loaded, "export", *refs, "-f", "md", "-o", "-").stdout
    docs = md.split("\n\f\n")
    assert len(docs) == 3 and all(d.startswith("---\nid: ") for d in docs)
    lines = run(loaded, "export", *refs, "-f", "json").stdout.splitlines()
    assert [json.loads(line)["number"] for line in lines] == list(refs)  # JSON Lines
    # one document is printed exactly as it is written to a file
    one = tmp_path / "one.json"
    assert run(loaded, "export", "05-CT/TU", "-f", "json", "-o", str(one)).exit_code == 0
    assert run(loaded, "export", "05-CT/TU", "-f", "json").stdout == one.read_text(encoding="utf-8")
    assert "\f" not in run(loaded, "export", "05-CT/TU").stdout


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_exported_and_original_files_follow_the_umask(loaded, tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        assert run(loaded, "export", "125/KH-UBND", "-o", str(tmp_path / "one.txt")).exit_code == 0
        assert run(loaded, "export", "--all", "-f", "md", "-o", f"{tmp_path / 'all'}/").exit_code == 0
        assert run(loaded, "show", "1482/QĐ-UBND", "--original", "-o", str(tmp_path / "goc.txt")).exit_code == 0
    finally:
        os.umask(old)
    files = [tmp_path / "one.txt", tmp_path / "goc.txt", *(tmp_path / "all").iterdir()]
    assert {p.stat().st_mode & 0o777 for p in files} == {mode}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", text))


def test_text_export_prints_the_header_once(loaded):
    text = run(loaded, "export", "125/KH-UBND").stdout
    assert text.count("125/KH-UBND") == 1 and text.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 1
    # the original header as printed: one cell a line, a blank line before the type and title
    assert text.startswith("ỦY BAN NHÂN DÂN\nTỈNH THÁI NGUYÊN\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n")
    assert "năm 2024\n\nKẾ HOẠCH\nTriển khai số hóa" in text
    # nothing of the document is lost; the Markdown export keeps the header cells as stored
    md = run(loaded, "export", "125/KH-UBND", "-f", "md").stdout
    body = md.split("---\n", 2)[2]
    assert "ỦY BAN NHÂN DÂN\n\nTỈNH THÁI NGUYÊN" in body
    # (the closing block's <!-- closing --> markers are Markdown structure, not text)
    assert _words(re.sub(r"<!--.*?-->", "", body)) <= _words(text)
    # a body that opens with the title as its first heading gets no second title
    tb = run(loaded, "export", "42/TB-UBND").stdout
    assert tb.count("Thông báo lịch tiếp công dân định kỳ quý IV năm 2024") == 1


def test_text_export_of_corpus_documents_has_one_header_and_every_word(corpus, tmp_path):
    files = sorted((corpus / "tvpl-md-tnt305" / "md").glob("*.md"))[5::40][:10]
    archive = tmp_path / "a"
    assert run(archive, "import", *map(str, files)).exit_code == 0
    docs = json.loads(run(archive, "list", "--json").stdout)
    numbered = 0
    for d in docs:
        text = run(archive, "export", d["id"]).stdout
        body = json.loads(run(archive, "show", d["id"], "--json").stdout)["body"]
        assert _words(re.sub(r"<!--.*?-->", "", body.replace("**", ""))) <= _words(text), d["id"]
        if d["number"] and f"Số: {d['number']}" in body:
            numbered += 1
            assert text.count(f"Số: {d['number']}") == 1, d["id"]
    assert numbered >= 5


def test_export_file_names_are_short_safe_and_unique(corpus, tmp_path):
    files = sorted((corpus / "tvpl-md-tnt305" / "md").glob("*.md"))[::25][:20]
    archive = tmp_path / "a"
    assert run(archive, "import", *map(str, files)).exit_code in (0, 1)  # a few are not documents
    out = tmp_path / "out"
    assert run(archive, "export", "--all", "-f", "json", "-o", f"{out}/").exit_code == 0
    names = [p.name for p in out.iterdir()]
    docs = json.loads(run(archive, "list", "--json").stdout)
    assert len(names) == len(docs) >= 15
    assert all(re.fullmatch(r"[a-z0-9][A-Za-z0-9._-]*-[0-9a-f]{6}\.json", n) and len(n) <= 50 for n in names), names
    for d in docs:  # recognisable: the number's characters start the name of a numbered document
        if d["number"] and re.fullmatch(r"[\w/.-]+", d["number"]) and d["number"].isascii():
            stem = re.sub(r"[^a-z0-9]+", "-", d["number"].lower()).strip("-")
            assert any(n.startswith(stem[:20]) and d["id"][:6] in n for n in names), d["number"]


def test_show_original_to_a_file_without_extension_gets_the_originals(loaded, tmp_path):
    src = DOCUMENTS / "quyet-dinh-ban-hanh-quy-che-so-hoa.txt"
    res = run(loaded, "show", "1482/QĐ-UBND", "--original", "-o", str(tmp_path / "goc"))
    assert res.exit_code == 0
    assert not (tmp_path / "goc").exists()
    assert (tmp_path / "goc.txt").read_bytes() == src.read_bytes()
    assert "goc.txt" in res.stderr
    md = DOCUMENTS / "thong-bao-lich-tiep-cong-dan-quy-4.md"
    assert run(loaded, "show", "42/TB-UBND", "--original", "-o", str(tmp_path / "tb")).exit_code == 0
    assert (tmp_path / "tb.md").read_bytes() == md.read_bytes()
    # a name that has an extension is taken as given
    assert run(loaded, "show", "42/TB-UBND", "--original", "-o", str(tmp_path / "tb.bak")).exit_code == 0
    assert Path(tmp_path / "tb.bak").read_bytes() == md.read_bytes()


def test_numbered_lists_never_skip_an_item_in_real_documents(corpus, tmp_path):
    """Real documents where a long item between short ones made the Markdown go ### 1, ### 3."""
    md = corpus / "tvpl-md-tnt305" / "md"
    files = [md / "637e9efcc63ab844.md", md / "a1527cbfa00743d3.md", md / "5a80798bbf985e87.md",
             md / "8bb6ac57ee7b4c5d.md", md / "ec00bd6f58be7864.md"]
    archive = tmp_path / "a"
    assert run(archive, "import", *map(str, files)).exit_code == 0
    skips = []

    def walk(secs, where):
        items = [s for s in secs if s.number and s.number.isdigit()]
        for a, b in zip(items, items[1:]):
            missing = f"{int(a.number) + 1}."
            # a gap the document has itself (forms that skip a number) is not one of ours
            if int(b.number) > int(a.number) + 1 and any(
                    line.startswith(missing) for s in a.walk() for line in s.text.splitlines()):
                skips.append((where, a.number, b.number))
        for s in secs:
            walk(s.children, f"{where}/{s.number}")

    for doc_id in [d["id"] for d in json.loads(run(archive, "list", "--json").stdout)]:
        doc = Archive(archive).get(doc_id)  # the outline as stored, read back
        walk(doc.parsed.sections, doc_id)
    assert not skips
    # Điều 3 of the circular: "1. Nội dung điều tra:", "2. Phương pháp …: Căn cứ …", "3. Định kỳ …"
    text = run(archive, "export", "69/2025/TT-BNNMT", "-f", "md", "-s", "Điều 3").stdout
    assert re.findall(r"^### (\d+)\.", text, re.M) == ["1", "2", "3"]
    assert "### 2. Phương pháp điều tra loài ngoại lai xâm hại:\n\nCăn cứ đối tượng" in text

