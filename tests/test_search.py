"""Search semantics (SPEC §5) on small documents made here, through the real CLI."""
from __future__ import annotations

import json
import unicodedata

import pytest

from tests.helpers import run, write

DOCS = {
    "ma.txt": "THÔNG BÁO\nvề con ma trong truyện cổ\n\nNội dung: chuyện con ma ở làng.\n",
    "ma-sac.txt": "THÔNG BÁO\nvề người má\n\nNội dung: người má hiền.\n",
    "ma-nga.txt": "THÔNG BÁO\nvề mã số thuế\n\nNội dung: cấp mã số thuế.\n",
    "hoa-old.txt": "THÔNG BÁO\nvề văn hoá đọc\n\nNội dung: phát triển văn hoá đọc ở thôn.\n",
    "hoa-new.txt": "THÔNG BÁO\nvề văn hóa cơ sở\n\nNội dung: xây dựng văn hóa cơ sở.\n",
    "hoa-hoa.txt": "THÔNG BÁO\nvề hòa giải\n\nNội dung: công tác hòa giải ở cơ sở.\n",
    "dang.txt": "THÔNG BÁO\nvề công tác xây dựng Đảng\n\nNội dung: xây dựng Đảng trong sạch.\n",
    "dang2.txt": "THÔNG BÁO\nvề việc đang triển khai\n\nNội dung: các dự án đang thi công.\n",
    "kh.txt": (
        "ỦY BAN NHÂN DÂN\nTỈNH BẮC KẠN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 77/KH-UBND\nBắc Kạn, ngày 10 tháng 5 năm 2023\n\nKẾ HOẠCH\nphòng, chống dịch bệnh mùa mưa\n\n"
        "I. MỤC ĐÍCH, YÊU CẦU\nBảo vệ sức khỏe nhân dân trước dịch bệnh.\n\n"
        "II. NỘI DUNG\nPhun thuốc khử trùng tại các thôn bản; tổ chức tiêm chủng.\n\n"
        "III. TỔ CHỨC THỰC HIỆN\nSở Y tế chủ trì, phối hợp với các huyện kiểm tra, giám sát.\n"
    ),
    "qd.txt": (
        "ỦY BAN NHÂN DÂN\nTỈNH BẮC KẠN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 812/QĐ-UBND\nBắc Kạn, ngày 20 tháng 6 năm 2024\n\nQUYẾT ĐỊNH\nvề việc thành lập đoàn kiểm tra\n\n"
        "Căn cứ Kế hoạch số 77/KH-UBND ngày 10/5/2023 của Ủy ban nhân dân tỉnh;\n\nQUYẾT ĐỊNH:\n\n"
        "Điều 1. Thành lập đoàn kiểm tra công tác phòng chống dịch tại các huyện.\n\n"
        "Điều 2. Quyết định này có hiệu lực từ ngày ký.\n"
    ),
    "scattered.txt": "THÔNG BÁO\nvề nhân sự\n\nNội dung: tổ công tác đã hoàn thành; chức năng của phòng được giao lại.\n",
    "together.txt": "THÔNG BÁO\nvề bộ máy\n\nNội dung: kiện toàn tổ chức bộ máy của sở.\n",
}


@pytest.fixture(scope="module")
def arch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("in")
    for name, text in DOCS.items():
        write(folder / name, text)
    root = tmp_path_factory.mktemp("arch") / "a"
    res = run(root, "import", str(folder), "--jobs", "1", "--json")
    assert res.exit_code == 0, res.output
    ids = {json.loads(line)["path"].rsplit("/", 1)[-1]: json.loads(line)["id"] for line in res.stdout.splitlines()}
    return root, ids


def found(arch, *args) -> list[str]:
    root, ids = arch
    res = run(root, "search", *args, "--json", "--limit", "50")
    assert res.exit_code in (0, 1), res.output
    by_id = {v: k for k, v in ids.items()}
    return [by_id[r["id"]] for r in json.loads(res.stdout)["results"]]


