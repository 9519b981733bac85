"""Word 97–2003 ``.doc`` read in pure Python (olefile + the FIB and piece table).

No converter has to be installed: the text of a Word 97 file is a list of pieces, each either
8-bit cp1252 or UTF-16LE, found through the piece table in the table stream ([MS-DOC] 2.8.35).
Font runs (the CHPX pages and the font table) are read too, because legacy Vietnamese text is
only recognisable by its font: ``.VnTime`` is TCVN3, ``VNI-Times`` is VNI, and ``.VnTimeH``
draws TCVN3's lower-case codes as capitals. Word 6/95 files without fast-save are read as one
8-bit run. Nothing in the file is executed; stream sizes are capped.
"""
from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass

from ..errors import IngestError
from ..i18n import _

MAX_STREAM = 64 * 1024 * 1024  # a Word file's text and tables; beyond this it is not a document
MAX_CHARS = 20_000_000

# Word's in-text control characters ([MS-DOC] 2.8.25): paragraph, cell/row, line break, page break.
_CONTROL = {
    "\r": "\n", "\x07": "\n", "\x0b": "\n", "\x0c": "\n", "\x0e": "\n",
    "\x1e": "-", "\x1f": "", "\x02": "", "\x01": "", "\x08": "", "\x05": "", "\x03": "", "\x04": "",
}


@dataclass
class Run:
    """A stretch of text in one font (``font`` is the font's name, "" when unknown)."""

    text: str
    font: str


def _u16(b: bytes, off: int) -> int:
    return struct.unpack_from("<H", b, off)[0]


def _u32(b: bytes, off: int) -> int:
    return struct.unpack_from("<I", b, off)[0]


def _stream(ole, name: str) -> bytes:
    if not ole.exists(name):
        raise IngestError(_("the Word file has no {name} stream").format(name=name))
    if ole.get_size(name) > MAX_STREAM:
        raise IngestError(_("the Word file is too large to read"))
    return ole.openstream(name).read()


def ole_module():
    """olefile, or a clear refusal when it is not installed."""
    try:
        import olefile
    except ImportError:
        raise IngestError(_("reading Word 97 .doc files needs the olefile package; install it with pip")) from None
    return olefile


def read_runs(data: bytes) -> list[Run]:
    """Text of the main document of a Word 97–2003 file as font runs, control chars resolved."""
    olefile = ole_module()
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:
        raise IngestError(_("the .doc file is damaged (not a readable OLE compound file)")) from None
    try:
        if not ole.exists("WordDocument"):
            raise IngestError(_("the OLE file is not a Word document (no WordDocument stream)"))
        wd = _stream(ole, "WordDocument")
        if len(wd) < 0x200 or _u16(wd, 0) != 0xA5EC:
            raise IngestError(_("the .doc file is damaged (bad Word header)"))
        n_fib = _u16(wd, 2)
        flags = _u16(wd, 0x0A)
        if flags & 0x0100:
            raise IngestError(_("the Word document is password-protected (encrypted)"))
        if n_fib < 0xC1:
            return _word6_runs(wd, flags)
        table_name = "1Table" if flags & 0x0200 else "0Table"
        table = _stream(ole, table_name)
        return _word97_runs(wd, table)
    except IngestError:
        raise
    except Exception:  # untrusted binary: any inconsistency in its tables means damage
        raise IngestError(_("the .doc file is damaged (its tables point outside the file)")) from None
    finally:
        ole.close()


def _word6_runs(wd: bytes, flags: int) -> list[Run]:
    # Word 6/95: without fast-save the text is one 8-bit run between fcMin and fcMac.
    if flags & 0x0004:
        raise IngestError(_("Word 6/95 .doc saved with fast-save is not supported; re-save it as .docx"))
    fc_min, fc_mac = _u32(wd, 0x18), _u32(wd, 0x1C)
    raw = wd[fc_min:fc_mac]
    return [Run(_resolve(raw.decode("cp1252", errors="replace")), "")]


def _fib_pairs(wd: bytes) -> tuple[list[int], int]:
    """(rgLw, offset of FibRgFcLcb): walking the FIB's variable-length parts."""
    pos = 32
    csw = _u16(wd, pos)
    pos += 2 + csw * 2
    cslw = _u16(wd, pos)
    rglw = [_u32(wd, pos + 2 + 4 * i) for i in range(cslw)]
    pos += 2 + cslw * 4
    pos += 2  # cbRgFcLcb
    return rglw, pos


