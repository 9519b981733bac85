"""Rule-level tests of the parser modules: symbols, dates, kinds, headings, cleaning, names."""
from __future__ import annotations

import pytest

from archive_cli.parse import find_references, parse
from archive_cli.parse.clean import clean
from archive_cli.parse.kinds import heading_kind, section_kind
from archive_cli.parse.names import looks_like_person, org_case
from archive_cli.parse.patterns import canon_number, find_date


@pytest.mark.parametrize("raw,canon", [
    ("46- KH/TU", "46-KH/TU"), ("1206 /QĐ-HVTC", "1206/QĐ-HVTC"), ("367 - QĐ/TWĐTN", "367-QĐ/TWĐTN"),
    ("84 QĐ/TWĐTN", "84-QĐ/TWĐTN"), ("04 TC/TCT", "04TC/TCT"), ("30/2021/QH15", "30/2021/QH15"),
    ("142/2025/NĐ-CP", "142/2025/NĐ-CP"), ("24–HD/BTGTW", "24-HD/BTGTW"),
])
def test_canon_number(raw, canon):
    assert canon_number(raw) == canon


@pytest.mark.parametrize("symbol", [
    "367 - QĐ/TWĐTN", "08-QĐi/TW", "05-QC/BTCTU-BDVTU", "357-CV/BTCTU", "61/2024/QH15", "528/2018/UBTVQH14",
    "55/2005/TTLT-BNV-VPCP", "12/VBHN-BYT", "7916/UBND-VX", "1043/TTg-NN", "8935/BNV-CTTN&BĐG",
])
def test_symbol_variants_are_found_after_a_type_word(symbol):
    refs = find_references(f"Thực hiện Văn bản số {symbol} ngày 30.5.2023 của cơ quan cấp trên về việc này.")
    assert [r.number for r in refs] == [canon_number(symbol)]
    assert refs[0].issued == "2023-05-30"


def test_reference_lists_and_glued_so():
    refs = find_references("Căn cứ Công điện số 218/CĐ-TTg, 219/CĐ-TTg và 222/CĐ-TTg ngày 19/11/2025 của "
                           "Thủ tướng Chính phủ; Quyết định của Bộ Chính trị số31-QĐ/TW ngày 01-10-1997.")
    assert [(r.doc_type, r.number) for r in refs] == [
        ("Công điện", "218/CĐ-TTg"), ("Công điện", "219/CĐ-TTg"), ("Công điện", "222/CĐ-TTg"),
        ("Quyết định", "31-QĐ/TW")]
    assert refs[-1].issued == "1997-10-01"


def test_reference_never_reaches_across_another_type_name():
    refs = find_references("Kế hoạch triển khai Chỉ thị số 18/CT-TTg của Thủ tướng Chính phủ phục vụ phát triển")
    assert [(r.doc_type, r.number, r.issuer) for r in refs] == [("Chỉ thị", "18/CT-TTg", "Thủ tướng Chính phủ")]


def test_bare_numbers_with_a_symbol_after_are_not_bare():
    assert [r.number for r in find_references("Nghị quyết số 84 QĐ/TWĐTN")] == ["84-QĐ/TWĐTN"]
    assert find_references("Kế hoạch 5 năm 2021 - 2025, Nghị quyết 30 người tham dự") == []


@pytest.mark.parametrize("text,iso", [
    ("ngày 05 tháng 3 năm 2020", "2020-03-05"), ("07/10/2021", "2021-10-07"), ("30.5.2023", "2023-05-30"),
    ("01-10-1997", "1997-10-01"), ("31/02/2020", None), ("15 March 2024", "2024-03-15"),
])
def test_find_date(text, iso):
    assert find_date(text) == iso


