"""Never lose a document (SPEC §3, §7): kills mid-import, two writers, readers during writes,
locks, index problems, limits and hostile input. Real subprocesses where signals matter."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import json_lines, run, write

posix_only = pytest.mark.skipif(os.name == "nt", reason="SIGKILL and fork semantics are POSIX")


def make_docs(folder: Path, n: int, prefix: str = "doc") -> list[Path]:
    paths = []
    for i in range(n):
        text = (f"KẾ HOẠCH\nvề việc thử nghiệm số {prefix} {i}\n\nI. MỤC ĐÍCH, YÊU CẦU\n"
                f"Bảo đảm an toàn dữ liệu lần {i} của {prefix}.\n\nII. TỔ CHỨC THỰC HIỆN\n"
                + " ".join(f"từ{j}-{i}" for j in range(200)) + "\n")
        paths.append(write(folder / f"{prefix}-{i:03d}.txt", text))
    return paths


def cli(archive: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive_cli", "--archive", str(archive), *args],
                          capture_output=True, text=True, timeout=300, **kw)


def popen(archive: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "archive_cli", "--archive", str(archive), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def listed(archive: Path) -> list[dict]:
    return json.loads(cli(archive, "list", "--json").stdout)


@posix_only
def test_sigkill_at_random_moments_loses_and_duplicates_nothing(tmp_path):
    folder = tmp_path / "in"
    docs = make_docs(folder, 240)
    archive = tmp_path / "a"
    rng = random.Random(20261126)
    kills = 0
    for _round in range(5):
        p = popen(archive, "import", str(folder), "--jobs", "2")
        time.sleep(rng.uniform(0.2, 1.2))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
        p.wait()
        # whatever state the kill left, check --repair brings store and index into agreement
        rep = cli(archive, "check", "--repair", "--json")
        assert rep.returncode == 0, rep.stderr
        assert "Traceback" not in rep.stderr
    final = cli(archive, "import", str(folder), "--json")
    assert final.returncode == 0, final.stderr
    assert {x["status"] for x in json_lines(final.stdout)} <= {"imported", "duplicate"}
    check = cli(archive, "check", "--json")
    assert check.returncode == 0 and json.loads(check.stdout)["ok"], check.stdout
    items = listed(archive)
    titles = sorted(x["title"] for x in items)
    assert len(items) == len(docs) == len({x["id"] for x in items})
    assert len(set(titles)) == len(docs)
    assert kills >= 1


@posix_only
def test_two_writers_wait_for_each_other_and_both_land(tmp_path):
    a, b = tmp_path / "a-in", tmp_path / "b-in"
    make_docs(a, 15, "a")
    make_docs(b, 15, "b")
    archive = tmp_path / "arch"
    cli(archive, "import", str(a / "a-000.txt"))  # create the archive first
    p1 = popen(archive, "--wait", "60", "import", str(a), "--jobs", "1")
    p2 = popen(archive, "--wait", "60", "import", str(b), "--jobs", "1")
    assert p1.wait(120) == 0, p1.stderr.read()
    assert p2.wait(120) == 0, p2.stderr.read()
    assert len(listed(archive)) == 30
    assert cli(archive, "check").returncode == 0


@posix_only
def test_busy_archive_names_the_holder_and_times_out(tmp_path):
    archive = tmp_path / "arch"
    make_docs(tmp_path / "in", 1)
    cli(archive, "import", str(tmp_path / "in"))
    # hold the write lock from another process, as a long import would
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from archive_cli.lock import WriteLock\n"
        f"with WriteLock(Path({str(archive)!r}), 'import'):\n"
        "    print('locked', flush=True); time.sleep(30)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        res = cli(archive, "--wait", "0.3", "remove", "1")
        assert res.returncode == 1
        assert res.stderr.startswith("Error: The archive is busy (import by PID ")
        assert str(holder.pid) in res.stderr
        # readers are never blocked by the writer
        assert cli(archive, "search", "thu nghiem").returncode == 0
    finally:
        holder.kill()
        holder.wait()
    # the OS released the killed holder's lock: the next writer goes ahead
    assert cli(archive, "--wait", "2", "import", str(tmp_path / "in")).returncode == 0


@posix_only
def test_readers_never_fail_while_a_writer_imports(tmp_path):
    folder = tmp_path / "in"
    make_docs(folder, 60)
    archive = tmp_path / "arch"
    make_docs(tmp_path / "seed", 1, "seed")
    cli(archive, "import", str(tmp_path / "seed"))
    writer = popen(archive, "import", str(folder), "--jobs", "1")
    codes = []
    while writer.poll() is None and len(codes) < 40:
        r = cli(archive, "search", "an toan du lieu", "--json")
        codes.append(r.returncode)
        assert "Traceback" not in r.stderr and r.returncode in (0, 1), r.stderr
        if r.returncode == 0:
            data = json.loads(r.stdout)
            assert data["total"] >= len(data["results"])
    assert writer.wait(120) == 0
    assert codes, "the writer finished before any reader ran"


def test_missing_index_names_the_fix_and_repair_rebuilds(loaded):
    import shutil

    shutil.rmtree(loaded / "index")
    res = run(loaded, "search", "chuyen doi so")
    assert res.exit_code == 1 and "archive reindex" in res.stderr
    res = run(loaded, "check", "--json")
    assert res.exit_code == 1 and json.loads(res.stdout)["problems"][0]["kind"] == "index-missing"
    assert run(loaded, "check", "--repair").exit_code == 0
    assert run(loaded, "search", "chuyen doi so").exit_code == 0


def test_corrupt_index_is_detected_and_rebuilt(loaded):
    cur = json.loads((loaded / "index" / "CURRENT").read_text())
    # Whoosh's table of contents and the manifest a search reads instead (index/segfiles.py)
    for pattern in ("*.toc", "manifest_*.json"):
        for f in (loaded / "index" / cur["generation"]).glob(pattern):
            f.write_bytes(b"garbage")
    res = run(loaded, "search", "chuyen doi so")
    assert res.exit_code == 1 and "archive check --repair" in res.stderr
    assert run(loaded, "check", "--repair").exit_code == 0
    assert run(loaded, "search", "chuyen doi so").exit_code == 0


def test_outdated_schema_asks_for_reindex(loaded):
    path = loaded / "index" / "CURRENT"
    cur = json.loads(path.read_text())
    cur["version"] = "0" * 16
    path.write_text(json.dumps(cur))
    res = run(loaded, "search", "chuyen doi so")
    assert res.exit_code == 1 and "archive reindex" in res.stderr
    assert run(loaded, "reindex").exit_code == 0
    assert run(loaded, "search", "chuyen doi so").exit_code == 0


def test_document_only_in_store_is_finished_by_reimport(loaded, tmp_path):
    """A crash after the store write and before the index commit: the same import finishes it."""
    from archive_cli.index import open_index

    src = write(tmp_path / "late.txt", "THÔNG BÁO\nvề việc cắt điện\n\nNội dung: cắt điện ngày mai.\n")
    first = json_lines(run(loaded, "import", str(src), "--json").stdout)[0]
    open_index(loaded).delete([first["id"]])  # as if the commit never happened
    assert run(loaded, "check").exit_code == 1
    again = json_lines(run(loaded, "import", str(src), "--json").stdout)[0]
    assert again["status"] == "imported" and again["id"] == first["id"]
    assert run(loaded, "check").exit_code == 0
    assert json.loads(run(loaded, "search", "cat dien", "--json").stdout)["total"] == 1


def test_leftover_temp_files_are_reported_and_removed(loaded):
    tmp = loaded / "documents" / ".tmp-crashed"
    tmp.write_text("half")
    assert run(loaded, "check").exit_code == 1
    assert run(loaded, "check", "--repair").exit_code == 0
    assert not tmp.exists()


def test_file_size_limit(archive_dir, tmp_path):
    big = write(tmp_path / "big.txt", "THÔNG BÁO\n" + "chữ " * 400_000)
    res = run(archive_dir, "import", str(big), "--max-size", "1", "--json")
    assert res.exit_code == 1
    line = json_lines(res.stdout)[0]
    assert line["status"] == "failed" and "limit" in line["error"]


def test_yaml_front_matter_cannot_build_objects(archive_dir, tmp_path):
    evil = write(tmp_path / "evil.md", "---\ntitle: !!python/object/apply:os.system ['touch pwned']\n---\nBody\n")
    res = run(archive_dir, "import", str(evil), "--json")
    assert res.exit_code == 1
    assert json_lines(res.stdout)[0]["status"] == "failed"
    assert not Path("pwned").exists()


def test_export_names_stay_inside_the_target_folder(archive_dir, tmp_path):
    md = write(tmp_path / "t.md", "---\ntitle: ../../../etc/passwd\nnumber: ../../x/..\n---\nNội dung.\n")
    assert run(archive_dir, "import", str(md)).exit_code == 0
    out = tmp_path / "out"
    assert run(archive_dir, "export", "--all", "-o", f"{out}/").exit_code == 0
    files = list(out.iterdir())
    assert len(files) == 1 and files[0].parent == out and ".." not in files[0].name


def test_stdin_paths_are_data_not_globs_or_commands(archive_dir, tmp_path):
    real = write(tmp_path / "a [1].txt", "THÔNG BÁO\nvề tên tệp lạ\n\nNội dung.\n")
    listing = f"{real}\n{tmp_path}/*.txt\n$(touch {tmp_path}/pwned)\n"
    res = run(archive_dir, "import", "-", "--json", input=listing)
    lines = json_lines(res.stdout)
    assert [x["status"] for x in lines] == ["imported", "failed", "failed"]
    assert not (tmp_path / "pwned").exists()


@posix_only
def test_unreadable_broken_link_and_loop(archive_dir, tmp_path):
    folder = tmp_path / "in"
    write(folder / "ok.txt", "THÔNG BÁO\nvề việc hợp lệ\n\nNội dung.\n")
    (folder / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "loop").symlink_to(folder)  # a folder link back to itself
    secret = write(folder / "secret.txt", "x")
    secret.chmod(0)
    res = run(archive_dir, "import", str(folder), "--json")
    by_name = {Path(x["path"]).name: x for x in json_lines(res.stdout)}
    assert by_name["ok.txt"]["status"] == "imported"
    assert by_name["dangling.txt"]["error"] == "broken symbolic link"
    if os.geteuid() != 0:  # root reads anything
        assert by_name["secret.txt"]["status"] == "failed"
    assert res.exit_code == 1


def _descendants(pid: int) -> set[int]:
    out, todo = set(), [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for t in tasks:
            try:
                kids = Path(f"/proc/{p}/task/{t}/children").read_text().split()
            except OSError:
                continue
            for k in map(int, kids):
                if k not in out:
                    out.add(k)
                    todo.append(k)
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from /proc")
def test_a_killed_import_leaves_no_worker_processes(tmp_path):
    folder = tmp_path / "in"
    make_docs(folder, 400)
    p = popen(tmp_path / "a", "import", str(folder), "--jobs", "2")
    workers: set[int] = set()
    deadline = time.time() + 60
    while time.time() < deadline and len(workers) < 3 and p.poll() is None:
        workers |= _descendants(p.pid)  # the forkserver and its workers
        time.sleep(0.05)
    assert workers, "the import started no worker processes"
    p.send_signal(signal.SIGKILL)
    p.wait()
    deadline = time.time() + 10
    while time.time() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)]
