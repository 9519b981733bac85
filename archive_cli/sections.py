"""Addressing sections: by kind ("implementation", "tổ chức thực hiện", "to-chuc-thuc-hien"), by
number ("IV", "IV.2", "Điều 2", "Chương II"), or "preamble" ("phần mở đầu")."""
from __future__ import annotations

import re

from .model import Section
from .text.normalize import folded_key
from .vocabulary import canonical


def _norm_number(n: str) -> str:
    return re.sub(r"[\s.:)]+$", "", folded_key(n)).replace(" ", "")


def find_sections(sections: list[Section], selector: str) -> list[Section]:
    """Sections matching ``selector``; kind selectors return the top-level sections of that kind.

    A dotted path ``IV.2`` walks down: section IV, then its child numbered 2."""
    sel = selector.strip()
    kind = canonical("kind", sel)
    if kind is not None:
        return [s for s in sections if s.kind == kind]
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


def is_preamble(selector: str) -> bool:
    """Whether ``selector`` names the text before the first section: "preamble", "phần mở đầu"."""
    return canonical("part", selector) == "preamble"
