"""Exports: plain text, Markdown with front matter, JSON (SPEC §6)."""
from __future__ import annotations

import json
import re
import textwrap
import unicodedata

from .model import Document, Section
from .store import document_to_text

FORMATS = ("txt", "md", "json")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_MD_EMPH = re.compile(r"(\*\*|__)(.+?)\1")


def header_lines(doc: Document) -> list[str]:
    p = doc.parsed
    lines = []
    if p.issuer:
        lines.append(p.issuer)
    if p.number:
        lines.append(f"Số: {p.number}")
    place_date = ", ".join(x for x in (p.place, _vn_date(p.issued)) if x)
    if place_date:
        lines.append(place_date)
    if p.title:
        lines.append("")
        lines.append(p.title)
    return lines


def _vn_date(iso: str | None) -> str | None:
    if not iso or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return iso
    y, m, d = iso.split("-")
    return f"ngày {int(d):02d} tháng {int(m):02d} năm {y}"


def plain_body(body: str) -> str:
    """The body without Markdown syntax: heading marks and emphasis removed, numbering kept."""
    out = []
    for line in body.splitlines():
        line = _MD_HEADING.sub("", line)
        line = _MD_EMPH.sub(r"\2", line)
        out.append(line)
    return "\n".join(out).strip() + "\n"


def wrap(text: str, width: int | None) -> str:
    if not width:
        return text
    out = []
    for para in text.split("\n"):
        out.append(textwrap.fill(para, width=width, break_long_words=False, break_on_hyphens=False) if para else "")
    return "\n".join(out)


def to_txt(doc: Document, width: int | None = None) -> str:
    head = "\n".join(header_lines(doc))
    text = (head + "\n\n" if head else "") + plain_body(doc.parsed.body)
    return wrap(text, width).rstrip("\n") + "\n"


def to_md(doc: Document) -> str:
    return document_to_text(doc)


def to_json(doc: Document) -> str:
    return json.dumps(doc.to_dict(), ensure_ascii=False, indent=2) + "\n"


def render(doc: Document, fmt: str, width: int | None = None) -> str:
    if fmt == "txt":
        return to_txt(doc, width)
    if fmt == "md":
        return to_md(doc)
    if fmt == "json":
        return to_json(doc)
    raise ValueError(fmt)


def section_to_txt(section: Section) -> str:
    lines = [" ".join(x for x in (number_label(section), section.heading) if x)]
    if section.text:
        lines.append(plain_body(section.text).rstrip("\n"))
    for c in section.children:
        lines.append(section_to_txt(c))
    return "\n".join(lines)


def number_label(section: Section) -> str:
    n = section.number
    if not n:
        return ""
    if n.startswith(("Điều", "Chương", "Mục", "Phần")):
        return n + "."
    return n + ("." if not re.fullmatch(r"[a-zđ]", n) else ")")


def _ascii(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).encode("ascii", "ignore").decode()


def safe_filename(doc: Document, fmt: str, max_len: int = 80) -> str:
    """A readable, portable file name: number + title, transliterated to ASCII, length-capped.

    Only [A-Za-z0-9._-] survive, so no title can make a path that leaves the target folder."""
    parts = [doc.parsed.number or "", doc.parsed.title or ""]
    stem = _ascii(" ".join(p for p in parts if p))
    stem = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-").lower()
    stem = stem[:max_len].rstrip("-") or "document"
    return f"{stem}-{doc.id[:6]}.{fmt}"
