"""Addressing sections: by kind ("implementation"), by number ("IV", "IV.2", "Điều 2",
"Chương II"), or "preamble"."""
from __future__ import annotations

import re

from .model import KINDS, Section
from .text.normalize import folded_key


def _norm_number(n: str) -> str:
    return re.sub(r"[\s.:)]+$", "", folded_key(n)).replace(" ", "")


def find_sections(sections: list[Section], selector: str) -> list[Section]:
    """Sections matching ``selector``; kind selectors return the top-level sections of that kind.

    A dotted path ``IV.2`` walks down: section IV, then its child numbered 2."""
    sel = selector.strip()
    if sel.lower() in KINDS:
        return [s for s in sections if s.kind == sel.lower()]
    want = _norm_number(sel)
    # whole-number match anywhere in the tree, top level first
    flat = [s for top in sections for s in top.walk()]
    direct = [s for s in flat if s.number and _norm_number(s.number) == want]
    if direct:
        return direct[:1] if len(direct) > 1 and any(s in sections for s in direct) else direct
    # path: IV.2 → IV then child 2
    parts = [p for p in re.split(r"[.\s]+", sel) if p]
    level = sections
    found: Section | None = None
    for part in parts:
        key = _norm_number(part)
        found = next((s for s in level if s.number and _norm_number(s.number).split(".")[-1] == key), None)
        if found is None:
            return []
        level = found.children
    return [found] if found else []
