"""What a search, a listing or a reference lookup returns: plain data (SPEC §6 ``--json``)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Reference


@dataclass
class Hit:
    """One document in a result list."""

    id: str
    score: float
    title: str | None
    doc_type: str | None
    number: str | None
    issuer: str | None
    issued: str | None
    sections: list[str] = field(default_factory=list)  # kinds of the matched top-level sections
    section_headings: list[str] = field(default_factory=list)
    snippet: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    subtitle: str | None = None  # a generic Công văn's subject

    @classmethod
    def from_fields(cls, doc_id: str, score: float, f: dict) -> Hit:
        return cls(id=doc_id, score=score, title=f.get("title") or None,
                   doc_type=f.get("doc_type") or None, number=f.get("number") or None,
                   issuer=f.get("issuer") or None, issued=f.get("issued") or None,
                   subtitle=f.get("subtitle") or None)

    def to_dict(self, with_score: bool = True) -> dict:
        d = {"id": self.id, "title": self.title, "subtitle": self.subtitle, "doc_type": self.doc_type,
             "number": self.number, "issuer": self.issuer, "issued": self.issued}
        if with_score:
            d.update(score=round(self.score, 4), sections=self.sections, snippet=self.snippet,
                     terms=self.terms)
        return d


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[Hit]
    page: int = 1
    suggestions: list[str] = field(default_factory=list)  # corrected queries that have hits
    drop_filters: list[str] = field(default_factory=list)  # filters whose removal gives hits
    limit: int = 10  # results per page

    @property
    def first(self) -> int:
        """Position of this page's first hit in the whole result list (1-based)."""
        return (self.page - 1) * self.limit + 1

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.limit))

    @property
    def past_end(self) -> bool:
        """A page beyond the last one was asked for: there are hits, none on it."""
        return self.total > 0 and not self.hits and self.page > self.last_page

    def to_dict(self) -> dict:
        return {"query": self.query, "total": self.total, "page": self.page,
                "results": [h.to_dict() for h in self.hits],
                "suggestions": self.suggestions, "drop_filters": self.drop_filters}


@dataclass
class CitedDocument:
    reference: Reference
    ids: list[str]  # archived documents this reference resolves to


@dataclass
class RefsReport:
    id: str
    cites: list[CitedDocument]
    cited_by: list[Hit]
