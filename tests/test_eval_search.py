"""The judged search query set is well-formed (the full evaluation is a command, not a test:
``python -m tools.evaluate search``)."""
from __future__ import annotations

import json
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from tools.evaluate import search as evaluate_search

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "gold" / "search_queries.json"
CLASSES = {"unaccented", "tone_variant", "two_word", "phrase", "number", "filter", "section",
           "boolean"}
FILTER_KEYS = {"type", "issuer", "number", "from", "to", "year", "section", "tag"}
SECTION_KINDS = {"purpose", "content", "implementation"}


@pytest.fixture(scope="module")
def gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


def test_shape(gold):
    assert isinstance(gold["collection"], list) and len(gold["collection"]) >= 100
    assert len(set(gold["collection"])) == len(gold["collection"]), "duplicate collection paths"
    queries = gold["queries"]
    assert len(queries) >= 45
    ids = [q["id"] for q in queries]
    assert len(set(ids)) == len(ids), "duplicate query ids"
    for q in queries:
        assert set(q) >= {"id", "query", "class", "filters", "relevant", "notes"}, q["id"]
        assert q["class"] in CLASSES, q["id"]
        assert isinstance(q["query"], str) and q["query"].strip(), q["id"]
        assert set(q["filters"]) <= FILTER_KEYS, q["id"]
        if "section" in q["filters"]:
            assert q["filters"]["section"] in SECTION_KINDS, q["id"]
        assert q["relevant"], f"{q['id']}: no relevant documents"
        assert len(set(q["relevant"])) == len(q["relevant"]), f"{q['id']}: duplicate relevant"


def test_every_class_has_five_queries(gold):
    counts = Counter(q["class"] for q in gold["queries"])
    short = {c: counts.get(c, 0) for c in CLASSES if counts.get(c, 0) < 5}
    assert not short, f"classes with fewer than 5 queries: {short}"


def test_relevant_documents_are_in_the_collection(gold):
    collection = set(gold["collection"])
    stray = [(q["id"], r) for q in gold["queries"] for r in q["relevant"] if r not in collection]
    assert not stray, stray


def test_class_specific_rules(gold):
    for q in gold["queries"]:
        if q["class"] == "section":
            assert q["filters"].get("section") in SECTION_KINDS, q["id"]
        if q["class"] == "filter":
            assert set(q["filters"]) & (FILTER_KEYS - {"section"}), q["id"]
    # at least one query is typed in NFD, so that Unicode-form folding is measured
    assert any(unicodedata.normalize("NFC", q["query"]) != q["query"] for q in gold["queries"])


def test_sample_documents_exist():
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    missing = [p for p in gold["collection"] if p.startswith("documents/") and not (REPO / p).is_file()]
    assert not missing, missing


def test_corpus_files_exist(gold, corpus):
    missing = [p for p in gold["collection"]
               if not p.startswith("documents/") and not (corpus / p).is_file()]
    assert not missing, missing


def test_scoring():
    assert evaluate_search.score(["a", "b"], ["x", "a", "b"]) == (1.0, 0.5, [])
    recall, rr, missing = evaluate_search.score(["a", "b"], ["x", "a"])
    assert (recall, rr, missing) == (0.5, 0.5, ["b"])
    # more relevant documents than the cut-off: recall is over min(k, relevant)
    many = [str(i) for i in range(12)]
    assert evaluate_search.score(many, many[:10])[0] == 1.0
    assert evaluate_search.score(["a"], [None, "b"]) == (0.0, 0.0, ["a"])
