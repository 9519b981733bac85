"""The Whoosh implementation of the search index (SPEC §5b).

Layout::

    index/CURRENT       {"generation": "g000003", "schema": N}  — replaced atomically
    index/g000003/      a Whoosh index

``reindex`` builds a new generation beside the live one and swaps CURRENT, so a failed rebuild
leaves the old index working. Fields carry pre-analysed, space-separated terms (see
:mod:`.fields`), so the pickled schema holds only Whoosh's own classes.
"""
from __future__ import annotations

import json
import shutil
import time
from contextlib import contextmanager
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import IndexProblem
from ..fsutil import atomic_write
from ..i18n import _
from ..query import Filter, Not, Number, Or, Phrase, Query, Word
from ..text.analysis import folded, number_key, tokens
from . import Filters, IndexHit, IndexResults
from .fields import SECTION_KINDS, IndexRecord

#: Bump when the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 7

STORED_FIELDS = ("id", "stamp", "title", "doc_type", "number", "issuer", "issued", "sha256")

# Scoring weights: a typed number finds its document first; title and adjacency lift the rest.
NUMBER_BOOST = 50.0
CITES_BOOST = 5.0
TITLE_BOOST = 1.5
EXACT_BOOST = 0.3


def make_schema():
    from whoosh.fields import ID, KEYWORD, STORED, Schema

    from .terms import PositionsTermsField, TermsField

    def terms(boost: float = 1.0) -> TermsField:
        return TermsField(scorable=True, field_boost=boost)

    fields = dict(
        id=ID(stored=True, unique=True, sortable=True),
        stamp=STORED(), title=STORED(), doc_type=STORED(), number=STORED(), issuer=STORED(),
        sha256=STORED(), secmap=STORED(),
        issued=ID(stored=True, sortable=True),
        # Unscored fields keep Whoosh's own KEYWORD: TermsField is only used scored (a
        # presence-only TermsField broke segment merges: IndexError reading postings).
        type=ID(), year=ID(), tags=KEYWORD(commas=True), issuer_f=KEYWORD(),
        # Positions only on the folded view: phrases are checked there (plus the exact words).
        all_x=terms(), all_f=PositionsTermsField(), title_f=terms(),
        numkey=KEYWORD(), cites=KEYWORD(),
    )
    for kind in SECTION_KINDS:
        # Scored, although only used as a filter: Whoosh stats the disk for a lengths column on
        # every posting of an unscored field while committing (40 % of commit time).
        fields[f"sec_{kind}"] = terms()
    return Schema(**fields)


def _doc_fields(r: IndexRecord) -> dict[str, str]:
    d = dict(
        id=r.id, stamp=r.stamp, title=r.title, doc_type=r.doc_type, number=r.number,
        issuer=r.issuer, sha256=r.sha256, issued=r.issued, type=r.type_key, year=r.year,
        tags=r.tags, issuer_f=r.issuer_f, all_x=r.all_x, all_f=r.all_f,
        title_f=r.title_f, numkey=r.number_keys, cites=r.cites,
        secmap=r.secmap,
    )
    for kind in SECTION_KINDS:
        d[f"sec_{kind}"] = r.sec.get(kind, "")
    # Whoosh rejects empty ID values for sortable columns less gracefully than a placeholder.
    return {k: v for k, v in d.items() if v != "" or k in ("issued",)}


