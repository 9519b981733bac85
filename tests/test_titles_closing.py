"""Issue 18: a title for every document, sentence case, numbers with odd spacing, the closing
block as its own part. Through the real CLI on real archives, plus properties of the casing."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive_cli.parse import parse
from archive_cli.parse.patterns import canon_number
from archive_cli.parse.title import is_boilerplate
from archive_cli.text.casing import sentence_case
from archive_cli.text.normalize import nfc
from tests.helpers import json_lines, run, write

_FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DECISION = """ỦY BAN NHÂN DÂN
TỈNH THÁI NGUYÊN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số:  15 /2025/QĐ-UBND
Thái Nguyên, ngày 03 tháng 4 năm 2025
QUYẾT ĐỊNH
BAN HÀNH QUY ĐỊNH VỀ PHÂN CẤP QUẢN LÝ NHÀ NƯỚC VỀ ĐẤT ĐAI TRÊN ĐỊA BÀN TỈNH THÁI NGUYÊN
ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN
Căn cứ Luật Đất đai số 31/2024/QH15;
QUYẾT ĐỊNH:
Điều 1. PHẠM VI ĐIỀU CHỈNH
Ban hành kèm theo Quyết định này Quy định về phân cấp.
Điều 2. TỔ CHỨC THỰC HIỆN
Quyết định có hiệu lực từ ngày ký. Sở Nông nghiệp và Môi trường chủ trì thực hiện./.
Nơi nhận:
- Như Điều 2;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn Quang
"""

CONG_VAN = """BỘ TÀI CHÍNH
CỤC THUẾ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 5662/CT-CS
V/v chính sách thuế
Hà Nội, ngày 10 tháng 12 năm 2025
Kính gửi: Công ty TNHH Điện lực Vĩnh Tân
Cục Thuế nhận được văn bản số 01/2025 của Công ty đề nghị hướng dẫn thuế nhà thầu đối với khoản phí bảo lãnh trong hợp đồng vay vốn nước ngoài. Về vấn đề này, Cục Thuế có ý kiến như sau.
Căn cứ Thông tư số 103/2014/TT-BTC, khoản phí bảo lãnh thuộc diện chịu thuế nhà thầu./.
Nơi nhận:
- Như trên;
- Lưu: VT, CS.
KT. CỤC TRƯỞNG
PHÓ CỤC TRƯỞNG
Đặng Ngọc Minh
"""

SPEECH = """Khoá họp lần thứ ba, Diễn đàn Việt-Pháp
Hiện đại hoá khu vực sản xuất và thúc đẩy đổi mới công nghệ ở Việt Nam
" Triển vọng và giải pháp phát triển
ngành cao su Việt Nam "
Ông Lê Quang Thung
Tổng giám đốc Tổng Công ty Cao su Việt Nam
Ngành cao su Việt Nam đã có bước phát triển mạnh trong những năm qua, với diện tích trồng mới tăng đều.
"""

FORM = """cộng hòa xã hội chủ nghĩa việt nam
Độc lập - Tự do - Hạnh phúc
Số:
thông báo thay đổi vốn điều lệ của công ty cổ phần
Kính gởi: Phòng đăng ký kinh doanh tỉnh Sóc Trăng
Tên doanh nghiệp: ...........................................
"""


def _import(archive, tmp_path, name: str, text: str) -> str:
    f = write(tmp_path / "in" / name, text)
    res = run(archive, "import", str(f), "--json", "--jobs", "1")
    assert res.exit_code == 0, res.output
    return json_lines(res.output)[0]["id"]


def _show(archive, doc_id: str) -> dict:
    res = run(archive, "show", doc_id, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


# --- titles ----------------------------------------------------------------------------------

def test_capitals_become_sentence_case_and_the_outline_keeps_its_capitals(archive_dir, tmp_path):
    doc_id = _import(archive_dir, tmp_path, "qd.txt", DECISION)
    d = _show(archive_dir, doc_id)
    assert d["title"] == ("Quyết định ban hành Quy định về phân cấp quản lý nhà nước về đất đai trên địa bàn "
                          "tỉnh Thái Nguyên")
    assert d["title_source"] == "document"
    assert d["number"] == "15/2025/QĐ-UBND"
    assert [s["heading"] for s in d["sections"]] == ["PHẠM VI ĐIỀU CHỈNH", "TỔ CHỨC THỰC HIỆN"]
    listed = json.loads(run(archive_dir, "list", "--json").output)
    assert listed[0]["title"] == d["title"]


def test_a_speech_and_a_form_are_titled_by_their_first_meaningful_line(archive_dir, tmp_path):
    speech = _import(archive_dir, tmp_path, "speech.txt", SPEECH)
    form = _import(archive_dir, tmp_path, "form.txt", FORM)
    s, f = _show(archive_dir, speech), _show(archive_dir, form)
    assert (s["title"], s["title_source"], s["doc_type"]) == (
        "Triển vọng và giải pháp phát triển ngành cao su Việt Nam", "first_line", None)
    assert (f["title"], f["doc_type"]) == ("Thông báo thay đổi vốn điều lệ của công ty cổ phần", "Thông báo")
    res = run(archive_dir, "search", "triển vọng cao su", "--json")
    assert json.loads(res.output)["results"][0]["id"] == speech


def test_boilerplate_is_never_a_title():
    for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 12/KH-UBND",
                 "Hà Nội, ngày 05 tháng 3 năm 2020", "Kính gửi: Sở Tài chính", "(Kèm theo Quyết định số 16/2003/QĐ-BKHCN",
                 "B1-2-TMDA", "Mẫu số 5", "-----", "Tên doanh nghiệp: ........", "STT", "Nơi nhận:",
                 "MỤC LỤC", "MơC LơC", "Độc lập", "....., ngày", "tháng"):
        assert is_boilerplate(line), line
    for line in ("Đơn đăng ký kinh doanh", "Triển vọng và giải pháp phát triển ngành cao su", "LÝ LỊCH KHOA HỌC"):
        assert not is_boilerplate(line), line
    text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n-----\nSố:\n"
    assert parse(text).title is None or not is_boilerplate(parse(text).title)


def test_a_generic_cong_van_gets_its_subject_as_subtitle(archive_dir, tmp_path):
    doc_id = _import(archive_dir, tmp_path, "cv.txt", CONG_VAN)
    d = _show(archive_dir, doc_id)
    assert d["doc_type"] == "Công văn" and d["title"] == "Công văn V/v chính sách thuế"
    assert d["subtitle"].startswith("Cục Thuế nhận được văn bản số 01/2025 của Công ty đề nghị hướng dẫn thuế nhà thầu")
    # The subject is searched as the title is: the letter is found by what it is about.
    res = run(archive_dir, "search", "thuế nhà thầu phí bảo lãnh", "--json")
    assert json.loads(res.output)["results"][0]["id"] == doc_id
    hit = json.loads(res.output)["results"][0]
    assert hit["title"] == "Công văn V/v chính sách thuế" and hit["subtitle"] == d["subtitle"]
    listed = run(archive_dir, "list").output
    assert "thuế nhà thầu" in " ".join(listed.split())  # the row says what the letter is about
    shown = run(archive_dir, "show", doc_id).output
    assert "Cục Thuế nhận được văn bản số 01/2025" in shown.split("Kính gửi")[0]


def test_a_specific_v_v_line_needs_no_subtitle():
    d = parse(CONG_VAN.replace("V/v chính sách thuế", "V/v chính sách thuế nhà thầu đối với phí bảo lãnh vay vốn nước ngoài"))
    assert d.subtitle is None


# --- numbers ---------------------------------------------------------------------------------

def test_numbers_with_odd_spacing_are_read():
    head = "BỘ TÀI CHÍNH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    for line, want in (("SỐ:    99/ 1998/TT-BTC", "99/1998/TT-BTC"), ("Số:125/KH-UBND", "125/KH-UBND"),
                       ("số 05- CT/TU", "05-CT/TU"), ("Số :117  /2000/TT-BTC", "117/2000/TT-BTC"),
                       ("Số: 15/QĐ-UBND ―――― Hà Nội, ngày 02 tháng 01 năm 2025", "15/QĐ-UBND"),
                       ("Số: 24 – HD/BTGTW", "24-HD/BTGTW")):
        d = parse(head + line + "\nHà Nội, ngày 14 tháng 7 năm 1998\nTHÔNG TƯ\nHướng dẫn thi hành\n")
        assert d.number == want, line
    # "SỐ:" in one cell, the number split over the next two (a Word table read cell by cell)
    d = parse(head + "SỐ:\n40\n/2000/TT/BTC\nHà nội, ngày 15 tháng 5 năm 2000\nthông tư\nHướng dẫn thi hành\n")
    assert (d.number, d.issued) == ("40/2000/TT/BTC", "2000-05-15")
    # place and date over three cells
    d = parse(head + "SỐ:\n99/ 1998/TT-BTC\nHà nội, ngày 14\ntháng 7\nnăm 1998\nTHÔNG TƯ\nHướng dẫn thi hành\n")
    assert (d.number, d.issued) == ("99/1998/TT-BTC", "1998-07-14")


def test_a_legacy_title_block_gives_number_date_and_trich_yeu():
    d = parse("Thông tư\nLiên tịch Bộ Tài chính - Công nghiệp - Tổng cục Hải quan\n"
              "Số 120/2000/TTLT-BTC-BCN-TCHQ ngày 25 tháng 12 năm 2000\n"
              "Về việc bổ sung, sửa đổi chính sách thuế theo tỷ lệ nội địa hoá\n"
              "Căn cứ ý kiến của Thủ tướng Chính phủ;\nI- Phạm vi áp dụng\nNội dung.\n")
    assert (d.number, d.issued) == ("120/2000/TTLT-BTC-BCN-TCHQ", "2000-12-25")
    assert d.title == "Thông tư liên tịch Về việc bổ sung, sửa đổi chính sách thuế theo tỷ lệ nội địa hoá"
    # the same line after a title ending in a type name cites the text being carried out
    d = parse("ỦY BAN NHÂN DÂN\nTỈNH LAI CHÂU\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nKẾ HOẠCH\nTHỰC HIỆN CHỈ THỊ\n"
              "SỐ 32/CT-TTG NGÀY 21/10/2025 CỦA THỦ TƯỚNG CHÍNH PHỦ\nI. MỤC ĐÍCH\nNội dung.\n")
    assert d.number is None


@_FAST
@given(st.text(alphabet="0123456789 /-–QĐKHUBNDTCTWđ", max_size=30))
def test_number_normalisation_is_idempotent(raw):
    once = canon_number(raw)
    assert canon_number(once) == once


# --- sentence case ---------------------------------------------------------------------------

_VI = st.text(alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọ"
                                            "ồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ ,.-/0123456789")), max_size=80)


@_FAST
@given(st.one_of(_VI.map(str.upper), _VI, st.text(max_size=60)), st.booleans())
def test_sentence_case_changes_only_letter_case_and_is_idempotent(text, first):
    text = nfc(text)
    once = sentence_case(text, first=first)
    assert len(once) == len(text)
    assert all(a == b or a.lower() == b.lower() for a, b in zip(once, text))  # only case changes
    assert sentence_case(once, first=first) == once


def test_sentence_case_keeps_names_and_abbreviations_as_the_corpus_writes_them():
    assert sentence_case("ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN") == "Ủy ban nhân dân tỉnh Thái Nguyên"
    assert sentence_case("GIAO CHỈ TIÊU CHO UBND, HĐND CÁC HUYỆN, THÀNH PHỐ HÀ NỘI", first=False) == \
        "giao chỉ tiêu cho UBND, HĐND các huyện, thành phố Hà Nội"
    assert sentence_case("SỬA ĐỔI MỘT SỐ ĐIỀU CỦA LUẬT ĐẤT ĐAI VÀ ĐIỀU 5", first=False) == \
        "sửa đổi một số điều của Luật Đất đai và Điều 5"
    assert sentence_case("THỰC HIỆN NGHỊ QUYẾT SỐ 57-NQ/TW CỦA BỘ CHÍNH TRỊ", first=False) == \
        "thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị"


# --- the closing block -----------------------------------------------------------------------

def test_the_closing_block_is_its_own_part(archive_dir, tmp_path):
    doc_id = _import(archive_dir, tmp_path, "qd.txt", DECISION)
    d = _show(archive_dir, doc_id)
    assert d["closing"].startswith("Nơi nhận:") and d["closing"].endswith("Nguyễn Văn Quang")
    assert d["signer"] == "Nguyễn Văn Quang" and d["recipients"] == ["Như Điều 2", "Lưu: VT"]
    # --section leaves it out
    impl = run(archive_dir, "show", doc_id, "--section", "implementation").output
    assert "chủ trì thực hiện" in impl and "Nơi nhận" not in impl and "Nguyễn Văn Quang" not in impl
    assert not any("Nơi nhận" in s["text"] for s in d["sections"])
    # show prints it after the body; the text export keeps it in its place, without markers
    shown = run(archive_dir, "show", doc_id).output
    assert shown.index("chủ trì thực hiện") < shown.index("Nơi nhận:") < shown.index("Nguyễn Văn Quang")
    out = tmp_path / "out.txt"
    assert run(archive_dir, "export", doc_id, "-o", str(out)).exit_code == 0
    txt = out.read_text(encoding="utf-8")
    assert txt.rstrip().endswith("Nguyễn Văn Quang") and "<!--" not in txt and "closing" not in txt


def test_the_markdown_round_trip_keeps_the_closing_block(archive_dir, tmp_path):
    doc_id = _import(archive_dir, tmp_path, "qd.txt", DECISION)
    md = tmp_path / "qd.md"
    assert run(archive_dir, "export", doc_id, "--format", "md", "-o", str(md)).exit_code == 0
    other = tmp_path / "other"
    res = run(other, "import", str(md), "--json", "--jobs", "1")
    assert res.exit_code == 0, res.output
    again = _show(other, json_lines(res.output)[0]["id"])
    first = _show(archive_dir, doc_id)
    for key in ("title", "title_source", "closing", "sections", "signer", "recipients", "number"):
        assert again[key] == first[key], key


def test_an_old_store_file_without_closing_markers_still_reads(archive_dir, tmp_path):
    doc_id = _import(archive_dir, tmp_path, "qd.txt", DECISION)
    path = archive_dir / "documents" / f"{doc_id}.md"
    text = path.read_text(encoding="utf-8")
    old = "\n".join(line for line in text.splitlines()
                    if "closing" not in line and not line.startswith(("title_source:", "subtitle:")))
    path.write_text(old + "\n", encoding="utf-8")
    assert run(archive_dir, "reindex").exit_code == 0
    d = _show(archive_dir, doc_id)
    assert d["closing"] == "" and d["title_source"] is None and d["title"].startswith("Quyết định ban hành")
    # as before issue 18: the closing lines are the last section's text
    assert "Nơi nhận" in d["sections"][-1]["text"]


def test_a_closing_place_and_date_line_opens_the_closing_block():
    d = parse("BÁO CÁO\nTình hình thực hiện năm 2024\nI. KẾT QUẢ\nĐã làm tốt.\nII. KIẾN NGHỊ\nĐề nghị bổ sung kinh phí.\n"
              "Hà Nội, ngày 20 tháng 12 năm 2024\nTM. BAN CHỈ ĐẠO\nTRƯỞNG BAN\nTrần Văn Bình\n")
    assert d.sections[-1].text == "Đề nghị bổ sung kinh phí."
    assert d.closing.startswith("Hà Nội, ngày 20 tháng 12 năm 2024") and d.signer == "Trần Văn Bình"


# --- the corpus ------------------------------------------------------------------------------

def test_every_legacy_transcript_gets_a_title_that_is_not_boilerplate(corpus):
    folder = corpus / "legacy-viparse" / "ground-truth"
    untitled = []
    for path in sorted(folder.glob("*.txt")):
        d = parse(path.read_text(encoding="utf-8"))
        if not d.title or is_boilerplate(d.title):
            untitled.append(path.name)
    assert untitled == []
