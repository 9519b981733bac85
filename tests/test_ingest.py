"""Reading files into text: encodings, formats and bad input (SPEC §7)."""
from __future__ import annotations

import io
import unicodedata

import pytest

from archive_cli.errors import IngestError
from archive_cli.ingest import extract
from archive_cli.ingest import legacy

VI = "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc\nHà Nội, ngày 15 tháng 4 năm 2009\n"
TCVN3 = "Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc\nHµ Néi, ngµy 15 th¸ng 4 n¨m 2009\n"
VNI = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam\nÑoäc laäp - Töï do - Haïnh phuùc\nHaø Noäi, ngaøy 15 thaùng 4 naêm 2009\n"
FRENCH = "Le café où nous étions était fermé à cause de la grève.\nÇa a été très déçu, mais l'été reviendra à Noël.\n"


def is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


# --- encodings of text files -------------------------------------------------------------------

def test_utf8_text():
    got = extract("a.txt", VI.encode())
    assert got.text == VI
    assert got.format == "txt" and got.encoding == "utf-8"


def test_utf8_bom():
    got = extract("a.txt", b"\xef\xbb\xbf" + VI.encode())
    assert got.text == VI and got.encoding == "utf-8-sig"


@pytest.mark.parametrize("codec,bom,label", [("utf-16-le", b"\xff\xfe", "utf-16-le"), ("utf-16-be", b"\xfe\xff", "utf-16-be")])
def test_utf16_with_bom(codec, bom, label):
    got = extract("a.txt", bom + VI.encode(codec))
    assert got.text == VI and got.encoding == label


def test_utf16_without_bom():
    got = extract("a.txt", ("Plain words and " + VI).encode("utf-16-le"))
    assert got.text.endswith(VI) and got.encoding == "utf-16-le"


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese keyboards wrote it: base letter (â ơ …) + combining tone."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def test_cp1258_combining_marks_become_nfc():
    data = _cp1258(VI)
    got = extract("a.txt", data)
    assert got.encoding == "cp1258"
    assert got.text == VI and is_nfc(got.text)


def test_tcvn3_text_file():
    got = extract("a.txt", TCVN3.encode("latin-1"))
    assert got.encoding == "tcvn3"
    assert got.text == VI.replace("hòa", "hoà")


def test_vni_text_file():
    got = extract("a.txt", VNI.encode("latin-1"))
    assert got.encoding == "vni"
    assert got.text == VI


def test_vni_base_plus_mark_variants():
    assert legacy.vni_decode("tyû leä, kyû luaät, chiùnh") == "tỷ lệ, kỷ luật, chính"


def test_mixed_tcvn3_and_vni_line_by_line():
    lines = TCVN3.splitlines() + VNI.splitlines() + ["Hµ Néi", "Haø Noäi", "Quyeát ñònh"]
    got = extract("a.txt", "\n".join(lines).encode("latin-1"))
    assert got.encoding == "tcvn3+vni"
    out = got.text.splitlines()
    assert out[0] == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert out[3] == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert out[-3:] == ["Hà Nội", "Hà Nội", "Quyết định"]


def test_vni_word_pasted_into_tcvn3_line():
    text = (TCVN3 + "- ÖÙng dông c«ng nghÖ th«ng tin trong c¸c ®¬n vÞ\n").encode("latin-1")
    got = extract("a.txt", text)
    assert got.text.splitlines()[-1] == "- Ứng dụng công nghệ thông tin trong các đơn vị"


def test_vni_abbreviations_are_not_rewritten():
    got = extract("a.txt", (VNI + "Phoøng LÑ-TBXH vaø QÑ soá 12\n").encode("latin-1"))
    assert got.text.splitlines()[-1] == "Phòng LĐ-TBXH và QĐ số 12"


def test_tcvn3_kept_as_utf8_latin1_letters():
    # Someone opened a .VnTime file as Latin-1 and saved it as UTF-8.
    got = extract("a.txt", TCVN3.encode("utf-8"))
    assert got.text.startswith("Cộng hoà xã hội") and "tcvn3" in got.encoding


def _mojibake(text: str) -> bytes:
    raw = text.encode("utf-8")
    chars = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in raw)
    return chars.encode("utf-8")


def test_utf8_mojibake_repaired():
    got = extract("a.txt", _mojibake(VI))
    assert got.encoding == "utf-8 (repaired mojibake)"
    assert got.text == VI


def test_utf8_mojibake_with_lost_bytes_repaired():
    # Bytes cp1252 cannot show (0x90 in Đ) were dropped; non-breaking spaces became spaces.
    raw = VI.encode("utf-8").decode("cp1252", errors="ignore").replace("\u00a0", " ")
    got = extract("a.txt", raw.encode("utf-8"))
    assert got.encoding == "utf-8 (repaired mojibake)"
    assert got.text == VI


