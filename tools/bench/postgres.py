"""The PostgreSQL engine beside the Whoosh engine (issue 21): ``python -m tools.bench.postgres``.

In one invocation, on the same generated files (:mod:`.corpus`), it measures and prints one JSON
report (stdout; progress on stderr). Nothing asserts on speed.

* ``import``: ``archive import DIR --json --jobs 2`` into a folder archive (Whoosh) and into a
  database of its own (PostgreSQL): documents/s of each, the ratio, index sizes;
* ``search``: each query class of :func:`tools.bench.query_classes` as a whole ``archive search``
  process (start to last byte) on both engines, alternating, p50/p95; ``rg -l -i`` over the
  same texts for the classes a text search can answer; and in-process times (one process,
  library calls, the engine plus ranking and snippets), p50/p95;
* ``million`` (``--multiply K``): the database's index rows multiplied K-fold in SQL (new ids),
  then in-process search p50/p95 per class (snippets off: the store rows are not multiplied)
  and the index size;
* ``load``: 20 searching client processes (mixed classes) and 2 importing ones for
  ``--load-seconds``: errors, p50/p95 under load, documents lost or duplicated;
* ``faults``: ``--kills`` kill -9s of an importing client at random moments and one server
  restart during an import; after each, documents without index entries or originals (must
  be 0); then an import that must complete;
* ``bad_queries``: ``--bad-queries`` generated hostile queries (quotes, semicolons, backslashes,
  NULs, SQL keywords): outcomes, and the database compared before and after.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from . import archive_cmd, corpus, log, query_classes
from .measure import run_measured, timed

DEFAULT_SERVER = "postgresql://127.0.0.1:5432/postgres"


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    vals = sorted(values)
    return round(vals[min(len(vals) - 1, max(0, int(round(p * len(vals) + 0.5)) - 1))] * 1000, 1)


def summary(values: list[float]) -> dict:
    return {"p50_ms": round(median(values) * 1000, 1) if values else None, "p95_ms": pct(values, 0.95), "runs": len(values)}


def with_db(url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    p = urlsplit(url)
    return urlunsplit((p.scheme, p.netloc, "/" + name, p.query, p.fragment))


def fresh_db(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')
    return with_db(server, name)


def sql(url: str, query: str, params=None):
    import psycopg

    with psycopg.connect(url, autocommit=True) as c:
        cur = c.execute(query, params)
        return cur.fetchall() if cur.description else None


def consistency(url: str) -> dict:
    """What a crash must never leave: documents without index entries or originals, entries
    without documents, duplicate content."""
    row = sql(url, """SELECT
        (SELECT count(*) FROM archive.documents),
        (SELECT count(*) FROM archive.documents d WHERE NOT EXISTS (SELECT 1 FROM archive.entries e WHERE e.id = d.id)),
        (SELECT count(*) FROM archive.entries e WHERE NOT EXISTS (SELECT 1 FROM archive.documents d WHERE d.id = e.id)),
        (SELECT count(*) FROM archive.documents d WHERE NOT EXISTS (SELECT 1 FROM archive.originals o WHERE o.sha256 = d.sha256)),
        (SELECT count(*) - count(DISTINCT sha256) FROM archive.documents)""")[0]
    return dict(zip(("documents", "without_entry", "entry_without_document", "without_original", "duplicates"), row))


# --- import ------------------------------------------------------------------------------------
def bench_import(work: Path, docs: Path, n: int, url: str, env: dict, jobs: int) -> dict:
    folder = work / f"archive-{n}"
    shutil.rmtree(folder, ignore_errors=True)
    log(f"{n}: import into a folder archive (Whoosh)…")
    w = run_measured([*archive_cmd(), "--archive", str(folder), "import", str(docs), "--json", "--jobs", str(jobs)], env=env)
    log(f"{n}: whoosh {w['seconds']:.1f} s")
    log(f"{n}: import into PostgreSQL…")
    p = run_measured([*archive_cmd(), "--archive", url, "import", str(docs), "--json", "--jobs", str(jobs)], env=env)
    log(f"{n}: postgres {p['seconds']:.1f} s")
    for r in (w, p):
        r["documents_per_s"] = round(n / r["seconds"], 1)
        r["seconds"] = round(r["seconds"], 2)
    from archive_cli.fsutil import tree_bytes

    pg_sizes = sql(url, "SELECT pg_total_relation_size('archive.entries') + pg_total_relation_size('archive.chunks')"
                        " + pg_total_relation_size('archive.words'), pg_total_relation_size('archive.documents'),"
                        " pg_total_relation_size('archive.originals')")[0]
    return {"whoosh": w, "postgres": p,
            "ratio_docs_per_s_postgres_over_whoosh": round(p["documents_per_s"] / w["documents_per_s"], 2),
            "index_bytes": {"whoosh": tree_bytes(folder / "index"), "postgres": int(pg_sizes[0])},
            "store_bytes": {"whoosh": tree_bytes(folder / "documents"), "postgres": int(pg_sizes[1])},
            "originals_bytes": {"whoosh": tree_bytes(folder / "originals"), "postgres": int(pg_sizes[2])},
            "consistency": consistency(url), "folder": str(folder)}


# --- search ------------------------------------------------------------------------------------
INPROC = r"""
import json, sys, time
from archive_cli.archive import open_archive
from archive_cli.search.filters import Filters
arch = open_archive(sys.argv[1])
classes = json.loads(sys.argv[2]); reps = int(sys.argv[3]); snippets = sys.argv[4] == "1"
out = {}
def run(args):
    words, f, i = [], {}, 0
    while i < len(args):
        a = args[i]
        if a == "--type": f["doc_type"] = args[i + 1]; i += 2; continue
        if a == "--year": f["year"] = int(args[i + 1]); i += 2; continue
        if a == "--section": f["section"] = args[i + 1]; i += 2; continue
        words.append(a); i += 1
    return arch.search(" ".join(words), filters=Filters(**f), limit=10, snippets=snippets)
