"""The Whoosh engine's own choices, checked against Whoosh run without them."""
from __future__ import annotations

import pytest

from archive_cli.index.records import record_for
from archive_cli.index.whoosh import WhooshIndex
from archive_cli.index.whoosh.queries import compile_search
from archive_cli.search.filters import Filters
from archive_cli.search.planner import plan_search
from archive_cli.search.query import parse_query
from tests.contract.conftest import make_documents
from tests.contract.test_queries import QUERIES


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    ix = WhooshIndex(tmp_path_factory.mktemp("w") / "index")
    ix.create()
    records = [record_for(d, "s") for d in make_documents(150, seed=3)]
    for lo in range(0, 150, 50):  # several segments, as an archive grows
        ix.add(records[lo:lo + 50])
    return ix


@pytest.mark.parametrize("query", QUERIES + ["to chuc thuc hien kinh phi", "hóa đơn quý", "kiem tra giam sat can bo"])
@pytest.mark.parametrize("limit", [1, 3, 10])
def test_the_top_collector_finds_the_top_hits_and_the_total(index, query, limit):
    """Searches collect with Whoosh's TopCollector: the top N and the total must be those of
    scoring every match. (Whoosh's matcher replacement, on by default, fails this test and is
    off.)"""
    from whoosh import collectors

    from archive_cli.index.whoosh import top_collector

    q = compile_search(plan_search(parse_query(query), Filters()))
    s = index._searcher()
    with s:
        fast = top_collector(limit)
        s.search_with_collector(q, fast)
        every = collectors.UnlimitedCollector()
        s.search_with_collector(q, every)
        top = [(round(score, 9), d) for d, score in fast.results().items()]
        full = [(round(score, 9), d) for d, score in every.results().items()][:limit]
        assert top == full
        assert len(fast.results()) == len(every.results())  # the exact total


def test_commits_keep_the_number_of_segments_bounded(tmp_path):
    """Many small imports (a night's documents each) merge by tiers instead of leaving one
    segment per import; nothing is lost on the way."""
    from archive_cli.index.plan import Search, Word
    from archive_cli.index.whoosh.merging import FACTOR

    ix = WhooshIndex(tmp_path / "index")
    ix.create()
    docs = make_documents(120, seed=9)
    for lo in range(0, 120, 2):
        ix.add([record_for(d, "s") for d in docs[lo:lo + 2]])
    segments = ix._searcher()
    with segments:
        count = len(segments.reader().leaf_readers())
    assert count < 2 * FACTOR
    assert ix.search(Search(Word("tinh")), limit=1).total == 120
