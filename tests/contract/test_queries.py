"""Every query form of SPEC §5 against the brute-force oracle, on every engine."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive_cli.search.filters import Filters
from archive_cli.search.query import parse_query
from archive_cli.search.service import SearchService
from archive_cli.store import Store
from tests.contract.corpus import VOCAB, oracle

ALL = 10_000


def service(indexed) -> SearchService:
    index, _docs, root = indexed
    return SearchService(Store(root / "no-store"), index)


def engine_ids(indexed, query: str, filters: Filters | None = None) -> tuple[set[str], int]:
    res = service(indexed).search(query, filters=filters or Filters(), limit=ALL, snippets=False, suggest=False)
    ids = [h.id for h in res.hits]
    assert len(ids) == len(set(ids)), "a document came back twice"
    return set(ids), res.total


def expected(indexed, query: str, filters: Filters | None = None) -> set[str]:
    _index, docs, _root = indexed
    return oracle(docs, parse_query(query), filters or Filters())


QUERIES = [
    # words with and without diacritics, tone variants, tone placement, đ/d
    "ma", "mã", "má", "mà", "hoa", "hóa", "hoá", "hòa", "đơn", "don", "dơn", "đảng", "đang", "dang",
    "thủy", "thuỷ", "thuy", "quý", "quy", "Hóa", "HOÁ",
    # all words must match
    "to chuc", "tổ chức", "kinh phi kiem tra", "hóa don", "hoa đơn",
    # phrases: unaccented, accented, mixed, across what must not be crossed
    '"to chuc thuc hien"', '"tổ chức thực hiện"', '"hóa đơn"', '"hoa don"', '"hóa don"', '"ma hoa"',
    '"kinh phí"', '"thực hiện kinh"',
    # field phrases in order
    'title:"to chuc"', 'title:"chuc to"', "title:ma", 'title:"hóa đơn"', "issuer:thai", 'issuer:"thái nguyên"',
    # OR, NOT, -word
    "ma OR mã", "hoa OR don OR quý", "kinh NOT phí", "to chuc -thuc", "NOT ma", '-"to chuc" kinh',
    "mã OR \"tổ chức\"",
    # numbers: the document, the documents citing it, the number in the text
    "3/KH-UBND", "3/kh-ubnd", "12/QĐ-UBND", "12/qd-ubnd", "1/KH-UBND", "999/KH-UBND",
    # field filters in the query
    "ma type:KH", "hoa year:2023", "kinh tag:mat", "section:purpose", "to chuc section:content",
]


@pytest.mark.parametrize("query", QUERIES)
def test_query_matches_the_oracle(indexed, query):
    want = expected(indexed, query)
    got, total = engine_ids(indexed, query)
    assert got == want
    assert total == len(want)


def test_nfd_typed_query_equals_nfc(indexed):
    for q in ("hóa đơn", '"tổ chức thực hiện"', "thuỷ"):
        assert engine_ids(indexed, unicodedata.normalize("NFD", q)) == engine_ids(indexed, q)


SECTION_QUERIES = ["kinh", "kinh phi", '"kinh phi"', "hóa", '"to chuc"', "ma OR quý", '"thực hiện kinh"',
                   "to -chuc", "3/KH-UBND OR dịch", '"chuc thuc hien kinh phi"']


@pytest.mark.parametrize("kind", ["purpose", "content", "implementation"])
@pytest.mark.parametrize("query", SECTION_QUERIES)
def test_section_scope_matches_the_oracle(indexed, query, kind):
    f = Filters(section=kind)
    want = expected(indexed, query, f)
    assert engine_ids(indexed, query, f) == (want, len(want))


@pytest.mark.parametrize("filters", [
    Filters(doc_type="KH"), Filters(doc_type="quyet dinh"), Filters(issuer="ubnd thai nguyen"),
    Filters(issuer="Ủy ban nhân dân tỉnh Bắc Kạn"),
    Filters(issuer="UBND tỉnh Thái Nguyên"), Filters(issuer="hdnd"), Filters(issuer="ủy ban nhân dân"), Filters(number="3/KH-UBND"), Filters(year=2023),
    Filters(date_from="2023-03-01", date_to="2023-09-30"), Filters(date_from="2024-01-01"),
    Filters(tags=("mật",)), Filters(tags=("mat", "khan")), Filters(section="implementation"),
    Filters(doc_type="TB", year=2024, section="purpose"),
], ids=lambda f: ",".join(f.describe()))
@pytest.mark.parametrize("query", ["", "hoa", '"to chuc"', "-ma"])
def test_filters_match_the_oracle(indexed, query, filters):
    want = expected(indexed, query, filters)
    assert engine_ids(indexed, query, filters) == (want, len(want))


def test_the_corpus_exercises_every_case(indexed):
    """The oracle finds something and not everything for the cases that matter, so the tests
    above can fail."""
    _index, docs, _root = indexed
    for q in ("mã", "hoá", '"hóa đơn"', '"hoa don"', 'title:"to chuc"', "3/KH-UBND", "kinh NOT phí"):
        n = len(oracle(docs, parse_query(q), Filters()))
        assert 0 < n < len(docs), q
    scoped = oracle(docs, parse_query('"kinh phi"'), Filters(section="implementation"))
    anywhere = oracle(docs, parse_query('"kinh phi"'), Filters())
    assert 0 < len(scoped) < len(anywhere)


def test_paging_over_equal_scores_covers_every_match_once(indexed):
    """Pages of 7 concatenated are the whole ordering: nothing repeated, nothing skipped, also
    where many documents score the same (a filter-only listing, a word in every document)."""
    svc = service(indexed)
    for query, filters in (("", Filters(doc_type="KH")), ("tỉnh", Filters()), ("ma", Filters()),
                           ("to chuc", Filters())):
        whole = svc.search(query, filters=filters, limit=ALL, snippets=False, suggest=False)
        pages, page = [], 1
        while True:
            res = svc.search(query, filters=filters, limit=7, page=page, snippets=False, suggest=False)
            if not res.hits:
                break
            pages += [h.id for h in res.hits]
            page += 1
        assert pages == [h.id for h in whole.hits]
        assert len(pages) == whole.total == len(set(pages))


words = st.sampled_from(VOCAB + ["hoá", "thuỷ", "HÓA", "Đảng", "dang", "to", "chuc", "thuc", "hien", "kinh", "phi"])


@st.composite
def queries(draw):
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        form = draw(st.sampled_from(["word", "phrase", "or", "not", "title"]))
        if form == "word":
            parts.append(draw(words))
        elif form == "phrase":
            parts.append('"' + " ".join(draw(st.lists(words, min_size=2, max_size=4))) + '"')
        elif form == "or":
            parts.append(f"{draw(words)} OR {draw(words)}")
        elif form == "not":
            parts.append("-" + draw(words))
        else:
            parts.append('title:"' + " ".join(draw(st.lists(words, min_size=1, max_size=2))) + '"')
    return " ".join(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries(), section=st.sampled_from([None, "purpose", "content", "implementation"]))
def test_generated_queries_match_the_oracle(indexed, query, section):
    f = Filters(section=section)
    q = parse_query(query)
    if q.is_empty and not section:
        return  # nothing to search for: a usage error, tested elsewhere
    want = expected(indexed, query, f)
    assert engine_ids(indexed, query, f) == (want, len(want))
