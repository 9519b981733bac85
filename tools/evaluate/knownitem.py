"""``python -m tools.evaluate knownitem``: known-item search quality, beside two baselines.

Reads ``tests/gold/known_items.json``::

    {"collection": [paths…],             # relative to the corpus folder
     "queries": [{"id", "style", "query", "target": [paths, the document itself first], "source", "checked"}]}

Each query is what a clerk types to find ONE document she remembers, in one of four styles
(``subject``, ``unaccented``, ``type_topic``, ``number``). ``target`` lists every collection file
that is the same document (a .doc and its web page, two scrapes of one text…): any of them at
rank r is a hit at rank r.

The tool imports the collection through the library API into a temporary archive (or reuses
``--archive DIR``: a re-import of the same files is a no-op), runs every query, and reports per
style and overall:

- success@1, success@3, success@10: share of queries with a target within the top k;
- MRR: mean of 1 / rank of the first target within the top 10 (0 when none).

Baselines, measured on the same queries in the same run (``--baselines``, on by default):

- *plain Whoosh*: one ``TEXT`` field (default StandardAnalyzer) over the text archive-cli stored
  for each document (the Markdown body of ``ARCHIVE/documents/<id>.md`` after the front matter),
  searched with ``QueryParser("body", schema)`` on the query as typed, top 10;
- *Recoll*: ``recollindex``/``recollq`` over the same texts written as ``<id>.txt`` files, with a
  configuration folder of its own; reported as unavailable when Recoll is not installed.

Targets for archive-cli: success@3 ≥ 0.95 and MRR ≥ 0.93. Exit code: 0 when both are met, 1 when
one is missed or a collection file could not be imported, 2 on a usage error.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlparse

REPO = Path(__file__).resolve().parents[2]
DEFAULT_GOLD = REPO / "tests" / "gold" / "known_items.json"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
STYLES = ("subject", "unaccented", "type_topic", "number")
TARGETS = {"success@3": 0.95, "mrr": 0.93}
K = 10
ENGINES = ("archive-cli", "whoosh", "recoll")


def default_corpus() -> Path:
    return Path(os.environ.get("ARCHIVE_CORPUS") or DEFAULT_CORPUS)


# --- scoring -------------------------------------------------------------------------------------
def first_rank(targets: list[str], ranked: list[set[str]], k: int = K) -> int | None:
    """1-based rank of the first hit that is one of ``targets`` within the top ``k``, else None.

    ``ranked`` holds, per hit, the collection paths of that document (several files can be one
    archived document)."""
    want = set(targets)
    for i, paths in enumerate(ranked[:k], 1):
        if paths & want:
            return i
    return None


def aggregate(ranks: list[int | None]) -> dict[str, Any]:
    n = len(ranks)
    if not n:
        return {"queries": 0, "success@1": None, "success@3": None, "success@10": None, "mrr": None}
    return {"queries": n,
            "success@1": sum(1 for r in ranks if r is not None and r <= 1) / n,
            "success@3": sum(1 for r in ranks if r is not None and r <= 3) / n,
            "success@10": sum(1 for r in ranks if r is not None and r <= K) / n,
            "mrr": sum(1.0 / r for r in ranks if r is not None and r <= K) / n}


# --- import --------------------------------------------------------------------------------------
def import_collection(arch, collection: list[str], corpus: Path, jobs: int = 2) -> tuple[dict[str, str], list[dict]]:
    """Import every collection file; return {relative path: document id} and the problems."""
    problems: list[dict] = []
    wanted: list[tuple[str, Path]] = []
    for rel in collection:
        p = corpus / rel
        if p.is_file():
            wanted.append((rel, p))
        else:
            problems.append({"path": rel, "status": "missing", "error": "file not found"})
    by_resolved = {str(p.resolve()): rel for rel, p in wanted}
    ids: dict[str, str] = {}
    results = list(arch.import_paths([p for _, p in wanted], jobs=jobs))
    for i, r in enumerate(results):
        rel = by_resolved.get(str(Path(r.path).resolve()))
        if rel is None and len(results) == len(wanted):
            rel = wanted[i][0]  # one result per file, in input order
        if rel is None:
            continue
        if r.status in ("imported", "duplicate") and r.id:
            ids[rel] = r.id
        else:
            problems.append({"path": rel, "status": r.status, "error": getattr(r, "error", None)})
    for rel, _ in wanted:
        if rel not in ids and not any(pr["path"] == rel for pr in problems):
            problems.append({"path": rel, "status": "no result", "error": "import returned nothing"})
    return ids, problems


def stored_text(archive, doc_id: str) -> str:
    """The text archive-cli stored for a document: the Markdown body after the front matter
    (``archive`` a folder path, or an opened archive of either kind)."""
    if hasattr(archive, "store"):
        return archive.store.read_body(doc_id)
    import frontmatter

    return frontmatter.load(str(Path(archive) / "documents" / f"{doc_id}.md")).content


def write_texts(archive, doc_ids: list[str], dest: Path) -> int:
    dest.mkdir(parents=True, exist_ok=True)
    n = 0
    for doc_id in sorted(set(doc_ids)):
        (dest / f"{doc_id}.txt").write_text(stored_text(archive, doc_id), encoding="utf-8")
        n += 1
    return n


# --- baselines -----------------------------------------------------------------------------------
class WhooshBaseline:
    """A minimal Whoosh index: one TEXT field with the default analyzer, the query parsed as typed."""

    name = "whoosh"

    def __init__(self, texts: Path, work: Path) -> None:
        from whoosh import index
        from whoosh.fields import ID, TEXT, Schema

        self.schema = Schema(id=ID(stored=True, unique=True), body=TEXT())
        ixdir = work / "whoosh"
        shutil.rmtree(ixdir, ignore_errors=True)
        ixdir.mkdir(parents=True)
        t0 = time.perf_counter()
        self.ix = index.create_in(str(ixdir), self.schema)
        with self.ix.writer() as w:
            for f in sorted(texts.glob("*.txt")):
                w.add_document(id=f.stem, body=f.read_text(encoding="utf-8"))
        self.build_seconds = round(time.perf_counter() - t0, 2)

    def search(self, query: str) -> list[str]:
        from whoosh.qparser import QueryParser

        with self.ix.searcher() as s:
            q = QueryParser("body", self.schema).parse(query)
            return [hit["id"] for hit in s.search(q, limit=K)]


class RecollBaseline:
    """``recollindex`` over the text files with a configuration folder of its own, ``recollq -b``."""

    name = "recoll"

    def __init__(self, texts: Path, work: Path) -> None:
        self.conf = work / "recoll"
        shutil.rmtree(self.conf, ignore_errors=True)
        self.conf.mkdir(parents=True)
        (self.conf / "recoll.conf").write_text(
            f"topdirs = {texts.resolve()}\nnoaspell = 1\nloglevel = 1\nidxflushmb = 50\n"
            "indexedmimetypes = text/plain\n", encoding="utf-8")
        t0 = time.perf_counter()
        cp = subprocess.run(["recollindex", "-c", str(self.conf), "-z"], capture_output=True, text=True,
                            timeout=1800)
        self.build_seconds = round(time.perf_counter() - t0, 2)
        if cp.returncode != 0:
            raise RuntimeError(f"recollindex failed ({cp.returncode}): {(cp.stderr or cp.stdout)[-500:]}")

    def search(self, query: str) -> list[str]:
        cp = subprocess.run(["recollq", "-c", str(self.conf), "-n", str(K), "-b", query],
                            capture_output=True, text=True, timeout=120)
        ids = []
        for line in cp.stdout.splitlines():
            line = line.strip()
            if not line.startswith("file://"):
                continue
            name = Path(unquote(urlparse(line).path)).name
            if name.endswith(".txt"):
                ids.append(name[:-4])
        return ids[:K]


def start_baselines(texts: Path, work: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The baselines that can run here, and why the others cannot."""
    engines: dict[str, Any] = {}
    unavailable: dict[str, str] = {}
    try:
        engines["whoosh"] = WhooshBaseline(texts, work)
    except ImportError as exc:
        unavailable["whoosh"] = f"whoosh is not installed ({exc})"
    if shutil.which("recollindex") and shutil.which("recollq"):
        try:
            engines["recoll"] = RecollBaseline(texts, work)
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            unavailable["recoll"] = str(exc)
    else:
        unavailable["recoll"] = "recollindex/recollq are not installed (apt-get install recoll)"
    return engines, unavailable


