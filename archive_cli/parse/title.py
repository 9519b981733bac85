"""Titles beyond the trích yếu: a title for every document that has text, and where it came from.

:mod:`.metadata` reads the official title (type line + trích yếu, or a Công văn's "V/v" line).
This module covers the rest (domain notes §1; issue 18):

- :func:`fallback_title`: a document without one (speeches, forms, annexes, news pages) is
  titled by its first heading, or its first meaningful line: never by boilerplate (quốc hiệu,
  motto, "Số:", place and date, "Kính gửi", "(Kèm theo …)", form codes, dotted blanks, tables).
- :func:`subject_of`: a Công văn whose "V/v" line is generic ("V/v chính sách thuế") gets a
  subject: the portal's summary line when it says more, else the body's first sentence.
- :func:`informal_type`: speeches, forms, annexes, lists … are typed as what the first line
  says they are.
- :func:`tidy_case`: a title printed in capitals is sentence-cased (:mod:`archive_cli.text.casing`).

``title_source`` records the origin: ``document`` (the official title), ``portal`` (a
portal's caption), ``heading`` (the first heading), ``first_line``.
"""
from __future__ import annotations

import re

from ..text.casing import is_shouting, sentence_case
from .clean import Block
from .names import looks_like_person
from .patterns import DATE_LONG_RE, DATE_NUM_RE, NUMBER_LINE_RE, PLACE_DATE_RE, is_caps

TITLE_SOURCES = ("document", "portal", "heading", "first_line")
MAX_TITLE = 200  # characters of a fallback title; longer lines are cut at a word

_QH_RE = re.compile(r"c[ộo]ng\s*h[òo]a\s+x[ãa]\s+h[ộo]i|độc\s+lập\s*[-–]\s*tự\s+do|đảng\s+cộng\s+sản\s+việt\s+nam|"
                    r"socialist\s+republic|independence\s*[-–]\s*freedom", re.I)
_BOILER_RE = re.compile(
    r"^(?:s[ốố]\s*(?:hiệu|tt)?\s*:?|kính\s+g[ửở]i|nơi\s+nhận|\(?\s*(?:ban\s+hành\s+)?kèm\s+theo|\(?\s*ban\s+hành\s+kèm|"
    r"mục\s+lục|stt|tt|số\s+tt|tên\s+(?:doanh\s+nghiệp|đơn\s+vị|cơ\s+quan)\b|tel\b|fax\b|email\b|điện\s+thoại|"
    r"trang\s+chủ|đang\s+tải|bản\s+quyền|dự\s+thảo|mật|khẩn|hỏa\s+tốc|hoả\s+tốc|lưu\s+hành\s+nội\s+bộ)\W*(?:\s|$)",
    re.I)
_FORM_CODE_RE = re.compile(r"^(?:(?:Mẫu|MẪU|Biểu|BIỂU)(?:\s+số)?\s*:?\s*[\w.…\-/]{1,16}|[A-ZĐ]{0,4}\d[\w\-./]{0,14}|"
                           r"[A-ZĐ]{1,4}(?:-[A-ZĐ0-9]{1,8}){1,4})\s*$")
_ANNEX_RE = re.compile(r"^(?:Phụ\s+lục|PHỤ\s+LỤC)(?:\s+(?:số\s+)?[\dIVXLC]+[a-z]?)?\s*[.:\-–]?\s*$")
_DOTS_RE = re.compile(r"[.…_]{4,}")
# "MỤC LỤC" also as a mixed-encoding file decodes it ("MơC LơC").
_TOC_RE = re.compile(r"^m\w{1,2}c\s+l\w{1,2}c\W*$", re.I)
# Motto fragments and blank date parts of forms ("Độc lập" | "- Tự do - Hạnh phúc", "tháng" | "năm").
_PLACEHOLDER_RE = re.compile(r"^(?:độc\s+lập|tự\s+do\s*[-–]\s*hạnh\s+phúc|(?:(?:ngày|tháng|năm)\W*)+|"
                             r"hiệu\s+lực\s*:.*|ngày\s+có\s+hiệu\s+lực\s*:.*)\W*$", re.I)
_TYPE_LIKE_RE = re.compile(r"^(?:Bản\s+)?(?:" + "|".join(
    ["Quy định", "Quy chế", "Điều lệ", "Hướng dẫn", "Kế hoạch", "Chương trình", "Đề án", "Báo cáo", "Tờ trình",
     "Thông báo", "Danh mục", "Danh sách", "Bản khai", "Lý lịch", "Thuyết minh"]) + r")\W*$", re.I)
