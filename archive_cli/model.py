"""The document model shared by ingest, parse, store, index and the views (SPEC §4)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: The canonical kinds of a top-level section (SPEC §4).
KINDS = ("purpose", "content", "implementation", "other")


@dataclass
class Section:
    """One node of a document's outline.

    ``number`` is the numbering as printed without trailing punctuation ("I", "1", "4.1", "a",
    "Điều 2", "Chương II"; None for unnumbered headings). ``heading`` is the heading text as
    printed (without the number). ``text`` is the section's own text up to its first child.
    """

    number: str | None
    heading: str
    kind: str = "other"
    level: str = ""  # phan, chuong, muc, dieu, roman, arabic, arabic2, arabic3, letter, dash, plus, md
    text: str = ""
    children: list[Section] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "heading": self.heading,
            "kind": self.kind,
            "text": self.text,
            "children": [c.to_dict() for c in self.children],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Section:
        return cls(
            number=d.get("number"),
            heading=d.get("heading") or "",
            kind=d.get("kind") or "other",
            level=d.get("level") or "",
            text=d.get("text") or "",
            children=[cls.from_dict(c) for c in d.get("children") or []],
        )

    def walk(self):
        """Yield this section and all its descendants, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Reference:
    """A document cited in the text. ``number`` is None for bare references without a symbol
    ("Chỉ thị 15, 16, 19"), whose bare numbers go into ``numbers``."""

    doc_type: str | None
    number: str | None
    issued: str | None = None  # ISO date
    issuer: str | None = None
    span: str = ""  # the cited text as it stands in the document
    numbers: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Reference:
        return cls(
            doc_type=d.get("doc_type"),
            number=d.get("number"),
            issued=d.get("issued"),
            issuer=d.get("issuer"),
            span=d.get("span") or "",
            numbers=list(d.get("numbers") or []),
        )


@dataclass
class Source:
    """Where a document came from. ``ocr`` is set when pages were read with OCR: engine and
    version, language, mean word confidence (0–100), pages read and which."""

    filename: str
    format: str  # txt, md, html, docx, doc, pdf, rtf, png, jpeg, tiff
    encoding: str | None
    sha256: str
    size: int
    imported: str  # ISO timestamp (UTC)
    ocr: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ParsedDocument:
    """What the parser makes of a text: metadata, a clean Markdown body, outline, references.

    ``body`` is clean Markdown in which the outline's headings are Markdown headings (``#`` per
    depth); reading it back with ``parse.outline_from_markdown`` gives the same ``sections``.
    ``preamble`` is the text before the first section (legal bases "Căn cứ …").
    """

    doc_type: str | None = None
    number: str | None = None
    issuer: str | None = None
    place: str | None = None
    issued: str | None = None
    title: str | None = None
    title_source: str | None = None  # where the title came from: document, portal, heading, first_line
    subtitle: str | None = None  # the subject of a Công văn whose V/v line is generic
    signer: str | None = None
    signer_title: str | None = None  # authority and office, e.g. "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"
    recipients: list[str] = field(default_factory=list)
    urgency: str | None = None
    secrecy: str | None = None
    published: str | None = None  # web posting date, for reposts
    language: str = "vi"
    body: str = ""
    preamble: str = ""
    sections: list[Section] = field(default_factory=list)
    #: The closing block(s): place and date, Nơi nhận, authority, office and signer. They stand in
    #: the body between closing markers (:mod:`archive_cli.closing_marks`), in
    #: their place, and belong to no section.
    closing: str = ""
    references: list[Reference] = field(default_factory=list)


#: Metadata fields kept in the store's front matter, in display order.
META_FIELDS = (
    "doc_type", "number", "issuer", "place", "issued", "title", "title_source", "subtitle", "signer", "signer_title",
    "recipients", "urgency", "secrecy", "published", "language",
)


@dataclass
class Document:
    """A document in the archive: the parsed document plus identity, source and tags."""

    id: str
    parsed: ParsedDocument
    source: Source
    tags: list[str] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        # Metadata reads straight through: doc.title, doc.number, doc.sections …
        if name != "parsed" and "parsed" in self.__dict__:
            return getattr(self.__dict__["parsed"], name)
        raise AttributeError(name)

    def to_dict(self) -> dict[str, Any]:
        """The whole document as SPEC §6 `show --json` prints it."""
        p = self.parsed
        d: dict[str, Any] = {"id": self.id}
        for name in META_FIELDS:
            d[name] = getattr(p, name)
        d["tags"] = list(self.tags)
        d["source"] = self.source.to_dict()
        d["references"] = [r.to_dict() for r in p.references]
        d["preamble"] = p.preamble
        d["sections"] = [s.to_dict() for s in p.sections]
        d["closing"] = p.closing
        d["body"] = p.body
        return d
