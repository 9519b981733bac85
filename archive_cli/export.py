"""Exports: plain text, Markdown with front matter, JSON (SPEC §6)."""
from __future__ import annotations

import json
import re
import textwrap
import unicodedata

from .model import Document, Section
from .closing_marks import closing_marker
from .store import document_to_text

FORMATS = ("txt", "md", "json")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_MD_EMPH = re.compile(r"(\*\*|__)(.+?)\1")


_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def header_lines(doc: Document) -> list[str]:
    """The header block of a text export: issuer, number, place and date, title."""
    p = doc.parsed
    english = p.language == "en"
    lines = []
    if p.issuer:
        lines.append(p.issuer)
    if p.number:
        lines.append(f"No. {p.number}" if english else f"Số: {p.number}")
    date = _en_date(p.issued) if english else _vn_date(p.issued)
    place_date = ", ".join(x for x in (p.place, date) if x)
    if place_date:
        lines.append(place_date)
    if p.title:
        lines.append("")
        lines.append(p.title)
    if p.subtitle:
        lines.append(f"({p.subtitle})")  # a generic Công văn's subject, under its V/v line
    return lines


def _vn_date(iso: str | None) -> str | None:
    if not iso or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return iso
    y, m, d = iso.split("-")
    return f"ngày {int(d):02d} tháng {int(m):02d} năm {y}"


def _en_date(iso: str | None) -> str | None:
    if not iso or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        return iso
    y, m, d = iso.split("-")
    return f"{int(d)} {_EN_MONTHS[int(m) - 1]} {y}"


# A heading that is only its number ("Điều 3.", "IV.", "2.") was printed on one line with the
# paragraph after it; the list items of "Nơi nhận" and dash lists were printed without blank
# lines between them. The text export puts both back.
_NUMBER_ONLY = re.compile(r"^(?:(?:Điều|Chương|Mục|Phần)\s+\S+|[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.):]?$")
_LIST_ITEM = re.compile(r"^\s*[-+•]\s")


def plain_body(body: str) -> str:
    """The body without Markdown syntax: heading marks and emphasis removed, numbering kept."""
    out: list[str] = []
    pending_number: str | None = None
    skip_blank = False
    for raw in body.splitlines():
        if closing_marker(raw):
            skip_blank = True  # the closing block's markers are Markdown comments, not text
            continue
        if skip_blank and not raw.strip():
            skip_blank = False
            continue
        skip_blank = False
        is_heading = bool(_MD_HEADING.match(raw))
        line = _MD_EMPH.sub(r"\2", _MD_HEADING.sub("", raw)).rstrip()
        if pending_number is not None:
            if not line:
                continue
            line = f"{pending_number} {line}"
            pending_number = None
        elif is_heading and _NUMBER_ONLY.match(line):
            pending_number = line
            continue
        if _LIST_ITEM.match(line) and len(out) >= 2 and out[-1] == "" and (
                _LIST_ITEM.match(out[-2]) or out[-2].endswith(":")):
            out.pop()
        out.append(line)
    if pending_number is not None:
        out.append(pending_number)
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


def section_markdown(section: Section, depth: int = 2) -> str:
    """A section (and its children) back as Markdown with headings."""
    lines = ["#" * min(depth, 6) + " " + " ".join(x for x in (number_label(section), section.heading) if x)]
    if section.text:
        lines.append(section.text)
    lines.extend(section_markdown(c, depth + 1) for c in section.children)
    return "\n\n".join(lines)


def section_to_txt(section: Section) -> str:
    return plain_body(section_markdown(section)).rstrip("\n")


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


def safe_filename(doc: Document, fmt: str, max_len: int = 80, id_digits: int = 6) -> str:
    """A readable, portable file name: number + title, transliterated to ASCII, length-capped,
    then the first ``id_digits`` of the id.

    Only [A-Za-z0-9._-] survive, so no title can make a path that leaves the target folder."""
    parts = [doc.parsed.number or "", doc.parsed.title or ""]
    stem = _ascii(" ".join(p for p in parts if p))
    stem = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-").lower()
    stem = stem[:max_len].rstrip("-") or "document"
    return f"{stem}-{doc.id[:id_digits]}.{fmt}"
