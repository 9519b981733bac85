"""Legacy Vietnamese 8-bit font encodings: TCVN3 (ABC, ``.VnTime``) and VNI-Windows.

Legacy text reaches us as a ``str`` of Latin-1/cp1252 characters: a text file read as Latin-1,
the 8-bit pieces of a Word 97 file, an RTF body, a PDF text layer. These functions turn such a
string into Unicode. Which encoding a stretch of text uses is decided by :func:`vietnamese_score`,
which counts how many words become valid Vietnamese syllables: a content test that does not fire
on French or English, where the usual "count the odd bytes" heuristics do.

The tables come from ``archive_cli/data/legacy_encodings.json`` (134 rows, see its "about").
"""
from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources

# TCVN 5712 VN1 adds upper-case toned letters at byte values ABC (VN3) leaves free; glibc's
# TCVN5712-1 agrees. Only 0xA0–0xFF are taken: 0x80–0x9F collide with cp1252 quotes and dashes
# that Word writes in ordinary text.
_VN1_EXTRA = {
    0xAF: "Ặ", 0xBA: "Ẳ", 0xBF: "Ẵ", 0xC0: "Ắ", 0xC1: "Ầ", 0xC2: "Ẩ", 0xC3: "Ẫ", 0xC4: "Ấ",
    0xC5: "Ề", 0xCD: "Ể", 0xD9: "Ễ", 0xDA: "Ế", 0xDB: "Ồ", 0xE0: "Ổ", 0xF0: "Ỗ", 0xFF: "Ố",
}
# A PDF text layer typeset in .VnTime maps 0xAD (ư, a soft hyphen in Latin-1) to U+2212 MINUS
# and 0xB7 (ã, a middle dot) to U+2219 BULLET OPERATOR.
_PDF_EXTRA = {0x2212: "ư", 0x2219: "ã"}

_TONES = "\u0300\u0301\u0303\u0309\u0323"
# A syllable is onset + rhyme; the rhyme table follows Vietnamese phonotactics closely enough to
# reject the near-misses a wrong decoding makes ("tỉng" for tổng: -ing is not a rhyme; -nh, -ch
# follow only a, ê, i, uy, oa, uê; ă and â never end a syllable).
_OPEN = "ai ao au ay âu ây eo êu iu oi ôi ơi ui ưi ưu iêu yêu oai oay oao oeo uây uôi ươi ươu uyu ia ua ưa uya a e ê i o ô ơ u ư y oa oe uê uy uơ"
_NG_C = "a ă â e o ô ơ u ư iê yê uô ươ oa oă uâ oo uyê oe"
_NH_CH = "a ê i uy oa uê"
_MNPT = "a ă â e ê i o ô ơ u ư iê yê uô ươ oa oă uâ uyê oe uê uy"


def _alt(words: str) -> str:
    return "(?:" + "|".join(sorted(words.split(), key=len, reverse=True)) + ")"


_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"(?:" + _alt(_OPEN) + "|" + _alt(_NG_C) + "(?:ng|c)|" + _alt(_NH_CH) + "(?:nh|ch)|"
    + _alt(_MNPT) + "[mnpt])"
)
# Words: runs between white space and ASCII punctuation, so Latin-1 symbols (¸ · µ) stay inside
# the word they disfigure and make it invalid.
_WORD = re.compile(r"[^\s!-/:-@\[-`{-~\u2010-\u201f]+")


@lru_cache(maxsize=1)
def _rows() -> list[dict[str, str]]:
    raw = resources.files("archive_cli.data").joinpath("legacy_encodings.json").read_text("utf-8")
    return json.loads(raw)["rows"]


@lru_cache(maxsize=2)
def _tcvn3_table(pdf: bool = False) -> dict[int, str]:
    table = {ord(r["tcvn3"]): r["unicode"] for r in _rows() if len(r["tcvn3"]) == 1}
    table.update({k: v for k, v in _VN1_EXTRA.items() if k not in table})
    if pdf:
        table.update(_PDF_EXTRA)
    return table


@lru_cache(maxsize=1)
def _vni_tables() -> tuple[re.Pattern[str], dict[str, str]]:
    pairs: dict[str, str] = {r["vni"]: r["unicode"] for r in _rows()}
    # VNI has one-byte toned i (í ì æ ó ò) and ỷ ỵ (ë î), but converters and typists also
    # write the base letter + mark (kyû = kỷ).
    for base, marks, letters in (("i", "ùøûõï", "íìỉĩị"), ("y", "ûï", "ỷỵ")):
        for mark, lower in zip(marks, letters):
            pairs.setdefault(base + mark, lower)
            pairs.setdefault(base.upper() + mark.upper(), lower.upper())
    # Typists mixed the case of base and mark ("Aù"); the letter takes the base's case.
    for seq, uni in list(pairs.items()):
        if len(seq) != 2:
            continue
        variant = seq[0] + seq[1].swapcase()
        pairs.setdefault(variant, uni.upper() if seq[0].isupper() else uni.lower())
    # One pass, longest first: a decoded letter must never be decoded again (OØ → Ò, not Ị).
    pattern = re.compile("|".join(map(re.escape, sorted(pairs, key=len, reverse=True))))
    return pattern, pairs


