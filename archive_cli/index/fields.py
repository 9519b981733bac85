"""A document turned into index terms, independent of the search engine.

Every text field is analysed here by :mod:`archive_cli.text.analysis` and handed to the engine as
space-separated terms, so the engine applies no analysis of its own and index and query can never
drift apart (and no analyzer class is pickled into the Whoosh index).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..doctypes import type_key
from ..model import Document
from ..snippets import section_text
from ..text.analysis import folded, number_key, tokens
from ..text.normalize import folded_key

SECTION_KINDS = ("purpose", "content", "implementation")


@dataclass
class IndexRecord:
    id: str
    stamp: str
    # stored for listing without opening the store
    title: str
    doc_type: str
    number: str
    issuer: str
    issued: str
    sha256: str
    # filters
    type_key: str
    year: str
    tags: str
    issuer_f: str
    # terms, space separated
    all_x: str
    all_f: str
    title_f: str
    number_keys: str
    cites: str
    sec: dict[str, str]
    secmap: str = ""  # JSON [[kind, label, heading line]] of the top-level sections, for search views


_MD_HEADING_RE = re.compile(r"^(#{1,6})[ \t]+\S.*$", re.M)


def section_map(doc: Document) -> str:
    """The top-level sections' kinds, labels and heading lines, so a search can tell which
    sections matched from the stored body alone, without re-parsing the document."""
    from ..export import number_label

    p = doc.parsed
    heads = [(len(m.group(1)), m.group(0)) for m in _MD_HEADING_RE.finditer(p.body)]
    if not heads or not p.sections:
        return json.dumps([])
    top = min(d for d, _line in heads)
    lines = [line for d, line in heads if d == top]
    if len(lines) != len(p.sections):
        return ""  # unknown layout: the search view falls back to parsing the stored document
    return json.dumps([[s.kind, " ".join(x for x in (number_label(s), s.heading) if x), line]
                       for s, line in zip(p.sections, lines)], ensure_ascii=False)


def record_for(doc: Document, stamp: str) -> IndexRecord:
    p = doc.parsed
    title = p.title or ""
    head = " ".join(x for x in (title, p.doc_type or "", p.number or "", p.issuer or "") if x)
    body_toks = tokens(head + "\n" + p.body)
    body_f = folded(body_toks)
    title_toks = folded(tokens(title))
    sec: dict[str, list[str]] = {k: [] for k in SECTION_KINDS}
    for s in p.sections:
        if s.kind in sec:
            sec[s.kind].append(section_text(s))
    cited = {number_key(r.number) for r in p.references if r.number}
    number = p.number or ""
    return IndexRecord(
        id=doc.id,
        stamp=stamp,
        title=title,
        doc_type=p.doc_type or "",
        number=number,
        issuer=p.issuer or "",
        issued=p.issued or "",
        sha256=doc.source.sha256,
        type_key=type_key(p.doc_type),
        year=(p.issued or "")[:4],
        tags=",".join(folded_key(t) for t in doc.tags),
        issuer_f=" ".join(folded(tokens(p.issuer or ""))),
        all_x=" ".join(body_toks),
        all_f=" ".join(body_f),
        title_f=" ".join(title_toks),
        number_keys=number_key(number) if number else "",
        cites=" ".join(sorted(cited)),
        sec={k: " ".join(folded(tokens("\n".join(v)))) for k, v in sec.items()},
        secmap=section_map(doc),
    )
