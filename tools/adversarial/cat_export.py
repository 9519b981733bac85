"""export: file names, counts, overwrites, escapes and modes (SPEC §6: never overwrites without
--force; safe file names; issue 16 fault 8).

The archive holds the six samples and 16 plans with the same title, number and year, two of
which have ids that share their first 6 hex digits (found by a birthday search over a trailing
note), plus documents whose titles and numbers try to leave the folder or carry control
characters. Every export must write one uniquely named file per document, print the count it
really wrote, never write outside -o or through a planted symlink, never overwrite without
--force, and create files with the mode the umask asks for.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

from . import fixtures as fx
from .harness import Case, Ctx, copy_archive, raw_control, run, sentence_problem

CATEGORY = "export"
SAME_TITLE = "KẾ HOẠCH\nvề việc rà soát trùng tên văn bản lưu trữ\n"


def _same_text(n: int) -> bytes:
    return ("ỦY BAN NHÂN DÂN\nHUYỆN PHÚ LƯƠNG\n\nSố: 77/KH-UBND\n\nPhú Lương, ngày 5 tháng 6 năm 2024\n\n"
            + SAME_TITLE + "\nI. MỤC ĐÍCH, YÊU CẦU\nRà soát văn bản trùng tên.\n\nII. TỔ CHỨC THỰC HIỆN\n"
            f"Các phòng thực hiện.\n\nGhi chú: bản {n}.\n").encode()


def _collision_pair() -> tuple[int, int, int]:
    """Two notes whose texts' sha256 share 6 hex digits (birthday search; ~5,000 tries)."""
    seen: dict[str, int] = {}
    n = 0
    while True:
        p = hashlib.sha256(_same_text(n)).hexdigest()[:6]
        if p in seen:
            return seen[p], n, n + 1
        seen[p] = n
        n += 1


HOSTILE = [  # (file name, front matter title, number)
    ("up.md", "../../../../ESCAPED-title", "../../ESCAPED-number"),
    ("abs.md", "/tmp/ESCAPED-abs", "/etc/passwd"),
    ("dots.md", "..", "."),
    ("ctrl.md", "Kế hoạch \x07chuông\x1b[31m đỏ\r\nxuống dòng", "9/KH-\x1bX"),
    ("slashes.md", "a/b\\c:d*e?f\"g<h>i|j", "1/2/3\\4"),
    ("long.md", "Kế hoạch " + "rất dài " * 120, "5/KH-" + "X" * 300),
    ("dash.md", "-rf --force", "-5"),
    ("con.md", "CON", "NUL"),
]


def export_archive(env) -> dict:
    def build():
        base = env.work / "_templates" / "export"
        shutil.rmtree(base, ignore_errors=True)
        src = base / "src"
        src.mkdir(parents=True)
        a, b, tries = _collision_pair()
        notes = [a, b] + [x for x in range(tries, tries + 14)]
        for n in notes:
            (src / f"trung-ten-{n}.txt").write_bytes(_same_text(n))
        for fname, title, number in HOSTILE:
            fm = ('---\ntitle: "' + title.replace("\\", "\\\\").replace('"', '\\"').replace("\x07", "\\a")
                  .replace("\x1b", "\\e").replace("\r", "\\r").replace("\n", "\\n") + '"\nnumber: "'
                  + number.replace("\\", "\\\\").replace('"', '\\"').replace("\x1b", "\\e") + '"\n---\n\n')
            (src / fname).write_text(fm + f"KẾ HOẠCH\n\nNội dung kiểm thử tên tệp {fname}.\n", "utf-8")
        arch = base / "A"
        copy_archive(fx.sample_archive(env)["path"], arch)
        r = run(fx.cli_argv(arch, "import", "--json", str(src)), base, timeout=120)
        lines = r.json_lines()
        failed = [f"{x['path']}: {x.get('error')}" for x in lines if x.get("status") == "failed"]
        rows = run(fx.cli_argv(arch, "list", "--json"), base).json()
        pair = [hashlib.sha256(_same_text(n)).hexdigest()[:12] for n in (a, b)]
        return {"path": arch, "n": len(rows), "pair": pair, "failed": failed, "ids": [r["id"] for r in rows]}
    return env.cached("export", build)


def _setup(c: Ctx) -> dict:
    ea = export_archive(c.env)
    copy_archive(ea["path"], c.archive)
    c.note(f"an archive of {ea['n']} documents: the 6 samples, 16 plans titled 'Kế hoạch về việc rà soát trùng tên…' "
           f"numbered 77/KH-UBND of 2024 (ids {ea['pair'][0]} and {ea['pair'][1]} share 6 hex digits), and "
           "Markdown files whose titles/numbers are ../../…, /tmp/…, .., control characters, 1,000 bytes long")
    return ea


