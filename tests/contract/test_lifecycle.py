"""Writing through the seam: add, replace, delete, re-add, rebuild; the state of an index."""
from __future__ import annotations

from archive_cli.index.plan import Key, Search, Word
from archive_cli.index.records import record_for
from tests.contract.conftest import make_documents


def _ids(index, word: str) -> set[str]:
    return {h.id for h in index.search(Search(Word(word)), limit=1000).hits}


def test_life_cycle(engine, tmp_path):
    docs = make_documents(12, seed=7)
    records = [record_for(d, f"s1-{d.id}") for d in docs]
    index = engine(tmp_path)
    assert index.state().state == "missing"
    index.create()
    assert index.state().ok
    assert index.search(Search(Word("tinh")), limit=10).total == 0
    assert index.add(records[:8]) == 8
    assert index.add(records[8:]) == 4
    everyone = {d.id for d in docs}
    assert _ids(index, "tinh") == everyone  # "tỉnh" is in every header
    assert index.stamps() == {r.id: r.stamp for r in records}
    assert index.stamps([docs[0].id, "000000000000"]) == {docs[0].id: records[0].stamp}
    # adding a document again replaces it: a new stamp, never a second copy
    again = record_for(docs[0], "s2")
    index.add([again])
    assert index.stamps()[docs[0].id] == "s2"
    assert index.search(Search(Key("id", docs[0].id)), limit=10).total == 1
    # delete, then add back (a remove and a re-import)
    assert index.delete([docs[1].id, docs[2].id, "000000000000"]) == 2
    assert _ids(index, "tinh") == everyone - {docs[1].id, docs[2].id}
    index.add([records[1]])
    assert _ids(index, "tinh") == everyone - {docs[2].id}
    assert sorted(f["id"] for f in index.documents()) == sorted(everyone - {docs[2].id})
    # a rebuild replaces the whole content
    assert index.rebuild(records[5:7]) == 2
    assert _ids(index, "tinh") == {docs[5].id, docs[6].id}
    assert index.state().ok
    total, df = index.doc_frequencies(["tinh", "khongcotu"])
    assert total == 2 and df == {"tinh": 2, "khongcotu": 0}


def test_an_empty_index_answers_every_query_with_nothing(engine, tmp_path):
    from archive_cli.search.filters import Filters
    from archive_cli.search.planner import plan_search
    from archive_cli.search.query import parse_query

    index = engine(tmp_path)
    index.create()
    for q in ('kinh "to chuc"', "-kinh", "10/KH-UBND", "a OR b", "section:purpose", "tổ --"):
        res = index.search(plan_search(parse_query(q), Filters(year=2024, date_from="2020-01-01")), limit=10)
        assert (res.total, res.hits) == (0, [])
