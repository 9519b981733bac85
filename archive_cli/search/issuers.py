"""``--issuer`` as clerks type it: abbreviations every office uses (UBND, HĐND, BTC) stand for
the body's full name and the other way round, so "ubnd thai nguyen" finds "Ủy ban nhân dân
tỉnh Thái Nguyên" and "Ủy ban nhân dân Hà Nội" finds "UBND TP Hà Nội".

Each typed word must be one of the issuer's words, in any order, as before; an abbreviation or
a full name it abbreviates is one condition that either spelling satisfies.
"""
from __future__ import annotations

from functools import cache

from ..index import plan as P
from ..text.analysis import folded, tokens

#: Local and common bodies (domain notes §1: "Local: HĐND, UBND"), beside the ministries and
#: central bodies the number parser knows by their symbol (parse.patterns.SYMBOL_ISSUERS).
LOCAL_ABBREVIATIONS = {
    "UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "MTTQ": "Mặt trận Tổ quốc",
    "TP": "thành phố", "TP.": "thành phố", "BCĐ": "Ban chỉ đạo", "VP": "Văn phòng",
    "SGDĐT": "Sở Giáo dục và Đào tạo", "SYT": "Sở Y tế", "PGDĐT": "Phòng Giáo dục và Đào tạo",
}


def _words(text: str) -> tuple[str, ...]:
    return tuple(folded(tokens(text)))


@cache
def abbreviations() -> dict[str, tuple[str, ...]]:
    """Folded abbreviation → the folded words of the name it stands for."""
    from ..parse.patterns import SYMBOL_ISSUERS

    out: dict[str, tuple[str, ...]] = {}
    for abbr, name in {**SYMBOL_ISSUERS, **LOCAL_ABBREVIATIONS}.items():
        key = _words(abbr)
        if len(key) == 1 and len(_words(name)) > 1:
            out.setdefault(key[0], _words(name))
    return out


def _keys(words: tuple[str, ...]):
    keys = tuple(P.Key("issuer_word", w) for w in words)
    return keys[0] if len(keys) == 1 else P.All(keys)


def issuer_conditions(issuer: str) -> list:
    """The plan conditions ``--issuer ISSUER`` adds, one per typed word or abbreviated name."""
    abbr = abbreviations()
    by_name = sorted(((name, a) for a, name in abbr.items()), key=lambda x: -len(x[0]))
    words = _words(issuer)
    out: list = []
    i = 0
    while i < len(words):
        w = words[i]
        if w in abbr:
            out.append(P.Any((P.Key("issuer_word", w), _keys(abbr[w]))))
            i += 1
            continue
        for name, a in by_name:
            if words[i:i + len(name)] == name:
                out.append(P.Any((_keys(name), P.Key("issuer_word", a))))
                i += len(name)
                break
        else:
            out.append(P.Key("issuer_word", w))
            i += 1
    return list(dict.fromkeys(out))


#: Long names every clerk reads in their short form, for narrow columns (the full name stays in
#: the data and in --json).
_SHORT_FORMS = (("Ủy ban nhân dân", "UBND"), ("Uỷ ban nhân dân", "UBND"), ("Hội đồng nhân dân", "HĐND"),
                ("Mặt trận Tổ quốc", "MTTQ"), ("thành phố", "TP"))


def short_issuer(issuer: str | None) -> str:
    """``Ủy ban nhân dân tỉnh Thái Nguyên`` → ``UBND tỉnh Thái Nguyên`` (case-insensitive)."""
    import re

    out = issuer or ""
    for long, short in _SHORT_FORMS:
        out = re.sub(re.escape(long), short, out, flags=re.IGNORECASE)
    return out
