"""The block-at-a-time query engine (archive_cli/index/engine.py) against Whoosh itself and
against the text: same scores as Whoosh's BM25F, the same matches across several segments and
after removals, phrases only where the words stand together."""
from __future__ import annotations

import json
import re

import pytest

from archive_cli.index.engine import Evaluator, Phrase, Term
from archive_cli.text.analysis import folded, tokens
from tests.helpers import run, write

WORDS = ("tổ chức thực hiện kế hoạch kiểm tra giám sát phòng chống dịch bệnh chuyển đổi số "
         "tuyên truyền cơ sở nhân dân huyện xã thôn bản").split()


def _text(i: int) -> str:
    # Deterministic, varied documents: different lengths and word counts, some repeats.
    body = " ".join(WORDS[(i * 7 + k * (i % 5 + 1)) % len(WORDS)] for k in range(10 + 3 * (i % 9)))
    return f"THÔNG BÁO\nvề việc số {i}\n\nNội dung: {body}.\n"


@pytest.fixture(scope="module")
def arch(tmp_path_factory):
    root = tmp_path_factory.mktemp("arch") / "a"
    ids = {}
    for batch in range(3):  # three imports: three segments
        folder = tmp_path_factory.mktemp(f"in{batch}")
        for i in range(batch * 20, batch * 20 + 20):
            write(folder / f"d{i:03d}.txt", _text(i))
        res = run(root, "import", str(folder), "--jobs", "1", "--json")
        assert res.exit_code == 0, res.output
        for line in res.stdout.splitlines():
            rec = json.loads(line)
            ids[int(re.search(r"d(\d+)", rec["path"]).group(1))] = rec["id"]
    removed = [3, 24, 41, 42]
    for i in removed:
        assert run(root, "remove", ids[i]).exit_code == 0
    return root, ids, removed


def _reader(root):
    from archive_cli.index.whoosh_backend import WhooshIndex

    return WhooshIndex(root / "index")._open().reader()


def _files(root):
    from archive_cli.index.whoosh_backend import WhooshIndex

    return WhooshIndex(root / "index")._files()


def test_the_archive_has_several_segments_and_deletions(arch):
    root, _ids, removed = arch
    reader = _reader(root)
    try:
        leaves = reader.leaf_readers()
        assert len(leaves) > 1
        assert any(r.has_deletions() for r, _off in leaves)
        assert reader.doc_count() == 60 - len(removed)
    finally:
        reader.close()
    with _files(root) as files:  # the search's own view of the same files agrees
        assert len(files.segments) == len(leaves)
        assert files.total - sum(len(s.deleted) for s in files.segments) == 60 - len(removed)


@pytest.mark.parametrize("word", ["to", "chuc", "dich", "so", "ban", "khong-co"])
def test_term_scores_equal_whoosh_bm25f(arch, word):
    from whoosh import scoring
    from whoosh.query import Term as WTerm

    root, _ids, _removed = arch
    reader = _reader(root)
    try:
        from whoosh.searching import Searcher

        with Searcher(reader, weighting=scoring.BM25F(), closereader=False) as s:
            theirs = {h.docnum: h.score for h in s.search(WTerm("all_f", word), limit=None)}
    finally:
        reader.close()
    with _files(root) as files:
        ours = Evaluator(files).run(Term("all_f", word))
    assert set(ours) == set(theirs)
    for d, score in theirs.items():
        assert ours[d] == pytest.approx(score, rel=1e-5)


def _docs_with(root, ids, removed, pred) -> set[str]:
    return {ids[i] for i in range(60) if i not in removed and pred(folded(tokens(_text(i))))}


def _found(root, *args) -> set[str]:
    res = run(root, "search", *args, "--json", "--limit", "100")
    assert res.exit_code in (0, 1), res.output
    return {r["id"] for r in json.loads(res.stdout)["results"]}


@pytest.mark.parametrize("words", [["chuc", "thuc"], ["dich", "benh"], ["so", "tuyen"], ["xa", "thon", "ban"]])
def test_phrase_matches_exactly_the_documents_where_the_words_stand_together(arch, words):
    root, ids, removed = arch

    def together(toks):
        n = len(words)
        return any(toks[k:k + n] == words for k in range(len(toks)))

    expected = _docs_with(root, ids, removed, together)
    assert _found(root, '"' + " ".join(words) + '"') == expected


def test_words_and_not_across_segments(arch):
    root, ids, removed = arch
    expected = _docs_with(root, ids, removed, lambda t: "dich" in t and "xa" not in t)
    assert expected  # the test means something
    assert _found(root, "dich", "-xa") == expected
    expected_or = _docs_with(root, ids, removed, lambda t: "giam" in t or "huyen" in t)
    assert _found(root, "giam OR huyen") == expected_or


def test_removed_documents_never_match(arch):
    root, ids, removed = arch
    with _files(root) as files:
        ev = Evaluator(files)
        stored = {files.stored_fields(d)["id"] for d in ev.run(Phrase("all_f", ("noi", "dung")))}
    assert stored == {ids[i] for i in range(60) if i not in removed}


