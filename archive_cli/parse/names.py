"""Names: casing of organisation names printed in capitals, and recognising a person's name.

Vietnamese writes an organisation name with a capital on the first syllable of each name part
("Ủy ban nhân dân tỉnh Thái Nguyên", "Sở Văn hóa, Thể thao và Du lịch", "Ban Tuyên giáo Tỉnh ủy
Bắc Kạn"); headers print them in capitals. :func:`org_case` rebuilds the usual form from a small
table of fixed phrases plus the rule "capitalise the first syllable after a head noun, a comma or
*và*; place names after an administrative level word are capitalised throughout".
"""
from __future__ import annotations

import re

# Fixed phrases in their usual casing (matched on lower-case text, longest first).
_PHRASES = [
    "Ban Chấp hành Trung ương", "Bộ Chính trị", "Ban Bí thư", "Ban Thường vụ", "Quốc hội",
    "Ủy ban Thường vụ Quốc hội", "Chính phủ", "Thủ tướng Chính phủ", "Văn phòng Chính phủ",
    "Văn phòng Trung ương Đảng", "Chủ tịch nước", "Tỉnh ủy", "Thành ủy", "Huyện ủy", "Quận ủy",
    "Thị ủy", "Đảng ủy", "Đảng bộ", "Trung ương", "Mặt trận Tổ quốc Việt Nam", "Việt Nam",
    "Ủy ban nhân dân", "Hội đồng nhân dân", "Đảng Cộng sản Việt Nam", "Công đoàn Việt Nam",
    "Tổng Liên đoàn Lao động Việt Nam", "Liên đoàn Lao động", "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
    "Hồ Chí Minh", "Ngân hàng Nhà nước Việt Nam", "Kiểm toán nhà nước", "Thanh tra Chính phủ",
    "Tòa án nhân dân tối cao", "Viện kiểm sát nhân dân tối cao", "Bảo hiểm xã hội Việt Nam",
]
_PHRASE_MAP = {p.lower(): p for p in _PHRASES}
_PHRASE_RE = re.compile("|".join(re.escape(p.lower()) for p in sorted(_PHRASES, key=len, reverse=True)))
# Head nouns of an organisation part: the next syllable starts the name proper.
_HEADS = {"bộ", "sở", "cục", "chi cục", "tổng cục", "vụ", "viện", "ban", "văn phòng", "trường",
          "trung tâm", "phòng", "ủy ban", "hội đồng", "học viện", "đại học", "kho bạc", "ngân hàng",
          "thanh tra", "công an", "bộ chỉ huy", "bộ tư lệnh", "cục thuế", "hội", "liên đoàn",
          "đoàn", "tổng công ty", "công ty", "đài", "báo", "tạp chí", "bệnh viện", "thuế", "hải quan"}
# Administrative level words: what follows is a place name.
_LEVELS = ("thành phố", "tỉnh", "huyện", "quận", "thị xã", "thị trấn", "xã", "phường", "đặc khu",
           "tp.", "tp")


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


_TWO_LEVELS = {("thành", "phố"), ("thị", "xã"), ("thị", "trấn"), ("đặc", "khu")}
_ONE_LEVELS = {"tỉnh", "huyện", "quận", "xã", "phường", "tp.", "tp"}
_TWO_HEADS = {("chi", "cục"), ("tổng", "cục"), ("văn", "phòng"), ("trung", "tâm"), ("ủy", "ban"),
              ("hội", "đồng"), ("học", "viện"), ("đại", "học"), ("kho", "bạc"), ("ngân", "hàng"),
              ("thanh", "tra"), ("công", "an"), ("liên", "đoàn"), ("công", "ty"), ("bệnh", "viện"),
              ("tạp", "chí"), ("hải", "quan")}


_ACRONYM_RE = re.compile(r"[^aăâeêioôơuưyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ\W\d]{2,6}")


_ACRONYMS = {"UBND", "HĐND", "BQL", "KCN", "TP", "MTTQ", "TW", "BCH", "BTV", "CP", "THPT", "THCS", "KBNN", "NHNN",
             "BHXH", "UBMTTQ", "TNCS", "HTX", "CA", "QĐ", "VPCP"}
#: Public views of the tables above, for the casing lexicon builder (tools/build_casing.py).
ORG_PHRASES: tuple[str, ...] = tuple(_PHRASES)
ACRONYMS: frozenset[str] = frozenset(_ACRONYMS)
HEAD_NOUNS: frozenset[str] = frozenset(_HEADS)