@pytest.mark.parametrize("heading,kind", [
    ("TÌNH HÌNH VÀ NGUYÊN NHÂN", "other"), ("QUAN ĐIỂM, MỤC TIÊU", "purpose"),
    ("NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU", "content"), ("TỔ CHỨC THỰC HIỆN", "implementation"),
    ("KẾT QUẢ THỰC HIỆN", "other"), ("PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2022", "content"),
    ("KIẾN NGHỊ, ĐỀ XUẤT", "other"), ("KINH PHÍ THỰC HIỆN", "implementation"),
    ("Phạm vi điều chỉnh", "purpose"), ("Hiệu lực thi hành", "implementation"),
    ("MỤC TIÊU, NHIỆM VỤ", "purpose"), ("Purpose", "purpose"), ("Scope", "purpose"), ("Background", "other"),
    ("Guidance", "content"), ("Implementation", "implementation"), ("Responsibilities", "implementation"),
])
def test_heading_kinds_from_domain_table(heading, kind):
    assert heading_kind(heading) == kind


def test_article_kinds():
    assert section_kind("Điều 5", "Quyền và trách nhiệm của bên bảo đảm", "") == "content"
    assert section_kind("Điều 9", "Trách nhiệm của các cơ quan, đơn vị", "") == "implementation"
    assert section_kind("Điều 2", "", "Quyết định này có hiệu lực kể từ ngày ký.") == "implementation"
    assert section_kind("Điều 1", "", "Ban hành kèm theo Quyết định này Quy chế …") == "content"
    assert section_kind("Chương III", "CÁN BỘ", "", top=True) == "content"
    # Numbered items of a Chỉ thị (no keyword) are content; unnumbered text stays other.
    assert section_kind("2", "Sở Khoa học và Công nghệ", "", top=True) == "content"
    assert section_kind(None, "Lời nói đầu", "", top=True) == "other"


def test_heading_or_numbered_paragraph():
    d = parse("KẾ HOẠCH\nthử\nI. NỘI DUNG\n1. Sở Tài chính\n2. Tuyên truyền sâu rộng trong cán bộ, đảng viên.\n"
              "3. Các huyện ủy:\n4.1. Trường hợp vùng xanh\nPhần mềm quản lý văn bản được nâng cấp.\n"
              "Chương trình hành động được ban hành.\n")
    top = d.sections[0]
    # "2. Tuyên truyền …" reads as a paragraph, but its list's items 1 and 3 are headings: one
    # list is all headings (the outline never goes 1, 3); its number heads its text.
    assert [c.number for c in top.children] == ["1", "2", "3"]
    assert (top.children[1].heading, top.children[1].text) == ("", "Tuyên truyền sâu rộng trong cán bộ, đảng viên.")
    assert "### 2.\n\nTuyên truyền sâu rộng" in d.body
    assert top.children[2].children[0].number == "4.1"
    assert "Phần mềm quản lý" in top.children[2].children[0].text  # not a "Phần" heading
    # a list of paragraphs only stays paragraphs
    d = parse("KẾ HOẠCH\nthử\nI. NỘI DUNG\n1. Tuyên truyền sâu rộng trong cán bộ.\n2. Tập trung phân tích, lý giải.\n")
    assert [c.number for c in d.sections[0].children] == []


def test_article_heading_split_from_its_text():
    d = parse("QUYẾT ĐỊNH:\nĐiều 1. Ban hành kèm theo Quyết định này Quy chế làm việc của Ủy ban nhân dân tỉnh.\n"
              "Điều 2. Hiệu lực thi hành\nQuyết định có hiệu lực từ ngày ký.\n")
    assert [(s.number, s.heading) for s in d.sections] == [("Điều 1", ""), ("Điều 2", "Hiệu lực thi hành")]
    assert d.sections[0].text.startswith("Ban hành kèm theo")
    assert "## Điều 2. Hiệu lực thi hành" in d.body


