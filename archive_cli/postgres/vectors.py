"""A record's words as PostgreSQL ``tsvector`` values, and query words as ``tsquery`` values.

Pure functions: the analysis is done in Python by :mod:`archive_cli.text.analysis` (the same
functions the Whoosh engine and the query side use), so PostgreSQL never stems, lowercases or
folds anything; it stores the words it is given. Each word is indexed under its exact view and,
where it differs, its folded view at the same position, as in the Whoosh engine, so exact and
unaccented words and phrases that mix the two are matched by one vector.

Two shapes per document:

- a *document vector* of every word, weighted for ranking (title words above body words, an
  exact view above a folded one) and used to find candidates; PostgreSQL keeps positions only
  up to 16,383 and 256 per word, so it is never asked about word order;
- *chunks*: each passage cut into pieces short enough that every position is exact; phrases and
  section scope are matched in chunks, so a phrase never runs from one passage into the next.
  Consecutive chunks of a passage overlap by :data:`OVERLAP` words, so a phrase of up to
  ``OVERLAP + 1`` words that crosses a cut is still found whole in one chunk.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..index.records import TITLE, IndexRecord, Passage
from ..text.analysis import fold_token

#: PostgreSQL's limits: positions 1..16383, 256 positions per word, words under 2 KiB, and
#: about 1 MiB of distinct words in one vector.
MAX_POS = 16383
MAX_POSITIONS = 255
MAX_LEXEME_BYTES = 2046
MAX_VECTOR_BYTES = 900_000

#: Words in a chunk, and words repeated from the end of one chunk at the start of the next.
CHUNK_WORDS = 2048
OVERLAP = 64
#: Positions between passages in the document's numbering (what re-ranking sees): words of two
#: passages are never side by side.
GAP = 16

# weights: A title word as written, C its folded view; B body word as written, D its folded view
W_TITLE, W_TITLE_FOLDED, W_BODY, W_BODY_FOLDED = "A", "C", "B", "D"
#: ts_rank's weights, in its order {D, C, B, A}: title 2, body 1, a folded view half its word.
RANK_WEIGHTS = [0.25, 0.5, 0.5, 1.0]


def usable(word: str) -> bool:
    """Whether PostgreSQL can hold ``word`` as a lexeme (no NUL, under its length limit)."""
    return bool(word) and "\x00" not in word and len(word.encode("utf-8")) <= MAX_LEXEME_BYTES


def quote(word: str) -> str:
    """``word`` as a quoted lexeme of a tsvector or tsquery literal."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _literal(entries: dict[str, dict[int, str]]) -> str:
    """``{word: {position: weight}}`` → a tsvector literal (weights "" for D)."""
    out = []
    size = 0
    for word, where in entries.items():
        size += len(word.encode("utf-8")) + 8
        if size > MAX_VECTOR_BYTES:  # a garbled text of that many distinct words: keep the first
            break
        pos = ",".join(f"{p}{'' if w == 'D' else w}" for p, w in sorted(where.items())[:MAX_POSITIONS])
        out.append(f"{quote(word)}:{pos}" if pos else quote(word))
    return " ".join(out)


_STRENGTH = "DCBA"


def _add(entries: dict[str, dict[int, str]], word: str, pos: int, weight: str) -> None:
    """``word`` at ``pos``; where two occurrences meet at one (clamped) position, the stronger
    weight stays."""
    if not usable(word):
        return
    where = entries.setdefault(word, {})
    old = where.get(pos)
    if old is None:
        if len(where) < MAX_POSITIONS:
            where[pos] = weight
    elif _STRENGTH.index(weight) > _STRENGTH.index(old):
        where[pos] = weight


def words_vector(words: list[str], exact_weight: str = "D", folded_weight: str = "D") -> str:
    """A vector of ``words`` at positions 1, 2, … (clamped), each word under both views."""
    entries: dict[str, dict[int, str]] = {}
    for i, w in enumerate(words, 1):
        pos = min(i, MAX_POS)
        _add(entries, w, pos, exact_weight)
        f = fold_token(w)
        if f != w:
            _add(entries, f, pos, folded_weight)
    return _literal(entries)


def document_vector(passages: list[Passage]) -> str:
    """Every word of the document, weighted for ranking (positions clamped: see the module)."""
    entries: dict[str, dict[int, str]] = {}
    pos = 0
    for p in passages:
        exact_w, folded_w = (W_TITLE, W_TITLE_FOLDED) if p.kind == TITLE else (W_BODY, W_BODY_FOLDED)
        for w in p.text.split():
            pos += 1
            at = min(pos, MAX_POS)
            _add(entries, w, at, exact_w)
            f = fold_token(w)
            if f != w:
                _add(entries, f, at, folded_w)
        pos += GAP
    return _literal(entries)


@dataclass(frozen=True)
class Chunk:
    kind: str
    #: the position of the chunk's first word in the document's numbering (passages ``GAP``
    #: apart), so positions from different chunks compare
    start: int
    vector: str


def _cuts(words: list[str]) -> list[tuple[int, int]]:
    """(first, end) word indexes of a passage's chunks: at most CHUNK_WORDS words, and never a
    word (either view) more than MAX_POSITIONS times, each chunk starting OVERLAP words before
    the previous one ended."""
    cuts = []
    lo = 0
    n = len(words)
    while lo < n:
        counts: dict[str, int] = {}
        hi = lo
        while hi < n and hi - lo < CHUNK_WORDS:
            w = words[hi]
            f = fold_token(w)
            if counts.get(w, 0) >= MAX_POSITIONS or counts.get(f, 0) >= MAX_POSITIONS:
                break
            counts[w] = counts.get(w, 0) + 1
            if f != w:
                counts[f] = counts.get(f, 0) + 1
            hi += 1
        cuts.append((lo, hi))
        if hi >= n:
            break
        lo = max(hi - OVERLAP, lo + 1)
    return cuts


def chunks_of(passages: list[Passage]) -> list[Chunk]:
    out = []
    pos = 0
    for p in passages:
        words = p.text.split()
        for lo, hi in _cuts(words):
            out.append(Chunk(p.kind, pos + lo, words_vector(words[lo:hi])))
        pos += len(words) + GAP
    return out


def record_vectors(r: IndexRecord) -> tuple[str, str, str, list[Chunk]]:
    """(document vector, title vector, issuer vector, chunks) of a record."""
    from ..text.analysis import tokens

    title_words = [w for p in r.passages if p.kind == TITLE for w in p.text.split()]
    return (document_vector(r.passages),
            words_vector(title_words, W_TITLE, W_TITLE_FOLDED),
            words_vector(tokens(r.issuer), W_BODY, W_BODY_FOLDED),
            chunks_of(r.passages))


def folded_words(r: IndexRecord) -> set[str]:
    """The record's words in their folded view: what spelling suggestions choose from."""
    out = set()
    for p in r.passages:
        for w in p.text.split():
            f = fold_token(w)
            if usable(f) and len(f) <= 40:
                out.add(f)
    return out


def phrase_query(words: tuple[str, ...] | list[str]) -> str | None:
    """A tsquery literal of ``words`` side by side, in order; None when one of them cannot be
    indexed (then nothing matches)."""
    if not all(usable(w) for w in words):
        return None
    return " <-> ".join(quote(w) for w in words)


def all_query(words: tuple[str, ...] | list[str]) -> str | None:
    """A tsquery literal of ``words`` anywhere, all of them."""
    if not all(usable(w) for w in words):
        return None
    return " & ".join(quote(w) for w in words)