# --- the evaluation ------------------------------------------------------------------------------
def select(queries: list[dict], only: set[str] | None) -> list[dict]:
    if not only:
        return list(queries)
    return [q for q in queries if q["id"] in only or q["style"] in only]


def evaluate(gold: dict[str, Any], corpus: Path, archive_dir: Path | str | None = None,
             only: set[str] | None = None, baselines: bool = True, jobs: int = 2,
             work_dir: Path | None = None) -> dict[str, Any]:
    from archive_cli.archive import open_archive

    tmp = tempfile.TemporaryDirectory(prefix="archive-eval-knownitem-")
    try:
        if archive_dir is None:
            archive_dir = Path(tmp.name) / "archive"
        work = Path(work_dir) if work_dir is not None else Path(tmp.name) / "baselines"
        arch = open_archive(archive_dir)  # a folder, or a postgresql:// URL (the server engine)
        t0 = time.perf_counter()
        ids, problems = import_collection(arch, gold["collection"], corpus, jobs=jobs)
        import_s = round(time.perf_counter() - t0, 2)
        paths_of: dict[str, set[str]] = defaultdict(set)
        for rel, doc_id in ids.items():
            paths_of[doc_id].add(rel)

        runners: dict[str, Callable[[str], list[str]]] = {}

        def ours(query: str) -> list[str]:
            return [h.id for h in arch.search(query, limit=K).hits]

        runners["archive-cli"] = ours
        engine_info: dict[str, Any] = {"archive-cli": {"import_seconds": import_s}}
        if baselines:
            texts = work / "texts"
            shutil.rmtree(texts, ignore_errors=True)
            n = write_texts(arch, list(paths_of), texts)
            engines, unavailable = start_baselines(texts, work)
            for name, eng in engines.items():
                runners[name] = eng.search
                engine_info[name] = {"documents": n, "index_seconds": eng.build_seconds}
            for name, why in unavailable.items():
                engine_info[name] = {"unavailable": why}
        else:
            for name in ENGINES[1:]:
                engine_info[name] = {"unavailable": "--no-baselines"}

        rows: list[dict[str, Any]] = []
        latency: dict[str, list[float]] = defaultdict(list)
        for q in select(gold["queries"], only):
            row: dict[str, Any] = {"id": q["id"], "style": q["style"], "query": q["query"],
                                   "target": q["target"], "engines": {}}
            for name, run in runners.items():
                t1 = time.perf_counter()
                error = None
                try:
                    hit_ids = run(q["query"])
                except Exception as exc:  # a query an engine rejects scores zero
                    hit_ids, error = [], f"{type(exc).__name__}: {exc}"
                latency[name].append(time.perf_counter() - t1)
                ranked = [paths_of.get(h, set()) for h in hit_ids]
                rank = first_rank(q["target"], ranked)
                row["engines"][name] = {"rank": rank, "error": error,
                                        "top": [{"id": h, "paths": sorted(p)} for h, p in zip(hit_ids[:3], ranked)]}
            rows.append(row)
    finally:
        tmp.cleanup()

    engines_run = [e for e in ENGINES if e in runners]
    report_styles = [s for s in STYLES if any(r["style"] == s for r in rows)]
    report_styles += sorted({r["style"] for r in rows} - set(report_styles))
    results: dict[str, Any] = {}
    for name in engines_run:
        by_style = {s: aggregate([r["engines"][name]["rank"] for r in rows if r["style"] == s]) for s in report_styles}
        results[name] = {"overall": aggregate([r["engines"][name]["rank"] for r in rows]), "styles": by_style,
                         "ms_per_query": round(1000 * sum(latency[name]) / len(latency[name]), 1) if latency[name] else None}
    ours_overall = results["archive-cli"]["overall"]
    met = bool(rows) and all(ours_overall[m] is not None and ours_overall[m] >= t for m, t in TARGETS.items())
    misses = [r for r in rows if (r["engines"]["archive-cli"]["rank"] or K + 1) > 3]
    return {
        "collection": len(gold["collection"]),
        "imported": len(ids),
        "documents": len(paths_of),
        "import_problems": problems,
        "engines": engine_info,
        "results": results,
        "targets": TARGETS,
        "targets_met": met,
        "misses": [{"id": r["id"], "style": r["style"], "query": r["query"], "target": r["target"],
                    "rank": r["engines"]["archive-cli"]["rank"], "error": r["engines"]["archive-cli"]["error"],
                    "top": r["engines"]["archive-cli"]["top"]} for r in misses],
        "queries": rows,
    }