_OUTLINE_RE = re.compile(r"^(?:[IVXLC]+|\d{1,2}(?:\.\d{1,2})*|[a-zđ])\s*[.)]\s|^(?:Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC|"
                         r"Điều|ĐIỀU)\s+\S+")
_LABEL_RE = re.compile(r"^(?:Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC|Danh\s+mục|DANH\s+MỤC)\s+(?:thứ\s+|THỨ\s+)?\S+\s*[:.]?$")
_ORG_HEAD_RE = re.compile(r"^(?:ban|bộ|sở|ủy\s+ban|uỷ\s+ban|ubnd|hội\s+đồng|cục|tổng\s+cục|văn\s+phòng|trung\s+tâm|"
                          r"viện|trường|công\s+ty|tên\s+đơn\s+vị)\b", re.I)
_SEPARATOR_RE = re.compile(r"^\s*[-_=*~.o0]{3,}\s*$")
_SERIES_RE = re.compile(r"^(?:kho[áa]\s+họp|kỳ\s+họp|hội\s+nghị|hội\s+thảo|diễn\s+đàn)\b", re.I)
_QUOTE_OPEN = "\"“«„"
_LEAD_DASH_RE = re.compile(r"^[\s\-–—•*+]+")
# Speaker, author and rank lines of speeches and papers: "Bà …", "TS - Nguyễn Đại Lai".
_RANKED_NAME_RE = re.compile(r"^(?:Ông|Bà|Anh|Chị|GS|PGS|TS|ThS|Tiến\s+sĩ|Thạc\s+sĩ|Giáo\s+sư|Phó\s+giáo\s+sư)"
                             r"\.?\s*[-–:]?\s*(?P<name>.+)$")
_CONNECTIVE_END_RE = re.compile(r"(?:\b(?:và|của|về|trong|cho|các|với|tại|đối\s+với|theo|ở|thuộc)|[,:\-–])\s*$", re.I)


def is_boilerplate(text: str) -> bool:
    """A header, form or page-furniture line that must never be a title."""
    t = _LEAD_DASH_RE.sub("", text.strip().strip("*|#_ ")).strip()
    if len(t) < 3 or not re.search(r"[^\W\d_]{2}", t):
        return True
    if _QH_RE.search(t) and len(t) < 90:
        return True
    if _BOILER_RE.match(t) or _FORM_CODE_RE.match(t) or _DOTS_RE.search(t):
        return True
    if NUMBER_LINE_RE.match(t) or (PLACE_DATE_RE.search(t) and len(t) < 120):
        return True
    m = DATE_LONG_RE.search(t)
    if m and m.start() < 3 and len(t) - m.end() < 12:
        return True
    if t.startswith("|") or t.count("|") >= 2:
        return True  # a table row
    if _PLACEHOLDER_RE.match(t) or t.startswith("[") or _TOC_RE.match(t):
        return True
    rm = _RANKED_NAME_RE.match(t)
    # A speaker or author line; a line in capitals is a heading ("LÝ LỊCH KHOA HỌC" is not Mr Lý).
    if (looks_like_person(t) and not is_caps(t)) or (
            rm and looks_like_person(rm.group("name").split(" - ")[0].split(",")[0])):
        return True
    return False


def _header_zone(blocks: list[Block]) -> int:
    """Index after the quốc hiệu / motto and the rules under them, when the text opens with a
    header (the organisation lines beside them are the issuer, not the title)."""
    last = -1
    for i, b in enumerate(blocks[:10]):
        if _QH_RE.search(b.text) and len(b.text) < 120:
            last = i
    return last + 1


def _cut(text: str, limit: int = MAX_TITLE) -> str:
    text = re.sub(r"\s+", " ", text).strip(" -–|*:")
    if text.endswith(".") and not text.endswith(("..", "./.")):
        text = text[:-1]  # a title has no full stop
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-–")
    return cut + "…"


def _quoted(blocks: list[Block], i: int) -> str | None:
    """A title in quotation marks, possibly over several lines: '"Phát triển công nghệ mới :' …"""
    t = blocks[i].text.strip()
    if not t or t[0] not in _QUOTE_OPEN:
        return None
    parts = [t]
    j = i + 1
    while not re.search(r"[\"”»]\s*$", parts[-1]) and j < len(blocks) and j - i < 4:
        parts.append(blocks[j].text.strip())
        j += 1
    out = " ".join(parts).strip().strip("\"“”«»„ ").strip()
    return out or None


def page_heading(text: str) -> str | None:
    """The "# …" line a Markdown page opens with (a web page's own headline)."""
    for line in text.lstrip("\ufeff").splitlines()[:5]:
        if line.strip():
            m = re.match(r"^#\s+(.+?)\s*#*\s*$", line.strip())
            return m.group(1).strip() if m else None
    return None