def test_unicode_document_quoting_legacy_is_not_converted():
    text = VI * 5 + "Read as cp1252 it looks like Céng hoµ x· héi chñ nghÜa, ư = 0xAD.\n"
    got = extract("a.md", text.encode())
    assert got.encoding == "utf-8" and "Céng hoµ" in got.text


def test_capital_ã_before_ellipsis_is_not_mojibake():
    text = "ỦY BAN NHÂN DÂN XÃ….. và XÃ HỘI\n" * 3
    got = extract("a.txt", text.encode())
    assert got.encoding == "utf-8" and got.text == text


@pytest.mark.parametrize("text", [
    FRENCH,
    "The quick brown fox jumps over the lazy dog.\nGuidelines for the implementation of the plan.\n",
    "Müller's Straße über Köln; señor niño; naïve coöperation, déjà vu, crème brûlée.\n",
    "A ação do coração não é fácil; a população está à espera das informações até amanhã.\n",
    "El niño comió en la cafetería; después, la señora pidió más información. ¿Dónde está?\n",
    "La città è più bella di quanto pensassi; perché non andiamo là domani? Così è.\n",
])
@pytest.mark.parametrize("codec", ["utf-8", "cp1252"])
def test_english_and_french_left_alone(text, codec):
    got = extract("a.txt", text.encode(codec))
    assert got.text == text
    assert got.encoding in ("utf-8", "cp1252")


def test_legacy_guess_refuses_latin_text():
    assert legacy.guess(FRENCH) is None
    assert legacy.guess(TCVN3) == "tcvn3"
    assert legacy.guess(VNI) == "vni"


def test_tcvn3_pdf_code_points():
    assert legacy.tcvn3_decode("Th«ng t\u2212 x\u2219 héi", pdf=True) == "Thông tư xã hội"


def test_pdf_split_syllables_rejoined():
    from archive_cli.ingest.pdf import join_split_syllables

    assert join_split_syllables("v ùng c òn l ý Ch ỉ, điểm a và b") == "vùng còn lý Chỉ, điểm a và b"


def test_crlf_and_control_characters_cleaned():
    got = extract("a.txt", b"one\r\ntwo\x07\r\nthree\r\n")
    assert got.text == "one\ntwo\nthree\n"


# --- formats -------------------------------------------------------------------------------------

def test_markdown_front_matter():
    data = ("---\ntitle: Kế hoạch\nnumber: 12/KH-UBND\n---\n# Kế hoạch\n\nNội dung.\n").encode()
    got = extract("a.md", data)
    assert got.format == "md" and got.markdown
    assert got.metadata == {"title": "Kế hoạch", "number": "12/KH-UBND"}
    assert got.text.startswith("# Kế hoạch")


def test_front_matter_python_object_refused():
    data = b"---\ntitle: !!python/object/apply:os.system ['echo hacked']\n---\nBody\n"
    with pytest.raises(IngestError, match="front matter"):
        extract("evil.md", data)


