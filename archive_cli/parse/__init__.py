"""Text → ParsedDocument: metadata, outline with kinds, references (SPEC §4).

Public entry points:

- :func:`parse` reads a freshly extracted text (plain or Markdown) into a ParsedDocument whose
  ``body`` is clean Markdown with the outline as headings.
- :func:`from_store` rebuilds a ParsedDocument from a store file's front matter and body, so a
  body corrected by hand is re-read by ``archive reindex``.
- :func:`outline_from_markdown` and :func:`find_references` are the two halves of that.
"""
from __future__ import annotations

from typing import Any

from ..model import META_FIELDS, ParsedDocument, Reference, Section
from .simple import outline_from_markdown, parse_text, find_references

__all__ = ["parse", "from_store", "outline_from_markdown", "find_references"]


def _apply_hints(doc: ParsedDocument, hints: dict[str, Any] | None) -> ParsedDocument:
    for name in META_FIELDS:
        if hints and hints.get(name) not in (None, "", []):
            value = hints[name]
            if name == "issued":
                value = str(value)
            setattr(doc, name, value)
    return doc


def parse(text: str, *, markdown: bool = False, hints: dict[str, Any] | None = None) -> ParsedDocument:
    """Parse a document's text. ``hints`` (front matter, HTML metadata) win over the text."""
    doc = parse_text(text, markdown=markdown)
    return _apply_hints(doc, hints)


def from_store(meta: dict[str, Any], body: str) -> ParsedDocument:
    """Metadata from the front matter; outline and references re-read from the body."""
    preamble, sections = outline_from_markdown(body)
    doc = ParsedDocument(body=body, preamble=preamble, sections=sections,
                         references=find_references(body))
    return _apply_hints(doc, meta)


# Re-exported for type users.
_ = (Reference, Section)
