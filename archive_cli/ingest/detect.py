"""Bytes of a text file → str: BOMs, UTF-8, UTF-16, mojibake, Windows-1258, TCVN3 and VNI.

Detection looks at a bounded sample, so a large file costs one decode, not a search. Legacy
encodings are judged by how many words become valid Vietnamese syllables (see legacy.py), which
leaves English and French alone.
"""
from __future__ import annotations

import re

from ..errors import IngestError
from ..i18n import _
from . import legacy

SAMPLE = 256 * 1024

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# UTF-8 read once as cp1252: "Ã©" for é, "áº¡" for ạ, "Ä‘" for đ, "Æ°" for ư.
_MOJIBAKE = re.compile("[ÃÂ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]|á[º»]|Ä[‘\u0090\u0091]|Æ[°¡¯ ]|Ã¡")
# cp1252's letters in 0x80–0x9F, so a mojibake run can be turned back into its bytes.
_CP1252_BACK = {ch: bytes([b]) for b in range(0x80, 0xA0) for ch in [bytes([b]).decode("cp1252", "ignore")] if ch}
_RUN = re.compile("[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]+")
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def _looks_utf16(sample: bytes) -> str | None:
    """UTF-16 without a BOM: NUL bytes on one side of most ASCII pairs."""
    if len(sample) < 8 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def is_binary(data: bytes) -> bool:
    """True for bytes that are not text in any 8-bit or UTF-8 encoding (UTF-16 aside)."""
    sample = data[:8192]
    if _looks_utf16(sample[: len(sample) - len(sample) % 2]):
        return False
    controls = len(_CONTROL.findall(sample))
    return b"\x00" in sample or (controls > 4 and controls > 0.05 * len(sample))


def _repair_run(m: re.Match[str]) -> str:
    """One run of Latin-1/cp1252 characters back to bytes, then as UTF-8; bytes that do not
    form UTF-8 keep their original character."""
    run = m.group(0)
    raw = b"".join(_CP1252_BACK.get(ch) or (bytes([ord(ch)]) if ord(ch) < 256 else b"?") for ch in run)
    out = raw.decode("utf-8", errors="surrogateescape")
    return "".join(
        (bytes([ord(c) - 0xDC00]).decode("cp1252", errors="ignore") or chr(ord(c) - 0xDC00))
        if "\udc80" <= c <= "\udcff" else c
        for c in out
    )


# Bytes cp1252 has no character for (0x81, 0x8D, 0x8F, 0x90, 0x9D) are often lost, and the
# non-breaking space 0xA0 turned into a space: Đ (C4 90) leaves "Ä", à (C3 A0) "Ã ", Ơ "Æ ".
# None of Ä, Ã, Æ is a Vietnamese letter, so in text known to be mojibake they are these.
_LOST = re.compile("Ä|Ã |Æ ")
_LOST_MAP = {"Ä": "Đ", "Ã ": "à", "Æ ": "Ơ"}


def repair_mojibake(text: str) -> str | None:
    """Undo one round of UTF-8-read-as-cp1252, or None when the text shows no such damage."""
    sample = text[:SAMPLE]
    hits = len(_MOJIBAKE.findall(sample))
    # Damaged text has no real Vietnamese letters left (ư became "Æ°"); "XÃ…" in a Unicode
    # document is a capital Ã before an ellipsis, not mojibake.
    if hits < 3 or legacy.unicode_vietnamese_count(sample) > hits:
        return None
    fixed = _RUN.sub(_repair_run, text)
    if len(_MOJIBAKE.findall(fixed[:SAMPLE])) < hits:
        return _LOST.sub(lambda m: _LOST_MAP[m.group(0)], fixed)
    return None


def _single_byte(data: bytes) -> tuple[str, str]:
    """Not UTF-8: TCVN3 / VNI, Windows-1258 or plain Windows-1252, whichever reads as the most
    Vietnamese; Western text stays cp1252."""
    from ..text.normalize import nfc

    cp1252 = data.decode("cp1252", errors="replace")
    cp1258 = data.decode("cp1258", errors="replace")
    net52 = _net(cp1252[:SAMPLE])
    net58 = _net(nfc(cp1258[:SAMPLE])) if cp1258 != cp1252 else net52
    decoded, enc = legacy.decode_text(data.decode("latin-1"))
    if enc and _net(decoded[:SAMPLE]) >= net58:
        return decoded, enc
    # Windows-1258 writes tones as combining marks: only Vietnamese gains from reading it so.
    if net58 > net52 + 1:
        return cp1258, "cp1258"
    if cp1252.count("\ufffd") <= max(2, len(cp1252) // 1000):
        return cp1252, "cp1252"
    return _fallback(data)


def _net(text: str) -> int:
    good, bad = legacy.vietnamese_score(text)
    return good - bad


def _fallback(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:SAMPLE]).best()
    # Coherence 0 means no language was recognised: random bytes that merely decode.
    if best is None or best.encoding is None or best.coherence < 0.1:
        raise IngestError(_("the bytes are not text in any known encoding"))
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError):
        raise IngestError(_("the bytes are not text in any known encoding")) from None


def decode(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes. Returns (text, encoding label); not yet NFC."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            codec = "utf-8" if name == "utf-8-sig" else name
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                raise IngestError(_("the file starts with a {name} mark but is not valid {name}").format(name=name)) from None
            return _after_unicode(text, name)
    utf16 = _looks_utf16(data[:4096] if len(data) >= 4096 else data[: len(data) - len(data) % 2])
    if utf16:
        try:
            return _after_unicode(data.decode(utf16), utf16)
        except UnicodeDecodeError:
            pass
    if is_binary(data):
        raise IngestError(_("the file is binary, not a text document"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _single_byte(data)
    return _after_unicode(text, "utf-8")


def _after_unicode(text: str, name: str) -> tuple[str, str]:
    """Unicode text can still carry damage: mojibake, or TCVN3/VNI kept as Latin-1 letters."""
    fixed = repair_mojibake(text)
    if fixed is not None:
        return fixed, f"{name} (repaired mojibake)"
    sample = text[:SAMPLE]
    latin1 = sum(1 for ch in sample if "\u00a0" <= ch <= "\u00ff")
    # Text that is already Unicode Vietnamese (ă đ ơ ư ạ …) is not legacy, even when it quotes
    # a few legacy words as examples.
    if latin1 and legacy.unicode_vietnamese_count(sample) < 0.2 * latin1:
        decoded, label = legacy.decode_text(text)
        if label:
            return decoded, f"{label} (as {name})"
    return text, name