HTML_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Kế hoạch số 12</title></head>
<body><nav><a href="/">Trang chủ</a> <a href="/tin">Tin tức</a> <a href="/lh">Liên hệ</a></nav>
<article><h1>KẾ HOẠCH</h1>
<p>Thực hiện công tác tuyên truyền phòng, chống dịch Covid-19 trên địa bàn tỉnh trong năm 2021.</p>
<h2>I. MỤC ĐÍCH, YÊU CẦU</h2>
<p>1. Nâng cao nhận thức của cán bộ, đảng viên và nhân dân về công tác phòng, chống dịch bệnh.</p>
<p>2. Bảo đảm thông tin kịp thời, chính xác, đầy đủ cho người dân trên địa bàn các huyện.</p>
</article><footer>Bản quyền thuộc Sở Thông tin và Truyền thông. Địa chỉ: 1 Trần Hưng Đạo.</footer>
</body></html>"""


def test_html_main_text_keeps_headings_on_own_lines():
    got = extract("page.html", HTML_PAGE.encode())
    assert got.format == "html"
    lines = got.text.splitlines()
    assert "I. MỤC ĐÍCH, YÊU CẦU" in lines
    assert any(line.startswith("1. Nâng cao nhận thức") for line in lines)
    assert "Trang chủ" not in got.text

    
def test_html_table_rows_become_lines():
    page = ("<html><body><table><tr><td>ỦY BAN NHÂN DÂN</td><td>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</td></tr>"
            "</table><p>" + "Nội dung của kế hoạch được triển khai trên địa bàn toàn tỉnh. " * 3 + "</p></body></html>")
    lines = extract("a.html", page.encode()).text.splitlines()
    assert "ỦY BAN NHÂN DÂN" in lines and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines


def test_html_saved_as_doc_is_read_as_html():
    got = extract("Ke_hoach.doc", b"\xef\xbb\xbf" + HTML_PAGE.encode())
    assert got.format == "html" and "MỤC ĐÍCH" in got.text


def _docx_bytes(build) -> bytes:
    import docx

    document = docx.Document()
    build(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_header_table_in_order():
    def build(d):
        table = d.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "ỦY BAN NHÂN DÂN"
        table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        table.cell(1, 0).text = "Số: 12/KH-UBND"
        table.cell(1, 1).text = "Hà Nội, ngày 1 tháng 2 năm 2024"
        d.add_paragraph("KẾ HOẠCH")
        d.add_paragraph("Triển khai công tác năm 2024")

    got = extract("a.docx", _docx_bytes(build))
    assert got.format == "docx" and got.encoding is None
    lines = [line for line in got.text.splitlines() if line]
    assert lines == ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 12/KH-UBND",
                     "Hà Nội, ngày 1 tháng 2 năm 2024", "KẾ HOẠCH", "Triển khai công tác năm 2024"]


def test_docx_legacy_fonts_converted_by_font_name():
    def build(d):
        p = d.add_paragraph()
        run = p.add_run("quyÕt ®Þnh")
        run.font.name = ".VnTimeH"
        p = d.add_paragraph()
        run = p.add_run("Hµ Néi")
        run.font.name = ".VnTime"
        p = d.add_paragraph()
        run = p.add_run("Quyeát ñònh")
        run.font.name = "VNI-Times"
        d.add_paragraph("café où")

    got = extract("a.docx", _docx_bytes(build))
    assert got.text.splitlines() == ["QUYẾT ĐỊNH", "Hà Nội", "Quyết định", "café où"]
    assert got.encoding == "tcvn3+vni"


def test_docx_text_box_content_kept():
    from docx.oxml import parse_xml

    def build(d):
        d.add_paragraph("Thân văn bản")
        run = d.add_paragraph().add_run()
        run.element.append(parse_xml(
            '<w:pict xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:v="urn:schemas-microsoft-com:vml"><v:shape><v:textbox><w:txbxContent>'
            "<w:p><w:r><w:t>ỦY BAN NHÂN DÂN</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>"))

    lines = [line for line in extract("a.docx", _docx_bytes(build)).text.splitlines() if line]
    assert lines == ["Thân văn bản", "ỦY BAN NHÂN DÂN"]


def test_docx_unicode_text_in_vntime_font_left_alone():
    def build(d):
        for line in VI.splitlines():
            d.add_paragraph().add_run(line).font.name = ".VnTime"

    got = extract("a.docx", _docx_bytes(build))
    assert got.text == VI and got.encoding is None


def test_docx_named_pdf_is_read_as_docx():
    got = extract("a.pdf", _docx_bytes(lambda d: d.add_paragraph("Nội dung văn bản")))
    assert got.format == "docx"


def test_rtf_with_tcvn3_font_table():
    rtf = (rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss\fcharset0 Arial;}"
           rb"{\f1\froman\fcharset0 .VnTime;}{\f2\froman\fcharset0 .VnTimeH;}}"
           rb"{\info{\title Secret}}"
           rb"\pard\f2 c\'e9ng ho\'b5 x\'b7 h\'e9i\par"
           rb"\f1 H\'b5 N\'e9i, ng\'b5y 1\par"
           rb"\f0 Plain \u7841?nh English\par}")
    got = extract("a.rtf", rtf)
    assert got.format == "rtf" and got.encoding == "tcvn3"
    assert got.text.splitlines() == ["CỘNG HOÀ XÃ HỘI", "Hà Nội, ngày 1", "Plain ạnh English"]
    assert "Secret" not in got.text


def test_rtf_surrogate_pairs_joined_and_strays_dropped():
    got = extract("a.rtf", rb"{\rtf1\ansi Smile \u-10179?\u-8704? end \u-10179? x\par}")
    assert got.text == "Smile \U0001F600 end \ufffd x\n"
    got.text.encode("utf-8")


def test_rtf_binary_picture_skipped():
    rtf = rb"{\rtf1\ansi Before {\pict\bin4 " + b"}}{\x00" + rb"}after.\par}"  # braces in the data
    assert extract("a.rtf", rtf).text == "Before after.\n"


def test_rtf_named_doc_is_read_as_rtf():
    got = extract("a.doc", rb"{\rtf1\ansi Hello world, this is a letter.\par}")
    assert got.format == "rtf" and got.text == "Hello world, this is a letter.\n"


def _pdf(content: bytes | None) -> bytes:
    """A one-page PDF, with a Helvetica text stream or (content=None) an empty page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"]
    if content is None:
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>")
    else:
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>")
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_text_layer():
    got = extract("a.pdf", _pdf(b"BT /F1 12 Tf 72 720 Td (Guidelines for the annual plan) Tj ET"))
    assert got.format == "pdf" and "Guidelines for the annual plan" in got.text


