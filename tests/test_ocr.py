"""Scans read with OCR (issue 19): pages drawn here with Pillow, read by the real Tesseract,
imported through the real CLI. Without Tesseract, its Vietnamese model or a font with every
Vietnamese glyph the tests skip, naming the packages (CI installs them: nothing skips there)."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive_cli.archive import Archive
from archive_cli.ingest.ocr import text_from_tsv
from tests.helpers import json_lines, run
from tools.evaluate.pages import PageSpec, pdf_bytes, png_bytes, render

PLAN = PageSpec(
    header_left=["ỦY BAN NHÂN DÂN", "TỈNH THÁI NGUYÊN", "Số: 125/KH-UBND"],
    header_right=["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                  "Thái Nguyên, ngày 15 tháng 3 năm 2024"],
    title=["KẾ HOẠCH", "Triển khai số hóa tài liệu lưu trữ năm 2024"],
    paragraphs=["I. MỤC ĐÍCH, YÊU CẦU",
                "Số hóa tài liệu lưu trữ có giá trị bảo quản vĩnh viễn, phục vụ khai thác nhanh chóng.",
                "II. TỔ CHỨC THỰC HIỆN",
                "Sở Nội vụ chủ trì, phối hợp với các sở, ngành triển khai kế hoạch này."],
)


def _page(lines: list[str]) -> PageSpec:
    return PageSpec(paragraphs=lines)


def _show(root: Path, ref: str) -> dict:
    res = run(root, "show", ref, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _originals(root: Path) -> list[Path]:
    return [p for p in (root / "originals").rglob("*") if p.is_file()]


def test_a_scanned_page_imports_through_the_same_parse(ocr_ready, archive_dir, tmp_path):
    scan = tmp_path / "ke-hoach.png"
    scan.write_bytes(png_bytes(render(PLAN, 300).image, 300))
    res = run(archive_dir, "import", str(scan), "--json")
    assert res.exit_code == 0, res.output
    (line,) = json_lines(res.stdout)
    assert line["status"] == "imported" and line["warning"] is None
    doc = _show(archive_dir, line["id"])
    assert (doc["doc_type"], doc["number"], doc["issued"]) == ("Kế hoạch", "125/KH-UBND", "2024-03-15")
    assert doc["sections"][0]["kind"] == "purpose"
    assert "Sở Nội vụ chủ trì" in doc["body"]
    ocr = doc["source"]["ocr"]
    assert ocr["engine"] == "tesseract" and ocr["language"] == "vie" and ocr["version"][0].isdigit()
    assert ocr["pages"] == 1 and ocr["confidence"] > 80
    assert doc["source"]["format"] == "png"
    # the original is kept byte for byte; the text is searchable, with and without diacritics
    assert [p.read_bytes() for p in _originals(archive_dir)] == [scan.read_bytes()]
    assert run(archive_dir, "search", "bảo quản vĩnh viễn").exit_code == 0
    assert run(archive_dir, "search", "so hoa tai lieu", "--section", "purpose").exit_code == 0
    stats = json.loads(run(archive_dir, "stats", "--json").stdout)
    assert stats["ocr_documents"] == 1 and stats["documents"] == 1


def test_an_image_only_pdf_spreads_its_pages_over_the_jobs(ocr_ready, archive_dir, tmp_path):
    pages = [render(_page([f"Trang {n}: Ủy ban nhân dân xã Hòa Bình thông báo lịch tiếp công dân."]), 300).image
             for n in (1, 2, 3)]
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf_bytes(pages, 300))
    seen: list[tuple[int, int]] = []
    arch = Archive(archive_dir)
    (result,) = arch.import_paths([scan], jobs=2, on_page=lambda path, done, total: seen.append((done, total)))
    assert result.status == "imported", result.error
    assert seen == [(1, 3), (2, 3), (3, 3)]  # progress per page
    doc = _show(archive_dir, result.id)
    assert doc["source"]["ocr"]["pages"] == 3 and doc["source"]["ocr"]["page_numbers"] == "1-3"
    body = doc["body"]
    assert body.index("Trang 1") < body.index("Trang 2") < body.index("Trang 3")
    assert "lịch tiếp công dân" in " ".join(body.split())
    assert [p.read_bytes() for p in _originals(archive_dir)] == [scan.read_bytes()]


def test_a_mixed_pdf_is_decided_page_by_page(ocr_ready, archive_dir, tmp_path):
    from pypdf import PdfReader, PdfWriter

    from tests.test_ingest import _pdf

    text_page = _pdf(b"BT /F1 12 Tf 72 720 Td (Guidelines for the annual plan of the district archive) Tj ET")
    image_page = pdf_bytes([render(_page(["Phụ lục: danh mục hồ sơ lưu trữ vĩnh viễn"]), 300).image], 300)
    w = PdfWriter()
    for data in (text_page, image_page):
        w.add_page(PdfReader(io.BytesIO(data)).pages[0])
    mixed = tmp_path / "mixed.pdf"
    with mixed.open("wb") as f:
        w.write(f)
    res = run(archive_dir, "import", str(mixed), "--json")
    (line,) = json_lines(res.stdout)
    assert line["status"] == "imported", line
    doc = _show(archive_dir, line["id"])
    assert doc["source"]["ocr"]["page_numbers"] == "2"
    assert "Guidelines for the annual plan" in doc["body"] and "danh mục hồ sơ lưu trữ" in doc["body"]
    # --ocr never: the text layer alone, nothing recorded as OCR
    other = Archive(tmp_path / "b")
    (r,) = other.import_paths([mixed], ocr="never")
    assert r.status == "imported" and other.get(r.id).source.ocr is None
    assert "danh mục" not in other.get(r.id).parsed.body


def test_a_multipage_tiff_reads_every_page(ocr_ready, archive_dir, tmp_path):
    frames = [render(_page([f"Biên bản họp lần thứ {n} của Hội đồng thẩm định"]), 200).image for n in (1, 2)]
    out = io.BytesIO()
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:], dpi=(200, 200), compression="tiff_lzw")
    scan = tmp_path / "bien-ban.tif"
    scan.write_bytes(out.getvalue())
    res = run(archive_dir, "import", str(scan), "--json")
    (line,) = json_lines(res.stdout)
    assert line["status"] == "imported", line
    doc = _show(archive_dir, line["id"])
    assert doc["source"]["format"] == "tiff" and doc["source"]["ocr"]["pages"] == 2
    assert "lần thứ 1" in doc["body"] and "lần thứ 2" in doc["body"]


def test_a_photographed_page_is_turned_upright(ocr_ready, archive_dir, tmp_path):
    """A phone stores a photo sideways with an EXIF orientation tag; OCR reads it upright."""
    from PIL import Image

    page = render(_page(["Thông báo kết luận của Chủ tịch Ủy ban nhân dân huyện"]), 300).image.convert("RGB")
    sideways = page.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    out = io.BytesIO()
    sideways.save(out, format="JPEG", quality=90, exif=exif.tobytes())
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(out.getvalue())
    res = run(archive_dir, "import", str(photo), "--json")
    (line,) = json_lines(res.stdout)
    assert line["status"] == "imported", line
    assert "kết luận của Chủ tịch" in _show(archive_dir, line["id"])["body"]


def test_ocr_never_fails_scans_as_before(ocr_ready, archive_dir, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf_bytes([render(_page(["Quyết định số 15/QĐ-UBND"]), 200).image], 200))
    image = tmp_path / "scan.png"
    image.write_bytes(png_bytes(render(_page(["Quyết định số 15/QĐ-UBND"]), 200).image, 200))
    res = run(archive_dir, "import", str(scan), str(image), "--ocr", "never")
    assert res.exit_code == 1
    assert f"{scan}: no text layer: scanned document." in res.stderr
    assert f"{image}: a PNG image can only be read with OCR, which is turned off." in res.stderr
    assert not list((archive_dir / "documents").glob("*.md"))


def test_a_page_that_reads_badly_is_imported_with_a_warning(ocr_ready, archive_dir, tmp_path):
    from PIL import Image

    page = render(_page(["Báo cáo tình hình thực hiện nhiệm vụ phát triển kinh tế xã hội quý III"]), 200).image
    # a page faxed at an eighth of the resolution: blocks where the strokes were
    smudged = page.resize((page.width // 8, page.height // 8), Image.BILINEAR).resize(page.size, Image.NEAREST)
    scan = tmp_path / "fax.png"
    scan.write_bytes(png_bytes(smudged, 200))
    res = run(archive_dir, "import", str(scan))
    assert res.exit_code == 0, res.output
    assert f"{scan}: OCR confidence is low (" in res.stderr and "check the text against the original" in res.stderr


def _without_tesseract(tmp_path: Path) -> dict[str, str]:
    """An environment whose PATH has Python but no Tesseract."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(sys.executable, bin_dir / "python3")
    return dict(os.environ, PATH=str(bin_dir))


