"""Text → ParsedDocument: metadata, outline with kinds, references (SPEC §4).

Public entry points:

- :func:`parse` reads a freshly extracted text (plain or Markdown) into a ParsedDocument whose
  ``body`` is clean Markdown with the outline as headings.
- :func:`from_store` rebuilds a ParsedDocument from a store file's front matter and body, so a
  body corrected by hand is re-read by ``archive reindex``.
- :func:`outline_from_markdown` and :func:`find_references` are the two halves of that.

The pipeline is clean (:mod:`.clean`: chrome cut, lines joined) → header metadata
(:mod:`.metadata`, names in :mod:`.names`) and closing blocks (:mod:`.closing`) → Markdown body
(:mod:`.outline`) → sections read back from that very body, with kinds (:mod:`.kinds`), so
``parse`` and ``from_store`` agree by construction → references (:mod:`.references`). Shared
regular expressions and tables live in :mod:`.patterns`.
"""
from __future__ import annotations

import re
from typing import Any

from ..model import META_FIELDS, ParsedDocument, Reference, Section
from ..text.normalize import fix_lookalikes, nfc
from .clean import clean
from .metadata import extract
from .outline import closing_from_markdown, outline_from_markdown, render_body
from .references import find_references

__all__ = ["parse", "from_store", "outline_from_markdown", "closing_from_markdown", "find_references"]


def _hint_date(value: Any) -> str | None:
    """A front-matter date (YAML date, ISO text, "15/3/2024", "ngày 15 tháng 3 năm 2024") as ISO."""
    import datetime
    import re

    from .patterns import find_date, iso_date

    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    return iso_date(m.group(3), m.group(2), m.group(1)) if m else find_date(text)


def _apply_hints(doc: ParsedDocument, hints: dict[str, Any] | None) -> ParsedDocument:
    """Front-matter fields win over the text, once they have the field's type: a date is
    stored as ISO or not at all; lists and mappings are not accepted for text fields."""
    for name in META_FIELDS:
        if not hints or hints.get(name) in (None, "", []):
            continue
        value = hints[name]
        if name == "issued":
            value = _hint_date(value)
        elif name == "recipients":
            value = [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
        elif isinstance(value, (dict, list, tuple, set)):
            value = None
        elif not isinstance(value, str):
            value = str(value)
        if value not in (None, "", []):
            setattr(doc, name, value)
    return doc


_LOOKALIKE_RE = re.compile("[\u00d0\u00f0\u00a0\u2007\u202f\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def _parse(text: str, markdown: bool) -> ParsedDocument:
    text = nfc(text)
    if _LOOKALIKE_RE.search(text):  # str.translate is slow on long texts; most need nothing
        text = fix_lookalikes(text)
    cleaned = clean(text, markdown=markdown)
    meta = extract(cleaned, text)
    body = render_body(cleaned.blocks, closing=meta.closing, body_start=meta.body_start,
                       english=meta.language == "en")
    preamble, sections = outline_from_markdown(body)
    return ParsedDocument(
        doc_type=meta.doc_type, number=meta.number, issuer=meta.issuer, place=meta.place,
        issued=meta.issued, title=meta.title, title_source=meta.title_source,
        subtitle=meta.subtitle, signer=meta.signer, signer_title=meta.signer_title,
        recipients=meta.recipients, urgency=meta.urgency, secrecy=meta.secrecy,
        published=meta.published, language=meta.language, body=body, preamble=preamble,
        sections=sections, closing=closing_from_markdown(body), references=find_references(body, exclude=meta.number),
    )


def _fallback(text: str) -> ParsedDocument:
    # Last resort for text that trips a rule: keep every line, headings escaped, no metadata.
    lines = [("\\" + ln.lstrip() if ln.lstrip().startswith(("#", "```", "~~~")) else ln)
             for ln in str(text).splitlines()]
    body = "\n".join(lines).strip() + "\n"
    preamble, sections = outline_from_markdown(body)
    return ParsedDocument(body=body, preamble=preamble, sections=sections)


def parse(text: str, *, markdown: bool = False, hints: dict[str, Any] | None = None) -> ParsedDocument:
    """Parse a document's text. ``hints`` (front matter, HTML metadata) win over the text.

    Never raises on any text: an unexpected failure gives the text back as body, unparsed."""
    try:
        doc = _parse(text, markdown)
    except Exception:  # noqa: BLE001 - a parser bug must not stop a 100k-document import
        doc = _fallback(text)
    return _apply_hints(doc, hints)


def from_store(meta: dict[str, Any], body: str) -> ParsedDocument:
    """Metadata from the front matter; outline and references re-read from the body."""
    preamble, sections = outline_from_markdown(body)
    number = meta.get("number") if isinstance(meta.get("number"), str) else None
    doc = ParsedDocument(body=body, preamble=preamble, sections=sections, closing=closing_from_markdown(body),
                         references=find_references(body, exclude=number))
    return _apply_hints(doc, meta)


def metadata_from_store(meta: dict[str, Any]) -> ParsedDocument:
    """Only the metadata of a store file's front matter, read as :func:`from_store` reads it."""
    return _apply_hints(ParsedDocument(), meta)


# Re-exported for type users.
_ = (Reference, Section)
