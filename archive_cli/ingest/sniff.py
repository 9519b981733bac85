"""What a file really is, from its first bytes: the name's extension is only a hint.

Offices save HTML as ``.doc``, RTF as ``.doc`` and PDFs under any name, so the magic number wins.
Formats we cannot read are named in the refusal, so the clerk knows what to convert.
"""
from __future__ import annotations

import io
import re

from ..errors import IngestError
from ..i18n import N_, _

# Extensions under which plain text (or HTML / Markdown) is accepted.
TEXT_SUFFIXES = {"", ".txt", ".text", ".md", ".markdown", ".htm", ".html", ".xhtml", ".doc", ".rtf"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}

#: Page images read with OCR (ocr.py): magic number → kind.
IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)
IMAGE_KINDS = {"png", "jpeg", "tiff"}

_UNSUPPORTED_MAGIC = (
    (b"GIF8", N_("a GIF image")),
    (b"MZ", N_("an executable program")),
    (b"\x7fELF", N_("an executable program")),
    (b"\xca\xfe\xba\xbe", N_("an executable program")),
    (b"\xcf\xfa\xed\xfe", N_("an executable program")),
    (b"\x1f\x8b", N_("a gzip archive")),
    (b"7z\xbc\xaf", N_("a 7-Zip archive")),
    (b"Rar!", N_("a RAR archive")),
    (b"%!PS", N_("a PostScript file")),
    (b"\x00\x00\x01\x00", N_("an icon image")),
    (b"ID3", N_("an audio file")),
    (b"OggS", N_("an audio file")),
    (b"fLaC", N_("an audio file")),
    (b"SQLite format 3", N_("an SQLite database")),
)
_HTML = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)


# A file named for a format we read whose bytes lack that format's signature is damaged (cut
# short, overwritten), not of an unsupported kind.
_DAMAGED_UNLESS_SIGNED = {
    ".pdf": "the PDF is damaged: it does not start as a PDF file does",
    ".docx": "the Word file is damaged: it is not the zip container a .docx file is",
}


def suffix_of(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().lower()
    return base[base.rfind("."):] if "." in base.lstrip(".") else ""


def sniff(name: str, data: bytes) -> str:
    """The format to read: pdf, png, jpeg, tiff, doc, docx, rtf, html, md or txt. Raises
    IngestError otherwise."""
    head = data[:1024]
    suffix = suffix_of(name)
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole_kind(data)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"{\\rtf"):
        return "rtf"
    for magic, kind in IMAGE_MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        raise IngestError(_("unsupported format: a WebP image (save scanned pages as PNG, JPEG or TIFF)"))
    for magic, what in _UNSUPPORTED_MAGIC:
        # Short magics that a sentence could start with ("MZ …", "ID3 …") count only in binary.
        if head.startswith(magic) and (len(magic) > 3 or b"\x00" in head[:256]):
            hint = _(" (save scanned pages as PNG, JPEG or TIFF)") if "image" in what else ""
            raise IngestError(_("unsupported format: {what}{hint}").format(what=_(what), hint=hint))
    if _HTML.match(_ascii_head(head)):
        return "html"
    if suffix in (".htm", ".html", ".xhtml") and b"<" in head:
        return "html"
    if suffix in _DAMAGED_UNLESS_SIGNED:  # the name says PDF or Word; the bytes say otherwise
        raise IngestError(_(_DAMAGED_UNLESS_SIGNED[suffix]))
    if suffix not in TEXT_SUFFIXES:
        raise IngestError(_("unsupported format {suffix}").format(suffix=suffix))
    return "md" if suffix in MARKDOWN_SUFFIXES else "txt"


def _ascii_head(head: bytes) -> bytes:
    """The first bytes with BOMs and UTF-16 NULs removed, to look for markup."""
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom):]
            break
    return head.replace(b"\x00", b"")


def _ole_kind(data: bytes) -> str:
    from .worddoc import ole_module

    olefile = ole_module()
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir()}
    except Exception:
        raise IngestError(_("the file is a damaged Office (OLE) file")) from None
    if "WordDocument" in streams:
        return "doc"
    if "Workbook" in streams or "Book" in streams:
        raise IngestError(_("unsupported format .xls (Excel spreadsheet)"))
    if "PowerPoint Document" in streams:
        raise IngestError(_("unsupported format .ppt (PowerPoint presentation)"))
    if "EncryptedPackage" in streams:
        raise IngestError(_("the Office document is password-protected (encrypted)"))
    raise IngestError(_("unsupported format: an Office (OLE) file that is not a Word document"))


def _zip_kind(data: bytes) -> str:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise IngestError(_("the file is a damaged zip container")) from None
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        raise IngestError(_("unsupported format .xlsx (Excel spreadsheet)"))
    if any(n.startswith("ppt/") for n in names):
        raise IngestError(_("unsupported format .pptx (PowerPoint presentation)"))
    if "content.xml" in names:
        raise IngestError(_("unsupported format: an OpenDocument file (save it as .docx)"))
    raise IngestError(_("unsupported format: a zip archive (unpack it and import the files)"))