def test_section_spans_cut_the_indexed_words_at_the_section_headings(tmp_path):
    """The spans section-scoped search relies on: the indexed words are the document's words,
    and each span starts at its section's heading and follows the kind the parser gave it."""
    from pathlib import Path

    from archive_cli.archive import Archive
    from archive_cli.index.fields import SECTION_KINDS, decode_spans, head_length, record_for

    arch = Archive(tmp_path / "a")
    docs = Path(__file__).resolve().parent.parent / "documents"
    list(arch.import_paths([docs]))
    with _files(tmp_path / "a") as files:  # what a hit carries, for the re-rank's head_length
        stored = {f["id"]: f for f in map(files.stored_fields, range(files.total))}
    checked = 0
    for entry in arch.store.entries():
        doc = arch.store.load(entry.id)
        p = doc.parsed
        rec = record_for(doc, entry.stamp)
        head = " ".join(x for x in (p.title or "", p.doc_type or "", p.number or "", p.issuer or "") if x)
        words = rec.all_x.split()
        assert words == tokens(head + "\n" + p.body)
        assert head_length(stored[entry.id]) == len(tokens(head))  # the body starts there
        spans = decode_spans(rec.spans)
        heads = [(kind, line) for kind, _label, line in json.loads(rec.secmap) if kind in SECTION_KINDS]
        assert [SECTION_KINDS[k] for k, _a, _b in spans] == [kind for kind, _line in heads]
        for (_k, a, b), (_kind, line) in zip(spans, heads):
            assert words[a:a + len(tokens(line))] == tokens(line)
            assert b > a
            checked += 1
    assert checked >= 6


@pytest.mark.parametrize("query", ['kinh "to chuc"', "-kinh", "10/KH-UBND", "a OR b", "section:purpose"])
def test_an_index_without_documents_answers_every_query_with_nothing(tmp_path, query):
    from archive_cli.index import Filters
    from archive_cli.index.whoosh_backend import WhooshIndex
    from archive_cli.query import parse_query

    ix = WhooshIndex(tmp_path / "index")
    ix.create_if_missing()
    res = ix.search(parse_query(query), Filters(year=2024, date_from="2020-01-01"))
    assert (res.total, res.hits) == (0, [])


def test_postings_analysed_in_import_workers_equal_the_writers_own(tmp_path):
    """Import analyses the term fields in its workers (index.analyse_record); reindex lets the
    writer analyse the stored text. Both must give the same index: same hits, same scores."""
    folder = tmp_path / "in"
    for i in range(24):
        write(folder / f"d{i:02d}.txt", _text(i))
    root = tmp_path / "a"
    assert run(root, "import", str(folder), "--jobs", "2").exit_code == 0
    queries = [["chuc"], ['"thuc hien"'], ["dich", "-xa"], ["kế hoạch"], ["ban", "--section", "content"]]

    def results():
        out = []
        for q in queries:
            res = run(root, "search", *q, "--json", "--limit", "50")
            out.append([(r["id"], r["score"]) for r in json.loads(res.stdout)["results"]])
        return out

    before = results()
    assert any(before)
    assert run(root, "reindex").exit_code == 0
    assert results() == before



def _planned(i: int) -> tuple[str, dict[str, list[str]]]:
    """A plan with three sections whose words vary with ``i``; the words of each, folded."""
    parts = {kind: [WORDS[(i * 5 + k * (j + 2)) % len(WORDS)] for k in range(4 + (i + j) % 5)]
             for j, kind in enumerate(("purpose", "content", "implementation"))}
    text = (f"KẾ HOẠCH\nvề việc số {i}\n\nI. MỤC ĐÍCH, YÊU CẦU\n{' '.join(parts['purpose'])}.\n\n"
            f"II. NỘI DUNG\n{' '.join(parts['content'])}.\n\n"
            f"III. TỔ CHỨC THỰC HIỆN\n{' '.join(parts['implementation'])}.\n")
    return text, {k: folded(v) for k, v in parts.items()}


@pytest.mark.parametrize("word", ["dich", "kiem", "so"])
def test_section_scoped_words_across_segments(tmp_path, word):
    """A section condition looks only at the documents the other conditions leave, segment by
    segment: what it finds is exactly the documents with the word in that kind of section."""
    root, sections, ids = tmp_path / "a", {}, {}
    for batch in range(3):  # three imports: three segments
        folder = tmp_path / f"in{batch}"
        for i in range(batch * 8, batch * 8 + 8):
            text, sections[i] = _planned(i)
            write(folder / f"p{i:02d}.txt", text)
        res = run(root, "import", str(folder), "--jobs", "1", "--json")
        assert res.exit_code == 0, res.output
        for line in res.stdout.splitlines():
            rec = json.loads(line)
            ids[int(re.search(r"p(\d+)", rec["path"]).group(1))] = rec["id"]
    for kind in ("content", "implementation"):
        expected = {ids[i] for i, parts in sections.items() if word in parts[kind]}
        assert {i for i, parts in sections.items() if word in parts[kind]} - set(range(8))  # not one segment only
        assert expected and len(expected) < len(sections)  # the test means something
        res = run(root, "search", word, "--section", kind, "--json", "--limit", "100")
        assert {r["id"] for r in json.loads(res.stdout)["results"]} == expected

