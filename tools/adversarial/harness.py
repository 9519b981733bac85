"""The harness's machinery: running the real CLI as a subprocess, judging its output, snapshots.

Every case runs in its own folder (``WORK/<category>/<case>/``) with the archive at ``A`` and
its inputs under ``in/``, and every command is run from that folder with relative paths, so the
reproduction printed for a broken case reads like what a person would type.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

PY = sys.executable
MEMORY_CAP = 4 << 30  # every child gets RLIMIT_AS 4 GiB: a bomb must not take the machine down
EXTRA_ENV: dict = {}  # e.g. PYTHONPATH of a code snapshot to measure (--code)
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]

# Python exception names in a message mean an exception's text leaked through as the "sentence"
_EXC_NAME = re.compile(r"\b(?!Error\b)[A-Z][A-Za-z]*(Error|Exception|Warning)\b")
_RAW_CTRL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")


def child_env(extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_")}
    env.update({"NO_COLOR": "1", "ARCHIVE_LANG": "en", "COLUMNS": "200", "LC_ALL": "C.UTF-8",
                "TERM": "dumb", "PYTHONDONTWRITEBYTECODE": "1"})
    env.update(EXTRA_ENV)
    env.update(extra or {})
    return env


def _cap_memory() -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    except (ValueError, OSError):
        pass


# --- running -------------------------------------------------------------------------------------

@dataclass
class Run:
    argv: list
    rc: int | None
    out: bytes
    err: bytes
    seconds: float
    timed_out: bool = False
    maxrss_mb: float = 0.0

    @property
    def stdout(self) -> str:
        return self.out.decode("utf-8", "replace")

    @property
    def stderr(self) -> str:
        return self.err.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.stdout)

    def json_lines(self) -> list:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    def last_err_line(self) -> str:
        lines = [x for x in self.stderr.strip().splitlines() if x.strip()]
        return lines[-1][:200] if lines else ""


def spawn(argv: list, cwd: Path, *, env: dict | None = None, stdin: bytes | None = None,
          preexec: Callable[[], None] | None = None, stdout=subprocess.PIPE) -> subprocess.Popen:
    def pre() -> None:
        _cap_memory()
        if preexec:
            preexec()
    return subprocess.Popen(argv, cwd=str(cwd), env=env or child_env(), preexec_fn=pre,
                            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=stdout, stderr=subprocess.PIPE, start_new_session=True)


def finish(p: subprocess.Popen, argv: list, started: float, timeout: float, stdin: bytes | None = None) -> Run:
    """Collect a process's output, reap it with wait4 (for its peak memory), kill its group on timeout."""
    bufs = {"out": [], "err": []}

    def pump(stream, key):
        try:
            while True:
                chunk = stream.read(65536)
                if not chunk:
                    break
                if sum(map(len, bufs[key])) < 4 << 20:  # keep at most ~4 MB of output
                    bufs[key].append(chunk)
        except (OSError, ValueError):
            pass

    threads = []
    for stream, key in ((p.stdout, "out"), (p.stderr, "err")):
        if stream is not None:
            t = threading.Thread(target=pump, args=(stream, key), daemon=True)
            t.start()
            threads.append(t)
    if stdin is not None:
        try:
            p.stdin.write(stdin)
            p.stdin.close()
        except OSError:
            pass
    deadline = started + timeout
    rc, timed_out, rss = None, False, 0.0
    while True:
        try:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        except ChildProcessError:  # already reaped (a Popen.poll() by the caller)
            rc = p.returncode
            break
        if pid:
            rc = os.waitstatus_to_exitcode(status)
            rss = usage.ru_maxrss / 1024
            p.returncode = rc
            break
        if time.monotonic() > deadline:
            timed_out = True
            kill_group(p.pid)
            deadline = float("inf")
        time.sleep(0.005)
    seconds = time.monotonic() - started
    kill_group(p.pid)  # helpers a killed or finished command left in its session
    for t in threads:
        t.join(timeout=5)
    return Run(argv, rc, b"".join(bufs["out"]), b"".join(bufs["err"]), seconds, timed_out, rss)


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run(argv: list, cwd: Path, *, timeout: float = 60, env: dict | None = None, stdin: bytes | None = None,
        preexec=None) -> Run:
    started = time.monotonic()
    p = spawn(argv, cwd, env=env, stdin=stdin, preexec=preexec)
    return finish(p, argv, started, timeout, stdin)


