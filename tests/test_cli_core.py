"""The foundation: every command through the real CLI on a real Whoosh index (SPEC §6)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.helpers import DOCUMENTS, json_lines, run, write

SAMPLES = sorted(p.name for p in DOCUMENTS.iterdir() if p.is_file())


def test_import_prints_one_json_line_per_file_with_the_spec_keys(archive_dir):
    res = run(archive_dir, "import", str(DOCUMENTS), "--json")
    assert res.exit_code == 0, res.output
    lines = json_lines(res.stdout)
    assert sorted(Path(x["path"]).name for x in lines) == SAMPLES
    for line in lines:
        assert {"path", "status", "id", "error"} <= set(line)
        assert line["status"] == "imported" and line["error"] is None and len(line["id"]) == 12


def test_reimport_of_same_content_is_duplicate_and_changes_nothing(loaded):
    before = sorted(p.name for p in (loaded / "documents").iterdir())
    res = run(loaded, "import", str(DOCUMENTS), "--json")
    assert res.exit_code == 0
    assert {x["status"] for x in json_lines(res.stdout)} == {"duplicate"}
    assert sorted(p.name for p in (loaded / "documents").iterdir()) == before


def test_store_is_front_matter_markdown_with_section_headings(loaded):
    res = run(loaded, "show", "125/KH-UBND", "--json")
    doc_id = json.loads(res.stdout)["id"]
    text = (loaded / "documents" / f"{doc_id}.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    assert "number: 125/KH-UBND" in text
    assert "\n## IV. TỔ CHỨC THỰC HIỆN" in text or "\n# IV. TỔ CHỨC THỰC HIỆN" in text
    # the original bytes are kept, content-addressed
    sha = [ln.split(":")[1].strip() for ln in text.splitlines() if ln.strip().startswith("sha256:")][0]
    original = loaded / "originals" / sha[:2] / sha
    assert original.read_bytes() == (DOCUMENTS / "ke-hoach-so-hoa-tai-lieu-luu-tru-2024.txt").read_bytes()


def test_search_json_shape_and_unaccented_query(loaded):
    res = run(loaded, "search", "so hoa tai lieu luu tru", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["query"] == "so hoa tai lieu luu tru"
    assert data["total"] >= 1
    top = data["results"][0]
    assert set(top) >= {"id", "title", "doc_type", "number", "issuer", "issued", "score", "sections", "snippet"}
    assert top["number"] == "125/KH-UBND"
    assert "lưu trữ" in top["snippet"].lower()


def test_search_nothing_found_exits_1_with_a_sentence(loaded):
    res = run(loaded, "search", "xyzzyplugh")
    assert res.exit_code == 1
    assert "No documents match" in res.stderr
    assert "Traceback" not in res.output


def test_show_json_has_the_whole_document(loaded):
    res = run(loaded, "show", "125/KH-UBND", "--json")
    assert res.exit_code == 0
    d = json.loads(res.stdout)
    for key in ("id", "doc_type", "number", "issuer", "place", "issued", "title", "signer", "recipients",
                "references", "sections", "source", "body"):
        assert key in d
    assert d["doc_type"] == "Kế hoạch" and d["issued"] == "2024-03-15"
    top = [(s["number"], s["kind"]) for s in d["sections"]]
    assert top[0] == ("I", "purpose") and top[-1] == ("IV", "implementation")
    assert set(d["sections"][0]) == {"number", "heading", "kind", "text", "children"}
    assert d["source"]["filename"] == "ke-hoach-so-hoa-tai-lieu-luu-tru-2024.txt"


def test_show_by_id_prefix_and_section(loaded):
    doc_id = json.loads(run(loaded, "show", "125/KH-UBND", "--json").stdout)["id"]
    res = run(loaded, "show", doc_id[:6], "--section", "implementation")
    assert res.exit_code == 0
    assert "TỔ CHỨC THỰC HIỆN" in res.stdout
    assert "MỤC ĐÍCH, YÊU CẦU" not in res.stdout


def test_unknown_ref_is_one_sentence_exit_1(loaded):
    res = run(loaded, "show", "999/XX-YYY")
    assert res.exit_code == 1
    assert res.stderr.strip() == "Error: No document matches 999/XX-YYY."


def test_usage_error_exits_2(loaded):
    res = run(loaded, "search", "x", "--sort", "sideways")
    assert res.exit_code == 2
    res = run(loaded, "frobnicate")
    assert res.exit_code == 2


def test_export_txt_md_json(loaded, tmp_path):
    res = run(loaded, "export", "125/KH-UBND", "--format", "txt")
    assert res.exit_code == 0
    assert res.stdout.startswith("Ủy ban nhân dân tỉnh Thái Nguyên") or "125/KH-UBND" in res.stdout
    assert "##" not in res.stdout and "IV. TỔ CHỨC THỰC HIỆN" in res.stdout
    out = tmp_path / "kh.md"
    assert run(loaded, "export", "125/KH-UBND", "-f", "md", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("---\n")
    again = run(loaded, "export", "125/KH-UBND", "-f", "md", "-o", str(out))
    assert again.exit_code == 1 and "--force" in again.stderr
    js = json.loads(run(loaded, "export", "125/KH-UBND", "-f", "json").stdout)
    assert js["number"] == "125/KH-UBND"


def test_list_json_is_an_array_without_score(loaded):
    res = run(loaded, "list", "--json")
    items = json.loads(res.stdout)
    assert len(items) == len(SAMPLES)
    assert all("score" not in x and "snippet" not in x for x in items)
    dates = [x["issued"] for x in items if x["issued"]]
    assert dates == sorted(dates, reverse=True)


def test_remove_then_ref_not_found(loaded):
    assert run(loaded, "remove", "1482/QĐ-UBND").exit_code == 0
    assert run(loaded, "show", "1482/QĐ-UBND").exit_code == 1
    assert len(json.loads(run(loaded, "list", "--json").stdout)) == len(SAMPLES) - 1
    assert run(loaded, "check").exit_code == 0


def test_reindex_reproduces_identical_search_results(loaded):
    queries = ["chuyen doi so", "tổ chức thực hiện", "125/KH-UBND", "records"]
    before = [json.loads(run(loaded, "search", q, "--json").stdout) for q in queries]
    res = run(loaded, "reindex")
    assert res.exit_code == 0 and f"Indexed {len(SAMPLES)} documents" in res.stdout
    after = [json.loads(run(loaded, "search", q, "--json").stdout) for q in queries]
    assert before == after


def test_check_finds_and_repairs_a_hand_edit(loaded):
    assert run(loaded, "check").exit_code == 0
    doc_id = json.loads(run(loaded, "show", "05-CT/TU", "--json").stdout)["id"]
    path = loaded / "documents" / f"{doc_id}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("chuyển đổi số", "chuyển đổi số kỳ lân"), encoding="utf-8")
    res = run(loaded, "check", "--json")
    assert res.exit_code == 1
    assert [p["kind"] for p in json.loads(res.stdout)["problems"]] == ["stale"]
    assert run(loaded, "check", "--repair").exit_code == 0
    assert run(loaded, "check").exit_code == 0
    assert json.loads(run(loaded, "search", "ky lan", "--json").stdout)["results"][0]["id"] == doc_id


def test_stats_json(loaded):
    s = json.loads(run(loaded, "stats", "--json").stdout)
    assert s["documents"] == len(SAMPLES)
    assert s["by_type"]["Kế hoạch"] == 1
    assert s["index_bytes"] > 0


def test_failed_file_gets_a_sentence_and_the_batch_goes_on(archive_dir, tmp_path):
    folder = tmp_path / "in"
    write(folder / "a.txt", "KẾ HOẠCH\nvề việc thử nghiệm\n\nI. MỤC ĐÍCH\nNội dung.\n")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    res = run(archive_dir, "import", str(folder), "--json")
    assert res.exit_code == 1
    by_name = {Path(x["path"]).name: x for x in json_lines(res.stdout)}
    assert by_name["a.txt"]["status"] == "imported"
    assert by_name["empty.txt"]["status"] == "failed" and "empty" in by_name["empty.txt"]["error"]
    assert by_name["photo.png"]["status"] == "failed"
    res = run(archive_dir, "import", str(folder))
    assert f"{folder / 'empty.txt'}: " in res.stderr and "Traceback" not in res.output


def test_archive_env_variable_is_used(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from archive_cli.cli import cli

    monkeypatch.setenv("ARCHIVE_HOME", str(tmp_path / "env-archive"))
    res = CliRunner().invoke(cli, ["import", str(DOCUMENTS / "records-retention-guideline.txt")])
    assert res.exit_code == 0
    assert (tmp_path / "env-archive" / "documents").is_dir()


def test_console_script_help_runs_in_a_subprocess():
    exe = Path(sys.executable).with_name("archive")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "archive_cli"]
    res = subprocess.run([*cmd, "--help"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0
    assert "import" in res.stdout and "search" in res.stdout


def test_python_dash_m_reports_exit_codes(tmp_path):
    res = subprocess.run([sys.executable, "-m", "archive_cli", "--archive", str(tmp_path / "a"), "show", "nothing-here"],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 1
    assert res.stderr.startswith("Error: ") and "Traceback" not in res.stderr
