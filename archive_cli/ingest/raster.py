"""Page images for OCR: image files (PNG, JPEG, TIFF with all its pages) through Pillow, and
PDF pages rendered by pypdfium2. Both libraries load only here, when a scan is read.

Pages are made one at a time (an iterator), as grayscale PNM: Tesseract reads it without a
decoder's cost, and it needs no temporary file.
"""
from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import IngestError
from ..i18n import _
from .ocr import PageImage, install_hint_python

#: Resolution PDF pages are rendered at: what Tesseract is trained for (≥ 300 dpi).
RENDER_DPI = 300
#: A page rendered larger than this many pixels is rendered at a lower resolution instead (a
#: PDF can declare a page of 200 × 200 inches).
MAX_PAGE_PIXELS = 60_000_000
#: Pages read from one file at most (as for text PDFs).
MAX_PAGES = 5000

_IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpeg", "TIFF": "tiff", "MPO": "jpeg"}


@dataclass(frozen=True)
class ImageFile:
    """An image file, checked: its format and its number of pages (TIFF frames)."""

    format: str
    pages: int


def _pil():
    try:
        from PIL import Image, ImageOps
    except ImportError:
        raise IngestError(install_hint_python()) from None
    return Image, ImageOps


def _damaged(kind: str) -> IngestError:
    return IngestError(_("the {kind} image is damaged and cannot be read").format(kind=kind.upper()))


def _too_large(kind: str) -> IngestError:
    return IngestError(_("the {kind} image is too large to read").format(kind=kind.upper()))


def probe_image(data: bytes, kind: str) -> ImageFile:
    """Open an image file's header: its format and page count, or IngestError (damaged, too
    large, a format we do not read)."""
    Image, _ops = _pil()
    try:
        # Pillow warns on stderr about odd EXIF data and large images: the clerk sees the outcome.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as im:
                fmt = _IMAGE_FORMATS.get(im.format or "")
                if fmt is None:
                    raise IngestError(_("unsupported format: a {fmt} image").format(fmt=im.format or "?"))
                frames = getattr(im, "n_frames", 1) or 1
    except IngestError:
        raise
    except Image.DecompressionBombError:
        raise _too_large(kind) from None
    except Exception:  # Pillow raises UnidentifiedImageError, OSError, ValueError, SyntaxError …
        raise _damaged(kind) from None
    if frames > MAX_PAGES:
        raise IngestError(_("the image has more than {pages} pages").format(pages=MAX_PAGES))
    return ImageFile(fmt, frames)


def image_pages(data: bytes, kind: str) -> Iterator[PageImage]:
    """Each page (frame) of an image file, upright (EXIF orientation applied: phone photos),
    in grayscale."""
    for i in range(probe_image(data, kind).pages):
        yield _frame(data, kind, i)


def _frame(data: bytes, kind: str, index: int) -> PageImage:
    Image, ImageOps = _pil()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as im:
                im.seek(index)
                frame = ImageOps.exif_transpose(im.copy())
                return PageImage(index + 1, _pnm(frame), _dpi(im.info.get("dpi")))
    except Image.DecompressionBombError:
        raise _too_large(kind) from None
    except Exception:
        raise _damaged(kind) from None


def _dpi(value) -> int | None:
    """The resolution an image declares, when believable (many photos say 72 whatever they are:
    Tesseract then estimates it from the text)."""
    try:
        dpi = int(round(float(value[0])))
    except (TypeError, ValueError, IndexError):
        return None
    return dpi if 100 <= dpi <= 1200 else None


def _pnm(image) -> bytes:
    if image.mode not in ("L", "1"):
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            # Transparent pixels are paper, not black.
            rgba = image.convert("RGBA")
            from PIL import Image

            paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            image = Image.alpha_composite(paper, rgba)
        image = image.convert("L")
    out = io.BytesIO()
    image.save(out, format="PPM")
    return out.getvalue()


def pdf_pages(data: bytes, numbers: list[int]) -> Iterator[PageImage]:
    """The PDF pages ``numbers`` (1-based), rendered in grayscale at :data:`RENDER_DPI`."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        raise IngestError(install_hint_python()) from None
    _pil()
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception:
        raise IngestError(_("the PDF is damaged and cannot be read")) from None
    try:
        for n in numbers:
            try:
                page = pdf[n - 1]
                width, height = page.get_size()
                scale = RENDER_DPI / 72
                pixels = width * height * scale * scale
                if pixels > MAX_PAGE_PIXELS:
                    scale *= (MAX_PAGE_PIXELS / pixels) ** 0.5
                image = page.render(scale=scale, grayscale=True).to_pil()
                page.close()
            except Exception:
                raise IngestError(_("page {n} of the PDF is damaged and cannot be read").format(n=n)) from None
            yield PageImage(n, _pnm(image), round(72 * scale))
    finally:
        pdf.close()
