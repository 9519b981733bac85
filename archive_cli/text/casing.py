"""Sentence case for text printed in capitals ("QUYẾT ĐỊNH BAN HÀNH QUY ĐỊNH VỀ …").

Vietnamese writes a title in sentence case, keeping proper names and abbreviations as they are
usually written: "ban hành Quy định về phân cấp … tỉnh Thái Nguyên", "UBND", "Luật Đất đai".
Which words those are is not hand-kept here: ``archive_cli/data/casing.json`` is learned from the
corpus's own mixed-case text plus the domain lists (``python -m tools.build_casing``). Its
``phrases`` map a lower-cased, tone-canonical word sequence to the case pattern the corpus
prints it in most of the time, away from the start of a sentence.

Only letter case changes: ``sentence_case(t).lower() == t.lower()`` for every text, and the
function is idempotent.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from .normalize import canon_tones, nfc

_WORD_RE = re.compile(r"[^\W_]+", re.U)
# The shape of one Vietnamese syllable (onset, vowel nucleus, coda), on folded lower-case letters;
# a word in capitals that is no syllable ("UBND", "XNK", "CNTT") is an abbreviation and stays.
_V = "aeiouy"
_SYLLABLE_RE = re.compile(r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
                          rf"[{_V}]{{1,3}}(?:ng|nh|ch|[cmnpt])?$")
# After these, a document type names a specific text: "ban hành Quy định …", "kèm theo Quy chế …".
# Words after which "luật" names a law, and words that never start a law's name.
_LAW_BEFORE = frozenset({"của", "theo", "tại", "các", "và", "hành", "dẫn", "đổi", "sung", "thực", "hiện", "bỏ"})
_FUNCTION_WORDS = frozenset({"trên", "về", "của", "và", "này", "số", "năm", "các", "do", "để", "đã", "được", "trong",
                             "tại", "cho", "với", "khi", "sửa", "hiện", "pháp", "liên", "quan", "mới", "có"})
# Words a Roman numeral follows ("khóa XV", "Chương II"); elsewhere "VI" is the syllable "vi".
_NUMERAL_BEFORE = frozenset({"khóa", "khoá", "chương", "phần", "mục", "kỳ", "thứ", "đợt", "phụ", "lục", "hội",
                             "quân", "khu", "vùng", "nhóm", "loại", "hạng", "cấp", "tập", "quyển", "điều"})
_CITING = ("ban hành", "phê duyệt", "kèm theo", "sửa đổi", "bổ sung", "thực hiện", "triển khai", "hướng dẫn")


@dataclass(frozen=True)
class Lexicon:
    """Learned casing: phrase key (lower, tone-canonical words joined by one space) → pattern
    per word: "C" capitalised, "U" all capitals, "l" lower case."""

    phrases: dict[str, tuple[str, ...]]
    longest: int
    cited_types: frozenset[str]  # type names capitalised after a citing verb ("quy định", …)
    numbered: frozenset[str] = frozenset()  # capitalised only before a number ("Điều 5", "Khoản 2")
    #: phrases the corpus capitalises only inside an organisation's name ("Giáo dục và Đào tạo"
    #: after "Sở"/"Bộ"); elsewhere they are ordinary words ("lĩnh vực giáo dục và đào tạo")
    after_head: frozenset[str] = frozenset()
    heads: frozenset[str] = frozenset()  # last words of organisation head nouns (sở, bộ, ban, cục …)


def _pattern(word: str) -> str:
    if len(word) > 1 and word.isupper():
        return "U"
    if word[1:] != word[1:].lower():
        return "=" + word  # "IoT", "VNeID": the exact form
    return "C" if word[:1].isupper() else "l"


def word_key(word: str) -> str:
    return canon_tones(nfc(word)).lower()


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon shipped in ``archive_cli/data/casing.json`` (read once, immutable)."""
    from importlib import resources

    raw = json.loads(resources.files("archive_cli.data").joinpath("casing.json").read_text("utf-8"))
    return make_lexicon(raw["phrases"], raw.get("cited_types", []), raw.get("numbered", []),
                        raw.get("after_head", []), raw.get("heads", []))


def make_lexicon(phrases: dict[str, str], cited_types: list[str] | tuple[str, ...] = (),
                 numbered: list[str] | tuple[str, ...] = (), after_head: list[str] | tuple[str, ...] = (),
                 heads: list[str] | tuple[str, ...] = ()) -> Lexicon:
    """A lexicon from ``{"thái nguyên": "Thái Nguyên", "ubnd": "UBND", …}``."""
    table: dict[str, tuple[str, ...]] = {}
    for key, form in phrases.items():
        words = form.split()
        k = " ".join(word_key(w) for w in key.split())
        if len(words) == len(k.split()):
            table[k] = tuple(_pattern(w) for w in words)
    longest = max((len(k.split()) for k in table), default=1)
    def keys(items) -> frozenset[str]:
        return frozenset(" ".join(word_key(w) for w in t.split()) for t in items)

    return Lexicon(table, longest, keys(cited_types), keys(numbered), keys(after_head), keys(heads))


def _up(s: str) -> str:
    # Per character, and only where the case pair is one character that lowers back to the same
    # letter ("ß".upper() is "SS"; the micro sign "µ" uppers to Greek "Μ").
    return "".join(u if len(u := c.upper()) == 1 and u.lower() == c.lower() else c for c in s)


