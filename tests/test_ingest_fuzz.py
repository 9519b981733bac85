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
])
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(name: str, data: bytes) -> None:
    try:
        got = extract(name, data)
    except IngestError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert unicodedata.is_normalized("NFC", got.text)
    assert got.format in {"txt", "md", "html", "docx", "doc", "pdf", "rtf"}


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
