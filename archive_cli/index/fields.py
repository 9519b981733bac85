"""A document turned into index terms, independent of the search engine.

Every text field is analysed here by :mod:`archive_cli.text.analysis` and handed to the engine as
space-separated terms, so the engine applies no analysis of its own and index and query can never
drift apart (and no analyzer class is pickled into the Whoosh index).
"""
from __future__ import annotations

import json
import re
from array import array
from dataclasses import dataclass, field

from ..doctypes import type_key
from ..model import Document
from ..text.analysis import folded, number_key, tokens
from ..text.normalize import folded_key
from .blocks import LITTLE, from_le_bytes, le_bytes

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
    spans: bytes  # section_spans(): where each top-level section's words are in all_f
    secmap: str = ""  # JSON [[kind, label, heading line]] of the top-level sections, for search views
    # Engine-specific postings of the term fields, filled by index.analyse_record in an import's
    # worker processes (then the strings above are emptied); empty: the writer analyses itself.
    analysed: dict = field(default_factory=dict)


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


def section_spans(kinds: list[str], starts: list[int], ends: list[int]) -> bytes:
    """Triples (kind, first position, position after the last) as unsigned 32-bit integers.

    Section-scoped search checks a word's positions in ``all_f`` against these, so the index
    needs no per-section terms (those were a third of all postings)."""
    out = array("I")
    for kind, a, b in zip(kinds, starts, ends):
        if kind in SECTION_KINDS and b > a:
            out.extend((SECTION_KINDS.index(kind), a, b))
    return le_bytes(out)


def _span_ints(raw: bytes) -> list[int]:
    return memoryview(raw).cast("I").tolist() if LITTLE else from_le_bytes("I", raw).tolist()


def decode_spans(raw: bytes) -> list[tuple[int, int, int]]:
    """:func:`section_spans` read back: (kind, first position, position after the last)."""
    a = _span_ints(raw)
    return list(zip(a[0::3], a[1::3], a[2::3]))


def spans_of_kind(raw: bytes, kind: int) -> list[tuple[int, int]]:
    """(first position, position after the last) of each section of ``kind`` (an index into
    SECTION_KINDS) in a spans value: what a section-scoped search checks, per document."""
    a = _span_ints(raw)
    return [(a[i + 1], a[i + 2]) for i in range(0, len(a), 3) if a[i] == kind]


def _body_pieces(head: str, body: str, secmap: str) -> tuple[list[list[str]], list[str]]:
    """The document's tokens in pieces: the head and preamble, then each top-level section
    (split at its heading line), with each section's kind. Splitting at line starts leaves the
    tokens unchanged, and all_f is the pieces joined, so the spans agree with it."""
    try:
        heads = json.loads(secmap) if secmap else []
    except ValueError:
        heads = []
    cuts, kinds, pos = [], [], 0
    for kind, _label, line in heads:
        at = body.find(line, pos)
        while at > 0 and body[at - 1] != "\n":  # a heading line starts a line
            at = body.find(line, at + 1)
        if at < 0:  # layout not understood: no section spans (as for a document without any)
            return [tokens(head + "\n" + body)], []
        cuts.append(at)
        kinds.append(kind)
        pos = at + len(line)
    bounds = [0, *cuts, len(body)]
    pieces = [tokens(head + "\n" + body[:bounds[1]])]
    pieces += [tokens(body[a:b]) for a, b in zip(bounds[1:], bounds[2:])]
    return pieces, kinds


def _spans_by_headings(words: list[str], sections) -> tuple[list[str], list[int], list[int]]:
    """Fallback when the body's Markdown headings do not line up with the parsed sections:
    each section starts where its heading's words next stand in the document's words."""
    kinds, starts, cursor = [], [], 0
    for sec in sections:
        head = tokens(sec.heading or "")
        at = _find_run(words, head, cursor) if head else -1
        if at >= 0:
            kinds.append(sec.kind)
            starts.append(at)
            cursor = at + len(head)
    return kinds, starts, starts[1:] + [len(words)]


def _find_run(words: list[str], run: list[str], start: int) -> int:
    first, n = run[0], len(run)
    for i in range(start, len(words) - n + 1):
        if words[i] == first and words[i:i + n] == run:
            return i
    return -1


def head_text(title: str, doc_type: str, number: str, issuer: str) -> str:
    """What all_x/all_f index before the body: the title, type, number and issuer."""
    return " ".join(x for x in (title, doc_type, number, issuer) if x)


def head_length(stored: dict) -> int:
    """How many of all_f's words (from position 0) are the head, from a hit's stored fields."""
    return len(tokens(head_text(*(stored.get(k) or "" for k in ("title", "doc_type", "number", "issuer")))))


def record_for(doc: Document, stamp: str) -> IndexRecord:
    p = doc.parsed
    title = p.title or ""
    head = head_text(title, p.doc_type or "", p.number or "", p.issuer or "")
    secmap = section_map(doc)
    pieces, kinds = _body_pieces(head, p.body, secmap)
    body_toks = [t for piece in pieces for t in piece]
    body_f = folded(body_toks)
    starts, ends, n = [], [], len(pieces[0])
    for piece in pieces[1:]:
        starts.append(n)
        n += len(piece)
        ends.append(n)
    if not kinds and any(sec.kind in SECTION_KINDS for sec in p.sections):
        kinds, starts, ends = _spans_by_headings(body_toks, p.sections)
    title_toks = folded(tokens(title))
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
        spans=section_spans(kinds, starts, ends),
        secmap=secmap,
    )
