"""Where a stored body's original header ends.

The body keeps the document's own header (issuer cells, quốc hiệu, Số, place and date, type and
title) as one paragraph per cell, before the text proper ("Căn cứ …", the first heading). A plain
text export prints that header once, single-spaced as printed, instead of a generated one plus
the cells. The metadata reader decides where the header ends, exactly as at import; the result
is then found among the body's paragraphs by its words, since cleaning may reshape a cell.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_PARA_SPLIT = re.compile(r"\n[ \t]*\n")
_NON_WORD = re.compile(r"[\W_]+")
_MAX_HEADER_PARAGRAPHS = 60  # a "header" longer than this is a misreading: keep the body whole
_SCAN_PARAGRAPHS = 80


@dataclass
class HeaderZone:
    """``paragraphs`` of the original header (empty when none was found), ``title_at`` the index
    among them where the type line and title start (None when unknown), ``rest`` the body after."""

    paragraphs: list[str] = field(default_factory=list)
    title_at: int | None = None
    rest: str = ""


def _key(text: str) -> str:
    return _NON_WORD.sub("", text.casefold())


def header_zone(body: str) -> HeaderZone:
    """Split ``body`` (a store body) into its original header paragraphs and the rest."""
    from .clean import clean
    from .metadata import extract

    paras = [p for p in _PARA_SPLIT.split(body.strip()) if p.strip()]
    whole = HeaderZone([], None, body)
    # The header is near the top: reading only the first paragraphs gives the same answer
    # (checked on the corpus) at a fifth of the cost of reading a long document whole.
    head_text = "\n\n".join(paras[:_SCAN_PARAGRAPHS]) + "\n"
    try:
        cleaned = clean(head_text, markdown=True)
        meta = extract(cleaned, head_text)
    except Exception:  # noqa: BLE001 - an export must not fail on a header it cannot read
        return whole
    blocks = cleaned.blocks
    if not meta.body_start or meta.body_start >= len(blocks) or (meta.type_index is None and not meta.number):
        return whole
    key = next((k for k in (_key(b.text)[:40] for b in blocks[meta.body_start:meta.body_start + 3]) if k), "")
    if not key:
        return whole
    # A heading always ends the header. The text proper starts at the paragraph holding the
    # first body block; when its words also stand earlier (the authority line "THỦ TƯỚNG CHÍNH
    # PHỦ" repeats the issuer cell), the one nearest the block's own position wins: cleaning
    # keeps paragraphs nearly one to one.
    limit = min(len(paras), _MAX_HEADER_PARAGRAPHS + 1)
    heading = next((i for i in range(limit) if paras[i].lstrip().startswith("#")), limit)
    found = [i for i in range(1, min(heading, limit - 1) + 1) if key in _key(paras[i])]
    end = min(found, key=lambda i: abs(i - meta.body_start)) if found else (heading if heading < limit else None)
    if not end:
        return whole
    head = paras[:end]
    title_at = None
    if meta.type_index is not None and meta.type_index < len(blocks):
        tkey = _key(blocks[meta.type_index].text)[:40]
        if tkey:  # the cell that is the type line, else the first that holds it
            keys = [_key(p) for p in head]
            title_at = next((i for i, k in enumerate(keys) if k == tkey), None)
            if title_at is None:
                title_at = next((i for i, k in enumerate(keys) if tkey in k), None)
    return HeaderZone(head, title_at, "\n\n".join(paras[end:]) + "\n")


def opens_with(body: str, text: str | None) -> bool:
    """Whether the body's first paragraph (a heading or not) is ``text``, markup aside: a body
    without a header may open with the title, which a generated header need not repeat."""
    if not text:
        return False
    first = next((p for p in _PARA_SPLIT.split(body.strip()) if p.strip()), "")
    return bool(first) and _key(first.lstrip("#")) == _key(text)
