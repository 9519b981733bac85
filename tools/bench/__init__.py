"""The archive-cli benchmark (SPEC §8): ``python -m tools.bench``.

Builds realistic corpora of N documents (see :mod:`.corpus`), then measures, in one invocation
on the same files, our tool beside baselines:

* import — ``archive import DIR --json`` as a real subprocess (wall time, documents/s, peak
  memory) beside a minimal single-process Whoosh build and, when installed, ``recollindex``;
* index size — the archive's index against the raw text and the baseline Whoosh index;
* search — each query class timed as a whole ``archive search … --json`` process (start to last
  byte), cold and warm, beside a minimal Whoosh search process, ``rg -l -i`` and ``recollq``;
* start-up — ``archive --help`` beside ``python -c pass``.

One JSON report goes to stdout (``--markdown`` prints the Markdown table there instead);
progress and the Markdown table go to stderr. Nothing here asserts on speed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

from . import corpus
from archive_cli.fsutil import tree_bytes
from .measure import drop_caches, run_measured, stats_ms, timed

TARGETS = {
    "import_docs_per_s_ratio_min": 1.0,
    "import_peak_rss_mb_max_at_100k": 400,
    "index_size_ratio_max": 2.0,
    "search_vs_minimal_whoosh_max_at_10k": 1.2,
    "startup_overhead_ms_max": 60,
}

WHOOSH_BUILD = r"""
import json, os, sys, time
t0 = time.perf_counter()
from whoosh import index
from whoosh.fields import ID, TEXT, Schema
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst)
ix = index.create_in(dst, Schema(id=ID(stored=True, unique=True), body=TEXT()))
w = ix.writer()
n = 0
for dirpath, dirnames, filenames in os.walk(src):
    dirnames.sort()
    for name in sorted(filenames):
        with open(os.path.join(dirpath, name), encoding="utf-8") as f:
            w.add_document(id=name, body=f.read())
        n += 1
w.commit()
print(json.dumps({"documents": n, "seconds": time.perf_counter() - t0}))
"""

WHOOSH_SEARCH = r"""
import sys
from whoosh import index
from whoosh.qparser import QueryParser
ix = index.open_dir(sys.argv[1])
with ix.searcher() as s:
    for hit in s.search(QueryParser("body", ix.schema).parse(sys.argv[2]), limit=10):
        print(hit["id"])
