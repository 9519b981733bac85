"""What a search asks of an index, as engine-neutral nodes.

The query language (:mod:`archive_cli.search.query`) is planned into these by
:mod:`archive_cli.search.planner`; each engine compiles them into its own queries (the Whoosh
engine into ``whoosh.query`` objects). Words arrive analysed: ``word`` is an exact view when
``exact``, else a folded view, and an engine indexes both views of every word at the same
position, so it never needs to know which one it was given except to report it.

Fields a node can name:

- ``text``: every word of the document (title, head lines, preamble, sections);
- ``title``, ``issuer``: the words of those fields only;
- keys (``Key``): ``id``, ``number`` (number keys), ``cites`` (number keys cited), ``type``, ``year``,
  ``tag``, ``issuer_word`` (folded issuer words), ``kind`` (section kinds present);
- ``issued`` (``Range``): the ISO date.
"""
from __future__ import annotations

from dataclasses import dataclass

TEXT_FIELDS = ("text", "title", "issuer")
KEY_FIELDS = ("id", "number", "cites", "type", "year", "tag", "issuer_word", "kind")


@dataclass(frozen=True)
class Word:
    """A word in a text field; scored."""

    word: str
    field: str = "text"
    exact: bool = False
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Words standing side by side, in order, inside one passage of a text field; scored."""

    words: tuple[str, ...]
    field: str = "text"
    boost: float = 1.0


@dataclass(frozen=True)
class Key:
    """A whole-value key of a document (its number, type, a tag …); scored as ``boost``."""

    field: str
    value: str
    boost: float = 1.0


@dataclass(frozen=True)
class Range:
    """``lo <= value <= hi`` on an ordered key (``issued``)."""

    field: str
    lo: str
    hi: str


@dataclass(frozen=True)
class All:
    nodes: tuple


@dataclass(frozen=True)
class Any:
    nodes: tuple


@dataclass(frozen=True)
class Not:
    """Inside ``All``: removes the documents ``node`` matches."""

    node: object


@dataclass(frozen=True)
class Every:
    """Every document."""


@dataclass(frozen=True)
class InSection:
    """``node`` (a Word or Phrase of the ``text`` field) standing inside a top-level section of
    ``kind`` (one of :data:`~archive_cli.index.records.SECTION_KINDS`); a phrase as one
    occurrence inside one section."""

    node: object
    kind: str


@dataclass(frozen=True)
class Search:
    """A whole request: ``query`` ranks, ``filters`` (unscored) restrict."""

    query: object
    filters: object | None = None


def has_section(node) -> bool:
    """Whether an ``InSection`` stands anywhere under ``node``."""
    if isinstance(node, InSection):
        return True
    if isinstance(node, (All, Any)):
        return any(has_section(n) for n in node.nodes)
    return False
