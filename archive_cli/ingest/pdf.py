"""PDF → text: the text layer through pypdf, and pages without one through OCR (scan.py),
decided page by page. TCVN3 text layers are converted: a .VnTime PDF shows ư as U+2212 and ã
as U+2219.

pypdf (≥ 4) caps every decompressed stream (75 MB by default), so a zip-bomb PDF fails instead
of filling memory; JavaScript and forms are never run.
"""
from __future__ import annotations

import io
import logging
import re
import warnings

from ..errors import IngestError
from ..i18n import _
from . import Extracted
from .ocr import OcrOptions

MAX_PAGES = 5000
#: A page whose text layer has fewer letters than this has no usable text layer (a scan, or
#: text drawn as shapes): with OCR on, it is read from its image.
PAGE_LETTERS = 20


def read_pdf(data: bytes, ocr: OcrOptions | None = None, on_page=None) -> Extracted:
    """A PDF's text layer, page by page; legacy TCVN3 layers converted; pages without a usable
    text layer read with OCR unless ``ocr.mode`` is ``never``."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs malformed-PDF repairs, some at ERROR level, to stderr: not for clerks.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        # pypdf 6 reads the short filter names (/Fl for /FlateDecode) that 2000s PDF writers put
        # on ordinary streams, with a DeprecationWarning (pypdf 7 refuses them: hence the pin
        # below 7 in setup.cfg).
        warnings.simplefilter("ignore", DeprecationWarning)
        return _read(data, PdfReader, PdfReadError, ocr, on_page)


def _read(data: bytes, PdfReader, PdfReadError, ocr: OcrOptions | None, on_page) -> Extracted:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise IngestError(_("the PDF is password-protected"))
            except IngestError:
                raise
            except Exception:
                raise IngestError(_("the PDF is encrypted with a method that cannot be opened")) from None
        pages = reader.pages
        if len(pages) > MAX_PAGES:
            raise IngestError(_("the PDF has more than {pages} pages").format(pages=MAX_PAGES))
        texts = [page.extract_text() or "" for page in pages]
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError, ZeroDivisionError, AssertionError):
        raise IngestError(_("the PDF is damaged and cannot be read")) from None
    except Exception as exc:  # pypdf raises its own LimitReachedError & co. on hostile files
        from pypdf.errors import LimitReachedError

        if isinstance(exc, LimitReachedError):
            raise IngestError(_("the PDF expands past the size limit for its contents (a compression bomb?)")) from None
        raise IngestError(_("the PDF is damaged and cannot be read")) from None
    options = ocr or OcrOptions()
    if options.mode == "always":
        scanned = list(range(1, len(texts) + 1))
    elif options.mode == "auto":
        # In a document with a text layer, only pages showing an image are scans; in one
        # without, every page that draws anything is looked at (its text may be drawn as
        # shapes). A blank page never is.
        whole = not _has_text(texts)
        scanned = [i for i, (t, page) in enumerate(zip(texts, pages), 1)
                   if _letters(t) < PAGE_LETTERS and (_has_images(page) or whole and _draws(page))]
    else:
        scanned = []
    if scanned:
        from .scan import read_pdf_scan

        looked = set(scanned)
        kept = [("" if i in looked else t.replace(_PAGE, " ")) for i, t in enumerate(texts, 1)]
        layer, encoding = _from_layer(kept, pages, _PAGE)
        return read_pdf_scan(data, layer.split(_PAGE), encoding, scanned, options, on_page,
                             has_text=_has_text([t for i, t in enumerate(texts, 1) if i not in looked]))
    if not _has_text(texts):
        raise IngestError(_("no text layer: scanned document"))
    text, encoding = _from_layer(texts, pages)
    # No PDF Title in metadata: in the corpus it is a file name ("Ke hoach 2005.doc"), a web site
    # or TCVN3 mojibake, never something the parser should prefer over the text.
    return Extracted(text, "pdf", encoding)


_PAGE = "\f"  # between pages while a mixed PDF's text layer is decoded as one text


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _has_images(page) -> bool:
    """Whether a page draws any image (a scan does; a blank page does not)."""
    try:
        return len(page.images) > 0
    except Exception:  # an image pypdf cannot list: let OCR look at the rendered page
        return True


def _draws(page) -> bool:
    """Whether a page has a content stream with anything in it."""
    try:
        contents = page.get_contents()
        return contents is not None and bool(contents.get_data().strip())
    except Exception:
        return True


def _has_text(texts: list[str]) -> bool:
    """Whether a text layer is worth reading: a few letters per page."""
    letters = _letters("".join(texts))
    return not (letters < 20 * max(1, min(len(texts), 3)) // 3 or letters < 10)


def _from_layer(texts: list[str], pages, sep: str = "\n\n") -> tuple[str, str | None]:
    """The text layer as one text, pages joined by ``sep``, legacy encodings converted."""
    from . import legacy

    text = sep.join(t.strip("\n") for t in texts)
    if legacy.guess(text, pdf=True):
        # .VnTime PDFs: plain mode splits words at glyph-width changes ("t ướng"); layout mode
        # (several times slower, so only here) keeps them whole.
        try:
            text = sep.join(_page_text(page) if t else "" for t, page in zip(texts, pages))
        except Exception:
            pass
    text, encoding = legacy.decode_text(text, pdf=True)
    if encoding:
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", join_split_syllables(text))
    return text, encoding


_COLUMN_GAP = re.compile(r" {5,}")


def _page_text(page) -> str:
    """Layout-mode text. It sets columns side by side with wide gaps, so a wide gap becomes a
    line break (the two-column header then reads as separate lines)."""
    try:
        raw = page.extract_text(extraction_mode="layout") or ""
    except Exception:
        raw = page.extract_text() or ""
    lines = []
    for line in raw.splitlines():
        for part in _COLUMN_GAP.split(line.strip()):
            lines.append(" ".join(part.split()))
    return "\n".join(lines)


# The same text layers put a space before closing punctuation ("năm ;", "4,9 %").
# Layout mode can also break such a line inside a word, at the gap: "ch\nỉ", "hiện\n;".
_SPACE_BEFORE_PUNCT = re.compile(r"(?<=\S)[ \n]+([;,.%)!?])(?=\s|$)", re.M)
_VOWEL_START = "aăâeêioôơuưyàằầèềìòồờùừỳáắấéếíóốớúứýảẳẩẻểỉỏổởủửỷãẵẫẽễĩõỗỡũữỹạặậẹệịọộợụựỵ"
_SPLIT = re.compile(
    r"(?<![^\W\d_])(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])[ \n]+([" + _VOWEL_START + r"][^\W\d_]*)",
    re.IGNORECASE,
)


def join_split_syllables(text: str) -> str:
    """Re-join syllables a .VnTime text layer split before a toned vowel ("v ùng" → "vùng"):
    a lone consonant cluster is never a Vietnamese word, so the join is safe when it makes one."""
    from .legacy import is_syllable

    def join(m: re.Match[str]) -> str:
        word = m.group(1) + m.group(2)
        return word if is_syllable(word) else m.group(0)

    return _SPLIT.sub(join, text)