class WhooshIndex:
    def __init__(self, path: Path, *, wait: float = 5.0) -> None:
        self.path = path
        self.wait = wait
        self._ix = None

    # --- generations -------------------------------------------------------------------------
    def _current(self) -> dict | None:
        try:
            return json.loads((self.path / "CURRENT").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (ValueError, OSError):
            return {}

    def exists(self) -> bool:
        return self._current() is not None

    def state(self) -> str:
        """ok | missing | outdated | broken — what check reports about the index itself."""
        cur = self._current()
        if cur is None:
            return "missing"
        if cur.get("schema") != SCHEMA_VERSION:
            return "outdated"
        try:
            self._open()
        except IndexProblem:
            return "broken"
        return "ok"

    def _open(self):
        if self._ix is not None:
            return self._ix
        cur = self._current()
        if cur is None:
            raise IndexProblem(_("The index is missing; run `archive reindex` to rebuild it from the store."))
        if cur.get("schema") != SCHEMA_VERSION:
            raise IndexProblem(_("The index was built by another version of archive-cli; run `archive reindex` to rebuild it."))
        from whoosh import index as windex

        try:
            self._ix = windex.open_dir(str(self.path / cur["generation"]))
        except Exception as exc:  # any failure to open is the same problem for the user
            raise IndexProblem(
                _("The index will not open ({reason}); run `archive check --repair` to rebuild it.").format(
                    reason=type(exc).__name__)
            ) from None
        return self._ix

    def ensure_open(self) -> None:
        """Raise the IndexProblem that names the fix when the index cannot be used."""
        self._open()

    def create_if_missing(self) -> None:
        if self._current() is None:
            self._new_generation([], first=True)

    def _new_generation(self, records: Iterable[IndexRecord], first: bool = False) -> int:
        from whoosh import index as windex

        self.path.mkdir(parents=True, exist_ok=True)
        live = (self._current() or {}).get("generation")
        existing = sorted(p.name for p in self.path.glob("g[0-9]*") if p.is_dir())
        n = int(existing[-1][1:]) + 1 if existing else 1
        gen = f"g{n:06d}"
        gdir = self.path / gen
        if gdir.exists():
            shutil.rmtree(gdir)
        gdir.mkdir()
        ix = windex.create_in(str(gdir), make_schema())
        count = 0
        with _writer(ix, self.wait) as w:
            for r in records:
                w.add_document(**_doc_fields(r))
                count += 1
        _fsync_tree(gdir)
        atomic_write(self.path / "CURRENT",
                     json.dumps({"generation": gen, "schema": SCHEMA_VERSION}).encode())
        self._ix = None
        # Keep the generation just replaced (a reader may still be using it); drop the others,
        # including half-built ones left by a killed reindex.
        keep = {gen, live}
        for name in existing:
            if name not in keep:
                shutil.rmtree(self.path / name, ignore_errors=True)
        return count

    # --- writing -----------------------------------------------------------------------------
    def add(self, records: Iterable[IndexRecord], *, replace: bool = True) -> int:
        ix = self._open()
        count = 0
        with _writer(ix, self.wait) as w:
            for r in records:
                if replace:
                    w.update_document(**_doc_fields(r))
                else:
                    w.add_document(**_doc_fields(r))
                count += 1
        _fsync_tree(Path(ix.storage.folder))
        return count

    def delete(self, ids: Iterable[str]) -> int:
        ix = self._open()
        count = 0
        with _writer(ix, self.wait) as w:
            for doc_id in ids:
                count += w.delete_by_term("id", doc_id)
        _fsync_tree(Path(ix.storage.folder))
        return count

    def rebuild(self, records: Iterable[IndexRecord]) -> int:
        return self._new_generation(records)

    # --- reading -----------------------------------------------------------------------------
    def _searcher(self):
        from whoosh import scoring

        # A fresh searcher per call: Searcher.refresh() duplicates hits after merges (SPEC §5b).
        # A writer may delete merged segment files between our reading the table of contents
        # and opening them: open again from the newer TOC, a few times, before giving up.
        for attempt in range(5):
            try:
                return self._open().searcher(weighting=scoring.BM25F())
            except IndexProblem:
                raise
            except (OSError, EOFError, ValueError, KeyError):
                if attempt == 4:
                    raise IndexProblem(_("The index will not open; run `archive check --repair` to rebuild it.")) from None
                self._ix = None
                time.sleep(0.05 * (attempt + 1))

    def stamps(self) -> dict[str, str]:
        with self._searcher() as s:
            return {f["id"]: f.get("stamp", "") for f in s.reader().all_stored_fields()}

    def all_stored(self) -> Iterator[dict]:
        with self._searcher() as s:
            yield from s.reader().all_stored_fields()

    def ids_for_number(self, key: str) -> list[str]:
        from whoosh.query import Term

        with self._searcher() as s:
            return [h["id"] for h in s.search(Term("numkey", key), limit=None)]

    def numbers_lookup(self, keys: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        """For each number key, the (id, issued) of the documents that carry it."""
        from whoosh.query import Term

        out: dict[str, list[tuple[str, str]]] = {}
        with self._searcher() as s:
            for key in set(keys):
                hits = s.search(Term("numkey", key), limit=None)
                if len(hits):
                    out[key] = [(h["id"], h.get("issued", "")) for h in hits]
        return out

    def has_ids(self, ids: Iterable[str]) -> dict[str, str]:
        """The stamps of those of ``ids`` that are in the index."""
        out = {}
        with self._searcher() as s:
            for doc_id in ids:
                f = s.document(id=doc_id)
                if f is not None:
                    out[doc_id] = f.get("stamp", "")
        return out

    def citing(self, key: str) -> list[IndexHit]:
        from whoosh.query import Term

        with self._searcher() as s:
            return [IndexHit(h["id"], h.score, dict(h.fields()))
                    for h in s.search(Term("cites", key), limit=None, sortedby="issued", reverse=True)]

    def suggest(self, word: str, limit: int = 3) -> list[str]:
        with self._searcher() as s:
            return list(s.suggest("all_f", word, limit=limit, maxdist=2))

    def similar(self, doc_id: str, text_terms: str, limit: int) -> list[IndexHit]:
        from whoosh.query import Or as WOr, Term, Not as WNot, And as WAnd

        with self._searcher() as s:
            keys = [t for t, _w in s.key_terms_from_text("all_f", text_terms, numterms=15)]
            if not keys:
                return []
            q = WAnd([WOr([Term("all_f", k) for k in keys]), WNot(Term("id", doc_id))])
            return [IndexHit(h["id"], h.score, dict(h.fields())) for h in s.search(q, limit=limit)]

    def search(self, query: Query, filters: Filters, *, limit: int = 10, page: int = 1,
               sort: str = "relevance") -> IndexResults:
        q, flt = build_query(query, filters)
        from whoosh import collectors

        page = max(page, 1)
        with self._searcher() as s:
            # Every match is collected and ordered here, not by Whoosh's top-N collector: its
            # block-quality skipping drops top hits of our queries, and a top-N cut among equal
            # scores (a number's citing documents, a template's copies) let pages repeat and
            # skip documents. Ties are broken by id, so results do not depend on the order the
            # documents were indexed in.
            c = collectors.UnlimitedCollector()
            if flt is not None:
                c = collectors.FilterCollector(c, allow=flt)
            s.search_with_collector(q, c)
            items = list(c.results().top_n)
            reader = s.reader()
            ids = reader.column_reader("id")
            if sort == "date":
                issued = reader.column_reader("issued")
                items.sort(key=lambda t: (issued[t[1]], ids[t[1]]), reverse=True)
            else:
                items.sort(key=lambda t: (-round(t[0], 6), ids[t[1]]))
            chosen = items[(page - 1) * limit:page * limit]
            hits = [IndexHit(f["id"], score if sort != "date" else 0.0, f)
                    for score, docnum in chosen for f in [reader.stored_fields(docnum)]]
            return IndexResults(total=len(items), hits=hits)


@contextmanager
def _writer(ix, wait: float):
    """A Whoosh writer that always lets go of its lock.

    Whoosh's own ``with ix.writer()`` leaves WRITELOCK held when ``commit`` itself raises, and
    every later write in the process then fails with LockError. Errors while adding cancel the
    writer (never cancel-then-commit); errors in commit release the lock and propagate.
    """
    from whoosh.index import LockError

    try:
        w = ix.writer(timeout=wait, limitmb=128)
    except LockError:
        raise IndexProblem(_("The index is locked by another writer; try again later.")) from None
    try:
        yield w
    except BaseException:
        w.cancel()
        raise
    try:
        w.commit()
    except BaseException:
        if w.writelock is not None:
            try:
                w.writelock.release()
            except Exception:
                pass
        raise


def _fsync_tree(folder: Path) -> None:
    """Whoosh does not fsync (SPEC §5b): flush its files and the folder after a commit."""
    import os

    from ..fsutil import fsync_dir

    for p in folder.iterdir():
        if p.is_file() and not p.name.endswith(".lock"):
            try:
                fd = os.open(p, os.O_RDONLY)
            except OSError:
                continue
            try:
                os.fsync(fd)
            except OSError:
                pass
            finally:
                os.close(fd)
    fsync_dir(folder)


# --- query building --------------------------------------------------------------------------

def _word_query(w: Word):
    from whoosh.query import And, Term

    if w.field == "title":
        # No exact title field: the folded title term, plus the exact word somewhere in the text.
        return And([Term("title_f", w.folded), Term("all_x", w.text)]) if w.exact else Term("title_f", w.folded)
    if w.field == "issuer":
        return And([Term("issuer_f", w.folded), Term("all_x", w.text)]) if w.exact else Term("issuer_f", w.folded)
    return Term("all_x", w.text) if w.exact else Term("all_f", w.folded)


def _phrase_query(p: Phrase):
    from whoosh.query import And, Phrase as WPhrase, Term

    fwords = [w.folded for w in p.words]
    if p.field == "issuer":
        return And([Term("issuer_f", f) for f in fwords])
    if p.field == "title":
        return And([Term("title_f", f) for f in fwords])
    parts = [WPhrase("all_f", fwords)]
    parts += [Term("all_x", w.text) for w in p.words if w.exact]
    return And(parts) if len(parts) > 1 else parts[0]


def _number_query(n: Number):
    from whoosh.query import Or, Phrase as WPhrase, Term

    parts = [Term("numkey", n.key, boost=NUMBER_BOOST), Term("cites", n.key, boost=CITES_BOOST)]
    toks = folded(tokens(n.raw))
    if len(toks) > 1:
        # The number written in the text but not recognised as a citation still counts, lower.
        parts.append(WPhrase("all_f", toks))
    return Or(parts)


def _node_query(node):
    from whoosh.query import Not as WNot, Or as WOr

    if isinstance(node, Word):
        return _word_query(node)
    if isinstance(node, Phrase):
        return _phrase_query(node)
    if isinstance(node, Number):
        return _number_query(node)
    if isinstance(node, Or):
        return WOr([_node_query(n) for n in node.nodes])
    if isinstance(node, Not):
        return WNot(_node_query(node.node))
    raise TypeError(node)


def _in_section(node, section: str):
    """``node`` restricted to matches inside sections of ``section`` kind: every positive word
    must also be in that kind's text; OR applies it to each alternative. Numbers and NOT are
    left as they are (a number names a document, not a passage)."""
    from whoosh.query import And, Or as WOr, Term

    if isinstance(node, (Word, Phrase)):
        words = node.words if isinstance(node, Phrase) else (node,)
        return And([_node_query(node), *(Term(f"sec_{section}", w.folded) for w in words)])
    if isinstance(node, Or):
        return WOr([_in_section(n, section) or _node_query(n) for n in node.nodes])
    return None


def _filter_terms(filters: Filters, query: Query) -> list:
    from whoosh.query import Term, TermRange

    from ..doctypes import type_key

    parts = []
    doc_type = filters.doc_type
    tags = list(filters.tags)
    year = filters.year
    section = filters.section
    for c in query.clauses:
        if isinstance(c, Filter):
            if c.field == "type":
                doc_type = c.value
            elif c.field == "tag":
                tags.append(c.value)
            elif c.field == "year" and c.value.isdigit():
                year = int(c.value)
            elif c.field == "section":
                section = c.value
    if doc_type:
        parts.append(Term("type", type_key(doc_type)))
    if filters.issuer:
        parts.extend(Term("issuer_f", t) for t in folded(tokens(filters.issuer)))
    if filters.number:
        parts.append(Term("numkey", number_key(filters.number)))
    if year:
        parts.append(Term("year", str(year)))
    if filters.date_from or filters.date_to:
        parts.append(TermRange("issued", filters.date_from or "0000", filters.date_to or "9999",
                               startexcl=False, endexcl=False))
    from ..text.normalize import folded_key

    parts.extend(Term("tags", folded_key(t)) for t in tags)
    return parts, section


def build_query(query: Query, filters: Filters):
    """Translate the parsed query and filters into (scoring query, filter query) for Whoosh."""
    from whoosh.query import And, AndMaybe, Every, Or as WOr, Term

    filter_parts, section = _filter_terms(filters, query)
    musts, shoulds = [], []
    plain = [c for c in query.clauses if isinstance(c, Word) and c.field is None]
    for c in query.clauses:
        if isinstance(c, Filter):
            continue
        musts.append(_node_query(c))
        if isinstance(c, Word) and c.field is None:
            shoulds.append(Term("title_f", c.folded, boost=TITLE_BOOST))
            # Exact forms of an unaccented word ("ma" itself before "má") decide the order of
            # one- and two-word queries; longer ones are ordered by adjacency, and every extra
            # clause is scored on every matching document.
            if not c.exact and len(plain) <= 2:
                shoulds.append(Term("all_x", c.text, boost=EXACT_BOOST))
        if section:
            scoped = _in_section(c, section)
            if scoped is not None:
                musts[-1] = scoped
    if query.is_empty:
        # no words: the documents that have such a section at all when one is asked for
        musts.insert(0, Every(f"sec_{section}") if section else Every())
    base = And(musts) if len(musts) > 1 else musts[0]
    q = AndMaybe(base, WOr(shoulds)) if shoulds else base
    flt = And(filter_parts) if filter_parts else None
    return q, flt
