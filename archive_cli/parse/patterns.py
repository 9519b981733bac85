"""Shared regular expressions and tables: document types, symbols (số, ký hiệu), dates.

All patterns are compiled once at import. None uses a global ``re.I``: ``[A-ZĐ]`` must stay
upper-case so that a symbol such as ``24-HD/BTGTW`` is not confused with ordinary words; the type
names use a scoped ``(?i:…)`` instead (domain notes §2).
"""
from __future__ import annotations

import datetime
import re

# Document type names as written in running text, canonical spelling. Longest first in the
# alternation so "Thông báo kết luận" wins over "Thông báo".
TYPE_NAMES: tuple[str, ...] = (
    "Nghị quyết liên tịch", "Thông tư liên tịch", "Thông báo kết luận", "Văn bản hợp nhất",
    "Chương trình hành động", "Nghị quyết", "Nghị định", "Quyết định", "Chỉ thị", "Kết luận",
    "Hướng dẫn", "Kế hoạch", "Thông báo", "Thông tư", "Thông tri", "Quy định", "Quy chế",
    "Công văn", "Công điện", "Văn bản", "Tờ trình", "Báo cáo", "Chương trình", "Đề án",
    "Phương án", "Pháp lệnh", "Bộ luật", "Luật", "Lệnh", "Hiến pháp", "Điều lệ", "Lời kêu gọi",
    "Biên bản", "Giấy mời", "Dự án", "Thông cáo", "Hợp đồng", "Bản án",
)
# Canonical doc_type for a reference's type word (the qualifier is dropped).
REF_TYPE_CANON = {
    "nghị quyết liên tịch": "Nghị quyết liên tịch", "thông tư liên tịch": "Thông tư liên tịch",
    "thông báo kết luận": "Thông báo", "chương trình hành động": "Chương trình",
}

# Type lines at the head of a document (ALL CAPS as printed) → canonical doc_type.
HEAD_TYPES: dict[str, str] = {
    "NGHỊ QUYẾT": "Nghị quyết", "NGHỊ ĐỊNH": "Nghị định", "QUYẾT ĐỊNH": "Quyết định",
    "CHỈ THỊ": "Chỉ thị", "KẾT LUẬN": "Kết luận", "HƯỚNG DẪN": "Hướng dẫn", "KẾ HOẠCH": "Kế hoạch",
    "THÔNG BÁO": "Thông báo", "THÔNG BÁO KẾT LUẬN": "Thông báo", "THÔNG TƯ": "Thông tư",
    "THÔNG TƯ LIÊN TỊCH": "Thông tư liên tịch", "NGHỊ QUYẾT LIÊN TỊCH": "Nghị quyết liên tịch",
    "THÔNG TRI": "Thông tri", "QUY ĐỊNH": "Quy định", "QUY CHẾ": "Quy chế", "CÔNG VĂN": "Công văn",
    "CÔNG ĐIỆN": "Công điện", "TỜ TRÌNH": "Tờ trình", "BÁO CÁO": "Báo cáo",
    "CHƯƠNG TRÌNH": "Chương trình", "CHƯƠNG TRÌNH HÀNH ĐỘNG": "Chương trình", "ĐỀ ÁN": "Đề án",
    "PHƯƠNG ÁN": "Phương án", "PHÁP LỆNH": "Pháp lệnh", "BỘ LUẬT": "Bộ luật", "LUẬT": "Luật",
    "LỆNH": "Lệnh", "HIẾN PHÁP": "Hiến pháp", "ĐIỀU LỆ": "Điều lệ", "LỜI KÊU GỌI": "Lời kêu gọi",
    "BIÊN BẢN": "Biên bản", "GIẤY MỜI": "Giấy mời", "VĂN BẢN HỢP NHẤT": "Văn bản hợp nhất",
    "THÔNG CÁO": "Thông cáo", "DỰ ÁN": "Dự án", "TRÍCH YẾU": "",
    # English / Latin-script guidelines
    "GUIDELINE": "Guideline", "GUIDELINES": "Guideline", "DIRECTIVE": "Directive", "PLAN": "Plan",
    "DECISION": "Decision", "DECREE": "Decree", "CIRCULAR": "Circular", "RESOLUTION": "Resolution",
    "REPORT": "Report", "NOTICE": "Notice", "POLICY": "Policy",
}

# Type abbreviation inside a symbol → doc_type (NĐ 30 Phụ lục III; HD 36 for the Party).
ABBR_TYPES: dict[str, str] = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "KL": "Kết luận", "HD": "Hướng dẫn",
    "KH": "Kế hoạch", "TB": "Thông báo", "TT": "Thông tư", "TTLT": "Thông tư liên tịch",
    "NQLT": "Nghị quyết liên tịch", "QĐi": "Quy định", "QyĐ": "Quy định", "QC": "Quy chế",
    "CV": "Công văn", "CĐ": "Công điện", "TTr": "Tờ trình", "BC": "Báo cáo", "CTr": "Chương trình",
    "ĐA": "Đề án", "PA": "Phương án", "NĐ": "Nghị định", "VBHN": "Văn bản hợp nhất",
    "L": "Luật", "PL": "Pháp lệnh", "BB": "Biên bản", "GM": "Giấy mời", "TC": "Thông cáo",
    "DA": "Dự án", "HĐ": "Hợp đồng", "LCT": "Lệnh",
}

