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
from bisect import bisect_right

from ..model import Reference
from ..text.normalize import fix_lookalikes, nfc
from .patterns import REF_TYPE_CANON, SYMBOL_BODY, TYPE_NAMES, canon_number, find_date, symbol_type

_T = "|".join(re.escape(t) for t in sorted(TYPE_NAMES, key=len, reverse=True))
# Symbol tokens may be joined by "&" too ("8935/BNV-CTTN&BĐG").
_SYM_BODY = SYMBOL_BODY.replace(r"[-/\u2010-\u2015]\s?", r"[-/&\u2010-\u2015]\s?")
# No look-behind in the pattern itself: a leading digit lets the engine skip ahead fast; what
# may stand before the number is checked in Python (_starts_symbol).
SYM_RE = re.compile(_SYM_BODY, re.X)
# Type words are looked up in lower-cased windows: a case-sensitive alternation is much faster.
_TYPE_WORD_LOWER_RE = re.compile("|".join(re.escape(t.lower()) for t in sorted(TYPE_NAMES, key=len, reverse=True)))
_DATE = (r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}")
_STOP = (r"về|v/v|để|nhằm|phục\s+vụ|triển\s+khai|thực\s+hiện|có\s+hiệu|ban\s+hành|quy\s+định|"
         r"hướng\s+dẫn|phê\s+duyệt|sửa\s+đổi|bổ\s+sung|thay\s+thế|tại|và|với|trong|đã|được|"
         r"gửi|theo|đối\s+với|hết|có|là|nay|sẽ|kể|khi|nhưng|nên|thì")
# What stands before a symbol: a type word, up to 8 words (a law's name, "của Bộ Chính trị"),
# then "số". Searched in a short window that ends at the symbol, so the nearest type word wins
# and a reference never reaches across another type name.
PREFIX_RE = re.compile(rf"""
  (?P<type>(?i:{_T}))
  (?P<between>(?:\s+(?!(?i:số)\b)(?!(?i:{_T})\b)(?!\d)[^\s;:.()“”"]+){{0,8}}?)
  \s*\(?\s*(?:(?:số|Số|SỐ)\s*:?\s*)?$""", re.X)
SUFFIX_RE = re.compile(rf"""
  (?:\s*,?\s*(?:ban\s+hành\s+)?(?:ngày|Ngày)\s+(?P<date>{_DATE}))?
  (?:\s*,?\s*(?:của|do)\s+(?P<issuer>[^,;:“”"()\n]{{2,80}}?)
     (?=\s+(?:{_STOP})\b|\s+(?i:{_T})\b|\s*[,;:“”"()\n.]|$))?""", re.X)
_SO_BEFORE_RE = re.compile(r"(?:số|Số|SỐ)\s*:?\s*$")
_LIST_GAP_RE = re.compile(r"^\s*(?:,|;|và|hoặc)\s*(?:(?:số|Số)\s*)?$")
# A bare reference stands on one line: "Nghị định" ending one table cell and "3" (a row number)
# opening the next are two paragraphs of the body, not a citation. ``_H`` is a space but not a
# line break.
_H = r"[^\S\n]"
REF_BARE_RE = re.compile(rf"""
  (?P<type>(?i:{_T})){_H}+(?:số{_H}+)?
  (?P<nums>\d{{1,4}}(?:{_H}*(?:,|và|;){_H}*\d{{1,4}})*)
  (?![\d.]|[^\W\d_]|{_H}+\d|\s*[/\-–]|\s*[A-ZĐ]+[a-zđ]?[A-ZĐ]*\s*/|\s*(?:năm|tháng|%|người|điểm|lần|ngày)\b)
  (?:{_H}+(?:của|do){_H}+(?P<issuer>[^,;:“”"()\n]{{2,60}}?)(?=\s+(?:{_STOP})\b|\s*[,;:“”"()\n.]|$))?""", re.X)
_YEAR_RE = re.compile(r"(?:19|20)\d\d")
# Bare references: find numbers first (fast), then check for a type word just before them.
_BARE_NUM_RE = re.compile(r"(?<![\w/.,\-])\d{1,4}(?![\d/.\-])")
_TYPE_LAST_WORDS = {t.split()[-1].lower() for t in TYPE_NAMES}
_TYPE_END_RE = re.compile(rf"(?P<type>(?i:{_T})){_H}+(?:số{_H}+)?$")
_MD_NOISE = re.compile(r"\*\*|__|(?<!\w)\*(?!\s)|(?<=\S)\*(?!\w)")
_LOOKALIKE_RE = re.compile("[\u00d0\u00f0\u00a0\u2007\u202f\u200b\u200c\u200d\u2060\ufeff\u00ad]")


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


def find_references(text: str, *, exclude: str | None = None) -> list[Reference]:
    """Every cited document in ``text``; ``exclude`` is the document's own number."""
    try:
        return _find(text, exclude)
    except Exception:  # pragma: no cover - never let a citation scan break a parse
        return []


