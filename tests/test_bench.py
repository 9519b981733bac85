"""Smoke test of the benchmark (`python -m tools.bench`): it runs end to end at a tiny size
and reports what it promises. Never a timing assertion: the figures only have to be there."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tools.bench import corpus, markdown

REPO = Path(__file__).resolve().parents[1]
CLASSES = {"one_word", "two_syllable", "phrase", "unaccented", "filtered", "section_scoped", "number"}


def test_generated_documents_look_real_and_are_deterministic():
    pool = corpus.paragraphs(REPO / "documents")
    assert len(pool) >= 20
    text, meta, cites = corpus.document(7, 16, pool, pool)
    assert (text, meta, cites) == corpus.document(7, 16, pool, pool)
    assert f"Số: 17/{meta.symbol}" in text
    assert f"ngày {meta.day} tháng {meta.month} năm {meta.year}" in text
    for heading in ("I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "III. TỔ CHỨC THỰC HIỆN", meta.type_line):
        assert heading in text.splitlines()
    assert 2500 <= len(text.encode("utf-8")) <= 6000
    assert all(j < 16 for j in cites)


def test_benchmark_smoke(tmp_path):
    out = tmp_path / "bench"
    cp = subprocess.run(
        [sys.executable, "-m", "tools.bench", "--sizes", "20", "--queries", "1", "--skip-baselines", "--import-runs", "2",
         "--no-drop-caches", "--corpus", str(REPO / "documents"), "--out", str(out)],
        capture_output=True, text=True, timeout=120, cwd=str(REPO))
    assert cp.returncode == 0, cp.stderr[-2000:]
    report = json.loads(cp.stdout)
    assert {"machine", "sizes", "startup", "targets", "verdicts"} <= report.keys()
    assert report["machine"]["nproc"] >= 1 and report["machine"]["python"]
    assert report["code"]["archive_cli"].endswith("__init__.py")
    size = report["sizes"]["20"]
    assert size["corpus"]["documents"] == 20 and size["corpus"]["raw_bytes"] > 0
    assert len(list((out / "docs-20").rglob("*.txt"))) == 20
    assert len(list((out / "flat-20").glob("*.txt"))) == 20

    ours = size["import"]["ours"]
    assert ours["exit_code"] == 0, ours["stderr_tail"]
    assert ours["indexed_documents"] == 20
    assert size["import"]["runs"] == 2 and len(ours["runs_documents_per_s"]) == 2
    assert ours["seconds"] > 0 and ours["documents_per_s"] > 0
    assert ours["peak_rss_single_process_mb"] > 0
    assert size["import"]["baseline_whoosh"] == {"skipped": "--skip-baselines"}

    sz = size["index_size"]
    assert sz["ours_index_bytes"] > 0 and sz["ours_index_ratio"] > 0

    search = size["search"]
    assert set(search["classes"]) == CLASSES
    for row in search["classes"].values():
        assert row["ours"]["cold_ms"] > 0
        assert row["ours"]["warm"]["median_ms"] > 0 and row["ours"]["warm"]["runs"] == 1
        assert isinstance(row["ours"]["hits"], int)  # the search printed valid JSON
        assert row["ripgrep"] == {"skipped": "--skip-baselines"}
    assert search["summary"]["ours_class_spread_max_over_min"] >= 1.0
    assert search["warm_order"].startswith("rounds")  # warm runs interleaved across classes

    st = report["startup"]
    assert st["archive_help"]["median_ms"] > 0 and st["python_pass"]["median_ms"] > 0
    assert isinstance(st["overhead_ms"], float)

    assert "| N | measure |" in cp.stderr  # the Markdown table goes to stderr
    table = markdown(report)
    assert "import, docs/s" in table and "start-up" in table
