"""The known-item query set is well-formed, and the evaluation tool scores it right (the full
evaluation is a command, not a test: ``python -m tools.evaluate knownitem``)."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from tools.evaluate import knownitem

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "gold" / "known_items.json"
STYLES = {"subject", "unaccented", "type_topic", "number"}


@pytest.fixture(scope="module")
def gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def test_shape(gold):
    assert isinstance(gold["description"], str) and gold["description"]
    collection = gold["collection"]
    assert isinstance(collection, list) and len(collection) >= 500
    assert len(set(collection)) == len(collection), "duplicate collection paths"
    assert not any(p.startswith(("tvpl-md-tnt305/nondoc/", "legacy-viparse/ground-truth/",
                                 "legacy-viparse/synthetic-vni/")) for p in collection)
    queries = gold["queries"]
    assert len(queries) >= 150
    ids = [q["id"] for q in queries]
    assert len(set(ids)) == len(ids), "duplicate query ids"
    for q in queries:
        assert set(q) >= {"id", "style", "query", "target", "source", "checked"}, q["id"]
        assert q["style"] in STYLES, q["id"]
        assert isinstance(q["query"], str) and q["query"].strip() == q["query"] and q["query"], q["id"]
        assert isinstance(q["target"], list) and q["target"], q["id"]
        assert len(set(q["target"])) == len(q["target"]), f"{q['id']}: duplicate targets"
        assert isinstance(q["checked"], bool) and q["source"], q["id"]


def test_styles_are_spread(gold):
    counts = Counter(q["style"] for q in gold["queries"])
    assert set(counts) == STYLES
    assert all(n >= 30 for n in counts.values()), counts


def test_style_rules(gold):
    for q in gold["queries"]:
        if q["style"] == "unaccented":
            assert q["query"] == q["query"].lower(), q["id"]
            assert q["query"].isascii(), f"{q['id']}: diacritics in an unaccented query"
        if q["style"] == "number":
            assert re.search(r"\d+[/-]", q["query"]), q["id"]
        if q["style"] == "subject":
            assert not q["query"].isascii(), f"{q['id']}: a subject query is typed with diacritics"


def test_enough_queries_were_read(gold):
    assert sum(q["checked"] for q in gold["queries"]) >= 40


def test_targets_are_in_the_collection(gold):
    collection = set(gold["collection"])
    stray = [(q["id"], t) for q in gold["queries"] for t in q["target"] if t not in collection]
    assert not stray, stray


def test_same_document_groups_are_whole(gold):
    """A query whose document is in a same-document group lists the whole group."""
    groups = gold.get("same_document") or []
    for q in gold["queries"]:
        for g in groups:
            if q["target"][0] in g:
                assert set(q["target"]) == set(g), q["id"]


def test_corpus_files_exist(gold, corpus):
    missing = [p for p in gold["collection"] if not (corpus / p).is_file()]
    assert not missing, missing


def test_scoring():
    ranked = [{"x"}, set(), {"b", "c"}, {"a"}]
    assert knownitem.first_rank(["a"], ranked) == 4
    assert knownitem.first_rank(["c", "a"], ranked) == 3  # any file of the document counts
    assert knownitem.first_rank(["z"], ranked) is None
    assert knownitem.first_rank(["a"], [set()] * 10 + [{"a"}]) is None  # beyond the top 10
    agg = knownitem.aggregate([1, 3, None, 4])
    assert agg["queries"] == 4
    assert agg["success@1"] == 0.25 and agg["success@3"] == 0.5 and agg["success@10"] == 0.75
    assert agg["mrr"] == pytest.approx((1 + 1 / 3 + 0 + 1 / 4) / 4)
    assert knownitem.aggregate([])["mrr"] is None


def test_quick_run_on_a_slice(gold, corpus, tmp_path, monkeypatch):
    """10 queries over a collection of their targets plus 20 other small files."""
    monkeypatch.delenv("ARCHIVE_HOME", raising=False)
    small = [q for q in gold["queries"]
             if all(t.startswith("tvpl-md-tnt305/md/") and (corpus / t).stat().st_size < 40_000 for t in q["target"])]
    picked: list[dict] = []
    for style in sorted(STYLES):
        picked += [q for q in small if q["style"] == style][:2]
    picked = picked[:8]
    targets = {t for q in picked for t in q["target"]}
    others = [p for p in gold["collection"] if p.startswith("tvpl-md-tnt305/md/") and p not in targets
              and (corpus / p).stat().st_size < 20_000][:20]
    assert len(others) == 20
    # a verifiable case: a query no engine can match scores zero everywhere
    nonsense = {"id": "zz-1", "style": "subject", "query": "qqxyzzy wvutsrq", "target": [picked[0]["target"][0]],
                "source": "test", "checked": False}
    # and a target no engine can return: a file outside the collection
    outside = dict(picked[1], id="zz-2", target=["tvpl-md-tnt305/nondoc/not-in-the-collection.md"])
    mini = {"collection": sorted(targets) + others, "queries": picked + [nonsense, outside]}
    assert len(mini["queries"]) == 10

    result = knownitem.evaluate(mini, corpus, tmp_path / "archive", jobs=1, work_dir=tmp_path / "work")

    assert result["import_problems"] == []
    assert result["imported"] == len(mini["collection"])
    assert set(result) >= {"results", "engines", "targets", "targets_met", "misses", "queries"}
    assert "archive-cli" in result["results"]
    for name, info in result["engines"].items():
        assert name in knownitem.ENGINES
        assert ("unavailable" in info) != (name in result["results"]), name
    rows = {r["id"]: r for r in result["queries"]}
    assert len(rows) == 10
    for name, res in result["results"].items():
        assert rows["zz-1"]["engines"][name]["rank"] is None, name
        assert rows["zz-2"]["engines"][name]["rank"] is None, name
        # the aggregates are the ranks' aggregates
        ranks = [r["engines"][name]["rank"] for r in result["queries"]]
        assert res["overall"] == knownitem.aggregate(ranks)
        for style, agg in res["styles"].items():
            assert agg == knownitem.aggregate([r["engines"][name]["rank"] for r in result["queries"]
                                               if r["style"] == style])
        assert res["overall"]["success@10"] <= 0.8  # two of the ten cannot be found
    assert {m["id"] for m in result["misses"]} >= {"zz-1", "zz-2"}
    # a rank the tool reports is the position of a target among that engine's top hits
    for r in result["queries"]:
        for name, e in r["engines"].items():
            if e["rank"] is not None and e["rank"] <= 3:
                assert set(e["top"][e["rank"] - 1]["paths"]) & set(r["target"]), (r["id"], name)