# --- display -------------------------------------------------------------------------------------

def shq(arg) -> str:
    """Quote an argument for a bash reproduction; odd bytes as $'\\xNN'."""
    b = arg if isinstance(arg, bytes) else os.fsencode(str(arg))
    try:
        s = b.decode("utf-8")
        plain = all(ch.isprintable() for ch in s)
    except UnicodeDecodeError:
        s, plain = "", False
    if plain:
        if len(s) > 160:
            return shlex.quote(s[:80]) + f"…({len(s)} chars)"
        return shlex.quote(s) if s else "''"
    out = []
    for byte in b[:160]:
        ch = chr(byte)
        if byte < 0x80 and ch.isprintable() and ch not in "'\\":
            out.append(ch)
        else:
            out.append(f"\\x{byte:02x}")
    return "$'" + "".join(out) + "'" + (f"…({len(b)} bytes)" if len(b) > 160 else "")


def display(argv: list) -> str:
    """``python -m archive_cli --archive A x`` shown as ``archive --archive A x``."""
    argv = list(argv)
    prefix = ""
    if argv[:len(NOBODY)] == NOBODY:
        prefix, argv = "setpriv --reuid=nobody … ", argv[len(NOBODY):]
    if len(argv) >= 3 and argv[1:3] == ["-m", "archive_cli"]:
        argv = ["archive", *argv[3:]]
    return prefix + " ".join(shq(a) for a in argv)


def has_traceback(r: Run) -> bool:
    return b"Traceback (most recent call last)" in r.err or b"Traceback (most recent call last)" in r.out \
        or b"Exception ignored in" in r.err


def raw_control(data: bytes) -> str | None:
    """The first raw control character in terminal output (newline and tab are fine), as text."""
    m = _RAW_CTRL.search(data)
    if not m:
        return None
    return f"raw {m.group(0)!r} in {data[max(0, m.start() - 30):m.end() + 10]!r}"


def sentence_problem(text: str, *, name: str | None = None, max_lines: int = 3) -> str | None:
    """Why ``text`` is not one clear sentence (None when it is)."""
    t = text.strip()
    if not t:
        return "no message"
    if "Traceback (most recent call last)" in t:
        return "traceback: " + t.strip().splitlines()[-1][:160]
    if "unexpected failure" in t:
        return "'unexpected failure': " + _first(t)
    lines = [x for x in t.splitlines() if x.strip()]
    if len(lines) > max_lines:
        return f"{len(lines)} lines instead of one sentence: " + _first(t)
    m = _EXC_NAME.search(t)
    if m:
        return f"Python exception name {m.group(0)} in the message: " + _first(t)
    if name is not None and name not in t:
        return f"message does not name {name!r}: " + _first(t)
    return None


def _first(t: str) -> str:
    lines = [x for x in t.strip().splitlines() if x.strip()]
    return (lines[-1] if lines else "")[:200]


# --- archive state -------------------------------------------------------------------------------

def sha256_file(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class State:
    originals: dict  # relative path -> sha256 of its bytes
    store: dict  # documents/<name> -> sha256 of its bytes
    kept: set  # sha256 of every regular file in the archive outside index/ (quarantine counts)
    tmp: list  # leftover temporary files


def snapshot(archive: Path) -> State:
    originals, store, kept, tmp = {}, {}, set(), []
    if not archive.exists():
        return State(originals, store, kept, tmp)
    for dirpath, dirnames, filenames in os.walk(archive):
        rel_dir = Path(dirpath).relative_to(archive)
        if rel_dir.parts[:1] == ("index",):
            continue
        for fn in filenames:
            p = Path(dirpath) / fn
            rel = str(rel_dir / fn)
            if fn.startswith(".tmp"):
                tmp.append(rel)
            if not p.is_file() or p.is_symlink():
                continue
            try:
                digest = sha256_file(p)
            except OSError:
                continue
            kept.add(digest)
            if rel_dir.parts[:1] == ("originals",) and not fn.startswith("."):
                originals[rel] = digest
            elif rel_dir.parts == ("documents",):
                store[fn] = digest
    return State(originals, store, kept, tmp)


def lost_originals(before: State, after: State) -> list[str]:
    """Originals whose bytes are nowhere in the archive any more (moving them is fine)."""
    return sorted(rel for rel, digest in before.originals.items() if digest not in after.kept)


def tmp_files(archive: Path) -> list[str]:
    found = []
    for dirpath, _dirs, files in os.walk(archive):
        for fn in files + _dirs:
            if fn.startswith(".tmp"):
                found.append(str(Path(dirpath, fn).relative_to(archive)))
    return found


def copy_archive(src: Path, dst: Path) -> None:
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, symlinks=True)


