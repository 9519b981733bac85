"""`archive refs` on a terminal (issue 17): one entry a line under a heading, titles and dates
for citing documents, and no bogus citations read across table cells."""
from __future__ import annotations

import json
import re

from tests.helpers import run


def test_refs_lists_one_entry_a_line_under_headings(loaded):
    res = run(loaded, "refs", "125/KH-UBND")
    lines = res.stdout.splitlines()
    assert lines[0] == "Cites (3):"
    assert "  Nghị định 30/2020/NĐ-CP  05/03/2020  Chính phủ" in lines
    assert "  Quyết định 458/QĐ-TTg  03/04/2020  Thủ tướng Chính phủ" in lines
    k = lines.index("Cited by (2):")
    entries = lines[k + 1:]
    assert len(entries) == 2 and all(e.startswith("  ") for e in entries)
    # cited by: date as clerks read it, number, title, then the id to open it with
    qd = json.loads(run(loaded, "show", "1482/QĐ-UBND", "--json").stdout)
    assert f"  02/07/2024  1482/QĐ-UBND  {qd['title']}  [{qd['id']}]" in entries
    # an archived citation says which document it is
    res = run(loaded, "refs", "1482/QĐ-UBND")
    kh = json.loads(run(loaded, "show", "125/KH-UBND", "--json").stdout)["id"]
    assert f"  Kế hoạch 125/KH-UBND  15/03/2024  Ủy ban nhân dân tỉnh  [{kh}]" in res.stdout.splitlines()


def test_refs_lines_fit_a_terminal_and_keep_the_id(loaded):
    from archive_cli.archive import Archive
    from archive_cli.views import refs_listing

    arch = Archive(loaded)
    lines = refs_listing(arch.refs("125/KH-UBND"), width=60)
    assert all(len(line) <= 60 for line in lines)
    by = lines[lines.index("Cited by (2):") + 1:]
    assert any(re.fullmatch(r"  02/07/2024  1482/QĐ-UBND  Quyết định Về.*…  \[[0-9a-f]{12}\]", e) for e in by), by
    # piped: whole lines
    assert all("…" not in line for line in run(loaded, "refs", "125/KH-UBND").stdout.splitlines())


def _cites(archive, doc_id):
    return json.loads(run(archive, "refs", doc_id, "--json").stdout)["cites"]


def test_no_citation_is_read_across_table_cells_of_real_documents(corpus, tmp_path):
    """A cell ending "Nghị định" and the next row's number "3" are not "Nghị định 3"."""
    md = corpus / "tvpl-md-tnt305" / "md"
    names = ["001c610b2efdcf0c.md", "02b9be77*.md", "2d737276*.md", "54869334*.md", "74e2ddc7*.md"]
    files = [next(md.glob(n)) for n in names]
    archive = tmp_path / "a"
    assert run(archive, "import", *map(str, files)).exit_code == 0
    docs = json.loads(run(archive, "list", "--json").stdout)
    assert len(docs) == len(files)
    bare, typed = [], 0
    for d in docs:
        for c in _cites(archive, d["id"]):
            if c["number"] is None:
                bare.append(f"{c['doc_type']} {', '.join(c['numbers'])}")
                assert "\n" not in c["span"], c
            else:
                typed += 1
        text = run(archive, "show", d["id"]).stdout
        assert "Nghị định 3;" not in text and "Thông tư 4" not in text
    for bogus in ("Nghị định 3", "Thông tư 4", "Báo cáo 3", "Quy định 4", "Luật 5", "Luật 39", "Quy định 1, 25"):
        assert bogus not in bare
    # real citations stay: bare ones in running text, and every typed one
    assert {"Đề án 06", "Kế hoạch 02", "Chỉ thị 18"} <= set(bare)
    assert typed >= 40


def test_bare_citations_in_sentences_are_kept():
    from archive_cli.parse import find_references

    refs = find_references("thực hiện các Chỉ thị 15, 16, 19 của Thủ tướng Chính phủ về phòng, chống dịch;"
                           " gắn với Đề án 06 và Kế hoạch 2026 của tỉnh; Nghị quyết 0 8 của Bộ chính trị;"
                           " quy định của pháp luật 1à quyền của công dân")
    assert [(r.doc_type, r.numbers) for r in refs] == [("Chỉ thị", ["15", "16", "19"]), ("Đề án", ["06"])]
