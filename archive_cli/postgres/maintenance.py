"""``check`` and ``stats`` of a server archive.

The database keeps documents, originals and index consistent by itself (foreign keys, one
transaction per change), so ``check`` looks for what a transaction cannot prevent: an index
analysed by another version, and entries whose stamp differs from their document's (a document
row changed by hand in SQL). ``--repair`` re-indexes those from the documents.
"""
from __future__ import annotations

from ..i18n import _
from ..maintenance import CheckReport, Problem, records


def check(archive, repair: bool = False) -> CheckReport:
    from .schema import installed_version

    db, store, index = archive.db, archive.store, archive.index
    if installed_version(db) is None:
        return CheckReport(0, 0)
    problems: list[Problem] = []
    state = index.state()
    docs = dict(db.execute("SELECT id, stamp FROM archive.documents").fetchall())
    if not state.ok:
        problems.append(Problem("index-outdated", None, state.reason))
        report = CheckReport(len(docs), 0, problems)
        if repair:
            report.indexed, rp = archive._rebuild()
            report.repaired = True
            report.remaining = rp
        return report
    indexed = index.stamps()
    missing = sorted(set(docs) - set(indexed))
    orphans = sorted(set(indexed) - set(docs))
    stale = sorted(i for i in set(docs) & set(indexed) if docs[i] != indexed[i])
    for i in missing:
        problems.append(Problem("missing-from-index", i, _("{id} is in the store but not in the index.").format(id=i)))
    for i in stale:
        problems.append(Problem("stale", i, _("{id} changed since it was indexed.").format(id=i)))
    for i in orphans:
        problems.append(Problem("orphan", i, _("{id} is in the index but not in the store.").format(id=i)))
    report = CheckReport(len(docs), len(indexed), problems)
    if repair and problems:
        rp: list[Problem] = []
        with db.transaction():
            index.delete(orphans)
            index.add(list(records(store, [e for e in store.entries() if e.id in set(missing + stale)], rp)))
        report.repaired = True
        report.remaining = rp
        report.indexed = len(index.stamps())
    elif repair:
        report.remaining = []
    return report


def stats(archive) -> dict:
    """The same shape as a folder archive's stats; sizes are the tables' sizes on the server."""
    from ..maintenance import document_counts
    from .schema import installed_version

    db = archive.db
    present = installed_version(db) is not None
    counts = document_counts(archive.index if present and archive.index.state().ok else None)

    def size(*tables: str) -> int:
        if not present:
            return 0
        return int(db.execute("SELECT coalesce(sum(pg_total_relation_size(t::regclass)), 0) FROM unnest(%s::text[]) t",
                              [list(tables)]).fetchone()[0])

    store_docs = db.execute("SELECT count(*) FROM archive.documents").fetchone()[0] if present else 0
    return {
        "documents": counts["documents"],
        "store_documents": store_docs,
        **{k: v for k, v in counts.items() if k != "documents"},
        "archive_bytes": size("archive.documents", "archive.originals", "archive.entries", "archive.chunks",
                              "archive.words", "archive.meta"),
        "index_bytes": size("archive.entries", "archive.chunks", "archive.words"),
        "path": archive.location,
    }