# --- processes -----------------------------------------------------------------------------------

def _proc_stat(pid: int) -> tuple[int, str, int] | None:
    """(ppid, state, starttime) of a live process."""
    try:
        data = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    rest = data[data.rindex(b")") + 2:].split()
    return int(rest[1]), rest[0].decode(), int(rest[19])


def descendants(pid: int) -> dict[int, int]:
    """Every live descendant of ``pid``: pid -> start time (to tell a reused pid)."""
    children: dict[int, list[int]] = {}
    starts: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        st = _proc_stat(int(entry))
        if st is None:
            continue
        children.setdefault(st[0], []).append(int(entry))
        starts[int(entry)] = st[2]
    found, todo = {}, [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            if c not in found:
                found[c] = starts[c]
                todo.append(c)
    return found


def still_alive(procs: dict[int, int]) -> list[int]:
    alive = []
    for pid, start in procs.items():
        st = _proc_stat(pid)
        if st is not None and st[2] == start and st[1] not in ("Z", "X"):
            alive.append(pid)
    return alive


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")[:120]
    except OSError:
        return "?"


# --- cases ---------------------------------------------------------------------------------------

@dataclass
class Result:
    category: str
    case: str
    status: str  # held | broken | skipped | error
    reason: str = ""
    repro: str = ""
    seconds: float = 0.0
    fault: str | None = None  # which of issue 16's faults this case aims at

    def to_dict(self) -> dict:
        return {"category": self.category, "case": self.case, "status": self.status, "reason": self.reason,
                "repro": self.repro, "seconds": round(self.seconds, 2), "fault": self.fault}


class Skip(Exception):
    """Raised by a case that cannot run here; the message says why."""


@dataclass
class Case:
    category: str
    name: str
    fn: Callable[["Ctx"], None]
    fault: str | None = None


class Ctx:
    """What a case function gets: its folder, a CLI runner that records commands, fail()/note()."""

    def __init__(self, env: "Env", case: Case) -> None:
        self.env = env
        self.case = case
        safe = re.sub(r"[^A-Za-z0-9_.+-]", "_", case.name)[:80]
        self.dir = env.work / case.category / safe
        if self.dir.exists():
            shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        self.archive = self.dir / "A"
        self.inbox = self.dir / "in"
        self.inbox.mkdir()
        self.problems: list[str] = []
        self.setup: list[str] = []
        self.commands: list[str] = []
        self.repro_override: str | None = None
        self.extra: list[Result] = []

    # recording
    def note(self, text: str) -> None:
        self.setup.append(text)

    def fail(self, text: str) -> None:
        self.problems.append(text)

    def emit(self, name: str, problems: list[str], *, skip: str | None = None, repro: str | None = None) -> None:
        """A further result of this case (several verdicts from one expensive setup)."""
        status = "skipped" if skip else ("broken" if problems else "held")
        self.extra.append(Result(self.case.category, name, status, skip or "; ".join(problems),
                                 repro or self.repro(), 0.0, self.case.fault))

    def repro(self) -> str:
        if self.repro_override:
            return self.repro_override
        parts = []
        if self.setup:
            parts.append("setup: " + "; ".join(self.setup))
        if self.commands:
            cmds = self.commands if len(self.commands) <= 6 else self.commands[:5] + [f"… ({len(self.commands) - 5} more)"]
            parts.append("run: " + " && ".join(cmds))
        return " | ".join(parts)

    # running
    def argv(self, *args, archive: str | Path | None = "A", wait: float | None = None) -> list:
        head = [PY, "-m", "archive_cli"]
        if archive is not None:
            head += ["--archive", str(archive)]
        if wait is not None:
            head += ["--wait", str(wait)]
        return head + list(args)

    def cli(self, *args, archive: str | Path | None = "A", wait: float | None = None, timeout: float = 60,
            env: dict | None = None, stdin: bytes | None = None, preexec=None, as_nobody: bool = False,
            record: bool = True, cwd: Path | None = None) -> Run:
        argv = self.argv(*args, archive=archive, wait=wait)
        if as_nobody:
            argv = NOBODY + argv
        if record:
            self.commands.append(display(argv))
        return run(argv, cwd or self.dir, timeout=timeout, env=env, stdin=stdin, preexec=preexec)

    def popen(self, *args, archive="A", wait: float | None = None, record: bool = True, env=None, preexec=None,
              stdout=subprocess.PIPE) -> tuple[subprocess.Popen, list, float]:
        argv = self.argv(*args, archive=archive, wait=wait)
        if record:
            self.commands.append(display(argv) + " &")
        return spawn(argv, self.dir, env=env, preexec=preexec, stdout=stdout), argv, time.monotonic()

    # common judgements
    def clean(self, r: Run, what: str, rcs: Iterable[int] | None = None) -> bool:
        """No timeout, no traceback, exit code among ``rcs``; records a problem otherwise."""
        ok = True
        if r.timed_out:
            self.fail(f"{what}: still running after {r.seconds:.0f} s (killed)")
            return False
        if has_traceback(r):
            self.fail(f"{what}: traceback ({r.last_err_line()})")
            ok = False
        elif b"unexpected failure" in r.err:
            self.fail(f"{what}: {r.last_err_line()}")
            ok = False
        if rcs is not None and r.rc not in set(rcs):
            self.fail(f"{what}: exit {r.rc}, expected {'/'.join(map(str, rcs))}" +
                      (f" ({r.last_err_line()})" if r.err.strip() else " (nothing on stderr)"))
            ok = False
        return ok

    def check_json(self, what: str = "check --json", *extra, **kw) -> dict | None:
        r = self.cli("check", "--json", *extra, **kw)
        if not self.clean(r, what, (0, 1)):
            return None
        try:
            data = r.json()
        except ValueError:
            self.fail(f"{what}: exit {r.rc}, stdout is not JSON ({r.stdout[:60]!r}; stderr {r.last_err_line()!r})")
            return None
        if (r.rc == 0) != bool(data.get("ok")):
            self.fail(f"{what}: exit {r.rc} but ok={data.get('ok')}")
        data["_rc"] = r.rc
        return data

    def expect_consistent(self, what: str = "final check") -> dict | None:
        data = self.check_json(what)
        if data is not None and not data.get("ok"):
            msgs = [p.get("message", "") for p in data.get("remaining", data.get("problems", []))][:2]
            self.fail(f"{what}: not consistent ({'; '.join(msgs)[:200]})")
        return data

    def list_ids(self, what: str = "list --json") -> list[str] | None:
        r = self.cli("list", "--json")
        if not self.clean(r, what, (0, 1)):
            return None
        try:
            data = r.json()
        except ValueError:
            self.fail(f"{what}: not JSON")
            return None
        return [d["id"] for d in data]


@dataclass
class Env:
    work: Path
    seed: int
    kills: int
    queries: int
    verbose: bool
    keep: bool = False
    _cache: dict = field(default_factory=dict)

    def cached(self, key: str, build: Callable[[], object]):
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]


def execute(env: Env, case: Case) -> list[Result]:
    started = time.monotonic()
    ctx = None
    try:
        ctx = Ctx(env, case)
        case.fn(ctx)
        status = "broken" if ctx.problems else "held"
        reason = "; ".join(dict.fromkeys(ctx.problems))
    except Skip as exc:
        status, reason = "skipped", str(exc)
    except Exception as exc:  # a bug of the harness, not of the product
        status, reason = "error", f"harness error: {type(exc).__name__}: {exc}"
        if env.verbose:
            traceback.print_exc()
    res = Result(case.category, case.name, status, reason[:600], ctx.repro() if ctx else "",
                 time.monotonic() - started, case.fault)
    out = [res]
    if ctx is not None:
        for extra in ctx.extra:
            extra.seconds = res.seconds
            out.append(extra)
        if status == "held" and not env.keep:
            shutil.rmtree(ctx.dir, ignore_errors=True)
    return out