def test_pdf_named_txt_is_read_as_pdf():
    got = extract("notes.txt", _pdf(b"BT /F1 12 Tf 72 720 Td (Guidelines for the annual plan) Tj ET"))
    assert got.format == "pdf"


def test_pdf_without_text_layer_is_scanned():
    from archive_cli.ingest.ocr import OcrOptions

    with pytest.raises(IngestError, match="^no text layer: scanned document$"):
        extract("scan.pdf", _pdf(None), ocr=OcrOptions(mode="never"))


def test_damaged_pdf():
    with pytest.raises(IngestError):
        extract("a.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ngarbage")


# --- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", b"\x00\x00\x00"])
def test_empty_file_is_refused(data):
    with pytest.raises(IngestError, match="^the file is empty$"):
        extract("a.txt", data)


def test_binary_file_is_refused():
    with pytest.raises(IngestError, match="binary"):
        extract("a.txt", bytes(range(256)) * 20)


@pytest.mark.parametrize("name,data,fragment", [
    ("photo.gif", b"GIF89a" + b"\x00" * 100, "GIF image"),
    ("setup.exe", b"MZ\x90\x00" + b"\x00" * 100, "executable"),
    ("a.bin", b"\x7fELF\x02\x01" + b"\x00" * 100, "executable"),
    ("docs.tar.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 100, "gzip"),
    ("data.csv", b"a,b,c\n1,2,3\n", "unsupported format .csv"),
])
def test_unsupported_formats(name, data, fragment):
    with pytest.raises(IngestError, match=fragment):
        extract(name, data)


@pytest.mark.parametrize("name", ["Quyết định số 12 (bản sửa).TXT", "dir\\sub\\a.txt ", ".hidden", "no-extension", "a.b.c.md"])
def test_odd_names(name):
    assert extract(name, VI.encode()).text == VI


def test_text_starting_like_a_magic_number_is_text():
    assert extract("a.txt", b"MZ stands for Mark Zbikowski.\n").format == "txt"


def test_zip_and_xlsx_are_unsupported():
    import zipfile

    for inner, fragment in (("xl/workbook.xml", ".xlsx"), ("readme.txt", "zip archive")):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(inner, "x")
        with pytest.raises(IngestError, match=fragment):
            extract("a.docx", buf.getvalue())


def test_damaged_ole_doc():
    with pytest.raises(IngestError, match="damaged"):
        extract("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


def test_undecodable_bytes():
    # Valid as no 8-bit text: C1 controls everywhere.
    with pytest.raises(IngestError):
        extract("a.txt", bytes([0x81, 0x8d, 0x8f, 0x90, 0x9d]) * 400)


def test_error_messages_do_not_name_the_file():
    for name, data in (("secret-name.txt", b""), ("secret-name.xls", b"x"), ("secret-name.pdf", _pdf(None))):
        with pytest.raises(IngestError) as info:
            extract(name, data)
        assert "secret-name" not in str(info.value)


def test_huge_text_file_is_fast_and_linear():
    import time

    data = (VI * 40_000).encode()  # about 4 MB
    start = time.perf_counter()
    got = extract("big.txt", data)
    assert time.perf_counter() - start < 5
    assert len(got.text) == len(VI) * 40_000


def test_huge_legacy_file():
    data = (TCVN3 * 20_000).encode("latin-1")  # about 2 MB
    got = extract("big.txt", data)
    assert got.encoding == "tcvn3" and got.text.startswith("Cộng hoà")


def test_outputs_are_nfc():
    for data in (unicodedata.normalize("NFD", VI).encode(), TCVN3.encode("latin-1"), VNI.encode("latin-1")):
        assert is_nfc(extract("a.txt", data).text)


def test_html_declared_cp1252_with_tcvn3_text():
    page = ('<html><head><meta charset="windows-1252"></head><body><article>'
            '<p><font face=".VnTime">' + TCVN3.replace("\n", "</font></p><p><font face=\".VnTime\">")
            + '</font></p></article></body></html>')
    got = extract("old.htm", page.encode("cp1252"))
    assert "Cộng hoà xã hội chủ nghĩa Việt Nam" in got.text
    assert got.encoding.startswith("tcvn3")


def test_docx_legacy_text_without_font_recognised_by_content():
    def build(d):
        for line in TCVN3.splitlines():
            d.add_paragraph(line)

    got = extract("a.docx", _docx_bytes(build))
    assert got.encoding == "tcvn3" and got.text.startswith("Cộng hoà xã hội")
