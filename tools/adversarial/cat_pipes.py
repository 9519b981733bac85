"""pipes: `| head`, closed and full stdout, and an import whose worker pool cannot start
(issue 16 fault 6).

`archive list | head -1` exiting 0 without a word is right. Anything else that breaks must not:
an import whose worker processes cannot start must either import every file (in-process) or
say why in one sentence and exit 1; writing into a full device (/dev/full) must not exit 0.

The pool is starved with RLIMIT_NPROC under `setpriv` as user nobody (RLIMIT_NPROC does not
bite root): 1 process (the fork of the fork server fails), 2 (the fork server starts but cannot
fork a worker), 3 (one worker, then the resource tracker); and, as root, RLIMIT_NOFILE.
"""
from __future__ import annotations

import os
import resource
import shutil
import subprocess
import time

from . import fixtures as fx
from .harness import PY, Case, Ctx, Skip, child_env, copy_archive, has_traceback, sentence_problem, shq

CATEGORY = "pipes"


def _corpus(c: Ctx) -> str:
    ca = fx.corpus_archive(c.env)
    if ca is None:
        raise Skip("the shared corpus is missing")
    return str(ca["path"])


def _shell(c: Ctx, pipeline: str, archive: str) -> subprocess.CompletedProcess:
    """Run ``archive … | …`` in bash with pipefail; ``ARCHIVE`` in the text is the CLI."""
    cli = f"{shq(PY)} -m archive_cli --archive {shq(archive)}"
    c.commands.append(pipeline.replace("ARCHIVE", "archive --archive A"))
    return subprocess.run(["bash", "-o", "pipefail", "-c", pipeline.replace("ARCHIVE", cli)], cwd=c.dir,
                          env=child_env(), capture_output=True, timeout=120)


def _head(pipeline: str, label: str):
    def fn(c: Ctx) -> None:
        arch = _corpus(c)
        c.note(f"the corpus archive (~470 documents): {label}")
        r = _shell(c, pipeline, arch)
        err = r.stderr.decode("utf-8", "replace")
        if "Traceback" in err or "Exception ignored" in err:
            c.fail(f"traceback on stderr: {err.strip().splitlines()[-1][:160]}")
        elif err.strip():
            c.fail(f"stderr is not empty: {err.strip().splitlines()[-1][:160]!r}")
        if r.returncode not in (0, 141):
            c.fail(f"exit {r.returncode} (pipefail) after the reader left")
    return fn


def _full(args: tuple, label: str):
    def fn(c: Ctx) -> None:
        if not os.path.exists("/dev/full"):
            raise Skip("/dev/full is missing")
        arch = _corpus(c)
        c.note(f"the corpus archive; stdout is /dev/full (every write fails with ENOSPC): {label}")
        cmd = "ARCHIVE " + " ".join(shq(a) for a in args) + " > /dev/full"
        r = _shell(c, cmd, arch)
        err = r.stderr.decode("utf-8", "replace")
        if "Traceback" in err:
            c.fail(f"traceback: {err.strip().splitlines()[-1][:160]}")
        if r.returncode == 0:
            c.fail("exit 0 although nothing could be written (stdout on a full device)")
        elif sentence_problem(err):
            c.fail(f"exit {r.returncode}: {sentence_problem(err)}")
    return fn


def _closed_stdout(c: Ctx) -> None:
    arch = _corpus(c)
    c.note("stdout closed (>&-)")
    r = _shell(c, "ARCHIVE list >&-", arch)
    err = r.stderr.decode("utf-8", "replace")
    if "Traceback" in err:
        c.fail(f"traceback: {err.strip().splitlines()[-1][:160]}")
    if r.returncode == 0:
        c.fail("exit 0 although stdout was closed and nothing was written")


def _plans(c: Ctx, n: int) -> list[str]:
    for i in range(n):
        (c.inbox / f"k{i:02d}.txt").write_text(fx.plan_text(600 + i, "pool"), encoding="utf-8")
    return ["in"]


def _nobody_processes() -> list[int]:
    pids = []
    for e in os.listdir("/proc"):
        if e.isdigit():
            try:
                with open(f"/proc/{e}/status") as f:
                    for line in f:
                        if line.startswith("Uid:"):
                            if line.split()[1] == "65534":
                                pids.append(int(e))
                            break
            except OSError:
                pass
    return pids


