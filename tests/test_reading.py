"""Reading and handing on (issue 6): show by section, exports, references, list, stats."""
from __future__ import annotations

import json
import re
import os
from pathlib import Path

import pytest

from tests.helpers import DOCUMENTS, json_lines, run

SNAPSHOTS = Path(__file__).with_name("snapshots")
SAMPLES = sorted(p for p in DOCUMENTS.iterdir() if p.is_file())


def ids_by_name(archive: Path) -> dict[str, str]:
    out = {}
    for item in json.loads(run(archive, "list", "--json").stdout):
        doc = json.loads(run(archive, "show", item["id"], "--json").stdout)
        out[doc["source"]["filename"]] = item["id"]
    return out


def test_show_terminal_view_rendered_at_fixed_width(loaded):
    from rich.console import Console

    from archive_cli.archive import Archive
    from archive_cli.render import show_document

    arch = Archive(loaded)
    doc = arch.get("125/KH-UBND")
    con = Console(record=True, width=100, force_terminal=True, color_system="truecolor")
    show_document(con, doc, arch.refs(doc.id))
    text = con.export_text(clear=False)
    assert "Kế hoạch" in text.splitlines()[0]  # the panel title
    assert re.search(r"│ Number +125/KH-UBND", text)
    assert re.search(r"Issued +15/03/2024", text)  # as clerks read dates; --json keeps ISO
    assert re.search(r"Recipients +Như Điều 3", text) or re.search(r"Recipients +\S", text)
    # the outline tree, then the body with numbering as printed
    assert "├── I. MỤC ĐÍCH, YÊU CẦU  (purpose)" in text
    assert "└── IV. TỔ CHỨC THỰC HIỆN  (implementation)" in text
    assert "\nIV. TỔ CHỨC THỰC HIỆN\n" in text
    assert "Cited by: Quyết định 1482/QĐ-UBND" in text
    # headings are styled: the exported HTML carries a bold style for them
    html = con.export_html()
    assert "font-weight: bold" in html


def test_show_sections_by_kind_number_and_path(loaded):
    res = run(loaded, "show", "125/KH-UBND", "--section", "IV.2")
    assert res.exit_code == 0
    assert "Sở Thông tin và Truyền thông" in res.stdout and "Sở Tài chính" not in res.stdout
    res = run(loaded, "show", "1482/QĐ-UBND", "-s", "Điều 2", "-s", "Điều 3")
    assert "hiệu lực thi hành" in res.stdout and "chịu trách nhiệm thi hành" in res.stdout
    assert "Ban hành kèm theo" not in res.stdout
    res = run(loaded, "show", "125/KH-UBND", "--section", "purpose", "--json")
    assert [s["number"] for s in json.loads(res.stdout)["sections"]] == ["I"]
    res = run(loaded, "show", "125/KH-UBND", "--section", "IX")
    assert res.exit_code == 1 and "no section 'IX'" in res.stderr


def test_show_outline_and_piped_output_is_plain(loaded):
    res = run(loaded, "show", "125/KH-UBND", "--outline")
    assert "IV. TỔ CHỨC THỰC HIỆN  (implementation)" in res.stdout
    assert "\x1b[" not in res.stdout and "╭" not in res.stdout


