"""Housekeeping: check and repair, reindex, stats (SPEC §3, §6).

The store is the truth and the index is derived: ``check`` compares them, ``repair`` makes the
index agree with the store, ``reindex`` rebuilds the index from the store alone.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .i18n import _
from .index import SearchIndex
from .index.records import IndexRecord, record_for
from .store import Store, StoreEntry


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


def records(store: Store, entries: Iterable[StoreEntry], problems: list[Problem]) -> Iterator[IndexRecord]:
    """Index records of store entries; a file that no longer parses is a problem, not an abort."""
    for entry in entries:
        try:
            yield record_for(store.load(entry.id), entry.stamp)
        except Exception as exc:  # a hand-edited file that no longer parses
            problems.append(Problem("unreadable", entry.id, _("{path} cannot be read ({reason}).").format(
                path=entry.path, reason=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)))


def reindex(store: Store, index: SearchIndex) -> tuple[int, list[Problem]]:
    """Rebuild the index from the store alone (the caller holds the write lock)."""
    store.create()
    problems: list[Problem] = []
    entries = sorted(store.entries(), key=lambda e: e.id)
    return index.rebuild(records(store, entries, problems)), problems


#: How much of an unreadable or foreign file check searches for hashes of originals it may name.
MAX_SCAN = 1 << 20

#: Stored fields a check compares with the store's front matter.
COMPARED = ("title", "subtitle", "doc_type", "number", "issuer", "issued")


def _indexed_fields(meta: dict) -> dict[str, str]:
    """What the index should hold for a store file's front matter."""
    from .parse import metadata_from_store

    p = metadata_from_store(meta)
    return {name: getattr(p, name) or "" for name in COMPARED}


