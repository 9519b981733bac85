"""Exports: plain text, Markdown with front matter, JSON (SPEC §6)."""
from __future__ import annotations

import json
import re
import textwrap
import unicodedata
from dataclasses import replace

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


def to_txt(doc: Document, width: int | None = None, sections: list[Section] | None = None) -> str:
    """The document as plain text, its header once: the original header as printed (one line a
    cell) when the body keeps one, else a header made from the metadata. ``sections``: only those."""
    if sections is not None:
        parts = ["\n".join(header_lines(doc)), *(section_to_txt(s) for s in sections)]
        return wrap("\n\n".join(p for p in parts if p), width).rstrip("\n") + "\n"
    from .parse.header_zone import header_zone, opens_with

    zone = header_zone(doc.parsed.body)
    if zone.paragraphs:
        cells = [plain_body(p).strip("\n") for p in zone.paragraphs]
        if zone.title_at:  # a blank line between the header cells and the type and title
            cells.insert(zone.title_at, "")
        head, body = "\n".join(cells), zone.rest
    else:
        body = doc.parsed.body
        lines = header_lines(doc)
        if opens_with(body, doc.parsed.title):
            lines = lines[:-2]  # the body's first heading is the title: not twice
        head = "\n".join(lines)
    text = (head + "\n\n" if head else "") + plain_body(body)
    return wrap(text, width).rstrip("\n") + "\n"


def excerpt_markdown(sections: list[Section]) -> str:
    """The Markdown body of an excerpt: each chosen section with its headings."""
    return "\n\n".join(section_markdown(s) for s in sections).strip() + "\n"


def to_md(doc: Document, sections: list[Section] | None = None, selectors: tuple[str, ...] = ()) -> str:
    if sections is None:
        return document_to_text(doc)
    # an excerpt says so in its front matter: `excerpt` lists the sections asked for
    part = Document(doc.id, replace(doc.parsed, body=excerpt_markdown(sections)), doc.source, doc.tags)
    return document_to_text(part, extra={"excerpt": list(selectors)})


def to_json(doc: Document, sections: list[Section] | None = None, *, indent: int | None = 2) -> str:
    d = doc.to_dict()
    if sections is not None:  # the shape of `show --json`; sections and body cut to the excerpt
        d["sections"] = [s.to_dict() for s in sections]
        d["body"] = excerpt_markdown(sections)
        d["preamble"] = ""
    return json.dumps(d, ensure_ascii=False, indent=indent) + "\n"


def render(doc: Document, fmt: str, width: int | None = None, sections: list[Section] | None = None,
           selectors: tuple[str, ...] = (), *, compact: bool = False) -> str:
    """``doc`` (or only ``sections`` of it) in ``fmt``; ``compact`` JSON is one line (JSON Lines)."""
    if fmt == "txt":
        return to_txt(doc, width, sections)
    if fmt == "md":
        return to_md(doc, sections, selectors)
    if fmt == "json":
        return to_json(doc, sections, indent=None if compact else 2)
    raise ValueError(fmt)


#: Between documents sent to one stream: txt and md get a line holding only a form feed (a new
#: page when printed; ``csplit``/``awk`` split on it); JSON is JSON Lines, one document a line.
DOCUMENT_SEPARATOR = "\f\n"


def join_documents(texts: list[str], fmt: str) -> str:
    """Several rendered documents as one stream (each JSON text already on one line)."""
    if fmt == "json" or len(texts) < 2:
        return "".join(texts)
    return ("\n" + DOCUMENT_SEPARATOR).join(t if t.endswith("\n") else t + "\n" for t in texts)


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


def safe_filename(doc: Document, fmt: str, max_len: int = 50, id_digits: int = 6) -> str:
    """A short, recognisable, portable file name: the number, the first words of the title (its
    type left out: the number says it), then the first ``id_digits`` of the id; at most
    ``max_len`` characters with the usual six digits ("125-kh-ubnd-trien-khai-so-hoa-f8705f.txt").

    Only [A-Za-z0-9._-] survive, so no title can make a path that leaves the target folder."""
    p = doc.parsed
    title = p.title or ""
    if p.doc_type and title.casefold().startswith(p.doc_type.casefold()):
        title = title[len(p.doc_type):]
    number = _slug(p.number or "")
    words = [w for w in _slug(title).split("-") if w]
    room = max_len - len(f"-{doc.id[:6]}.{fmt}")  # what the stem may take
    stem = number[:room].rstrip("-")
    for w in words:
        if len(stem) + 1 + len(w) > room:
            break
        stem = f"{stem}-{w}" if stem else w
    return f"{stem or 'document'}-{doc.id[:id_digits]}.{fmt}"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", _ascii(text)).strip("-").lower()


def original_suffix(doc: Document) -> str:
    """The extension of a document's original file (".docx"), from its stored file name, else
    its format; "" when neither gives a safe one."""
    import os

    ext = os.path.splitext(doc.source.filename)[1].lower()
    if re.fullmatch(r"\.[a-z0-9]{1,8}", ext):
        return ext
    fmt = (doc.source.format or "").lower()
    return f".{fmt}" if re.fullmatch(r"[a-z0-9]{1,8}", fmt) else ""