def fallback_title(blocks: list[Block], heading: str | None = None) -> tuple[str | None, str | None]:
    """(title, source) for a document the header reader found no title in. ``heading``: the
    page's own "# …" headline, which cleaning may have dropped with the page chrome."""
    if heading and not is_boilerplate(heading):
        return _cut(heading), "heading"
    for b in blocks[:3]:
        if b.md_level and not is_boilerplate(b.text):
            return _cut(b.text), "heading"
    start = _header_zone(blocks)
    sep = next((k for k in range(start, min(len(blocks), start + 4)) if _SEPARATOR_RE.match(blocks[k].text)), None)
    if sep is not None and sep > start and _ORG_HEAD_RE.match(blocks[start].text.strip()):
        start = sep + 1  # "Ban chỉ đạo … / về Công nghệ thông tin / -----": the issuing body's header
    candidates = [i for i in range(start, min(len(blocks), start + 25))
                  if not is_boilerplate(blocks[i].text) and not _LABEL_RE.match(blocks[i].text.strip())]
    if not candidates:
        candidates = [i for i in range(min(len(blocks), 25)) if not is_boilerplate(blocks[i].text)]
    if not candidates:
        return None, None
    if _SERIES_RE.match(blocks[candidates[0]].text.strip()) and len(candidates) > 2:
        # "Khoá họp lần thứ ba, Diễn đàn Việt-Pháp" / the session's theme / the paper's title /
        # the speaker: the title is the text just above the speaker's line.
        speaker = next((k for k in range(candidates[0] + 1, min(len(blocks), candidates[0] + 9))
                        if _is_speaker(blocks[k].text)), None)
        rest = [k for k in candidates[1:] if speaker is None or k < speaker]
        if speaker is not None and len(rest) >= 2 and not any(blocks[k].text.strip()[:1] in _QUOTE_OPEN for k in rest):
            rest = rest[1:]  # the theme line
        candidates = rest + [k for k in candidates if speaker is not None and k > speaker] or candidates
    for i in candidates[:5]:
        q = _quoted(blocks, i)
        if q and len(q) > 10:
            return _cut(q), "first_line"
    i = candidates[0]
    first = blocks[i].text.strip()
    if _ANNEX_RE.match(first) and i + 1 < len(blocks):
        # "Phụ lục" / "Hướng dẫn cách ghi …": the annex's own title follows.
        nxt = next((k for k in candidates if k > i), None)
        if nxt is not None and nxt - i <= 3:
            return _cut(f"{_tidy_annex(first)} – {_joined(blocks, nxt)}"), "first_line"
    if len(first.split()) <= 3 and _TYPE_LIKE_RE.match(first):
        # "Bản Quy định" / "Chính sách khuyến khích …": a type line, then its trích yếu.
        nxt = [k for k in candidates if k > i][:1]
        if nxt and nxt[0] - i <= 2:
            return _cut(f"{first} {_joined(blocks, nxt[0])}"), "first_line"
    if len(first) < 160:
        return _cut(_joined(blocks, i)), "first_line"
    return _cut(_first_sentence(first)), "first_line"


def _is_speaker(text: str) -> bool:
    t = text.strip()
    rm = _RANKED_NAME_RE.match(t)
    return bool((looks_like_person(t) and not is_caps(t)) or (rm and looks_like_person(
        rm.group("name").split(" - ")[0].split(",")[0])) or re.match(r"^[A-ZĐ][\w\-]+\s+[A-ZĐ][\w\-]+$", t)
                and not is_caps(t) and len(t) < 40)


def _tidy_annex(t: str) -> str:
    t = t.strip(" .:-–")
    return t[:1] + t[1:].lower() if t.isupper() else t


def _joined(blocks: list[Block], i: int) -> str:
    """A title line and the lines of the same title block: short lines with no sentence end,
    up to a boilerplate line ("(Kèm theo …)", "Kính gửi"), a numbered heading or a paragraph.
    A blank form part between two parts of the title ("Đợt……/200…") is stepped over when the
    title goes on in lower case."""
    parts = [blocks[i].text.strip()]
    j = i + 1
    while j < len(blocks) and len(parts) < 4:
        t = blocks[j].text.strip()
        nxt = blocks[j + 1].text.strip() if j + 1 < len(blocks) else ""
        if (_DOTS_RE.search(t) or _PLACEHOLDER_RE.match(t)) and nxt and not is_boilerplate(nxt) and (
                nxt[:1].islower() or (is_caps(nxt) and is_caps(parts[-1]))):
            j += 1
            continue
        prev = parts[-1]
        if blocks[j].bold and blocks[j - 1].bold and not _CONNECTIVE_END_RE.search(prev):
            break  # two bold lines of a web page are two headings ("Thủ tục …" / "Trình tự thực hiện")
        if (not t or is_boilerplate(t) or len(t) > 100 or t.startswith(("(", "-", "+", "•", "*"))
                or re.search(r"[.;?!…]$", prev) or (prev.endswith(":") and not t[:1].islower())
                or t.endswith(".") or _OUTLINE_RE.match(t) or DATE_NUM_RE.search(t)
                or (len(prev) > 100 and not _CONNECTIVE_END_RE.search(prev))):
            break
        parts.append(t)
        j += 1
    return " ".join(parts)


