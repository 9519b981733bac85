"""Running commands as real subprocesses and measuring them: wall time, peak memory, output."""
from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from pathlib import Path


PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _proc_table() -> dict[int, int]:
    """pid → parent pid, from /proc (empty where /proc is missing)."""
    table = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return table
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
            table[int(name)] = int(stat.rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return table


def _tree(root: int) -> list[int]:
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, ppid in table.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _rss_pss(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/statm") as f:
            rss = int(f.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0, 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError):
        pss = rss
    return rss, pss


class TreeSampler(threading.Thread):
    """Samples the summed RSS and PSS of a process tree every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = 0
        self.peak_procs = 0
        self.samples = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            pids = _tree(self.pid)
            rss = pss = 0
            for pid in pids:
                r, p = _rss_pss(pid)
                rss += r
                pss += p
            if rss:
                self.samples += 1
                self.peak_rss = max(self.peak_rss, rss)
                self.peak_pss = max(self.peak_pss, pss)
                self.peak_procs = max(self.peak_procs, len(pids))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def run_measured(cmd: list[str], *, env: dict | None = None, stdout_path: Path | None = None,
                 cwd: str | None = None) -> dict:
    """Run ``cmd`` once: wall time, exit code, the largest single process of its tree
    (``wait4`` ru_maxrss, which covers every waited-for descendant) and the sampled summed
    RSS/PSS of the whole tree. stdout goes to ``stdout_path`` (or /dev/null); stderr is kept."""
    import tempfile

    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    err = tempfile.TemporaryFile()
    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        sampler = TreeSampler(p.pid)
        sampler.start()
        _pid, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        sampler.stop()
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    finally:
        err.close()
        if stdout_path:
            out.close()
    return {
        "seconds": wall,
        "exit_code": p.returncode,
        "peak_rss_single_process_mb": round(usage.ru_maxrss / 1024, 1),
        "peak_rss_tree_sum_mb": round(sampler.peak_rss / 2**20, 1),
        "peak_pss_tree_sum_mb": round(sampler.peak_pss / 2**20, 1),
        "peak_processes": sampler.peak_procs,
        "rss_samples": sampler.samples,
        "stderr_tail": stderr[-600:],
    }


def timed(cmd: list[str], *, env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    """Process start to last byte of output: the whole subprocess with stdout captured."""
    t0 = time.perf_counter()
    cp = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    return time.perf_counter() - t0, cp


def stats_ms(values: list[float]) -> dict:
    """Median and p90 (nearest rank) of a list of seconds, in milliseconds."""
    if not values:
        return {"median_ms": None, "p90_ms": None, "runs": 0}
    vals = sorted(values)
    p90 = vals[min(len(vals) - 1, max(0, int(round(0.9 * len(vals) + 0.5)) - 1))]
    return {"median_ms": round(statistics.median(vals) * 1000, 1), "p90_ms": round(p90 * 1000, 1),
            "min_ms": round(vals[0] * 1000, 1), "runs": len(vals)}


def drop_caches() -> bool:
    """Empty the page cache (root only); False when that is not possible here."""
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


