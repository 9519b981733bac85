"""Housekeeping: check and repair, reindex, stats (SPEC §3, §6).

The store is the truth and the index is derived: ``check`` compares them, ``repair`` makes the
index agree with the store, ``reindex`` rebuilds the index from the store alone.
"""
from __future__ import annotations

import re
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


def source_sha(entry: StoreEntry) -> str | None:
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


def check(store: Store, index: SearchIndex, repair: bool) -> CheckReport:
    """Compare store and index; with ``repair``, make the index agree with the store."""
    entries = {e.id: e for e in store.entries()}
    problems: list[Problem] = []
    for folder in (store.docs_dir, *store.originals_dir.glob("*")):
        for tmp in folder.glob(".tmp-*"):
            problems.append(Problem("temp-file", None, _("Leftover temporary file {path} from an interrupted write.").format(path=tmp)))
            if repair:
                tmp.unlink(missing_ok=True)
    state = index.state()
    if not state.ok:
        problems.append(Problem(f"index-{state.state}", None, state.reason))
        report = CheckReport(len(entries), 0, problems)
        if repair:
            rebuild_problems: list[Problem] = []
            n = index.rebuild(records(store, sorted(entries.values(), key=lambda e: e.id), rebuild_problems))
            report.indexed, report.repaired = n, True
            report.problems.extend(rebuild_problems)
        return report
    stamps = index.stamps()
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
        sha = source_sha(e)
        shas.add(sha)
        if sha and not store.original_path(sha).is_file():
            problems.append(Problem("original-missing", e.id, _("The original file of {id} is missing.").format(id=e.id)))
    # originals no document names: left by a remove interrupted between its two deletions
    stray = [p for p in store.originals_dir.glob("*/*")
             if p.is_file() and not p.name.startswith(".") and p.name not in shas]
    for p in stray:
        problems.append(Problem("orphan-original", None, _("{path} belongs to no document.").format(path=p)))
        if repair:
            p.unlink(missing_ok=True)
    report = CheckReport(len(entries), len(stamps), problems)
    if repair and (missing or stale or orphans):
        rp: list[Problem] = []
        if orphans:
            index.delete(orphans)
        index.add(list(records(store, missing + stale, rp)))
        report.problems.extend(rp)
        report.repaired = True
    elif repair and (stray or any(p.kind == "temp-file" for p in problems)):
        report.repaired = True
    return report


def stats(store: Store, index: SearchIndex, root) -> dict:
    """Counts by type, issuer and year; archive and index sizes."""
    from collections import Counter

    from .fsutil import tree_bytes

    docs = 0
    by_type: Counter[str] = Counter()
    by_issuer: Counter[str] = Counter()
    by_year: Counter[str] = Counter()
    if store.docs_dir.is_dir() and index.state().state != "missing":
        for f in index.documents():
            docs += 1
            by_type[f.get("doc_type") or "?"] += 1
            by_issuer[f.get("issuer") or "?"] += 1
            by_year[(f.get("issued") or "?")[:4]] += 1
    return {
        "documents": docs,
        "store_documents": sum(1 for _ in store.entries()),
        "by_type": dict(by_type.most_common()),
        "by_issuer": dict(by_issuer.most_common()),
        "by_year": dict(sorted(by_year.items(), reverse=True)),
        "archive_bytes": tree_bytes(root),
        "index_bytes": tree_bytes(root / "index"),
        "path": str(root),
    }
