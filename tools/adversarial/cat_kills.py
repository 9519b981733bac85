"""kills: `kill -9` at random moments of `import --jobs 2`, `reindex` and `check --repair`
(SPEC §3; issue 16 fault 9b).

Half the kills hit an import (of ~45 files of six formats, three of them the same bytes under a
second name; every other round starts from no archive at all), a quarter a reindex, a quarter
a repair (of a deleted index/CURRENT or of hand-edited store files). After each kill:

- no process the killed command started is alive 3 s later (descendants found through /proc);
- the next writer is not told the archive is busy;
- import rounds (a quarter kill the whole process group, workers included), alternately: `check --repair` then `check` is clean, then the same import again;
  or the same import again first (without repair), after which no `.tmp-*` file is left and
  `check` is clean. Either way every file ends imported exactly once: the listed ids are unique
  and are exactly the ids of the distinct contents;
- reindex and repair rounds: searches during the damage give the same results or one sentence,
  `check --repair` then `check` is clean, no original is lost, the listed ids and the search
  results are the same as before, and no temp file or extra index generation is left.
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

from . import fixtures as fx
from .harness import (Case, Ctx, Skip, child_env, cmdline, copy_archive, descendants, display, lost_originals,
                      run, snapshot, still_alive, tmp_files)

CATEGORY = "kills"
QUERY = "ke hoach"


def _measure(env) -> dict:
    """Durations of a full import, a reindex and a repair of the kill sources (once per run)."""
    def build():
        ks = fx.kill_sources(env)
        work = env.work / "_templates" / "killtime"
        work.mkdir(parents=True, exist_ok=True)
        a = work / "A"
        copy = work / "R"
        copy_archive(ks["full"], copy)
        r = run(fx.cli_argv(a, "import", str(ks["src"]), "--jobs", "2", "--json"), work, timeout=300)
        t_import = r.seconds
        t_reindex = run(fx.cli_argv(copy, "reindex"), work, timeout=300).seconds
        q = run(fx.cli_argv(ks["full"], "search", QUERY, "--json", "--limit", "1000"), work)
        base = sorted(h["id"] for h in json.loads(q.stdout)["results"])
        return {"import": t_import, "reindex": t_reindex, "search": base}
    return env.cached("killtime", build)


def _start(c: Ctx, *args) -> tuple[subprocess.Popen, list]:
    argv = c.argv(*args)
    c.commands.append(display(argv) + " &  # then kill -9 after the delay")
    def pre():
        import resource
        from .harness import MEMORY_CAP
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    p = subprocess.Popen(argv, cwd=str(c.dir), env=child_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True, preexec_fn=pre)
    return p, argv


def _kill(c: Ctx, p: subprocess.Popen, delay: float, group: bool = False) -> bool:
    """SIGKILL ``p`` (or its whole process group: a service manager's stop, the OOM killer's
    sweep) after ``delay`` s; check its descendants die. True if it was still running."""
    deadline = time.monotonic() + delay
    seen: dict[int, int] = {}
    while time.monotonic() < deadline and p.poll() is None:
        seen.update(descendants(p.pid))  # every helper it started along the way
        time.sleep(min(0.05, max(0.0, deadline - time.monotonic())))
    if p.poll() is not None:
        c.note(f"(the command ended after {delay:.2f} s, before the kill)")
        return False
    seen.update(descendants(p.pid))
    if group:
        os.killpg(p.pid, signal.SIGKILL)
    else:
        os.kill(p.pid, signal.SIGKILL)
    p.wait()
    alive = still_alive(seen)
    end = time.monotonic() + 3.0
    while alive and time.monotonic() < end:
        time.sleep(0.1)
        alive = still_alive(seen)
    if alive:
        c.fail(f"{len(alive)} process(es) still alive 3 s after the kill: "
               + "; ".join(f"{pid} {cmdline(pid)}" for pid in alive[:3]))
        for pid in alive:  # processes this case started: clean up
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    return True


def _not_busy(c: Ctx, r, what: str) -> None:
    if "busy" in r.stderr:
        c.fail(f"{what} after the kill was told the archive is busy: {r.last_err_line()!r}")


def _ids_ok(c: Ctx, expected: set[str], what: str) -> None:
    ids = c.list_ids(f"list --json ({what})")
    if ids is None:
        return
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        c.fail(f"{what}: ids listed twice: {dup[:3]}")
    missing, extra = expected - set(ids), set(ids) - expected
    if missing:
        c.fail(f"{what}: {len(missing)} document(s) missing: {sorted(missing)[:3]}")
    if extra:
        c.fail(f"{what}: {len(extra)} unexpected id(s): {sorted(extra)[:3]}")


def _import_round(i: int):
    def fn(c: Ctx) -> None:
        ks = fx.kill_sources(c.env)
        t = _measure(c.env)
        rng = random.Random(c.env.seed * 1000 + i)
        tpl = fx.sample_archive(c.env)
        fresh = i % 4 in (0, 1)
        expected = set(ks["expected_ids"])
        if not fresh:
            copy_archive(tpl["path"], c.archive)
            expected |= set(tpl["ids"])
        repair_first = i % 2 == 0
        group = i % 4 in (2, 3)
        delay = rng.uniform(0.05, max(0.3, t["import"] * 0.95))
        src = str(ks["src"])
        c.note(f"{'no archive yet' if fresh else 'the six sample documents'}; SRC = {ks['files']} files; "
               f"kill -9 {'the process group' if group else 'the import'} after {delay:.2f} s")
        p, _argv = _start(c, "import", src, "--jobs", "2")
        _kill(c, p, delay, group=group)
        if repair_first:
            r = c.cli("check", "--repair", "--json", wait=3)
            c.clean(r, "check --repair", (0, 1))
            _not_busy(c, r, "check --repair")
            c.expect_consistent("check after repair")
            r = c.cli("import", src, "--jobs", "2", "--json", wait=3, timeout=120)
            c.clean(r, "import again", (0,))
            _ids_ok(c, expected, "after repair and import again")
            left = tmp_files(c.archive)
            if left:
                c.fail(f"temp files left after repair and import: {left[:3]}")
            c.expect_consistent("check at the end")
        else:
            r = c.cli("import", src, "--jobs", "2", "--json", wait=3, timeout=120)
            c.clean(r, "import again", (0,))
            _not_busy(c, r, "import again")
            left = tmp_files(c.archive)
            if left:
                c.fail(f"temp files left after re-running the import without repair: {left[:3]}")
            _ids_ok(c, expected, "after import again")
            data = c.check_json("check after import again")
            if data is not None and not data.get("ok"):
                c.fail("re-running the import did not finish the killed one: check reports "
                       + "; ".join(p.get("message", "") for p in data.get("problems", []))[:200])
            r = c.cli("check", "--repair", "--json")
            c.clean(r, "check --repair", (0, 1))
            c.expect_consistent("check at the end")
    return fn


def _generations(archive: Path) -> list[str]:
    d = archive / "index"
    return sorted(p.name for p in d.iterdir() if p.is_dir()) if d.is_dir() else []


def _after_damage(c: Ctx, expected: set, before, base_hits: list[str], gens_before: list[str]) -> None:
    r = c.cli("search", QUERY, "--json", "--limit", "1000")
    if c.clean(r, "search after the kill", (0, 1, 2)):
        if r.rc == 0:
            try:
                hits = sorted(h["id"] for h in r.json()["results"])
            except (ValueError, KeyError):
                hits = None
            if hits != base_hits:
                c.note(f"(search after the kill: {len(hits or [])} of {len(base_hits)} hits)")
        elif not r.err.strip():
            c.fail(f"search after the kill: exit {r.rc} with nothing on stderr")
    c.check_json("check after the kill")
    r = c.cli("check", "--repair", "--json", wait=3, timeout=120)
    c.clean(r, "check --repair", (0, 1))
    _not_busy(c, r, "check --repair")
    c.expect_consistent("check after repair")
    after = snapshot(c.archive)
    lost = lost_originals(before, after)
    if lost:
        c.fail(f"originals lost: {lost[:3]}")
    if after.tmp:
        c.fail(f"temp files left after repair: {after.tmp[:3]}")
    live = None
    try:
        live = json.loads((c.archive / "index" / "CURRENT").read_text())["generation"]
    except (OSError, ValueError, KeyError):
        pass
    # the live generation and those from before the kill are by design; one neither is a killed build's leftover
    left = [g for g in _generations(c.archive) if g != live and g not in gens_before]
    if left:
        c.fail(f"index generation folders left after repair: {left} beside live {live}")
    _ids_ok(c, expected, "after repair")
    r = c.cli("search", QUERY, "--json", "--limit", "1000")
    if c.clean(r, "search after repair", (0,)):
        hits = sorted(h["id"] for h in r.json()["results"])
        if hits != base_hits:
            c.fail(f"search after repair: {len(hits)} hits, {len(base_hits)} before the kill")


def _reindex_round(i: int):
    def fn(c: Ctx) -> None:
        ks = fx.kill_sources(c.env)
        t = _measure(c.env)
        rng = random.Random(c.env.seed * 2000 + i)
        copy_archive(ks["full"], c.archive)
        before = snapshot(c.archive)
        gens = _generations(c.archive)
        delay = rng.uniform(0.05, max(0.3, t["reindex"] * 0.95))
        c.note(f"an archive of {len(ks['expected_ids'])} documents; kill -9 the reindex after {delay:.2f} s")
        p, _ = _start(c, "reindex")
        _kill(c, p, delay)
        _after_damage(c, set(ks["expected_ids"]), before, t["search"], gens)
    return fn


def _repair_round(i: int):
    def fn(c: Ctx) -> None:
        ks = fx.kill_sources(c.env)
        t = _measure(c.env)
        rng = random.Random(c.env.seed * 3000 + i)
        copy_archive(ks["full"], c.archive)
        if i % 2 == 0:
            (c.archive / "index" / "CURRENT").unlink()
            how = "index/CURRENT deleted"
        else:
            docs = sorted((c.archive / "documents").glob("*.md"))
            for p in rng.sample(docs, min(12, len(docs))):
                text = p.read_text("utf-8")
                p.write_text(text.replace("---\n", "---\nnote: zqxsua\n", 1), "utf-8")
            how = "12 store files edited by hand (a note: key added)"
        before = snapshot(c.archive)
        gens = _generations(c.archive)
        delay = rng.uniform(0.05, max(0.3, t["reindex"] * 0.95))
        c.note(f"an archive of {len(ks['expected_ids'])} documents, {how}; kill -9 `check --repair` after {delay:.2f} s")
        p, _ = _start(c, "check", "--repair")
        _kill(c, p, delay)
        _after_damage(c, set(ks["expected_ids"]), before, t["search"], gens)
    return fn


def _planted_tmp(c: Ctx) -> None:
    """What a writer killed inside an atomic write leaves (a .tmp-* beside the target): the plain
    re-run of the import must finish the job (README: "or simply running the same import again")."""
    ks = fx.kill_sources(c.env)
    copy_archive(ks["full"], c.archive)
    sub = sorted(p for p in (c.archive / "originals").iterdir() if p.is_dir())[0]
    (sub / ".tmp-k1ll3d0").write_bytes(b"partial bytes of an original")
    (c.archive / "documents" / ".tmp-k1ll3d1").write_bytes(b"---\nid: partial")
    c.note(f"the archive of SRC; plant originals/{sub.name}/.tmp-k1ll3d0 and documents/.tmp-k1ll3d1 "
           "(as a kill inside an atomic write leaves them); import SRC again without repair")
    r = c.cli("import", str(ks["src"]), "--jobs", "2", "--json", timeout=120)
    c.clean(r, "import again", (0,))
    left = tmp_files(c.archive)
    if left:
        c.fail(f"temp files left after re-running the import without repair: {left[:3]}")
    data = c.check_json("check after import again")
    if data is not None and not data.get("ok"):
        c.fail("after re-running the import, check reports "
               + "; ".join(p.get("message", "") for p in data.get("problems", []))[:200])
    r = c.cli("check", "--repair", "--json")
    c.clean(r, "check --repair", (0, 1))
    c.expect_consistent("check after repair")
    if tmp_files(c.archive):
        c.fail(f"temp files left after repair: {tmp_files(c.archive)[:3]}")


def cases(env) -> list[Case]:
    if not fx.corpus_files(1):
        def skip(c):
            raise Skip("the shared corpus is missing")
        return [Case(CATEGORY, "all", skip)]
    n = max(0, env.kills)
    n_import = (n + 1) // 2
    n_reindex = (n - n_import + 1) // 2
    n_repair = n - n_import - n_reindex
    out = [Case(CATEGORY, f"import-kill-{i:02d}" + ("-group" if i % 4 in (2, 3) else "")
                + ("-rerun" if i % 2 else "-repair"), _import_round(i), "9b" if i % 2 else None)
           for i in range(n_import)]
    out += [Case(CATEGORY, f"reindex-kill-{i:02d}", _reindex_round(i)) for i in range(n_reindex)]
    out += [Case(CATEGORY, f"repair-kill-{i:02d}", _repair_round(i)) for i in range(n_repair)]
    if n:
        out.append(Case(CATEGORY, "planted-tmp-files-rerun", _planted_tmp, "9b"))
    return out