def test_unaccented_word_matches_every_tone(arch):
    assert set(found(arch, "ma")) >= {"ma.txt", "ma-sac.txt", "ma-nga.txt"}


def test_accented_word_matches_only_its_tone(arch):
    assert found(arch, "mã") == ["ma-nga.txt"]
    assert found(arch, "má") == ["ma-sac.txt"]
    assert "ma.txt" not in found(arch, "mã")


def test_tone_placement_is_canonical(arch):
    assert set(found(arch, "hoá")) == {"hoa-old.txt", "hoa-new.txt"}
    assert set(found(arch, "hóa")) == {"hoa-old.txt", "hoa-new.txt"}
    # ("CỘNG HÒA" in the headers of the plan and the decision matches too: filter to notices)
    assert found(arch, "hòa", "--type", "TB") == ["hoa-hoa.txt"]
    assert set(found(arch, "hoa")) >= {"hoa-old.txt", "hoa-new.txt", "hoa-hoa.txt"}


def test_nfd_query_equals_nfc(arch):
    assert found(arch, unicodedata.normalize("NFD", "văn hóa")) == found(arch, "văn hóa")


def test_d_matches_đ_but_đảng_is_not_đang(arch):
    assert set(found(arch, "dang")) >= {"dang.txt", "dang2.txt"}
    assert found(arch, "đảng") == ["dang.txt"]
    assert found(arch, "đang") == ["dang2.txt"]


def test_exact_matches_rank_above_folded_ones(arch):
    assert found(arch, "ma")[0] == "ma.txt"


def test_words_standing_together_rank_first(arch):
    hits = found(arch, "to chuc")
    assert hits.index("together.txt") < hits.index("scattered.txt")


def test_quoted_phrase_needs_adjacent_words(arch):
    assert "scattered.txt" not in found(arch, '"tổ chức"')
    assert "together.txt" in found(arch, '"tổ chức"')


def test_or_not_and_minus(arch):
    assert set(found(arch, "mã", "OR", "má")) == {"ma-nga.txt", "ma-sac.txt"}
    assert "ma-nga.txt" not in found(arch, "ma", "-thuế")
    assert "ma-nga.txt" not in found(arch, "ma", "NOT", "thuế")
    assert "ma.txt" in found(arch, "ma", "-thuế")


def test_field_value(arch):
    assert found(arch, "title:hòa") == ["hoa-hoa.txt"]
    assert set(found(arch, "title:hoa")) == {"hoa-hoa.txt", "hoa-old.txt", "hoa-new.txt"}
    assert set(found(arch, "type:KH", "dich")) == {"kh.txt"}


def test_number_query_finds_the_document_then_those_citing_it(arch):
    for q in ("77/KH-UBND", "77/kh-ubnd", "77/KH-UBND "):
        assert found(arch, q)[:2] == ["kh.txt", "qd.txt"]


def test_type_filter_spellings(arch):
    for t in ("Kế hoạch", "ke hoach", "KH", "kh"):
        assert found(arch, "dich", "--type", t) == ["kh.txt"]
    assert found(arch, "dich", "--type", "QĐ") == ["qd.txt"]


def test_date_filters(arch):
    assert found(arch, "dich", "--year", "2024") == ["qd.txt"]
    assert found(arch, "dich", "--from", "2023-01-01", "--to", "2023-12-31") == ["kh.txt"]
    assert found(arch, "dich", "--from", "01/06/2024") == ["qd.txt"]


def test_section_scoped_search(arch):
    assert found(arch, "kiem tra", "--section", "implementation") == ["kh.txt"]
    assert found(arch, "kiem tra", "--section", "purpose") == []
    root, ids = arch
    res = json.loads(run(root, "search", "giam sat", "--section", "implementation", "--json").stdout)
    assert res["results"][0]["sections"] == ["implementation"]


