"""The markers around a closing block in a stored body (issue 18).

The closing block (place and date, Nơi nhận, authority, office and signer) stays in its place in
the Markdown body, between two HTML comments: the Markdown still reads as the document, a person
editing the file sees where the closing starts and ends, and no section's text includes it.
A module of its own so that the views can skip the markers without importing the parser.
"""
from __future__ import annotations

import re

CLOSING_START = "<!-- closing -->"
CLOSING_END = "<!-- /closing -->"
MARKER_RE = re.compile(r"^\s*<!--\s*(/?)\s*closing\s*-->\s*$", re.I)


def closing_marker(line: str) -> str | None:
    """"start" or "end" for a closing marker line, else None."""
    m = MARKER_RE.match(line)
    return None if m is None else ("end" if m.group(1) else "start")
