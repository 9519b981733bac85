"""Reading files into text: read → decode → extract (SPEC §3, §7).

The one entry point is :func:`extract`: bytes of one file in, an :class:`Extracted` out, or an
:class:`~archive_cli.errors.IngestError` whose message is one sentence saying why.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import IngestError
from ..text.normalize import nfc

SUPPORTED = (".txt", ".md", ".markdown")


@dataclass
class Extracted:
    """The text of one file. ``metadata`` holds front-matter (or HTML/DOCX) fields that the parser
    should prefer over what it finds in the text; ``markdown`` says the text is Markdown."""

    text: str
    format: str
    encoding: str | None
    metadata: dict[str, Any] = field(default_factory=dict)
    markdown: bool = False


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        raise IngestError("the bytes are not valid UTF-8 text") from None


def extract(name: str, data: bytes) -> Extracted:
    """Turn one file's bytes into text. ``name`` is the file name (used for the format hint)."""
    if not data.strip():
        raise IngestError("the file is empty")
    if b"\x00" in data[:4096]:
        raise IngestError("the file is binary, not a text document")
    lower = name.lower()
    suffix = lower[lower.rfind("."):] if "." in lower else ""
    if suffix not in SUPPORTED:
        raise IngestError(f"unsupported format {suffix or '(no extension)'}")
    text, encoding = _decode(data)
    text = nfc(text)
    if suffix in (".md", ".markdown"):
        from .frontmatter import split_front_matter

        meta, body = split_front_matter(text)
        return Extracted(body, "md", encoding, meta, markdown=True)
    return Extracted(text, "txt", encoding)
