"""A server archive (issue 21): the real CLI on a PostgreSQL database of each test module's own.

Where no server answers, these skip with a reason naming what to start (tests/pg.py); CI has one.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import DOCUMENTS, REPO, run
from tests.pg import fresh_database


def cli(location: str | Path, *args: str, input: str | None = None):
    return run(location, *args, input=input)


def archive_proc(location: str, *args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    full = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full.pop("ARCHIVE_HOME", None)
    return subprocess.run([sys.executable, "-m", "archive_cli", "--archive", location, *args],
                          capture_output=True, text=True, env=full, timeout=timeout)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("folder") / "archive"
    res = cli(root, "import", str(DOCUMENTS), "--jobs", "1")
    assert res.exit_code == 0, res.output
    return root


@pytest.fixture(scope="module")
def server(folder):
    """A fresh database holding the folder archive's documents (copied, so that both hold the
    same store texts, import times included); its URL."""
    with fresh_database("archive_cli") as url:
        res = cli(url, "copy", str(folder), url)
        assert res.exit_code == 0, res.output
        yield url


def fingerprint(url: str) -> tuple:
    """Every row of the archive's tables, as a checksum per table."""
    import psycopg

    with psycopg.connect(url) as c:
        out = []
        for table, key in (("documents", "id"), ("originals", "sha256"), ("entries", "id"), ("chunks", "id, seq"),
                           ("words", "word"), ("meta", "key")):
            out.append(c.execute(f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY {key}), ''))"
                                 f" FROM archive.{table} t").fetchone())
        return tuple(out)


# --- the same answers as a folder archive ------------------------------------------------------
SAME = [
    ("search", "phong chong dich", "--json"),
    ("search", "số hóa", "--json"),
    ("search", '"tổ chức thực hiện"', "--json"),
    ("search", "chuyen doi so", "--section", "purpose", "--json"),
    ("search", "125/KH-UBND", "--json"),
    ("search", "lưu trữ", "--type", "KH", "--from", "2024-01-01", "--json", "--limit", "3", "--page", "1"),
    ("search", "xyzzyqwerty", "--json"),
    ("search", "so hoa", "NOT", "quy", "--json"),
    ("list", "--json"),
    ("list", "--sort", "number", "--json"),
    ("show", "125/KH-UBND", "--json"),
    ("show", "1482/QĐ-UBND", "--section", "Điều 2"),
    ("show", "05-CT/TU", "--outline"),
    ("refs", "125/KH-UBND", "--json"),
    ("similar", "125/KH-UBND", "--json"),
    ("export", "125/KH-UBND", "--format", "txt"),
    ("export", "--all", "--format", "md"),
    ("show", "999/XX-YY"),
]


def without_scores(out: str):
    """JSON output without the engines' scores (each ranks by its own measure); other output as is."""
    def strip(x):
        if isinstance(x, dict):
            out = {k: strip(v) for k, v in x.items() if k != "score"}
            if isinstance(out.get("results"), list):  # the order of equal matches is the engine's
                out["results"] = sorted(out["results"], key=lambda r: r.get("id", ""))
            return out
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x

    try:
        return strip(json.loads(out))
    except ValueError:
        return out


@pytest.mark.parametrize("args", SAME, ids=lambda a: " ".join(a)[:40])
def test_every_command_answers_as_on_a_folder_archive(server, folder, args):
    a, b = cli(folder, *args), cli(server, *args)
    assert (b.exit_code, without_scores(b.stdout)) == (a.exit_code, without_scores(a.stdout))
    assert b.stderr.replace(server, "ARCHIVE") == a.stderr.replace(str(folder), "ARCHIVE")


def test_positions_from_the_last_search_and_the_original(server, folder):
    for loc in (folder, server):
        assert cli(loc, "search", "lưu trữ", "--type", "KH").exit_code == 0  # one result: the same in both
    a, b = cli(folder, "show", "1", "--json"), cli(server, "show", "1", "--json")
    assert b.exit_code == 0 and json.loads(b.stdout) == json.loads(a.stdout)
    assert json.loads(b.stdout)["number"] == "125/KH-UBND"
    a, b = cli(folder, "show", "125/KH-UBND", "--original"), cli(server, "show", "125/KH-UBND", "--original")
    assert b.stdout_bytes == a.stdout_bytes == (DOCUMENTS / "ke-hoach-so-hoa-tai-lieu-luu-tru-2024.txt").read_bytes()


