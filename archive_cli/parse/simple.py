"""A first, simple parse: header metadata and top-level sections. Replaced by the full parser."""
from __future__ import annotations

import re

from ..model import ParsedDocument, Reference, Section
from ..text.normalize import folded_key, normalize

TYPES = {
    "HƯỚNG DẪN": "Hướng dẫn", "KẾ HOẠCH": "Kế hoạch", "CHỈ THỊ": "Chỉ thị",
    "NGHỊ QUYẾT": "Nghị quyết", "QUYẾT ĐỊNH": "Quyết định", "KẾT LUẬN": "Kết luận",
    "THÔNG BÁO": "Thông báo", "BÁO CÁO": "Báo cáo", "TỜ TRÌNH": "Tờ trình", "NGHỊ ĐỊNH": "Nghị định",
    "THÔNG TƯ": "Thông tư", "LUẬT": "Luật", "CÔNG VĂN": "Công văn", "GUIDELINE": "Guideline",
    "DIRECTIVE": "Directive", "PLAN": "Plan",
}
NUMBER_RE = re.compile(r"Số\s*:?\s*(\d{1,5}(?:\s*/\s*(?:19|20)\d{2})?\s*[-/]\s*[A-ZĐ][\wĐ]*(?:\s*[-/]\s*[A-ZĐ][\wĐ]*)*)")
DATE_RE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
HEADING_RE = re.compile(r"^(?:(?P<roman>[IVX]+)\s*[.\-–)]\s+(?P<rt>\S.*)|(?P<dieu>Điều\s+\d+)\s*[.:]\s*(?P<dt>.*))$")
MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
NUM_IN_HEADING = re.compile(r"^(?P<num>(?:Phần|Chương|Mục|Điều)\s+\S+?|[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.):]\s*(?P<h>.*)$")
KIND_WORDS = [
    ("implementation", ("to chuc thuc hien", "trach nhiem thi hanh", "hieu luc", "kinh phi", "implementation", "responsibilit")),
    ("purpose", ("muc dich", "yeu cau", "muc tieu", "quan diem", "pham vi", "purpose", "scope", "objective")),
    ("content", ("noi dung", "nhiem vu", "giai phap", "hinh thuc", "bien phap", "guidance", "content")),
]


def kind_of(heading: str) -> str:
    key = folded_key(heading)
    for kind, words in KIND_WORDS:
        if any(w in key for w in words):
            return kind
    return "other"


def _iso(d: str, m: str, y: str) -> str | None:
    try:
        import datetime

        return datetime.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def parse_text(text: str, *, markdown: bool = False) -> ParsedDocument:
    text = normalize(text)
    lines = [ln.rstrip() for ln in text.splitlines()]
    doc = ParsedDocument()
    head = "\n".join(lines[:40])
    if m := NUMBER_RE.search(head):
        doc.number = re.sub(r"\s+", "", m.group(1))
    if m := DATE_RE.search(head):
        doc.issued = _iso(*m.groups())
    out: list[str] = []
    for i, line in enumerate(lines):
        s = line.strip().strip("*").strip()
        if doc.doc_type is None and s.upper() in TYPES and s == s.upper():
            doc.doc_type = TYPES[s.upper()]
            nxt = next((ln.strip() for ln in lines[i + 1:] if ln.strip()), "")
            doc.title = f"{doc.doc_type} {nxt}".strip()
        if not markdown and HEADING_RE.match(s):
            out.append(f"## {s}")
        else:
            out.append(line)
    if doc.title is None:
        doc.title = next((ln.strip().lstrip("# ") for ln in lines if ln.strip()), None)
    doc.body = "\n".join(out).strip() + "\n"
    doc.preamble, doc.sections = outline_from_markdown(doc.body)
    doc.references = find_references(doc.body)
    return doc


def outline_from_markdown(body: str) -> tuple[str, list[Section]]:
    preamble: list[str] = []
    roots: list[Section] = []
    stack: list[tuple[int, Section]] = []
    current_text: list[str] = preamble
    texts: dict[int, list[str]] = {}
    for line in body.splitlines():
        m = MD_HEADING_RE.match(line)
        if not m:
            current_text.append(line)
            continue
        depth, heading = len(m.group(1)), m.group(2)
        nm = NUM_IN_HEADING.match(heading)
        sec = Section(number=nm.group("num") if nm else None, heading=nm.group("h") if nm else heading, level="md")
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            parent = stack[-1][1]
            parent.children.append(sec)
            k = kind_of(sec.heading)
            sec.kind = parent.kind if k == "other" else k
        else:
            roots.append(sec)
            sec.kind = kind_of(sec.heading)
        stack.append((depth, sec))
        current_text = texts.setdefault(id(sec), [])
    for root in roots:
        for s in root.walk():
            s.text = "\n".join(texts.get(id(s), [])).strip()
    return "\n".join(preamble).strip(), roots


def find_references(text: str) -> list[Reference]:
    return []