"""


def query_classes(number: str) -> list[dict]:
    """The query classes: our CLI arguments, and the text the baselines get.

    Baselines have no filters or sections, so they get the words only; they are given the accented
    form (what a plain engine needs to find the same documents) except for the unaccented class,
    where every tool gets the query as typed."""
    return [
        {"class": "one_word", "ours": ["kinh"], "whoosh": "kinh", "rg": "kinh", "recoll": "kinh"},
        {"class": "two_syllable", "ours": ["tổ chức"], "whoosh": "tổ chức", "rg": "tổ chức",
         "recoll": "tổ chức"},
        {"class": "phrase", "ours": ['"tổ chức thực hiện"'], "whoosh": '"tổ chức thực hiện"',
         "rg": "tổ chức thực hiện", "recoll": '"tổ chức thực hiện"'},
        {"class": "unaccented", "ours": ["to chuc thuc hien"], "whoosh": "to chuc thuc hien",
         "rg": "to chuc thuc hien", "recoll": "to chuc thuc hien"},
        {"class": "filtered", "ours": ["dau tu", "--type", "KH", "--year", "2024"], "whoosh": "đầu tư",
         "rg": "đầu tư", "recoll": "đầu tư"},
        {"class": "section_scoped", "ours": ["kinh phi", "--section", "implementation"],
         "whoosh": "kinh phí", "rg": "kinh phí", "recoll": "kinh phí"},
        {"class": "number", "ours": [number], "whoosh": f'"{number}"', "rg": number, "recoll": number},
    ]


def log(msg: str) -> None:
    print(f"[bench {dt.datetime.now().strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def archive_cmd() -> list[str]:
    """The console script next to this interpreter, else ``python -m archive_cli``."""
    exe = Path(sys.executable).with_name("archive")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("archive")
    return [found] if found else [sys.executable, "-m", "archive_cli"]


def _ratio(a, b, nd: int = 2):
    return round(a / b, nd) if a is not None and b else None


def machine_info(args_line: list[str]) -> dict:
    try:
        from importlib.metadata import version

        wv = version("whoosh-reloaded")
    except Exception:  # pragma: no cover - depends on the install
        try:
            import whoosh

            wv = whoosh.versionstring()
        except Exception:
            wv = None
    try:
        mem = next((int(l.split()[1]) // 1024 for l in open("/proc/meminfo") if l.startswith("MemTotal")), None)
    except OSError:
        mem = None
    return {
        "date": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "nproc": os.cpu_count(), "memory_mb": mem, "platform": platform.platform(),
        "python": platform.python_version(), "whoosh": wv,
        "ripgrep": _tool_version(["rg", "--version"]), "recoll": _tool_version(["recollq", "-v"]),
        "root": hasattr(os, "geteuid") and os.geteuid() == 0,
        "load_average_at_start": _load(),
        "command": " ".join([Path(sys.executable).name, "-m", "tools.bench", *args_line]),
        "archive_command": " ".join(archive_cmd()),
    }


def _load():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def _tool_version(cmd: list[str]) -> str | None:
    if not shutil.which(cmd[0]):
        return None
    try:
        import subprocess

        cp = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        return ((cp.stdout or cp.stderr).strip().splitlines() or [""])[0]
    except Exception:
        return None


def code_under_test(work: Path, env: dict, snapshot: str | None) -> dict:
    """Which archive_cli the subprocesses run, and its git state; with ``snapshot``, extract that
    revision's package into the work folder and put it first on PYTHONPATH."""
    import subprocess

    repo = corpus.REPO
    info: dict = {"snapshot": snapshot}

    def git(*a: str) -> str | None:
        try:
            cp = subprocess.run(["git", "-C", str(repo), *a], capture_output=True, text=True, timeout=60)
            return cp.stdout.strip() if cp.returncode == 0 else None
        except (OSError, subprocess.SubprocessError):
            return None

    if snapshot:
        commit = git("rev-parse", snapshot)
        if not commit:
            raise SystemExit(f"--snapshot: {snapshot!r} is not a revision of {repo}")
        dest = work / f"src-{commit[:10]}"
        if not (dest / "archive_cli").is_dir():
            dest.mkdir(parents=True, exist_ok=True)
            tar = subprocess.run(["git", "-C", str(repo), "archive", commit, "archive_cli"], capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", str(dest)], input=tar.stdout, check=True)
        env["PYTHONPATH"] = os.pathsep.join(x for x in (str(dest), env.get("PYTHONPATH")) if x)
        info["git_commit"] = commit
    else:
        info["git_commit"] = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain", "--", "archive_cli")
        info["uncommitted_changes"] = [l[3:] for l in (dirty or "").splitlines() if "archive_cli/bench" not in l]
    try:
        cp = subprocess.run([sys.executable, "-c", "import archive_cli; print(archive_cli.__file__)"],
                            capture_output=True, text=True, env=env, cwd=str(work), timeout=60)
        info["archive_cli"] = cp.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        info["archive_cli"] = None
    if info["archive_cli"]:
        # Byte-compile the code under test, as `pip install` does for an installed tool: with
        # PYTHONDONTWRITEBYTECODE set (or a fresh snapshot) every measured process would
        # otherwise compile ~30 modules from source, ~70 ms the baselines (installed, compiled)
        # do not pay.
        import compileall

        info["byte_compiled"] = compileall.compile_dir(str(Path(info["archive_cli"]).parent), quiet=1)
    return info


# --- import ------------------------------------------------------------------------------------
def bench_import(work: Path, docs: Path, flat: Path, n: int, raw: int, env: dict, baselines: bool,
                 runs: int = 1) -> dict:
    """Import figures; with ``runs`` > 1 our import and the Whoosh build alternate that many
    times and the docs/s figures are medians (one import is minutes long, and the machine's
    other tenants moved a single one by 30 %)."""
    from statistics import median

    arch = work / f"archive-{n}"
    wix = work / f"whoosh-{n}"

    def ours_once() -> dict:
        shutil.rmtree(arch, ignore_errors=True)
        log(f"{n}: archive import ({n} documents)…")
        ours = run_measured([*archive_cmd(), "--archive", str(arch), "import", str(docs), "--json"], env=env)
        ours["documents_per_s"] = round(n / ours["seconds"], 1)
        ours["load_average_after"] = _load()
        ours["indexed_documents"] = _stats_documents(arch, env)
        ours["valid"] = ours["exit_code"] == 0 and ours["indexed_documents"] == n
        if not ours["valid"]:
            log(f"{n}: WARNING: import exit {ours['exit_code']}, {ours['indexed_documents']} documents indexed: "
                + ours["stderr_tail"][-300:])
        log(f"{n}: ours {ours['seconds']:.1f} s, {ours['documents_per_s']} docs/s, exit {ours['exit_code']}")
        return ours

    def whoosh_once() -> dict:
        shutil.rmtree(wix, ignore_errors=True)
        log(f"{n}: baseline minimal Whoosh build…")
        out = work / f"whoosh-{n}.out"
        base = run_measured([sys.executable, "-c", WHOOSH_BUILD, str(docs), str(wix)], env=env, stdout_path=out)
        try:
            inner = json.loads(out.read_text().strip().splitlines()[-1])
            base["inner_seconds"] = round(inner["seconds"], 2)
        except (ValueError, IndexError, OSError):
            pass
        base["documents_per_s"] = round(n / base["seconds"], 1)
        base["load_average_after"] = _load()
        log(f"{n}: whoosh {base['seconds']:.1f} s, {base['documents_per_s']} docs/s")
        return base

    ours_runs, base_runs = [], []
    for _ in range(max(runs, 1)):  # alternating, so that a slow stretch of the machine hits both
        ours_runs.append(ours_once())
        if baselines:
            base_runs.append(whoosh_once())
    def last_with_median(runs_: list[dict]) -> dict:
        """The last run (its memory figures; for ours, the archive the search part reads),
        docs/s the median of all runs."""
        last = runs_[-1]
        if len(runs_) > 1:
            last["runs_documents_per_s"] = [r["documents_per_s"] for r in runs_]
            last["documents_per_s"] = round(median(last["runs_documents_per_s"]), 1)
        return last

    ours = last_with_median(ours_runs)
    ours["valid"] = all(r["valid"] for r in ours_runs)
    result = {"ours": ours, "baseline_whoosh": None, "baseline_recoll": None, "runs": max(runs, 1)}
    index_bytes = tree_bytes(arch / "index")
    size = {"raw_text_bytes": raw, "ours_index_bytes": index_bytes,
            "ours_index_ratio": _ratio(index_bytes, raw),
            "ours_store_bytes": tree_bytes(arch / "documents"), "ours_originals_bytes": tree_bytes(arch / "originals"),
            "baseline_whoosh_index_bytes": None, "baseline_whoosh_ratio": None, "baseline_recoll_index_bytes": None}
    if baselines:
        base = last_with_median(base_runs)
        result["baseline_whoosh"] = base
        result["ratio_docs_per_s_ours_over_whoosh"] = _ratio(ours["documents_per_s"], base["documents_per_s"])
        result["ratio_peak_rss_ours_over_whoosh"] = _ratio(ours["peak_rss_single_process_mb"],
                                                           base["peak_rss_single_process_mb"])
        size["baseline_whoosh_index_bytes"] = tree_bytes(wix)
        size["baseline_whoosh_ratio"] = _ratio(size["baseline_whoosh_index_bytes"], raw)
        if shutil.which("recollindex"):
            conf = _recoll_conf(work, n, flat)
            log(f"{n}: baseline recollindex…")
            rec = run_measured(["recollindex", "-c", str(conf), "-z"], env=env)
            rec["documents_per_s"] = round(n / rec["seconds"], 1)
            result["baseline_recoll"] = rec
            size["baseline_recoll_index_bytes"] = tree_bytes(conf / "xapiandb")
            log(f"{n}: recoll {rec['seconds']:.1f} s")
        else:
            result["baseline_recoll"] = {"skipped": "recollindex is not installed"}
    else:
        result["baseline_whoosh"] = {"skipped": "--skip-baselines"}
        result["baseline_recoll"] = {"skipped": "--skip-baselines"}
    return {"import": result, "index_size": size}


def _stats_documents(arch: Path, env: dict):
    import subprocess

    cp = subprocess.run([*archive_cmd(), "--archive", str(arch), "stats", "--json"], capture_output=True, env=env)
    try:
        return json.loads(cp.stdout).get("documents")
    except ValueError:
        return None


def _recoll_conf(work: Path, n: int, flat: Path) -> Path:
    conf = work / f"recoll-{n}"
    shutil.rmtree(conf, ignore_errors=True)
    conf.mkdir(parents=True)
    (conf / "recoll.conf").write_text(
        f"topdirs = {flat.resolve()}\nnoaspell = 1\nloglevel = 1\nidxflushmb = 50\n"
        "indexedmimetypes = text/plain\n", encoding="utf-8")
    return conf


# --- search ------------------------------------------------------------------------------------
def bench_search(work: Path, flat: Path, n: int, number: str, reps: int, env: dict, baselines: bool,
                 can_drop: bool) -> dict:
    arch = work / f"archive-{n}"
    wix = work / f"whoosh-{n}"
    conf = work / f"recoll-{n}"
    tools: dict[str, object] = {"ours": lambda q: [*archive_cmd(), "--archive", str(arch), "search", *q["ours"], "--json"]}
    skipped: dict[str, str] = {}
    if not baselines:
        skipped = {t: "--skip-baselines" for t in ("minimal_whoosh", "ripgrep", "recoll")}
    else:
        if wix.is_dir():
            tools["minimal_whoosh"] = lambda q: [sys.executable, "-c", WHOOSH_SEARCH, str(wix), q["whoosh"]]
        else:
            skipped["minimal_whoosh"] = "no baseline Whoosh index (run the import part first)"
        if shutil.which("rg"):
            tools["ripgrep"] = lambda q: ["rg", "-l", "-i", "-F", "--", q["rg"], str(flat)]
        else:
            skipped["ripgrep"] = "rg is not installed"
        if shutil.which("recollq") and (conf / "xapiandb").is_dir():
            tools["recoll"] = lambda q: ["recollq", "-c", str(conf), "-n", "10", "-b", q["recoll"]]
        else:
            skipped["recoll"] = "recollq is not installed" if not shutil.which("recollq") else "no recoll index"
    classes = query_classes(number)
    # Cold runs first, one per class and tool; then the warm runs in rounds, each round every
    # class with every tool, so a burst of load from the machine's other tenants falls on all of
    # them alike instead of on one class's block of runs (it moved single classes by 40 %).
    cold: dict[tuple[str, str], tuple] = {}
    for q in classes:
        for tool, make in tools.items():
            dropped = drop_caches() if can_drop else False
            t, cp = timed(make(q), env=env)
            cold[q["class"], tool] = (t, cp, dropped)
    warm: dict[tuple[str, str], list[float]] = {key: [] for key in cold}
    for _ in range(reps):
        for q in classes:
            for tool, make in tools.items():
                warm[q["class"], tool].append(timed(make(q), env=env)[0])
    per_class: dict[str, dict] = {}
    for q in classes:
        row: dict[str, dict] = {}
        for tool in tools:
            t, cp, dropped = cold[q["class"], tool]
            row[tool] = {"cold_ms": round(t * 1000, 1), "cold_after_drop_caches": dropped,
                         "warm": stats_ms(warm[q["class"], tool]), "exit_code": cp.returncode, **_hits(tool, cp)}
        for tool, why in skipped.items():
            row[tool] = {"skipped": why}
        ok = row["ours"]["exit_code"] in (0, 1) and isinstance(row["ours"].get("hits"), int)
        row["ours"]["valid"] = ok
        if not ok:
            log(f"{n}: WARNING: search {q['class']} failed: {row['ours'].get('stderr_tail', '')[-300:]}")
        ours = row["ours"]["warm"]["median_ms"] if ok else None
        ratios = {}
        for tool in ("minimal_whoosh", "ripgrep", "recoll"):
            base = row.get(tool, {}).get("warm", {}).get("median_ms") if "warm" in row.get(tool, {}) else None
            ratios[f"ours_over_{tool}"] = _ratio(ours, base)
        row["ratios"] = ratios
        row["query"] = {"ours": q["ours"], "baselines": {"minimal_whoosh": q["whoosh"], "ripgrep": q["rg"],
                                                          "recoll": q["recoll"]}}
        per_class[q["class"]] = row
        log(f"{n}: search {q['class']}: ours {row['ours']['warm']['median_ms']} ms (total {row['ours'].get('hits')}), "
            + ", ".join(f"{t} {row[t]['warm']['median_ms']} ms" for t in tools if t != "ours"))
    medians = [per_class[c]["ours"]["warm"]["median_ms"] for c in per_class if per_class[c]["ours"]["valid"]]
    summary = {"valid_classes": len(medians),
               "ours_class_spread_max_over_min": _ratio(max(medians), min(medians)) if medians else None,
               "ours_median_of_class_medians_ms": sorted(medians)[len(medians) // 2] if medians else None}
    for tool in ("minimal_whoosh", "ripgrep", "recoll"):
        rs = [per_class[c]["ratios"][f"ours_over_{tool}"] for c in per_class]
        rs = [r for r in rs if r is not None]
        summary[f"ours_over_{tool}_max"] = max(rs) if rs else None
    cold_method = ("drop_caches before each class's first run of each tool" if can_drop
                   else "cold = first run of each class after the index was written (not root: page cache not dropped)")
    return {"classes": per_class, "summary": summary, "cold_method": cold_method, "repetitions": reps,
            "warm_order": "rounds: each round runs every class with every tool once",
            "load_average_after": _load()}


def _hits(tool: str, cp) -> dict:
    out = cp.stdout.decode("utf-8", "replace")
    if tool == "ours":
        try:
            return {"hits": json.loads(out).get("total")}
        except (ValueError, AttributeError):
            return {"hits": None, "stderr_tail": cp.stderr.decode("utf-8", "replace")[-300:]}
    if tool == "recoll":
        return {"hits_listed": len([l for l in out.splitlines() if l.startswith("file://")])}
    return {"hits_listed": len([l for l in out.splitlines() if l.strip()])}


# --- start-up ------------------------------------------------------------------------------------
def bench_startup(env: dict, runs: int = 15) -> dict:
    log("start-up: archive --help vs python -c pass…")
    help_cmd, bare = [*archive_cmd(), "--help"], [sys.executable, "-c", "pass"]
    timed(help_cmd, env=env)
    timed(bare, env=env)
    h, b = [], []
    for _ in range(runs):  # interleaved, so that noise hits both alike
        h.append(timed(help_cmd, env=env)[0])
        b.append(timed(bare, env=env)[0])
    hs, bs = stats_ms(h), stats_ms(b)
    return {"archive_help": hs, "python_pass": bs,
            "overhead_ms": round(hs["median_ms"] - bs["median_ms"], 1),
            "ratio": _ratio(hs["median_ms"], bs["median_ms"])}


# --- targets and Markdown -------------------------------------------------------------------------
def verdicts(report: dict) -> dict:
    out = {}
    for size, r in report["sizes"].items():
        n = int(size)
        v = {}
        imp = r.get("import")
        if imp:
            v["import_docs_per_s_vs_whoosh"] = _meets(imp.get("ratio_docs_per_s_ours_over_whoosh"), ">=",
                                                      TARGETS["import_docs_per_s_ratio_min"])
            if n >= 100000:
                v["import_peak_rss_mb"] = _meets(imp["ours"]["peak_rss_single_process_mb"], "<=",
                                                 TARGETS["import_peak_rss_mb_max_at_100k"])
        if r.get("index_size"):
            v["index_size_ratio"] = _meets(r["index_size"]["ours_index_ratio"], "<=", TARGETS["index_size_ratio_max"])
        s = r.get("search")
        if s:
            if n >= 10000:
                v["search_vs_minimal_whoosh"] = _meets(s["summary"]["ours_over_minimal_whoosh_max"], "<=",
                                                       TARGETS["search_vs_minimal_whoosh_max_at_10k"])
        out[size] = v
    if report.get("startup"):
        out["startup"] = {"overhead_ms": _meets(report["startup"]["overhead_ms"], "<=",
                                                TARGETS["startup_overhead_ms_max"])}
    return out


def _meets(value, op: str, target) -> dict:
    if value is None:
        return {"value": None, "target": f"{op} {target}", "met": None}
    return {"value": value, "target": f"{op} {target}", "met": value >= target if op == ">=" else value <= target}


def _fmt(x, unit: str = "") -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        x = f"{x:,.2f}" if abs(x) < 10 else f"{x:,.0f}"
    return f"{x}{unit}"


def markdown(report: dict) -> str:
    m = report["machine"]
    c = report.get("code") or {}
    lines = [f"Benchmark of {m['date'][:10]} on {m['nproc']} cores, Python {m['python']}, whoosh-reloaded "
             f"{m['whoosh']}; `{m['command']}`; load average {m.get('load_average_at_start')} at start, "
             f"{m.get('load_average_at_end')} at end; archive-cli at commit {(c.get('git_commit') or '?')[:10]}"
             + (" (snapshot)" if c.get("snapshot") else
                f" with uncommitted changes in {len(c['uncommitted_changes'])} files" if c.get("uncommitted_changes") else "")
             + ".", "",
             "| N | measure | archive-cli | baseline | ours / baseline | target |",
             "|---:|---|---:|---:|---:|---|"]
    for size, r in report["sizes"].items():
        imp = r.get("import")
        if imp:
            o, b = imp["ours"], imp.get("baseline_whoosh") or {}
            rec = imp.get("baseline_recoll") or {}
            bad = "" if o.get("valid", True) else " **(failed)**"
            label = "import, docs/s" + (f" (median of {imp['runs']} runs each)" if imp.get("runs", 1) > 1 else "")
            lines.append(f"| {size} | {label} | {_fmt(o['documents_per_s'])}{bad} | {_fmt(b.get('documents_per_s'))}"
                         f" (Whoosh, 1 process) | {_fmt(imp.get('ratio_docs_per_s_ours_over_whoosh'))}× | ≥ 1.0× |")
            if rec.get("documents_per_s"):
                lines.append(f"| {size} | import, docs/s vs recollindex | {_fmt(o['documents_per_s'])} | "
                             f"{_fmt(rec['documents_per_s'])} | {_fmt(_ratio(o['documents_per_s'], rec['documents_per_s']))}× | – |")
            lines.append(f"| {size} | import, peak RSS MB (largest process / tree sum) | "
                         f"{_fmt(o['peak_rss_single_process_mb'])} / {_fmt(o['peak_rss_tree_sum_mb'])} | "
                         f"{_fmt(b.get('peak_rss_single_process_mb'))} | "
                         f"{_fmt(imp.get('ratio_peak_rss_ours_over_whoosh'))}× | ≤ 400 MB at 100k |")
        sz = r.get("index_size")
        if sz:
            lines.append(f"| {size} | index size / raw text | {_fmt(sz['ours_index_ratio'])}× "
                         f"({sz['ours_index_bytes'] / 1e6:.1f} MB) | {_fmt(sz['baseline_whoosh_ratio'])}× (Whoosh) | "
                         f"{_fmt(_ratio(sz['ours_index_bytes'], sz['baseline_whoosh_index_bytes']))}× | ≤ 2× raw |")
        s = r.get("search")
        if s:
            for cls, row in s["classes"].items():
                o = row["ours"]
                bw = row.get("minimal_whoosh", {}).get("warm", {}).get("median_ms")
                rg = row.get("ripgrep", {}).get("warm", {}).get("median_ms")
                rc = row.get("recoll", {}).get("warm", {}).get("median_ms")
                bad = "" if o.get("valid", True) else " **(failed)**"
                lines.append(
                    f"| {size} | search {cls}, ms warm median (p90; cold) | {_fmt(o['warm']['median_ms'])}{bad} "
                    f"({_fmt(o['warm']['p90_ms'])}; {_fmt(o['cold_ms'])}) | Whoosh {_fmt(bw)} · rg {_fmt(rg)} · "
                    f"recoll {_fmt(rc)} | {_fmt(row['ratios']['ours_over_minimal_whoosh'])}× · "
                    f"{_fmt(row['ratios']['ours_over_ripgrep'])}× · {_fmt(row['ratios']['ours_over_recoll'])}× | "
                    "≤ 1.2× Whoosh at 10k |")
            lines.append(f"| {size} | search, slowest / fastest class | "
                         f"{_fmt(s['summary']['ours_class_spread_max_over_min'])}× | | | – |")
    st = report.get("startup")
    if st:
        lines.append(f"| – | start-up `archive --help`, ms median | {_fmt(st['archive_help']['median_ms'])} | "
                     f"`python -c pass` {_fmt(st['python_pass']['median_ms'])} | +{_fmt(st['overhead_ms'])} ms | "
                     "≤ +60 ms |")
    return "\n".join(lines) + "\n"


# --- main ------------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None):
    ap = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes (default 1000,10000)")
    ap.add_argument("--out", type=Path, help="work folder, kept (default: a temporary folder, removed)")
    ap.add_argument("--queries", type=int, default=7, help="warm repetitions per query class (default 7)")
    ap.add_argument("--skip-baselines", action="store_true", help="measure archive-cli only")
    ap.add_argument("--import-runs", type=int, default=1,
                    help="imports per size, ours and Whoosh's alternating; docs/s are medians (default 1)")
    ap.add_argument("--only", choices=["import", "search", "startup"], help="run one part only")
    ap.add_argument("--corpus", type=Path, help="folder of real texts to sample paragraphs from "
                    "(default $ARCHIVE_CORPUS, else ../shared/corpus, else documents/)")
    ap.add_argument("--seed", type=int, default=20240315)
    ap.add_argument("--markdown", action="store_true", help="print the Markdown table on stdout instead of JSON")
    ap.add_argument("--no-drop-caches", action="store_true", help="never drop the page cache, even as root")
    ap.add_argument("--snapshot", nargs="?", const="HEAD", metavar="REV",
                    help="measure the archive_cli of git revision REV (default HEAD), extracted into the work "
                         "folder, instead of the installed one (uncommitted edits in a shared tree then "
                         "cannot change the code under test halfway through a run)")
    args = ap.parse_args(argv)
    try:
        args.size_list = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        ap.error("--sizes takes comma-separated integers")
    if not args.size_list or min(args.size_list) < 1 or args.queries < 1:
        ap.error("sizes and --queries must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    argv_line = sys.argv[1:] if argv is None else list(argv)
    work = args.out.resolve() if args.out else Path(tempfile.mkdtemp(prefix="archive-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    source = args.corpus or corpus.default_corpus_dir()
    env = dict(os.environ, NO_COLOR="1", PYTHONWARNINGS="ignore")
    env.pop("ARCHIVE_HOME", None)
    source = source.resolve()
    code = code_under_test(work, env, args.snapshot)
    old_cwd = os.getcwd()
    os.chdir(work)  # the current folder (first on a `python -c` path) never shadows the code under test
    baselines = not args.skip_baselines
    can_drop = not args.no_drop_caches and hasattr(os, "geteuid") and os.geteuid() == 0 and drop_caches()
    report: dict = {"machine": machine_info(argv_line), "code": code, "work_dir": str(work), "kept": bool(args.out),
                    "corpus_source": str(source), "targets": TARGETS, "sizes": {}, "startup": None}
    try:
        if args.only in (None, "import", "search"):
            for n in args.size_list:
                man = corpus.build(work, n, source, seed=args.seed, log=log)
                docs, flat = work / f"docs-{n}", work / f"flat-{n}"
                entry: dict = {"corpus": {k: v for k, v in man.items() if k != "params"}}
                arch_ready = (work / f"archive-{n}" / "index").is_dir()
                if args.only != "search" or not arch_ready:
                    res = bench_import(work, docs, flat, n, man["raw_bytes"], env, baselines, args.import_runs)
                    if args.only == "search":
                        entry["setup_import_seconds"] = round(res["import"]["ours"]["seconds"], 1)
                    else:
                        entry.update(res)
                if args.only != "import":
                    entry["search"] = bench_search(work, flat, n, man["number_query"], args.queries, env,
                                                   baselines, can_drop)
                report["sizes"][str(n)] = entry
        if args.only in (None, "startup"):
            report["startup"] = bench_startup(env)
        report["verdicts"] = verdicts(report)
        report["machine"]["load_average_at_end"] = _load()
    finally:
        os.chdir(old_cwd)
        if not args.out:
            shutil.rmtree(work, ignore_errors=True)
    table = markdown(report)
    if args.markdown:
        sys.stdout.write(table)
    else:
        print(table, file=sys.stderr)
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 0
