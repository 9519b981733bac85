"""concurrency: writers at once, readers while a writer works (SPEC §3: any number of readers
while one writer works; a second writer waits for the lock with a clear message).

Readers run `search --json`, `list --json`, `show <id> --json` and `stats --json` in a loop; each
read must exit 0 with valid JSON, or 1 with valid JSON or one sentence (a document just removed),
never a traceback. Writers must end with every file imported exactly once and `check` clean.
"""
from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path

from . import fixtures as fx
from .harness import Case, Ctx, copy_archive, finish, has_traceback, lost_originals, sentence_problem, snapshot

CATEGORY = "concurrency"


def _plans(c: Ctx, folder: str, start: int, n: int, tag: str) -> Path:
    d = c.inbox / folder
    d.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        (d / f"{tag}-{i:03d}.txt").write_text(fx.plan_text(i, tag), encoding="utf-8")
    return d


class Readers:
    """Background readers on the case's archive; collects failures."""

    def __init__(self, c: Ctx, ids: list[str], n: int = 2, seed: int = 0, same_results: dict | None = None) -> None:
        self.c, self.ids, self.stop = c, ids, threading.Event()
        self.ops = 0
        self.failures: list[str] = []
        self.lock = threading.Lock()
        self.same = same_results
        self.threads = [threading.Thread(target=self._loop, args=(random.Random(seed + k),), daemon=True) for k in range(n)]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)

    def _loop(self, rng: random.Random) -> None:
        while not self.stop.is_set():
            kind = rng.choice(["search", "search", "list", "show", "stats"])
            if kind == "search":
                args = ("search", "ke hoach", "--json", "--limit", "1000")
            elif kind == "list":
                args = ("list", "--json")
            elif kind == "show":
                args = ("show", rng.choice(self.ids), "--json", "--no-pager")
            else:
                args = ("stats", "--json")
            r = self.c.cli(*args, record=False, timeout=60)
            problem = None
            if r.timed_out:
                problem = "still running after 60 s"
            elif has_traceback(r):
                problem = f"traceback: {r.last_err_line()}"
            elif r.rc not in (0, 1):
                problem = f"exit {r.rc}: {r.last_err_line()}"
            else:
                try:
                    data = json.loads(r.stdout)
                except ValueError:
                    data = None
                    if r.rc == 0:
                        problem = f"exit 0 without valid JSON ({r.stdout[:60]!r})"
                    else:
                        sp = sentence_problem(r.stderr)
                        if sp:
                            problem = f"exit 1: {sp}"
                if data is not None and self.same is not None and kind == "search" and r.rc == 0:
                    got = sorted(h["id"] for h in data.get("results", []))
                    if got != self.same["search"]:
                        problem = f"a read during the writer returned {len(got)} hits, {len(self.same['search'])} before"
            with self.lock:
                self.ops += 1
                if problem:
                    self.failures.append(f"{' '.join(args[:2])}: {problem}")

    def judge(self, what: str) -> None:
        self.c.note(f"{self.ops} reads {what}")
        if self.failures:
            self.c.fail(f"{len(self.failures)} of {self.ops} reads {what} failed; first: {self.failures[0]}")
        elif self.ops == 0:
            self.c.fail(f"no read completed {what}")


def _expect_ids(c: Ctx, expected: set[str], what: str) -> None:
    ids = c.list_ids()
    if ids is None:
        return
    if len(ids) != len(set(ids)):
        c.fail(f"{what}: an id is listed twice")
    if set(ids) != expected:
        c.fail(f"{what}: {len(set(ids))} documents listed, {len(expected)} expected "
               f"(missing {sorted(expected - set(ids))[:2]}, extra {sorted(set(ids) - expected)[:2]})")


def _probe_ids(c: Ctx, folders: list[Path]) -> set[str]:
    """The ids the folders' files get (imported once into a scratch archive)."""
    r = c.cli("import", "--json", *[str(f.relative_to(c.dir)) for f in folders], archive="probe", record=False)
    return {x["id"] for x in r.json_lines() if x.get("id")}


