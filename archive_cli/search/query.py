"""The search query language, parsed once into an engine-independent tree (SPEC §5).

    words            all must match (AND); typed without diacritics they match every accented form
    "a phrase"       the words standing together
    a OR b           either
    NOT word, -word  must not match
    field:value      title:, issuer:, number:, type:, tag:, year:, section: (value may be quoted)
    125/KH-UBND      a document number: that document first, then the documents citing it

Parsing is linear in the query length (the length itself is capped by the caller).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text.analysis import looks_like_number, number_key, tokens
from ..text.normalize import fold, normalize

MAX_QUERY_LENGTH = 1000

FIELDS = {"title", "issuer", "number", "type", "tag", "year", "section", "body"}


@dataclass(frozen=True)
class Word:
    """One syllable. ``exact`` when typed with diacritics: then only that form matches."""

    text: str  # exact view (normalised, lower case)
    exact: bool
    field: str | None = None  # "title", "issuer", "body" or None for anywhere

    @property
    def folded(self) -> str:
        return fold(self.text)


@dataclass(frozen=True)
class Phrase:
    """Words that must stand together, in order."""

    words: tuple[Word, ...]
    field: str | None = None


@dataclass(frozen=True)
class Number:
    key: str  # number_key() of the typed number
    raw: str


@dataclass(frozen=True)
class Not:
    node: "Node"


@dataclass(frozen=True)
class Or:
    nodes: tuple["Node", ...]


@dataclass(frozen=True)
class Filter:
    """field:value for metadata fields that filter rather than score (type, tag, year, section)."""

    field: str
    value: str


Node = Word | Phrase | Number | Not | Or | Filter


@dataclass
class Query:
    """A parsed query: a conjunction of clauses."""

    raw: str
    clauses: list[Node] = field(default_factory=list)

    def positive_words(self) -> list[Word]:
        """Words that should be highlighted (not under NOT)."""
        out: list[Word] = []

        def visit(node: Node) -> None:
            if isinstance(node, Word):
                out.append(node)
            elif isinstance(node, Phrase):
                out.extend(node.words)
            elif isinstance(node, Or):
                for n in node.nodes:
                    visit(n)

        for c in self.clauses:
            visit(c)
        return out

    def numbers(self) -> list[Number]:
        return [c for c in self.clauses if isinstance(c, Number)] + [
            n for c in self.clauses if isinstance(c, Or) for n in c.nodes if isinstance(n, Number)
        ]

    @property
    def is_empty(self) -> bool:
        return not any(not isinstance(c, (Not, Filter)) for c in self.clauses)


# A raw query token: optional -, optional field:, then a quoted string or a run of non-space.
_TOKEN_RE = re.compile(r'(?P<neg>-)?(?:(?P<field>[A-Za-z]+):)?(?:"(?P<quoted>[^"]*)"?|(?P<bare>[^\s"]+))')


def _words(text: str, field: str | None) -> list[Word]:
    from ..text.normalize import has_diacritics

    return [Word(t, has_diacritics(t), field) for t in tokens(text)]


def _term_node(text: str, field: str | None, quoted: bool) -> Node | None:
    if not quoted and field in (None, "number") and looks_like_number(text):
        return Number(number_key(text), text)
    if field == "number":
        return Number(number_key(text), text)
    words = _words(text, field)
    if not words:
        return None
    if len(words) == 1:
        return words[0]
    if quoted:
        return Phrase(tuple(words), field)
    # "covid-19", "v/v": one typed chunk that splits into several syllables stands together.
    return Phrase(tuple(words), field)


def parse_query(raw: str) -> Query:
    """Parse the user's query into clauses; unknown ``field:`` prefixes are read as words."""
    text = normalize(raw)[:MAX_QUERY_LENGTH]
    q = Query(raw=raw)
    pending_or = False
    negate_next = False
    for m in _TOKEN_RE.finditer(text):
        neg, fld, quoted, bare = m.group("neg"), m.group("field"), m.group("quoted"), m.group("bare")
        is_quoted = quoted is not None
        value = quoted if is_quoted else bare
        if fld and fld.lower() not in FIELDS:
            value, fld = f"{fld}:{value}", None
        fld = fld.lower() if fld else None
        if not is_quoted and not fld and not neg:
            if value == "OR":
                pending_or = bool(q.clauses)
                continue
            if value == "NOT":
                negate_next = True
                continue
            if value == "AND":
                continue
        if fld in ("type", "tag", "year", "section"):
            node: Node | None = Filter(fld, value.strip().lower() if fld == "section" else value.strip())
        else:
            node = _term_node(value, "body" if fld == "body" else fld, is_quoted)
        if node is None:
            continue
        if neg or negate_next:
            node = Not(node)
            negate_next = False
        if pending_or and q.clauses and not isinstance(node, Not):
            prev = q.clauses.pop()
            prev_nodes = prev.nodes if isinstance(prev, Or) else (prev,)
            node = Or(prev_nodes + (node,))
        pending_or = False
        q.clauses.append(node)
    return q
