"""Reading the index's files without Whoosh (archive_cli/index/segfiles.py): every term, column
and stored field reads as Whoosh reads it; a search process never imports Whoosh; a missing
manifest is rebuilt from Whoosh's table of contents."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run


def _generation(root: Path) -> Path:
    cur = json.loads((root / "index" / "CURRENT").read_text())
    return root / "index" / cur["generation"]


def test_length_table_is_whooshs():
    from whoosh.util.numeric import byte_to_length

    from archive_cli.index.segfiles import LENGTH_TABLE

    assert LENGTH_TABLE == [byte_to_length(b) for b in range(256)]


def test_every_term_column_and_stored_field_reads_as_whoosh_reads_it(loaded):
    from whoosh import index

    from archive_cli.index.segfiles import open_files

    folder = _generation(loaded)
    assert run(loaded, "remove", json.loads(run(loaded, "list", "--json").stdout)[0]["id"]).exit_code == 0
    ix = index.open_dir(str(folder))
    with ix.reader() as reader, open_files(folder) as files:
        leaves = reader.leaf_readers()
        assert [off for _r, off in leaves] == [s.offset for s in files.segments]
        checked = 0
        for (r, _off), seg in zip(leaves, files.segments):
            assert seg.doccount == r.doc_count_all()
            assert seg.deleted == frozenset(r.deleted_docs_set if r.has_deletions() else ())
            for field, btext in r.all_terms():
                info = r.term_info(field, btext)
                assert seg.doc_frequency(field, btext) == info.doc_frequency(), (field, btext)
                m, theirs = r.postings(field, btext), []
                while m.is_active():
                    if not r.is_deleted(m.id()):
                        theirs.append((m.id(), m.weight()))
                    m.next()
                ids, weights, _v = seg.postings(field, btext)
                assert list(ids) == [d for d, _w in theirs], (field, btext)
                assert list(weights) == pytest.approx([w for _d, w in theirs]), (field, btext)
                checked += 1
            for field in r.indexed_field_names():
                assert list(seg.lexicon(field)) == list(r.lexicon(field))
            assert seg.doc_frequency("all_f", "khong-co-tu-nay".encode()) == 0
            for d in range(r.doc_count_all()):
                assert seg.stored_fields(d) == r.stored_fields(d)
                for name in ("id", "issued", "spans"):
                    theirs = r.column_reader(name)[d]  # Whoosh decodes ID columns to str
                    assert seg.column(name)[d] == (theirs.encode() if isinstance(theirs, str) else theirs)
        assert checked > 1000
        for field in ("all_f", "all_x", "title_f"):
            assert files.field_length(field) == reader.field_length(field)


def test_large_columns_with_stored_offsets_read_alike(tmp_path):
    """Whoosh stores a column's offsets only past 32,768 documents; the same layout, forced
    small, reads alike."""
    from whoosh.columns import VarBytesColumn as WColumn
    from whoosh.filedb.filestore import FileStorage

    from archive_cli.index.segfiles import VarBytesColumn

    values = [f"v{i}".encode() * (i % 4) for i in range(300)]
    st = FileStorage(str(tmp_path))
    for cutoff in (2, 10_000):
        f = st.create_file("c")
        w = WColumn(write_offsets_cutoff=cutoff).writer(f)
        for i, v in enumerate(values):
            if v:
                w.add(i, v)
        w.finish(len(values))
        f.close()
        col = VarBytesColumn((tmp_path / "c").read_bytes(), len(values))
        assert [col[i] for i in range(len(values))] == values


def test_a_search_process_imports_no_whoosh(loaded):
    # Nor what only writing needs: OpenSSL's hashlib (~3 ms), shutil's bz2 and lzma.
    unwanted = ("whoosh", "_hashlib", "bz2", "lzma")
    code = ("import runpy, sys\n"
            f"sys.argv = ['archive', '--archive', {str(loaded)!r}, 'search', 'chuyen doi so', '--json']\n"
            "try:\n    runpy.run_module('archive_cli', run_name='__main__')\n"
            "except SystemExit as e:\n    code = e.code\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {unwanted!r}), code, file=sys.stderr)\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.stderr.strip().endswith("[] 0"), res.stderr
    assert json.loads(res.stdout)["total"] > 0


def test_a_missing_manifest_is_rebuilt_from_whooshs_table_of_contents(loaded):
    before = json.loads(run(loaded, "search", "chuyen doi so", "--json").stdout)
    folder = _generation(loaded)
    manifests = list(folder.glob("manifest_*.json"))
    assert len(manifests) == 1
    manifests[0].unlink()
    after = json.loads(run(loaded, "search", "chuyen doi so", "--json").stdout)
    assert after == before
    assert [p.name for p in folder.glob("manifest_*.json")] == [manifests[0].name]


def test_each_commit_leaves_one_manifest_naming_the_live_segments(loaded, tmp_path):
    from whoosh import index

    from tests.helpers import write

    write(tmp_path / "new.txt", "THÔNG BÁO\nvề việc kiểm tra\n\nNội dung: kiểm tra định kỳ.\n")
    assert run(loaded, "import", str(tmp_path / "new.txt")).exit_code == 0
    folder = _generation(loaded)
    (manifest,) = folder.glob("manifest_*.json")
    data = json.loads(manifest.read_text())
    toc = index.open_dir(str(folder))._read_toc()
    assert data["generation"] == toc.generation
    assert [s["id"] for s in data["segments"]] == [s.segment_id() for s in toc.segments]


def test_a_damaged_manifest_is_rebuilt_too(loaded):
    before = json.loads(run(loaded, "search", "chuyen doi so", "--json").stdout)
    (manifest,) = _generation(loaded).glob("manifest_*.json")
    manifest.write_text("{")
    res = run(loaded, "search", "chuyen doi so", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == before
    assert json.loads(manifest.read_text())["segments"]  # saved again, whole


def test_a_segment_missing_a_file_is_never_read_as_having_no_such_column(loaded):
    """A merge deletes a segment's files one by one: a reader that finds some gone must open
    again (StaleFiles), not search without, say, its section spans."""
    from archive_cli.index.segfiles import StaleFiles, open_files

    query = ("thuc hien", "--section", "implementation", "--json")
    before = run(loaded, "search", *query)
    assert before.exit_code == 0, before.output
    folder = _generation(loaded)
    (spans,) = folder.glob("*.spans.col")
    spans.unlink()
    with pytest.raises(StaleFiles):
        open_files(folder, attempts=1)
    res = run(loaded, "check")
    assert res.exit_code == 1, res.output
    assert run(loaded, "check", "--repair").exit_code == 0
    after = run(loaded, "search", *query)
    assert json.loads(after.stdout)["results"] == json.loads(before.stdout)["results"]


def test_damage_found_while_searching_names_the_fix(loaded):
    folder = _generation(loaded)
    for pst in folder.glob("*.pst"):
        pst.write_bytes(bytes(pst.stat().st_size))
    res = run(loaded, "search", "chuyen doi so")
    assert res.exit_code == 1
    assert "archive reindex" in res.stderr and "Traceback" not in res.stderr
    assert run(loaded, "reindex").exit_code == 0
    assert run(loaded, "search", "chuyen doi so").exit_code == 0