for c in classes:
    run(c["ours"])  # warm
for _ in range(reps):
    for c in classes:
        t = time.perf_counter(); r = run(c["ours"]); out.setdefault(c["class"], []).append([time.perf_counter() - t, r.total])
print(json.dumps(out))
"""


def inproc(location: str, classes: list[dict], reps: int, env: dict, snippets: bool = True) -> dict:
    cp = subprocess.run([sys.executable, "-c", INPROC, location, json.dumps(classes), str(reps), "1" if snippets else "0"],
                        capture_output=True, text=True, env=env)
    if cp.returncode != 0:
        return {"error": cp.stderr[-500:]}
    data = json.loads(cp.stdout)
    return {k: {**summary([t for t, _n in v]), "total": v[-1][1]} for k, v in data.items()}


def bench_search(flat: Path, folder: str, url: str, number: str, reps: int, env: dict) -> dict:
    classes = query_classes(number)
    proc: dict[str, dict[str, list[float]]] = {}
    totals: dict[str, dict[str, int | None]] = {}
    for rep in range(reps + 1):  # the first round warms caches and is not counted
        for c in classes:
            for engine, loc in (("whoosh", folder), ("postgres", url)):
                dt, cp = timed([*archive_cmd(), "--archive", loc, "search", *c["ours"], "--json"], env=env)
                if rep:
                    proc.setdefault(c["class"], {}).setdefault(engine, []).append(dt)
                try:
                    totals.setdefault(c["class"], {})[engine] = json.loads(cp.stdout)["total"]
                except (ValueError, KeyError):
                    totals.setdefault(c["class"], {})[engine] = None
            if c["class"] in ("phrase", "unaccented", "section_scoped") and shutil.which("rg"):
                dt, _cp = timed(["rg", "-l", "-i", "-F", c["rg"], str(flat)], env=env)
                if rep:
                    proc[c["class"]].setdefault("ripgrep", []).append(dt)
    out = {}
    for cls, engines in proc.items():
        row = {e: summary(v) for e, v in engines.items()}
        row["totals"] = totals[cls]
        row["ratio_p50_postgres_over_whoosh"] = round(row["postgres"]["p50_ms"] / row["whoosh"]["p50_ms"], 2)
        row["ratio_p95_postgres_over_whoosh"] = round(row["postgres"]["p95_ms"] / row["whoosh"]["p95_ms"], 2)
        if "ripgrep" in row:
            row["ratio_p50_postgres_over_ripgrep"] = round(row["postgres"]["p50_ms"] / row["ripgrep"]["p50_ms"], 2)
        out[cls] = row
    log("in-process searches…")
    return {"process": out,
            "in_process": {"whoosh": inproc(folder, classes, reps, env), "postgres": inproc(url, classes, reps, env)}}


# --- one million ---------------------------------------------------------------------------------
def multiply(url: str, k: int) -> dict:
    """Index rows copied k-1 times with new ids (the store rows are not: see the module)."""
    t0 = time.perf_counter()
    sql(url, """INSERT INTO archive.entries SELECT substr(md5(e.id || g::text), 1, 12), stamp, title, doc_type, number,
        issuer, issued, sha256, outline, subtitle, ocr, type_key, year, tags, issuer_words, number_keys, cites, kinds,
        text_tsv, title_tsv, issuer_tsv FROM archive.entries e CROSS JOIN generate_series(1, %s) g""", [k - 1])
    sql(url, """INSERT INTO archive.chunks SELECT substr(md5(c.id || g::text), 1, 12), seq, kind, start, tsv
        FROM archive.chunks c JOIN archive.entries e0 ON e0.id = c.id AND EXISTS (SELECT 1 FROM archive.documents d WHERE d.id = c.id)
        CROSS JOIN generate_series(1, %s) g""", [k - 1])
    sql(url, "VACUUM ANALYZE archive.entries")
    sql(url, "VACUUM ANALYZE archive.chunks")
    rows = sql(url, "SELECT count(*), pg_total_relation_size('archive.entries') + pg_total_relation_size('archive.chunks')"
                    " + pg_total_relation_size('archive.words') FROM archive.entries")[0]
    return {"documents": rows[0], "index_bytes": int(rows[1]), "seconds": round(time.perf_counter() - t0, 1)}


# --- load --------------------------------------------------------------------------------------
CLIENT = r"""
import json, random, sys, time
from archive_cli.archive import open_archive
from archive_cli.search.filters import Filters
arch = open_archive(sys.argv[1]); classes = json.loads(sys.argv[2]); end = time.monotonic() + float(sys.argv[3])
rng = random.Random(int(sys.argv[4])); times, errors = [], []
while time.monotonic() < end:
    c = rng.choice(classes)
    words = [a for a in c["ours"] if not a.startswith("--")][:1]
    t = time.perf_counter()
    try:
        arch.search(" ".join(words), limit=10)
        times.append(time.perf_counter() - t)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
