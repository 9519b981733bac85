"""Work limits (issue 16): every reader, and YAML front matter, refuses a file just past its
limit with one sentence, and reads a file just under it."""
from __future__ import annotations

import io

import pytest

from archive_cli.errors import IngestError
from archive_cli.ingest import extract


def _refused(name: str, data: bytes, words: str) -> None:
    with pytest.raises(IngestError) as err:
        extract(name, data)
    assert words in str(err.value) and "\n" not in str(err.value)


# --- YAML front matter ----------------------------------------------------------------------

def _md(front: str) -> bytes:
    return f"---\n{front}---\nVăn bản thử.\n".encode()


def test_front_matter_size(monkeypatch):
    import archive_cli.front_matter as fm

    monkeypatch.setattr(fm, "MAX_BYTES", 200)
    extract("a.md", _md("title: " + "x" * 180 + "\n"))
    _refused("b.md", _md("title: " + "x" * 200 + "\n"), "larger than")


def test_front_matter_tokens(monkeypatch):
    import archive_cli.front_matter as fm

    monkeypatch.setattr(fm, "MAX_TOKENS", 60)
    extract("a.md", _md("tags: [" + ", ".join(["t"] * 20) + "]\n"))
    _refused("b.md", _md("tags: [" + ", ".join(["t"] * 40) + "]\n"), "tokens")


def test_front_matter_depth(monkeypatch):
    import archive_cli.front_matter as fm

    monkeypatch.setattr(fm, "MAX_DEPTH", 4)
    extract("a.md", _md("a: " + "[" * 3 + "x" + "]" * 3 + "\n"))
    _refused("b.md", _md("a: " + "[" * 5 + "x" + "]" * 5 + "\n"), "nested")


def test_front_matter_aliases():
    _refused("a.md", _md("a: &x hello\nb: *x\n"), "alias")


# --- readers ------------------------------------------------------------------------------------

def _docx(paragraphs: int) -> bytes:
    import docx

    d = docx.Document()
    for i in range(paragraphs):
        d.add_paragraph(f"Đoạn {i} của văn bản.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_paragraphs(monkeypatch):
    import archive_cli.ingest.docx as reader

    monkeypatch.setattr(reader, "MAX_PARAGRAPHS", 50)
    extract("a.docx", _docx(49))  # python-docx's template adds no paragraph of its own
    _refused("b.docx", _docx(51), "paragraphs")


def test_docx_unzipped_size(monkeypatch):
    import archive_cli.ingest.docx as reader

    data = _docx(20)
    import zipfile

    total = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    monkeypatch.setattr(reader, "MAX_UNZIPPED", total)
    extract("a.docx", data)
    monkeypatch.setattr(reader, "MAX_UNZIPPED", total - 1)
    _refused("b.docx", data, "expands to more than")


def _pdf(pages: int) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def test_pdf_pages(monkeypatch):
    import archive_cli.ingest.pdf as reader

    monkeypatch.setattr(reader, "MAX_PAGES", 3)
    _refused("a.pdf", _pdf(3), "no text layer")  # under the limit: read (blank, so no text)
    _refused("b.pdf", _pdf(4), "more than 3 pages")


def test_html_size(monkeypatch):
    import archive_cli.ingest.html as reader

    page = ("<html><body><article><h1>KẾ HOẠCH</h1>" + "<p>Nội dung kế hoạch năm nay.</p>" * 40
            + "</article></body></html>").encode()
    monkeypatch.setattr(reader, "MAX_HTML", len(page))
    extract("a.html", page)
    monkeypatch.setattr(reader, "MAX_HTML", len(page) - 1)
    _refused("b.html", page, "larger than")


def test_rtf_depth(monkeypatch):
    import archive_cli.ingest.rtf as reader

    monkeypatch.setattr(reader, "MAX_DEPTH", 10)

    def rtf(depth: int) -> bytes:
        return b"{\\rtf1\\ansi " + b"{" * depth + b"Noi dung van ban thu nghiem" + b"}" * depth + b"}"

    extract("a.rtf", rtf(9))
    _refused("b.rtf", rtf(12), "too deeply")


def test_word97_characters(monkeypatch):
    import archive_cli.ingest.worddoc as reader
    from tests.test_ingest_worddoc import make_doc

    text = "KẾ HOẠCH\rNội dung văn bản thử nghiệm.\r"
    data = make_doc([(text, False)])
    monkeypatch.setattr(reader, "MAX_CHARS", len(text))
    extract("a.doc", data)
    monkeypatch.setattr(reader, "MAX_CHARS", len(text) - 1)
    with pytest.raises(IngestError):
        extract("b.doc", data)


def test_text_file_size(tmp_path):
    from archive_cli.importing.files import MB, read_bytes

    f = tmp_path / "a.txt"
    f.write_bytes(b"x" * MB)
    assert len(read_bytes(str(f), MB)) == MB
    f.write_bytes(b"x" * (MB + 1))
    with pytest.raises(IngestError) as err:
        read_bytes(str(f), MB)
    assert "over the 1 MiB limit" in str(err.value)