def check(store: Store, index: SearchIndex, repair: bool) -> CheckReport:
    """Compare store and index; with ``repair``, make the index agree with the store.

    The index is read whole, as searches read it, and every document's indexed fields are
    compared with its store file. Originals no store file names are reported, and with
    ``repair`` moved to the quarantine folder; an original that any store file might name —
    a damaged one included — is never touched."""
    from .errors import IndexProblem, StoreError
    from .store import SHA_RE

    entries = {e.id: e for e in store.entries()}
    problems: list[Problem] = []
    for tmp in store.temp_files():
        problems.append(Problem("temp-file", None, _("Leftover temporary file {path} from an interrupted write.").format(path=tmp)))
        if repair:
            tmp.unlink(missing_ok=True)
    for folder in index.leftovers():
        problems.append(Problem("index-leftover", None, _("Leftover index folder {path} from an interrupted rebuild.").format(path=folder)))
    if repair:
        index.clean()

    # the store: what each file says, and which originals any of them might name
    metas: dict[str, dict] = {}
    named: set[str] = set()
    for e in entries.values():
        # a document's id is the start of its original's hash: that original is claimed, whatever
        # its store file now says
        named.update(p.name for p in store.originals_of(e.id))
        try:
            metas[e.id] = store.front_matter(e.id)
        except (StoreError, OSError) as exc:
            problems.append(Problem("unreadable", e.id, str(exc)))
            # a damaged file may still name its original: keep every hash it mentions
            try:
                named.update(SHA_RE.findall(e.path.read_bytes()[:MAX_SCAN].decode("latin-1").lower()))
            except OSError:
                pass
            continue
        src = metas[e.id].get("source")
        sha = str(src.get("sha256") or "").strip().lower() if isinstance(src, dict) else ""
        if not SHA_RE.fullmatch(sha):
            problems.append(Problem("no-original", e.id, _("{path} names no original file (source: sha256 is missing or not a SHA-256).").format(path=e.path)))
            continue
        named.add(sha)
        if not store.original_path(sha).is_file():
            problems.append(Problem("original-missing", e.id, _("The original file of {id} is missing.").format(id=e.id)))
    for path in store.foreign_files():
        problems.append(Problem("foreign-file", None, _("{path} is not a store file (those are named <12-digit id>.md); it is not part of the archive.").format(path=path)))
        try:  # it may be a renamed store file: whatever hash it mentions stays claimed
            if path.is_file():
                named.update(SHA_RE.findall(path.read_bytes()[:MAX_SCAN].decode("latin-1").lower()))
        except OSError:
            pass
    stray = [p for p in store.originals_dir.glob("*/*")
             if p.is_file() and not p.name.startswith(".") and p.name not in named]
    for p in stray:
        if repair:
            to = store.quarantine(p)
            problems.append(Problem("orphan-original", None, _("{path} belongs to no document; moved to {to}.").format(path=p, to=to)))
        else:
            problems.append(Problem("orphan-original", None, _("{path} belongs to no document.").format(path=p)))

    # the index: readable whole, then the same documents and fields as the store
    readable = sorted((entries[i] for i in metas), key=lambda e: e.id)
    state = index.state()
    if state.ok:
        try:
            index.verify()
            docs = {f["id"]: f for f in index.documents()}
        except IndexProblem as exc:
            state = type(state)("broken", str(exc))
    if not state.ok:
        problems.append(Problem(f"index-{state.state}", None, state.reason))
        report = CheckReport(len(entries), 0, problems)
        if repair:
            rebuild_problems: list[Problem] = []
            report.indexed = index.rebuild(records(store, readable, rebuild_problems))
            report.repaired = True
            report.problems.extend(rebuild_problems)
        return report
    missing = [e for e in readable if e.id not in docs]
    stale = [e for e in readable if e.id in docs and docs[e.id].get("stamp") != e.stamp]
    differs = [e for e in readable if e.id in docs and e not in stale
               and ({k: docs[e.id].get(k) or "" for k in COMPARED} != _indexed_fields(metas[e.id])
                    or (docs[e.id].get("sha256") or "") != str((metas[e.id].get("source") or {}).get("sha256") or "").strip().lower())]
    orphans = [i for i in docs if i not in entries]
    for e in missing:
        problems.append(Problem("missing-from-index", e.id, _("{id} is in the store but not in the index.").format(id=e.id)))
    for e in stale:
        problems.append(Problem("stale", e.id, _("{id} was changed in the store after it was indexed.").format(id=e.id)))
    for e in differs:
        problems.append(Problem("index-differs", e.id, _("The index holds other fields for {id} than its store file.").format(id=e.id)))
    for i in orphans:
        problems.append(Problem("orphan", i, _("{id} is in the index but not in the store.").format(id=i)))
    report = CheckReport(len(entries), len(docs), problems)
    if repair and (missing or stale or differs or orphans):
        rp: list[Problem] = []
        if orphans:
            index.delete(orphans)
        index.add(list(records(store, missing + stale + differs, rp)))
        report.problems.extend(rp)
        report.repaired = True
    elif repair and (stray or any(p.kind in ("temp-file", "index-leftover") for p in problems)):
        report.repaired = True
    return report


def document_counts(index: SearchIndex | None) -> dict:
    """Documents in the index, those read with OCR, and counts by type, issuer and year."""
    from collections import Counter

    docs = ocr = 0
    by_type: Counter[str] = Counter()
    by_issuer: Counter[str] = Counter()
    by_year: Counter[str] = Counter()
    for f in index.documents() if index is not None else ():
        docs += 1
        ocr += bool(f.get("ocr"))
        by_type[f.get("doc_type") or "?"] += 1
        by_issuer[f.get("issuer") or "?"] += 1
        by_year[(f.get("issued") or "?")[:4]] += 1
    return {
        "documents": docs,
        "ocr_documents": ocr,
        # equal counts in name order, whatever order the engine listed the documents in
        "by_type": dict(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_issuer": dict(sorted(by_issuer.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_year": dict(sorted(by_year.items(), reverse=True)),
    }


def stats(store: Store, index: SearchIndex, root) -> dict:
    """Counts by type, issuer and year, documents read with OCR; archive and index sizes."""
    from .fsutil import tree_bytes

    present = store.docs_dir.is_dir() and index.state().state != "missing"
    counts = document_counts(index if present else None)
    return {
        "documents": counts["documents"],
        "store_documents": sum(1 for _ in store.entries()),
        **{k: v for k, v in counts.items() if k != "documents"},
        "archive_bytes": tree_bytes(root),
        "index_bytes": tree_bytes(root / "index"),
        "path": str(root),
    }
