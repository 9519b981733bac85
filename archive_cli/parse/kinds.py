"""Canonical kind of a section: purpose, content, implementation or other (SPEC §4).

Matching is on the folded, lower-cased heading (``folded_key``). Strong implementation phrases win
outright; otherwise the keyword that occurs **earliest** in the heading decides, so
"MỤC TIÊU, NHIỆM VỤ" is purpose and "NHIỆM VỤ, GIẢI PHÁP" is content.

The domain notes also name *context* (tình hình, kết quả, đánh giá …) and *recommendation*
(kiến nghị, đề xuất); the SPEC has four kinds, so both map to ``other``.

**Kinh phí.** "Kinh phí (thực hiện)" is classed as ``implementation``: in plans and guidelines it
states who pays and from which budget line, i.e. how the plan is carried out, and it sits next to
"Tổ chức thực hiện" (often as a sub-item of it). A heading that pairs funding with substantive
content ("Nội dung và kinh phí …") follows the earliest-keyword rule and is ``content``.

Articles (``Điều``) are the operative part of decisions and laws: an article whose heading names
no kind is ``content``; an article printed without a heading is classified from its first
sentence ("… có hiệu lực …", "… chịu trách nhiệm thi hành …" → implementation).
A child whose own kind is ``other`` inherits its parent's kind.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..text.normalize import folded_key

STRONG_IMPLEMENTATION = (
    "to chuc thuc hien", "trach nhiem thi hanh", "dieu khoan thi hanh", "hieu luc thi hanh",
    "co hieu luc", "to chuc trien khai thuc hien", "implementation", "responsibilities",
    "quy dinh chuyen tiep", "dieu khoan chuyen tiep", "trach nhiem thuc hien", "trach nhiem to chuc",
)
# "Trách nhiệm của <cơ quan nhà nước>" assigns the work (implementation); "Trách nhiệm phối hợp",
# "Quyền và trách nhiệm của bên bảo đảm" state substance (no kind from these words).
_DUTY_OF_BODIES = re.compile(r"(?<![a-z])trach nhiem (?:cua |thi hanh|trien khai)(?:cac )?(?:co quan|so|bo|uy ban|ubnd|"
                             r"don vi|dia phuong|hoi dong|chu tich|giam doc|thu truong|ban|cap|nganh|phong|cuc)\b")
# Weak implementation words: they name an article's subject in laws and decrees ("Quyền và trách
# nhiệm của bên bảo đảm" is operative content), so they count only outside articles/chapters.
WEAK_IMPLEMENTATION = ("trach nhiem", "phan cong", "tien do", "thoi gian thuc hien")
_NEVER_ALONE = ("trach nhiem",)  # decides only through _DUTY_OF_BODIES
# (kind, keywords). "context" and "recommendation" are SPEC "other".
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("implementation", (
        "hieu luc", "trach nhiem", "phan cong", "kinh phi", "tien do", "che do bao cao",
        "thoi gian thuc hien", "to chuc thi hanh", "dieu khoan chuyen tiep", "chuyen tiep",
        "xu ly vi pham", "kiem tra giam sat", "kiem tra, giam sat", "thi hanh", "trien khai thuc hien",
        "nguon von", "dieu khoan cuoi", "responsibility", "funding", "budget", "timeline", "effect",
        "enforcement", "reporting",
    )),
    ("other", (
        "tinh hinh", "thuc trang", "hien trang", "boi canh", "ket qua", "danh gia", "han che", "nguyen nhan",
        "bai hoc", "dac diem", "uu diem", "khuyet diem", "ton tai", "so ket", "tong ket",
        "kien nghi", "de xuat", "de nghi", "background", "context", "situation", "recommendation",
        "annex", "phu luc",
    )),
    ("purpose", (
        "muc dich", "yeu cau", "muc tieu", "quan diem", "chi tieu", "phuong cham", "nguyen tac",
        "tu tuong chi dao", "dinh huong", "su can thiet", "can cu", "tam nhin", "pham vi",
        "doi tuong", "giai thich tu ngu", "quy dinh chung", "nhung quy dinh chung", "purpose",
        "scope", "objective", "aim", "goal", "rationale", "principle", "definition", "applicability",
    )),
    ("content", (
        "noi dung", "nhiem vu", "giai phap", "hinh thuc", "bien phap", "phuong phap", "phuong thuc",
        "hoat dong", "chuong trinh", "phuong huong", "cac buoc", "lo trinh", "quy dinh cu the",
        "danh muc", "guidance", "guideline", "content", "measure", "task", "action", "procedure",
        "requirement", "activities", "provision", "sua doi", "bo sung", "bai bo", "thay the",
    )),
)
_WORD_BOUNDARY = {kw: re.compile(r"(?<![a-z])" + re.escape(kw) + r"(?![a-z])")
                  for _, kws in KEYWORDS for kw in kws}
_STRONG = [re.compile(r"(?<![a-z])" + re.escape(kw) + r"(?![a-z])") for kw in STRONG_IMPLEMENTATION]
_ARTICLE_IMPL_RE = re.compile(r"co hieu luc|hieu luc thi hanh|hieu luc tu|hieu luc ke tu|chiu trach nhiem thi hanh|"
                              r"trach nhiem thi hanh|to chuc thuc hien|trien khai thuc hien|thi hanh (?:quyet dinh|"
                              r"nghi quyet|thong tu|nghi dinh|chi thi)|^giao |chu tri,? phoi hop")


@lru_cache(maxsize=4096)
def heading_kind(heading: str, *, legal: bool = False) -> str:
    """Kind from heading words alone; ``other`` when nothing matches (domain §3.3).

    ``legal``: the heading names an article or chapter, where weak implementation words
    (trách nhiệm, phân công, tiến độ) do not decide."""
    key = folded_key(heading)
    if any(p.search(key) for p in _STRONG) or _DUTY_OF_BODIES.search(key):
        return "implementation"
    best: tuple[int, str] | None = None
    for kind, kws in KEYWORDS:
        for kw in kws:
            if kw in _NEVER_ALONE or (legal and kw in WEAK_IMPLEMENTATION):
                continue
            m = _WORD_BOUNDARY[kw].search(key)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), kind)
    return best[1] if best else "other"


def section_kind(number: str | None, heading: str, text: str, *, top: bool = False) -> str:
    """Kind of one section from its number, heading and own text.

    A numbered top-level section whose heading names no kind is ``content`` (the numbered items
    of a Chỉ thị, a law's chapters, amendment items); unnumbered ones stay ``other``."""
    low = (number or "").lower()
    is_article = low.startswith(("điều", "dieu", "article"))
    legal = is_article or low.startswith(("chương", "chuong", "mục", "phần"))
    if heading.strip():
        k = heading_kind(heading, legal=legal)
        if k == "other" and _no_keyword(heading) and (legal or (top and number)):
            return "content"
        return k
    if is_article:
        first = folded_key(text.split("\n\n", 1)[0][:600])
        return "implementation" if _ARTICLE_IMPL_RE.search(first) else "content"
    return "content" if (top and number) else "other"


@lru_cache(maxsize=4096)
def _no_keyword(heading: str) -> bool:
    key = folded_key(heading)
    return not any(_WORD_BOUNDARY[kw].search(key) for _, kws in KEYWORDS for kw in kws
                   if kw not in WEAK_IMPLEMENTATION)