def _count(r) -> int | None:
    m = re.search(r"Wrote (\d+) files?", r.stdout + r.stderr)
    return int(m.group(1)) if m else None


def _files(d: Path) -> dict[str, tuple[int, int]]:
    if not d.is_dir():
        return {}
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in d.iterdir()}


def _listing(c: Ctx) -> set:
    out = set()
    for root in (c.dir, c.dir.parent, c.dir.parent.parent, Path("/tmp"), Path("/")):
        try:
            out.update(str(p) for p in root.iterdir())
        except OSError:
            pass
    return out


def _outside(c: Ctx, before: set) -> list[str]:
    """New entries beside the output folder (or anywhere named ESCAPED-… in /tmp and /)."""
    new = _listing(c) - before
    mine = (str(c.dir), str(c.dir.parent), str(c.dir.parent.parent))
    return sorted(x for x in new if x != str(c.dir / "out") and (x.startswith(mine) or "ESCAPED" in x))


def _all(fmt: str):
    def fn(c: Ctx) -> None:
        ea = _setup(c)
        before = _listing(c)
        r = c.cli("export", "--all", "-f", fmt, "-o", "out/", timeout=120)
        c.clean(r, "export --all", (0,))
        files = _files(c.dir / "out")
        n = _count(r)
        if n is not None and n != len(files):
            c.fail(f"export printed 'Wrote {n} files' but the folder holds {len(files)}")
        if len(files) != ea["n"]:
            c.fail(f"{len(files)} files for {ea['n']} documents (names not unique, or some not written)")
        if "skipped" in r.stderr:
            c.fail(f"the first export into an empty folder skipped a file: {r.stderr.strip().splitlines()[0][:160]!r}")
        bad = [name for name in files if raw_control(name.encode()) or name.startswith(".") or len(name.encode()) > 255]
        if bad:
            c.fail(f"unsafe file names: {bad[:2]!r}")
        escaped = _outside(c, before)
        if escaped:
            c.fail(f"files written outside -o: {escaped[:3]}")
        rc = raw_control(r.out) or raw_control(r.err)
        if rc:
            c.fail(f"terminal output: {rc}")
    return fn


def _again(force: bool):
    def fn(c: Ctx) -> None:
        ea = _setup(c)
        r0 = c.cli("export", "--all", "-o", "out/", timeout=120)
        c.clean(r0, "first export", (0,))
        first = _files(c.dir / "out")
        for p in (c.dir / "out").iterdir():  # mark the files so an overwrite shows
            os.utime(p, ns=(1_000_000_000, 1_000_000_000))
        first = _files(c.dir / "out")
        args = ("export", "--all", "-o", "out/") + (("--force",) if force else ())
        r = c.cli(*args, timeout=120)
        after = _files(c.dir / "out")
        changed = [k for k in first if after.get(k) != first[k]]
        n = _count(r)
        if force:
            c.clean(r, "export --force", (0,))
            if len(after) != ea["n"]:
                c.fail(f"after --force the folder holds {len(after)} files for {ea['n']} documents")
            if n is not None and n != len(changed) + len(set(after) - set(first)):
                c.fail(f"--force printed 'Wrote {n} files' but {len(changed) + len(set(after) - set(first))} were written")
        else:
            c.clean(r, "export again", (0, 1))
            if changed:
                c.fail(f"export without --force overwrote {len(changed)} files")
            if n not in (None, 0):
                c.fail(f"export without --force printed 'Wrote {n} files' but wrote none")
            if r.rc == 0 and first:
                c.fail("export that skipped every file exited 0")
    return fn


def _existing_file(c: Ctx) -> None:
    _setup(c)
    target = c.dir / "existing.txt"
    target.write_text("giữ nguyên\n", "utf-8")
    r = c.cli("export", "--all", "-o", "existing.txt")
    c.clean(r, "export --all -o existing.txt", (1, 2))
    if r.rc in (1, 2):
        prob = sentence_problem(r.stderr, max_lines=4)
        if prob:
            c.fail(f"export --all -o FILE: {prob}")
    if target.read_text("utf-8") != "giữ nguyên\n":
        c.fail("an existing file given as -o for many documents was overwritten")


def _one_existing(force: bool):
    def fn(c: Ctx) -> None:
        _setup(c)
        target = c.dir / "ke-hoach.txt"
        target.write_text("giữ nguyên\n", "utf-8")
        args = ("export", "125/KH-UBND", "-o", "ke-hoach.txt") + (("--force",) if force else ())
        r = c.cli(*args)
        if force:
            c.clean(r, "export --force", (0,))
            if target.read_text("utf-8") == "giữ nguyên\n":
                c.fail("--force did not overwrite the file")
        else:
            c.clean(r, "export to an existing file", (1,))
            if target.read_text("utf-8") != "giữ nguyên\n":
                c.fail("an existing file was overwritten without --force")
            prob = sentence_problem(r.stderr, name="ke-hoach.txt")
            if r.rc == 1 and prob:
                c.fail(f"export to an existing file: {prob}")
    return fn


