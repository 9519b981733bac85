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


class _Views:
    """Each distinct word of one record, analysed once: its quoted lexeme and its folded view's
    (None where PostgreSQL cannot hold it, or where the folded view is the word itself), and
    their sizes in bytes."""

    def __init__(self) -> None:
        self.cache: dict[str, tuple] = {}

    def __call__(self, word: str) -> tuple:
        v = self.cache.get(word)
        if v is None:
            f = fold_token(word)
            qe = quote(word) if usable(word) else None
            qf = quote(f) if f != word and usable(f) else None
            v = (qe, qf, len(qe.encode("utf-8")) if qe else 0, len(qf.encode("utf-8")) if qf else 0)
            self.cache[word] = v
        return v


def _build(segments: list[tuple[list[tuple], str, str]], gap: int = 0) -> str:
    """A tsvector literal of analysed words (``_Views`` tuples), segment after segment, ``gap``
    positions apart, each segment's exact and folded views with their weights (A, B, C; D is
    written as none). Positions from MAX_POS on are clamped to it, where the strongest weight
    stays; a lexeme keeps its first MAX_POSITIONS positions."""
    entries: dict[str, list[str]] = {}
    sizes: dict[str, int] = {}
    tail: dict[str, str] = {}  # lexemes at the clamped position: their strongest weight
    pos = 1
    cap = MAX_POSITIONS
    for vs, ew, fw in segments:
        es, fs = ("" if ew == "D" else ew), ("" if fw == "D" else fw)
        for qe, qf, se, sf in vs:
            if pos < MAX_POS:
                if qe is not None:
                    where = entries.get(qe)
                    if where is None:
                        entries[qe] = [f"{pos}{es}"]
                        sizes[qe] = se
                    elif len(where) < cap:
                        where.append(f"{pos}{es}")
                if qf is not None:
                    where = entries.get(qf)
                    if where is None:
                        entries[qf] = [f"{pos}{fs}"]
                        sizes[qf] = sf
                    elif len(where) < cap:
                        where.append(f"{pos}{fs}")
            else:
                for q, w, size in ((qe, ew, se), (qf, fw, sf)):
                    if q is not None:
                        tail[q] = min(w, tail.get(q, "D"))
                        sizes[q] = size
            pos += 1
        pos += gap
    for q, w in tail.items():
        where = entries.setdefault(q, [])
        if len(where) < cap:
            where.append(f"{MAX_POS}{'' if w == 'D' else w}")
    out = []
    total = 0
    for q, where in entries.items():
        total += sizes[q] + 8
        if total > MAX_VECTOR_BYTES:  # a garbled text of that many distinct words: keep the first
            break
        out.append(f"{q}:{','.join(where)}")
    return " ".join(out)


def _vector_of(vs: list[tuple], exact_weight: str, folded_weight: str) -> str:
    """A vector of analysed words (``_Views`` tuples) at positions 1, 2, … (clamped)."""
    return _build([(vs, exact_weight, folded_weight)])


def words_vector(words: list[str], exact_weight: str = "D", folded_weight: str = "D") -> str:
    """A vector of ``words`` at positions 1, 2, … (clamped), each word under both views."""
    views = _Views()
    return _vector_of([views(w) for w in words], exact_weight, folded_weight)


def _document_vector(passages: list[tuple[str, list[tuple]]]) -> str:
    return _build([(vs, *((W_TITLE, W_TITLE_FOLDED) if kind == TITLE else (W_BODY, W_BODY_FOLDED)))
                   for kind, vs in passages], gap=GAP)


def document_vector(passages: list[Passage]) -> str:
    """Every word of the document, weighted for ranking (positions clamped: see the module)."""
    views = _Views()
    return _document_vector([(p.kind, [views(w) for w in p.text.split()]) for p in passages])


@dataclass(frozen=True)
class Chunk:
    kind: str
    #: the position of the chunk's first word in the document's numbering (passages ``GAP``
    #: apart), so positions from different chunks compare
    start: int
    vector: str


def _cuts(vs: list[tuple]) -> list[tuple[int, int]]:
    """(first, end) word indexes of a passage's chunks: at most CHUNK_WORDS words, and never a
    word (either view) more than MAX_POSITIONS times, each chunk starting OVERLAP words before
    the previous one ended."""
    n = len(vs)
    if n <= MAX_POSITIONS:  # no word can repeat too often: one chunk
        return [(0, n)] if n else []
    cuts = []
    lo = 0
    while lo < n:
        counts: dict[str, int] = {}
        hi = lo
        while hi < n and hi - lo < CHUNK_WORDS:
            qe, qf = vs[hi][0], vs[hi][1]
            ce, cf = counts.get(qe, 0), counts.get(qf, 0)
            if ce >= MAX_POSITIONS or cf >= MAX_POSITIONS:
                break
            if qe is not None:
                counts[qe] = ce + 1
            if qf is not None:
                counts[qf] = cf + 1
            hi += 1
        cuts.append((lo, hi))
        if hi >= n:
            break
        lo = max(hi - OVERLAP, lo + 1)
    return cuts


def _chunks(passages: list[tuple[str, list[tuple]]]) -> list[Chunk]:
    out = []
    pos = 0
    for kind, vs in passages:
        for lo, hi in _cuts(vs):
            out.append(Chunk(kind, pos + lo, _vector_of(vs[lo:hi], "D", "D")))
        pos += len(vs) + GAP
    return out


@dataclass(frozen=True)
class Vectors:
    text: str
    title: str
    issuer: str
    chunks: list[Chunk]
    #: the record's words in their folded view: what spelling suggestions choose from
    folded: set[str]


def record_vectors(r: IndexRecord) -> Vectors:
    """Every vector of a record, each distinct word analysed once."""
    from ..text.analysis import tokens

    views = _Views()
    passages = [(p.kind, [views(w) for w in p.text.split()]) for p in r.passages]
    title = [v for kind, vs in passages if kind == TITLE for v in vs]
    folded = set()
    for w in views.cache:
        f = fold_token(w)
        if len(f) <= 40 and usable(f):
            folded.add(f)
    return Vectors(_document_vector(passages), _vector_of(title, W_TITLE, W_TITLE_FOLDED),
                   _vector_of([views(w) for w in tokens(r.issuer)], W_BODY, W_BODY_FOLDED),
                   _chunks(passages), folded)


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