_TOK = r"[A-ZĐ]+[a-zđ]?[A-ZĐ]*\d{0,2}(?![\w])"
_DASH = r"[-\u2010-\u2015]"
_SYM = rf"{_TOK}(?:\s?[-/\u2010-\u2015]\s?{_TOK}){{0,5}}"
# number + symbol, as printed (domain notes §2, tested there on the seed and on citations).
SYMBOL_BODY = rf"""
  (?P<num>\d{{1,5}}(?:\.\d{{1,2}})?)
  (?: \s*/\s*(?P<year>(?:19|20)\d{{2}})\s*/\s*
    | \s*(?P<pdash>{_DASH})\s*
    | \s*/\s*
    | \s*(?=[A-ZĐ]+[a-zđ]?[A-ZĐ]*\s*/) )
  (?P<sym>{_SYM})"""
SYMBOL_RE = re.compile(r"(?:(?<=[Ss]ố)|(?<![\w/.\-]))" + SYMBOL_BODY, re.X)

# The "Số:" line of the header.
# "Số:" with a capital (the header line); lower-case "số" only in "Luật số: 80/2025/QH15".
NUMBER_LINE_RE = re.compile(r"(?<!\w)(?:S[ốỐ]|(?<=Luật\s)số|(?<=LUẬT\s)số)\s*(?:hiệu\s*)?:?\s*" + SYMBOL_BODY, re.X)
# A header number with only digits and a year, e.g. "Số: 15/2010" (no symbol): not taken.

D = r"(?P<d>0?[1-9]|[12]\d|3[01])"
M = r"(?P<m>0?[1-9]|1[0-2])"
Y = r"(?P<y>(?:19|20)\d{2})"
DATE_LONG_RE = re.compile(rf"(?<!\d)(?:ngày\s*)?{D}\s*tháng\s*{M}\s*năm\s*{Y}(?!\d)", re.I)
DATE_NUM_RE = re.compile(rf"(?<![\d/.\-]){D}\s*(?P<sep>[/.\-])\s*{M}\s*(?P=sep)\s*{Y}(?![\d/])")
PLACE_DATE_RE = re.compile(
    rf"(?P<place>[^\W\d_][^,\n\d]{{1,60}}?)\s*,\s*(?:ngày|Ngày|NGÀY)\s*{D}\s*(?:tháng|Tháng|THÁNG)\s*{M}\s*"
    rf"(?:năm|Năm|NĂM)\s*{Y}")
# A header line whose comma went missing: "Hà Nội ngày 01 tháng 12 năm 2025" (line start only).
PLACE_DATE_NOCOMMA_RE = re.compile(
    rf"^(?P<place>[A-ZĐÀ-Ỹ][^\W\d_]*(?:\s+[A-ZĐÀ-Ỹ][^\W\d_]*){{0,4}})\s+(?:ngày|Ngày)\s*{D}\s*tháng\s*{M}\s*"
    rf"năm\s*{Y}")
EN_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), 1)}
DATE_EN_RE = re.compile(
    r"(?:(?P<d1>\d{1,2})\s+(?P<m1>[A-Z][a-z]+)\s*,?\s+(?P<y1>(?:19|20)\d{2})"
    r"|(?P<m2>[A-Z][a-z]+)\s+(?P<d2>\d{1,2})\s*,\s*(?P<y2>(?:19|20)\d{2}))")


def iso_date(d: str | int, m: str | int, y: str | int) -> str | None:
    """``date(y, m, d).isoformat()`` or None when the parts are not a real date."""
    try:
        return datetime.date(int(y), int(m), int(d)).isoformat()
    except (ValueError, TypeError):
        return None


def date_from_match(m: re.Match[str]) -> str | None:
    return iso_date(m.group("d"), m.group("m"), m.group("y"))


def find_date(text: str) -> str | None:
    """The first long-form or numeric date in ``text`` as ISO, else None."""
    m = DATE_LONG_RE.search(text)
    n = DATE_NUM_RE.search(text)
    if m and (not n or m.start() <= n.start()):
        return date_from_match(m)
    if n:
        return date_from_match(n)
    e = DATE_EN_RE.search(text)
    if e:
        month = EN_MONTHS.get((e.group("m1") or e.group("m2") or "").lower())
        if month:
            return iso_date(e.group("d1") or e.group("d2"), month, e.group("y1") or e.group("y2"))
    return None


_SPACE_RE = re.compile(r"\s+")
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015"})


