"""``python -m tools.evaluate search``: search quality against the judged query set.

Reads ``tests/gold/search_queries.json``::

    {"collection": [paths…],            # relative to the corpus folder; "documents/…" to the repo
     "queries": [{"id", "query", "class", "filters", "relevant": [paths, best first], "notes"}]}

builds a fresh archive in a temporary folder (or reuses ``--archive DIR``), imports the
collection through the library API, runs every query with its filters and prints recall@10 and
MRR, overall and per query class, plus the queries that fall short.

Measures:

- recall@k: relevant documents found in the top k, divided by min(k, number relevant)
  (so a query with more than k relevant documents can still reach 1.0);
- reciprocal rank: 1 / rank of the first relevant document in the top k (0 when none);
  MRR is its mean.

Filters in the gold file map to ``Filters``: type → doc_type, issuer, number, from → date_from,
to → date_to, year, section, tag (one tag or a list) → tags.

Exit code: 0 when both targets are met, 1 when a target is missed or a collection file could not
be imported, 2 on a usage error (gold file or corpus missing).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DEFAULT_GOLD = REPO / "tests" / "gold" / "search_queries.json"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
TARGETS = {"recall@10": 0.95, "mrr": 0.85}
K = 10


def default_corpus() -> Path:
    return Path(os.environ.get("ARCHIVE_CORPUS") or DEFAULT_CORPUS)


def resolve_path(rel: str, corpus: Path) -> Path:
    """A collection path: ``documents/…`` lives in the repository, everything else in the corpus."""
    if rel.startswith("documents/"):
        return REPO / rel
    return corpus / rel


def make_filters(spec: dict[str, Any]):
    from archive_cli.search import Filters

    tags = spec.get("tag") or spec.get("tags") or ()
    if isinstance(tags, str):
        tags = (tags,)
    year = spec.get("year")
    return Filters(doc_type=spec.get("type"), issuer=spec.get("issuer"), number=spec.get("number"),
                   date_from=spec.get("from"), date_to=spec.get("to"),
                   year=int(year) if year not in (None, "") else None,
                   section=spec.get("section"), tags=tuple(tags))


def short(rel: str | None) -> str:
    if rel is None:
        return "?"
    if rel.startswith("tvpl-md-tnt305/md/"):
        return rel[len("tvpl-md-tnt305/md/"):][:8]
    return rel


def import_collection(arch, collection: list[str], corpus: Path) -> tuple[dict[str, str], list[dict]]:
    """Import every collection file; return {relative path: document id} and the problems."""
    problems: list[dict] = []
    wanted: list[tuple[str, Path]] = []
    for rel in collection:
        p = resolve_path(rel, corpus)
        if p.is_file():
            wanted.append((rel, p))
        else:
            problems.append({"path": rel, "status": "missing", "error": "file not found"})
    by_resolved = {str(p.resolve()): rel for rel, p in wanted}
    ids: dict[str, str] = {}
    results = list(arch.import_paths([p for _, p in wanted]))
    for i, r in enumerate(results):
        rel = by_resolved.get(str(Path(r.path).resolve()))
        if rel is None and len(results) == len(wanted):
            rel = wanted[i][0]  # one result per file, in input order
        if rel is None:
            continue
        if r.status in ("imported", "duplicate") and r.id:
            ids[rel] = r.id
        else:
            problems.append({"path": rel, "status": r.status, "error": r.error})
    for rel, _ in wanted:
        if rel not in ids and not any(pr["path"] == rel for pr in problems):
            problems.append({"path": rel, "status": "no result", "error": "import returned nothing"})
    return ids, problems


def score(relevant: list[str], ranked: list[str | None]) -> tuple[float, float, list[str]]:
    """(recall@K, reciprocal rank, relevant documents missing from the top K)."""
    top = ranked[:K]
    found = [r for r in relevant if r in top]
    recall = len(found) / min(K, len(relevant)) if relevant else 1.0
    rr = 0.0
    for i, path in enumerate(top, 1):
        if path in relevant:
            rr = 1.0 / i
            break
    return min(recall, 1.0), rr, [r for r in relevant if r not in top]


def evaluate(gold: dict[str, Any], corpus: Path, archive_dir: Path | None = None,
             only: set[str] | None = None) -> dict[str, Any]:
    from archive_cli.archive import Archive

    tmp = None
    if archive_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="archive-eval-search-")
        archive_dir = Path(tmp.name) / "archive"
    try:
        arch = Archive(archive_dir)
        t0 = time.perf_counter()
        ids, problems = import_collection(arch, gold["collection"], corpus)
        import_s = time.perf_counter() - t0
        path_of = {v: k for k, v in ids.items()}
        rows: list[dict[str, Any]] = []
        latencies: list[float] = []
        for q in gold["queries"]:
            if only and q["id"] not in only and q["class"] not in only:
                continue
            row: dict[str, Any] = {"id": q["id"], "class": q["class"], "query": q["query"],
                                   "filters": q.get("filters") or {}, "relevant": q["relevant"]}
            t1 = time.perf_counter()
            try:
                res = arch.search(q["query"], filters=make_filters(row["filters"]), limit=K)
                hits = list(res.hits)
                row["total"] = res.total
                row["error"] = None
            except Exception as exc:  # a query the engine rejects scores zero
                hits = []
                row["total"] = 0
                row["error"] = f"{type(exc).__name__}: {exc}"
            latencies.append(time.perf_counter() - t1)
            ranked = [path_of.get(h.id) for h in hits]
            row["recall"], row["rr"], row["missing"] = score(q["relevant"], ranked)
            row["top"] = [{"path": p, "relevant": p in q["relevant"], "id": h.id,
                           "title": (h.title or "")[:90], "doc_type": h.doc_type, "number": h.number,
                           "sections": list(h.sections or [])}
                          for p, h in zip(ranked, hits)]
            rows.append(row)
    finally:
        if tmp is not None:
            tmp.cleanup()

    def agg(rs: list[dict[str, Any]]) -> dict[str, Any]:
        n = len(rs)
        return {"queries": n,
                "recall@10": sum(r["recall"] for r in rs) / n if n else None,
                "mrr": sum(r["rr"] for r in rs) / n if n else None}

    by_class: dict[str, list] = defaultdict(list)
    for r in rows:
        by_class[r["class"]].append(r)
    overall = agg(rows)
    failing = [r for r in rows if r["recall"] < 1.0 or r["rr"] < 1.0 or r["error"]]
    failing.sort(key=lambda r: (r["recall"] + r["rr"], r["id"]))
    met = bool(rows) and all(overall[m] is not None and overall[m] >= t for m, t in TARGETS.items())
    return {
        "collection": len(gold["collection"]),
        "imported": len(ids),
        "import_problems": problems,
        "import_seconds": round(import_s, 2),
        "ms_per_query": round(1000 * sum(latencies) / len(latencies), 1) if latencies else None,
        "overall": overall,
        "classes": {c: agg(rs) for c, rs in sorted(by_class.items())},
        "targets": TARGETS,
        "targets_met": met,
        "failing": failing,
        "queries": rows,
    }


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def _print(result: dict[str, Any], show_top: int) -> None:
    print(f"collection: {result['collection']} files, {result['imported']} in the archive "
          f"(import {result['import_seconds']} s)   queries: {result['overall']['queries']}   "
          f"search: {result['ms_per_query']} ms/query")
    for p in result["import_problems"]:
        print(f"  not imported: {p['path']}: {p['status']} {p.get('error') or ''}".rstrip())
    print(f"\n{'class':<14}{'queries':>8}{'recall@10':>11}{'MRR':>8}")
    for c, v in result["classes"].items():
        print(f"{c:<14}{v['queries']:>8}{_fmt(v['recall@10']):>11}{_fmt(v['mrr']):>8}")
    o = result["overall"]
    print(f"{'overall':<14}{o['queries']:>8}{_fmt(o['recall@10']):>11}{_fmt(o['mrr']):>8}")
    t = result["targets"]
    print(f"{'target':<14}{'':>8}{t['recall@10']:>11.2f}{t['mrr']:>8.2f}"
          f"   {'met' if result['targets_met'] else 'NOT met'}")
    if result["failing"]:
        print(f"\nfailing queries ({len(result['failing'])}):")
        for r in result["failing"]:
            filt = " ".join(f"--{k} {json.dumps(v, ensure_ascii=False)}" for k, v in r["filters"].items())
            print(f"- {r['id']} [{r['class']}] {json.dumps(r['query'], ensure_ascii=False)} {filt}".rstrip())
            print(f"    recall@10 {r['recall']:.2f}  RR {r['rr']:.2f}  total {r['total']}"
                  + (f"  error: {r['error']}" if r["error"] else ""))
            if r["missing"]:
                print(f"    missing: {', '.join(short(m) for m in r['missing'])}")
            for i, h in enumerate(r["top"][:show_top], 1):
                mark = "+" if h["relevant"] else " "
                print(f"    {mark}{i:>2}. {short(h['path']):<12} {h['doc_type'] or '-'} "
                      f"{h['number'] or '-'}  {h['title'][:60]}")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.evaluate search",
                                 description="Search quality (recall@10, MRR) on the judged query set.")
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="query file (default: %(default)s)")
    ap.add_argument("--corpus", type=Path, default=None,
                    help="corpus folder (default: $ARCHIVE_CORPUS or ../shared/corpus)")
    ap.add_argument("--archive", type=Path, default=None,
                    help="reuse (or create) this archive instead of a temporary one")
    ap.add_argument("--only", action="append", default=[],
                    help="run only this query id or class (repeatable)")
    ap.add_argument("--top", type=int, default=5, help="hits shown per failing query")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    args = ap.parse_args(argv)
    corpus = args.corpus or default_corpus()
    if not args.gold.is_file():
        print(f"query file not found: {args.gold}", file=sys.stderr)
        return 2
    if not corpus.is_dir():
        print(f"corpus folder not found: {corpus}", file=sys.stderr)
        return 2
    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    result = evaluate(gold, corpus, args.archive, set(args.only) or None)
    try:
        if args.json:
            json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
            print()
        else:
            _print(result, args.top)
    except BrokenPipeError:  # output piped into head & co.
        sys.stderr.close()
    return 0 if result["targets_met"] and not result["import_problems"] else 1
