"""Closing blocks: the Nơi nhận list and the signature (authority, office, signer's name).

A closing zone opens at a closing place-and-date line, at "Nơi nhận", at an authority prefix (TM., KT., TL., TUQ., Q., and the Party's
T/M, K/T, T/L), at a "(Đã ký) Name" line, or at an office line directly above a name; it runs
over recipient items, office lines, the name and seal notes. Closing zones are never sections.
Two-column layouts (recipients left, signature right) are read cell by cell; when the columns
ran together in a transcript, the name is the last part of a line ("…; Nguyễn Đồng Tiến").
"""
from __future__ import annotations

import re

from .clean import Block
from .names import looks_like_person, person_case
from .patterns import HEADING_START_RE, PLACE_DATE_RE, TYPE_LINE_RE, is_caps

_AUTH_RE = re.compile(r"^(?:(?i:t\s*/\s*m|k\s*/\s*t|t\s*/\s*l)\s*\.?|(?i:tm|kt|tl|tuq)\s*[./]|"
                      r"(?:TM|KT|TL|TUQ|Q)\s*\.?(?=\s+[A-ZĐÀ-Ỹ]{2})|Q\s*\.|FOR\s+THE|ON\s+BEHALF)\s*\S")
_OFFICE_RE = re.compile(
    r"^(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|BỘ\s+TRƯỞNG|THỦ\s+TƯỚNG|GIÁM\s+ĐỐC|TỔNG\s+GIÁM\s+ĐỐC|CỤC\s+TRƯỞNG|"
    r"TỔNG\s+CỤC\s+TRƯỞNG|CHI\s+CỤC\s+TRƯỞNG|VỤ\s+TRƯỞNG|TRƯỞNG\s+BAN|BÍ\s+THƯ|CHÁNH\s+VĂN\s+PHÒNG|"
    r"CHÁNH\s+THANH\s+TRA|TỔNG\s+THANH\s+TRA|THỐNG\s+ĐỐC|VIỆN\s+TRƯỞNG|HIỆU\s+TRƯỞNG|TRƯỞNG\s+PHÒNG|"
    r"CHỦ\s+NHIỆM|TỔNG\s+BÍ\s+THƯ|THƯỜNG\s+TRỰC|TRƯỞNG\s+ĐOÀN|CHỦ\s+TỊCH\s+NƯỚC|TỔNG\s+KIỂM\s+TOÁN|"
    r"KIỂM\s+TOÁN\s+TRƯỞNG|TRƯỞNG\s+TIỂU\s+BAN|UỶ\s+VIÊN|ỦY\s+VIÊN|PHÓ\s+TRƯỞNG\s+BAN|"
    r"CHÁNH\s+ÁN|THỨ\s+TRƯỞNG|XÁC\s+THỰC|DIRECTOR|MINISTER|CHAIRMAN|PRESIDENT|HEAD)\b", re.I)
_SENTENCE_RE = re.compile(r"[.;:]\s*$|\b(?:của|và|các|được|theo)\b")
_SIGNED_PREFIX_RE = re.compile(r"^[\[(]\s*(?:đã|Đã|ĐÃ)\s*(?:ký|KÝ)[^)\]]*[)\]]\s*(.*)$")
_SIGNED_SUFFIX_RE = re.compile(r"\s*[\[(]?\s*(?:đã|Đã|ĐÃ)\s+(?:ký|KÝ)\s*[)\]]?\s*$")
_RECIP_RE = re.compile(r"^(?:Nơi\s+nhận|NƠI\s+NHẬN|Recipients?)\s*:?", re.I)
_SIGNED_RE = re.compile(r"^[\[(]?\s*(?:đã\s+ký|Đã\s+ký|ĐÃ\s+KÝ|ký|signed|Signed|chữ\s+ký|Ký\s+tên|đã\s+ký\s+và\s+đóng\s+dấu|"
                        r"[Đđ]ã\s+ký)[^)\]]*[)\]]?\s*$")
_RANK_RE = re.compile(r"^(?:(?:Đại|Thượng|Trung|Thiếu)\s+(?:tướng|tá|úy)|(?:GS|PGS|TS|ThS|BS|KS|Ths)\.?(?:\s*TS\.?)?"
                      r"|Luật sư|Nhà báo)\s+")


def _is_office(t: str) -> bool:
    return bool(_OFFICE_RE.match(t)) and len(t) < 90 and not _SENTENCE_RE.search(t)


def _signed_name(t: str) -> str | None:
    """"( Đã ký) Lê Thành Long" → the name; None when the line is not a signed-name line."""
    m = _SIGNED_PREFIX_RE.match(t)
    if m and m.group(1) and looks_like_person(m.group(1)):
        return m.group(1)
    return None


def closing_ranges(blocks: list[Block], start: int) -> list[tuple[int, int]]:
    """Block ranges (start, end) of Nơi nhận lists and signature blocks after ``start``."""
    out: list[tuple[int, int]] = []
    i = start
    n = len(blocks)
    while i < n:
        t = blocks[i].text.strip()
        opens = (_RECIP_RE.match(t) or _AUTH_RE.match(t) or _signed_name(t)
                 or (_is_office(t) and is_caps(t) and i + 1 < n and
                     (looks_like_person(blocks[i + 1].text) or _SIGNED_RE.match(blocks[i + 1].text.strip())))
                 or _closing_place_date(blocks, i))
        if opens:
            j = i + 1
            while j < n and j - i < 40:
                u = blocks[j].text.strip()
                if (u.startswith(("-", "+", "•", ".")) or _RECIP_RE.match(u) or _AUTH_RE.match(u) or _is_office(u)
                        or _closing_place_date(blocks, j)
                        or (is_caps(u) and len(u) < 80 and not HEADING_START_RE.match(u) and not TYPE_LINE_RE.match(u))
                        or looks_like_person(_RANK_RE.sub("", u)) or _SIGNED_RE.match(u) or _signed_name(u)
                        or blocks[j].col == 1 or (len(u) < 60 and u[:1].islower())):
                    j += 1
                    continue
                break
            out.append((i, j))
            i = j
            continue
        i += 1
    return out


