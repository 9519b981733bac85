"""Property tests: on any bytes, extract either returns NFC text or raises IngestError."""
from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive_cli.errors import IngestError
from archive_cli.ingest import extract, legacy

NAMES = st.sampled_from(["a.txt", "a.md", "a.html", "a.doc", "a.docx", "a.pdf", "a.rtf", "a", "a.TXT"])
PREFIXES = st.sampled_from([
    b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"{\\rtf1\\ansi ", b"%PDF-1.4\n",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04", b"<html><body>", b"---\n",
    b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"II*\x00", b"MM\x00*",
])
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(name: str, data: bytes) -> None:
    try:
        got = extract(name, data)
    except IngestError as exc:
        assert str(exc) and "\n" not in str(exc)
        assert "internal error" not in str(exc), str(exc)  # the safety net caught a reader bug
        return
    assert unicodedata.is_normalized("NFC", got.text)
    got.text.encode("utf-8")  # the store writes UTF-8: no lone surrogates
    assert got.format in {"txt", "md", "html", "docx", "doc", "pdf", "rtf", "png", "jpeg", "tiff"}


@SETTINGS
@given(NAMES, PREFIXES, st.binary(max_size=2000))
def test_random_bytes_only_raise_ingest_error(name, prefix, body):
    _check(name, prefix + body)


@SETTINGS
@given(NAMES, st.text(max_size=500))
def test_any_text_in_any_encoding(name, text):
    for codec in ("utf-8", "utf-16", "latin-1", "cp1258"):
        try:
            data = text.encode(codec)
        except UnicodeEncodeError:
            continue
        _check(name, data)


@SETTINGS
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=300))
def test_legacy_decoders_total_and_nfc_after_normalising(text):
    for decoded in (legacy.tcvn3_decode(text), legacy.vni_decode(text), legacy.tcvn3_decode(text, pdf=True)):
        assert isinstance(decoded, str)
    legacy.survey(text)


def _samples() -> list[tuple[str, bytes]]:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))  # the sibling test modules build the files
    from test_ingest import TCVN3, _docx_bytes, _pdf
    from test_ingest_worddoc import make_doc

    return [
        ("a.doc", make_doc([("Céng hoµ x· héi\r", True), ("Hà Nội \x13 PAGE \x141\x15\r", False)])),
        ("a.rtf", (r"{\rtf1\ansi{\fonttbl{\f0 .VnTimeH;}{\f1 Symbol;}}\f0 c\'e9ng ho\'b5\par{\f1\'b7}\u7841?\par}").encode()),
        ("a.pdf", _pdf(b"BT /F1 12 Tf 72 720 Td (Guidelines for the annual plan) Tj ET")),
        ("a.docx", _docx_bytes(lambda d: d.add_paragraph("Nội dung văn bản"))),
        ("a.txt", TCVN3.encode("latin-1")),
    ]


_SAMPLES: list[tuple[str, bytes]] = []


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 4), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
       st.integers(0, 10**6) | st.none())
def test_damaged_files_only_raise_ingest_error(which, edits, cut):
    if not _SAMPLES:
        _SAMPLES.extend(_samples())
    name, data = _SAMPLES[which]
    buf = bytearray(data)
    for pos, value in edits:
        buf[pos % len(buf)] = value
    if cut is not None:
        del buf[cut % len(buf):]
    _check(name, bytes(buf))