def _two_imports(kind: str):
    def fn(c: Ctx) -> None:
        if kind == "different":
            a, b = _plans(c, "x", 0, 15, "x"), _plans(c, "y", 100, 15, "y")
            c.note("in/x and in/y: 15 different plans each; both imported at once with --wait 60 --jobs 2")
        elif kind == "same":
            a = b = _plans(c, "x", 0, 20, "x")
            c.note("in/x: 20 plans, imported by two commands at once with --wait 60 --jobs 2")
        else:
            a = _plans(c, "x", 0, 12, "x")
            b = _plans(c, "y", 6, 12, "x")  # files 6..11 have the same bytes as in x
            c.note("in/x: plans 0–11, in/y: plans 6–17 (6 with the same bytes); both imported at once")
        expected = _probe_ids(c, [a, b])
        procs = [c.popen("import", "--json", "--jobs", "2", str(d.relative_to(c.dir)), wait=60) for d in (a, b)]
        for p, argv, started in procs:
            r = finish(p, argv, started, 120)
            c.clean(r, "one of the imports", (0,))
        _expect_ids(c, expected, "after both imports")
        c.expect_consistent()
    return fn


def _writers_wait0(c: Ctx) -> None:
    dirs = [_plans(c, f"w{k}", 200 + 10 * k, 10, f"w{k}") for k in range(3)]
    c.note("three imports of 10 different plans each at once, with --wait 0")
    fx.sample_archive(c.env)
    copy_archive(fx.sample_archive(c.env)["path"], c.archive)
    base = set(fx.sample_archive(c.env)["ids"])
    procs = [c.popen("import", "--json", str(d.relative_to(c.dir)), wait=0) for d in dirs]
    expected = set(base)
    for d, (p, argv, started) in zip(dirs, procs):
        r = finish(p, argv, started, 120)
        if not c.clean(r, f"import {d.name}", (0, 1)):
            continue
        if r.rc == 0:
            expected |= {x["id"] for x in r.json_lines() if x.get("id")}
        else:
            prob = sentence_problem(r.stderr)
            if "busy" not in r.stderr:
                c.fail(f"import {d.name}: exit 1 without saying the archive is busy ({r.last_err_line()!r})")
            elif prob:
                c.fail(f"import {d.name}: {prob}")
            if r.stdout.strip():
                done = [x for x in r.json_lines() if x.get("status") == "imported"]
                expected |= {x["id"] for x in done}
    _expect_ids(c, expected, "after the three imports")
    c.expect_consistent()


def _reader_during_import(c: Ctx) -> None:
    tpl = fx.sample_archive(c.env)
    copy_archive(tpl["path"], c.archive)
    d = _plans(c, "x", 300, 60, "r")
    c.note("two readers loop (search/list/show/stats --json) while `import in/x --jobs 2` imports 60 plans")
    expected = set(tpl["ids"]) | _probe_ids(c, [d])
    with Readers(c, tpl["ids"], seed=c.env.seed) as rd:
        time.sleep(0.3)
        r = c.cli("import", "--json", "--jobs", "2", "in/x", timeout=180)
        time.sleep(0.3)
    c.clean(r, "import", (0,))
    rd.judge("during the import")
    _expect_ids(c, expected, "after the import")
    c.expect_consistent()


def _reader_during(writer: str):
    def fn(c: Ctx) -> None:
        ks = fx.kill_sources(c.env)
        copy_archive(ks["full"], c.archive)
        from .cat_kills import _measure
        base = _measure(c.env)
        same = base if writer == "reindex" else None
        c.note(f"two readers loop while `{writer}` runs three times")
        with Readers(c, ks["expected_ids"], seed=c.env.seed + 1, same_results=same) as rd:
            for k in range(3):
                if writer == "reindex":
                    r = c.cli("reindex", timeout=180)
                    c.clean(r, "reindex", (0,))
                else:
                    (c.archive / "index" / "CURRENT").unlink(missing_ok=True)
                    r = c.cli("check", "--repair", timeout=180)
                    c.clean(r, "check --repair", (0,))
        rd.judge(f"during {writer}")
        _expect_ids(c, set(ks["expected_ids"]), f"after {writer}")
        c.expect_consistent()
    return fn


