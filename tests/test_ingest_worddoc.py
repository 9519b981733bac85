"""The pure-Python Word 97 reader, on .doc files built here byte by byte (no corpus needed).

``make_doc`` writes a minimal OLE compound file with a WordDocument stream (FIB + text) and a
0Table stream (the piece table), which is all [MS-DOC] needs for the text.
"""
from __future__ import annotations

import struct

import pytest

from archive_cli.errors import IngestError
from archive_cli.ingest import extract

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file holding ``streams``. Each is padded to the 4096-byte mini-stream
    cutoff, so all live in ordinary sectors (the trailing zeros are harmless to Word readers)."""
    streams = {n: b.ljust(4096, b"\x00") for n, b in streams.items()}
    names = list(streams)
    data = streams
    fat = [FATSECT, ENDOFCHAIN]  # sector 0: FAT, sector 1: directory
    starts = {}
    body = b""
    for n in names:
        count = (len(data[n]) + 511) // 512
        starts[n] = len(fat)
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [ENDOFCHAIN]
        body += data[n].ljust(count * 512, b"\x00")
    assert len(fat) <= 128
    fat_sector = b"".join(struct.pack("<I", x) for x in fat + [FREESECT] * (128 - len(fat)))

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw) if name else 0, kind, 1)
                + struct.pack("<III", left, right, child) + b"\x00" * 36
                + struct.pack("<IQ", start, size))

    entries = [entry("Root Entry", 5, NOSTREAM, NOSTREAM, 1, ENDOFCHAIN, 0)]
    for i, n in enumerate(names):
        right = i + 2 if i + 1 < len(names) else NOSTREAM
        entries.append(entry(n, 2, NOSTREAM, right, NOSTREAM, starts[n], len(streams[n])))
    while len(entries) % 4:
        entries.append(entry("", 0, NOSTREAM, NOSTREAM, NOSTREAM, 0, 0))
    directory = b"".join(entries)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREESECT) * 108)
    assert len(header) == 512
    return header + fat_sector + directory + body


def make_doc(pieces: list[tuple[str, bool]], encrypted: bool = False) -> bytes:
    """A Word 97 .doc whose main text is ``pieces``: (text, 8-bit?) in order."""
    fib_size = 32 + 2 + 28 + 2 + 88 + 2 + 93 * 8
    text_bytes = b""
    pcds = []
    cps = [0]
    for text, compressed in pieces:
        fc = 1024 + len(text_bytes)
        raw = text.encode("cp1252") if compressed else text.encode("utf-16-le")
        text_bytes += raw
        pcds.append(struct.pack("<HIH", 0, (fc * 2) | 0x40000000 if compressed else fc, 0))
        cps.append(cps[-1] + len(text))
    plc = b"".join(struct.pack("<I", cp) for cp in cps) + b"".join(pcds)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    rglw = [0] * 22
    rglw[3] = cps[-1]  # ccpText
    pairs = [(0, 0)] * 93
    pairs[33] = (0, len(clx))  # fcClx / lcbClx in the table stream
    fib = struct.pack("<HH", 0xA5EC, 0xC1) + b"\x00" * 6 + struct.pack("<H", 0x0100 if encrypted else 0)
    fib = fib.ljust(32, b"\x00") + struct.pack("<H", 14) + b"\x00" * 28 + struct.pack("<H", 22)
    fib += b"".join(struct.pack("<I", x) for x in rglw) + struct.pack("<H", 93)
    fib += b"".join(struct.pack("<II", fc, lcb) for fc, lcb in pairs)
    assert len(fib) == fib_size
    word = fib.ljust(1024, b"\x00") + text_bytes
    return _cfb({"WordDocument": word, "0Table": clx})


def test_unicode_and_8bit_pieces():
    doc = make_doc([("CONG VAN\r", True), ("Hà Nội, ngày 1 tháng 2 năm 2024\r", False)])
    got = extract("a.doc", doc)
    assert got.format == "doc" and got.encoding is None
    assert got.text == "CONG VAN\nHà Nội, ngày 1 tháng 2 năm 2024\n"


def test_tcvn3_in_8bit_pieces():
    doc = make_doc([("Céng hoµ x· héi chñ nghÜa ViÖt Nam\r§éc lËp - Tù do - H¹nh phóc\r", True)])
    got = extract("a.doc", doc)
    assert got.encoding == "tcvn3"
    assert got.text == "Cộng hoà xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc\n"


def test_vni_in_8bit_pieces():
    got = extract("a.doc", make_doc([("Quyeát ñònh cuûa UÛy ban nhaân daân tænh\r", True)]))
    assert got.encoding == "vni" and got.text == "Quyết định của Ủy ban nhân dân tỉnh\n"


def test_field_codes_dropped_results_kept_cells_become_lines():
    text = "Trang \x13 PAGE \x142\x15\rÔ một\x07Ô hai\x07\x07Hết\r"
    got = extract("a.doc", make_doc([(text, False)]))
    assert got.text == "Trang 2\nÔ một\nÔ hai\n\nHết\n"


def test_encrypted_doc_is_refused():
    with pytest.raises(IngestError, match="password-protected"):
        extract("a.doc", make_doc([("secret\r", True)], encrypted=True))


def test_ole_without_word_stream():
    with pytest.raises(IngestError, match="not a Word document"):
        extract("a.doc", _cfb({"Other": b"x" * 10}))


def test_excel_file_named_doc():
    with pytest.raises(IngestError, match=r"unsupported format \.xls"):
        extract("a.doc", _cfb({"Workbook": b"x" * 10}))


def test_damaged_piece_table():
    doc = bytearray(make_doc([("Nội dung văn bản\r", False)]))
    table = 512 * 3 + 4096  # header, FAT, directory, WordDocument; then 0Table starts with the Clx
    assert doc[table] == 0x02
    doc[table] = 0x07
    with pytest.raises(IngestError, match="damaged"):
        extract("a.doc", bytes(doc))


def make_word6(text: str, fast_saved: bool = False) -> bytes:
    """A Word 6/95 file: 8-bit text between fcMin and fcMac, no piece table."""
    raw = text.encode("cp1252")
    fib = struct.pack("<HH", 0xA5EC, 0x65) + b"\x00" * 6 + struct.pack("<H", 0x0004 if fast_saved else 0)
    fib = fib.ljust(0x18, b"\x00") + struct.pack("<II", 1024, 1024 + len(raw))
    return _cfb({"WordDocument": fib.ljust(1024, b"\x00") + raw})


def test_word6_text_read_and_tcvn3_converted():
    got = extract("old.doc", make_word6("Hµ Néi, ngµy 1 th¸ng 2 n¨m 1998\rQuyÕt ®Þnh\r"))
    assert got.format == "doc" and got.encoding == "tcvn3"
    assert got.text == "Hà Nội, ngày 1 tháng 2 năm 1998\nQuyết định\n"


def test_word6_fast_saved_refused_with_advice():
    with pytest.raises(IngestError, match="fast-save"):
        extract("old.doc", make_word6("Noi dung\r", fast_saved=True))
