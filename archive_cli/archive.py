"""The Archive: the one entry point the CLI and scripts use.

    from archive_cli import Archive
    arch = Archive(Path("~/archive").expanduser())
    for result in arch.import_paths(["documents/"]):
        print(result.status, result.path)
    for hit in arch.search("phong chong dich").hits:
        print(hit.number, hit.title)
"""
from __future__ import annotations

import itertools
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Ambiguous, ArchiveError, NotFound, QueryError
from .i18n import _
from .importer import (DEFAULT_MAX_BYTES, ImportResult, Prepared, expand, prepare, prepare_many,
                       watch_parent)
from .index import Filters, IndexHit
from .model import Document, Reference
from .query import MAX_QUERY_LENGTH, parse_query
from .store import Store, StoreEntry

DEFAULT_WAIT = 5.0
BATCH_DOCS = 1000  # documents per index commit (one Whoosh segment)
IMPORT_CHUNK = 8  # files per task sent to a worker process
RERANK_DEPTH = 50  # candidates re-ranked by word adjacency


def default_root() -> Path:
    """``ARCHIVE_HOME``, else the platform's user data folder."""
    env = os.environ.get("ARCHIVE_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("archive-cli", appauthor=False))


@dataclass
class Hit:
    """One search result as SPEC §6 describes it."""

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

    def to_dict(self, with_score: bool = True) -> dict:
        d = {"id": self.id, "title": self.title, "doc_type": self.doc_type, "number": self.number,
             "issuer": self.issuer, "issued": self.issued}
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

    def to_dict(self) -> dict:
        return {"query": self.query, "total": self.total, "page": self.page,
                "results": [h.to_dict() for h in self.hits],
                "suggestions": self.suggestions, "drop_filters": self.drop_filters}


@dataclass
class Problem:
    kind: str  # missing-from-index | stale | orphan | unreadable | original-missing | index-missing …
    id: str | None
    message: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "id": self.id, "message": self.message}


@dataclass
class CheckReport:
    documents: int
    indexed: int
    problems: list[Problem] = field(default_factory=list)
    repaired: bool = False
    remaining: list[Problem] | None = None  # after a repair: what is still wrong

    @property
    def ok(self) -> bool:
        """True when nothing is (any longer) wrong."""
        return not (self.problems if self.remaining is None else self.remaining)

    def to_dict(self) -> dict:
        d = {"ok": self.ok, "documents": self.documents, "indexed": self.indexed,
             "repaired": self.repaired, "problems": [p.to_dict() for p in self.problems]}
        if self.remaining is not None:
            d["remaining"] = [p.to_dict() for p in self.remaining]
        return d


@dataclass
class CitedDocument:
    reference: Reference
    ids: list[str]  # archived documents this reference resolves to


@dataclass
class RefsReport:
    id: str
    cites: list[CitedDocument]
    cited_by: list[Hit]


def adjacent_runs(q) -> list[list[str]]:
    """Runs of two or more plain query words typed next to each other, folded."""
    from .query import Word

    runs: list[list[str]] = [[]]
    for c in q.clauses:
        if isinstance(c, Word) and c.field is None:
            runs[-1].append(c.folded)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if len(r) >= 2]


def rerank_by_adjacency(hits: list[IndexHit], runs: list[list[str]]) -> list[IndexHit]:
    """Order hits by score × (1 + share of the query's word pairs found side by side), doubled
    for each run of query words found whole, in order ("tài chính ngân sách"). Reads where the
    words stand from each hit's ``positions`` (the index's, so no stored text is read)."""
    wanted = {(a, b) for r in runs for a, b in zip(r, r[1:])}
    scored = []
    for h in hits:
        where = {w: set(p) for w, p in (h.positions or {}).items()}
        together = {(a, b) for a, b in wanted if _in_order(where, (a, b))}
        factor = 1.0 + len(together) / len(wanted)
        if together:
            factor *= 2 ** sum(_in_order(where, r) for r in runs)
        h.score *= factor
        scored.append(h)
    scored.sort(key=lambda x: (-round(x.score, 6), x.id))
    return scored


