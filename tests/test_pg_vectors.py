"""The PostgreSQL engine's vectors (pure functions): chunks keep every phrase whole and every
position exact, whatever the passage's length or repetitions; and long documents answer phrase
and section searches on a real database exactly as the Whoosh engine does."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from archive_cli.postgres import vectors as V


def parse(literal: str) -> dict[str, list[tuple[int, str]]]:
    """A tsvector literal as written by vectors.py → {lexeme: [(position, weight)]}."""
    out = {}
    for item in literal.split(" "):
        q, _sep, pos = item.rpartition(":")
        word = q[1:-1].replace("''", "'").replace("\\\\", "\\")
        out[word] = [(int(p.rstrip("ABC")), p[-1] if p[-1] in "ABC" else "D") for p in pos.split(",")]
    return out


words_st = st.lists(st.sampled_from(["và", "của", "hóa", "hoa", "đơn", "don", "thủy", "it's", "a\\b", "kế", "hoạch"]),
                    min_size=0, max_size=6000)


@settings(max_examples=60, deadline=None)
@given(words=words_st)
def test_chunks_hold_every_short_run_whole_with_exact_positions(words):
    views = V._Views()
    vs = [views(w) for w in words]
    cuts = V._cuts(vs)
    assert all(0 < hi - lo <= V.CHUNK_WORDS for lo, hi in cuts)
    if words:
        assert cuts[0][0] == 0 and cuts[-1][1] == len(words)
    for (lo1, hi1), (lo2, _hi2) in zip(cuts, cuts[1:]):
        assert lo2 < hi1 and (hi1 - lo2 >= V.OVERLAP or lo2 == lo1 + 1)
    # every run of OVERLAP + 1 words lies inside one chunk, where its positions are consecutive
    span = V.OVERLAP + 1
    for start in range(0, max(0, len(words) - span + 1), 97):
        assert any(lo <= start and start + span <= hi for lo, hi in cuts), start
    for lo, hi in cuts:
        vec = parse(V._vector_of(vs[lo:hi], "D", "D")) if hi > lo else {}
        for word, where in vec.items():
            assert len(where) <= V.MAX_POSITIONS
            assert all(1 <= p <= hi - lo for p, _w in where)
        for i, w in enumerate(words[lo:hi], 1):
            assert (i, "D") in vec[w]


def test_document_vector_weights_title_above_body_and_exact_above_folded():
    from archive_cli.index.records import Passage

    vec = parse(V.document_vector([Passage("title", "hóa đơn"), Passage("content", "hóa đơn điện tử")]))
    assert vec["hóa"] == [(1, "A"), (2 + V.GAP + 1, "B")]
    assert vec["hoa"] == [(1, "C"), (2 + V.GAP + 1, "D")]
    assert vec["dien"] == [(2 + V.GAP + 3, "D")] and vec["điện"] == [(2 + V.GAP + 3, "B")]


def test_positions_past_the_limit_are_clamped_once_with_the_strongest_weight():
    vs = [V._Views()(w) for w in ["x"] * (V.MAX_POS + 10)]
    vec = parse(V._vector_of(vs, "B", "D"))
    assert len(vec["x"]) == V.MAX_POSITIONS  # PostgreSQL keeps 256; we write at most that


def test_unusable_words_are_left_out_and_match_nothing():
    huge = "a" * 3000
    assert V.phrase_query(("ok", huge)) is None and V.all_query(("x\x00",)) is None
    assert parse(V.words_vector(["ok", huge])) == {"ok": [(1, "D")]}


def test_quoting_survives_quotes_and_backslashes():
    assert V.quote("it's") == "'it''s'" and V.quote("a\\b") == "'a\\\\b'"


# --- long documents on a real database --------------------------------------------------------
def test_a_long_repetitive_document_answers_phrases_and_sections_as_whoosh_does(tmp_path):
    import random

    from archive_cli.importing.prepare import build_document
    from archive_cli.index.records import record_for
    from archive_cli.index.whoosh import WhooshIndex
    from archive_cli.postgres.db import Database
    from archive_cli.postgres.index import PgIndex
    from archive_cli.search.filters import Filters
    from archive_cli.search.service import SearchService
    from archive_cli.store import Store, content_hash, id_for
    from tests.pg import fresh_database

    rng = random.Random(7)
    vocab = ["và", "của", "các", "kinh", "phí", "tổ", "chức", "thực", "hiện", "hóa", "đơn", "kiểm", "tra"]
    body = " ".join(rng.choice(vocab) for _ in range(9000))
    text = ("KẾ HOẠCH\nVề việc kiểm tra\n\nI. MỤC ĐÍCH, YÊU CẦU\n" + body + "\n\nII. NỘI DUNG\n" + body[::-1]
            + "\n\nIII. TỔ CHỨC THỰC HIỆN\nGiao các sở thực hiện " + body[:20000] + " kết thúc chuỗi cuối cùng.\n")
    data = text.encode("utf-8")
    sha = content_hash(data)
    doc = build_document("long.txt", data, sha, id_for(sha), ())
    record = record_for(doc, "s")
    assert max(len(p.text.split()) for p in record.passages) > V.CHUNK_WORDS
    words = body.split()
    phrases = ['"' + " ".join(words[i:i + k]) + '"' for i, k in ((0, 3), (2040, 6), (2047, 2), (4090, 12), (8990, 8))]
    phrases += ['"kết thúc chuỗi cuối cùng"', '"ket thuc chuoi"', '"cùng kết"', '"thực hiện kết thúc"']
    wh = WhooshIndex(tmp_path / "index")
    wh.create()
    wh.add([record])
    with fresh_database() as url:
        pg = PgIndex(Database(url))
        pg.create()
        pg.add([record])
        for q in phrases:
            for section in (None, "purpose", "content", "implementation"):
                f = Filters(section=section)
                got = [SearchService(Store(tmp_path / "none"), ix).search(q, filters=f, snippets=False, suggest=False).total
                       for ix in (wh, pg)]
                assert got[0] == got[1], (q, section, got)
        assert SearchService(Store(tmp_path / "none"), pg).search(phrases[3], snippets=False).total == 1
        pg.db.close()