def _starts_symbol(text: str, start: int) -> bool:
    """A number opens a symbol unless glued to a word or another number ("số31-…" is fine)."""
    if start == 0:
        return True
    prev = text[start - 1]
    if prev.isalnum() or prev in "/.-&_":
        return text[max(0, start - 3):start].lower() in ("số", "số:") or text[max(0, start - 2):start].lower() == "số"
    if prev == ":" and text[max(0, start - 3):start - 1].lower() == "số":
        return True
    return True


def _find(text: str, exclude: str | None) -> list[Reference]:
    text = nfc(text)
    if _LOOKALIKE_RE.search(text):
        text = fix_lookalikes(text)
    text = _MD_NOISE.sub("", text)
    own = exclude.replace(" ", "").casefold() if exclude else None
    found: dict[str, Reference] = {}
    order: list[str] = []
    covered: list[tuple[int, int]] = []

    def add(ref: Reference, key: str, span: tuple[int, int]) -> None:
        covered.append(span)
        key = key.casefold()  # "06/QĐ-TTG" in a capitalised title is "06/QĐ-TTg"
        if own and key == own:
            return
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

    last_end, last_type = -10, None
    for m in SYM_RE.finditer(text):
        start, end = m.start("num"), m.end("sym")
        if not _starts_symbol(text, start):
            continue
        sym = m.group("sym")
        if all(len(t) < 2 for t in re.split(r"[-/&]", sym)):
            continue  # "Lô 5/A": a lot number, not a symbol
        window = text[max(0, start - 160):start]
        pm = None
        low = window.lower()
        if len(low) == len(window):
            for pos in reversed([w.start() for w in _TYPE_WORD_LOWER_RE.finditer(low)]):
                pm = PREFIX_RE.match(window, pos)
                if pm:
                    break
        typ: str | None = None
        issuer: str | None = None
        span_start = start
        if pm:
            typ = _canon_type(pm.group("type"))
            between = (pm.group("between") or "").strip()
            if between.lower().startswith(("của ", "do ")):
                issuer = _issuer(between.split(" ", 1)[1])
            span_start = start - len(window) + pm.start()
        elif last_type and _LIST_GAP_RE.match(text[last_end:start]):
            typ = last_type  # "Công điện số 218/CĐ-TTg, 219/CĐ-TTg và 222/CĐ-TTg"
        else:
            st = symbol_type(sym)
            so_before = _SO_BEFORE_RE.search(window)
            if so_before and m.group("year") and not st:
                # "…; số 107/2020/QH14 ngày …" continues a list begun by the nearest type word.
                words = list(_TYPE_WORD_LOWER_RE.finditer(window.lower()))
                st = _canon_type(window[words[-1].start():words[-1].end()]) if words else None
            if not st or not (so_before or m.group("year") or (m.group("pdash") and "/" in sym)):
                continue  # without a type word: "số …", a year, or a full Party symbol ("57-NQ/TW")
            typ = st
        st = symbol_type(sym)
        # "Văn bản số 123/BTC-CST" is a công văn; a symbol's own type wins over the generic word.
        if typ == "Văn bản" and "VBHN" not in sym:
            typ = st or "Công văn"
        sm = SUFFIX_RE.match(text, end)
        date = find_date(sm.group("date")) if sm and sm.group("date") else None
        issuer = _issuer(sm.group("issuer")) if sm and sm.group("issuer") else issuer
        stop = sm.end() if sm else end
        number = canon_number(text[start:end])
        add(Reference(typ, number, date, issuer, text[span_start:stop].strip()), number, (span_start, stop))
        last_end, last_type = stop, typ
    starts = [a for a, _ in covered]
    ends = [b for _, b in covered]

    def inside(pos: int) -> bool:
        k = bisect_right(starts, pos) - 1  # spans come in text order and do not overlap
        return k >= 0 and pos < ends[k]

    for num in _BARE_NUM_RE.finditer(text):
        pos = num.start()
        if inside(pos):
            continue
        words = text[max(0, pos - 40):pos].split()
        if words and words[-1].lower() == "số":
            words.pop()
        if not words or words[-1].lower() not in _TYPE_LAST_WORDS:
            continue  # cheap test first: most numbers follow no type word
        tm = _TYPE_END_RE.search(text, max(0, pos - 40), pos)
        if not tm:
            continue
        m = REF_BARE_RE.match(text, tm.start())
        if not m or inside(m.start()) or inside(m.end() - 1):
            continue
        nums = re.findall(r"\d{1,4}", m.group("nums"))
        if any(int(n) == 0 or _YEAR_RE.fullmatch(n) for n in nums):
            continue  # "Kế hoạch 2026" is a plan's year (a table column), "Nghị quyết 0 8" a broken scan
        typ = _canon_type(m.group("type"))
        if typ in ("Văn bản", "Điều lệ", "Lệnh", "Biên bản", "Hợp đồng", "Dự án", "Chương trình", "Phương án"):
            continue
        key = f"{typ}:{','.join(nums)}"
        ref = Reference(typ, None, None, _issuer(m.group("issuer")), m.group(0).strip(), nums)
        add(ref, key, m.span())
    return [found[k] for k in order]
