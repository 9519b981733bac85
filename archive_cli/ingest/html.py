"""HTML → main text with trafilatura (the most accurate extractor on Vietnamese portal pages,
domain notes §6), keeping paragraphs and headings on their own lines. Word "filtered" HTML saved
as .doc is read the same way. Falls back to a plain tag strip when trafilatura finds no article.
"""
from __future__ import annotations

import re

from ..errors import IngestError
from ..i18n import _
from . import Extracted

MAX_HTML = 30 * 1024 * 1024
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)


def _decode(data: bytes) -> tuple[str, str]:
    from .detect import decode

    m = _CHARSET.search(data[:4096])
    if m and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        name = m.group(1).decode("ascii", "ignore").lower()
        try:
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)


def read_html(data: bytes) -> Extracted:
    """An HTML page's main text, paragraphs and headings on their own lines."""
    try:
        import trafilatura
    except ImportError as exc:  # trafilatura → jusText needs lxml.html.clean (lxml_html_clean)
        name = "lxml_html_clean" if (exc.name or "").startswith("lxml") else (exc.name or "trafilatura")
        raise IngestError(_("reading HTML needs the {name} package; install it with pip").format(name=name)) from None
    if len(data) > MAX_HTML:
        raise IngestError(_("the HTML page is larger than 30 MB"))
    html, encoding = _decode(data)
    try:
        text = trafilatura.extract(
            html, output_format="txt", include_comments=False, include_tables=True,
            deduplicate=False, with_metadata=False,
        )
    except Exception:
        text = None
    if not text or len(text.strip()) < 40:
        text = _strip_tags(html)
    # Old .gov.vn pages set TCVN3/VNI text in <font face=".VnTime">, often declared as
    # windows-1252: convert the extracted text when it reads as legacy Vietnamese.
    from . import legacy

    text, legacy_encoding = legacy.decode_text(text)
    if legacy_encoding:
        encoding = f"{legacy_encoding} (as {encoding})"
    # No <title> in metadata: on vbpl.vn every page's title is the site section ("Trung ương"),
    # so it is not reliable; the parser finds the title in the text.
    return Extracted(_tidy_lines(text), "html", encoding)


def _tidy_lines(text: str) -> str:
    """Collapse white space inside lines; table rows ("| a | b |") become one line per cell, as
    for .docx, so the two-column header reads as lines."""
    out = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if line.startswith("|") and line.endswith("|") and len(line) > 1:
            out.extend(cell.strip() for cell in line.strip("|").split(" | ") if cell.strip())
        else:
            out.append(line)
    return "\n".join(out)


_BLOCK = re.compile(r"(?i)</?(p|div|br|tr|li|h[1-6]|table|section|article|td|th)\b[^>]*>")
_DROP = re.compile(r"(?is)<(script|style|head|noscript)\b.*?</\1\s*>|<!--.*?-->")
_TAG = re.compile(r"<[^>]+>")


def _strip_tags(html: str) -> str:
    import html as htmllib

    text = _DROP.sub(" ", html)
    text = _BLOCK.sub("\n", text)
    text = htmllib.unescape(_TAG.sub("", text))
    return "\n".join(" ".join(line.split()) for line in text.splitlines())