_SEP_SPACES_RE = re.compile(r"\s*([/-])\s*")
_MISSING_DASH_RE = re.compile(r"^(\d+)\s+(?=[A-ZĐ])")
_PARTY_ISSUER_RE = re.compile(r"/\s*(?:[A-ZĐ]*(?:TW|TU|HU|QU|ThU|ĐU|ĐUK|ĐTN|BCSĐ|ĐĐ|CB)\d*)(?:\s*-\s*[A-ZĐ]+)*\s*$")


def canon_number(raw: str) -> str:
    """``46- KH/TU`` → ``46-KH/TU``; ``1206 /QĐ-HVTC`` → ``1206/QĐ-HVTC``; ``84 QĐ/X`` → ``84-QĐ/X``."""
    s = raw.translate(_DASHES).strip()
    if " " in s or "\t" in s or "\n" in s:
        s = _SEP_SPACES_RE.sub(r"\1", s)
        # "84 QĐ/TWĐTN": a Party number lost its hyphen; "04 TC/TCT" (old state style) had none.
        if _PARTY_ISSUER_RE.search(s):
            s = _MISSING_DASH_RE.sub(r"\1-", s)
        s = _SPACE_RE.sub("", s)
    return s


_SYM_SPLIT_RE = re.compile(r"[-/\u2010-\u2015]")


def symbol_type(sym: str, year: str | None = None) -> str | None:
    """The doc_type a symbol's first token names (``HD/BTGTW`` → Hướng dẫn), else None."""
    first = _SYM_SPLIT_RE.split(sym.strip(), maxsplit=1)[0].strip()
    if first in ABBR_TYPES:
        return ABBR_TYPES[first]
    return None


# Issuer of a central body named by its symbol token: a fallback when the header prints none
# (laws scraped without "QUỐC HỘI", legacy transcripts that lost the header columns).
SYMBOL_ISSUERS: dict[str, str] = {
    "QH": "Quốc hội", "UBTVQH": "Ủy ban Thường vụ Quốc hội", "CP": "Chính phủ",
    "TTg": "Thủ tướng Chính phủ", "VPCP": "Văn phòng Chính phủ", "CTN": "Chủ tịch nước",
    "BTC": "Bộ Tài chính", "NHNN": "Ngân hàng Nhà nước Việt Nam", "BNV": "Bộ Nội vụ",
    "BXD": "Bộ Xây dựng", "BYT": "Bộ Y tế", "BGDĐT": "Bộ Giáo dục và Đào tạo", "BCA": "Bộ Công an",
    "BQP": "Bộ Quốc phòng", "BCT": "Bộ Công Thương", "BTP": "Bộ Tư pháp", "BNG": "Bộ Ngoại giao",
    "BKHCN": "Bộ Khoa học và Công nghệ", "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn", "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BKHĐT": "Bộ Kế hoạch và Đầu tư", "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch", "BTTTT": "Bộ Thông tin và Truyền thông",
    "BGTVT": "Bộ Giao thông vận tải", "BDTTG": "Bộ Dân tộc và Tôn giáo", "UBDT": "Ủy ban Dân tộc",
    "TTCP": "Thanh tra Chính phủ", "KTNN": "Kiểm toán nhà nước", "TANDTC": "Tòa án nhân dân tối cao",
    "VKSNDTC": "Viện kiểm sát nhân dân tối cao", "BCT-ĐTĐL": "Bộ Công Thương",
}


def symbol_issuer(number: str | None) -> str | None:
    """``80/2025/QH15`` → Quốc hội; ``16/2025/NĐ-CP`` → Chính phủ; else None."""
    if not number:
        return None
    toks = [t for t in re.split(r"[-/]", number) if t and not t.isdigit()]
    for t in reversed(toks):
        base = re.sub(r"\d+$", "", t)
        if base in SYMBOL_ISSUERS:
            return SYMBOL_ISSUERS[base]
        if t in SYMBOL_ISSUERS:
            return SYMBOL_ISSUERS[t]
    return None


# Shared by the header and closing readers.
HEADING_START_RE = re.compile(r"^(?:[IVXLC]{1,6}\s*[.\-–)]\s+\S|Điều\s+\d+|Chương\s+[IVXLC\d]|Phần\s+|"
                              r"\d{1,2}\s*[.)]\s+\S|[a-zđ]\)\s)")
TYPE_LINE_RE = re.compile(r"^(?P<t>" + "|".join(sorted((re.escape(k) for k in HEAD_TYPES if k), key=len,
                                                       reverse=True)) + r")(?P<rest>(?:\s+(?:của|về|V/v|số|SỐ|CỦA|VỀ|"
                                                                        r"\(|ON|OF|FOR).*)?)\s*$")


def is_caps(s: str) -> bool:
    """At least two capital letters and no lower-case letter."""
    return s == s.upper() and sum(1 for c in s if c.isupper()) >= 2