def _in_order(where: dict[str, set[int]], run) -> bool:
    """Whether the words of ``run`` stand side by side, in order, somewhere."""
    starts = where.get(run[0], set())
    for i, w in enumerate(run[1:], 1):
        here = where.get(w, ())
        starts = {s for s in starts if s + i in here}
    return bool(starts)


def _hit_from_stored(h: IndexHit) -> Hit:
    s = h.stored
    return Hit(id=h.id, score=h.score, title=s.get("title") or None,
               doc_type=s.get("doc_type") or None, number=s.get("number") or None,
               issuer=s.get("issuer") or None, issued=s.get("issued") or None)


class Archive:
    """An archive folder: store (truth) + index (derived) + a write lock."""

    def __init__(self, root: Path | str | None = None, *, wait: float = DEFAULT_WAIT,
                 max_bytes: int | None = None) -> None:
        self.root = Path(root) if root is not None else default_root()
        self.wait = wait
        env_mb = os.environ.get("ARCHIVE_MAX_FILE_MB")
        self.max_bytes = max_bytes or (int(float(env_mb) * 1e6) if env_mb else DEFAULT_MAX_BYTES)
        self.store = Store(self.root)
        self._index = None

    # --- plumbing ----------------------------------------------------------------------------
    @property
    def index(self):
        if self._index is None:
            from .index import open_index

            self._index = open_index(self.root, wait=self.wait)
        return self._index

    def _ensure(self) -> None:
        """Before a write (under the lock): create the archive on first use; rebuild a missing
        index from the store; refuse, before anything is written, an index that will not open."""
        if not self.store.docs_dir.is_dir():
            self.root.mkdir(parents=True, exist_ok=True)
            self.store.create()
        state = self.index.state()
        if state == "missing":
            entries = sorted(self.store.entries(), key=lambda e: e.id)
            if entries:
                self.index.rebuild(self._records(entries, []))
            else:
                self.index.create_if_missing()
        elif state != "ok":
            self.index.ensure_open()  # raises the IndexProblem that names the fix

    def lock(self, command: str):
        from .lock import WriteLock

        self.root.mkdir(parents=True, exist_ok=True)
        return WriteLock(self.root, command, wait=self.wait)

    # --- import ------------------------------------------------------------------------------
    def import_paths(self, paths: Iterable[str | Path], *, jobs: int = 1,
                     dry_run: bool = False, tags: Iterable[str] = (),
                     on_prepared: Callable[[Prepared], None] | None = None,
                     literal: Iterable[str | Path] = (),
                     on_total: Callable[[int], None] | None = None) -> Iterator[ImportResult]:
        """Import files, folders (recursive) and globs; one result per file, in input order.

        ``jobs > 1`` reads and parses in worker processes; as with any use of multiprocessing,
        a script doing that needs an ``if __name__ == "__main__":`` guard.

        ``literal`` paths (e.g. read from stdin) are imported after ``paths`` and never globbed."""
        candidates = list(expand(str(p) for p in paths))
        candidates += list(expand((str(p) for p in literal), globs=False))
        # Never read the archive's own files back in (an archive kept inside the imported folder).
        root = os.path.realpath(self.root) + os.sep
        candidates = [c for c in candidates if not os.path.realpath(c.path).startswith(root)]
        if on_total is not None:
            on_total(len(candidates))
        tags = tuple(tags)
        if dry_run:
            yield from self._import_batch(candidates, jobs, tags, dry_run, on_prepared)
            return
        with self.lock("import"):
            self._ensure()
            yield from self._import_batch(candidates, jobs, tags, dry_run, on_prepared)

    def _prepared(self, candidates, jobs, tags, dry_run) -> Iterator[tuple[str, Prepared]]:
        todo = [c.path for c in candidates if c.error is None]
        errors = {c.path: c.error for c in candidates if c.error is not None}
        jobs = max(1, jobs or 1)
        root = str(self.root)
        write = not dry_run
        if jobs > 1 and len(todo) >= 8:
            yield from self._prepared_in_workers(candidates, todo, jobs, root, tags, write)
            return
        for c in candidates:
            if c.error is not None:
                yield c.path, Prepared(c.path, error=errors[c.path])
            else:
                yield c.path, prepare(c.path, root, self.max_bytes, tags, write)

    def _prepared_in_workers(self, candidates, todo, jobs, root, tags, write) -> Iterator[tuple[str, Prepared]]:
        """:func:`prepare` in worker processes, results in input order, little work in flight.

        Workers start from a fresh interpreter ("forkserver"; Windows spawns anyway): a fork
        would inherit the write lock's descriptor, and a killed import's orphaned workers
        would keep the archive locked. If the pool cannot work (e.g. a library caller whose
        ``__main__`` cannot be re-imported), the rest is prepared in this process."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            # Preload our worker module instead of re-running the caller's __main__ in the
            # server (a script without a __main__ guard would otherwise run itself again).
            ctx.set_forkserver_preload(["archive_cli.importer"])
        # A bounded number of chunks in flight, about one commit batch: enough for the workers
        # to keep preparing while this process indexes a batch, while results piling up
        # unbounded would cost ~40 KB each (1.9 GB at 10k documents).
        chunks = (todo[i:i + IMPORT_CHUNK] for i in range(0, len(todo), IMPORT_CHUNK))
        window = max(jobs * 3, BATCH_DOCS // IMPORT_CHUNK)
        ready: deque[Prepared] = deque()
        pool = None
        try:
            pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx,
                                       initializer=watch_parent, initargs=(os.getpid(),))
            inflight: deque = deque(pool.submit(prepare_many, chunk, root, self.max_bytes, tags, write)
                                    for chunk in itertools.islice(chunks, window))
            for c in candidates:
                if c.error is not None:
                    yield c.path, Prepared(c.path, error=c.error)
                    continue
                if not ready and pool is not None:
                    try:
                        ready.extend(inflight.popleft().result())
                        nxt = next(chunks, None)
                        if nxt is not None:
                            inflight.append(pool.submit(prepare_many, nxt, root, self.max_bytes, tags, write))
                    except BrokenProcessPool:
                        pool.shutdown(wait=False, cancel_futures=True)
                        pool = None
                if ready:
                    yield c.path, ready.popleft()
                else:  # no pool (any more): the same work here; store writes are idempotent
                    yield c.path, prepare(c.path, root, self.max_bytes, tags, write)
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)

    def _import_batch(self, candidates, jobs, tags, dry_run, on_prepared) -> Iterator[ImportResult]:
        pending: list[tuple[ImportResult, Prepared]] = []
        seen: dict[str, str] = {}  # id → path, for duplicates inside one run
        for path, prep in self._prepared(candidates, jobs, tags, dry_run):
            if on_prepared is not None:
                on_prepared(prep)
            if prep.error is not None:
                result = ImportResult(path, "failed", error=prep.error)
            elif prep.id in seen:
                result = ImportResult(path, "duplicate", prep.id,
                                      warning=_("same content as {path}").format(path=seen[prep.id]))
                prep = None
            elif prep.exists:
                result = ImportResult(path, "duplicate", prep.id)
            else:
                result = ImportResult(path, "imported", prep.id, title=prep.doc.parsed.title)
            if prep is not None and prep.id and prep.error is None:
                seen.setdefault(prep.id, path)
            pending.append((result, prep))
            if len(pending) >= BATCH_DOCS:
                yield from self._commit(pending, dry_run)
                pending = []
        if pending:
            yield from self._commit(pending, dry_run)

    def _commit(self, pending: list[tuple[ImportResult, Prepared | None]], dry_run: bool) -> Iterator[ImportResult]:
        """Index a batch (one Whoosh commit), then report it: a document is only reported
        imported once it is searchable."""
        if dry_run:
            yield from (r for r, _p in pending)
            return
        index = self.index
        # Content already in the store: a duplicate only if the index has it too; otherwise
        # an earlier import was cut short and this run finishes it.
        existing = [p for r, p in pending if p is not None and p.exists]
        if existing:
            in_index = index.has_ids(p.id for p in existing)
            for r, p in pending:
                if p is not None and p.exists and p.id not in in_index:
                    entry = self.store.entry(p.id)
                    if entry is not None:
                        p.record = self._record(entry)
                        r.status = "imported"
        new = [p for r, p in pending if p is not None and p.record is not None and r.status == "imported"]
        if new:
            from .fsutil import sync_batch

            # originals and store files of the batch reach the disk before the index names them
            sync_batch()
            self._warn_same_numbers(pending)
            for p in new:
                if not p.record.stamp:
                    entry = self.store.entry(p.id)
                    p.record.stamp = entry.stamp if entry else ""
            index.add([p.record for p in new], replace=True)
        yield from (r for r, _p in pending)

    def _warn_same_numbers(self, pending) -> None:
        from .text.analysis import number_key

        batch: dict[tuple[str, str], str] = {}
        keyed = []
        for r, p in pending:
            if r.status != "imported" or p is None or p.doc is None or not p.doc.parsed.number:
                continue
            key = number_key(p.doc.parsed.number)
            year = (p.doc.parsed.issued or "")[:4]
            keyed.append((r, p, key, year))
        if not keyed:
            return
        known = self.index.numbers_lookup(k for _r, _p, k, _y in keyed)
        for r, p, key, year in keyed:
            others = [i for i, issued in known.get(key, []) if (issued or "")[:4] == year and i != p.id]
            if (key, year) in batch and batch[(key, year)] != p.id:
                others.append(batch[(key, year)])
            batch.setdefault((key, year), p.id)
            if others:
                r.warning = _("same number {number} ({year}) as document {other}, with different text; kept as a new document").format(
                    number=p.doc.parsed.number, year=year or _("no date"), other=others[0])

    def _record(self, entry: StoreEntry):
        from .index.fields import record_for

        return record_for(self.store.load(entry.id), entry.stamp)

    # --- finding documents -------------------------------------------------------------------
    def resolve(self, ref: str) -> str:
        """A REF (id, unique id prefix, or number/symbol) → the document id."""
        ref = ref.strip()
        if not ref:
            raise NotFound(_("An empty REF names no document."))
        if re.fullmatch(r"[0-9a-f]{12}", ref) and self.store.exists(ref):
            return ref
        candidates: list[str] = []
        if re.fullmatch(r"[0-9a-f]{4,12}", ref):
            candidates = [e.id for e in self.store.entries() if e.id.startswith(ref)]
            if len(candidates) == 1:
                return candidates[0]
            if len(candidates) > 1:
                raise Ambiguous(_("REF {ref} matches {n} documents ({ids}); type more of the id.").format(
                    ref=ref, n=len(candidates), ids=", ".join(sorted(candidates)[:5])))
        from .text.analysis import number_key

        self._require_index()
        ids = self.index.ids_for_number(number_key(ref))
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            raise Ambiguous(_("Number {ref} matches {n} documents ({ids}); use the id instead.").format(
                ref=ref, n=len(ids), ids=", ".join(sorted(ids)[:5])))
        raise NotFound(_("No document matches {ref}.").format(ref=ref))

    def get(self, ref: str) -> Document:
        doc_id = self.resolve(ref)
        try:
            return self.store.load(doc_id)
        except FileNotFoundError:
            raise NotFound(_("Document {id} is in the index but not in the store; run `archive check --repair`.").format(
                id=doc_id)) from None

    def original(self, ref: str) -> tuple[Document, bytes]:
        doc = self.get(ref)
        try:
            return doc, self.store.original(doc.source.sha256)
        except FileNotFoundError:
            raise ArchiveError(_("The original file of {id} is missing from the archive.").format(id=doc.id)) from None

    def _require_index(self) -> None:
        if not self.store.docs_dir.is_dir():
            raise NotFound(_("The archive at {root} is empty; import documents first.").format(root=self.root))

    # --- search ------------------------------------------------------------------------------
    def search(self, query: str, *, filters: Filters | None = None, limit: int = 10, page: int = 1,
               sort: str = "relevance", snippets: bool = True, suggest: bool = True) -> SearchResult:
        from .snippets import has_match, make_snippet

        if len(query) > MAX_QUERY_LENGTH:
            raise QueryError(_("The query is {n} characters long; the limit is {limit}.").format(
                n=len(query), limit=MAX_QUERY_LENGTH))
        filters = filters or Filters()
        q = parse_query(query)
        if q.is_empty and filters.is_empty() and not q.clauses:
            raise QueryError(_("The query has no words to search for."))
        self._require_index()
        runs = adjacent_runs(q)
        if runs and sort == "relevance":
            # Words standing together rank above scattered ones: re-rank the best candidates by
            # how many of the query's adjacent word pairs stand together (index positions).
            # Only the best RERANK_DEPTH are re-ranked, always the same set, so every page is a
            # slice of one order: re-ranked head, then the rest in index order.
            res = self.index.search(q, filters, limit=max(page * limit, RERANK_DEPTH), page=1, sort=sort,
                                    positions=tuple(w for r in runs for w in r), positions_depth=RERANK_DEPTH)
            head = rerank_by_adjacency(res.hits[:RERANK_DEPTH], runs)
            res.hits = (head + res.hits[RERANK_DEPTH:])[(page - 1) * limit:page * limit]
        else:
            res = self.index.search(q, filters, limit=limit, page=page, sort=sort)
        words = q.positive_words()
        hits = []
        for ih in res.hits:
            hit = _hit_from_stored(ih)
            if snippets:
                try:
                    spans = self._section_spans(ih)
                except (OSError, ValueError):
                    continue  # store and index disagree; `check` reports it
                found = [sp for sp in spans if has_match(sp.text, words)] if words else []
                if filters.section:
                    found = [sp for sp in found if sp.kind == filters.section] or found
                hit.sections = list(dict.fromkeys(sp.kind for sp in found))
                hit.section_headings = [sp.label for sp in found]
                text = "\n".join(sp.text for sp in found) if filters.section and found else spans.body
                sn = make_snippet(text, words)
                hit.snippet, hit.spans, hit.terms = sn.text, sn.spans, sn.terms
            hits.append(hit)
        result = SearchResult(query=query, total=res.total, hits=hits, page=page)
        if res.total == 0 and suggest:
            result.suggestions = self._suggestions(q, filters)
            result.drop_filters = self._droppable_filters(q, filters)
        return result

    def _section_spans(self, ih: IndexHit):
        """The stored body cut into its top-level sections, from the index's section map;
        parses the stored document only when the map is missing (an older or odd layout)."""
        import json

        from .snippets import SectionSpans, Span, section_text, split_sections

        secmap = ih.stored.get("secmap")
        if secmap:
            body = self.store.read_body(ih.id)
            spans = split_sections(body, json.loads(secmap))
            if spans is not None:
                return spans
        from .export import number_label

        doc = self.store.load(ih.id)
        return SectionSpans(doc.parsed.body, [
            Span(s.kind, " ".join(x for x in (number_label(s), s.heading) if x), section_text(s))
            for s in doc.parsed.sections])

    def _suggestions(self, q, filters: Filters) -> list[str]:
        """Spelling corrections of the query that have hits (never one that finds nothing)."""
        from .query import Word

        out: list[str] = []
        words = [c for c in q.clauses if isinstance(c, Word)]
        for w in words:
            for cand in self.index.suggest(w.folded, limit=3):
                if cand == w.folded:
                    continue
                fixed = " ".join(cand if x is w else x.text for x in words)
                if self.index.search(parse_query(fixed), filters, limit=1, page=1, sort="relevance").total:
                    out.append(fixed)
                if len(out) >= 3:
                    return out
        return out

    def _droppable_filters(self, q, filters: Filters) -> list[str]:
        if filters.is_empty():
            return []
        if self.index.search(q, Filters(), limit=1, page=1, sort="relevance").total:
            return filters.describe()
        return []

    def list(self, filters: Filters | None = None, *, sort: str = "date", limit: int | None = None) -> list[Hit]:
        self._require_index()
        res = self.index.search(parse_query(""), filters or Filters(), limit=limit or 10**9, page=1,
                                sort="date" if sort == "date" else "relevance")
        hits = [_hit_from_stored(h) for h in res.hits]
        if sort in ("number", "title", "type", "issuer"):
            key = {"number": "number", "title": "title", "type": "doc_type", "issuer": "issuer"}[sort]
            hits.sort(key=lambda h: (getattr(h, key) or "").lower())
        return hits

    def similar(self, ref: str, limit: int = 10) -> list[Hit]:
        from .text.analysis import folded, tokens

        doc = self.get(ref)
        text = " ".join(folded(tokens((doc.parsed.title or "") + "\n" + doc.parsed.body)))
        return [_hit_from_stored(h) for h in self.index.similar(doc.id, text, limit)]

    def refs(self, ref: str) -> RefsReport:
        from .text.analysis import number_key

        doc = self.get(ref)
        cites = []
        seen = set()
        for r in doc.parsed.references:
            key = (r.number or "", tuple(r.numbers), r.doc_type)
            if key in seen:
                continue
            seen.add(key)
            ids: list[str] = []
            if r.number:
                for i, issued in self.index.numbers_lookup([number_key(r.number)]).get(number_key(r.number), []):
                    if i != doc.id and (not r.issued or not issued or r.issued[:4] == issued[:4]):
                        ids.append(i)
            cites.append(CitedDocument(r, ids))
        cited_by = []
        if doc.parsed.number:
            for h in self.index.citing(number_key(doc.parsed.number)):
                if h.id != doc.id:
                    cited_by.append(_hit_from_stored(h))
        return RefsReport(doc.id, cites, cited_by)

    # --- housekeeping ------------------------------------------------------------------------
    def remove(self, ref: str) -> str:
        """Remove a document; returns its id. Works on a store file that no longer parses."""
        with self.lock("remove"):
            doc_id = self.resolve(ref)
            entry = self.store.entry(doc_id)
            sha = self._source_sha(entry) if entry else None
            # Store first: it is the truth. A crash after this leaves an orphan index entry that
            # `check --repair` deletes; the removal is never undone.
            self.store.delete(doc_id, sha)
            if self.index.exists():
                self.index.delete([doc_id])
            return doc_id

    def _records(self, entries: Iterable[StoreEntry], problems: list[Problem]):
        for entry in entries:
            try:
                yield self._record(entry)
            except Exception as exc:  # a hand-edited file that no longer parses
                problems.append(Problem("unreadable", entry.id, _("{path} cannot be read ({reason}).").format(
                    path=entry.path, reason=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)))

    def reindex(self) -> tuple[int, list[Problem]]:
        """Rebuild the index from the store alone, into a new folder swapped in atomically."""
        self.store.create()
        problems: list[Problem] = []
        with self.lock("reindex"):
            entries = sorted(self.store.entries(), key=lambda e: e.id)
            count = self.index.rebuild(self._records(entries, problems))
        return count, problems

    def check(self, repair: bool = False) -> CheckReport:
        """Compare store and index; with ``repair``, make the index agree with the store."""
        if not self.store.docs_dir.is_dir():
            return CheckReport(0, 0)
        if repair:
            with self.lock("check --repair"):
                report = self._check(repair=True)
                # what the repair could not fix (a missing original, a broken store file)
                report.remaining = self._check(repair=False).problems
                return report
        return self._check(repair=False)

    def _check(self, repair: bool) -> CheckReport:
        entries = {e.id: e for e in self.store.entries()}
        problems: list[Problem] = []
        for folder in (self.store.docs_dir, *self.store.originals_dir.glob("*")):
            for tmp in folder.glob(".tmp-*"):
                problems.append(Problem("temp-file", None, _("Leftover temporary file {path} from an interrupted write.").format(path=tmp)))
                if repair:
                    tmp.unlink(missing_ok=True)
        state = self.index.state()
        if state != "ok":
            msg = {"missing": _("The index is missing."),
                   "outdated": _("The index was built by another version of archive-cli."),
                   "broken": _("The index will not open.")}[state]
            problems.append(Problem(f"index-{state}", None, msg))
            report = CheckReport(len(entries), 0, problems)
            if repair:
                rebuild_problems: list[Problem] = []
                n = self.index.rebuild(self._records(sorted(entries.values(), key=lambda e: e.id), rebuild_problems))
                report.indexed, report.repaired = n, True
                report.problems.extend(rebuild_problems)
            return report
        stamps = self.index.stamps()
        missing = [e for i, e in entries.items() if i not in stamps]
        stale = [e for i, e in entries.items() if i in stamps and stamps[i] != e.stamp]
        orphans = [i for i in stamps if i not in entries]
        for e in missing:
            problems.append(Problem("missing-from-index", e.id, _("{id} is in the store but not in the index.").format(id=e.id)))
        for e in stale:
            problems.append(Problem("stale", e.id, _("{id} was changed in the store after it was indexed.").format(id=e.id)))
        for i in orphans:
            problems.append(Problem("orphan", i, _("{id} is in the index but not in the store.").format(id=i)))
        shas = set()
        for e in entries.values():
            sha = self._source_sha(e)
            shas.add(sha)
            if sha and not self.store.original_path(sha).is_file():
                problems.append(Problem("original-missing", e.id, _("The original file of {id} is missing.").format(id=e.id)))
        # originals no document names: left by a remove interrupted between its two deletions
        stray = [p for p in self.store.originals_dir.glob("*/*")
                 if p.is_file() and not p.name.startswith(".") and p.name not in shas]
        for p in stray:
            problems.append(Problem("orphan-original", None, _("{path} belongs to no document.").format(path=p)))
            if repair:
                p.unlink(missing_ok=True)
        report = CheckReport(len(entries), len(stamps), problems)
        if repair and (missing or stale or orphans):
            rp: list[Problem] = []
            if orphans:
                self.index.delete(orphans)
            self.index.add(list(self._records(missing + stale, rp)), replace=True)
            report.problems.extend(rp)
            report.repaired = True
        elif repair and (stray or any(p.kind == "temp-file" for p in problems)):
            report.repaired = True
        return report

    def _source_sha(self, entry: StoreEntry) -> str | None:
        # Cheap read of the front matter's sha256 line without parsing the whole document.
        try:
            with open(entry.path, encoding="utf-8") as f:
                for _i, line in zip(range(80), f):
                    m = re.match(r"\s+sha256:\s*'?([0-9a-f]{64})", line)
                    if m:
                        return m.group(1)
        except OSError:
            return None
        return None

    def stats(self) -> dict:
        """Counts by type, issuer and year; archive and index sizes."""
        from collections import Counter

        from .fsutil import tree_bytes

        docs = 0
        by_type: Counter[str] = Counter()
        by_issuer: Counter[str] = Counter()
        by_year: Counter[str] = Counter()
        if self.store.docs_dir.is_dir() and self.index.exists():
            for f in self.index.all_stored():
                docs += 1
                by_type[f.get("doc_type") or "?"] += 1
                by_issuer[f.get("issuer") or "?"] += 1
                by_year[(f.get("issued") or "?")[:4]] += 1
        return {
            "documents": docs,
            "store_documents": sum(1 for _ in self.store.entries()),
            "by_type": dict(by_type.most_common()),
            "by_issuer": dict(by_issuer.most_common()),
            "by_year": dict(sorted(by_year.items(), reverse=True)),
            "archive_bytes": tree_bytes(self.root),
            "index_bytes": tree_bytes(self.root / "index"),
            "path": str(self.root),
        }

