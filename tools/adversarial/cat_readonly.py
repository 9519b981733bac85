"""read-only: a read-only archive, an archive the user may not write, immutable folders, and a
full disk. Expected of every writer: one sentence, exit 1, nothing lost; of every reader: it works.

As root chmod does not stop writes, so the read-only archive is a read-only bind mount
(`mount --bind` + `remount,ro`), the unwritable one is used as user nobody (`setpriv`), the
immutable folders use `chattr +i`, and the full disk is a 3 MB tmpfs. Cases that cannot set
these up here are skipped with the reason.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from . import fixtures as fx
from .harness import Case, Ctx, Skip, copy_archive, lost_originals, sentence_problem, snapshot

CATEGORY = "read-only"
_CAN: dict[str, str | None] = {}


def _can(what: str, work: Path) -> str | None:
    """None when the machine lets us do ``what``; else the reason it does not."""
    if what in _CAN:
        return _CAN[what]
    probe = work / "_probe" / what
    probe.mkdir(parents=True, exist_ok=True)
    reason = None
    try:
        if what == "mount":
            r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(probe)], capture_output=True, text=True)
            if r.returncode != 0:
                reason = f"mount is not allowed here ({r.stderr.strip()[:100]})"
            else:
                subprocess.run(["umount", str(probe)], capture_output=True)
        elif what == "chattr":
            f = probe / "f"
            f.write_text("x")
            r = subprocess.run(["chattr", "+i", str(f)], capture_output=True, text=True)
            if r.returncode != 0:
                reason = f"chattr +i is not supported here ({r.stderr.strip()[:100]})"
            else:
                subprocess.run(["chattr", "-i", str(f)], capture_output=True)
        elif what == "setpriv":
            if not shutil.which("setpriv"):
                reason = "setpriv is missing"
            elif os.geteuid() != 0:
                reason = "not root: cannot switch to user nobody"
    except OSError as exc:
        reason = str(exc)
    _CAN[what] = reason
    return reason


def _need(c: Ctx, what: str) -> None:
    reason = _can(what, c.env.work)
    if reason:
        raise Skip(reason)


def _writer_fails(c: Ctx, r, what: str) -> None:
    """A writer in a place it cannot write: exit 1 with one sentence, no traceback."""
    if not c.clean(r, what, (1,)):
        return
    prob = sentence_problem(r.stderr)
    if prob:
        c.fail(f"{what}: {prob}")


def _ro_mount(c: Ctx, fn) -> None:
    _need(c, "mount")
    tpl = fx.sample_archive(c.env)
    src = c.dir / "A-data"
    copy_archive(tpl["path"], src)
    c.archive.mkdir()
    c.note("A is a read-only bind mount of a copy of the six-sample archive (mount --bind; mount -o remount,bind,ro)")
    subprocess.run(["mount", "--bind", str(src), str(c.archive)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(c.archive)], check=True)
        before = snapshot(c.archive)
        fn(c, tpl)
        after = snapshot(c.archive)
        if before.originals != after.originals or before.store != after.store:
            c.fail("the read-only archive changed")
    finally:
        subprocess.run(["umount", "-l", str(c.archive)], capture_output=True)


def _ro(action: str):
    def body(c: Ctx, tpl: dict) -> None:
        if action == "search":
            r = c.cli("search", "ke hoach", "--json")
            if c.clean(r, "search", (0,)) and not r.json().get("results"):
                c.fail("search on a read-only archive found nothing")
        elif action == "list":
            r = c.cli("list", "--json")
            if c.clean(r, "list", (0,)) and len(r.json()) != len(tpl["ids"]):
                c.fail("list on a read-only archive is incomplete")
        elif action == "show":
            c.clean(c.cli("show", "125/KH-UBND", "--no-pager"), "show", (0,))
        elif action == "check":
            r = c.cli("check", "--json")
            c.clean(r, "check", (0,))
        elif action == "stats":
            c.clean(c.cli("stats", "--json"), "stats", (0,))
        elif action == "export":
            r = c.cli("export", "--all", "-o", "out/")
            c.clean(r, "export to a writable folder", (0,))
        elif action == "import":
            (c.inbox / "k.txt").write_text(fx.plan_text(800, "ro"), encoding="utf-8")
            _writer_fails(c, c.cli("import", "in/k.txt"), "import")
            r = c.cli("import", "--json", "in/k.txt")
            c.clean(r, "import --json", (1,))
        elif action == "import-dry-run":
            (c.inbox / "k.txt").write_text(fx.plan_text(801, "ro"), encoding="utf-8")
            r = c.cli("import", "--dry-run", "in/k.txt")
            c.clean(r, "import --dry-run", (0, 1))
            if r.rc == 1 and sentence_problem(r.stderr):
                c.fail(f"import --dry-run: {sentence_problem(r.stderr)}")
        elif action == "remove":
            _writer_fails(c, c.cli("remove", tpl["ids"][0]), "remove")
        elif action == "reindex":
            _writer_fails(c, c.cli("reindex"), "reindex")
            c.clean(c.cli("search", "ke hoach", "--json"), "search after the failed reindex", (0,))
        elif action == "repair":
            r = c.cli("check", "--repair")
            c.clean(r, "check --repair (nothing to repair)", (0, 1))
            if r.rc == 1 and sentence_problem(r.stderr):
                c.fail(f"check --repair: {sentence_problem(r.stderr)}")
    return lambda c: _ro_mount(c, body)


def _nobody(action: str):
    def fn(c: Ctx) -> None:
        _need(c, "setpriv")
        tpl = fx.sample_archive(c.env)
        copy_archive(tpl["path"], c.archive)
        for p in (c.dir, c.inbox):
            os.chmod(p, 0o755)
        (c.inbox / "k.txt").write_text(fx.plan_text(810, "nobody"), encoding="utf-8")
        os.chmod(c.inbox / "k.txt", 0o644)
        c.note("the six-sample archive owned by root (folders 0755, files 0644); commands run as nobody (setpriv)")
        before = snapshot(c.archive)
        if action == "search":
            r = c.cli("search", "ke hoach", "--json", as_nobody=True)
            c.clean(r, "search as nobody", (0,))
        elif action == "import":
            _writer_fails(c, c.cli("import", "in/k.txt", as_nobody=True), "import as nobody")
        elif action == "remove":
            _writer_fails(c, c.cli("remove", tpl["ids"][0], as_nobody=True), "remove as nobody")
        elif action == "repair":
            (c.archive / "index" / "CURRENT").unlink()
            before = snapshot(c.archive)
            _writer_fails(c, c.cli("check", "--repair", as_nobody=True), "check --repair as nobody")
        after = snapshot(c.archive)
        if before.originals != after.originals or before.store != after.store:
            c.fail("the archive changed")
        if action != "repair":
            c.expect_consistent()
    return fn


def _immutable(folder: str):
    def fn(c: Ctx) -> None:
        _need(c, "chattr")
        tpl = fx.sample_archive(c.env)
        copy_archive(tpl["path"], c.archive)
        (c.inbox / "k.txt").write_text(fx.plan_text(820, "immutable"), encoding="utf-8")
        if folder == "index":
            import json
            gen = json.loads((c.archive / "index" / "CURRENT").read_text())["generation"]
            target = c.archive / "index" / gen
        else:
            target = c.archive / folder
        rel = target.relative_to(c.dir)
        c.note(f"chattr +i {rel}; import in/k.txt; chattr -i; check --repair")
        before = snapshot(c.archive)
        subprocess.run(["chattr", "+i", str(target)], check=True)
        try:
            r = c.cli("import", "--json", "in/k.txt")
            c.clean(r, "import", (1,))
            if r.rc == 1:
                try:
                    errs = [x.get("error") or "" for x in r.json_lines()]
                except ValueError:
                    errs = []
                msg = " ".join(errs) or r.stderr
                prob = sentence_problem(msg)
                if prob:
                    c.fail(f"import: {prob}")
        finally:
            subprocess.run(["chattr", "-i", str(target)], capture_output=True)
        rep = c.cli("check", "--repair", "--json")
        c.clean(rep, "check --repair", (0, 1))
        after = snapshot(c.archive)
        lost = lost_originals(before, after)
        if lost:
            c.fail(f"originals lost: {lost[:2]}")
        c.expect_consistent()
        ids = c.list_ids() or []
        if not set(tpl["ids"]) <= set(ids):
            c.fail("documents from before the failed import are missing")
    return fn


def _full_writer(c: Ctx, r, what: str, a: str) -> None:
    """On a full disk a writer either fails with one sentence (exit 1), or succeeds for real:
    exit 0 is right only if `check` agrees right away, while the disk is still full."""
    if r.rc == 0 and not r.timed_out:
        data = c.check_json(f"check right after {what} exited 0", archive=a)
        if data is not None and not data.get("ok"):
            c.fail(f"{what} exited 0 but check then reports: " + "; ".join(
                p.get("message", "") for p in data.get("problems", []))[:200])
        return
    _writer_fails(c, r, what)


class Tmpfs:
    def __init__(self, c: Ctx, size: str, inodes: int | None = None) -> None:
        self.path = c.dir / "T"
        self.path.mkdir()
        opts = f"size={size}" + (f",nr_inodes={inodes}" if inodes else "")
        subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(self.path)], check=True)

    def grow(self) -> None:
        subprocess.run(["mount", "-o", "remount,size=256m,nr_inodes=100000", str(self.path)], check=True)

    def fill(self, leave: int) -> Path:
        """A filler file that leaves about ``leave`` bytes free."""
        st = os.statvfs(self.path)
        free = st.f_bavail * st.f_frsize
        filler = self.path / "filler"
        with open(filler, "wb") as f:
            chunk = b"\0" * 65536
            remaining = max(0, free - leave)
            try:
                while remaining > 0:
                    n = f.write(chunk[: min(len(chunk), remaining)])
                    remaining -= n
            except OSError:
                pass
        return filler

    def close(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], capture_output=True)


def _disk(kind: str):
    def fn(c: Ctx) -> None:
        _need(c, "mount")
        tpl = fx.sample_archive(c.env)
        t = Tmpfs(c, "3m", inodes=120 if kind == "inodes" else None)
        try:
            arch = t.path / "A"
            copy_archive(tpl["path"], arch)
            c.archive = arch
            a = "T/A"
            before = snapshot(arch)
            if kind in ("import", "inodes"):
                n = 40 if kind == "import" else 150
                for i in range(n):
                    extra = "\n".join(f"Dòng bổ sung {j} của văn bản {i}: " + "nội dung " * 12 for j in range(800 if kind == "import" else 1))
                    (c.inbox / f"k{i:03d}.txt").write_text(fx.plan_text(900 + i, f"full{kind}", extra), encoding="utf-8")
                c.note(f"A on a 3 MB tmpfs{' with 120 inodes' if kind == 'inodes' else ''}; import {n} plans "
                       f"({'~100 KB each' if kind == 'import' else 'small'})")
                r = c.cli("import", "--json", "in", archive=a, timeout=180)
                c.clean(r, "import onto a full disk", (1,))
                imported = set()
                try:
                    lines = r.json_lines()
                except ValueError:
                    lines = []
                    c.fail("import --json printed something that is not JSON lines")
                for x in lines:
                    if x.get("status") == "imported":
                        imported.add(x["id"])
                    elif x.get("status") == "failed":
                        prob = sentence_problem(x.get("error") or "", max_lines=1)
                        if prob:
                            c.fail(f"error for {x.get('path')}: {prob}")
                            break
                if r.rc == 1 and not lines and sentence_problem(r.stderr):
                    c.fail(f"import: {sentence_problem(r.stderr)}")
                c.check_json("check while the disk is full", archive=a)
                t.grow()
                rep = c.cli("check", "--repair", "--json", archive=a)
                c.clean(rep, "check --repair after freeing space", (0, 1))
                data = c.check_json("check after freeing space and repair", archive=a)
                if data is not None and not data.get("ok"):
                    c.fail("not consistent after freeing space and repair: " + "; ".join(
                        p.get("message", "") for p in data.get("problems", []))[:200])
                lr = c.cli("list", "--json", archive=a)
                if c.clean(lr, "list", (0,)):
                    ids = {x["id"] for x in lr.json()}
                    if not imported <= ids:
                        c.fail(f"{len(imported - ids)} documents reported imported are not in the archive")
                    if not set(tpl["ids"]) <= ids:
                        c.fail("documents from before the import are missing")
            elif kind in ("reindex", "repair", "remove"):
                c.note(f"A on a 3 MB tmpfs filled to ~20 KB free; then {kind}")
                if kind == "repair":
                    (arch / "index" / "CURRENT").unlink()
                    before = snapshot(arch)
                q = c.cli("search", "ke hoach", "--json", archive=a, record=False) if kind != "repair" else None
                filler = t.fill(20_000)
                if kind == "reindex":
                    r = c.cli("reindex", archive=a)
                    _full_writer(c, r, "reindex on a full disk", a)
                    s = c.cli("search", "ke hoach", "--json", archive=a)
                    if c.clean(s, "search after the reindex", (0,)) and q is not None and s.json() != q.json():
                        c.fail("search results changed after a reindex on a full disk")
                elif kind == "repair":
                    _full_writer(c, c.cli("check", "--repair", archive=a), "check --repair on a full disk", a)
                else:
                    r = c.cli("remove", tpl["ids"][0], archive=a)
                    c.clean(r, "remove on a full disk", (0, 1))
                    if r.rc == 1 and sentence_problem(r.stderr):
                        c.fail(f"remove: {sentence_problem(r.stderr)}")
                filler.unlink()
                rep = c.cli("check", "--repair", "--json", archive=a)
                c.clean(rep, "check --repair after freeing space", (0, 1))
                data = c.check_json("check after freeing space", archive=a)
                if data is not None and not data.get("ok"):
                    c.fail("not consistent after freeing space and repair: " + "; ".join(
                        p.get("message", "") for p in data.get("problems", []))[:200])
            elif kind == "export":
                c.note("export --all -o T/out on a 3 MB tmpfs filled to ~6 KB free (the archive is elsewhere)")
                c.archive = c.dir / "A"
                copy_archive(tpl["path"], c.archive)
                shutil.rmtree(arch)
                before = snapshot(c.archive)
                c.cli("export", "--all", "-o", "ref/", record=False)
                filler = t.fill(6_000)
                r = c.cli("export", "--all", "-o", "T/out/")
                _writer_fails(c, r, "export onto a full disk")
                out = t.path / "out"
                partial = []
                if out.is_dir():
                    for p in out.iterdir():
                        refp = c.dir / "ref" / p.name
                        if not refp.exists() or refp.read_bytes() != p.read_bytes():
                            partial.append(p.name)
                if partial:
                    c.fail(f"export left {len(partial)} partial file(s) on the full disk: {partial[:2]}")
                filler.unlink()
                arch = c.archive
            after = snapshot(arch)
            lost = lost_originals(before, after)
            if kind != "remove":
                if lost:
                    c.fail(f"originals lost: {lost[:2]}")
                gone = [k for k in before.store if k not in after.store]
                if gone:
                    c.fail(f"store files lost: {gone[:2]}")
        finally:
            c.archive = c.dir / "A"
            t.close()
    return fn


def cases(env) -> list[Case]:
    out = [(f"ro-mount-{a}", _ro(a)) for a in ("search", "list", "show", "check", "stats", "export", "import",
                                               "import-dry-run", "remove", "reindex", "repair")]
    out += [(f"nobody-{a}", _nobody(a)) for a in ("search", "import", "remove", "repair")]
    out += [(f"immutable-{f}", _immutable(f)) for f in ("index", "documents", "originals")]
    out += [(f"disk-full-{k}", _disk(k)) for k in ("import", "inodes", "reindex", "repair", "remove", "export")]
    return [Case(CATEGORY, name, fn) for name, fn in out]
