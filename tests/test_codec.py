"""Our Whoosh codec (archive_cli/index/codec.py, blocks.py): posting blocks round-trip, and an
index mixing segments in Whoosh's own block format with ours reads the same through Whoosh's
searcher and through our engine."""
from __future__ import annotations

import pickle
import struct

from hypothesis import given, settings, strategies as st

from archive_cli.index import blocks


@st.composite
def _block(draw):
    n = draw(st.integers(1, 128))
    gaps = draw(st.lists(st.integers(1, 70_000), min_size=n, max_size=n))
    ids, d = [], draw(st.integers(0, 1000))
    for g in gaps:
        ids.append(d)
        d += g
    kind = draw(st.sampled_from(["ones", "counts", "floats"]))
    if kind == "ones":
        weights = [1.0] * n
    elif kind == "counts":
        weights = [float(w) for w in draw(st.lists(st.integers(1, 70_000), min_size=n, max_size=n))]
    else:
        weights = draw(st.lists(st.floats(0.5, 100.0, width=32), min_size=n, max_size=n))
    fixed = draw(st.sampled_from([None, 0, 4]))
    if fixed is None:
        values = draw(st.lists(st.binary(min_size=1, max_size=300), min_size=n, max_size=n))
    elif fixed == 0:
        values = []
    else:
        values = draw(st.lists(st.binary(min_size=4, max_size=4), min_size=n, max_size=n))
    return ids, weights, values, fixed


@settings(max_examples=300, deadline=None)
@given(_block())
def test_blocks_round_trip(block):
    ids, weights, values, fixed = block
    packed = blocks.pack(ids, weights, values, fixed)
    assert packed is not None and packed[:1] == blocks.MAGIC
    got_ids, got_weights, got_values = blocks.unpack(packed, len(ids), fixed)
    assert list(got_ids) == ids
    assert list(got_weights) == weights
    assert list(got_values) == (values if fixed != 0 else [None] * len(ids))


@settings(max_examples=200, deadline=None)
@given(_block(), st.data())
def test_read_values_of_some_documents_are_the_blocks_values(block, data):
    ids, weights, values, fixed = block
    packed = blocks.pack(ids, weights, values, fixed)
    wanted = sorted(set(data.draw(st.lists(st.sampled_from(ids), max_size=10))) | {ids[-1] + 1})
    _i, _w, vals = blocks.unpack(packed, len(ids), fixed)
    expected = {d: v for d, v in zip(ids, vals) if d in wanted}
    # the block as the one block of a term's extent: header, [-length][pickled info][data]
    info = pickle.dumps((len(ids), ids[-1], max(weights), 0, 0, 0), 2)
    extent = b"\0" * 4 + struct.pack("!i", -(len(info) + len(packed))) + info + packed
    assert blocks.read_values_of(extent, fixed, wanted) == expected
    assert blocks.read_postings(extent, fixed)[2] == list(vals)


def test_positions_of_chosen_documents_skip_to_their_blocks(tmp_path):
    """``IndexFiles.positions`` (the adjacency re-rank's reader) decodes only the blocks holding
    the documents asked for; it finds the same positions as reading every posting, in Whoosh's
    128-posting pickled blocks and in ours, inlined terms included."""
    import random

    from whoosh import index

    from archive_cli.index.blocks import decode_positions
    from archive_cli.index.codec import lean_writer
    from archive_cli.index.whoosh_backend import make_schema

    rng = random.Random(7)
    words = "to chuc thuc hien ke hoach kiem tra".split()
    ix = index.create_in(str(tmp_path), make_schema())
    for make in (lambda: ix.writer(compound=False), lambda: lean_writer(ix, compound=False)):
        w = make()
        for i in range(1300):  # "to" in every document: more than one block in either format
            t = " ".join(["to", *rng.choices(words, k=6), "chuc"])
            w.add_document(id=f"d{i}", all_f=t, all_x=t)
        w.add_document(id="rare", all_f="hiem co", all_x="hiem co")  # an inlined term
        w.commit(merge=False)
    with _files(ix) as files:
        assert len(files.segments) == 2
        for word in ("to", "chuc", "hien", "hiem", "khong"):
            full = {}
            for seg in files.segments:
                ids, _w, vals = seg.postings("all_f", word, values=True)
                full.update((d + seg.offset, decode_positions(v)) for d, v in zip(ids, vals))
            for chosen in (rng.sample(range(files.total), 40), [0, files.total - 1], list(range(files.total))):
                got = files.positions("all_f", word, chosen)
                assert got == {d: p for d, p in full.items() if d in set(chosen)}, word


