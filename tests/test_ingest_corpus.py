"""Real legacy files from the shared corpus, checked against their Unicode ground truth."""
from __future__ import annotations

import json

import pytest

from tools.evaluate.legacy import accuracy, edit_distance
from archive_cli.ingest import extract

# (subfolder, stem, expected encoding): one of each container and encoding, all small.
CASES = [
    ("tcvn3", "2005-1DCA4_3b", "tcvn3"),  # Word 97 .doc, .VnTime
    ("tcvn3", "2003-A28", "tcvn3"),  # RTF, code page 1252
    ("tcvn3", "2006-16EZE_TT01.06GopvonDNNVV", "tcvn3"),  # PDF text layer (U+2212 = ư)
    ("vni", "2009-download", "vni"),  # Word 97 .doc, VNI-Times
]


@pytest.mark.parametrize("sub,stem,encoding", CASES)
def test_legacy_document_matches_ground_truth(corpus, sub, stem, encoding):
    folder = corpus / "legacy-viparse" / sub
    meta = json.loads((folder / f"{stem}.json").read_text("utf-8"))
    original = next(p for p in folder.glob(f"{stem}.*") if p.suffix != ".json")
    truth = (folder / meta["ground_truth"]).read_text("utf-8")
    got = extract(original.name, original.read_bytes())
    assert got.encoding == encoding
    assert accuracy(got.text, truth, fold_case=True) >= 0.99


def test_synthetic_vni_docx(corpus):
    path = corpus / "legacy-viparse" / "synthetic-vni" / "synthetic-vni-2003-02144qd.docx"
    truth = (corpus / "legacy-viparse" / "ground-truth" / "2003-02144qd.txt").read_text("utf-8")
    got = extract(path.name, path.read_bytes())
    assert got.format == "docx" and got.encoding == "vni"
    assert accuracy(got.text, truth, fold_case=True) >= 0.98


def test_word_html_saved_as_doc(corpus):
    path = corpus / "qlvb-attachments-hpbaotho" / "doc" / "report.doc"
    got = extract(path.name, path.read_bytes())
    assert got.format == "html" and "SỔ VĂN BẢN ĐẾN" in got.text


def test_unicode_word97_doc_with_vn_fonts_declared(corpus):
    path = corpus / "qlvb-attachments-hpbaotho" / "doc" / "QD9UB2.DOC"
    got = extract(path.name, path.read_bytes())
    assert got.format == "doc" and got.encoding is None
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in got.text


def test_scanned_pdf_is_refused_without_ocr(corpus):
    from archive_cli.errors import IngestError
    from archive_cli.ingest.ocr import OcrOptions

    path = corpus / "qlvb-attachments-hpbaotho" / "pdf" / "275.pdf"
    with pytest.raises(IngestError, match="^no text layer: scanned document$"):
        extract(path.name, path.read_bytes(), ocr=OcrOptions(mode="never"))


def test_edit_distance_matches_levenshtein_on_small_texts():
    assert edit_distance("một hai ba bốn", "một hai bà bốn") == 1
    assert edit_distance("Hà Nội ngày 1", "Hà Nội ngày 1") == 0
    assert edit_distance("Hà Nội ngay 1", "Hà Nội ngày 1") == 1
    assert accuracy("a  b\nc", "a b c", fold_case=False) == 1.0
