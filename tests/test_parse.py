"""Unit tests of the parser on small texts made here (each fails if its rule breaks)."""
from __future__ import annotations

from archive_cli.parse import find_references, from_store, outline_from_markdown, parse

PARTY = """TỈNH ỦY BẮC KẠN
BAN TUYÊN GIÁO
*
Số 12-HD/BTGTU\tBắc Kạn, ngày 07 tháng 10 năm 2021
HƯỚNG DẪN
đẩy mạnh tuyên truyền phòng, chống dịch
và phát triển kinh tế - xã hội
-----
Thực hiện Kế hoạch số 46- KH/TU, ngày 06 tháng 8 năm 2021 của Ban Thường vụ Tỉnh uỷ, hướng dẫn như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Tuyên truyền sâu rộng.
II. NỘI DUNG TUYÊN TRUYỀN
1. Tiếp tục tuyên truyền Chỉ thị 15, 16, 19 của Thủ tướng Chính phủ về giãn cách xã hội.
III. KINH PHÍ THỰC HIỆN
Từ nguồn ngân sách.
IV. TỔ CHỨC THỰC HIỆN
1. Các huyện ủy, thành ủy
- Chỉ đạo tuyên truyền.
Nơi nhận:
- Ban Tuyên giáo Trung ương,
- Lưu VT.
T/M BAN TUYÊN GIÁO
PHÓ TRƯỞNG BAN
Nguyễn Văn An
"""


def test_party_header_metadata():
    d = parse(PARTY)
    assert d.doc_type == "Hướng dẫn"
    assert d.number == "12-HD/BTGTU"
    assert d.issued == "2021-10-07"
    assert d.place == "Bắc Kạn"
    assert d.issuer == "Ban Tuyên giáo Tỉnh ủy Bắc Kạn"
    assert d.title == "Hướng dẫn đẩy mạnh tuyên truyền phòng, chống dịch và phát triển kinh tế - xã hội"


def test_signature_and_recipients():
    d = parse(PARTY)
    assert d.signer == "Nguyễn Văn An"
    assert d.signer_title == "T/M BAN TUYÊN GIÁO / PHÓ TRƯỞNG BAN"
    assert d.recipients == ["Ban Tuyên giáo Trung ương", "Lưu VT"]


def test_outline_and_kinds():
    d = parse(PARTY)
    assert [s.number for s in d.sections] == ["I", "II", "III", "IV"]
    assert [s.kind for s in d.sections] == ["purpose", "content", "implementation", "implementation"]
    assert d.sections[0].children[0].number == "1"
    assert d.sections[0].children[0].heading == "Mục đích"
    # "1. Tiếp tục tuyên truyền …" ends like a sentence: a numbered paragraph, not a heading.
    assert d.sections[1].children == []
    # A child heading with no keyword of its own inherits the parent's kind.
    assert d.sections[3].children[0].kind == "implementation"
    assert "## I. MỤC ĐÍCH, YÊU CẦU" in d.body
    assert "### 1. Mục đích" in d.body
    assert d.preamble.rstrip().endswith("hướng dẫn như sau:")


def test_references_number_normalised_and_bare_lists():
    d = parse(PARTY)
    by_number = {r.number: r for r in d.references if r.number}
    assert "46-KH/TU" in by_number
    assert by_number["46-KH/TU"].issued == "2021-08-06"
    assert by_number["46-KH/TU"].doc_type == "Kế hoạch"
    bare = [r for r in d.references if r.number is None]
    assert bare and bare[0].numbers == ["15", "16", "19"] and bare[0].doc_type == "Chỉ thị"
    assert bare[0].issuer == "Thủ tướng Chính phủ"


DECISION = """ỦY BAN NHÂN DÂN
TỈNH THÁI NGUYÊN
Số: 125/QĐ-UBND\tThái Nguyên, ngày 15 tháng 3 năm 2024
QUYẾT ĐỊNH
Về việc ban hành Kế hoạch số hóa tài liệu
ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN
Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch số hóa tài liệu lưu trữ của tỉnh.
Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký.
Điều 3. Chánh Văn phòng và các đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.
Nơi nhận:
- Như Điều 3;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Trần Văn Bình
"""