def org_case(text: str) -> str:
    """``ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN`` → ``Ủy ban nhân dân tỉnh Thái Nguyên``.

    Text already in mixed case is returned unchanged (it is printed as intended)."""
    s = re.sub(r"\s+", " ", text).strip()
    if not s or s != s.upper():
        return s
    low = s.lower()
    phrase_at = {m.start(): m for m in _PHRASE_RE.finditer(low)
                 if m.end() == len(low) or not low[m.end()].isalnum()}
    toks = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"\S+", low)]
    out: list[str] = []
    capital_next = True
    place_mode = False
    i = 0
    while i < len(toks):
        start, _end, w = toks[i]
        pm = phrase_at.get(start)
        if pm is not None and (start == 0 or not low[start - 1].isalnum()):
            out.append(_PHRASE_MAP[pm.group(0)])
            while i < len(toks) and toks[i][1] <= pm.end():
                i += 1
            capital_next = pm.group(0).split()[-1] in ("ban", "vụ")
            place_mode = pm.group(0).endswith(" ủy")  # "Tỉnh ủy Bắc Kạn": a place follows
            continue
        bare = w.strip(",;.")
        nxt = toks[i + 1][2].strip(",;.") if i + 1 < len(toks) else ""
        if _ACRONYM_RE.fullmatch(bare) or bare.upper() in _ACRONYMS:
            out.append(s[start:_end])  # UBND, BQL, HĐND stay in capitals
            capital_next = False
            i += 1
            continue
        if bare == "và" and not place_mode:
            out.append(w)
            capital_next = True
        elif (bare, nxt) in _TWO_LEVELS:
            out.append(w + " " + toks[i + 1][2])
            i += 1
            place_mode = True
            capital_next = False
        elif bare in _ONE_LEVELS:
            out.append(w)
            place_mode = True
            capital_next = False
        elif place_mode or capital_next:
            out.append(_cap(w))
            capital_next = False
        else:
            out.append(w)
        if (bare, nxt) in _TWO_HEADS:
            out.append(toks[i + 1][2])
            i += 1
            capital_next = True
        elif bare in _HEADS:
            capital_next = True
        if w.endswith(","):
            capital_next, place_mode = True, False
        i += 1
    return _cap(" ".join(out))


# ---------------------------------------------------------------------------------------------
# People

_SURNAMES = set("""nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đào đinh mai
trịnh lâm cao hà lương tạ đoàn vương trương chu tô lưu châu quách thái la kiều mạc khúc phùng tôn
triệu nông lò hầu giang âu lại văn thân tăng khổng nghiêm lục cù đàm đồng tống từ diệp doãn ninh
viên hứa ông phí bạch quan y sùng giàng vi lã lữ kim đường mạch ma nịnh thạch trình đậu tiêu
khương lăng chế kha bế hoàng""".split())


def _name_word(w: str) -> bool:
    return w.isalpha() and w[:1].isupper() and (len(w) == 1 or w[1:].islower() or w.isupper())

_NOT_NAME = {"nơi", "kính", "căn", "điều", "số", "ngày", "chủ", "phó", "giám", "bộ", "trưởng", "ủy",
             "ban", "sở", "cục", "văn", "thủ", "tỉnh", "thành", "hội", "đã", "lưu", "như", "tm",
             "kt", "tl", "q", "tuq", "chánh", "quyết", "nghị", "thông", "kế", "hướng", "công",
             "độc", "cộng", "đảng", "bí", "tổng", "viện", "trung", "chính", "quốc", "ký", "người"}


def looks_like_person(text: str) -> bool:
    """2–6 capitalised syllables, no digits or punctuation, not an office word."""
    s = re.sub(r"\s+", " ", text.strip().strip("*").strip()).rstrip(".")
    if not s or any(ch.isdigit() for ch in s) or re.search(r"[,;:/()\[\]\"“”]", s):
        return False
    words = s.split(" ")
    if not 2 <= len(words) <= 6:
        return False
    if words[0].lower() in _NOT_NAME and words[0].lower() not in _SURNAMES:
        return False
    if not all(_name_word(w) for w in words):
        return False
    if s == s.upper():
        # Names printed in capitals: accept only with a known surname.
        return words[0].lower() in _SURNAMES
    return words[0].lower() in _SURNAMES or all(w[:1].isupper() for w in words)


def person_case(text: str) -> str:
    """``NGUYỄN VĂN A`` → ``Nguyễn Văn A``; mixed case unchanged."""
    s = re.sub(r"\s+", " ", text.strip().strip("*").strip())
    if s == s.upper():
        return " ".join(_cap(w.lower()) for w in s.split(" "))
    return s
