"""DOCX → text with python-docx: paragraphs and tables in document order.

The two-column header of an official document (issuer | national motto) is a table: its cells
come out as lines, left column first. Runs in .VnTime / VNI-Times fonts are converted by font
name, and .VnTimeH runs (TCVN3 capitals drawn from lower-case codes) are upper-cased.

Fonts of paragraph styles are resolved once per document (python-docx resolves a paragraph's
style by scanning every style of the document each time: 40,000 paragraphs took a minute), and
a document of more than :data:`MAX_PARAGRAPHS` paragraphs is refused. The XML of paragraphs and
runs is reached through python-docx's public ``ElementProxy.element`` (their ``paragraph_format``
and ``font``) and read with lxml.
"""
from __future__ import annotations

import io
import zipfile

from ..errors import IngestError
from ..i18n import _
from . import Extracted

MAX_UNZIPPED = 200 * 1024 * 1024  # a zip bomb is refused before python-docx expands it
MAX_PARAGRAPHS = 100_000  # a long code of law has ~10,000


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

    fonts = run.font.element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    if fonts is not None:
        name = fonts.get(qn("w:ascii")) or fonts.get(qn("w:hAnsi"))
        if name:
            return name
    return para_font


def _style_id(par) -> str | None:
    from docx.oxml.ns import qn

    style = par.paragraph_format.element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style.get(qn("w:val")) if style is not None else None


def _style_font(style) -> str:
    while style is not None:
        if style.font is not None and style.font.name:
            return style.font.name
        style = style.base_style
    return ""


def _style_fonts(document) -> dict[str | None, str]:
    """The font of each paragraph style, by style id; under None, the default paragraph
    style's (else Normal's)."""
    from docx.enum.style import WD_STYLE_TYPE

    fonts: dict[str | None, str] = {}
    normal = ""
    for style in document.styles:
        try:
            if style.type == WD_STYLE_TYPE.PARAGRAPH:
                fonts[style.style_id] = _style_font(style)
                if style.name == "Normal":
                    normal = fonts[style.style_id]
        except (AttributeError, KeyError, ValueError):
            continue
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    fonts[None] = (_style_font(default) if default is not None else "") or normal
    return fonts


class _Walk:
    """What a pass over the document does with legacy-font runs: ``convert`` them, and collect
    their raw text (to check the fonts tell the truth) and the encodings used."""

    def __init__(self, fonts: dict[str | None, str], convert: bool) -> None:
        self.fonts = fonts
        self.convert = convert
        self.used: set[str] = set()
        self.legacy_raw: list[str] = []


def _paragraph(par, walk: _Walk) -> str:
    from . import legacy

    para_font = walk.fonts.get(_style_id(par)) or walk.fonts[None]
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
                for cell in row.cells:  # a cell spanning columns comes once per column, as one object
                    if id(cell) in seen:
                        continue
                    seen.add(id(cell))
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

    from docx.oxml.ns import qn

    _check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = sum(1 for _p in document.element.body.iter(qn("w:p")))
        if paragraphs > MAX_PARAGRAPHS:
            raise IngestError(_("the .docx file has {n:,} paragraphs, more than the {limit:,} a document may have").format(
                n=paragraphs, limit=MAX_PARAGRAPHS))
        fonts = _style_fonts(document)
        text, walk = _walk(document, _Walk(fonts, convert=True))
        raw = "".join(walk.legacy_raw)
        latin1 = sum(1 for ch in raw if "\u00a0" <= ch <= "\u00ff")
        if raw and legacy.unicode_vietnamese_count(raw) > 0.2 * latin1:
            # Unicode text in runs still named .VnTime (templates keep the font): the font
            # names lie, so read the text as it is.
            text, walk = _walk(document, _Walk(fonts, convert=False))
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