def _symlink_planted(force: bool):
    def fn(c: Ctx) -> None:
        _setup(c)
        r0 = c.cli("export", "125/KH-UBND", "42/TB-UBND", "-o", "probe/", record=False)
        names = sorted(p.name for p in (c.dir / "probe").iterdir()) if (c.dir / "probe").is_dir() else []
        if not names:
            c.fail(f"could not learn the export names (exit {r0.rc}: {r0.last_err_line()})")
            return
        victim = c.dir / "victim.txt"
        victim.write_text("không được ghi đè\n", "utf-8")
        (c.dir / "out").mkdir()
        for name in names:
            os.symlink(victim, c.dir / "out" / name)
        c.note(f"out/<each export name> is a symlink to ../victim.txt{' ; then --force' if force else ''}")
        args = ("export", "125/KH-UBND", "42/TB-UBND", "-o", "out/") + (("--force",) if force else ())
        r = c.cli(*args)
        c.clean(r, "export", (0, 1))
        if victim.read_text("utf-8") != "không được ghi đè\n":
            c.fail("export wrote through a symlink planted in the output folder")
    return fn


def _modes(umask: int):
    def fn(c: Ctx) -> None:
        copy_archive(fx.sample_archive(c.env)["path"], c.archive)
        c.note(f"the six sample documents; umask {umask:03o}")
        r = c.cli("export", "--all", "-o", "out/", preexec=lambda: os.umask(umask), timeout=120)
        c.clean(r, "export", (0,))
        want = 0o666 & ~umask
        modes = {}
        for p in (c.dir / "out").iterdir():
            modes.setdefault(p.stat().st_mode & 0o777, p.name)
        wrong = {m: n for m, n in modes.items() if m != want}
        if wrong:
            c.fail("exported files have mode " + ", ".join(f"{m:04o}" for m in wrong)
                   + f"; umask {umask:03o} asks for {want:04o}")
        dmode = (c.dir / "out").stat().st_mode & 0o777
        if dmode != 0o777 & ~umask:
            c.fail(f"the created folder has mode {dmode:04o}; umask {umask:03o} asks for {0o777 & ~umask:04o}")
        r = c.cli("export", "125/KH-UBND", "-o", "one.txt", preexec=lambda: os.umask(umask))
        if c.clean(r, "export one", (0,)) and (c.dir / "one.txt").exists():
            m = (c.dir / "one.txt").stat().st_mode & 0o777
            if m != want:
                c.fail(f"export -o FILE made mode {m:04o}; umask {umask:03o} asks for {want:04o}")
    return fn


def _stdout_all(c: Ctx) -> None:
    _setup(c)
    r = c.cli("export", "--all", "-o", "-", timeout=120)
    c.clean(r, "export --all -o -", (0,))
    if len(r.out) < 1000:
        c.fail(f"export --all to stdout printed only {len(r.out)} bytes")


def _missing_parent(c: Ctx) -> None:
    _setup(c)
    r = c.cli("export", "125/KH-UBND", "-o", "khong/co/thu-muc.txt")
    c.clean(r, "export to a missing folder", (0, 1))
    if r.rc == 1:
        prob = sentence_problem(r.stderr)
        if prob:
            c.fail(f"export to a missing folder: {prob}")


def _no_match(c: Ctx) -> None:
    _setup(c)
    r = c.cli("export", "--query", "zzqxnomatch", "-o", "out/")
    c.clean(r, "export --query with no match", (1,))
    if r.rc == 1:
        prob = sentence_problem(r.stderr)
        if prob:
            c.fail(f"export --query with no match: {prob}")


def cases(env) -> list[Case]:
    out = [(f"all-{fmt}-same-title-and-number", _all(fmt)) for fmt in ("txt", "md", "json")]
    out += [
        ("again-without-force", _again(False)),
        ("again-with-force-count", _again(True)),
        ("all-to-existing-file", _existing_file),
        ("one-to-existing-file", _one_existing(False)),
        ("one-to-existing-file-force", _one_existing(True)),
        ("symlink-planted", _symlink_planted(False)),
        ("symlink-planted-force", _symlink_planted(True)),
        ("modes-umask-022", _modes(0o022)),
        ("modes-umask-077", _modes(0o077)),
        ("modes-umask-002", _modes(0o002)),
        ("all-to-stdout", _stdout_all),
        ("missing-parent-folder", _missing_parent),
        ("query-no-match", _no_match),
    ]
    faults = {"all-txt-same-title-and-number": "8", "all-md-same-title-and-number": "8",
              "all-json-same-title-and-number": "8", "again-with-force-count": "8", "again-without-force": "8"}
    return [Case(CATEGORY, name, fn, faults.get(name)) for name, fn in out]