def test_tvpl_markdown_cleaning_and_joining():
    md = ("Bản dịch này thuộc quyền sở hữu của **\nTHƯ VIỆN PHÁP LUẬT**.\nĐang tải văn bản...\n#\n"
          "**Số hiệu:**\n|\n12/KH-UBND\n|\n**Loại văn bản:**\n|\nKế hoạch\n|\n**Tình trạng:**\n|\nĐã biết\n|\n"
          "**ỦY BAN NHÂN\nDÂN **\nTỈNH LAI CHÂU\n-------\n|\n**CỘNG HÒA XÃ\nHỘI CHỦ NGHĨA VIỆT NAM**\n"
          "Độc lập - Tự do - Hạnh phúc\n|\nSố: 12/KH-\nUBND\n|\n*Lai Châu, ngày 19\ntháng 11 năm 2025*\n|\n\n"
          "**KẾ HOẠCH**\n\nTRIỂN KHAI THI HÀNH LUẬT\nTRÊN ĐỊA BÀN TỈNH\n\n**I. MỤC\nĐÍCH, YÊU CẦU**\n\n"
          "**1. Mục đích**\n\n- Bảo đảm\nthống nhất.\n\nKế hoạch 12/KH-UBND năm 2025 triển khai\n"
          "Văn bản này chưa cập nhật nội dung Tiếng Anh\n## Văn bản liên quan\nNgày 1/1/2020\n")
    c = clean(md, markdown=True)
    assert c.tvpl["number"] == "12/KH-UBND" and c.tvpl["doc_type"] == "Kế hoạch"
    texts = [b.text for b in c.blocks]
    assert texts[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH LAI CHÂU"]
    assert "Số: 12/KH-UBND" in texts and "Lai Châu, ngày 19 tháng 11 năm 2025" in texts
    assert "- Bảo đảm thống nhất." in texts and "I. MỤC ĐÍCH, YÊU CẦU" in texts
    assert not any("Văn bản liên quan" in t or "THƯ VIỆN" in t for t in texts)
    d = parse(md, markdown=True)
    assert (d.number, d.issued, d.issuer) == ("12/KH-UBND", "2025-11-19", "Ủy ban nhân dân tỉnh Lai Châu")
    assert d.title == "Kế hoạch triển khai thi hành luật trên địa bàn tỉnh"
    assert [(s.number, s.kind) for s in d.sections] == [("I", "purpose")]


def test_english_guideline():
    d = parse("MINISTRY OF HEALTH\nGuideline No. 12/GL-MOH\nHanoi, 15 March 2024\n\nGUIDELINE\n"
              "on infection prevention\n\n1. Purpose\nText.\n\n2. Background\nText.\n\n3. Guidance\nText.\n\n"
              "4. Implementation\nText.\n\nMINISTER\nNguyen Van A\n")
    assert (d.language, d.doc_type, d.number, d.issued) == ("en", "Guideline", "12/GL-MOH", "2024-03-15")
    assert d.issuer == "Ministry of Health" and d.signer == "Nguyen Van A"
    assert [s.kind for s in d.sections] == ["purpose", "other", "content", "implementation"]


@pytest.mark.parametrize("caps,name", [
    ("ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN", "Ủy ban nhân dân tỉnh Thái Nguyên"),
    ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "Sở Văn hóa, Thể thao và Du lịch"),
    ("BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", "Bộ Nông nghiệp và Phát triển nông thôn"),
    ("TỈNH ỦY BẮC KẠN", "Tỉnh ủy Bắc Kạn"), ("UBND THÀNH PHỐ HÀ NỘI", "UBND thành phố Hà Nội"),
])
def test_org_case(caps, name):
    assert org_case(caps) == name


def test_person_names():
    assert looks_like_person("Phạm Thị Minh Hiền") and looks_like_person("NGUYỄN VĂN AN")
    assert not looks_like_person("PHÓ CHỦ TỊCH") and not looks_like_person("Nơi nhận")
    assert not looks_like_person("(Đã ký)") and not looks_like_person("Các Bộ, cơ quan ngang Bộ")


def test_banner_dates_and_chrome_never_become_metadata():
    text = ("• /upload/images/slide/bk1.jpg\nbaodientu.gov.vn\nMenu\n" + "Chào mừng (02/4/1904 - 02/4/2024)! "
            "-----Kỷ niệm (30/4/1975 - 30/4/2024)!-----Chào mừng ngày 01/5/1886!!! " * 4 +
            "\nBài viết về hoạt động của tỉnh trong tháng này.\n")
    d = parse(text)
    assert d.issued is None and d.doc_type is None and d.number is None
    assert "upload/images" not in d.body and "Kỷ niệm" not in d.body