def test_show_original_gives_the_bytes(loaded, tmp_path):
    src = DOCUMENTS / "quyet-dinh-ban-hanh-quy-che-so-hoa.txt"
    out = tmp_path / "orig.txt"
    assert run(loaded, "show", "1482/QĐ-UBND", "--original", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == src.read_bytes()
    res = run(loaded, "show", "1482/QĐ-UBND", "--original")
    assert res.stdout_bytes == src.read_bytes()


def _same_document(a: dict, b: dict) -> None:
    from archive_cli.model import META_FIELDS

    for name in META_FIELDS:
        assert a[name] == b[name], name

    def outline(secs):
        return [(s["number"], s["heading"], s["kind"], outline(s["children"])) for s in secs]

    assert outline(a["sections"]) == outline(b["sections"])


def _round_trip(archive: Path, tmp_path: Path) -> int:
    out = tmp_path / "md"
    assert run(archive, "export", "--all", "-f", "md", "-o", f"{out}/").exit_code == 0
    second = tmp_path / "second"
    res = run(second, "import", str(out), "--json", "--jobs", "1")
    lines = json_lines(res.stdout)
    assert all(x["status"] == "imported" for x in lines), [x for x in lines if x["status"] != "imported"][:3]
    originals = {d["id"]: d for d in json.loads(run(archive, "list", "--json").stdout)}
    count = 0
    for line in lines:
        again = json.loads(run(second, "show", line["id"], "--json").stdout)
        first_id = Path(line["path"]).stem.rsplit("-", 1)[-1]
        first = [i for i in originals if i.startswith(first_id)]
        assert len(first) == 1
        _same_document(json.loads(run(archive, "show", first[0], "--json").stdout), again)
        count += 1
    return count


def test_md_export_then_import_gives_the_same_documents(loaded, tmp_path):
    assert _round_trip(loaded, tmp_path) == len(SAMPLES)


def test_md_round_trip_on_50_corpus_documents(corpus, tmp_path):
    files = sorted((corpus / "tvpl-md-tnt305" / "md").glob("*.md"))[::9][:50]
    files.append(corpus / "seed" / "000_1a84b6671dd5b34e.txt")
    archive = tmp_path / "a"
    res = run(archive, "import", *map(str, files), "--json")
    assert res.exit_code == 0, res.stderr
    assert _round_trip(archive, tmp_path) >= 50


@pytest.mark.parametrize("sample", [p.name for p in SAMPLES])
def test_txt_export_snapshot(loaded, sample):
    """The plain-text export of each sample, pinned. Regenerate with UPDATE_SNAPSHOTS=1."""
    doc_id = ids_by_name(loaded)[sample]
    text = run(loaded, "export", doc_id, "-f", "txt").stdout
    assert "##" not in text and "**" not in text
    snap = SNAPSHOTS / (Path(sample).stem + ".txt")
    if os.environ.get("UPDATE_SNAPSHOTS") or not snap.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        snap.write_text(text, encoding="utf-8")
    assert text == snap.read_text(encoding="utf-8")


def test_txt_width_wraps_lines(loaded):
    text = run(loaded, "export", "125/KH-UBND", "--width", "60").stdout
    assert max(len(line) for line in text.splitlines()) <= 60
    assert "IV. TỔ CHỨC THỰC HIỆN" in text


def test_export_many_into_a_folder_with_safe_names_and_no_overwrite(loaded, tmp_path):
    out = tmp_path / "out"
    res = run(loaded, "export", "--all", "-o", f"{out}/")
    assert res.exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == len(SAMPLES)
    assert all(n.isascii() and n.endswith(".txt") and len(n) <= 50 for n in names)
    # number, the title's first words (its type left out: the number says it), six digits of id
    assert any(n.startswith("125-kh-ubnd-trien-khai-so-hoa-") for n in names)
    before = {p: p.read_bytes() for p in out.iterdir()}
    (out / names[0]).write_text("edited by hand")
    res = run(loaded, "export", "--all", "-o", f"{out}/")
    assert res.exit_code == 1 and "--force" in res.stderr
    assert (out / names[0]).read_text() == "edited by hand"
    assert run(loaded, "export", "--all", "-o", f"{out}/", "--force").exit_code == 0
    assert {p: p.read_bytes() for p in out.iterdir()} == before


def test_export_by_query_and_filters(loaded, tmp_path):
    out = tmp_path / "q"
    assert run(loaded, "export", "--query", "chuyen doi so", "--type", "CT", "-o", f"{out}/", "-f", "json").exit_code == 0
    files = list(out.iterdir())
    assert len(files) == 1 and json.loads(files[0].read_text())["number"] == "05-CT/TU"
    res = run(loaded, "export", "125/KH-UBND", "05-CT/TU", "-o", "-")
    assert "125/KH-UBND" in res.stdout and "05-CT/TU" in res.stdout


def test_refs_cites_and_cited_by(loaded):
    res = run(loaded, "refs", "125/KH-UBND", "--json")
    data = json.loads(res.stdout)
    cited = {c["number"] for c in data["cites"]}
    assert {"30/2020/NĐ-CP", "458/QĐ-TTg", "02/2019/TT-BNV"} <= cited
    by = {h["number"] for h in data["cited_by"]}
    assert "1482/QĐ-UBND" in by
    qd = json.loads(run(loaded, "refs", "1482/QĐ-UBND", "--json").stdout)
    kh = [c for c in qd["cites"] if c["number"] == "125/KH-UBND"][0]
    assert kh["ids"] == [data["id"]]  # resolved to the archived plan


def test_list_filters_and_sorting(loaded):
    items = json.loads(run(loaded, "list", "--year", "2024", "--json").stdout)
    assert {x["number"] for x in items} == {"125/KH-UBND", "1482/QĐ-UBND", "42/TB-UBND", "7/GL-PAO"}
    items = json.loads(run(loaded, "list", "--sort", "number", "--json").stdout)
    numbers = [x["number"] or "" for x in items]
    present = [n for n in numbers if n]
    # numbers compare as numbers (7/… before 42/… before 125/…); unnumbered documents last
    assert numbers == present + [""] * (len(numbers) - len(present))
    leading = [int(re.match(r"\d+", n).group()) for n in present]
    assert leading == sorted(leading)
    items = json.loads(run(loaded, "list", "--tag", "lich", "--json").stdout)
    assert [x["number"] for x in items] == ["42/TB-UBND"]
    res = run(loaded, "list")
    assert "125/KH-UBND" in res.stdout


def test_stats_counts(loaded):
    s = json.loads(run(loaded, "stats", "--json").stdout)
    assert s["by_year"]["2024"] == 4
    assert s["by_issuer"]["Ủy ban nhân dân tỉnh Thái Nguyên"] == 2
    assert s["archive_bytes"] > s["index_bytes"] > 0
