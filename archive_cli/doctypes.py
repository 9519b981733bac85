"""Document type names and their abbreviations (NĐ 30/2020 Phụ lục III, HD 36-HD/VPTW).

Used to read ``--type`` / ``type:`` filters typed as a name, without diacritics, or as the
abbreviation: "Kế hoạch", "ke hoach", "KH".
"""
from __future__ import annotations

from .text.normalize import folded_key

# name → abbreviations (state and Party forms)
TYPES: dict[str, tuple[str, ...]] = {
    "Nghị quyết": ("NQ",), "Quyết định": ("QĐ",), "Chỉ thị": ("CT",), "Quy chế": ("QC",),
    "Quy định": ("QyĐ", "QĐi"), "Thông cáo": ("TC",), "Thông báo": ("TB",), "Hướng dẫn": ("HD",),
    "Chương trình": ("CTr",), "Kế hoạch": ("KH",), "Phương án": ("PA",), "Đề án": ("ĐA",),
    "Dự án": ("DA",), "Báo cáo": ("BC",), "Biên bản": ("BB",), "Tờ trình": ("TTr",),
    "Hợp đồng": ("HĐ",), "Công điện": ("CĐ",), "Công văn": ("CV",), "Kết luận": ("KL",),
    "Thông tri": (), "Thông tư": ("TT",), "Thông tư liên tịch": ("TTLT",), "Nghị định": ("NĐ",),
    "Luật": (), "Bộ luật": (), "Pháp lệnh": ("PL",), "Hiến pháp": (), "Lệnh": (),
    "Văn bản hợp nhất": ("VBHN",), "Giấy mời": ("GM",), "Quy hoạch": (),
    "Guideline": (), "Directive": (), "Plan": (), "Decision": (), "Policy": (), "Report": (),
}

_LOOKUP: dict[str, str] = {}
for _name, _abbrs in TYPES.items():
    _LOOKUP[folded_key(_name)] = _name
    for _a in _abbrs:
        _LOOKUP.setdefault(folded_key(_a), _name)


def canonical_type(user: str) -> str | None:
    """The type name for a user's spelling, or None when it names no known type."""
    return _LOOKUP.get(folded_key(user.strip()))


def type_key(name: str | None) -> str:
    """The index key of a type: folded, lower case ("ke hoach")."""
    if not name:
        return ""
    return folded_key(canonical_type(name) or name)
