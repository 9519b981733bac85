"""DOCX → text with python-docx: paragraphs and tables in document order.

The two-column header of an official document (issuer | national motto) is a table: its cells
come out as lines, left column first. Runs in .VnTime / VNI-Times fonts are converted by font
name, and .VnTimeH runs (TCVN3 capitals drawn from lower-case codes) are upper-cased.
"""
from __future__ import annotations

import io
import zipfile

from ..errors import IngestError
from ..i18n import _
from . import Extracted

MAX_UNZIPPED = 200 * 1024 * 1024  # a zip bomb is refused before python-docx expands it


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise IngestError(_("the .docx file is damaged (not a readable zip)")) from None
    if total > MAX_UNZIPPED:
        raise IngestError(_("the .docx file expands to more than 200 MB"))


def _run_font(run, para_font: str) -> str:
    from docx.oxml.ns import qn

    rpr = run._element.rPr
    if rpr is not None and rpr.rFonts is not None:
        name = rpr.rFonts.get(qn("w:ascii")) or rpr.rFonts.get(qn("w:hAnsi"))
        if name:
            return name
    return para_font


def _style_font(style) -> str:
    while style is not None:
        if style.font is not None and style.font.name:
            return style.font.name
        style = style.base_style
    return ""


class _Walk:
    """What a pass over the document does with legacy-font runs: ``convert`` them, and collect
    their raw text (to check the fonts tell the truth) and the encodings used."""

    def __init__(self, default_font: str, convert: bool) -> None:
        self.default_font = default_font
        self.convert = convert
        self.used: set[str] = set()
        self.legacy_raw: list[str] = []


def _paragraph(par, walk: _Walk) -> str:
    from . import legacy

    para_font = _style_font(par.style) if par.style is not None else ""
    para_font = para_font or walk.default_font
    out = []
    for item in par.iter_inner_content():
        runs = item.runs if hasattr(item, "runs") else [item]
        for run in runs:
            text = run.text
            font = _run_font(run, para_font)
            enc = legacy.font_encoding(font)
            if enc and not text.isascii():
                walk.used.add(enc)
                walk.legacy_raw.append(text)
            if walk.convert and enc == "tcvn3":
                text = legacy.tcvn3_decode(text)
                if legacy.upper_font(font):
                    text = text.upper()
            elif walk.convert and enc == "vni":
                text = legacy.vni_decode(text)
            out.append(text)
    return "".join(out)


def _blocks(container, walk: _Walk, lines: list[str], depth: int = 0) -> None:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(_paragraph(block, walk))
        elif isinstance(block, Table) and depth < 5:
            for row in block.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # merged cells repeat
                        continue
                    seen.add(id(cell._tc))
                    _blocks(cell, walk, lines, depth + 1)
            lines.append("")


def _text_boxes(document, walk: _Walk) -> list[str]:
    """Paragraphs inside text boxes, which python-docx's block walk does not reach; appended
    after the body, as Word 97 stores them. A box drawn twice (DrawingML and its VML fallback)
    is kept once."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    out: list[str] = []
    seen: set[str] = set()
    for box in document.element.body.iter(qn("w:txbxContent")):
        text = "\n".join(_paragraph(Paragraph(p, document), walk) for p in box.iter(qn("w:p")))
        if text.strip() and text not in seen:
            seen.add(text)
            out.append(text)
    return out


def _walk(document, walk: _Walk) -> tuple[str, _Walk]:
    lines: list[str] = []
    _blocks(document, walk, lines)
    lines.extend(_text_boxes(document, walk))
    return "\n".join(lines), walk


def read_docx(data: bytes) -> Extracted:
    """A .docx file's text; legacy-font runs converted."""
    import docx

    from . import legacy

    _check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
        default_font = _style_font(document.styles["Normal"]) if "Normal" in [s.name for s in document.styles] else ""
        text, walk = _walk(document, _Walk(default_font, convert=True))
        raw = "".join(walk.legacy_raw)
        latin1 = sum(1 for ch in raw if "\u00a0" <= ch <= "\u00ff")
        if raw and legacy.unicode_vietnamese_count(raw) > 0.2 * latin1:
            # Unicode text in runs still named .VnTime (templates keep the font): the font
            # names lie, so read the text as it is.
            text, walk = _walk(document, _Walk(default_font, convert=False))
            walk.used.clear()
    except IngestError:
        raise
    except Exception:
        raise IngestError(_("the .docx file is damaged and cannot be read")) from None
    encoding = "+".join(sorted(walk.used, key=["tcvn3", "vni"].index)) or None
    if encoding is None:
        # The legacy font may sit where python-docx does not look (theme, docDefaults): fall
        # back to recognising TCVN3/VNI by content.
        text, encoding = legacy.decode_text(text)
    # No core-properties title in metadata: Word fills it from the template or the first line,
    # so it is not reliable enough for the parser to prefer over the text.
    return Extracted(text, "docx", encoding)
