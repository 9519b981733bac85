"""References: the other documents a text cites (type, number, date, issuer, span).

Three passes over the text, all linear (compiled regexes, domain notes §2):

1. typed references "Nghị quyết số 30/2021/QH15, ngày 28/7/2021 của Quốc hội …";
2. bare lists without a symbol "Chỉ thị 15, 16, 19 của Thủ tướng Chính phủ" (``number`` None,
   the bare numbers in ``numbers``);
3. untyped symbols after "số" whose ký hiệu names a type ("số 324/QTR-KTr2" stays out unless a
   type word precedes it; "số 57-NQ/TW" is a Nghị quyết).

A reference is identified by its canonical number; the first occurrence is kept (with the
richest date/issuer seen for it).
"""
from __future__ import annotations

import re

from ..model import Reference
from ..text.normalize import fix_lookalikes, nfc
from .patterns import (ABBR_TYPES, REF_TYPE_CANON, SYMBOL_BODY, TYPE_NAMES, canon_number, find_date,
                       symbol_type)

_T = "|".join(re.escape(t) for t in sorted(TYPE_NAMES, key=len, reverse=True))
_SYM_NAMED = (SYMBOL_BODY.replace("?P<num>", "?P<s_num>").replace("?P<year>", "?P<s_year>")
              .replace("?P<pdash>", "?P<s_pdash>").replace("?P<sym>", "?P<s_sym>"))
_DATE = (r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}")
_STOP = (r"về|v/v|để|nhằm|phục\s+vụ|triển\s+khai|thực\s+hiện|có\s+hiệu|ban\s+hành|quy\s+định|"
         r"hướng\s+dẫn|phê\s+duyệt|sửa\s+đổi|bổ\s+sung|thay\s+thế|tại|và|với|trong|đã|được|"
         r"gửi|theo|đối\s+với")
REF_RE = re.compile(rf"""
  (?P<type>(?i:{_T}))
  (?P<between>(?:\s+(?!số\b)(?!(?i:{_T})\b)(?!\d)[^\s,;:.()“”"]+){{0,6}}?)
  \s+(?:(?:số|Số|SỐ)\s*:?\s*)?
  (?:(?<=[Ss]ố)|(?<![\w/.\-]))
  {_SYM_NAMED}
  (?:\s*,?\s*(?:ban\s+hành\s+)?(?:ngày|Ngày)\s+(?P<date>{_DATE}))?
  (?:\s*,?\s*(?:của|do)\s+(?P<issuer>[^,;:“”"()\n]{{2,80}}?)
     (?=\s+(?:{_STOP})\b|\s+(?i:{_T})\b|\s*[,;:“”"()\n.]|$))?""", re.X)
REF_BARE_RE = re.compile(rf"""
  (?P<type>(?i:{_T}))\s+(?:số\s+)?
  (?P<nums>\d{{1,4}}(?:\s*(?:,|và|;)\s*\d{{1,4}})*)
  (?![\d.]|\s*[/\-–]|\s+[A-ZĐ]+[a-zđ]?[A-ZĐ]*\s*/|\s*(?:năm|tháng|%|người|điểm|lần|ngày)\b)
  (?:\s+(?:của|do)\s+(?P<issuer>[^,;:“”"()\n]{{2,60}}?)(?=\s+(?:{_STOP})\b|\s*[,;:“”"()\n.]|$))?""", re.X)
SO_SYMBOL_RE = re.compile(rf"(?<![\w])(?:số|Số)\s*:?\s*{_SYM_NAMED}", re.X)
_MD_NOISE = re.compile(r"\*\*|__|(?<!\w)\*(?!\s)|(?<=\S)\*(?!\w)")


def _canon_type(word: str) -> str:
    low = word.lower()
    if low in REF_TYPE_CANON:
        return REF_TYPE_CANON[low]
    for t in TYPE_NAMES:
        if t.lower() == low:
            return t
    return word


def _issuer(raw: str | None) -> str | None:
    if not raw:
        return None
    s = re.sub(r"\s+", " ", raw).strip(" ,;.")
    s = re.sub(r"\s+(?:ngày|số)\b.*$", "", s)
    return s or None


def _plausible(num: str, sym: str, has_type_word: bool) -> bool:
    toks = re.split(r"[-/]", sym)
    if not toks or not toks[0] or all(len(t) < 2 for t in toks):
        return False  # "Lô 5/A": a lot number, not a symbol
    if has_type_word:
        return True
    return toks[0] in ABBR_TYPES or any(t in ABBR_TYPES for t in toks[:1])


def find_references(text: str, *, exclude: str | None = None) -> list[Reference]:
    """Every cited document in ``text``; ``exclude`` is the document's own number."""
    try:
        return _find(text, exclude)
    except Exception:  # pragma: no cover - never let a citation scan break a parse
        return []


def _find(text: str, exclude: str | None) -> list[Reference]:
    text = _MD_NOISE.sub("", fix_lookalikes(nfc(text)))
    own = exclude.replace(" ", "") if exclude else None
    found: dict[str, Reference] = {}
    order: list[str] = []
    covered: list[tuple[int, int]] = []

    def add(ref: Reference, key: str, span: tuple[int, int]) -> None:
        covered.append(span)
        if own and key.casefold() == own.casefold():
            return
        key = key.casefold()  # "06/QĐ-TTG" in a capitalised title is "06/QĐ-TTg"
        old = found.get(key)
        if old is None:
            found[key] = ref
            order.append(key)
        else:
            if old.number and ref.number and old.number == old.number.upper() != ref.number:
                old.number = ref.number
                old.span = ref.span
            old.issued = old.issued or ref.issued
            old.issuer = old.issuer or ref.issuer

    for m in REF_RE.finditer(text):
        num, sym = m.group("s_num"), m.group("s_sym")
        raw = text[m.start("s_num"):m.end("s_sym")]
        number = canon_number(raw)
        if not _plausible(num, sym, True):
            continue
        typ = _canon_type(m.group("type"))
        between = (m.group("between") or "").strip()
        issuer = _issuer(m.group("issuer"))
        if not issuer and between.lower().startswith(("của ", "do ")):
            issuer = _issuer(between.split(" ", 1)[1])
        st = symbol_type(sym)
        # "Văn bản số 123/BTC-CST" is a công văn; a symbol's own type wins over the generic word.
        if typ == "Văn bản" and "VBHN" not in sym:
            typ = st or "Công văn"
        date = find_date(m.group("date")) if m.group("date") else None
        add(Reference(typ, number, date, issuer, m.group(0).strip()), number, m.span())
    for m in SO_SYMBOL_RE.finditer(text):
        if any(a <= m.start("s_num") < b for a, b in covered):
            continue
        sym = m.group("s_sym")
        st = symbol_type(sym)
        if not st:
            continue
        number = canon_number(text[m.start("s_num"):m.end("s_sym")])
        add(Reference(st, number, None, None, m.group(0).strip()), number, m.span())
    for m in REF_BARE_RE.finditer(text):
        if any(a <= m.start() < b or a < m.end() <= b for a, b in covered):
            continue
        nums = re.findall(r"\d{1,4}", m.group("nums"))
        typ = _canon_type(m.group("type"))
        if typ in ("Văn bản", "Điều lệ", "Lệnh", "Biên bản", "Hợp đồng", "Dự án", "Chương trình", "Phương án"):
            continue
        key = f"{typ}:{','.join(nums)}"
        ref = Reference(typ, None, None, _issuer(m.group("issuer")), m.group(0).strip(), nums)
        add(ref, key, m.span())
    return [found[k] for k in order]