def test_without_tesseract_a_scan_fails_naming_what_to_install(ocr_ready, tmp_path):
    scan = tmp_path / "scan.png"
    scan.write_bytes(png_bytes(render(_page(["Công văn số 12/UBND-VP"]), 200).image, 200))
    root = tmp_path / "a"
    res = subprocess.run([sys.executable, "-m", "archive_cli", "--archive", str(root), "import", str(scan)],
                         capture_output=True, text=True, env=_without_tesseract(tmp_path), timeout=120)
    assert res.returncode == 1
    assert _one_failure(res.stderr) and "Traceback" not in res.stderr
    assert "install tesseract-ocr and tesseract-ocr-vie" in res.stderr
    assert not list((root / "documents").glob("*.md"))


def test_without_the_vietnamese_model_a_scan_fails_naming_it(ocr_ready, tmp_path):
    scan = tmp_path / "scan.png"
    scan.write_bytes(png_bytes(render(_page(["Công văn số 12/UBND-VP"]), 200).image, 200))
    tessdata = tmp_path / "tessdata"
    tessdata.mkdir()
    system = Path(subprocess.run([ocr_ready, "--list-langs"], capture_output=True, text=True).stdout.split('"')[1])
    shutil.copy(system / "eng.traineddata", tessdata) if (system / "eng.traineddata").exists() else None
    env = dict(os.environ, TESSDATA_PREFIX=str(tessdata))
    res = subprocess.run([sys.executable, "-m", "archive_cli", "--archive", str(tmp_path / "a"), "import", str(scan)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 1 and _one_failure(res.stderr)
    assert "install tesseract-ocr-vie" in res.stderr


def test_a_text_pdf_with_a_scanned_page_imports_without_tesseract(ocr_ready, tmp_path):
    """No Tesseract: the text layer is imported and the warning names the page not read."""
    from pypdf import PdfReader, PdfWriter

    from tests.test_ingest import _pdf

    w = PdfWriter()
    w.add_page(PdfReader(io.BytesIO(_pdf(b"BT /F1 12 Tf 72 720 Td (Minutes of the archive council meeting) Tj ET"))).pages[0])
    w.add_page(PdfReader(io.BytesIO(pdf_bytes([render(_page(["Chữ ký và con dấu"]), 200).image], 200))).pages[0])
    path = tmp_path / "minutes.pdf"
    with path.open("wb") as f:
        w.write(f)
    res = subprocess.run([sys.executable, "-m", "archive_cli", "--archive", str(tmp_path / "a"), "import", str(path), "--json"],
                         capture_output=True, text=True, env=_without_tesseract(tmp_path), timeout=120)
    (line,) = json_lines(res.stdout)
    assert res.returncode == 0 and line["status"] == "imported"
    assert line["warning"].startswith("pages 2 have no text layer and were not read: reading scans needs Tesseract")


def test_tesseract_tsv_becomes_lines_and_paragraphs():
    tsv = "\n".join([
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
        "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t",
        "5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t96.5\tQUYẾT",
        "5\t1\t1\t1\t1\t2\t0\t0\t10\t10\t93.5\tĐỊNH",
        "5\t1\t1\t1\t2\t1\t0\t0\t10\t10\t90\tVe\u0302\u0300",  # decomposed: NFC on the way out
        "5\t1\t2\t1\t1\t1\t0\t0\t10\t10\t80\tĐiều",
        "5\t1\t2\t1\t1\t2\t0\t0\t10\t10\t-1\t ",
    ])
    text, confidences = text_from_tsv(tsv)
    assert text == "QUYẾT ĐỊNH\nVề\n\nĐiều"
    assert confidences == [96.5, 93.5, 90.0, 80.0]


def test_the_time_budget_is_per_page(tmp_path):
    """A scan of many pages is not stopped by the per-file budget: each page read starts it again."""
    import time

    from archive_cli.importing.prepare import _TooSlow, time_budget

    with time_budget(1.0) as restart:
        for _ in range(3):
            time.sleep(0.6)
            restart()
    with pytest.raises(_TooSlow):
        with time_budget(0.5):
            time.sleep(2)


def _one_failure(stderr: str) -> bool:
    """One file failed: one "failed" line, named once more in the summary, nothing else."""
    lines = stderr.splitlines()
    return (len([x for x in lines if x.startswith("failed ")]) == 1 and "Not imported:" in lines
            and len(lines) == 3)
