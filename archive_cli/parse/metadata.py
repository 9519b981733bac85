"""Header metadata: type, number, issuer, place/date, title, urgency/secrecy, language.

The closing (signer, recipients) is read by :mod:`.closing`; this module calls it.

Works on cleaned blocks (:mod:`.clean`). The header zone is the run of blocks before the first
"Căn cứ"/"Kính gửi"/numbered heading; dates are only taken there (or from a repost's lead
sentence "Ngày 07/10/2021, Ban … ban hành Hướng dẫn …"), never from the first date in a file.
Anything not found stays None: a missing field is better than a guessed one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .clean import Block, Cleaned
from .closing import closing_ranges, signature
from .names import looks_like_person, org_case
from .title import fallback_title, informal_type, page_heading, subject_of, tidy_case
from .patterns import (DATE_LONG_RE, DATE_NUM_RE, HEAD_TYPES, NUMBER_LINE_RE, PLACE_DATE_NOCOMMA_RE, PLACE_DATE_RE,
                       HEADING_START_RE, TYPE_LINE_RE, TYPE_NAMES, canon_number, date_from_match, find_date,
                       is_caps, symbol_issuer, symbol_type)


@dataclass
class Meta:
    doc_type: str | None = None
    number: str | None = None
    issuer: str | None = None
    place: str | None = None
    issued: str | None = None
    title: str | None = None
    title_source: str | None = None  # document, portal, heading, first_line (see .title)
    subtitle: str | None = None  # a generic Công văn's subject
    signer: str | None = None
    signer_title: str | None = None
    recipients: list[str] = field(default_factory=list)
    urgency: str | None = None
    secrecy: str | None = None
    published: str | None = None
    language: str = "vi"
    type_index: int | None = None  # block index of the type line
    title_end: int | None = None  # first block after the title
    closing: list[tuple[int, int]] = field(default_factory=list)  # (start, end) block ranges
    body_start: int = 0  # first block where headings may start


_QH_RE = re.compile(r"C[ỘO]NG\s*H(?:[ÒO]A|OÀ)\s+X[ÃA]\s+H[ỘO]I|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM|Độc\s+lập\s*[-–]\s*Tự\s+do|"
                    r"SOCIALIST\s+REPUBLIC|Independence\s*[-–]\s*Freedom", re.I)
# The header's own quốc hiệu / Party title / motto, as a line of its own (not a mention in prose).
_QH_LINE_RE = re.compile(r"^\W*(?:C[ỘO]NG\s*H(?:[ÒO]A|OÀ)\s+X[ÃA]\s+H[ỘO]I\s+CH[ỦU]\s+NGH[ĨI]A\s+VI[ỆE]T\s+NAM|"
                         r"ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM)\W*(?:Độc\s+lập.*)?$", re.I)
_MOTTO_RE = re.compile(r"Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+phúc|Independence\s*[-–]\s*Freedom", re.I)
_SEP_RE = re.compile(r"^\s*[-_=*·.~\s]+$")
_URGENCY = {"KHẨN": "Khẩn", "THƯỢNG KHẨN": "Thượng khẩn", "HỎA TỐC": "Hỏa tốc", "HOẢ TỐC": "Hỏa tốc",
            "HỎA TỐC HẸN GIỜ": "Hỏa tốc hẹn giờ", "KHẨN CẤP": "Khẩn"}
_SECRECY = {"MẬT": "Mật", "TỐI MẬT": "Tối mật", "TUYỆT MẬT": "Tuyệt mật"}
_BODY_START_RE = re.compile(r"^(?:Căn cứ|Kính gửi|Theo đề nghị|Xét đề nghị|Thực hiện|Để |Nhằm |Tại phiên|"
                            r"Tại cuộc|Ngày \d|Vừa qua|Trong thời gian|Trong những năm|Qua \d|Hiện nay|"
                            r"Sau khi|Trên cơ sở|Pursuant|In accordance|Based on|Having regard)", re.I)
_LEAD_RE = re.compile(
    r"^(?:Ngày|Vào ngày|Hôm nay,? ngày)\s+(?P<date>\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}"
    r"\s+năm\s+\d{4})\s*,\s*(?P<issuer>[^,.;]{3,120}?)\s+(?:đã\s+)?(?:ký\s+)?ban\s+hành\s+(?P<type>"
    + "|".join(sorted(TYPE_NAMES, key=len, reverse=True)) + r")\b", re.I)
_LOCALITY_RE = re.compile(r"^(?:TỈNH|THÀNH\s+PHỐ|TP\.?|HUYỆN|QUẬN|THỊ\s+XÃ|XÃ|PHƯỜNG|THỊ\s+TRẤN|ĐẶC\s+KHU)\b"
                          r"(?!\s+[ỦU][ỶY])", re.I)
_AUTHORITY_LINE_RE = re.compile(
    r"^(?:ỦY BAN|UỶ BAN|HỘI ĐỒNG|THỦ TƯỚNG|BỘ TRƯỞNG|CHÍNH PHỦ|CHỦ TỊCH|GIÁM ĐỐC|CỤC TRƯỞNG|TỔNG CỤC TRƯỞNG|"
    r"QUỐC HỘI|BAN CHẤP HÀNH|BỘ CHÍNH TRỊ|BAN THƯỜNG VỤ|BAN BÍ THƯ|THỐNG ĐỐC|TỔNG KIỂM TOÁN|CHÁNH ÁN|"
    r"VIỆN TRƯỞNG|BỘ TRƯỞNG|TRƯỞNG BAN|THƯỜNG TRỰC|ĐOÀN CHỦ TỊCH|TỔNG THANH TRA|CHỦ NHIỆM|CHÁNH VĂN PHÒNG)")


_VIET_CHAR_RE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ\u1ea0-\u1ef9]")
_ALPHA_RE = re.compile(r"[^\W\d_]")
_EN_WORD_RE = re.compile(r"(?i)\b(?:the|of|and|to|in|for|is|on|with|by)\b")
_WORD_RE = re.compile(r"[^\W\d_]+")


def _language(text: str) -> str:
    """"en" for Latin-script text with English function words and almost no Vietnamese letters."""
    sample = text[:6000]
    seen = 0
    for _ in _VIET_CHAR_RE.finditer(sample):
        seen += 1
        if seen >= 40:
            return "vi"  # plainly Vietnamese: stop counting early
    letters = len(_ALPHA_RE.findall(sample))
    if not letters or seen / letters > 0.02:
        return "vi"
    words = len(_WORD_RE.findall(sample))
    return "en" if words and len(_EN_WORD_RE.findall(sample)) / words > 0.05 else "vi"


def _header_end(blocks: list[Block]) -> int:
    """Index of the first block past the header zone."""
    limit = min(len(blocks), 60)
    for i in range(limit):
        t = blocks[i].text
        if _BODY_START_RE.match(t) and i > 0:
            return i
        if HEADING_START_RE.match(t) and i > 0 and not NUMBER_LINE_RE.match(t):
            return i
        if len(t) > 400:
            return i
    return limit


_EN_NUMBER_RE = re.compile(r"^(?:[A-Z][a-z]+\s+)?(?:No\.?|Number|Ref\.?)\s*:?\s*(?P<n>\d{1,5}(?:\s*/\s*\d{4})?\s*[/-]\s*"
                            r"[A-ZĐ][\w]*(?:\s*[-/]\s*[A-ZĐ][\w]*)*)\s*$")


_NUMBER_START_RE = re.compile(r"^\W*S[ốỐ]\s*(?:hiệu\s*)?:")


_NUMBER_OPEN_RE = re.compile(r"^\W*S[ốỐ]\s*:?\s*\d")
_ENDS_TYPE_RE = re.compile(r"(?:" + "|".join(sorted(TYPE_NAMES, key=len, reverse=True)) + r"|số|và)\W*$", re.I)


def _own_number_line(blocks: list[Block], type_idx: int, num_idx: int) -> bool:
    """A line opening with "Số 120/2000/TTLT-… ngày …" a few lines under the type line (legacy title
    blocks: type / issuer / number and date) is the document's own number; the same line after a
    title ending "… THỰC HIỆN CHỈ THỊ" cites the document being carried out."""
    if num_idx - type_idx > 3 or not _NUMBER_OPEN_RE.match(blocks[num_idx].text):
        return False
    prev = blocks[num_idx - 1].text.strip()
    # Between the type line and the number only the issuer's name: short, no number, no date.
    return num_idx - 1 == type_idx or not (_ENDS_TYPE_RE.search(prev) or re.search(r"\d", prev) or len(prev) > 120)


def _motto_line(text: str) -> bool:
    """The motto as a header line ("Độc lập - Tự do - Hạnh phúc", possibly run together with the
    quốc hiệu), not quoted in prose ("Tiêu ngữ: …")."""
    m = _MOTTO_RE.search(text)
    if not m:
        return False
    before = re.sub(r"[\W\d_]+", " ", text[:m.start()]).strip().lower()
    return not before or before.endswith("việt nam") or before.endswith("viet nam")


def _number(blocks: list[Block], end: int) -> tuple[str | None, int | None]:
    for i in range(min(end + 3, len(blocks))):
        t = blocks[i].text
        em = _EN_NUMBER_RE.search(t)
        if em:
            return canon_number(em.group("n")), i
        if re.fullmatch(r"S[ốỐ]\s*(?:hiệu|HIỆU)?\s*:?", t) and i + 1 < len(blocks):
            # "SỐ:" in one table cell, the number in the next, sometimes split again ("40" |
            # "/2000/TT/BTC"): the cells are read as one line.
            t = "Số: " + blocks[i + 1].text
            if i + 2 < len(blocks) and re.fullmatch(r"\d{1,5}\s*[-/–]?", blocks[i + 1].text.strip()):
                t += " " + blocks[i + 2].text
        elif t.startswith("số") and re.match(r"số\s*:?\s*\d", t):
            t = "S" + t[1:]  # a transcript that lost the capitals
        if len(t) > 500:
            continue  # a paragraph, not the Số line
        m = NUMBER_LINE_RE.search(t)
        before = t[:m.start()] if m else ""
        if m and (not re.search(r"[^\W\d_]", before) or re.fullmatch(r"\W*(?:Luật|LUẬT|Pháp lệnh)\s*", before)):
            raw = t[m.start("num"):m.end("sym")]
            return canon_number(raw), i
    return None, None


_PLACE_DATE_EN_RE = re.compile(r"^(?P<place>[A-Z][A-Za-z .'-]{1,40}),\s*(?=\d{1,2}\s+[A-Z][a-z]+\s+\d{4}|[A-Z][a-z]+\s+\d{1,2},)")


_ISSUED_EN_RE = re.compile(r"^(?:Issued|Dated?|Date of issue|Adopted|Signed)(?:\s+on)?\s*:?\s*\d", re.I)


def _place_date(blocks: list[Block], end: int) -> tuple[str | None, str | None]:
    for i in range(min(end + 3, len(blocks))):
        t = blocks[i].text
        if re.search(r",\s*ngày\s*\d{1,2}\s*$", t, re.I) and i + 2 < len(blocks):
            t = " ".join(b.text for b in blocks[i:i + 3])  # "Hà nội, ngày 14" | "tháng 7" | "năm 1998"
        m = (PLACE_DATE_RE.search(t) or PLACE_DATE_NOCOMMA_RE.match(t)) if len(t) <= 300 else None  # header lines are short
        if m:
            place = _clean_place(m.group("place"))
            return place, date_from_match(m)
    for i in range(min(end, len(blocks))):
        t = blocks[i].text
        m = DATE_LONG_RE.search(t)
        if m and m.start() == 0 and len(t) - m.end() < 12:
            # a line that is just the date; "(Từ ngày … đến ngày …)" or "Ngày 2 tháng 9 năm 1945,
            # Chủ tịch Hồ Chí Minh đọc …" are not
            return None, date_from_match(m)
    for i in range(min(end, len(blocks))):
        # English headers: "Hanoi, 15 March 2024" / "Hanoi, March 15, 2024".
        m = _PLACE_DATE_EN_RE.match(blocks[i].text)
        if m:
            d = find_date(blocks[i].text[m.end("place"):])
            if d:
                return m.group("place").strip(), d
        if _ISSUED_EN_RE.match(blocks[i].text):
            d = find_date(blocks[i].text)
            if d:
                return None, d
    return None, None


_SYMBOL_TOKEN_RE = re.compile(r"^[A-ZĐ]+(?:[-/][A-ZĐ\d]+)+$")


def _clean_place(raw: str) -> str | None:
    """The place before ", ngày …": the trailing run of capitalised words ("…Số: 15/QĐ  Hà Nội" →
    "Hà Nội"); a short lower-cased place from a transcript ("Hà nội") is capitalised."""
    toks = raw.replace("\t", " ").split()
    keep: list[str] = []
    for tok in reversed(toks):
        if tok[:1].isupper() or tok.lower() == "phố":
            keep.append(tok)
            if len(keep) >= 6:
                break
        else:
            break
    keep.reverse()
    while keep and (not keep[0][:1].isupper() or _SYMBOL_TOKEN_RE.match(keep[0])):
        keep = keep[1:]  # "TT-NHNN Hà Nội": the end of the number, not the place
    place = " ".join(keep).strip(" ,")
    if not place and 1 <= len(toks) <= 3 and toks[0][:1].isupper() and not any(c.isdigit() for c in raw):
        place = " ".join(t[:1].upper() + t[1:] for t in toks)
    if place.lower().startswith(("số", "số:")):
        return None
    return place or None


_HEAD_TYPES_LOWER = {k.lower(): v for k, v in HEAD_TYPES.items() if k}
_TYPE_LOOSE_RE = re.compile(r"^(?P<t>" + "|".join(sorted((re.escape(k) for k in _HEAD_TYPES_LOWER), key=len,
                                                       reverse=True)) + r")(?P<rest>(?:\s+(?:của|về|v/v)\b.*)?)\s*$",
                            re.I)
_CAPS_TYPE_RE = re.compile(r"^(?P<t>" + "|".join(sorted((re.escape(k) for k in HEAD_TYPES if k), key=len,
                                                       reverse=True)) + r")(?P<rest>\s+[^a-zà-ỹđ]*)$")
_FUSED_TYPE_RE = re.compile(r"^(?P<t>" + "|".join(sorted((re.escape(k) for k in HEAD_TYPES if k), key=len,
                                                        reverse=True)) + r")(?P<rest>[A-ZĐÀ-Ỹ].*)$")


def _type_line(blocks: list[Block], end: int, anchored: bool = True) -> tuple[str | None, int | None, str]:
    for i in range(min(len(blocks), max(end + 4, 12), 70)):
        t = blocks[i].text.strip()
        if len(t) <= 120 and not t.endswith(":"):
            lm = _TYPE_LOOSE_RE.match(t)
            # Mixed-case type lines (legacy transcripts lost the capitals) need a header around
            # them, or must open the text; "Hiến pháp" alone on a web page is not a type line.
            if lm and (t == t.upper() or (anchored or i <= 2) and (t[:1].isupper() or i < end)) and not (
                    t != t.upper() and len(t.split()) > 12):
                name = _HEAD_TYPES_LOWER[lm.group("t").lower()]
                if name:
                    return name, i, lm.group("rest").strip()

        fm = _FUSED_TYPE_RE.match(t)
        if fm and i < end + 2 and len(t) < 600 and (t == t.upper() or fm.group("rest")[1:2].islower()):
            name = HEAD_TYPES[fm.group("t")]  # "LUẬTCÁN BỘ, CÔNG CHỨC", "NGHỊ ĐỊNHQuy định về …"
            if name:
                return name, i, fm.group("rest").strip()
        if t.endswith(":") and t[:-1].strip() in ("QUYẾT ĐỊNH", "QUYẾT NGHỊ", "NGHỊ QUYẾT"):
            continue
        m = TYPE_LINE_RE.match(t) or _CAPS_TYPE_RE.match(t)
        if not m:
            continue
        rest = m.group("rest").strip()
        if rest and not (rest.lower().startswith(("của", "về", "v/v", "số", "(", "on", "of", "for"))) and not (
                t == t.upper() and i < end + 2 and len(t) < 150):
            continue  # "BÁO CÁO ĐỊNH KỲ …" in the header is a type line; elsewhere a heading
        name = HEAD_TYPES[m.group("t")]
        if not name:
            continue
        return name, i, rest
    return None, None, ""


_TITLE_STOP_RE = re.compile(r"^(?:[-–]\s*)?(?:Căn cứ|CĂN CỨ|Kính gửi|KÍNH GỬI|Theo đề nghị|Xét |Thực hiện |"
                            r"\(\s*[Kk]èm theo|\(\s*[Bb]an hành|\(\s*[Bb]an hành theo|Tại phiên|Trong |Ngày \d|"
                            r"Sau khi|Pursuant|Dear|To:|Để |Nhằm )")


def _title(blocks: list[Block], idx: int, doc_type: str, rest: str) -> tuple[str | None, int]:
    parts: list[str] = [rest] if rest else []
    j = idx + 1
    total = len(rest)
    while j < len(blocks) and len(parts) < 8:
        b = blocks[j]
        t = b.text.strip()
        if _SEP_RE.match(t):
            if parts:
                j += 1
                break
            j += 1
            continue
        if _TITLE_STOP_RE.match(t) or HEADING_START_RE.match(t) or _QH_RE.search(t):
            break
        if NUMBER_LINE_RE.match(t) or PLACE_DATE_RE.search(t):
            nxt = blocks[j + 1].text.strip() if j + 1 < len(blocks) else ""
            if NUMBER_LINE_RE.match(t) and parts and re.match(r"(?:Về|về|VỀ|V/v)\s", nxt):
                # Legacy title blocks: type / issuer / "Số … ngày …" / "Về việc …": the trích yếu
                # is the "Về" line; what stood between the type and the number named the issuer.
                q = "liên tịch" if parts[0].lower().startswith("liên tịch") and "liên tịch" not in doc_type.lower() else ""
                parts, total, rest = [], 0, ""
                doc_type = f"{doc_type} {q}".strip()
                j += 1
                continue
            break
        if parts and len(t) < 90 and _AUTHORITY_LINE_RE.match(t.upper()) and not re.search(r"(,|\bVÀ|\bCỦA)$", parts[-1]):
            break
        if parts and total > 60 and b.bold and not blocks[idx].bold and not is_caps(parts[-1]) and is_caps(t):
            break
        if len(t) > 400 or t.startswith(("- ", "+ ", "• ")):
            break
        if parts and all(is_caps(x) for x in parts) and re.search(r"[a-zà-ỹđ]", t) and t != t.upper():
            break  # a capitalised trích yếu ends where running text starts
        if parts and _norm_key(t) == _norm_key(parts[-1]) or (not parts and rest and _norm_key(t) == _norm_key(rest)):
            j += 1
            continue  # the scrape printed the trích yếu twice
        parts.append(t)
        total += len(t)
        j += 1
        if total > 600:
            break
    if not parts:
        return doc_type, j
    summary = " ".join(p.strip(" |") for p in parts)
    summary = re.sub(r"\s+", " ", summary).strip(" -|")
    return f"{doc_type} {summary}".strip(), j


def _title_head(type_line: str, doc_type: str) -> str:
    """"THÔNG BÁO KẾT LUẬN" → "Thông báo kết luận": the qualifier printed with the type stays."""
    t = type_line.strip()
    for key in sorted(HEAD_TYPES, key=len, reverse=True):
        if key and t.upper().startswith(key) and len(key) > len(doc_type) and HEAD_TYPES[key] == doc_type:
            return key[:1] + key[1:].lower()
    return doc_type


def _norm_key(s: str) -> str:
    return " ".join(s.casefold().split())


_ORG_START_RE = re.compile(
    r"^(?:[ủuỦU][ỷyỶY]\s*ban|bộ|sở|ban|cục|tổng\s+cục|chi\s+cục|hội\s+đồng|ubnd|hđnd|chính\s+phủ|thủ\s+tướng|"
    r"quốc\s+hội|tỉnh|thành\s+phố|huyện|quận|thị\s+xã|xã|phường|tp\.?|văn\s+phòng|ngân\s+hàng|kho\s+bạc|"
    r"trường|viện|học\s+viện|trung\s+tâm|liên\s+đoàn|công\s+ty|tổng\s+công\s+ty|đảng|thành\s+ủy|tỉnh\s+ủy|"
    r"huyện\s+ủy|vụ|thanh\s+tra|kiểm\s+toán|bảo\s+hiểm|đoàn|hội|mặt\s+trận|phòng|chủ\s+tịch|thuế|hải\s+quan|"
    r"đài|báo|tạp\s+chí|bệnh\s+viện|cảng\s+vụ|tòa\s+án|viện\s+kiểm\s+sát|bộ\s+chỉ\s+huy|bộ\s+tư\s+lệnh|"
    r"quân\s+khu|ban\s+chấp\s+hành|ban\s+thường\s+vụ|đảng\s+ủy|đảng\s+bộ|chi\s+bộ)\b",
    re.I)


def _issuer(blocks: list[Block], number_idx: int | None, type_idx: int | None, end: int) -> str | None:
    stop = min(x for x in (number_idx, type_idx, end, len(blocks)) if x is not None)
    lines: list[str] = []
    motto = next((i for i in range(stop) if _motto_line(blocks[i].text)), None)
    for i in range(stop):
        b = blocks[i]
        t = b.text.strip().strip("*").strip()
        if motto is not None and i > motto and not (i + 1 < len(blocks) and blocks[i + 1].col == 1):
            continue  # below the motto only the left cell of a two-column row can still be the header
        qm = _QH_RE.search(t)
        if qm and qm.start() > 3:
            t = t[:qm.start()].strip()  # "ngân hàng nhà nước cộng hoà xã hội…": columns run together
        elif qm:
            continue
        if b.col != 0 or not t or _SEP_RE.match(t):
            continue
        if t.upper() in _URGENCY or t.upper() in _SECRECY or len(t) > 90:
            continue
        if PLACE_DATE_RE.search(t) or re.match(r"^S[ốố]\b", t) or DATE_NUM_RE.search(t):
            continue
        if re.search(r"[a-zđ]", t) and t[:1].isupper() and not t.split()[0].isupper() and len(t.split()) > 8:
            continue  # a sentence, not a header line
        if t.lower().startswith(("v/v", "kính gửi", "về việc")):
            continue
        if re.search(r"[.:;!?“”\"\[\]()•|]", t) or t[:1] in "-+•" or (not is_caps(t) and len(t.split()) > 8):
            continue  # a header body is a short name without sentence punctuation
        if not is_caps(t) and not _ORG_START_RE.match(t) and t.upper() != "VIỆT NAM":
            continue  # mixed case (legacy transcripts) only for what reads as a body's name
        if re.search(r"[^\W\d_]\d|\d[^\W\d_]", t) or not re.search(r"[^\W\d_]{2}", t):
            continue  # "XV80" typist marks, page numbers
        lines.append(t)
    if not lines or len(lines) > 4 or sum(map(len, lines)) > 160:
        return None  # a header names one to three bodies; more lines are page furniture
    bodies: list[str] = []
    for t in lines:
        up = t.upper()
        if not bodies and up == "VIỆT NAM":
            continue
        if bodies and (_LOCALITY_RE.match(t) or up.startswith(("VÀ ", "- ")) or not _ORG_START_RE.match(t) or re.search(r"(?:,|\bVÀ|-)$", bodies[-1].upper())
                       or re.fullmatch(r"(?:ỦY|UỶ) BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|BAN CHẤP HÀNH|ĐẢNG BỘ|BỘ",
                                       bodies[-1].upper())):
            bodies[-1] = f"{bodies[-1]} {t}"
        else:
            bodies.append(t)
    # The issuing body is printed last (under its parent); name it first.
    names = [org_case(x) if is_caps(x) else _mixed_org(x) for x in reversed(bodies)]
    return " ".join(n for n in names if n) or None


def _mixed_org(x: str) -> str:
    """Legacy transcripts print headers in odd case ("ủy Ban Nhân Dân"): rebuild from capitals."""
    return org_case(x.upper())


def _lead(blocks: list[Block], limit: int) -> tuple[str | None, str | None, str | None]:
    for b in blocks[:limit]:
        m = _LEAD_RE.search(b.text)
        if m:
            issued = find_date(m.group("date"))
            typ = m.group("type")
            canon = next((t for t in TYPE_NAMES if t.lower() == typ.lower()), typ)
            return m.group("issuer").strip(), issued, canon
    return None, None, None


def _flags(blocks: list[Block], end: int) -> tuple[str | None, str | None]:
    urgency = secrecy = None
    for b in blocks[:max(end, 12)]:
        t = b.text.strip().strip("*").strip().upper()
        if t in _URGENCY and urgency is None:
            urgency = _URGENCY[t]
        elif t in _SECRECY and secrecy is None:
            secrecy = _SECRECY[t]
    return urgency, secrecy


def extract(cleaned: Cleaned, full_text: str) -> Meta:
    blocks = cleaned.blocks
    meta = Meta(published=cleaned.published)
    try:
        meta.language = _language(full_text)
    except Exception:  # pragma: no cover - defensive: never raise on odd text
        meta.language = "vi"
    end = _header_end(blocks)
    meta.number, num_idx = _number(blocks, end)
    meta.place, meta.issued = _place_date(blocks, end)
    has_qh = any(len(b.text) < 150 and (_QH_LINE_RE.match(b.text) or _motto_line(b.text)) for b in blocks[:40])
    doc_type, type_idx, rest = _type_line(blocks, end, anchored=num_idx is not None or has_qh)
    if num_idx is not None and type_idx is not None and num_idx > type_idx and not _NUMBER_START_RE.match(
            blocks[num_idx].text) and not _own_number_line(blocks, type_idx, num_idx):
        # The Số line precedes the type line; "… SỐ 04/1998/QH10 NGÀY …" inside a title cites
        # another text (the document's own number may follow "CỦA CHÍNH PHỦ SỐ …", read below).
        meta.number, num_idx = None, None
    meta.type_index = type_idx
    if num_idx is not None and not meta.issued:
        # "Số 120/2000/TTLT-BTC-BCN-TCHQ ngày 25 tháng 12 năm 2000": number and date on one line.
        t = blocks[num_idx].text
        m = re.search(r"\d[^\s,;]*\s*,?\s*(?:ngày|NGÀY)\s+(?=\d)", t)
        if m and len(t) < 200:
            meta.issued = find_date(t[m.end() - len("ngày "):].replace("NGÀY", "ngày"))
    if doc_type:
        head = _title_head(blocks[type_idx].text, doc_type)  # type: ignore[index]
        meta.title, meta.title_end = _title(blocks, type_idx, head, rest)  # type: ignore[arg-type]
    # Header lines name the issuer only when there is a header: a number, a type line or the
    # quốc hiệu. Q&A pages and encyclopaedia articles have capitals too, but no header.
    anchored = num_idx is not None or type_idx is not None or has_qh
    meta.issuer = _issuer(blocks, num_idx, type_idx, end) if anchored else None
    if meta.issuer and meta.language == "en":
        meta.issuer = _english_case(meta.issuer, blocks)
    # A repost's lead sentence ("Ngày 07/10/2021, Ban … ban hành Hướng dẫn …") stands in for a
    # missing header; a numbered document's own text cites other documents the same way.
    lead_issuer = lead_date = lead_type = None
    if meta.number is None and cleaned.tvpl.get("number") and re.search(r"\d", cleaned.tvpl["number"]):
        meta.number = canon_number(cleaned.tvpl["number"])  # TVPL's table, when the header was lost
    if meta.number is None:
        lead_issuer, lead_date, lead_type = _lead(blocks, min(len(blocks), (type_idx or 0) + 3 if type_idx else 15))
    if lead_issuer and not meta.issuer:
        meta.issuer = lead_issuer[:1].upper() + lead_issuer[1:]
        if re.search(r"(?:Tỉnh|Thành|Huyện|Quận|Đảng)\s+[ủu][ỷy]$", meta.issuer):
            prov = _site_province(cleaned.site)
            if prov:
                meta.issuer = f"{meta.issuer} {prov}"
    if lead_date and not meta.issued:
        meta.issued = lead_date
    if not meta.number and doc_type and meta.title:
        # Legacy titles: "Quyết định của Thủ tướng Chính phủ số 115/2004/QĐ-TTg ngày 25 tháng 6 năm 2004 về …"
        m = _TITLE_NUMBER_RE.match(meta.title.split(" ", len(doc_type.split()))[-1] if meta.title else "")
        if m:
            meta.number = canon_number(m.group("n"))
            if not meta.issued and m.group("d"):
                meta.issued = find_date(m.group("d"))
    if not meta.number and doc_type:
        self_ref = _self_reference(blocks, doc_type)
        if self_ref:
            meta.number = meta.number or self_ref[0]
            meta.issued = meta.issued or self_ref[1]
            meta.issuer = meta.issuer or self_ref[2]
    if not meta.issuer:
        meta.issuer = symbol_issuer(meta.number)
    doc_type = doc_type or lead_type
    sym_type = symbol_type(_symbol_part(meta.number)) if meta.number else None
    if meta.number and "VBHN" in meta.number:
        doc_type = "Văn bản hợp nhất"
    if not doc_type:
        tv_type = cleaned.tvpl.get("doc_type")
        if any(b.text.lower().startswith("v/v") for b in blocks[:end + 2]):
            doc_type = "Công văn"  # "5348/CT-CS": CT names Cục Thuế here; the V/v line decides
        elif tv_type and tv_type != "Văn bản khác":
            doc_type = tv_type
        elif sym_type:
            doc_type = sym_type
        elif meta.number and "/" in meta.number:
            doc_type = "Công văn"  # a state công văn has no type abbreviation (NĐ 30, PL III)
    meta.doc_type = doc_type
    if meta.title:
        meta.title_source = "document"
    vv_idx = None
    if doc_type and not meta.title:
        vv_idx = next((i for i, b in enumerate(blocks[:end + 3]) if b.text.lower().startswith("v/v")), None)
        if vv_idx is None and num_idx is not None:
            vv_idx = next((i for i in range(num_idx + 1, min(num_idx + 3, len(blocks)))
                           if blocks[i].text.startswith(("Về ", "về ")) and not PLACE_DATE_RE.search(blocks[i].text)),
                          None)
        if vv_idx is not None:
            meta.title, meta.title_source = f"{doc_type} {blocks[vv_idx].text.strip()}", "document"
        elif cleaned.caption:
            m = re.match(r"^\S+(?:\s\S+)?\s+\S*\d\S*\s+(?:năm \d{4}\s+|ngày \S+\s+)?(?P<s>.*?)(?:\s+do\s+.*ban hành)?$",
                         cleaned.caption)
            if m and m.group("s"):
                meta.title, meta.title_source = f"{doc_type} {m.group('s')}", "portal"
    if not meta.title:
        meta.title, meta.title_source = fallback_title(blocks, page_heading(full_text) if cleaned.tvpl is not None else None)
        if meta.title and not meta.doc_type and meta.number is None:
            meta.doc_type = informal_type(meta.title)
    if meta.title:
        meta.title = tidy_case(meta.title, _head_of(meta.title))
    if meta.doc_type == "Công văn" and meta.title and meta.title_source == "document":
        after = (vv_idx + 1) if vv_idx is not None else (meta.title_end or end)
        subject, _src = subject_of(meta.title[len("Công văn"):].strip(), cleaned.caption, blocks[after:])
        if subject:
            meta.subtitle = tidy_case(subject)
    meta.urgency, meta.secrecy = _flags(blocks, end)
    body_start = meta.title_end or end
    if type_idx is None and num_idx is None and not has_qh:
        body_start = 0  # no header at all: headings may start on the first line
    meta.body_start = body_start
    meta.closing = closing_ranges(blocks, body_start)
    meta.signer, meta.signer_title, meta.recipients = signature(blocks, meta.closing, body_start)
    # TVPL's metadata table: last-resort fallbacks for fields the text did not give.
    tv = cleaned.tvpl
    if not meta.number and tv.get("number") and re.search(r"\d", tv["number"]):
        meta.number = canon_number(tv["number"])
    if not meta.issued and tv.get("issued"):
        meta.issued = find_date(tv["issued"])
    if not meta.signer and tv.get("signer") and looks_like_person(tv["signer"]):
        meta.signer = tv["signer"]
    return meta


_HEADS = sorted({t for t in TYPE_NAMES} | {k[:1] + k[1:].lower() for k in HEAD_TYPES if k}, key=len, reverse=True)


def _head_of(title: str) -> str:
    """The type words a title starts with ("Thông tư liên tịch", "Quyết định"), or ""."""
    for h in _HEADS:
        if title.startswith(h + " "):
            rest = title[len(h) + 1:]
            if rest.lower().startswith("liên tịch ") and "liên tịch" not in h:
                return h + " " + rest[:len("liên tịch")]
            return h + " "
    return ""


def _symbol_part(number: str) -> str:
    """``304/2025/NĐ-CP`` → ``NĐ-CP``; ``24-HD/BTGTW`` → ``HD/BTGTW``."""
    m = re.match(r"^\d+(?:\.\d+)?\s*(?:/\s*\d{4}\s*/|[-/])\s*(.*)$", number)
    return m.group(1) if m else number


_TITLE_NUMBER_RE = re.compile(r"^(?:liên\s+tịch\s+)?(?:của\s+[^,;]{3,60}?\s+)?(?:số|Số|SỐ)\s*:?\s*(?P<n>\d{1,5}\s*/\s*(?:\d{4}\s*/\s*)?"
                              r"[A-ZĐ][\wĐđ]*(?:\s*[-/]\s*[A-ZĐ][\wĐđ]*)*)(?:\s*,?\s*ngày\s+(?P<d>\d{1,2}\s+tháng"
                              r"\s+\d{1,2}\s+năm\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}))?", re.I)
_ANNEX_RE = re.compile(r"\(?\s*(?:Ban hành )?[Kk]èm theo\s+(?P<t>[^\d(]{3,30}?)\s+(?:số\s*:?\s*)?(?P<n>\d{1,5}\s*/\s*"
                       r"(?:\d{4}\s*/\s*)?[A-ZĐ][\wĐđ]*(?:\s*[-/]\s*[A-ZĐ][\wĐđ]*)*)(?:\s*,?\s*ngày\s+(?P<d>[\d/]+|\d{1,2}"
                       r"\s+tháng\s+\d{1,2}\s+năm\s+\d{4}))?(?:\s+(?:của|do)\s+(?P<i>[^)]{3,80}))?")


def _self_reference(blocks: list[Block], doc_type: str) -> tuple[str, str | None, str | None] | None:
    """An annex "(Ban hành kèm theo Thông tư số 44/2025/TT-NHNN ngày 18/11/2025 của …)" names the
    document itself: used only when the header gave no number (truncated scrapes)."""
    best: tuple[str, str | None, str | None] | None = None
    for b in blocks:
        t = b.text.strip()
        if not t.startswith("(") or "kèm theo" not in t.lower():
            continue
        m = _ANNEX_RE.search(t)
        if m and m.group("t").strip().lower() == doc_type.lower():
            issuer = m.group("i").strip(" .") if m.group("i") else None
            if issuer:
                issuer = re.sub(r"^(?:Thống đốc|Bộ trưởng|Chủ tịch|Thủ trưởng|Giám đốc)\s+", "", issuer)
            cand = (canon_number(m.group("n")), find_date(m.group("d")) if m.group("d") else None, issuer)
            # The document itself is the newest of the texts an annex caption may name.
            if best is None or (cand[1] or "") > (best[1] or ""):
                best = cand
    return best


_EN_SMALL = {"of", "and", "for", "the", "on", "in", "to", "at", "by"}


def _english_case(issuer: str, blocks: list[Block]) -> str:
    """"MINISTRY OF HEALTH" → "Ministry of Health" (the Vietnamese casing rule does not apply)."""
    raw = next((b.text for b in blocks[:20] if b.text.strip().casefold() == issuer.casefold()), issuer)
    if raw != raw.upper():
        return raw
    words = raw.lower().split()
    return " ".join(w if (k and w in _EN_SMALL) else w[:1].upper() + w[1:] for k, w in enumerate(words))


def _site_province(site: list[str]) -> str | None:
    for s in site:
        m = re.match(r"^(?:TỈNH|THÀNH PHỐ)\s+(.+)$", s.strip())
        if m:
            return org_case("TỈNH " + m.group(1)).split(" ", 1)[1]
    return None