def test_code_fence_in_text_does_not_hide_later_headings():
    d = parse("I. MỤC ĐÍCH\n```\nII. NỘI DUNG\n# dấu thăng\n")
    assert [s.number for s in d.sections] == ["I", "II"]
    assert "\\```" in d.body and "\\# dấu thăng" in d.body


def test_urgency_secrecy_and_closing_blocks_are_not_sections():
    d = parse("ỦY BAN NHÂN DÂN\nTỈNH LAI CHÂU\nHỎA TỐC\nMẬT\nSố: 01/CĐ-UBND\nLai Châu, ngày 02 tháng 01 năm 2025\n"
              "CÔNG ĐIỆN\nVề ứng phó bão\n1. Các sở, ngành\nTriển khai ngay.\nNơi nhận:\n- Như trên;\n"
              "- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nLê Văn Lương\n")
    assert (d.urgency, d.secrecy, d.doc_type) == ("Hỏa tốc", "Mật", "Công điện")
    assert d.signer == "Lê Văn Lương" and d.recipients == ["Như trên", "Lưu: VT"]
    assert [s.number for s in d.sections] == ["1"]
    # The closing block is its own part: no section's text, never a heading, kept in the body.
    assert d.sections[0].text == "Triển khai ngay."
    assert d.closing.startswith("Nơi nhận:") and d.closing.endswith("Lê Văn Lương")
    assert "Nơi nhận:" in d.body
    assert not any(n.heading.startswith(("Nơi nhận", "KT.", "PHÓ")) for s in d.sections for n in s.walk())


def test_portal_menu_and_footer_are_dropped():
    text = ("• /upload/images/banner/top1.jpg\nCỔNG THÔNG TIN\nCỔNG THÔNG TIN\nMenu\nTrang chủ\nGiới thiệu\n"
            "Tin tức - Sự kiện\nVăn bản chỉ đạo\nHướng dẫn tuyên truyền chuyển đổi số\n"
            "Cập nhật lúc 09:12 - 06/11/2023\nNgày 02/11/2023, Ban Tuyên giáo Huyện ủy ban hành Hướng dẫn "
            "tuyên truyền chuyển đổi số.\nHƯỚNG DẪN\ntuyên truyền chuyển đổi số\nI. MỤC ĐÍCH\nNội dung.\n"
            "II. TỔ CHỨC THỰC HIỆN\nCác chi bộ thực hiện.\nChia sẻ\nIn bài viết\nTin liên quan\n"
            "Một tin khác không thuộc văn bản\nĐịa chỉ: Thị trấn Yến Lạc\n")
    d = parse(text)
    for chrome in ("Trang chủ", "Giới thiệu", "Tin tức - Sự kiện", "Chia sẻ", "Tin liên quan", "Một tin khác",
                   "Địa chỉ", "CỔNG THÔNG TIN"):
        assert chrome not in d.body
    assert d.published == "2023-11-06" and d.issued == "2023-11-02"
    assert [(s.number, s.kind) for s in d.sections] == [("I", "purpose"), ("II", "implementation")]
    assert d.sections[-1].text == "Các chi bộ thực hiện."


def test_place_date_variants():
    assert parse("CHÍNH PHỦ\nSố: 386/NQ-CP\nHà Nội ngày 01 tháng 12 năm 2025\nNGHỊ QUYẾT\nVề việc\n").place == "Hà Nội"
    d = parse("NGÂN HÀNG NHÀ NƯỚC\nSố : 01/2006/TT-NHNN Hà Nội, ngày 20 tháng 02 năm 2006\nTHÔNG TƯ\nHướng dẫn\n")
    assert (d.place, d.issued, d.number) == ("Hà Nội", "2006-02-20", "01/2006/TT-NHNN")
    assert parse("bộ tài chính\nSỐ: 144 /2002/QĐ/BTC\nHà nội, ngày 22 tháng 11 năm 2002\nquyết định của bộ trưởng\n"
                 ).place == "Hà Nội"