def tcvn3_decode(text: str, pdf: bool = False) -> str:
    """TCVN3 (ABC) characters read as Latin-1 → Unicode (lower-case codes stay lower case)."""
    return text.translate(_tcvn3_table(pdf))


def vni_decode(text: str) -> str:
    """VNI-Windows characters read as Latin-1 → Unicode (base letter + mark byte, longest first)."""
    pattern, pairs = _vni_tables()
    return pattern.sub(lambda m: pairs[m.group(0)], text)


@lru_cache(maxsize=65536)  # words repeat: a document has a few thousand distinct syllables
def is_syllable(word: str) -> bool:
    """True when ``word`` (one token) spells a plausible Vietnamese syllable with at most one tone."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(decomposed.count(t) for t in _TONES)
    if tones > 1:
        return False
    for t in _TONES:
        decomposed = decomposed.replace(t, "")
    return _SYLLABLE.fullmatch(unicodedata.normalize("NFC", decomposed)) is not None


def vietnamese_score(text: str) -> tuple[int, int]:
    """(good, bad): words with non-ASCII letters that are / are not valid Vietnamese syllables."""
    good = bad = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        if is_syllable(word):
            good += 1
        else:
            bad += 1
    return good, bad


def _has_latin1(line: str) -> bool:
    return any("\u00a0" <= ch <= "\u00ff" or ch in "\u2212\u2219" for ch in line)


def _net(score: tuple[int, int]) -> int:
    return score[0] - score[1]


def _best(line: str, pdf: bool, prefer: str) -> tuple[str, str]:
    """Decode one line as TCVN3 or VNI, whichever gives more valid syllables; keep it as it is
    when neither beats the line read as plain Latin-1 (an English or French line in the file)."""
    candidates = {"tcvn3": tcvn3_decode(line, pdf), "vni": vni_decode(line)}
    net = {k: _net(vietnamese_score(v)) for k, v in candidates.items()}
    other = "vni" if prefer == "tcvn3" else "tcvn3"
    best = other if net[other] > net[prefer] else prefer
    if _net(vietnamese_score(line)) > net[best]:
        return line, "raw"
    return candidates[best], best


def survey(text: str, pdf: bool = False) -> tuple[str | None, bool]:
    """(legacy encoding or None, whether lines disagree) for ``text`` made of Latin-1 characters.

    Each line with Latin-1 letters is scored raw, as TCVN3 and as VNI (files mix the two line
    by line). The text is legacy only when most such words become Vietnamese syllables and clearly
    more than read as plain Latin-1: French (où, été) and English stay as they are.
    """
    totals = {"raw": [0, 0], "tcvn3": [0, 0], "vni": [0, 0]}
    wins = {"tcvn3": 0, "vni": 0}
    best_good = best_bad = 0
    for line in text[:200_000].split("\n"):
        if not _has_latin1(line):
            continue
        scores = {
            "raw": vietnamese_score(line),
            "tcvn3": vietnamese_score(tcvn3_decode(line, pdf)),
            "vni": vietnamese_score(vni_decode(line)),
        }
        for key, (good, bad) in scores.items():
            totals[key][0] += good
            totals[key][1] += bad
        net_t = scores["tcvn3"][0] - scores["tcvn3"][1]
        net_v = scores["vni"][0] - scores["vni"][1]
        if net_t != net_v:
            wins["tcvn3" if net_t > net_v else "vni"] += 1
        good, bad = scores["tcvn3"] if net_t >= net_v else scores["vni"]
        best_good += good
        best_bad += bad
    raw_net = totals["raw"][0] - totals["raw"][1]
    if best_good >= 2 and best_good >= 2 * best_bad and best_good - best_bad > raw_net + 1:
        net = {k: totals[k][0] - totals[k][1] for k in ("tcvn3", "vni")}
        return ("vni" if net["vni"] > net["tcvn3"] else "tcvn3"), min(wins.values()) >= 2
    return None, False


def guess(text: str, pdf: bool = False) -> str | None:
    """Which legacy encoding ``text`` (Latin-1 characters) is in: "tcvn3", "vni" or None."""
    return survey(text, pdf)[0]


def decode_lines(
    text: str, default: str, pdf: bool = False, upper: bytearray | None = None
) -> tuple[str, str]:
    """Decode legacy text line by line, each line in TCVN3 or VNI (files mix them).

    Lines with real Unicode Vietnamese (letters beyond Latin-1) are left alone: Word files often
    hold Unicode paragraphs next to ``.VnTime`` ones. ``upper`` marks characters set in a
    ``.VnTimeH``-style font; TCVN3 decoding is one character for one, so the marks still line up.
    Returns (text, "tcvn3" | "vni" | "tcvn3+vni").
    """
    used = {default: 0}
    out = []
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if not _has_latin1(line) or _is_unicode_vietnamese(line):
            out.append(line)
            continue
        decoded, enc = _best(line, pdf, default)
        if enc == "raw":
            out.append(line)
            continue
        used[enc] = used.get(enc, 0) + 1
        if upper is not None and enc == "tcvn3" and len(upper) == len(text) and any(upper[start:pos - 1]):
            mask = upper[start:pos - 1]
            decoded = "".join(ch.upper() if m else ch for ch, m in zip(decoded, mask))
        decoded = repair_words(line, decoded, enc, pdf)
        if enc == "tcvn3":
            decoded = fix_capitals(decoded)
        out.append(decoded)
    mixed = [k for k, n in used.items() if n >= 3]
    label = "tcvn3+vni" if len(mixed) == 2 else max(used, key=lambda k: used[k])
    return "\n".join(out), label


_MARKS = set("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")


@lru_cache(maxsize=65536)
def _garbled(word: str) -> bool:
    """A word no Vietnamese spelling produces: two tone marks, or a character outside the
    Vietnamese alphabet (Latin-1 symbols, ß, Ð …) — the trace of a wrong legacy decoding."""
    tones = 0
    for ch in word:
        if ch.isascii() or ch in "đĐ":
            continue
        parts = unicodedata.normalize("NFD", ch)
        if not (parts[0].isascii() and parts[0].isalpha()) or any(c not in _MARKS for c in parts[1:]):
            return True
        tones += sum(c in _TONES for c in parts[1:])
    return tones > 1


def repair_words(original: str, decoded: str, primary: str, pdf: bool = False) -> str:
    """Word by word, keep the primary decoding unless it is not a Vietnamese syllable and the
    other encoding's is: text pasted between documents mixes TCVN3 and VNI even inside a line
    ("ÖÙng dông" = "Ứng dụng"). ``decoded`` is ``original`` decoded as TCVN3 (one character
    for one, so spans line up); for VNI each word is decoded on its own."""

    def pick(m: re.Match[str]) -> str:
        token = m.group(0)
        first = decoded[m.start():m.end()] if primary == "tcvn3" else vni_decode(token)
        if token.isascii():
            return first  # as decoded: a .VnTimeH run has upper-cased it
        if is_syllable(first) or not _garbled(first):
            return first  # abbreviations (LĐ, QĐ) are not syllables but are not garbled either
        other = vni_decode(token) if primary == "tcvn3" else tcvn3_decode(token, pdf)
        return other if is_syllable(other) else first

    return _WORD.sub(pick, original)


_CAPS_WORD = re.compile(r"[^\W\d_]+")


def _capital_word(m: re.Match[str]) -> str:
    word = m.group(0)
    lower = [ch for ch in word if ch.islower()]
    # Only lower-case letters that TCVN3 gave (it has no toned capitals), never ASCII (QĐ-TTg).
    if sum(ch.isupper() for ch in word) >= 2 and lower and all(not ch.isascii() for ch in lower):
        return word.upper()
    return word


def fix_capitals(line: str) -> str:
    """Capitalise words typed in capitals where TCVN3 had only lower-case toned codes
    ("NGHị ĐịNH" → "NGHỊ ĐỊNH"), for text whose font is unknown (plain text, PDF)."""
    return _CAPS_WORD.sub(_capital_word, line)


def decode_text(
    text: str, pdf: bool = False, upper: bytearray | None = None
) -> tuple[str, str | None]:
    """Convert ``text`` if it is legacy-encoded; (text, encoding or None when it is not).

    One encoding and no Unicode Vietnamese in the text: one ``str.translate`` over the whole
    text (fast on megabytes). Otherwise line by line (:func:`decode_lines`)."""
    enc, mixed = survey(text, pdf)
    if enc is None:
        return text, None
    if mixed or unicode_vietnamese_count(text) or len(text) > 200_000 and guess(text[-100_000:], pdf) != enc:
        return decode_lines(text, enc, pdf, upper)
    if enc == "vni":
        return repair_words(text, "", "vni", pdf), enc
    decoded = tcvn3_decode(text, pdf)
    if upper is not None and len(upper) == len(decoded):
        decoded = "".join(ch.upper() if m else ch for ch, m in zip(decoded, upper))
    return fix_capitals(repair_words(text, decoded, "tcvn3", pdf)), enc


def font_encoding(font: str) -> str | None:
    """The legacy encoding a font name implies: .VnTime → tcvn3, VNI-Times → vni."""
    name = font.strip().lower()
    if name.startswith(".vn") or name.startswith("vn") and not name.startswith("vni"):
        return "tcvn3"
    if name.startswith("vni"):
        return "vni"
    return None


def upper_font(font: str) -> bool:
    """TCVN3 capital fonts end in H (.VnTimeH, .VnArialH, .VnBahamasBH)."""
    name = font.strip()
    return font_encoding(name) == "tcvn3" and name.endswith("H")


_UNICODE_VI = re.compile("[ăĂđĐơƠưƯ\u1ea0-\u1ef9]")


def _is_unicode_vietnamese(line: str) -> bool:
    return len(_UNICODE_VI.findall(line)) >= 2


def unicode_vietnamese_count(text: str) -> int:
    """How many letters only Unicode Vietnamese has (ă đ ơ ư and the toned vowels U+1EA0–1EF9)."""
    return len(_UNICODE_VI.findall(text))
