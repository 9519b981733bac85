"""index-damage: truncate, garble or delete each kind of index file; garble index/CURRENT (fault 2).

The archive is the six samples plus 60 corpus documents imported in three runs (three segments).
For each damage: every baseline query must give the same results as before or one sentence
naming `archive check --repair` (or `archive reindex`, which rebuilds as well); when the results differ, `check` must exit 1; after
`check --repair` the results must equal the baseline and `check` must be clean. No command may
crash ("unexpected failure" counts as a crash).
"""
from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

from . import fixtures as fx
from .harness import Case, Ctx, Skip, copy_archive, run

CATEGORY = "index-damage"
QUERIES = ["ke hoach", "125/KH-UBND"]


def _search(c: Ctx | None, archive: Path, q: str, cwd: Path):
    argv = fx.cli_argv(archive, "search", q, "--json", "--limit", "1000")
    if c is not None:
        return c.cli("search", q, "--json", "--limit", "1000", timeout=30)
    return run(argv, cwd, timeout=60)


def _result_key(r) -> tuple[int, frozenset] | None:
    try:
        data = r.json()
    except ValueError:
        return None
    return int(data.get("total", -1)), frozenset(h["id"] for h in data.get("results", []))


def baseline(env) -> dict:
    def build():
        mid = fx.mid_archive(env)
        out = {}
        for q in QUERIES:
            r = _search(None, mid["path"], q, mid["path"].parent)
            out[q] = _result_key(r)
        gen = json.loads((mid["path"] / "index" / "CURRENT").read_text())["generation"]
        return {"results": out, "generation": gen}
    return env.cached("index-baseline", build)


def _kind(name: str) -> str:
    if name.endswith(".toc"):
        return "toc"
    if name.endswith("WRITELOCK"):
        return "writelock"
    m = re.match(r"MAIN_[a-z0-9]+(\..+)$", name)
    return m.group(1).lstrip(".") if m else name


def _targets(env) -> list[tuple[str, str]]:
    """(kind, file name) for each kind of file in the generation folder: its largest file."""
    mid = fx.mid_archive(env)
    gen = baseline(env)["generation"]
    files = sorted((mid["path"] / "index" / gen).iterdir(), key=lambda p: -p.stat().st_size)
    seen = {}
    for p in files:
        seen.setdefault(_kind(p.name), p.name)
    return sorted(seen.items())