def _remove_during_search(c: Ctx) -> None:
    ks = fx.kill_sources(c.env)
    copy_archive(ks["full"], c.archive)
    before = snapshot(c.archive)
    ids = list(ks["expected_ids"])
    victims = random.Random(c.env.seed).sample(ids, 10)
    c.note("two readers loop while 10 documents are removed one by one")
    with Readers(c, ids, seed=c.env.seed + 2) as rd:
        for v in victims:
            r = c.cli("remove", v, wait=30)
            c.clean(r, f"remove {v}", (0,))
    rd.judge("during the removes")
    _expect_ids(c, set(ids) - set(victims), "after the removes")
    after = snapshot(c.archive)
    lost = [x for x in lost_originals(before, after) if x.split("/")[-1][:12] not in victims]
    if lost:
        c.fail(f"originals of documents not removed were lost: {lost[:2]}")
    c.expect_consistent()


def _remove_twice(c: Ctx) -> None:
    tpl = fx.sample_archive(c.env)
    copy_archive(tpl["path"], c.archive)
    victim = tpl["ids"][0]
    c.note(f"two `remove {victim}` at once, --wait 10")
    procs = [c.popen("remove", victim, wait=10) for _ in range(2)]
    rcs = []
    for p, argv, started in procs:
        r = finish(p, argv, started, 60)
        c.clean(r, "remove", (0, 1))
        rcs.append(r.rc)
        if r.rc == 1:
            prob = sentence_problem(r.stderr, name=victim)
            if prob:
                c.fail(f"the losing remove: {prob}")
    if sorted(rcs) != [0, 1]:
        c.fail(f"exit codes {rcs}; expected one 0 (removed) and one 1 (not found)")
    _expect_ids(c, set(tpl["ids"]) - {victim}, "after the removes")
    c.expect_consistent()


def _import_during_repair(c: Ctx) -> None:
    ks = fx.kill_sources(c.env)
    copy_archive(ks["full"], c.archive)
    d = _plans(c, "x", 400, 10, "ir")
    expected = set(ks["expected_ids"]) | _probe_ids(c, [d])
    (c.archive / "index" / "CURRENT").unlink()
    c.note("index/CURRENT deleted; `check --repair` and `import in/x` (10 plans, --wait 60) at once")
    p1 = c.popen("check", "--repair", wait=60)
    time.sleep(0.1)
    p2 = c.popen("import", "--json", "in/x", wait=60)
    for what, (p, argv, started) in (("check --repair", p1), ("import", p2)):
        r = finish(p, argv, started, 120)
        c.clean(r, what, (0,))
    _expect_ids(c, expected, "after repair and import")
    c.expect_consistent()


def _export_during_import(c: Ctx) -> None:
    tpl = fx.sample_archive(c.env)
    copy_archive(tpl["path"], c.archive)
    _plans(c, "x", 500, 40, "ex")
    c.note("`export --all -o out/` while `import in/x` (40 plans) runs")
    p = c.popen("import", "--json", "--jobs", "2", "in/x")
    time.sleep(0.4)
    r = c.cli("export", "--all", "-o", "out/", timeout=120)
    c.clean(r, "export", (0,))
    rr = finish(p[0], p[1], p[2], 120)
    c.clean(rr, "import", (0,))
    out = c.dir / "out"
    n = len(list(out.iterdir())) if out.is_dir() else 0
    if n < len(tpl["ids"]):
        c.fail(f"export wrote {n} files, fewer than the {len(tpl['ids'])} documents there before the import")
    c.expect_consistent()


def cases(env) -> list[Case]:
    out = [
        ("two-imports-different-files", _two_imports("different")),
        ("two-imports-same-files", _two_imports("same")),
        ("two-imports-overlapping-files", _two_imports("overlap")),
        ("three-writers-wait-0", _writers_wait0),
        ("readers-during-import", _reader_during_import),
        ("remove-same-document-twice", _remove_twice),
        ("export-during-import", _export_during_import),
    ]
    if fx.corpus_files(1):
        out += [
            ("readers-during-reindex", _reader_during("reindex")),
            ("readers-during-repair-rebuild", _reader_during("repair")),
            ("remove-during-search", _remove_during_search),
            ("import-during-repair", _import_during_repair),
        ]
    return [Case(CATEGORY, name, fn) for name, fn in out]