def _all_postings(ix) -> dict:
    with _files(ix) as files:
        out = {}
        for seg in files.segments:
            for field in files.fields:
                for btext in seg.lexicon(field):
                    ids, weights, vals = seg.postings(field, btext, values=True)
                    out[field, btext] = (list(ids), list(weights), list(vals))
        return out


def test_a_pool_spilled_to_disk_writes_the_same_postings(tmp_path):
    """The writer's pool keeps postings by term in memory; past its limit it spills sorted
    runs to disk and the flush merges them (Whoosh's way). Both give the same segment."""
    import random

    from whoosh import index

    from archive_cli.index.codec import lean_writer
    from archive_cli.index.whoosh_backend import make_schema

    rng = random.Random(3)
    words = "to chuc thuc hien ke hoach kiem tra giam sat dich benh".split()
    texts = [" ".join(rng.choices(words, k=rng.randint(3, 40))) for _ in range(120)]
    found = []
    for limitmb in (64, 0.02):
        (tmp_path / str(limitmb)).mkdir()
        ix = index.create_in(str(tmp_path / str(limitmb)), make_schema())
        w = lean_writer(ix, compound=False, limitmb=limitmb)
        for i, t in enumerate(texts):
            w.add_document(id=f"d{i:03d}", all_f=t, all_x=t, title_f=t[:20])
        assert bool(w.pool.runs) == (limitmb < 1)
        w.commit(merge=False)
        found.append(_all_postings(ix))
    assert found[0] == found[1]
    assert len(found[0]) > 2 * len(words)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["all_f", "all_x", "tags"]), st.sampled_from([b"a", b"b", b"ca", b"c"]),
                          st.booleans()), max_size=60))
def test_the_pool_gives_postings_in_field_term_and_document_order(tmp_path_factory, adds):
    """Whatever order a document's terms come in, the pool yields what Whoosh's sorted pool
    would: by field, then term, then document."""
    from whoosh import index

    from archive_cli.index.codec import lean_writer
    from archive_cli.index.whoosh_backend import make_schema

    ix = index.create_in(str(tmp_path_factory.mktemp("pool")), make_schema())
    w = lean_writer(ix, compound=False)
    try:
        pool, expected = w.pool, []
        for docnum, (field, term, bulk) in enumerate(adds):
            for d in (docnum * 2, docnum * 2 + 1):  # each document: one term, then another
                for t in (term, term + b"x"):
                    if bulk:
                        pool.add_document(field, d, [t], [1.0], [b"v"], 10)
                    else:
                        pool.add((field, t, d, 1.0, b"v"))
                    expected.append((field, t, d, 1.0, b"v"))
        got = [(f, t, d, w_, v) for f, t, ids, ws, vs in pool.terms() for d, w_, v in zip(ids, ws, vs)]
        assert got == sorted(expected)
        assert pool.is_empty()
    finally:
        w.cancel()


def test_the_pool_refuses_postings_that_go_back_in_document_order(tmp_path):
    """Each term's postings are kept in the order they come: one that would break docnum order
    is refused with a clear error instead of writing a wrong segment."""
    import pytest
    from whoosh import index

    from archive_cli.index.codec import lean_writer
    from archive_cli.index.whoosh_backend import make_schema

    ix = index.create_in(str(tmp_path), make_schema())
    w = lean_writer(ix, compound=False)
    try:
        w.pool.add_document("all_f", 5, [b"a"], [1.0], [b""], 10)
        with pytest.raises(RuntimeError, match="document 4 added after document 5"):
            w.pool.add_document("all_f", 4, [b"b"], [1.0], [b""], 10)
        w.pool.add_term("all_x", b"c", [7, 9], [1.0, 1.0], [b"", b""])
        w.pool.add_term("all_x", b"d", [6], [1.0], [b""])  # another term may start lower
        with pytest.raises(RuntimeError, match="out of document order"):
            w.pool.add_term("all_x", b"c", [8], [1.0], [b""])
    finally:
        w.cancel()


