"""Plain text and Markdown files: decode (detect.py), then split Markdown front matter."""
from __future__ import annotations

from ..text.normalize import nfc
from . import Extracted
from .detect import decode


def read_text(data: bytes, markdown: bool = False) -> Extracted:
    """A .txt or .md file's text; Markdown front matter goes to metadata (safe YAML only)."""
    text, encoding = decode(data)
    text = nfc(text)
    if markdown:
        from .frontmatter import split_front_matter

        meta, body = split_front_matter(text.replace("\r\n", "\n"))
        return Extracted(body, "md", encoding, meta, markdown=True)
    return Extracted(text, "txt", encoding)
