"""The fixed words of the interface a clerk reads and types: section kinds, sort keys, OCR modes.

Each value has a canonical English name (what ``--json``, the store and the library use) and
Vietnamese names, written as offices write them (docs/glossary.md); the first is the one shown.
Typed values match in either language, with or without diacritics, in any case, with spaces,
hyphens or underscores between the words: ``tổ chức thực hiện``, ``to-chuc-thuc-hien``,
``TO CHUC THUC HIEN`` and ``implementation`` are one kind.
"""
from __future__ import annotations

import re

from .text.normalize import folded_key

#: field → canonical name → Vietnamese names (the first is shown).
TERMS: dict[str, dict[str, tuple[str, ...]]] = {
    # Section kinds. Headings write "MỤC ĐÍCH, YÊU CẦU"; the interface writes "mục đích – yêu
    # cầu" because kinds are listed with commas between them (docs/glossary.md).
    "kind": {
        "purpose": ("mục đích – yêu cầu", "mục đích", "mục đích yêu cầu", "mục đích và yêu cầu",
                    "mục tiêu", "yêu cầu"),
        "content": ("nội dung", "nhiệm vụ", "nội dung nhiệm vụ"),
        "implementation": ("tổ chức thực hiện", "thực hiện", "tổ chức triển khai"),
        "other": ("khác", "phần khác"),
    },
    # The text before the first section (căn cứ …): addressable as a part of its own.
    "part": {
        "preamble": ("phần mở đầu", "mở đầu"),
    },
    # search --sort
    "search_sort": {
        "relevance": ("liên quan", "mức độ liên quan", "phù hợp"),
        "date": ("ngày", "ngày ban hành"),
    },
    # list --sort
    "list_sort": {
        "date": ("ngày", "ngày ban hành"),
        "number": ("số", "số ký hiệu", "số hiệu", "ký hiệu"),
        "title": ("trích yếu", "tiêu đề", "tên"),
        "type": ("loại", "loại văn bản"),
        "issuer": ("cơ quan", "cơ quan ban hành", "nơi ban hành"),
    },
    # import --ocr
    "ocr": {
        "auto": ("tự động",),
        "always": ("luôn", "luôn luôn", "mọi trang"),
        "never": ("không", "không bao giờ"),
    },
}

_SEPARATORS = re.compile(r"[\s\-_–—,./]+")


def _key(text: str) -> str:
    """Folded (no case, no diacritics), words separated by one space."""
    return _SEPARATORS.sub(" ", folded_key(text)).strip()


def _index(field: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, names in TERMS[field].items():
        for word in (name, *names):
            out.setdefault(_key(word), name)
    return out


_INDEXES: dict[str, dict[str, str]] = {}


def canonical_names(field: str) -> tuple[str, ...]:
    """The canonical (English) names of ``field``, in order."""
    return tuple(TERMS[field])


def canonical(field: str, typed: str | None) -> str | None:
    """The canonical name ``typed`` stands for in ``field``, or None.

    >>> canonical("kind", "To-Chuc-Thuc-Hien")
    'implementation'
    """
    if not typed:
        return None
    index = _INDEXES.get(field)
    if index is None:
        index = _INDEXES[field] = _index(field)
    return index.get(_key(typed))


def label(field: str, name: str, lang: str | None = None, joined: bool = False) -> str:
    """How ``name`` is written for a person in ``lang`` (default: the interface's language);
    ``joined`` puts hyphens between its words, for a list of choices (``[liên-quan|ngày]``)."""
    from . import i18n

    lang = lang or i18n.language()
    names = TERMS[field].get(name)
    text = names[0] if lang == "vi" and names else name
    return _SEPARATORS.sub("-", text) if joined else text


def kind_label(kind: str, lang: str | None = None) -> str:
    """A section kind as shown: ``tổ chức thực hiện`` in Vietnamese, ``implementation`` in English."""
    return label("kind", kind, lang) if kind in TERMS["kind"] else kind