def test_block_with_missing_values_is_left_to_whoosh():
    assert blocks.pack([1, 2], [1.0, 1.0], [b"x"], None) is None


def _files(ix):
    """The index's files as a search reads them (no Whoosh)."""
    from pathlib import Path

    from archive_cli.index.segfiles import open_files

    return open_files(Path(ix.storage.folder))


def test_segments_in_whoosh_format_and_ours_read_alike(tmp_path):
    from whoosh import index, scoring
    from whoosh.query import Term as WTerm

    from archive_cli.index.codec import lean_writer
    from archive_cli.index.engine import Evaluator, Phrase, Term
    from archive_cli.index.whoosh_backend import make_schema

    ix = index.create_in(str(tmp_path), make_schema())
    texts = ["to chuc thuc hien ke hoach", "ke hoach to chuc", "thuc hien to chuc to chuc",
             "kiem tra giam sat", "to chuc kiem tra thuc hien"]
    w = ix.writer(compound=False)  # Whoosh's own writer and block format
    for i, t in enumerate(texts[:3]):
        w.add_document(id=f"a{i}", all_f=t, all_x=t)
    w.commit()
    w = lean_writer(ix, compound=False)  # ours
    for i, t in enumerate(texts[3:]):
        w.add_document(id=f"b{i}", all_f=t, all_x=t)
    w.commit(merge=False)
    with ix.searcher(weighting=scoring.BM25F()) as s:
        assert len(s.reader().leaf_readers()) == 2
        for word in ("to", "chuc", "kiem", "hoach"):
            theirs = {h["id"]: h.score for h in s.search(WTerm("all_x", word), limit=None)}
            ev = Evaluator(_files(ix))
            ours = {s.stored_fields(d)["id"]: sc for d, sc in ev.run(Term("all_x", word)).items()}
            assert ours.keys() == theirs.keys()
            for k in theirs:
                assert abs(ours[k] - theirs[k]) < 1e-4 * max(1.0, theirs[k])
        phrase = Evaluator(_files(ix)).run(Phrase("all_f", ("to", "chuc")))
        assert {s.stored_fields(d)["id"] for d in phrase} == {"a0", "a1", "a2", "b1"}
        phrase = Evaluator(_files(ix)).run(Phrase("all_f", ("thuc", "hien")))
        assert {s.stored_fields(d)["id"] for d in phrase} == {"a0", "a2", "b1"}


def test_merging_segments_keeps_every_posting_and_drops_deleted_documents(tmp_path):
    from whoosh import index

    from archive_cli.index.codec import lean_writer
    from archive_cli.index.engine import Evaluator, Phrase, Term
    from archive_cli.index.whoosh_backend import make_schema

    words = "to chuc thuc hien ke hoach kiem tra giam sat".split()
    texts = {f"d{i}": " ".join(words[(i + k) % len(words)] for k in range(3 + i % 4)) for i in range(14)}
    ix = index.create_in(str(tmp_path), make_schema())
    names = sorted(texts)
    for k in range(0, 14, 2):  # seven segments
        w = lean_writer(ix, compound=False)
        for name in names[k:k + 2]:
            w.add_document(id=name, all_f=texts[name], all_x=texts[name])
        w.commit(merge=False)
    w = lean_writer(ix, compound=False)
    w.delete_by_term("id", "d3")
    w.commit(optimize=True)  # merges everything through ArchiveWriter.add_postings_to_pool
    expected_live = {n: t for n, t in texts.items() if n != "d3"}
    with ix.searcher() as s:
        assert len(s.reader().leaf_readers()) == 1
        ev = Evaluator(_files(ix))
        for word in words:
            got = {s.stored_fields(d)["id"] for d in ev.run(Term("all_x", word))}
            assert got == {n for n, t in expected_live.items() if word in t.split()}
        got = {s.stored_fields(d)["id"] for d in ev.run(Phrase("all_f", ("hien", "ke")))}
        assert got == {n for n, t in expected_live.items() if "hien ke" in t}


