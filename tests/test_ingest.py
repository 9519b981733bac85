"""Reading files into text: encodings, formats and bad input (SPEC §7)."""
from __future__ import annotations

import pytest

from archive_cli.errors import IngestError
from archive_cli.ingest import extract


def test_utf8_text():
    got = extract("a.txt", "Hà Nội, ngày 1 tháng 2\n".encode())
    assert got.text == "Hà Nội, ngày 1 tháng 2\n"
    assert got.format == "txt" and got.encoding == "utf-8"


def test_empty_file_is_refused():
    with pytest.raises(IngestError, match="empty"):
        extract("a.txt", b"  \n")
