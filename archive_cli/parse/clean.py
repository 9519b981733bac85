"""Raw text → logical lines ("blocks"): page chrome dropped, hard-wrapped lines joined.

Two inputs are handled:

- **Markdown scrapes** (thuvienphapluat pages through an HTML→Markdown converter): the TVPL
  copyright/metadata preamble and the trailer ("Văn bản liên quan", login pop-ups) are cut, the
  metadata table is kept as fallback hints, table cells (``|``) become separate blocks, and lines
  hard-wrapped inside a paragraph are joined. Bold runs are remembered: a wholly bold line is a
  strong heading hint in these scrapes.
- **Plain text** (typed documents, transcripts, web reposts): one block per line; two-column
  header/signature lines (tab or 3+ spaces between columns) are split into cells; web-portal chrome
  (image paths, domains, menus, banners, repeated site headers) is dropped and the "Cập nhật lúc …"
  posting date is kept as ``published``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .patterns import is_caps, iso_date


@dataclass
class Block:
    """One logical line of the document, markup removed."""

    text: str
    bold: bool = False  # the whole line was bold (Markdown scrapes)
    bold_prefix: str = ""  # a leading bold run followed by plain text ("Điều 1." + text)
    md_heading: bool = False  # the source had it as a Markdown heading
    md_level: int = 0  # its number of "#"
    col: int = 0  # 0 = left/only column; 1 = a right-hand cell of a two-column line
    italic: bool = False


@dataclass
class Cleaned:
    blocks: list[Block]
    published: str | None = None
    tvpl: dict[str, str] = field(default_factory=dict)  # TVPL metadata table (fallback hints)
    site: list[str] = field(default_factory=list)  # repeated site-header lines (a repost's banner)
    caption: str | None = None  # TVPL caption "Quyết định 471/QĐ-UBND năm 2025 phê duyệt …"


# ---------------------------------------------------------------------------------------------
# TVPL chrome

_TVPL_KEYS = {"Số hiệu": "number", "Loại văn bản": "doc_type", "Nơi ban hành": "issuer",
              "Người ký": "signer", "Ngày ban hành": "issued"}
_TVPL_START_RE = re.compile(r"Đang tải văn bản|THƯ VIỆN PHÁP LUẬT|CÁC NỘI DUNG ĐƯỢC SỬA ĐỔI")
_TVPL_END_RE = re.compile(r"^\s*(?:#+\s*)?(?:Văn bản này chưa cập nhật nội dung|Văn bản liên quan\s*$|"
                          r"#+\s*Văn bản liên quan|Hiện tại có đủ người dùng|NỘI DUNG SỬA ĐỔI, HƯỚNG DẪN$)")
_CAPTION_RE = re.compile(r"^(?:Văn bản hợp nhất|Quyết định|Công văn|Nghị quyết|Nghị định|Thông tư|"
                         r"Thông báo|Công điện|Kế hoạch|Chỉ thị|Kết luận|Luật|Hướng dẫn|Báo cáo|"
                         r"Văn bản|Tờ trình|Pháp lệnh|Quy định|Quy chế|Lệnh)(?: liên tịch)? "
                         r"(?:số )?\d[\w./\-]*\s+(?:năm|ngày)?")


def _strip_md(s: str) -> str:
    return s.replace("**", "").replace("*", "").replace("\\", "").strip()


def _cut_tvpl(lines: list[str]) -> tuple[list[str], dict[str, str], str | None]:
    meta: dict[str, str] = {}
    head = "\n".join(lines[:80])
    start = 0
    if _TVPL_START_RE.search(head):
        # The metadata table: "**Số hiệu:**", "|", "5348/CT-CS", … up to "Tình trạng:" + value.
        limit = min(len(lines), 200)
        last = -1
        for i in range(limit):
            key = _strip_md(lines[i]).rstrip(":").strip()
            if key in _TVPL_KEYS or key in ("Ngày hiệu lực", "Tình trạng", "Ngày công báo", "Số công báo"):
                for j in range(i + 1, min(i + 6, len(lines))):
                    v = _strip_md(lines[j]).strip("|").strip()
                    if v:
                        if key in _TVPL_KEYS:
                            meta[_TVPL_KEYS[key]] = v
                        last = j
                        break
            if key == "Tình trạng" and last > i:
                break
        if last >= 0:
            start = last + 1
        else:
            for i in range(limit):
                if "Đang tải văn bản" in lines[i]:
                    start = i + 1
                    break
    end = len(lines)
    for i in range(start, len(lines)):
        if _TVPL_END_RE.match(lines[i]):
            end = i
            break
    caption = None
    # Walk back over the TVPL caption lines just above the trailer marker.
    while end > start:
        s = _strip_md(lines[end - 1]).strip("|").strip()
        if not s:
            end -= 1
        elif _CAPTION_RE.match(s) and end < len(lines):
            caption = caption or s
            end -= 1
        else:
            break
    return lines[start:end], meta, caption


# ---------------------------------------------------------------------------------------------
# Markdown → blocks

_MARKER_RE = re.compile(
    r"^(?:[-–—•+]\s|\d{1,3}(?:\.\d{1,3}){0,3}\s*[.)](?!\d)\s*\S|V/v\b|\d{1,2}\.\d{1,2}(?:\.\d{1,2})?\s+\S|"
    r"[a-zđ]\)\s*\S|[IVXLC]{1,6}\s*[.\-–)]\s+\S|(?:Điều|Chương|Mục|Phần|Phụ lục|PHỤ LỤC|CHƯƠNG|"
    r"MỤC|PHẦN)\s+[\dIVXLC]|Căn cứ\b|Theo đề nghị\b|Xét đề nghị\b|Nơi nhận|Kính gửi|QUYẾT ĐỊNH:|"
    r"QUYẾT NGHỊ:|Số\s*:)")
_END_PUNCT_RE = re.compile(r"(?:[.;:!?…]|\./\.|[.;:]\)|\.”|\.\"|:”)\s*$")
_STARTS_NEW_RE = re.compile(r"^[\"“(]?[A-ZĐÀ-ỸĂÂÊÔƠƯ\d]")
_SEPARATOR_RE = re.compile(r"^\s*(?:[-_=*·.]\s*){3,}\s*$")
_MD_HEADING_RE = re.compile(r"^\s*(#{1,6})\s+")


def _has_letters(s: str) -> bool:
    return any(c.isalpha() for c in s)


_BROKEN_SYMBOL_RE = re.compile(r"\d\s*/\s*(?:\d{4}\s*/\s*)?(?:[A-ZĐ][\wĐ]*\s*-\s*)*[A-ZĐ][\wĐ]*-$")


def _bold_info(raw: str) -> tuple[bool, str]:
    """(whole line bold, leading bold run) of a joined paragraph with ``**`` markers."""
    s = raw.strip()
    if "**" not in s:
        return False, ""
    parts = s.split("**")
    # parts at odd indices are bold.
    bold_txt = "".join(parts[1::2]).strip()
    plain_txt = "".join(parts[0::2]).replace("*", "").strip()
    whole = bool(bold_txt) and not plain_txt
    prefix = ""
    if not whole and parts[0].replace("*", "").strip() == "" and len(parts) >= 3:
        prefix = parts[1].replace("*", "").strip()
    return whole, prefix


_HSPACE_RE = re.compile(r"[ \t]+")
_GLUED_RULE_RE = re.compile(r"^-{3,}\s*|\s*-{3,}$")


def _finish(raw: str, col: int, md_heading: int) -> Block | None:
    whole, prefix = _bold_info(raw)
    stripped = raw.strip()
    italic = stripped.startswith("*") and not stripped.startswith("**")
    text = _HSPACE_RE.sub(" ", _strip_md(raw)).strip()
    if "---" in text and not _SEPARATOR_RE.match(text):
        # Rules glued to text by the converter: "CHÍNH PHỦ-------", "---- Số: 16/…".
        text = _GLUED_RULE_RE.sub("", text).strip()
    if not text:
        return None
    return Block(text, bold=whole, bold_prefix=prefix, md_heading=bool(md_heading), md_level=md_heading, col=col,
                 italic=italic)


def _scan(line: str, bold_open: bool) -> tuple[bool, bool, bool, int]:
    """(bold open after, plain text outside bold, text inside bold, single-* count) of one line."""
    parts = line.split("**")
    outside = inside = False
    state = bold_open
    for k, part in enumerate(parts):
        if k:
            state = not state
        if part.replace("*", "").strip():
            if state:
                inside = True
            else:
                outside = True
    return state, outside, inside, line.replace("**", "").count("*")


def _paragraphs_of_unit(unit: list[str], col: int) -> list[Block]:
    out: list[Block] = []
    cur: list[str] = []
    md_heading = 0
    # Running state of the paragraph being built (kept incrementally: paragraphs can be long).
    bold_open = outside = inside = False
    stars = 0

    def flush() -> None:
        nonlocal cur, md_heading, bold_open, outside, inside, stars
        if cur:
            b = _finish(" ".join(cur), col, md_heading)
            if b:
                out.append(b)
        cur = []
        md_heading = 0
        bold_open = outside = inside = False
        stars = 0

    def push(line: str) -> None:
        nonlocal bold_open, outside, inside, stars
        bold_open, o, i, st = _scan(line, bold_open)
        outside, inside, stars = outside or o, inside or i, stars + st
        cur.append(line)

    for line in unit:
        hm = _MD_HEADING_RE.match(line)
        if hm:
            flush()
            md_heading = len(hm.group(1))
            line = line[hm.end():]
        line = line.strip()
        plain = _strip_md(line)
        if not plain:
            if cur:
                push(line)  # keep stray markers so bold/italic runs stay balanced
            continue
        if _SEPARATOR_RE.match(plain):
            flush()
            out.append(Block(plain, col=col))
            continue
        if cur:
            prev_plain = _strip_md(cur[-1])
            if bold_open or stars % 2 == 1:
                push(line)  # inside an emphasis run: the same paragraph
                continue
            if _BROKEN_SYMBOL_RE.search(prev_plain):
                cur[-1] = cur[-1].rstrip() + line  # "Số: 3783/QĐ-" + "UBND"
                bold_open, o, i, st = _scan(line, bold_open)
                outside, inside, stars = outside or o, inside or i, stars + st
                continue
            whole = inside and not outside
            starts_bold = line.startswith("**")
            starts_italic = line.startswith("*") and not starts_bold
            prev_caps, cur_caps = is_caps(prev_plain), is_caps(plain)
            short_label = len(prev_plain) <= 12 and prev_plain.endswith(":")
            new = False
            if _MARKER_RE.match(plain) and not _SO_ALONE_RE.fullmatch(prev_plain):
                new = True
            elif prev_caps and (cur_caps or starts_bold):
                new = True  # stacked capital lines: header bodies, signature offices
            elif _has_letters(plain) and _has_letters(prev_plain) and prev_caps != cur_caps and not short_label:
                new = True
            elif starts_italic and not _SO_ALONE_RE.fullmatch(prev_plain):
                new = True
            elif whole and not starts_bold:
                new = True  # a bold heading line followed by plain text
            elif whole and starts_bold and _END_PUNCT_RE.search(prev_plain):
                new = True
            elif _END_PUNCT_RE.search(prev_plain) and _STARTS_NEW_RE.match(plain) and not short_label:
                new = True
            if new:
                flush()
        push(line)
    flush()
    return out


_SO_ALONE_RE = re.compile(r"Số\s*:?")


def _markdown_blocks(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    unit: list[str] = []
    for raw in lines:
        line = raw.rstrip()
        if "|" in line and line.strip() != "|":
            # Inline table cells ("---------- | CỘNG HÒA … | ") become separate units.
            cells = _PIPE_RE.split(line)
            if len(cells) > 1:
                if unit:
                    blocks.extend(_paragraphs_of_unit(unit, 0))
                    unit = []
                for k, c in enumerate(cells):
                    if c.strip():
                        blocks.extend(_paragraphs_of_unit([c], 0))
                continue
        if not line.strip() or line.strip() == "|":
            if unit:
                blocks.extend(_paragraphs_of_unit(unit, 0))
                unit = []
            continue
        unit.append(line)
    if unit:
        blocks.extend(_paragraphs_of_unit(unit, 0))
    return blocks


_QH_BLOCK_RE = re.compile(r"C[ỘO]NG\s*H(?:[ÒO]A|OÀ)\s+X[ÃA]\s+H[ỘO]I|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM", re.I)
_SEE_MORE_RE = re.compile(r"^Xem chi tiết tại\b|^Xem toàn văn\b")


def _drop_news_summary(blocks: list[Block]) -> list[Block]:
    """TVPL news pages put a summary ("Ngày 21/11/2025, Bộ Nội vụ đã ban hành …", "Xem chi tiết
    tại Công văn …") before the document itself: drop it when the header follows."""
    qh = next((i for i, b in enumerate(blocks[:40]) if _QH_BLOCK_RE.search(b.text)), None)
    if qh is None:
        return blocks
    see = max((i for i in range(qh) if _SEE_MORE_RE.match(blocks[i].text)), default=None)
    if see is not None:
        return blocks[see + 1:]
    # No "Xem chi tiết" line: the header starts at the capital issuer lines just above the
    # quốc hiệu; long paragraphs or list items before them are the page's summary.
    start = qh
    while start > 0 and start > qh - 6:
        t = blocks[start - 1].text
        if _SEPARATOR_RE.match(t) or (is_caps(t) and len(t) < 90):
            start -= 1
            continue
        break
    before = blocks[:start]
    if before and any(len(b.text) > 150 or b.text.startswith(("- ", "+ ")) for b in before):
        return blocks[start:]
    return blocks


# ---------------------------------------------------------------------------------------------
# Plain text

_IMG_RE = re.compile(r"^\s*[•*\-]?\s*(?:https?://\S+|/\S+)\.(?:jpe?g|png|gif|webp|svg|bmp)\s*$", re.I)
_DOMAIN_RE = re.compile(r"^\s*(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:vn|com|org|net|gov|edu|info)"
                        r"(?:\.vn)?(?:/\S*)?\s*$", re.I)
_UI_RE = re.compile(r"^\s*(?:Menu|Trang chủ|Tìm kiếm|Đăng nhập|Đăng ký|Chia sẻ\b.*|In bài viết|In trang|"
                    r"Gửi email|Gửi bài viết|Xem thêm|Tin liên quan|Tin khác|Các tin khác|Lượt xem.*|"
                    r"Bản quyền.*|Ghi rõ nguồn.*|Thống kê truy cập|Đang truy cập.*|Facebook|Zalo|Twitter|"
                    r"Tweet|Like|Share|Quay lại|Về đầu trang|Bản in|Lên đầu trang|Tags?:.*|Từ khóa:.*)\s*$",
                    re.I)
_POSTED_RE = re.compile(r"^\s*(?:Cập nhật(?: lúc)?|Ngày đăng|Đăng ngày|Ngày cập nhật|Đăng lúc)\s*:?\s*"
                        r"(?:\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AP]M)?\s*[-,]?\s*)?(?:[^\W\d_]+,?\s*)?"
                        r"(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})", re.I)
_BANNER_DATE_RANGE_RE = re.compile(r"\(\s*\d{1,2}/\d{1,2}(?:/\d{4})?\s*-\s*\d{1,2}/\d{1,2}/\d{4}\s*\)")
_COLUMNS_RE = re.compile(r"\t+|\s{3,}")
_MENU_RE = re.compile(r"^(?:Menu|MENU|Danh mục)\s*$")
# A navigation entry: a few words, no sentence punctuation, no digits.
_MENU_ITEM_RE = re.compile(r"^[^\W\d_][^.,;:!?\d]{0,40}$")
_FOOTER_RE = re.compile(r"^(?:Chia sẻ|In bài viết|Tin liên quan|Tin khác|Các tin khác|Bản quyền|Tin cùng chuyên mục|"
                        r"Bài viết liên quan|Xem thêm)\b", re.I)
_CONTACT_RE = re.compile(r"^(?:Địa chỉ|Điện thoại|Email|E-mail|Fax|Hotline|ĐT)\s*:", re.I)
_MULTISPACE_RE = re.compile(r"[ ]{2,}")
_TRAILING_RULE_RE = re.compile(r"-{3,}\s*$")
_PIPE_RE = re.compile(r"\s*\|\s*")


def _is_banner(s: str) -> bool:
    if len(s) <= 250:
        return False
    return (s.count("!") >= 3 or len(re.findall(r"-{3,}", s)) >= 2
            or len(_BANNER_DATE_RANGE_RE.findall(s)) >= 2)


def _plain_blocks(text: str) -> tuple[list[Block], str | None, list[str]]:
    lines = text.split("\n")
    head = [ln.strip() for ln in lines[:60] if ln.strip()]
    counts: dict[str, int] = {}
    for s in head:
        if len(s) < 80:
            counts[s] = counts.get(s, 0) + 1
    # Repeated short lines are a portal's site header only on a web page: a typed document
    # repeats "QUYẾT ĐỊNH" or its issuer legitimately.
    webby = any(_IMG_RE.match(x) or _DOMAIN_RE.match(x) or _UI_RE.match(x) or _POSTED_RE.match(x) or _is_banner(x)
                for x in head)
    repeated = {s for s, n in counts.items() if webby and n >= 2 and not _SEPARATOR_RE.match(s)
                and not s.startswith(("-", "+", "•"))}
    published: str | None = None
    site: list[str] = []
    blocks: list[Block] = []
    in_menu = False
    for i, raw in enumerate(lines):
        s = raw.strip()
        if not s:
            continue
        if i < 80 and s in repeated:
            if s not in site:
                site.append(s)
            continue
        if webby and _MENU_RE.match(s):
            in_menu = True  # the entries that follow "Menu" are navigation, up to the first real line
            continue
        if in_menu:
            if i < 80 and _MENU_ITEM_RE.match(s) and not _SEPARATOR_RE.match(s):
                continue
            in_menu = False
        if webby and _FOOTER_RE.match(s) and i > len(lines) // 3:
            break  # share bar, related news, copyright: the page after the article
        if webby and _CONTACT_RE.match(s):
            continue
        if _IMG_RE.match(s) or _DOMAIN_RE.match(s) or _UI_RE.match(s) or _is_banner(s):
            continue
        pm = _POSTED_RE.match(s)
        if pm and len(s) < 80:
            published = published or iso_date(pm.group("d"), pm.group("m"), pm.group("y"))
            continue
        if len(s) > 20 and "---" in s and not _SEPARATOR_RE.match(s):
            s = _TRAILING_RULE_RE.sub("", s).rstrip()  # "…trên địa bàn tỉnh.----"
        cells = [c.strip() for c in _COLUMNS_RE.split(s) if c.strip()]
        if len(cells) > 1:
            for k, c in enumerate(cells):
                blocks.append(Block(_MULTISPACE_RE.sub(" ", c), col=0 if k == 0 else 1))
        else:
            blocks.append(Block(_MULTISPACE_RE.sub(" ", s)))
    return blocks, published, site


def clean(text: str, *, markdown: bool = False) -> Cleaned:
    """Cut chrome and make logical lines. Never raises on any text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if markdown:
        lines, meta, caption = _cut_tvpl(text.split("\n"))
        blocks = _drop_news_summary(_markdown_blocks(lines))
        published = None
        # Reposts in Markdown may carry the posting line too.
        kept: list[Block] = []
        for b in blocks:
            pm = _POSTED_RE.match(b.text)
            if pm and len(b.text) < 80:
                published = published or iso_date(pm.group("d"), pm.group("m"), pm.group("y"))
                continue
            if _IMG_RE.match(b.text) or _is_banner(b.text):
                continue
            kept.append(b)
        return Cleaned(kept, published, meta, [], caption)
    blocks, published, site = _plain_blocks(text)
    return Cleaned(blocks, published, {}, site, None)


__all__ = ["Block", "Cleaned", "clean"]