def test_streaming_merge_of_segments_with_deletions(tmp_path):
    """The merge the archive runs (codec.streaming_merge): postings concatenated term by term,
    deleted documents dropped, and the level policy picks four segments of one size."""
    from whoosh import index

    from archive_cli.index.codec import choose_merge, streaming_merge
    from archive_cli.index.engine import Evaluator, Phrase, Term
    from archive_cli.index.whoosh_backend import _writer, make_schema

    words = "to chuc thuc hien ke hoach kiem tra giam sat".split()
    texts = {f"d{i:02d}": " ".join(words[(i * 3 + k) % len(words)] for k in range(2 + i % 5))
             for i in range(45)}
    ix = index.create_in(str(tmp_path), make_schema())
    names = sorted(texts)
    for k in range(0, 45, 5):  # nine segments of five documents
        with _writer(ix, 5.0) as w:
            for name in names[k:k + 5]:
                w.add_document(id=name, all_f=texts[name], all_x=texts[name], title_f=texts[name])
    with _writer(ix, 5.0) as w:
        w.delete_by_term("id", "d05")
        w.delete_by_term("id", "d17")
        w.delete_by_term("id", "d24")
    segments = ix._segments()
    assert len(segments) == 9
    chosen = choose_merge(segments)
    assert len(chosen) >= 8
    with _writer(ix, 5.0, mergetype=streaming_merge(chosen)):
        pass
    live = {n: t for n, t in texts.items() if n not in ("d05", "d17", "d24")}
    assert len(ix._segments()) == 9 - len(chosen) + 1
    with ix.searcher() as s:
        assert s.doc_count() == len(live)
        ev = Evaluator(_files(ix))
        for word in words:
            for field in ("all_x", "title_f"):
                got = {s.stored_fields(d)["id"] for d in ev.run(Term(field, word))}
                assert got == {n for n, t in live.items() if word in t.split()}, (field, word)
        for pair in (("to", "chuc"), ("hoach", "kiem"), ("sat", "to")):
            got = {s.stored_fields(d)["id"] for d in ev.run(Phrase("all_f", pair))}
            assert got == {n for n, t in live.items() if " ".join(pair) in t}, pair
        # field lengths survive the merge (BM25 needs them)
        r = s.reader()
        for d in range(r.doc_count_all()):
            if not r.is_deleted(d):
                name = r.stored_fields(d)["id"]
                assert r.doc_field_length(d, "all_x") == len(live[name].split())


def test_phrase_scores_equal_whoosh_also_with_a_repeated_word(tmp_path):
    from whoosh import index, scoring
    from whoosh.query import Phrase as WPhrase

    from archive_cli.index.codec import lean_writer
    from archive_cli.index.engine import Evaluator, Phrase
    from archive_cli.index.whoosh_backend import make_schema

    texts = ["to chuc to chuc thuc hien", "to to chuc", "chuc to chuc to", "to chuc", "thuc hien to"]
    ix = index.create_in(str(tmp_path), make_schema())
    w = lean_writer(ix, compound=False)
    for i, t in enumerate(texts):
        w.add_document(id=f"d{i}", all_f=t, all_x=t)
    w.commit()
    with ix.searcher(weighting=scoring.BM25F()) as s:
        ev = Evaluator(_files(ix))
        for words in (("to", "chuc"), ("to", "chuc", "to"), ("chuc", "to", "chuc", "to")):
            theirs = {h.docnum: h.score for h in s.search(WPhrase("all_f", list(words)), limit=None)}
            ours = ev.run(Phrase("all_f", words))
            assert ours.keys() == theirs.keys(), words
            for d, score in theirs.items():
                assert abs(ours[d] - score) < 1e-4 * max(1.0, score), (words, d)


def test_section_spans_fall_back_to_heading_words():
    from types import SimpleNamespace

    from archive_cli.index.fields import _spans_by_headings
    from archive_cli.text.analysis import tokens

    words = tokens("Kế hoạch x. I. MỤC ĐÍCH yêu cầu a b. II. NỘI DUNG c d. III. TỔ CHỨC THỰC HIỆN e f")
    sections = [SimpleNamespace(kind="purpose", heading="MỤC ĐÍCH"),
                SimpleNamespace(kind="content", heading="Không có ở đây"),
                SimpleNamespace(kind="implementation", heading="TỔ CHỨC THỰC HIỆN")]
    kinds, starts, ends = _spans_by_headings(words, sections)
    assert kinds == ["purpose", "implementation"]
    assert words[starts[0]:starts[0] + 2] == ["mục", "đích"] and ends[0] == starts[1]
    assert words[starts[1]:ends[1]] == ["tổ", "chức", "thực", "hiện", "e", "f"]
