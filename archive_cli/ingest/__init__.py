"""Reading files into text: read → decode → extract (SPEC §3, §7).

The one entry point is :func:`extract`: bytes of one file in, an :class:`Extracted` out, or an
:class:`~archive_cli.errors.IngestError` whose message is one sentence saying why. It is a pure
function of (name, bytes), safe in worker processes; heavy libraries load only for their format.

Formats are recognised by content (sniff.py), each read by its own module: textfile (txt, md),
html, docx, pdf, rtf, worddoc (Word 97 .doc). Legacy Vietnamese encodings are handled in
detect.py (text files) and legacy.py (tables and line-by-line conversion). Scans (page images,
PDF pages without a text layer) are read with OCR: scan.py decides, raster.py makes the page
images, ocr.py runs Tesseract.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import IngestError
from ..i18n import _
from ..text.normalize import nfc

if TYPE_CHECKING:
    from .ocr import OcrOptions

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".doc", ".pdf", ".rtf",
             ".png", ".jpg", ".jpeg", ".tif", ".tiff")


@dataclass
class Extracted:
    """The text of one file. ``metadata`` holds front-matter (or HTML/DOCX) fields that the parser
    should prefer over what it finds in the text; ``markdown`` says the text is Markdown.
    ``ocr`` is what the store records as ``source.ocr`` when pages were read with OCR;
    ``warnings`` are sentences for the file's import line (low OCR confidence …)."""

    text: str
    format: str
    encoding: str | None
    metadata: dict[str, Any] = field(default_factory=dict)
    markdown: bool = False
    ocr: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)


_BLANKS = re.compile(r"\n{3,}")
_TRAILING = re.compile(r"[ \t\u00a0]+\n")
# Control characters other than tab and newline never belong in a document's text.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _tidy(text: str) -> str:
    """NFC, one newline convention, no control characters, no trailing blanks or blank runs,
    and always encodable as UTF-8 (RTF \\u escapes give surrogate pairs: joined, strays dropped)."""
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _CONTROLS.sub("", text)
    text = _TRAILING.sub("\n", text)
    text = _BLANKS.sub("\n\n", text)
    return nfc(text.strip("\n")) + "\n"


def extract(name: str, data: bytes, *, ocr: OcrOptions | None = None,
            on_page: Callable[[int, int], None] | None = None) -> Extracted:
    """Turn one file's bytes into text. ``name`` is the file name (a hint for the format).

    ``ocr`` says how scans are read (default: pages without a text layer, one at a time);
    ``on_page(done, total)`` is called after each page OCR reads."""
    from .ocr import OcrOptions
    from .sniff import sniff

    if not data.strip(b" \t\r\n\x00\x0b\x0c"):
        raise IngestError(_("the file is empty"))
    kind = ""
    try:
        kind = sniff(name, data)
        result = _read(kind, data, ocr or OcrOptions(), on_page)
    except IngestError:
        raise
    except (MemoryError, RecursionError):
        message = _("the {kind} file is too large or too deeply nested to read").format(kind=kind)
        raise IngestError(message.replace("  ", " ")) from None
    except Exception as exc:  # a reader bug must stay one file's failure, never stop a batch
        message = _("the {kind} file could not be read (internal error: {error})")
        raise IngestError(message.format(kind=kind, error=type(exc).__name__).replace("  ", " ")) from None
    result.text = _tidy(result.text)
    if not result.text.strip():
        raise IngestError(_("the {format} file contains no text").format(format=result.format))
    return result


def _read(kind: str, data: bytes, ocr: OcrOptions, on_page) -> Extracted:
    from .sniff import IMAGE_KINDS

    if kind in IMAGE_KINDS:
        from .scan import read_image

        result = read_image(data, kind, ocr, on_page)
    elif kind in ("txt", "md"):
        from .textfile import read_text

        result = read_text(data, markdown=(kind == "md"))
    elif kind == "html":
        from .html import read_html

        result = read_html(data)
    elif kind == "docx":
        from .docx import read_docx

        result = read_docx(data)
    elif kind == "pdf":
        from .pdf import read_pdf

        result = read_pdf(data, ocr, on_page)
    elif kind == "rtf":
        from .rtf import read_rtf

        result = read_rtf(data)
    else:  # "doc"
        from .worddoc import read_doc

        text, encoding = read_doc(data)
        result = Extracted(text, "doc", encoding)
    return result