def _pool(limit: str, value: int):
    def fn(c: Ctx) -> None:
        if limit == "nproc" and not shutil.which("setpriv"):
            raise Skip("setpriv is missing: RLIMIT_NPROC does not bite root")
        tpl = fx.sample_archive(c.env)
        copy_archive(tpl["path"], c.archive)
        targets = _plans(c, 12)
        nobody = limit == "nproc"
        if nobody:
            for p in (c.dir, c.inbox):
                os.chmod(p, 0o755)
            subprocess.run(["chown", "-R", "65534:65534", str(c.archive)], check=True)
        res = resource.RLIMIT_NPROC if limit == "nproc" else resource.RLIMIT_NOFILE
        if nobody:  # RLIMIT_NPROC counts every process of the user: wait for the last case's to go
            deadline = time.monotonic() + 5
            while _nobody_processes() and time.monotonic() < deadline:
                time.sleep(0.1)
            if _nobody_processes():
                raise Skip(f"processes of user nobody are running ({_nobody_processes()[:3]}); "
                           "RLIMIT_NPROC would count them")

        def pre():
            resource.setrlimit(res, (value, value))
        c.note(f"12 plans; `import --jobs 2` with RLIMIT_{limit.upper()}={value}" + (" as nobody (setpriv)" if nobody else ""))
        r = c.cli("import", "--json", "--jobs", "2", *targets, preexec=pre, as_nobody=nobody, timeout=120)
        c.clean(r, "import", (0, 1))
        ids = c.list_ids() or []
        new = len(set(ids) - set(tpl["ids"]))
        lines = []
        try:
            lines = r.json_lines()
        except ValueError:
            c.fail(f"stdout is not JSON lines: {r.stdout[:80]!r}")
        if r.rc == 0:
            if new != 12:
                c.fail(f"exit 0 but {new} of 12 files imported ({len(lines)} result lines, "
                       f"stderr {r.last_err_line()!r})")
        elif r.rc == 1 and not has_traceback(r):
            statuses = [x.get("status") for x in lines]
            if not r.err.strip() and "failed" not in statuses:
                c.fail("exit 1 with no message")
            elif r.err.strip() and sentence_problem(r.stderr):
                c.fail(f"exit 1: {sentence_problem(r.stderr)}")
        c.expect_consistent()
    return fn


def _stdin_empty(c: Ctx) -> None:
    copy_archive(fx.sample_archive(c.env)["path"], c.archive)
    c.note("`import -` with nothing on stdin")
    r = c.cli("import", "-", stdin=b"")
    c.clean(r, "import -", (0, 1, 2))
    if r.rc != 0 and sentence_problem(r.stderr):
        c.fail(f"exit {r.rc}: {sentence_problem(r.stderr)}")


def _stdin_odd(c: Ctx) -> None:
    copy_archive(fx.sample_archive(c.env)["path"], c.archive)
    (c.inbox / "ok.txt").write_text(fx.plan_text(700, "stdin"), encoding="utf-8")
    with open(os.path.join(os.fsencode(c.inbox), b"l\xe9.txt"), "wb") as f:
        f.write(fx.plan_text(701, "stdin").encode())
    c.note("`import -` reading: in/ok.txt, a blank line, in/missing.txt, in/l\\xe9.txt (Latin-1), CRLF endings")
    r = c.cli("import", "-", "--json", stdin=b"in/ok.txt\r\n\r\nin/missing.txt\nin/l\xe9.txt\n")
    c.clean(r, "import -", (1,))
    try:
        lines = r.json_lines()
    except ValueError:
        c.fail("stdout is not JSON lines")
        return
    st = {os.path.basename(x.get("path") or ""): x.get("status") for x in lines}
    if st.get("ok.txt") != "imported":
        c.fail(f"in/ok.txt (with a CRLF ending) was not imported: {st}")
    if "missing.txt" not in st or st["missing.txt"] != "failed":
        c.fail(f"in/missing.txt has no failed line: {st}")
    c.expect_consistent()


def _import_json_head(c: Ctx) -> None:
    copy_archive(fx.sample_archive(c.env)["path"], c.archive)
    _plans(c, 30)
    c.note("30 plans; `archive import --json in | head -1`")
    r = _shell(c, "ARCHIVE import --json in | head -1", str(c.archive))
    err = r.stderr.decode("utf-8", "replace")
    if "Traceback" in err or "Exception ignored" in err:
        c.fail(f"traceback: {err.strip().splitlines()[-1][:160]}")
    c.expect_consistent()


def cases(env) -> list[Case]:
    out = [
        ("list-head-1", _head("ARCHIVE list | head -1", "archive list | head -1")),
        ("list-json-head-c-10", _head("ARCHIVE list --json | head -c 10", "archive list --json | head -c 10")),
        ("search-head-1", _head("ARCHIVE search ke hoach --limit 1000 | head -1", "archive search ke hoach --limit 1000 | head -1")),
        ("export-all-stdout-head-1", _head("ARCHIVE export --all -o - | head -1", "archive export --all -o - | head -1")),
        ("stats-head-1", _head("ARCHIVE stats | head -1", "archive stats | head -1")),
        ("list-to-dev-full", _full(("list",), "archive list > /dev/full")),
        ("search-json-to-dev-full", _full(("search", "ke hoach", "--json"), "archive search ke hoach --json > /dev/full")),
        ("export-to-dev-full", _full(("export", "--all", "-o", "-"), "archive export --all -o - > /dev/full")),
        ("stdout-closed", _closed_stdout),
        ("import-json-head-1", _import_json_head),
        ("pool-nproc-1", _pool("nproc", 1)),
        ("pool-nproc-2", _pool("nproc", 2)),
        ("pool-nproc-3", _pool("nproc", 3)),
        ("pool-nofile-16", _pool("nofile", 16)),
        ("pool-nofile-24", _pool("nofile", 24)),
        ("import-stdin-empty", _stdin_empty),
        ("import-stdin-odd-lines", _stdin_odd),
    ]
    faults = {"import-stdin-odd-lines": "7", "pool-nproc-1": "6", "pool-nproc-2": "6", "pool-nproc-3": "6", "pool-nofile-16": "6",
              "pool-nofile-24": "6"}
    return [Case(CATEGORY, name, fn, faults.get(name)) for name, fn in out]