# --- output --------------------------------------------------------------------------------------
def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def _short(path: str) -> str:
    return path[len("tvpl-md-tnt305/md/"):][:16] if path.startswith("tvpl-md-tnt305/md/") else path


def _print(result: dict[str, Any]) -> None:
    print(f"collection: {result['collection']} files, {result['imported']} imported as "
          f"{result['documents']} documents (import {result['engines']['archive-cli']['import_seconds']} s)")
    for p in result["import_problems"]:
        print(f"  not imported: {p['path']}: {p['status']} {p.get('error') or ''}".rstrip())
    for name in ENGINES[1:]:
        info = result["engines"].get(name, {})
        if "unavailable" in info:
            print(f"  {name}: unavailable: {info['unavailable']}")
        else:
            print(f"  {name}: {info.get('documents')} texts indexed in {info.get('index_seconds')} s")
    res = result["results"]
    names = [n for n in ENGINES if n in res]
    cols = ("success@1", "success@3", "success@10", "mrr")
    styles = list(next(iter(res.values()))["styles"]) if res else []
    print()
    print(f"{'style':<12}{'engine':<13}{'queries':>8}" + "".join(f"{c:>12}" for c in cols) + f"{'ms/query':>10}")
    for style in [*styles, "overall"]:
        for name in names:
            v = res[name]["overall"] if style == "overall" else res[name]["styles"][style]
            ms = res[name]["ms_per_query"] if style == "overall" else None
            print(f"{style:<12}{name:<13}{v['queries']:>8}" + "".join(f"{_fmt(v[c]):>12}" for c in cols)
                  + (f"{ms:>10}" if ms is not None else ""))
        print()
    t = result["targets"]
    print(f"target (archive-cli): success@3 >= {t['success@3']:.2f}, MRR >= {t['mrr']:.2f}   "
          f"{'met' if result['targets_met'] else 'NOT met'}")
    if result["misses"]:
        print(f"\narchive-cli misses (target not in the top 3): {len(result['misses'])}")
        for m in result["misses"]:
            rank = m["rank"] if m["rank"] is not None else f">{K}"
            print(f"- {m['id']} [{m['style']}] {json.dumps(m['query'], ensure_ascii=False)}  rank {rank}"
                  f"  target {_short(m['target'][0])}" + (f"  error: {m['error']}" if m["error"] else ""))
            for i, h in enumerate(m["top"], 1):
                print(f"    {i}. {h['id']} {', '.join(_short(p) for p in h['paths']) or '(not in the collection)'}")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.evaluate knownitem",
                                 description="Known-item search quality (success@1/3/10, MRR) beside plain Whoosh and Recoll.")
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="query file (default: %(default)s)")
    ap.add_argument("--corpus", type=Path, default=None,
                    help="corpus folder (default: $ARCHIVE_CORPUS or ../shared/corpus)")
    ap.add_argument("--archive", default=None,
                    help="reuse (or create) this archive instead of a temporary one: a folder, or a "
                         "postgresql:// URL to evaluate the PostgreSQL engine")
    ap.add_argument("--only", action="append", default=[], metavar="STYLE",
                    help="run only this style (or query id); repeatable")
    ap.add_argument("--baselines", action=argparse.BooleanOptionalAction, default=True,
                    help="also measure plain Whoosh and Recoll (default: on)")
    ap.add_argument("--work", type=Path, default=None,
                    help="keep the baselines' texts and indexes in this folder (default: a temporary one)")
    ap.add_argument("--jobs", type=int, default=2, help="import worker processes (default: 2)")
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
    only = set(args.only) or None
    if only and not select(gold["queries"], only):
        print(f"--only: no query has the style or id {', '.join(sorted(only))} "
              f"(styles: {', '.join(STYLES)})", file=sys.stderr)
        return 2
    result = evaluate(gold, corpus, args.archive, only, baselines=args.baselines, jobs=args.jobs,
                      work_dir=args.work)
    try:
        if args.json:
            json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
            print()
        else:
            _print(result)
    except BrokenPipeError:  # output piped into head & co.
        sys.stderr.close()
    return 0 if result["targets_met"] and not result["import_problems"] else 1