def _first_sentence(text: str) -> str:
    m = re.search(r"(?<=[^\d\s][.!?])\s+(?=[A-ZĐÀ-Ỹ])", text)
    return text[:m.start()] if m else text


# ---------------------------------------------------------------------------------------------
# Công văn subjects

_VV_RE = re.compile(r"^\s*(?:V/v|v/v|V/V|Về\s+việc|về\s+việc|Về|về)\s*:?\s*", re.U)
# "Công văn 5662/CT-CS năm 2025 <subject> do Cục Thuế ban hành" (or "… Cục Hải quan ban hành").
_CAPTION_RE = re.compile(r"^\S+(?:\s\S+)?\s+\S*\d\S*\s+(?:năm\s+\d{4}\s+|ngày\s+\S+\s+)?(?P<s>.*?)"
                         r"(?:\s+do\s+\S.{0,80}?|\s+[A-ZĐ]\S*(?:\s(?!do\b)\S+){0,8}?)?\s+ban\s+hành\s*$|"
                         r"^\S+(?:\s\S+)?\s+\S*\d\S*\s+(?:năm\s+\d{4}\s+|ngày\s+\S+\s+)?(?P<s2>.*?)\s*$")
GENERIC_WORDS = 6  # a V/v subject of this many words or fewer names a field, not a matter


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+|\d+", text.lower())


def is_generic(vv: str) -> bool:
    """"V/v chính sách thuế", "V/v hướng dẫn thủ tục hải quan": a field, not a matter."""
    return len(_words(_VV_RE.sub("", vv))) <= GENERIC_WORDS


def caption_subject(caption: str | None) -> str | None:
    """The subject in a portal caption "Công văn 5662/CT-CS năm 2025 về chính sách thuế nhà
    thầu … do Cục Thuế ban hành"."""
    if not caption:
        return None
    m = _CAPTION_RE.match(caption.strip())
    s = (m.group("s") if m.group("s") is not None else m.group("s2")).strip() if m else ""
    return s or None


def subject_of(vv: str, caption: str | None, body_blocks: list[Block]) -> tuple[str | None, str | None]:
    """(subject, source) for a Công văn whose V/v line is generic; (None, None) when the V/v line
    already says enough or nothing better is found.

    The portal's caption is used when it names a matter the V/v line lacks; otherwise the first
    sentence of the body that says what was asked ("Cục Thuế nhận được văn bản … đề nghị hướng
    dẫn về …"); else nothing."""
    if not is_generic(vv):
        return None, None
    have = set(_words(_VV_RE.sub("", vv)))
    cap = caption_subject(caption)
    # The caption must name a matter, not spell out the field ("về chính sách thuế giá trị gia tăng"
    # for "V/v chính sách thuế GTGT" says nothing more): longer than a generic line, and new words.
    if cap and len(_words(cap)) > GENERIC_WORDS + 2 and len(set(_words(cap)) - have) >= 2:
        return _cut(cap), "portal"
    for b in body_blocks[:12]:
        t = re.sub(r"^\([^)]{0,200}\)\s*", "", b.text.strip())  # "(Lô D1, KCN …) Cục Thuế nhận được …"
        if len(t) < 60 or is_boilerplate(t) or not _QUESTION_RE.search(t):
            continue
        sentence = _first_sentence(t)
        if len(set(_words(sentence)) - have) >= 3:
            return _cut(sentence), "first_line"
        break
    return None, None


# The sentence of a reply that says what was asked: "Cục Thuế nhận được văn bản … đề nghị hướng dẫn …".
_QUESTION_RE = re.compile(r"\b(?:nhận\s+được|đề\s+nghị|hỏi\s+về|vướng\s+mắc|phản\s+ánh|kiến\s+nghị)\b", re.I)


# ---------------------------------------------------------------------------------------------
# Types of non-official documents, as their first line says

