"""A document turned into index terms, independent of the search engine.

Every text field is analysed here by :mod:`archive_cli.text.analysis` and handed to the engine as
space-separated terms, so the engine applies no analysis of its own and index and query can never
drift apart (and no analyzer class is pickled into the Whoosh index).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..doctypes import type_key
from ..model import Document, Section
from ..text.analysis import bigrams, folded, number_key, tokens
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
    all_b: str
    title_f: str
    title_b: str
    number_keys: str
    cites: str
    sec: dict[str, str]


def _section_text(section: Section) -> str:
    parts = [f"{section.number or ''} {section.heading}", section.text]
    for child in section.children:
        parts.append(_section_text(child))
    return "\n".join(parts)


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
            sec[s.kind].append(_section_text(s))
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
        all_b=" ".join(bigrams(body_f)),
        title_f=" ".join(title_toks),
        title_b=" ".join(bigrams(title_toks)),
        number_keys=number_key(number) if number else "",
        cites=" ".join(sorted(cited)),
        sec={k: " ".join(folded(tokens("\n".join(v)))) for k, v in sec.items()},
    )
