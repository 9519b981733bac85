"""Scans → text: which pages OCR reads, what happens when it cannot, and what is recorded.

An image file is all scan. A PDF is decided page by page (pdf.py): pages with a usable text
layer keep it, the others are read by OCR, and the two are put back in page order. When OCR
is not installed, a document with no text layer fails with what to install; one that has text
on other pages is imported from its text layer, with a warning naming the pages not read.
"""
from __future__ import annotations

from collections.abc import Callable

from ..errors import IngestError
from ..i18n import _
from . import Extracted
from .ocr import OcrOptions, OcrResult, page_ranges, recognise


def read_image(data: bytes, kind: str, options: OcrOptions,
               on_page: Callable[[int, int], None] | None = None) -> Extracted:
    """A page image (PNG, JPEG, TIFF with all its pages) read with OCR."""
    from .raster import image_pages, probe_image

    if options.mode == "never":
        raise IngestError(_("a {kind} image can only be read with OCR, which is turned off").format(kind=kind.upper()))
    info = probe_image(data, kind)
    result = recognise(image_pages(data, kind), info.pages, options, on_page)  # probes again: cheap
    return _extracted([p.text for p in result.pages], result, info.format)


def read_pdf_scan(data: bytes, layer: list[str], encoding: str | None, scanned: list[int], options: OcrOptions,
                  on_page: Callable[[int, int], None] | None = None, *, has_text: bool) -> Extracted:
    """A PDF whose pages ``scanned`` (1-based) have no usable text layer: those pages read with
    OCR, the others from ``layer`` (each page's text layer, decoded from ``encoding``);
    ``has_text``: the other pages' text layer is worth importing alone."""
    from .ocr import engine, require_python
    from .raster import pdf_pages

    try:
        require_python()
        eng = engine(options.language)
    except IngestError as missing:
        if not has_text:
            raise
        # A text PDF with some pages that are images (a signed last page, a scanned annex).
        warning = _("pages {pages} have no text layer and were not read: {reason}").format(
            pages=page_ranges(scanned), reason=str(missing))
        return Extracted(_joined(layer), "pdf", encoding, warnings=[warning])
    result = recognise(pdf_pages(data, scanned), len(scanned), options, on_page, eng)
    texts = list(layer)
    for page in result.pages:
        texts[page.number - 1] = page.text
    if has_text and result.confidence is None:
        # The pages OCR looked at held pictures, not text (a photo, a seal): nothing to record.
        return Extracted(_joined(layer), "pdf", encoding)
    return _extracted(texts, result, "pdf", encoding)


def _joined(texts: list[str]) -> str:
    return "\n\n".join(t.strip("\n") for t in texts if t.strip())


def _extracted(texts: list[str], result: OcrResult, fmt: str, encoding: str | None = None) -> Extracted:
    text = _joined(texts)
    if not any(ch.isalpha() for ch in text):
        raise IngestError(_("OCR found no text in the scanned document"))
    return Extracted(text, fmt, encoding, ocr=result.record(), warnings=result.warnings())