print(json.dumps({"times": times, "errors": errors[:20], "error_count": len(errors)}))
"""


def make_files(folder: Path, n: int, tag: str, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(start, start + n):
        p = folder / f"{tag}-{i:05d}.txt"
        p.write_text(f"ỦY BAN NHÂN DÂN HUYỆN {tag.upper()}\nSố: {i + 1}/TB-{tag.upper()}\n\nTHÔNG BÁO\n"
                     f"Về việc kiểm tra công tác văn thư số {i} của {tag}\n\nI. MỤC ĐÍCH, YÊU CẦU\n"
                     + f"Kiểm tra việc thực hiện quy chế văn thư lưu trữ đợt {i}. " * (10 + i % 40) + "\n", encoding="utf-8")
        out.append(p)
    return out


def bench_load(work: Path, url: str, number: str, seconds: float, clients: int, env: dict) -> dict:
    classes = query_classes(number)
    inboxes = []
    for k in range(2):  # two importers; a tenth of their files are the same, to race on them
        box = work / f"load-inbox-{k}"
        shutil.rmtree(box, ignore_errors=True)
        make_files(box, 400, f"load{k}")
        make_files(box, 40, "shared")
        inboxes.append(box)
    before = consistency(url)["documents"]
    procs = [subprocess.Popen([sys.executable, "-c", CLIENT, url, json.dumps(classes), str(seconds), str(i)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for i in range(clients)]
    importers = []
    t0 = time.monotonic()
    for box in inboxes:
        importers.append(subprocess.Popen([*archive_cmd(), "--archive", url, "import", str(box), "--json", "--jobs", "1"],
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env))
    imp_out = [p.communicate() for p in importers]
    import_seconds = time.monotonic() - t0
    results = [json.loads(p.communicate()[0] or '{"times": [], "errors": ["no output"], "error_count": 1}') for p in procs]
    times = [t for r in results for t in r["times"]]
    statuses: dict[str, int] = {}
    for out, _err in imp_out:
        for line in out.splitlines():
            r = json.loads(line)
            if "status" in r:
                statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    after = consistency(url)
    expected = before + 2 * 400 + 40
    return {"clients": clients, "seconds": seconds, "searches": len(times), "search": summary(times),
            "search_errors": sum(r["error_count"] for r in results), "error_samples": [e for r in results for e in r["errors"]][:5],
            "importers_exit_codes": [p.returncode for p in importers], "import_statuses": statuses,
            "import_seconds": round(import_seconds, 1), "documents_expected": expected, "documents_after": after["documents"],
            "lost": max(0, expected - after["documents"]), "duplicated": after["duplicates"] + max(0, after["documents"] - expected),
            "consistency": after}


# --- faults ------------------------------------------------------------------------------------
def bench_faults(work: Path, server: str, kills: int, env: dict, restart_cmd: list[str] | None) -> dict:
    """``kills`` imports killed at random moments, each of files of its own (so every killed
    import was writing), a consistency check after each; then, with ``restart_cmd``, one more
    import during which the server restarts; finally one import of every file, which must
    complete and leave each file stored once."""
    url = fresh_db(server, "archive_bench_faults")
    root = work / "fault-inbox"
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(50)
    checks = []
    files = 0
    for k in range(kills):
        box = root / f"round-{k:03d}"
        files += len(make_files(box, 40, f"fault{k}"))
        p = subprocess.Popen([*archive_cmd(), "--archive", url, "import", str(box), "--jobs", "1"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(0.3, 2.5))
        p.send_signal(signal.SIGKILL)
        p.wait()
        c = consistency(url) if sql(url, "SELECT to_regclass('archive.documents') IS NOT NULL")[0][0] else {"documents": 0}
        checks.append(c)
        if k % 10 == 9:
            log(f"faults: {k + 1} kills, {c.get('documents')} documents stored")
    restart = None
    if restart_cmd:
        box = root / "restart"
        files += len(make_files(box, 300, "restart"))
        p = subprocess.Popen([*archive_cmd(), "--archive", url, "import", str(box), "--jobs", "1"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        time.sleep(2.0)
        before = consistency(url)["documents"]
        rc = subprocess.run(restart_cmd, capture_output=True, text=True)
        out, err = p.communicate(timeout=600)
        for _ in range(60):
            if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0:
                break
            time.sleep(1)
        restart = {"restart_exit_code": rc.returncode, "import_exit_code": p.returncode, "import_stderr": err.strip()[-300:],
                   "documents_before_restart": before, "after": consistency(url)}
    final = subprocess.run([*archive_cmd(), "--archive", url, "import", str(root), "--jobs", "1"], capture_output=True,
                           text=True, env=env)
    after = consistency(url)
    bad = [c for c in checks if any(c.get(key) for key in ("without_entry", "entry_without_document", "without_original", "duplicates"))]
    return {"kills": kills, "after_each_kill_documents": [c.get("documents") for c in checks],
            "inconsistent_after_kill": len(bad), "restart": restart,
            "final_import_exit_code": final.returncode, "final": after, "files": files,
            "lost": files - after["documents"]}


# --- bad queries -------------------------------------------------------------------------------
NASTY = ["'", '"', ";", "\\", "\x00", "--", "/*", "*/", "DROP TABLE archive.documents;", "SELECT * FROM pg_user",
         "' OR '1'='1", "$$", "E'\\\\x00'", ":*", "&", "|", "!", "<->", "(", ")", "%", "_", "tag:", "section:",
         "year:", "NOT", "OR", "AND", "số", "hóa", "đơn", "125/KH-UBND", "title:", "issuer:", "*", "?", "\u202e",
         "\ufeff", "'; DELETE FROM archive.entries; --", "\\x27", "UNION", "pg_sleep(10)", "\t", "\n"]


def bench_bad_queries(url: str, n: int) -> dict:
    from click.testing import CliRunner

    from archive_cli.cli import cli

    rng = random.Random(1000)
    before = fingerprint(url)
    outcomes: dict[str, int] = {}
    samples = []
    t0 = time.perf_counter()
    for _ in range(n):
        parts = [rng.choice(NASTY) if rng.random() < 0.7 else "".join(chr(rng.randrange(32, 0x2FF)) for _ in range(rng.randrange(1, 6)))
                 for _ in range(rng.randrange(1, 8))]
        q = " ".join(parts)
        res = CliRunner().invoke(cli, ["--archive", url, "search", "--json", "--", q], catch_exceptions=True)
        err = res.stderr
        if res.exception is not None and not isinstance(res.exception, SystemExit):
            kind = "exception"
        elif "Traceback" in res.output or "psycopg" in res.output or "refused the request" in err or "syntax error" in err:
            kind = "sql_or_traceback"
        elif res.exit_code == 0:
            kind = "results"
        elif res.exit_code == 1:
            kind = "no_match"
        elif res.exit_code == 2 and err.count("\n") <= 2:
            kind = "one_sentence_usage_error"
        else:
            kind = f"other_exit_{res.exit_code}"
        outcomes[kind] = outcomes.get(kind, 0) + 1
        if kind in ("exception", "sql_or_traceback") or kind.startswith("other"):
            samples.append({"query": q, "exit": res.exit_code, "stderr": err[-200:]})
    return {"queries": n, "outcomes": outcomes, "bad_samples": samples[:10], "seconds": round(time.perf_counter() - t0, 1),
            "database_unchanged": fingerprint(url) == before}


def fingerprint(url: str) -> list:
    out = []
    for table, key in (("documents", "id"), ("originals", "sha256"), ("entries", "id"), ("words", "word"), ("meta", "key")):
        out.append(list(sql(url, f"SELECT count(*), md5(coalesce(string_agg(t.{key}::text || length(t::text)::text, '|'"
                                 f" ORDER BY t.{key}), '')) FROM archive.{table} t")[0]))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.bench.postgres", description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=2000, help="documents (default 2000; the issue's figure is 100000)")
    ap.add_argument("--server", default=os.environ.get("ARCHIVE_TEST_PG") or DEFAULT_SERVER,
                    help="a database on the server where this user may create databases")
    ap.add_argument("--out", type=Path, help="work folder, kept (default: a temporary one)")
    ap.add_argument("--corpus", type=Path, help="real texts to sample paragraphs from (default ../shared/corpus)")
    ap.add_argument("--reps", type=int, default=5, help="timed repetitions per query class")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--multiply", type=int, default=0, help="then multiply the index rows K-fold (10: 100k → 1M)")
    ap.add_argument("--load-seconds", type=float, default=120)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--restart-cmd", default=None,
                    help="command restarting the server during an import (e.g. 'pg_ctlcluster 15 main restart')")
    ap.add_argument("--bad-queries", type=int, default=1000)
    ap.add_argument("--parts", default="import,search,load,faults,bad,million")
    ap.add_argument("--report", type=Path, help="also write the report here after each part (a long run keeps what it measured)")
    args = ap.parse_args(argv)
    parts = set(args.parts.split(","))
    tmp = None
    work = args.out
    if work is None:
        tmp = tempfile.TemporaryDirectory(prefix="archive-bench-pg-")
        work = Path(tmp.name)
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("ARCHIVE_HOME", None)
    report: dict = {"size": args.size, "argv": sys.argv[1:]}

    def save() -> None:
        if args.report:
            args.report.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    try:
        src = args.corpus or corpus.default_corpus_dir()
        man = corpus.build(work, args.size, src, log=log)
        docs, flat = work / f"docs-{args.size}", work / f"flat-{args.size}"
        report["corpus"] = {k: man[k] for k in ("documents", "raw_bytes", "number_query")}
        url = with_db(args.server, f"archive_bench_{args.size}")
        folder = str(work / f"archive-{args.size}")
        if "import" in parts:
            url = fresh_db(args.server, f"archive_bench_{args.size}")
            report["import"] = bench_import(work, docs, args.size, url, env, args.jobs)
            save()
        if "search" in parts:
            report["search"] = bench_search(flat, folder, url, man["number_query"], args.reps, env)
            save()
        if "bad" in parts:
            log("bad queries…")
            report["bad_queries"] = bench_bad_queries(url, args.bad_queries)
            save()
        if "load" in parts:
            log(f"load: {args.clients} clients for {args.load_seconds} s, 2 importers…")
            report["load"] = bench_load(work, url, man["number_query"], args.load_seconds, args.clients, env)
            save()
        if "faults" in parts:
            log(f"faults: {args.kills} kills…")
            report["faults"] = bench_faults(work, args.server, args.kills, env,
                                            args.restart_cmd.split() if args.restart_cmd else None)
            save()
        if "million" in parts and args.multiply > 1:
            log(f"multiplying the index {args.multiply}-fold…")
            report["million"] = multiply(url, args.multiply)
            report["million"]["search_in_process_no_snippets"] = inproc(url, query_classes(man["number_query"]), args.reps,
                                                                         env, snippets=False)
            save()
    finally:
        if tmp is not None:
            tmp.cleanup()
    json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