def test_sort_by_date_and_paging(arch):
    root, ids = arch
    dated = json.loads(run(root, "search", "dich", "--sort", "date", "--json").stdout)["results"]
    assert [r["issued"] for r in dated][:2] == ["2024-06-20", "2023-05-10"]
    p1 = json.loads(run(root, "search", "thong bao", "--limit", "2", "--json").stdout)
    p2 = json.loads(run(root, "search", "thong bao", "--limit", "2", "--page", "2", "--json").stdout)
    assert len(p1["results"]) == 2 and p1["total"] == p2["total"]
    assert not {r["id"] for r in p1["results"]} & {r["id"] for r in p2["results"]}


def test_snippet_highlights_and_terms_in_json(arch):
    root, _ = arch
    r = json.loads(run(root, "search", "khu trung", "--json").stdout)["results"][0]
    assert "khử trùng" in r["snippet"]
    assert set(r["terms"]) == {"khử", "trùng"}


def test_nothing_found_suggests_a_spelling_that_has_hits(arch):
    root, _ = arch
    res = run(root, "search", "kiemm")
    assert res.exit_code == 1
    assert "kiem" in res.stderr  # "Did you mean 'kiem'?"
    res = run(root, "search", "dich", "--type", "Chỉ thị")
    assert res.exit_code == 1 and "--type Chỉ thị" in res.stderr


def test_query_length_is_capped(arch):
    root, _ = arch
    res = run(root, "search", "a" * 5000)
    assert res.exit_code == 2 and "limit" in res.stderr
    res = run(root, "search", "...")
    assert res.exit_code == 2 and res.stderr == "Error: The query has no words to search for.\n"


def test_similar(arch):
    root, ids = arch
    res = run(root, "similar", ids["hoa-new.txt"], "--json")
    assert res.exit_code == 0
    assert ids["hoa-new.txt"] not in [x["id"] for x in json.loads(res.stdout)]


def test_words_meeting_only_where_the_title_meets_the_type_are_not_together(arch):
    """Passages stand apart in the index: the title's last word ("mưa") is not next to the type
    line's first ("Kế hoạch"), though the head lines follow the title."""
    from archive_cli.archive import Archive
    from archive_cli.search import Filters
    from archive_cli.search.planner import plan_search
    from archive_cli.search.query import parse_query
    from archive_cli.search.ranking import in_order

    root, ids = arch
    res = Archive(root).index.search(plan_search(parse_query("mua ke hoach"), Filters()), limit=10,
                                     positions=("mua", "ke", "hoach"), positions_depth=10)
    hit = next(h for h in res.hits if h.id == ids["kh.txt"])
    where = {w: set(p) for w, p in hit.positions.items()}
    assert where["mua"] and in_order(where, ["ke", "hoach"])  # the words are there
    assert not in_order(where, ["mua", "ke"])


def test_the_rerank_lifts_words_standing_together_above_a_higher_score(tmp_path):
    """BM25 alone ranks a short document repeating both words apart above a long one with them
    side by side once; the adjacency re-rank reverses that."""
    from archive_cli.archive import Archive
    from archive_cli.search import Filters
    from archive_cli.search.planner import plan_search
    from archive_cli.search.query import parse_query

    folder = tmp_path / "in"
    write(folder / "apart.txt", "THÔNG BÁO\nvề nhân sự\n\nNội dung: tổ trưởng; chức vụ; tổ phó; chức danh; tổ viên.\n")
    write(folder / "beside.txt", "THÔNG BÁO\nvề bộ máy\n\nNội dung: kiện toàn tổ chức bộ máy "
          + "của sở, các phòng chuyên môn, đơn vị sự nghiệp trực thuộc và ban quản lý dự án. " * 3 + "\n")
    root = tmp_path / "a"
    res = run(root, "import", str(folder), "--jobs", "1", "--json")
    ids = {json.loads(line)["path"].rsplit("/", 1)[-1]: json.loads(line)["id"] for line in res.stdout.splitlines()}
    base = Archive(root).index.search(plan_search(parse_query("to chuc"), Filters()), limit=10)
    assert [h.id for h in base.hits] == [ids["apart.txt"], ids["beside.txt"]]
    final = json.loads(run(root, "search", "to chuc", "--json").stdout)["results"]
    assert [r["id"] for r in final] == [ids["beside.txt"], ids["apart.txt"]]