def _fc_lcb(wd: bytes, base: int, index: int) -> tuple[int, int]:
    return _u32(wd, base + 8 * index), _u32(wd, base + 8 * index + 4)


def _pieces(table: bytes, fc_clx: int, lcb_clx: int) -> list[tuple[int, int, int, bool]]:
    """Piece table: (cp_start, cp_end, byte offset in WordDocument, 8-bit?)."""
    clx = table[fc_clx:fc_clx + lcb_clx]
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: property modifiers, skipped
        pos += 3 + _u16(clx, pos + 1)
    if pos >= len(clx) or clx[pos] != 0x02:
        raise IngestError(_("the .doc file is damaged (no piece table)"))
    lcb = _u32(clx, pos + 1)
    plc = clx[pos + 5:pos + 5 + lcb]
    n = (lcb - 4) // 12
    cps = [_u32(plc, 4 * i) for i in range(n + 1)]
    out = []
    for i in range(n):
        fc = _u32(plc, 4 * (n + 1) + 8 * i + 2)
        compressed = bool(fc & 0x40000000)
        fc &= 0x3FFFFFFF
        out.append((cps[i], cps[i + 1], fc // 2 if compressed else fc, compressed))
    return out


def _font_names(table: bytes, fc: int, lcb: int) -> list[str]:
    """SttbfFfn: the document's font table, in ftc order."""
    if lcb < 4:
        return []
    blob = table[fc:fc + lcb]
    count = _u16(blob, 0)
    pos = 4
    names = []
    for _i in range(count):
        if pos >= len(blob):
            break
        size = blob[pos] + 1
        ffn = blob[pos:pos + size]
        name = ffn[40:].decode("utf-16-le", errors="replace").split("\x00", 1)[0]
        names.append(name)
        pos += size
    return names


def _sprm_fonts(grpprl: bytes) -> tuple[int | None, int | None]:
    """(ASCII font index, character style) set by a CHPX's property list, each None if unset."""
    pos = 0
    font = other = istd = None
    while pos + 2 <= len(grpprl):
        sprm = _u16(grpprl, pos)
        pos += 2
        spra = sprm >> 13
        if spra in (0, 1):
            size = 1
        elif spra in (2, 4, 5):
            size = 2
        elif spra == 3:
            size = 4
        elif spra == 7:
            size = 3
        else:
            if pos >= len(grpprl):
                break
            size = grpprl[pos] + 1
        if pos + 2 <= len(grpprl):
            if sprm == 0x4A4F:  # sprmCRgFtc0: font for ASCII characters
                font = _u16(grpprl, pos)
            elif sprm == 0x4A51:  # sprmCRgFtc2: font for other characters
                other = _u16(grpprl, pos)
            elif sprm == 0x4A30:  # sprmCIstd: character style
                istd = _u16(grpprl, pos)
        pos += size
    return (font if font is not None else other), istd


def _fkp_runs(wd: bytes, table: bytes, fc: int, lcb: int, para: bool) -> list[tuple[int, int, int | None, int | None]]:
    """(fc_start, fc_end, font, style) from the CHPX (para=False) or PAPX (para=True) FKP pages.
    For paragraphs the font is None and the style is the paragraph's istd."""
    if lcb < 8:
        return []
    plc = table[fc:fc + lcb]
    n = (lcb - 4) // 8
    runs = []
    for i in range(n):
        pn = _u32(plc, 4 * (n + 1) + 4 * i) & 0x3FFFFF
        page = wd[pn * 512:pn * 512 + 512]
        if len(page) < 512:
            continue
        crun = page[511]
        for j in range(crun):
            start, end = _u32(page, 4 * j), _u32(page, 4 * j + 4)
            font = style = None
            if para:
                off = page[4 * (crun + 1) + 13 * j] * 2  # BxPap: 1-byte offset + 12 reserved
                if off and off + 3 < 512:
                    cb = page[off]
                    start_istd = off + 1 if cb else off + 2
                    style = _u16(page, start_istd)
            else:
                off = page[4 * (crun + 1) + j] * 2
                if off:
                    cb = page[off]
                    font, style = _sprm_fonts(page[off + 1:off + 1 + cb])
            runs.append((start, end, font, style))
    runs.sort()
    return runs


def _styles(table: bytes, fc: int, lcb: int) -> tuple[int | None, list[tuple[int, int | None, int | None]]]:
    """(default font, [(kind, base style, font)] per istd) from the style sheet (STSH).
    kind 1 = paragraph style, 2 = character style."""
    if lcb < 16:
        return None, []
    blob = table[fc:fc + lcb]
    cb_stshi = _u16(blob, 0)
    stshi = blob[2:2 + cb_stshi]
    cstd, cb_base = _u16(stshi, 0), _u16(stshi, 2)
    default = _u16(stshi, 12) if cb_stshi >= 14 else None
    styles: list[tuple[int, int | None, int | None]] = []
    pos = 2 + cb_stshi
    for _i in range(min(cstd, 4096)):
        if pos + 2 > len(blob):
            break
        cb_std = _u16(blob, pos)
        std = blob[pos + 2:pos + 2 + cb_std]
        pos += 2 + cb_std
        if cb_std < cb_base + 2:
            styles.append((0, None, None))
            continue
        kind, base = _u16(std, 2) & 0xF, _u16(std, 2) >> 4
        cupx = _u16(std, 4) & 0xF
        upx = cb_base + 2 + 2 * _u16(std, cb_base) + 2  # after the name and its terminator
        font = None
        for index in range(cupx):
            upx += upx % 2
            if upx + 2 > len(std):
                break
            size = _u16(std, upx)
            data = std[upx + 2:upx + 2 + size]
            upx += 2 + size
            # Paragraph styles: UPX 0 is the PAPX, UPX 1 the CHPX; character styles: UPX 0 the CHPX.
            if (kind == 1 and index == 1) or (kind == 2 and index == 0):
                font = _sprm_fonts(data)[0]
        styles.append((kind, None if base == 0xFFF else base, font))
    return default, styles


def _style_font(styles: list[tuple[int, int | None, int | None]], istd: int | None) -> int | None:
    """A style's font, inherited through its base styles."""
    for _i in range(12):
        if istd is None or not 0 <= istd < len(styles):
            return None
        _kind, base, font = styles[istd]
        if font is not None:
            return font
        istd = base
    return None


def _word97_runs(wd: bytes, table: bytes) -> list[Run]:
    rglw, base = _fib_pairs(wd)
    if sum(rglw[3:11]) > MAX_CHARS:
        raise IngestError(_("the Word document is too large to read"))
    pieces = _pieces(table, *_fc_lcb(wd, base, 33))
    fonts = _font_names(table, *_fc_lcb(wd, base, 15))
    try:  # formatting only refines the text; a damaged style sheet or FKP must not lose it
        chp = _fkp_runs(wd, table, *_fc_lcb(wd, base, 12), para=False)
        pap = _fkp_runs(wd, table, *_fc_lcb(wd, base, 13), para=True)
        default, styles = _styles(table, *_fc_lcb(wd, base, 1))
    except (struct.error, IndexError, ValueError):
        chp, pap, default, styles = [], [], None, []
    fmt = _Formatting(chp, pap, styles, default, fonts)

    # The text stream holds, in order: main text, footnotes, headers, macros, comments, endnotes,
    # text boxes. A document's words are the main text, footnotes, endnotes and text boxes.
    ccp = [rglw[i] if len(rglw) > i else 0 for i in range(3, 11)]
    main, ftn, hdd, mcr, atn, edn, txbx = ccp[0], ccp[1], ccp[2], ccp[3], ccp[4], ccp[5], ccp[6]
    ranges = [(0, main), (main, main + ftn)]
    edn_start = main + ftn + hdd + mcr + atn
    ranges.append((edn_start, edn_start + edn))
    ranges.append((edn_start + edn, edn_start + edn + txbx))
    runs: list[Run] = []
    for lo, hi in ranges:
        if hi > lo:
            if runs:
                runs.append(Run("\r", ""))
            runs.extend(_cp_runs(wd, pieces, fmt, lo, hi))
    return _fields(runs)


class _Formatting:
    """The font in effect at a byte offset: direct formatting, else the character style, else
    the paragraph style (through its base styles), else the document default."""

    def __init__(self, chp, pap, styles, default, fonts) -> None:
        self.chp, self.pap, self.styles, self.default, self.fonts = chp, pap, styles, default, fonts
        self.chp_starts = [r[0] for r in chp]
        self.pap_starts = [r[0] for r in pap]

    @staticmethod
    def _find(runs, starts, pos: int):
        import bisect

        k = bisect.bisect_right(starts, pos) - 1
        if k >= 0 and runs[k][0] <= pos < runs[k][1]:
            return runs[k], runs[k][1]
        return None, (starts[k + 1] if k + 1 < len(starts) else None)

    def at(self, pos: int) -> tuple[str, int | None]:
        """(font name at pos, offset where it may change next or None)."""
        crun, cstop = self._find(self.chp, self.chp_starts, pos)
        prun, pstop = self._find(self.pap, self.pap_starts, pos)
        font = crun[2] if crun else None
        if font is None and crun and crun[3] is not None:
            font = _style_font(self.styles, crun[3])
        if font is None and prun:
            font = _style_font(self.styles, prun[3])
        if font is None:
            font = self.default
        name = self.fonts[font] if font is not None and 0 <= font < len(self.fonts) else ""
        stops = [s for s in (cstop, pstop) if s is not None and s > pos]
        return name, (min(stops) if stops else None)


def _cp_runs(wd: bytes, pieces, fmt: _Formatting, lo: int, hi: int) -> list[Run]:
    """Runs for character positions [lo, hi), cut where the piece or the font changes."""
    runs: list[Run] = []
    for cp_start, cp_end, fc, compressed in pieces:
        if cp_end <= lo or cp_start >= hi:
            continue
        width = 1 if compressed else 2
        fc += (max(cp_start, lo) - cp_start) * width
        cp_start, cp_end = max(cp_start, lo), min(cp_end, hi)
        fc_end = fc + (cp_end - cp_start) * width
        pos = fc
        while pos < fc_end:
            font, stop = fmt.at(pos)
            stop = fc_end if stop is None else min(stop, fc_end)
            stop = pos + max(1, (stop - pos) // width) * width
            raw = wd[pos:stop]
            text = raw.decode("cp1252", errors="replace") if compressed else raw.decode("utf-16-le", errors="replace")
            if runs and runs[-1].font == font:
                runs[-1].text += text
            else:
                runs.append(Run(text, font))
            pos = stop
    return runs


_FIELD_MARKS = re.compile("[\x13\x14\x15]")


def _fields(runs: list[Run]) -> list[Run]:
    """Drop field codes (between 0x13 and 0x14) and keep field results; resolve control chars."""
    out: list[Run] = []
    stack: list[bool] = []  # one entry per open field: True while in its code part
    for run in runs:
        kept = []
        pos = 0
        # Walk from field mark to field mark; text between marks is kept unless in a code part.
        for m in _FIELD_MARKS.finditer(run.text):
            if not any(stack):
                kept.append(run.text[pos:m.start()])
            mark = m.group(0)
            if mark == "\x13":
                stack.append(True)
            elif mark == "\x14" and stack:
                stack[-1] = False
            elif mark == "\x15" and stack:
                stack.pop()
            pos = m.end()
        if not any(stack):
            kept.append(run.text[pos:])
        text = _resolve("".join(kept))
        if text:
            if out and out[-1].font == run.font:
                out[-1].text += text
            else:
                out.append(Run(text, run.font))
    return out


# Word's control characters resolved; other C0 controls (object anchors …) dropped.
_RESOLVE = {i: None for i in range(32) if chr(i) not in "\t\n"}
_RESOLVE.update({ord(k): v for k, v in _CONTROL.items()})


def _resolve(text: str) -> str:
    return text.translate(_RESOLVE)


def read_doc(data: bytes) -> tuple[str, str | None]:
    """Text of a Word 97 file, legacy fonts converted: (text, encoding label or None)."""
    from . import legacy

    runs = read_runs(data)
    text = "".join(r.text for r in runs)
    if not text.strip():
        raise IngestError(_("the Word document contains no text"))
    upper = bytearray()
    any_upper = False
    for r in runs:
        flag = 1 if legacy.upper_font(r.font) else 0
        any_upper |= bool(flag)
        upper.extend(bytes([flag]) * len(r.text))
    return legacy.decode_text(text, upper=upper if any_upper else None)