_INFORMAL_TYPES = (
    ("bài phát biểu", "Bài phát biểu"), ("phát biểu", "Bài phát biểu"), ("bài tham luận", "Tham luận"),
    ("tham luận", "Tham luận"), ("bài bình luận", "Bài bình luận"), ("đơn đăng ký", "Đơn"), ("đơn đề nghị", "Đơn"),
    ("đơn xin", "Đơn"), ("bản khai", "Bản khai"), ("danh sách", "Danh sách"), ("danh mục", "Danh mục"),
    ("phụ lục", "Phụ lục"), ("thuyết minh", "Thuyết minh"), ("lý lịch", "Lý lịch"), ("bảng tổng hợp", "Bảng tổng hợp"),
    ("lịch làm việc", "Lịch làm việc"), ("tóm tắt", "Tóm tắt"), ("mẫu", "Mẫu"), ("quy trình", "Quy trình"),
    ("báo cáo", "Báo cáo"), ("thông báo", "Thông báo"), ("hướng dẫn", "Hướng dẫn"), ("kế hoạch", "Kế hoạch"),
    ("thủ tục", "Thủ tục hành chính"), ("biên bản", "Biên bản"), ("tờ trình", "Tờ trình"), ("đề án", "Đề án"),
    ("dự án", "Dự án"), ("chương trình", "Chương trình"),
)


def informal_type(title: str) -> str | None:
    """The kind of document a fallback title says it is ("Đơn đăng ký kinh doanh …" → Đơn);
    None when the first words name no kind (news headlines, encyclopaedia articles)."""
    low = " ".join(title.lower().split())
    for prefix, name in _INFORMAL_TYPES:
        if low.startswith(prefix + " ") or low == prefix or low.startswith(prefix + ":"):
            return name
    return None


# ---------------------------------------------------------------------------------------------
# Case

_WORD_SPAN_RE = re.compile(r"[^\W_]+")
_ACCENTED_CAPS = set("ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ")


def _caps_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of runs of two or more words printed in capitals, joined by spaces/commas."""
    runs: list[tuple[int, int]] = []
    cur: list[tuple[int, int]] = []
    for m in _WORD_SPAN_RE.finditer(text):
        w = m.group(0)
        gap_ok = not cur or re.fullmatch(r"[\s,]+", text[cur[-1][1]:m.start()])
        if w.isupper() and len(w) > 1 and not any(c.isdigit() for c in w) and gap_ok:
            cur.append((m.start(), m.end()))
            continue
        if len(cur) >= 2:
            runs.append((cur[0][0], cur[-1][1]))
        cur = [(m.start(), m.end())] if w.isupper() and len(w) > 1 and not any(c.isdigit() for c in w) else []
    if len(cur) >= 2:
        runs.append((cur[0][0], cur[-1][1]))
    return runs


def _case_runs(text: str, has_head: bool) -> str:
    """Runs of words in capitals inside a mixed-case title ("BẢN QUY ĐỊNH Chính sách …") in
    sentence case; runs of plain-letter abbreviations ("SXTN CNTT") stay."""
    out, last = [], 0
    for a, b in _caps_runs(text):
        words = text[a:b].replace(",", " ").split()
        out.append(text[last:a])
        if sum(1 for w in words if any(c in _ACCENTED_CAPS for c in w)) * 2 < len(words):
            out.append(text[a:b])
        else:
            out.append(sentence_case(text[a:b], first=a == 0 and not has_head))
        last = b
    out.append(text[last:])
    return "".join(out)


def tidy_case(title: str, head: str = "") -> str:
    """``head`` + summary, the summary sentence-cased when it was printed in capitals.

    "Quyết định" + "BAN HÀNH QUY ĐỊNH VỀ PHÂN CẤP…" → "Quyết định ban hành Quy định về phân cấp…".
    A title that is not shouting is left as printed; a lower-case first letter (transcripts that
    lost their capitals) is raised."""
    body = title[len(head):] if head and title.startswith(head) else title
    if is_shouting(body):
        # A law's title is its name: "Luật Xử lý vi phạm hành chính".
        body = sentence_case(body, first=not head or head.strip() in ("Luật", "Bộ luật", "Pháp lệnh"))
    else:
        body = _case_runs(body, bool(head))
    if head and title.startswith(head):
        if head.rstrip().endswith(("LIÊN TỊCH", "KẾT LUẬN", "HÀNH ĐỘNG")):
            head = head[:1] + head[1:].lower()  # "Thông tư LIÊN TỊCH" → "Thông tư liên tịch"
        out = head + body
    else:
        out = body
    return out[:1].upper() + out[1:] if out else out