def test_stats_and_check(server):
    s = json.loads(cli(server, "stats", "--json").stdout)
    assert s["documents"] == s["store_documents"] == 6
    assert s["by_type"]["Kế hoạch"] == 1 and s["archive_bytes"] > s["index_bytes"] > 0
    assert s["path"] == server
    report = json.loads(cli(server, "check", "--json").stdout)
    assert report["ok"] and report["documents"] == report["indexed"] == 6


def test_archive_home_names_a_server_archive(server):
    res = subprocess.run([sys.executable, "-m", "archive_cli", "search", "số hóa", "--json"], capture_output=True,
                         text=True, env={**os.environ, "ARCHIVE_HOME": server}, timeout=60)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["total"] == 4


def test_reimport_is_a_duplicate_and_changes_nothing(server):
    before = fingerprint(server)
    res = cli(server, "import", str(DOCUMENTS), "--json")
    assert res.exit_code == 0
    assert {json.loads(line)["status"] for line in res.stdout.splitlines() if '"status"' in line} == {"duplicate"}
    assert fingerprint(server) == before


# --- writers -------------------------------------------------------------------------------------
def test_two_clerks_importing_the_same_files_store_them_once(tmp_path):
    with fresh_database() as url:
        assert cli(url, "stats", "--json").exit_code == 0  # an empty, never-written database reads as empty
        procs = [subprocess.Popen([sys.executable, "-m", "archive_cli", "--archive", url, "import", str(DOCUMENTS),
                                   "--json", "--jobs", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(3)]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0], [e for _o, e in outs]
        statuses: dict[str, list[str]] = {}
        for out, _err in outs:
            for line in out.splitlines():
                r = json.loads(line)
                if "status" in r:
                    statuses.setdefault(r["path"], []).append(r["status"])
        assert len(statuses) == 6
        for path, seen in statuses.items():
            assert sorted(seen) == ["duplicate", "duplicate", "imported"], path
        s = json.loads(cli(url, "stats", "--json").stdout)
        assert s["documents"] == s["store_documents"] == 6


def test_remove_and_reindex_while_others_search(tmp_path):
    with fresh_database() as url:
        assert cli(url, "import", str(DOCUMENTS)).exit_code == 0
        reader = subprocess.Popen([sys.executable, "-c", READER, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = reader.stdout.readline()  # the reader is reading before anything changes
        try:
            for _ in range(3):
                assert cli(url, "reindex").exit_code == 0
            assert cli(url, "remove", "42/TB-UBND").exit_code == 0
            assert cli(url, "reindex").exit_code == 0
        finally:
            out, err = reader.communicate(timeout=120)
        assert reader.returncode == 0, err
        totals = [int(x) for x in (first + out).split()]
        assert len(totals) >= 5 and set(totals) <= {5, 6} and totals[0] == 6, totals
        assert totals[-1] == 5
        assert cli(url, "show", "42/TB-UBND").exit_code == 1


READER = """
import sys, time
from archive_cli.archive import open_archive
arch = open_archive(sys.argv[1])
end = time.monotonic() + 4
while time.monotonic() < end:
    print(len(arch.list()), flush=True)
"""


def test_a_killed_import_leaves_whole_documents_and_the_next_one_completes(tmp_path):
    import random
    import signal
    import time

    src = tmp_path / "inbox"
    src.mkdir()
    for i in range(60):
        (src / f"cv-{i:03d}.txt").write_text(
            f"ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN\nSố: {i + 1}/KH-UBND\n\nKẾ HOẠCH\nVề việc kiểm tra số {i}\n\n"
            + "I. MỤC ĐÍCH, YÊU CẦU\n" + "Nội dung kiểm tra công tác lưu trữ năm 2024. " * (20 + i) + "\n", encoding="utf-8")
    rng = random.Random(21)
    with fresh_database() as url:
        for attempt in range(4):
            p = subprocess.Popen([sys.executable, "-m", "archive_cli", "--archive", url, "import", str(src), "--jobs", "1"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.8, 2.5))
            p.send_signal(signal.SIGKILL)
            p.wait()
            report = json.loads(cli(url, "check", "--json").stdout or '{"ok": true, "documents": 0}')
            assert report["ok"], report  # nothing half-imported: every stored document is indexed
        res = cli(url, "import", str(src))
        assert res.exit_code == 0, res.output
        s = json.loads(cli(url, "stats", "--json").stdout)
        assert s["documents"] == s["store_documents"] == 60


# --- roles, secrets, connection options ----------------------------------------------------------
def readme_grants() -> dict[str, list[str]]:
    """The GRANT statements the README shows for a reader and an editor role."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("```sql", 1)[1].split("```", 1)[0]
    roles: dict[str, list[str]] = {}
    for line in block.splitlines():
        line = line.strip()
        if line.upper().startswith("GRANT"):
            role = line.rstrip(";").split()[-1]
            roles.setdefault(role, []).append(line)
    return roles


def test_a_reader_role_reads_and_is_told_it_cannot_write(server, tmp_path):
    import psycopg

    grants = readme_grants()
    assert set(grants) >= {"clerk_reader", "clerk_editor"}
    dbname = server.rsplit("/", 1)[1]
    with psycopg.connect(server, autocommit=True) as c:
        for role in ("clerk_reader", "clerk_editor"):
            c.execute(f'DROP OWNED BY {role}') if c.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone() else None
            c.execute(f"DROP ROLE IF EXISTS {role}")
            c.execute(f"CREATE ROLE {role} LOGIN")
            for g in grants[role]:
                c.execute(g.replace("DATABASE office", f'DATABASE "{dbname}"'))
    try:
        host = server.split("@")[-1] if "@" in server else server.split("//", 1)[1]
        as_reader = f"postgresql://clerk_reader@{host}"
        as_editor = f"postgresql://clerk_editor@{host}"
        assert cli(as_reader, "search", "số hóa", "--json").exit_code == 0
        assert cli(as_reader, "show", "125/KH-UBND").exit_code == 0
        assert cli(as_reader, "export", "125/KH-UBND", "--format", "txt").exit_code == 0
        before = fingerprint(server)
        for args in (("import", str(DOCUMENTS / "records-retention-guideline.txt")), ("remove", "125/KH-UBND"), ("reindex",)):
            res = cli(as_reader, *args)
            assert res.exit_code == 1, args
            assert res.stderr == "Error: This account can only read the archive.\n", args
        assert fingerprint(server) == before
        extra = tmp_path / "extra.txt"
        extra.write_text("THÔNG BÁO\nVề việc nghỉ lễ\n\nCơ quan nghỉ lễ theo quy định của nhà nước.\n", encoding="utf-8")
        assert cli(as_editor, "import", str(extra)).exit_code == 0
        assert cli(as_editor, "remove", cli(as_editor, "search", "nghỉ lễ", "--json").stdout.split('"id": "')[1][:12]).exit_code == 0
    finally:
        with psycopg.connect(server, autocommit=True) as c:
            for role in ("clerk_reader", "clerk_editor"):
                c.execute(f"DROP OWNED BY {role}")
                c.execute(f"DROP ROLE {role}")


def test_a_password_in_the_url_is_never_printed(server):
    secret = "Pa55-word_never-shown"
    host_db = server.split("//", 1)[1].split("@")[-1]
    user = server.split("//", 1)[1].split("@")[0] if "@" in server.split("//", 1)[1] else os.environ.get("USER", "root")
    with_pw = f"postgresql://{user}:{secret}@{host_db}"
    s = json.loads(cli(with_pw, "stats", "--json").stdout)  # trust auth: the password is not checked
    assert secret not in json.dumps(s) and ":***@" in s["path"]
    assert secret not in cli(with_pw, "stats").stdout
    unreachable = f"postgresql://{user}:{secret}@127.0.0.1:9/nowhere?password={secret}"
    for extra in ((), ("--debug",)):
        res = archive_proc(unreachable, *extra, "search", "số hóa")
        assert res.returncode == 1
        assert secret not in res.stdout + res.stderr
        assert "***" in res.stderr
    res = archive_proc(unreachable, "search", "số hóa")
    assert res.stderr.startswith("Error: Cannot open the server archive postgresql://") and res.stderr.count("\n") == 1
    res = archive_proc(with_pw, "copy", with_pw, str(Path("/nonexistent/dir") / "x"), "--json")
    assert secret not in res.stdout + res.stderr


def test_libpq_options_in_the_url_pass_through(server):
    sep = "&" if "?" in server else "?"
    assert cli(f"{server}{sep}sslmode=disable&application_name=clerk", "search", "số hóa").exit_code == 0
    res = cli(f"{server}{sep}sslmode=require", "search", "số hóa")  # the test server speaks no SSL
    assert res.exit_code == 1 and "SSL" in res.stderr and "Traceback" not in res.stderr


def test_a_folder_archive_never_loads_the_database_driver(folder):
    code = ("import sys; from archive_cli.cli import cli\n"
            "try:\n    cli(['--archive', sys.argv[1], 'search', 'số hóa', '--json'])\nexcept SystemExit:\n    pass\n"
            "print('psycopg' in sys.modules)")
    res = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, timeout=60)
    assert res.stdout.strip().splitlines()[-1] == "False"


# --- schema ----------------------------------------------------------------------------------
def test_the_tool_creates_and_versions_its_schema_and_refuses_a_newer_one(tmp_path):
    import psycopg

    from archive_cli.postgres.schema import SCHEMA_VERSION

    with fresh_database() as url:
        assert cli(url, "import", str(DOCUMENTS / "records-retention-guideline.txt")).exit_code == 0
        with psycopg.connect(url, autocommit=True) as c:
            assert c.execute("SELECT value FROM archive.meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
            # an index analysed by another version is rebuilt by the next write
            c.execute("UPDATE archive.meta SET value = 'old' WHERE key = 'index_version'")
        res = cli(url, "search", "retention")
        assert res.exit_code == 1 and "reindex" in res.stderr
        assert cli(url, "import", str(DOCUMENTS / "chi-thi-tinh-uy-chuyen-doi-so.txt")).exit_code == 0
        assert json.loads(cli(url, "search", "retention OR chuyển", "--json").stdout)["total"] == 2
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("UPDATE archive.meta SET value = %s WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
        res = cli(url, "import", str(DOCUMENTS / "records-retention-guideline.txt"))
        assert res.exit_code == 1 and "newer archive-cli" in res.stderr


# --- copying between the two kinds of archive -------------------------------------------------
def test_copy_folder_to_server_and_back_loses_nothing(folder, tmp_path):
    # a tag and a hand-made section kind survive too
    with fresh_database() as url:
        res = cli(Path("."), "copy", str(folder), url, "--json")
        assert res.exit_code == 0, res.output
        assert json.loads(res.stdout)["copied"] == 6
        back = tmp_path / "back"
        res = cli(Path("."), "copy", url, str(back), "--json")
        assert res.exit_code == 0 and json.loads(res.stdout)["copied"] == 6
        for sub in ("documents", "originals"):
            a = {p.relative_to(folder / sub): p.read_bytes() for p in (folder / sub).rglob("*") if p.is_file()}
            b = {p.relative_to(back / sub): p.read_bytes() for p in (back / sub).rglob("*") if p.is_file()}
            assert a == b and a
        for q in ("số hóa", "section:implementation", "tag:x OR phong"):
            assert without_scores(cli(back, "search", q, "--json").stdout) == without_scores(cli(folder, "search", q, "--json").stdout)
        again = cli(Path("."), "copy", str(folder), url, "--json")
        assert json.loads(again.stdout)["already_present"] == 6


# --- bad input ---------------------------------------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NASTY = ["'", '"', ";", "\\", "\x00", "--", "/*", "*/", "DROP TABLE archive.documents", "SELECT", "' OR 1=1 --",
         "$$", "E'\\x00'", ":*", "&", "|", "!", "<->", "(", ")", "%", "_", "tag:", "section:", "year:", "NOT", "OR",
         "số", "hóa", "đơn", "125/KH-UBND", "title:", "issuer:", "*", "?", "\u202e", "\ufeff"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=6)), min_size=1, max_size=8))
def test_hostile_queries_get_results_or_one_sentence_and_change_nothing(server, parts):
    query = " ".join(parts)
    res = cli(server, "search", "--json", "--", query)
    assert res.exit_code in (0, 1, 2), res.output
    assert "Traceback" not in res.output and "psycopg" not in res.output and "SQL" not in res.stderr
    assert "refused the request" not in res.stderr and "stopped answering" not in res.stderr
    json.loads(res.stdout) if res.stdout else None
    if res.exit_code == 2:
        assert res.stderr.startswith(("Error: ", "Usage: ")), res.stderr


def test_the_database_is_unchanged_by_the_hostile_queries(server):
    before = fingerprint(server)
    for q in ("'; DROP TABLE archive.documents; --", "\x00", "a\\' OR 1=1", "$$ DELETE FROM archive.entries $$"):
        cli(server, "search", "--", q)
    assert fingerprint(server) == before


# --- found by review -----------------------------------------------------------------------------
def test_a_document_the_server_cannot_hold_fails_alone_and_the_batch_goes_on(tmp_path):
    bad = tmp_path / "in" / "nul.md"
    bad.parent.mkdir()
    bad.write_text('---\ntitle: "a\\0b"\n---\n\nNội dung có ký tự rỗng.\n', encoding="utf-8")
    with fresh_database() as url:
        res = cli(url, "import", str(DOCUMENTS), str(bad.parent), "--json")
        assert res.exit_code == 1
        rows = [json.loads(line) for line in res.stdout.splitlines() if '"status"' in line]
        by_status = {r["path"]: r["status"] for r in rows}
        assert list(by_status.values()).count("imported") == 6 and by_status[str(bad)] == "failed"
        failed = next(r for r in rows if r["status"] == "failed")
        assert "refused" in failed["error"]
        report = json.loads(cli(url, "check", "--json").stdout)
        assert report["ok"] and report["documents"] == 6


def test_dry_run_and_reimport_know_what_the_server_holds(server):
    res = cli(server, "import", "--dry-run", str(DOCUMENTS), "--json")
    assert {json.loads(line)["status"] for line in res.stdout.splitlines() if '"status"' in line} == {"duplicate"}


def test_copy_keeps_two_store_files_of_one_original_and_refuses_an_empty_source(folder, tmp_path):
    import shutil

    src = tmp_path / "src"
    shutil.copytree(folder, src)
    original = next((src / "documents").glob("*.md"))
    twin = src / "documents" / "aaaaaaaaaaaa.md"
    twin.write_text(original.read_text(encoding="utf-8"), encoding="utf-8")
    assert cli(src, "reindex").exit_code == 0
    with fresh_database() as url:
        res = cli(Path("."), "copy", str(src), url, "--json")
        assert res.exit_code == 0, res.output
        assert json.loads(res.stdout)["copied"] == 7
        assert json.loads(cli(url, "stats", "--json").stdout)["documents"] == 7
        assert cli(url, "show", "aaaaaaaaaaaa", "--json").exit_code == 0
    with fresh_database() as empty:
        res = cli(Path("."), "copy", empty, str(tmp_path / "out"))
        assert res.exit_code == 1 and "holds no archive to copy" in res.stderr


def test_a_newer_schema_is_named_to_readers_too(tmp_path):
    import psycopg

    from archive_cli.postgres.schema import SCHEMA_VERSION

    with fresh_database() as url:
        assert cli(url, "import", str(DOCUMENTS / "records-retention-guideline.txt")).exit_code == 0
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("UPDATE archive.meta SET value = %s WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
        for args in (("search", "retention"), ("reindex",)):
            res = cli(url, *args)
            assert res.exit_code == 1 and "newer archive-cli" in res.stderr, args


def test_a_misspelt_search_gets_suggestions_on_the_server_too(server, folder):
    a = json.loads(cli(folder, "search", "chuyen doi sp", "--json").stdout)
    b = json.loads(cli(server, "search", "chuyen doi sp", "--json").stdout)
    assert a["total"] == b["total"] == 0
    assert "chuyen doi so" in b["suggestions"] and "chuyen doi so" in a["suggestions"]


def test_words_standing_together_rank_first_on_the_server(server):
    res = json.loads(cli(server, "search", "so hoa tai lieu", "--json").stdout)
    assert res["results"][0]["number"] == "125/KH-UBND"
