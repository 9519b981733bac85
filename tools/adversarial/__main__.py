"""Adversarial harness: drives the real `archive` CLI against hostile inputs and damage.

    python -m tools.adversarial [--only CATEGORY[,CATEGORY]] [--json] [--kills N]

Prints a Markdown matrix (tried / held / broken / skipped per category, then every broken
case with its reason and reproduction) to stderr, and with --json the full report to stdout.
Exits 0 whatever the product does (it is a measuring tool); only a crash of the harness itself
exits otherwise. POSIX only; some cases need root (mount, chattr, setpriv) and skip without it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import (cat_badfiles, cat_concurrency, cat_export, cat_handedits, cat_index, cat_kills, cat_pipes,
               cat_queries, cat_readonly)
from .harness import Env, Result, execute

MODULES = [cat_badfiles, cat_handedits, cat_index, cat_kills, cat_concurrency, cat_export, cat_queries,
           cat_pipes, cat_readonly]
CATEGORIES = [m.CATEGORY for m in MODULES]

FAULTS = {
    "1": "repair deletes originals after a harmless hand edit / 0-byte store file",
    "2": "index damage gets past check (truncated/garbled files; unexpected failure)",
    "3": "billion-laughs YAML hangs import",
    "4": "Word files with very many paragraphs (slow; parse under the write lock)",
    "5": "queries that match nothing are slow",
    "6": "a broken pipe inside import exits 0 silently",
    "7": "non-UTF-8 file names",
    "8": "export name collision (skips its own file, --force count wrong)",
    "9a": "the limit says MB but means MiB",
    "9b": ".tmp-* left in originals after a kill when the import is re-run without repair",
    "9c": "a hand-edited id: gives 'Repaired -1 problems' and a ghost index entry",
    "9d": "year:abcd is silently ignored",
    "9e": "--limit -5 says \"'NOT' is not a valid integer range\"",
    "9f": "NUL, BEL, CR, LF from titles and file names printed raw",
}


def matrix(results: list[Result], categories: list[str]) -> str:
    rows = ["| category | tried | held | broken | skipped | errors |", "|---|---:|---:|---:|---:|---:|"]
    tot = [0, 0, 0, 0, 0]
    for cat in categories:
        rs = [r for r in results if r.category == cat]
        n = [len(rs), sum(r.status == "held" for r in rs), sum(r.status == "broken" for r in rs),
             sum(r.status == "skipped" for r in rs), sum(r.status == "error" for r in rs)]
        tot = [a + b for a, b in zip(tot, n)]
        rows.append(f"| {cat} | " + " | ".join(map(str, n)) + " |")
    rows.append("| **total** | " + " | ".join(f"**{x}**" for x in tot) + " |")
    return "\n".join(rows)


def details(results: list[Result]) -> str:
    out = []
    broken = [r for r in results if r.status == "broken"]
    if broken:
        out.append("\n### Broken\n")
        out.append("| category | case | fault | reason | reproduction |")
        out.append("|---|---|---|---|---|")
        for r in broken:
            out.append(f"| {r.category} | {r.case} | {r.fault or ''} | {_cell(r.reason, 400)} | {_cell(r.repro, 500)} |")
    other = [r for r in results if r.status in ("skipped", "error")]
    if other:
        out.append("\n### Skipped and harness errors\n")
        for r in other:
            out.append(f"- {r.category} / {r.case} ({r.status}): {_cell(r.reason, 300)}")
    return "\n".join(out)


def fault_table(results: list[Result]) -> str:
    rows = ["\n### Issue 16's faults\n", "| fault | what | cases | broken (examples) |", "|---|---|---:|---|"]
    for key, info in faults_seen(results).items():
        if not info["cases"]:
            continue
        ex = ", ".join(info["broken"][:4]) + (f" (+{len(info['broken']) - 4})" if len(info["broken"]) > 4 else "")
        rows.append(f"| {key} | {info['fault']} | {info['cases']} | {ex or 'none: held'} |")
    return "\n".join(rows)


def _cell(s: str, n: int) -> str:
    s = s.replace("|", "\\|").replace("\n", " ")
    return s if len(s) <= n else s[: n - 1] + "…"


def faults_seen(results: list[Result]) -> dict:
    seen: dict[str, dict] = {}
    for key, label in FAULTS.items():
        rs = [r for r in results if r.fault == key]
        seen[key] = {"fault": label, "cases": len(rs), "broken": [r.case for r in rs if r.status == "broken"],
                     "held": [r.case for r in rs if r.status == "held"],
                     "skipped": [r.case for r in rs if r.status in ("skipped", "error")]}
    return seen


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.adversarial", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", action="append", default=[], metavar="CATEGORY",
                    help="run only these categories (repeatable or comma-separated): " + ", ".join(CATEGORIES))
    ap.add_argument("--case", action="append", default=[], metavar="SUBSTRING",
                    help="run only cases whose name contains SUBSTRING (repeatable)")
    ap.add_argument("--json", action="store_true", help="print the full report as JSON on stdout")
    ap.add_argument("--kills", type=int, default=60, help="kill -9 cases in all (default 60)")
    ap.add_argument("--queries", type=int, default=1000, help="random hostile queries (default 1000)")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--work", type=Path, help="work folder (default: a new temp folder)")
    ap.add_argument("--code", type=Path, metavar="DIR",
                    help="measure the archive_cli package in DIR instead of the working tree, e.g. a commit: "
                         "git archive REV archive_cli | tar -x -C DIR; git rev-parse REV > DIR/COMMIT")
    ap.add_argument("--keep", action="store_true", help="keep the folders of held cases too")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per case on stderr")
    args = ap.parse_args(argv)
    if os.name == "nt":
        print("the adversarial harness needs POSIX (signals, /proc, mount)", file=sys.stderr)
        return 2
    from . import harness

    dirty = subprocess.run(["git", "-C", str(Path(__file__).resolve().parents[2]), "status", "--porcelain", "--",
                            "archive_cli"], capture_output=True, text=True).stdout.strip()
    code_desc = "working tree" + (" (archive_cli modified since HEAD)" if dirty else "")
    if args.code:
        if not (args.code / "archive_cli" / "__init__.py").is_file():
            ap.error(f"--code {args.code}: no archive_cli package there")
        harness.EXTRA_ENV["PYTHONPATH"] = str(args.code.resolve())
        code_desc = str(args.code.resolve())
    only = [x.strip() for o in args.only for x in o.split(",") if x.strip()]
    unknown = [o for o in only if o not in CATEGORIES]
    if unknown:
        ap.error(f"unknown category {unknown[0]!r}; choose from {', '.join(CATEGORIES)}")
    chosen = [m for m in MODULES if not only or m.CATEGORY in only]
    work = args.work or Path(tempfile.mkdtemp(prefix="archive-adversarial-"))
    work = work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    os.chmod(work, 0o755)  # cases run some commands as nobody
    env = Env(work=work, seed=args.seed, kills=args.kills, queries=args.queries, verbose=args.verbose, keep=args.keep)
    started = time.monotonic()
    results: list[Result] = []
    timings = {}
    for mod in chosen:
        t0 = time.monotonic()
        cases = mod.cases(env)
        if args.case:
            cases = [c for c in cases if any(s in c.name for s in args.case)]
        print(f"[{mod.CATEGORY}] {len(cases)} cases", file=sys.stderr, flush=True)
        for case in cases:
            for res in execute(env, case):
                results.append(res)
                if args.verbose or res.status in ("broken", "error"):
                    print(f"  {res.status:7} {res.category}/{res.case} ({res.seconds:.1f} s)"
                          + (f": {res.reason[:200]}" if res.reason else ""), file=sys.stderr, flush=True)
        timings[mod.CATEGORY] = round(time.monotonic() - t0, 1)
        print(f"[{mod.CATEGORY}] done in {timings[mod.CATEGORY]} s", file=sys.stderr, flush=True)
    seconds = time.monotonic() - started
    cats = [m.CATEGORY for m in chosen]
    text = (f"\n## Adversarial matrix ({len(results)} cases, {seconds / 60:.1f} min; {code_desc})\n\n" + matrix(results, cats)
            + "\n" + fault_table(results) + "\n" + details(results) + "\n")
    print(text, file=sys.stderr)
    if args.json:
        rev = subprocess.run(["git", "-C", str(Path(__file__).resolve().parents[2]), "rev-parse", "HEAD"],
                             capture_output=True, text=True).stdout.strip()
        if args.code:  # a snapshot: its COMMIT file (written beside the export) says which, if anyone wrote one
            marker = args.code / "COMMIT"
            rev = marker.read_text().strip() if marker.is_file() else "unknown (snapshot in --code)"
        report = {
            "commit": rev, "archive_cli_modified": bool(dirty) and not args.code, "code": code_desc, "seed": args.seed, "kills": args.kills,
            "queries": args.queries, "seconds": round(seconds, 1), "seconds_by_category": timings,
            "work": str(work), "python": platform.python_version(), "root": os.geteuid() == 0,
            "matrix": {c: {s: sum(1 for r in results if r.category == c and r.status == s)
                           for s in ("held", "broken", "skipped", "error")} | {
                               "tried": sum(1 for r in results if r.category == c)} for c in cats},
            "faults": faults_seen(results),
            "cases": [r.to_dict() for r in results],
        }
        print(json.dumps(report, ensure_ascii=False, indent=1))
    if not args.work and not args.keep and not any(r.status in ("broken", "error") for r in results):
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"work folder (broken cases kept): {work}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
