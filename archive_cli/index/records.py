"""What the archive hands an index: a document as plain values, analysed once for every engine.

A record carries the stored fields a result list shows, the keys filters match on, and the
document's words as *passages*: the title, each head line, the preamble and each top-level
section, in order, with the section's kind. Words are analysed by :mod:`archive_cli.text.analysis`
(the same functions the query side uses), so an engine needs no analysis of its own: it indexes
each word's exact view and, where it differs, its folded view at the same position, and keeps
passages apart so that a phrase never runs from one into the next.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..doctypes import type_key
from ..model import Document, Section
from ..text.analysis import fold_token, number_key, tokens
from ..text.normalize import folded_key

#: Section kinds a search can be limited to (SPEC §5 ``--section``).
SECTION_KINDS = ("purpose", "content", "implementation")

#: Passage kinds that are not sections: what every search sees but no section scope does.
TITLE, HEAD, PREAMBLE, OTHER = "title", "head", "preamble", "other"


@dataclass(frozen=True)
class Passage:
    """A stretch of the document a phrase stays inside: its kind and its words, exact view
    (normalised, lower case, canonical tone placement), in order, separated by spaces (one
    string rather than a tuple of words: a tenth of the memory while an import holds a batch,
    and of the bytes a worker process sends)."""

    kind: str
    text: str

    @property
    def words(self) -> list[str]:
        return self.text.split()

    @property
    def folded(self) -> list[str]:
        """The folded view, word for word (no diacritics, đ → d)."""
        return [fold_token(w) for w in self.text.split()]


@dataclass
class IndexRecord:
    """One document as an index receives it. Plain values only: no engine types."""

    id: str
    stamp: str  # the store file's stamp when it was read: tells check whether the index is stale
    # shown in result lists without opening the store
    title: str
    doc_type: str
    number: str
    issuer: str
    issued: str  # ISO date or ""
    sha256: str
    # what filters match on (folded keys)
    type_key: str
    year: str
    tags: tuple[str, ...]
    issuer_words: tuple[str, ...]
    number_keys: tuple[str, ...]
    cites: tuple[str, ...]  # number keys of the documents the text cites
    kinds: tuple[str, ...]  # section kinds present (of SECTION_KINDS)
    passages: list[Passage] = field(default_factory=list)
    #: JSON [[kind, label, heading line]] of the top-level sections as the stored body prints
    #: them, so a result list can tell which sections matched without parsing the document;
    #: "" when the body's headings do not line up with the sections.
    outline: str = ""
    #: a generic Công văn's subject (issue 18), shown beside the title in result lists
    subtitle: str = ""
    ocr: bool = False  # its text was read with OCR (stats counts these)

    @property
    def stored(self) -> dict[str, str]:
        """The fields a hit carries back."""
        return {"id": self.id, "stamp": self.stamp, "title": self.title, "doc_type": self.doc_type,
                "number": self.number, "issuer": self.issuer, "issued": self.issued,
                "sha256": self.sha256, "outline": self.outline, "subtitle": self.subtitle,
                "ocr": "1" if self.ocr else ""}


def _section_words(section: Section) -> list[str]:
    """The words of a section as its Markdown body prints them: number, heading, text, then
    its sub-sections' words."""
    out = tokens(f"{section.number or ''} {section.heading}\n{section.text}")
    for child in section.children:
        out.extend(_section_words(child))
    return out


def passages_of(doc: Document) -> list[Passage]:
    """Title, head lines (type, number, issuer), preamble, then one passage per top-level
    section with its kind ("other" for kinds a search cannot be limited to)."""
    p = doc.parsed
    # A generic Công văn's subject is found as its title is ("V/v chính sách thuế" + what about).
    out = [Passage(TITLE, " ".join(tokens(" ".join(x for x in (p.title, p.subtitle) if x))))]
    out += [Passage(HEAD, " ".join(tokens(v))) for v in (p.doc_type, p.number, p.issuer) if v]
    out.append(Passage(PREAMBLE, " ".join(tokens(p.preamble))))
    for s in p.sections:
        out.append(Passage(s.kind if s.kind in SECTION_KINDS else OTHER, " ".join(_section_words(s))))
    # The closing block (signer, recipients) is searchable, but lies in no section.
    out.append(Passage(OTHER, " ".join(tokens(p.closing))))
    return [x for x in out if x.text]


_MD_HEADING_RE = re.compile(r"^(#{1,6})[ \t]+\S.*$", re.M)


def outline_of(doc: Document) -> str:
    """The top-level sections' kinds, labels and heading lines (see ``IndexRecord.outline``)."""
    from ..export import number_label

    p = doc.parsed
    heads = [(len(m.group(1)), m.group(0)) for m in _MD_HEADING_RE.finditer(p.body)]
    if not heads or not p.sections:
        return json.dumps([])
    top = min(d for d, _line in heads)
    lines = [line for d, line in heads if d == top]
    if len(lines) != len(p.sections):
        return ""
    return json.dumps([[s.kind, " ".join(x for x in (number_label(s), s.heading) if x), line]
                       for s, line in zip(p.sections, lines)], ensure_ascii=False)


def record_for(doc: Document, stamp: str) -> IndexRecord:
    p = doc.parsed
    number = p.number or ""
    cited = sorted({number_key(r.number) for r in p.references if r.number})
    return IndexRecord(
        id=doc.id,
        stamp=stamp,
        title=p.title or "",
        doc_type=p.doc_type or "",
        number=number,
        issuer=p.issuer or "",
        issued=p.issued or "",
        sha256=doc.source.sha256,
        type_key=type_key(p.doc_type),
        year=(p.issued or "")[:4],
        tags=tuple(dict.fromkeys(folded_key(t) for t in doc.tags if folded_key(t))),
        issuer_words=tuple(fold_token(w) for w in tokens(p.issuer or "")),
        number_keys=(number_key(number),) if number else (),
        cites=tuple(cited),
        kinds=tuple(k for k in SECTION_KINDS if any(s.kind == k for s in p.sections)),
        passages=passages_of(doc),
        outline=outline_of(doc),
        subtitle=p.subtitle or "",
        ocr=bool(doc.source.ocr),
    )
