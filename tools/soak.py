"""Soak test: hundreds of SIGKILLs during imports by two writers while readers search.

    python -m tools.soak --kills 300 --docs 200 --readers 3

Prints a JSON report: kills, reader operations and failures, documents lost or duplicated,
and whether the final `check` is clean. POSIX only (SIGKILL). Not part of the quick suite.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def _cmd(archive: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "archive_cli", "--archive", str(archive), *args]


def _make_docs(folder: Path, n: int, tag: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"{tag}-{i:04d}.txt").write_text(
            f"KẾ HOẠCH\nvề việc kiểm thử độ bền {tag} số {i}\n\nI. MỤC ĐÍCH, YÊU CẦU\n"
            f"Không mất văn bản nào, lần {i}.\n\nII. TỔ CHỨC THỰC HIỆN\n"
            + " ".join(f"đoạn{j}x{i}{tag}" for j in range(150)) + "\n", encoding="utf-8")


def _reader(archive: Path, stop: threading.Event, stats: dict, lock: threading.Lock) -> None:
    queries = ["kiem thu do ben", "tổ chức thực hiện", "muc dich", '"không mất văn bản"']
    while not stop.is_set():
        r = subprocess.run(_cmd(archive, "search", random.choice(queries), "--json"),
                           capture_output=True, text=True)
        with lock:
            stats["reader_ops"] += 1
            if r.returncode not in (0, 1) or "Traceback" in r.stderr:
                stats["reader_failures"] += 1
                stats["reader_errors"].append(r.stderr.strip().splitlines()[-1:] if r.stderr else [str(r.returncode)])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=300)
    ap.add_argument("--docs", type=int, default=200, help="documents per writer")
    ap.add_argument("--readers", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, help="work folder (default: a temp folder)")
    args = ap.parse_args(argv)
    if os.name == "nt":
        print("the soak test needs POSIX signals", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    work = args.work or Path(tempfile.mkdtemp(prefix="archive-soak-"))
    a_dir, b_dir, archive = work / "a", work / "b", work / "archive"
    _make_docs(a_dir, args.docs, "a")
    _make_docs(b_dir, args.docs, "b")
    subprocess.run(_cmd(archive, "import", str(a_dir / "a-0000.txt")), capture_output=True)
    stats = {"reader_ops": 0, "reader_failures": 0, "reader_errors": []}
    lock = threading.Lock()
    stop = threading.Event()
    readers = [threading.Thread(target=_reader, args=(archive, stop, stats, lock), daemon=True)
               for _ in range(args.readers)]
    for t in readers:
        t.start()
    started = time.monotonic()
    kills = rounds = repairs_failed = 0
    while kills < args.kills:
        rounds += 1
        writers = [subprocess.Popen(_cmd(archive, "--wait", "60", "import", str(d), "--jobs", "1"),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for d in (a_dir, b_dir)]
        time.sleep(rng.uniform(0.2, 1.5))
        for w in writers:
            if w.poll() is None and rng.random() < 0.8:
                w.send_signal(signal.SIGKILL)
                kills += 1
        for w in writers:
            w.wait()
        if rng.random() < 0.5:
            rep = subprocess.run(_cmd(archive, "check", "--repair"), capture_output=True, text=True)
            repairs_failed += rep.returncode != 0
        print(f"round {rounds}: {kills} kills", file=sys.stderr)
    for d in (a_dir, b_dir):
        subprocess.run(_cmd(archive, "import", str(d)), capture_output=True)
    stop.set()
    for t in readers:
        t.join(timeout=60)
    check = subprocess.run(_cmd(archive, "check", "--json"), capture_output=True, text=True)
    listed = json.loads(subprocess.run(_cmd(archive, "list", "--json"), capture_output=True, text=True).stdout)
    titles = [x["title"] for x in listed]
    expected = 2 * args.docs
    report = {
        "kills": kills, "rounds": rounds, "writers": 2, "readers": args.readers,
        "reader_ops": stats["reader_ops"], "reader_failures": stats["reader_failures"],
        "reader_errors": stats["reader_errors"][:5], "repairs_failed": repairs_failed,
        "documents_expected": expected, "documents_found": len(listed),
        "documents_lost": expected - len(set(titles)), "documents_duplicated": len(titles) - len(set(titles)),
        "check_ok": check.returncode == 0, "seconds": round(time.monotonic() - started, 1),
        "work": str(work),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    ok = (report["documents_lost"] == 0 and report["documents_duplicated"] == 0 and report["check_ok"]
          and report["reader_failures"] == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
