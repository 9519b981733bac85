"""RTF → text with font runs, so TCVN3 text in ``.VnTime`` fonts (code page 1252) is converted.

A small tokenizer rather than striprtf: striprtf drops the font table, and the font is what says
a run is TCVN3 and whether ``.VnTimeH`` draws it in capitals. Destinations that are not body text
(font and colour tables, style sheet, info, pictures, objects, ``\\*`` groups) are skipped.
"""
from __future__ import annotations

import re

from ..errors import IngestError
from ..i18n import _
from . import Extracted

_TOKEN = re.compile(rb"\\([a-zA-Z]+)(-?\d+)? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|([\r\n]+)|([^\\{}\r\n]+)", re.S)
_SKIP = {
    b"fonttbl", b"colortbl", b"stylesheet", b"info", b"pict", b"object", b"listtable",
    b"listoverridetable", b"revtbl", b"rsidtbl", b"generator", b"xmlnstbl", b"themedata",
    b"colorschememapping", b"datastore", b"latentstyles", b"header", b"footer", b"headerl",
    b"headerr", b"headerf", b"footerl", b"footerr", b"footerf", b"fldinst", b"bkmkstart", b"bkmkend",
    b"field_code", b"shppict", b"nonshppict", b"filetbl", b"pgdsctbl", b"mmathPr", b"xe", b"tc",
}
_BREAKS = {b"par": "\n", b"line": "\n", b"sect": "\n", b"page": "\n", b"cell": "\n", b"row": "\n",
           b"tab": "\t", b"nestcell": "\n", b"emdash": "\u2014", b"endash": "\u2013",
           b"lquote": "\u2018", b"rquote": "\u2019", b"ldblquote": "\u201c", b"rdblquote": "\u201d",
           b"bullet": "\u2022", b"emspace": " ", b"enspace": " ", b"~": "\u00a0"}
_CHARSETS = {2: "symbol", 0: "cp1252", 163: "cp1258", 238: "cp1250", 204: "cp1251", 161: "cp1253", 162: "cp1254"}
MAX_DEPTH = 500


def _font_table(data: bytes) -> dict[int, tuple[str, str | None]]:
    """Font number → (name, codec from \\fcharset)."""
    start = data.find(b"{\\fonttbl")
    if start < 0:
        return {}
    fonts = {}
    depth = 0
    end = start
    for end in range(start, min(len(data), start + 200_000)):
        c = data[end]
        if c == 0x7B:
            depth += 1
        elif c == 0x7D:
            depth -= 1
            if depth == 0:
                break
    for m in re.finditer(rb"\\f(\d+)((?:\\[a-z]+-?\d* ?|\{[^{}]*\}|\s)*)([^;{}\\]*);", data[start:end]):
        charset = re.search(rb"\\fcharset(\d+)", m.group(2))
        codec = _CHARSETS.get(int(charset.group(1))) if charset else None
        fonts[int(m.group(1))] = (m.group(3).decode("latin-1").strip(), codec)
    return fonts


def read_runs(data: bytes) -> list[tuple[str, str]]:
    """(text, font name) runs of the RTF body."""
    header = re.search(rb"\\ansicpg(\d+)", data[:2000])
    default_codec = f"cp{int(header.group(1))}" if header else "cp1252"
    try:
        "".encode(default_codec)
    except LookupError:
        default_codec = "cp1252"
    fonts = _font_table(data)
    runs: list[tuple[str, str]] = []
    stack: list[tuple[int | None, bool, int]] = []
    font: int | None = None
    skip = False
    uc = 1
    pending_skip = 0
    buf: list[str] = []
    buf_font = ""

    def emit(text: str) -> None:
        nonlocal buf_font
        name = fonts.get(font, ("", None))[0] if font is not None else ""
        if name != buf_font and buf:
            runs.append(("".join(buf), buf_font))
            buf.clear()
        buf_font = name
        buf.append(text)

    group_start = False
    pos = 0
    while pos < len(data):
        m = _TOKEN.match(data, pos)
        if m is None:  # a lone backslash at the end
            break
        pos = m.end()
        word, arg, hexbyte, sym, brace, newline, plain = m.groups()
        if brace == b"{":
            if len(stack) > MAX_DEPTH:
                raise IngestError(_("the RTF file nests groups too deeply"))
            stack.append((font, skip, uc))
            group_start = True
            continue
        if brace == b"}":
            if stack:
                font, skip, uc = stack.pop()
            group_start = False
            continue
        first = group_start
        group_start = False
        if newline is not None:
            continue
        if sym is not None:
            if sym == b"*" and first:
                skip = True
            elif not skip and sym in (b"~", b"-", b"_"):
                emit({b"~": "\u00a0", b"-": "", b"_": "-"}[sym])
            elif not skip and sym in (b"\\", b"{", b"}"):
                emit(sym.decode())
            continue
        if word is not None:
            if word in _SKIP:
                skip = True
                continue
            if word == b"f" and arg is not None:
                font = int(arg)
            elif word == b"uc" and arg is not None:
                uc = max(0, int(arg))
            elif word == b"u" and arg is not None:
                if not skip:
                    emit(chr(int(arg) % 65536))
                pending_skip = uc
            elif word in _BREAKS and not skip:
                emit(_BREAKS[word])
            elif word == b"bin" and arg is not None:
                pos += max(0, int(arg))  # raw binary data (a picture): jump over it
            continue
        if skip:
            continue
        if hexbyte is not None:
            if pending_skip:
                pending_skip -= 1
                continue
            codec = fonts.get(font, ("", None))[1] if font is not None else None
            if codec == "symbol":
                # Symbol-font list bullets (\'b7) must not be read as TCVN3 "ã".
                emit("\u2022" if hexbyte.lower() == b"b7" else "")
            else:
                emit(bytes([int(hexbyte, 16)]).decode(codec or default_codec, errors="replace"))
            continue
        if plain is not None:
            text = plain.decode(default_codec, errors="replace")
            if pending_skip:
                drop = min(pending_skip, len(text))
                text, pending_skip = text[drop:], pending_skip - drop
            emit(text)
    if buf:
        runs.append(("".join(buf), buf_font))
    return runs


def read_rtf(data: bytes) -> Extracted:
    """An RTF file's text; runs in .Vn / VNI fonts are converted to Unicode."""
    from . import legacy

    runs = read_runs(data)
    text = "".join(t for t, _ in runs)
    upper = bytearray()
    for t, f in runs:
        upper.extend((b"\x01" if legacy.upper_font(f) else b"\x00") * len(t))
    text, encoding = legacy.decode_text(text, upper=upper if any(upper) else None)
    return Extracted(text, "rtf", encoding)
