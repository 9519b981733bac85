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
