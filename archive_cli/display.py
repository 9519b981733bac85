"""Text shown on a terminal: control characters escaped, never sent raw.

A title or file name may carry control characters (a hand-edited front matter, a file named by a
script): printed raw, BEL rings, CR overwrites the line, ESC sequences repaint the screen. They
are shown as ``\\xNN``; JSON output escapes them by itself.
"""
from __future__ import annotations

import re

_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROLS_KEEP_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _escape(m: re.Match[str]) -> str:
    return f"\\x{ord(m.group()):02x}"


def one_line(text: str | None) -> str:
    """``text`` for a single line of output: every control character escaped, newlines too."""
    return _CONTROLS.sub(_escape, text) if text else ""


def printable(text: str | None) -> str:
    """``text`` for output that may span lines: control characters escaped but tab and newline."""
    return _CONTROLS_KEEP_LINES.sub(_escape, text) if text else ""


def display_name(name: str) -> str:
    """A file name as text that prints and encodes anywhere: bytes that were not UTF-8 (read by
    the OS as lone surrogates) and control characters as ``\\xNN``."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return one_line(text)


def display_date(iso: str | None, lang: str | None = None) -> str:
    """An ISO date as clerks read it, ``19/11/2025``; in Vietnamese a month reads ``11/2025``
    too; another partial or odd value as it is. (JSON output and the store keep ISO.)"""
    if not iso:
        return ""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    if m:
        return f"{m.group(3)}/{m.group(2)}/{m.group(1)}"
    if lang is None:
        from .i18n import language

        lang = language()
    m = re.fullmatch(r"(\d{4})-(\d{2})", iso)
    if m and lang == "vi":
        return f"{m.group(2)}/{m.group(1)}"
    return one_line(iso)


def tsv_field(text: str | None) -> str:
    """A value for one tab-separated column: tabs and line breaks become spaces, other control
    characters are escaped, so every row is one line with a fixed number of columns."""
    return one_line(re.sub(r"[\t\r\n\u2028\u2029]+", " ", text or "").strip())