def _low(s: str) -> str:
    return "".join(lo if len(lo := c.lower()) == 1 else c for c in s)


def _apply(word: str, pattern: str) -> str:
    if pattern.startswith("="):
        form = pattern[1:]
        same = len(form) == len(word) and all(a.lower() == b.lower() for a, b in zip(form, word))
        return form if same else _low(word)
    if pattern == "U":
        return _up(word)
    if pattern == "C":
        return _up(word[:1]) + _low(word[1:])
    return _low(word)


def sentence_case(text: str, *, lexicon: Lexicon | None = None, first: bool = True) -> str:
    """Capitals → sentence case; names and abbreviations as the lexicon knows them.

    ``first``: capitalise the first word (False when the text continues a title head, as in
    "Quyết định" + "ban hành …")."""
    lex = lexicon or default_lexicon()
    text = nfc(text)  # never case-map un-normalised text: "Ô" in NFD is two characters
    spans = [(m.start(), m.end()) for m in _WORD_RE.finditer(text)]
    keys = [word_key(text[a:b]) for a, b in spans]
    patterns = ["l"] * len(spans)
    i = 0
    while i < len(spans):
        for n in range(min(lex.longest, len(spans) - i), 0, -1):
            if n > 1 and not _joined(text, spans, i, n):
                continue
            key = " ".join(keys[i:i + n])
            pat = lex.phrases.get(key)
            if pat is not None and key in lex.after_head and (i == 0 or keys[i - 1] not in lex.heads):
                pat = None  # "lĩnh vực giáo dục và đào tạo": a name only after "Sở", "Bộ" …
            if pat is not None:
                patterns[i:i + n] = pat
                i += n
                break
        else:
            i += 1
    for i in range(len(spans)):
        if keys[i] in lex.numbered and i + 1 < len(spans) and _is_number(text[spans[i + 1][0]:spans[i + 1][1]]):
            patterns[i] = "C"  # "Điều 5", "Chương II"
    # A type name right after a citing verb names a specific text: "ban hành Quy chế …"; so
    # does one followed by its number: "bãi bỏ Nghị quyết số 30/2013/NQ-HĐND".
    for i in range(len(spans)):
        for n in (3, 2, 1):
            if " ".join(keys[i:i + n]) not in lex.cited_types:
                continue
            after = keys[i + n] if i + n < len(keys) else ""
            if (i >= 2 and " ".join(keys[i - 2:i]) in _CITING) or after == "số" or after[:1].isdigit():
                patterns[i] = "C"
            break
    for i in range(1, len(spans)):
        word = text[spans[i][0]:spans[i][1]]
        if keys[i - 1] in ("chương", "phần", "mục") and re.fullmatch(r"[IVXLC]+", word):
            patterns[i - 1] = "C"  # "Chương III"
    # "của Luật Dân quân tự vệ", "Luật Ban hành văn bản …": a law's name starts with a capital.
    for i in range(len(spans) - 1):
        if keys[i] in ("luật", "bộ luật") and (i == 0 or keys[i - 1] in _LAW_BEFORE) \
                and keys[i + 1] not in _FUNCTION_WORDS and not keys[i + 1][:1].isdigit():
            patterns[i] = "C"
            if patterns[i + 1] == "l":
                patterns[i + 1] = "C"
    out = []
    last = 0
    for k, ((a, b), pat) in enumerate(zip(spans, patterns)):
        word = text[a:b]
        roman = re.fullmatch(r"[IVXLCDM]+", word) and (k == 0 or keys[k - 1] in _NUMERAL_BEFORE
                                                       or not _is_syllable(keys[k]))
        if any(c.isdigit() for c in word) or _mixed_symbol(word) or (
                pat == "l" and word.isupper() and (not _is_syllable(keys[k]) or roman)):
            new = word  # "QH15", "TTg", "UBND", "XNK": symbols and abbreviations keep their case
        else:
            new = _apply(word, pat)
        if k == 0 and first:
            new = _up(new[:1]) + new[1:]
        out.append(text[last:a])
        out.append(new)
        last = b
    out.append(text[last:])
    return "".join(out)


def _is_syllable(key: str) -> bool:
    import unicodedata

    base = "".join(c for c in unicodedata.normalize("NFD", key) if not unicodedata.combining(c))
    return bool(_SYLLABLE_RE.match(base.replace("đ", "đ")))


def _is_number(word: str) -> bool:
    return word[:1].isdigit() or bool(re.fullmatch(r"[IVXLCivxlc]+", word))


def _mixed_symbol(word: str) -> bool:
    # "TTg", "QĐi", "CTr": an upper-case symbol with one lower-case letter, as printed.
    return len(word) > 1 and word[0].isupper() and any(c.isupper() for c in word[1:]) and not word.isupper()


def _joined(text: str, spans: list[tuple[int, int]], i: int, n: int) -> bool:
    """The n words from i stand together: only spaces between them (a phrase never spans a
    comma, bracket or dash)."""
    for k in range(i, i + n - 1):
        gap = text[spans[k][1]:spans[k + 1][0]]
        if gap.strip():
            return False
    return True


def is_shouting(text: str) -> bool:
    """Most letters are capitals (a title printed in capitals, perhaps after a mixed-case head)."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 4:
        return False
    return sum(1 for c in letters if c.isupper()) / len(letters) > 0.6