def test_decision_articles_and_kinds():
    d = parse(DECISION)
    assert d.issuer == "Ủy ban nhân dân tỉnh Thái Nguyên"
    assert d.title == "Quyết định Về việc ban hành Kế hoạch số hóa tài liệu"
    assert [s.number for s in d.sections] == ["Điều 1", "Điều 2", "Điều 3"]
    assert [s.kind for s in d.sections] == ["content", "implementation", "implementation"]
    assert d.signer == "Trần Văn Bình"
    assert d.signer_title == "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"
    assert d.preamble.rstrip().endswith("QUYẾT ĐỊNH:")
    assert "72/2025/QH15" in {r.number for r in d.references}
    # The document's own number is not a reference to another document.
    assert "125/QĐ-UBND" not in {r.number for r in d.references}


def test_repost_lead_sentence_and_posting_date():
    text = """Menu
Trang chủ
Hướng dẫn của Ban Tuyên giáo Tỉnh ủy về tuyên truyền
Cập nhật lúc 15:04 - 11/10/2021 (GMT +07:00)
Ngày 07/10/2021, Ban Tuyên giáo Tỉnh ủy ban hành Hướng dẫn tuyên truyền. Xin đăng toàn văn như sau:
HƯỚNG DẪN
tuyên truyền phòng, chống dịch
-----
I. MỤC ĐÍCH, YÊU CẦU
Nội dung.
"""
    d = parse(text)
    assert d.published == "2021-10-11"
    assert d.issued == "2021-10-07"
    assert d.doc_type == "Hướng dẫn"
    assert d.issuer == "Ban Tuyên giáo Tỉnh ủy"
    assert d.number is None
    assert "Menu" not in d.body and "Cập nhật lúc" not in d.body


def test_unknown_stays_none():
    d = parse("Một đoạn văn bình thường không có tiêu đề, ngày 30/4/1975 là một ngày lịch sử.")
    assert d.doc_type is None and d.number is None and d.issuer is None and d.issued is None
    assert d.signer is None and d.sections == []


def test_cong_van_type_from_vv_line():
    text = "BỘ TÀI CHÍNH\nCỤC THUẾ\nSố: 5348/CT-CS\nV/v hướng dẫn góp vốn điều lệ\nHà Nội, ngày 20 tháng 11 năm 2025\nKính gửi: Thuế tỉnh Quảng Trị.\nNội dung.\n"
    d = parse(text)
    assert d.doc_type == "Công văn"
    assert d.issuer == "Cục Thuế Bộ Tài chính"
    assert d.title in ("Công văn V/v hướng dẫn góp vốn điều lệ", "Công văn về việc hướng dẫn góp vốn điều lệ")


def test_hints_win_over_text():
    d = parse(DECISION, hints={"number": "999/QĐ-UBND", "issued": "2024-01-02"})
    assert d.number == "999/QĐ-UBND" and d.issued == "2024-01-02"


def test_from_store_rereads_edited_body():
    d = parse(DECISION)
    edited = d.body.replace("## Điều 2.", "## Điều 2. Hiệu lực thi hành\n\nQuyết định này")
    doc = from_store({"number": d.number, "title": d.title}, edited)
    assert doc.number == "125/QĐ-UBND"
    assert doc.sections[1].heading == "Hiệu lực thi hành"
    assert doc.sections[1].kind == "implementation"


def test_outline_from_markdown_tree_and_text():
    pre, secs = outline_from_markdown("Căn cứ.\n\n## I. MỤC TIÊU\n\nMột.\n\n### 1. Cụ thể\n\nHai.\n\n## II. TỔ CHỨC THỰC HIỆN\n")
    assert pre == "Căn cứ."
    assert [(s.number, s.heading, s.kind) for s in secs] == [("I", "MỤC TIÊU", "purpose"),
                                                            ("II", "TỔ CHỨC THỰC HIỆN", "implementation")]
    assert secs[0].text == "Một." and secs[0].children[0].text == "Hai."
    assert secs[0].children[0].kind == "purpose"


def test_find_references_forms():
    refs = find_references("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ; "
                           "Quyết định của Bộ Chính trị số31-QĐ/TW; văn bản số 1206 /QĐ-HVTC.")
    nums = [r.number for r in refs]
    assert "30/2020/NĐ-CP" in nums and "31-QĐ/TW" in nums and "1206/QĐ-HVTC" in nums
    r = refs[nums.index("30/2020/NĐ-CP")]
    assert r.doc_type == "Nghị định" and r.issued == "2020-03-05" and r.issuer == "Chính phủ"
    assert find_references("Kế hoạch 5 năm và địa chỉ Lô 5/A, số 12/KP3.") == []