def _opens_signature(t: str) -> bool:
    t = t.strip().strip("*").strip()
    return bool(_RECIP_RE.match(t) or _AUTH_RE.match(t) or _is_office(t) or _signed_name(t) or _SIGNED_RE.match(t)
                or looks_like_person(_RANK_RE.sub("", t)))


def _closing_place_date(blocks: list[Block], i: int) -> bool:
    """A place-and-date line that closes the document ("Hà Nội, ngày 15 tháng 3 năm 2024" above
    the signature, as reports, speeches and older texts print it): short, the whole line, and
    followed by a signature line or by the end of the text."""
    t = blocks[i].text
    if len(t) >= 100 or not ("ngày" in t or "Ngày" in t or "NGÀY" in t):
        return False  # cheap test first: this runs on every block of the body
    t = t.strip().strip("*_").strip()
    m = PLACE_DATE_RE.search(t)
    if not m or m.start() > 2 or len(t) - m.end() > 3:
        return False
    nxt = [b.text for b in blocks[i + 1:i + 4]]
    return not nxt or any(_opens_signature(x) for x in nxt)


# "… (để phối hợp); Nguyễn Đồng Tiến": two columns run together, the name is the last part.
_TAIL_NAME_RE = re.compile(r".*[;)]\s*([^;)]+?)\s*$")


_CLOSING_FORMULA_RE = re.compile(r"\.\s*/\s*\.?\s*$|\./$")


def _after_closing_formula(blocks: list[Block], start: int) -> bool:
    """The zone follows a paragraph ending "…thi hành Quyết định này./." (a few blocks back)."""
    for k in range(start - 1, max(-1, start - 4), -1):
        t = blocks[k].text.strip()
        if _CLOSING_FORMULA_RE.search(t):
            return True
    return False


def signature(blocks: list[Block], ranges: list[tuple[int, int]], body_start: int
              ) -> tuple[str | None, str | None, list[str]]:
    """(signer, signer_title "AUTHORITY / OFFICE", recipients) from the closing zones."""
    signer = signer_title = None
    recipients: list[str] = []
    # The first closing zone is the main document's; an office line may sit just above
    # "Nơi nhận", and in two-column transcripts the name comes after the whole recipient list.
    # A zone right after the closing formula "./." is the document's own; forms quoted in the
    # body (a circular on document layout shows sample signatures) come without it.
    ordered = sorted(ranges, key=lambda r: 0 if _after_closing_formula(blocks, r[0]) else 1)
    for (a, b) in ordered[:3]:
        title_parts: list[str] = []
        for k in range(max(body_start, a - 4), min(len(blocks), b + 15)):
            t = blocks[k].text.strip().strip("*").strip()
            if k >= b and (len(t) > 150 or HEADING_START_RE.match(t)):
                break  # past the closing block: the attached text starts
            t = _SIGNED_SUFFIX_RE.sub("", t)
            rm = _RECIP_RE.match(t)
            if rm and _AUTH_RE.match(t[rm.end():].strip()):
                t = t[rm.end():].strip()  # "Nơi nhận: kt. Thống đốc" (columns run together)
            if _AUTH_RE.match(t) or _is_office(t):
                title_parts.append(re.sub(r"\s+", " ", t))
                continue
            name = _signed_name(t)
            if name:
                signer = person_case(name)
                break
            if title_parts:
                m = _TAIL_NAME_RE.match(t) if blocks[k].col == 0 else None
                cand = _RANK_RE.sub("", m.group(1) if m else t)
                if (blocks[k].col == 1 or not t.startswith(("-", "+"))) and looks_like_person(cand) or (
                        m and looks_like_person(cand)):
                    signer = person_case(cand)
                    break
        if signer:
            signer_title = " / ".join(dict.fromkeys(title_parts)) or None
        if not recipients:
            recipients = _recipients(blocks, a, b)
        if signer:
            break
    return signer, signer_title, recipients


def _recipients(blocks: list[Block], a: int, b: int) -> list[str]:
    out: list[str] = []
    started = False
    for k in range(a, min(b + 1, len(blocks))):
        blk = blocks[k]
        t = blk.text.strip()
        m = _RECIP_RE.match(t)
        if m:
            started = True
            rest = t[m.end():].strip()
            if rest:
                out.extend(x.strip(" ;.,") for x in re.split(r"(?:^|\s)-\s", rest) if x.strip(" ;.,"))
            continue
        if not started or blk.col != 0:
            continue
        if t.startswith(("-", "+", "•")):
            for x in re.split(r"(?:^|;\s*)[-+•]\s*", t):
                x = x.strip(" ;.,")
                if x:
                    out.append(x)
        elif out and t[:1].islower() and len(t) < 60:
            out[-1] = f"{out[-1]} {t.strip(' ;.,')}"
        elif out:
            break
    return out