def _damage(how: str, rng: random.Random):
    def apply(p: Path) -> None:
        if how == "delete":
            p.unlink()
        elif how == "truncate-half":
            data = p.read_bytes()
            p.write_bytes(data[: len(data) // 2])
        elif how == "garble-middle":
            data = bytearray(p.read_bytes())
            n = min(256, max(1, len(data) // 4))
            start = max(0, len(data) // 2 - n // 2)
            data[start:start + n] = rng.randbytes(n)
            p.write_bytes(bytes(data))
        elif how == "empty":
            p.write_bytes(b"")
        else:
            raise ValueError(how)
    return apply


def _case(label: str, damage_fn):
    def fn(c: Ctx) -> None:
        mid = fx.mid_archive(c.env)
        base = baseline(c.env)
        copy_archive(mid["path"], c.archive)
        damage_fn(c, base["generation"])
        c.note(label)
        differ = []
        for q in QUERIES:
            want = base["results"][q]
            r = c.cli("search", q, "--json", "--limit", "1000", timeout=30)
            if not c.clean(r, f"search {q!r}", (0, 1, 2)):
                continue
            got = _result_key(r) if r.rc in (0, 1) and r.stdout.strip() else None
            # one sentence naming the way back: `check --repair` (or `reindex`, which rebuilds too)
            hint = "check --repair" in r.stderr or "reindex" in r.stderr
            if got == want:
                continue
            if r.rc != 0 and hint:
                continue
            if got is None:
                differ.append(f"search {q!r}: exit {r.rc} without pointing to check --repair ({r.last_err_line()!r})")
            else:
                differ.append(f"search {q!r} silently returned {got[0]} results (baseline {want[0]})")
        chk = c.check_json("check --json", timeout=60)
        if differ:
            for d in differ:
                c.fail(d)
            if chk is not None and chk.get("ok"):
                c.fail("and check says OK")
        c.check_json("check --repair --json", "--repair", timeout=120)
        for q in QUERIES:
            want = base["results"][q]
            r = c.cli("search", q, "--json", "--limit", "1000", timeout=30)
            if c.clean(r, f"search {q!r} after repair", (0, 1)):
                got = _result_key(r)
                if got is None:
                    c.fail(f"after repair, search {q!r}: exit {r.rc}, {r.last_err_line()!r} (baseline {want[0]} results)")
                elif got != want:
                    c.fail(f"after repair, search {q!r} gives {got[0]} results (baseline {want[0]})")
        c.expect_consistent("check after repair")
    return fn


def _current(mode: str):
    def damage(c: Ctx, gen: str) -> None:
        p = c.archive / "index" / "CURRENT"
        if mode == "garble":
            p.write_bytes(random.Random(7).randbytes(len(p.read_bytes())))
        elif mode == "truncate-half":
            data = p.read_bytes()
            p.write_bytes(data[: len(data) // 2])
        elif mode == "delete":
            p.unlink()
        elif mode == "empty":
            p.write_bytes(b"")
        elif mode == "missing-generation":
            p.write_text(p.read_text().replace(gen, "g999999"))
        elif mode == "wrong-version":
            data = json.loads(p.read_text())
            data["version"] = "0000000000000000"
            p.write_text(json.dumps(data))
    return damage


def _file_damage(name: str, how: str, seed: int):
    def damage(c: Ctx, gen: str) -> None:
        _damage(how, random.Random(seed))(c.archive / "index" / gen / name)
    return damage


def _every(kind_suffix: str, how: str):
    def damage(c: Ctx, gen: str) -> None:
        rng = random.Random(99)
        for p in (c.archive / "index" / gen).iterdir():
            if p.name.endswith(kind_suffix):
                _damage(how, rng)(p)
    return damage


def _whole(what: str):
    def damage(c: Ctx, gen: str) -> None:
        if what == "generation-folder":
            shutil.rmtree(c.archive / "index" / gen)
        elif what == "index-folder":
            shutil.rmtree(c.archive / "index")
        elif what == "junk-file":
            (c.archive / "index" / gen / "MAIN_junk0000000000.pst").write_bytes(b"junk" * 100)
        elif what == "segment-removed":
            d = c.archive / "index" / gen
            seg = sorted({p.name.split(".")[0] for p in d.iterdir() if p.name.startswith("MAIN_") and "." in p.name})[0]
            for p in d.iterdir():
                if p.name.startswith(seg + "."):
                    p.unlink()
    return damage


def cases(env) -> list[Case]:
    if not fx.corpus_files(1):
        def skip(c):
            raise Skip(f"the shared corpus is missing ({fx.CORPUS_MD})")
        return [Case(CATEGORY, "all", skip)]
    out = []
    for i, (kind, name) in enumerate(_targets(env)):
        hows = ("delete",) if kind == "writelock" else ("truncate-half", "garble-middle", "delete")
        for how in hows:
            label = f"{how} the largest {kind} file (index/<generation>/{name})"
            out.append(Case(CATEGORY, f"{kind}-{how}", _case(label, _file_damage(name, how, 1000 + i)), "2"))
    for suffix, how in ((".trm", "garble-middle"), ("_stored.col", "truncate-half")):
        out.append(Case(CATEGORY, f"every{suffix.replace('.', '-')}-{how}",
                         _case(f"{how} every *{suffix} file", _every(suffix, how)), "2"))
    for mode in ("garble", "truncate-half", "delete", "empty", "missing-generation", "wrong-version"):
        out.append(Case(CATEGORY, f"CURRENT-{mode}", _case(f"index/CURRENT: {mode}", _current(mode)), "2"))
    for what in ("generation-folder", "index-folder", "junk-file", "segment-removed"):
        out.append(Case(CATEGORY, f"remove-{what}" if what != "junk-file" else "junk-file",
                        _case(f"index damage: {what}", _whole(what)), "2"))
    return out
