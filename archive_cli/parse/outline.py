"""The outline: which lines are headings, the Markdown body, and reading the tree back from it.

:func:`render_body` turns cleaned blocks into Markdown in which each heading of the document's
own numbering is an ATX heading (``##`` for the top level, one more ``#`` per depth level).
:func:`outline_from_markdown` reads any such Markdown (including a body edited by hand) back into
a preamble and a :class:`~archive_cli.model.Section` tree. ``parse`` builds its sections with the
same function, so the stored body and the parse result always agree.

Heading or numbered paragraph (domain notes §3.2): Phần, Chương, Mục, Điều and Roman lines are
headings; Arabic, dotted and letter items are headings only when short and not ending like a
sentence (``. ; : …``), or printed wholly bold/capitalised. Depth follows the rank order
Phần > Chương > Mục > Điều > I. > 1. > 1.1. > 1.1.1. > a).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..closing_marks import MARKER_RE, CLOSING_END, CLOSING_START, closing_marker
from ..model import Section
from .clean import Block
from .kinds import section_kind

ROMAN = r"(?=[IVXLCDM])(?:M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))"
_ROMAN_OK = re.compile(rf"^{ROMAN}$")

# (level, rank, regex). Regexes capture the printed number prefix in "pre" and text in "t".
_LEVELS: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    ("phan", 0, re.compile(rf"^(?P<pre>(?:Phần|PHẦN)\s+(?P<n>thứ\s+\w+|THỨ\s+\w+|{ROMAN}|\d+)\b\s*[.:\-–]?)\s*(?P<t>.*)$")),
    ("chuong", 1, re.compile(rf"^(?P<pre>(?:Chương|CHƯƠNG)\s+(?P<n>{ROMAN}|\d+)\b\s*[.:\-–]?)\s*(?P<t>.*)$")),
    ("muc", 2, re.compile(rf"^(?P<pre>(?:Mục|MỤC)\s+(?P<n>\d+|{ROMAN})\b\s*[.:\-–]?)\s*(?P<t>.*)$")),
    ("dieu", 3, re.compile(r"^(?P<pre>(?:Điều|ĐIỀU)\s+(?P<n>\d+[a-z]?)(?:\[\d+\])?\s*[.:\-–])\s*(?P<t>.*)$", re.S)),
    ("roman", 4, re.compile(rf"^(?P<pre>(?P<n>(?=[IVXLC]){ROMAN})\s*[.\-–)/])\s+(?P<t>\S.*)$")),
    ("arabic3", 7, re.compile(r"^(?P<pre>(?P<n>\d{1,2}\.\d{1,2}\.\d{1,2})\.?)\s+(?P<t>\S.*)$")),
    ("arabic2", 6, re.compile(r"^(?P<pre>(?P<n>\d{1,2}\.\d{1,2})\.?)\s+(?P<t>\S.*)$")),
    ("arabic", 5, re.compile(r"^(?P<pre>(?P<n>\d{1,2})\s*(?:\.(?!\d)|\)|/(?=\s)))\s*(?P<t>\S.*)$")),
    ("letter", 8, re.compile(r"^(?P<pre>(?P<n>[a-zđ])\s*\))\s+(?P<t>\S.*)$")),
)
_EN_HEADINGS = re.compile(
    r"^(?:\d{1,2}\.?\s+)?(?:Purpose|Scope|Background|Guidance|Implementation|Responsibilities|Objectives?|"
    r"Definitions|Procedures?|Introduction|Summary|Policy|Applicability|Roles and Responsibilities|"
    r"Effective Date|References|Monitoring|Reporting|Annex(?:es)?)(?:\s+\w+){0,4}\s*:?$", re.I)
_ENDS_SENTENCE_RE = re.compile(r"[.;]\s*$")
_SENTENCE_END = re.compile(r"(?:[.;:,…]|\./\.)\s*$")
_MD_HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$|^(#{1,6})[ \t]*$")
NUM_IN_HEADING = re.compile(
    rf"^(?P<num>(?:Phần|PHẦN)\s+(?:thứ\s+\w+|THỨ\s+\w+|{ROMAN}|\d+)\b|(?:Chương|CHƯƠNG)\s+(?:{ROMAN}|\d+)\b|"
    rf"(?:Mục|MỤC)\s+(?:\d+|{ROMAN})\b|(?:Điều|ĐIỀU)\s+\d+[a-z]?(?![\w])|(?=[IVXLC]){ROMAN}(?=\s*[.\-–)/])|"
    r"\d{1,2}(?:\.\d{1,2}){0,3}(?=\s*[.)/]|\s)|[a-zđ](?=\s*\)))(?:\[\d+\])?\s*[.:\-–)/]?\s*(?P<h>.*)$")


@dataclass
class _Heading:
    level: str
    rank: int
    prefix: str  # number as printed, with its punctuation ("I.", "Điều 2.")
    text: str  # heading text on the heading line
    rest: str = ""  # text after the heading on the same line, kept as a paragraph


def classify(block: Block, *, english: bool = False) -> _Heading | None:
    """The heading a block opens, or None for a paragraph."""
    t = block.text.strip()
    if not t:
        return None
    for level, rank, rx in _LEVELS:
        if len(t) > 400 and level != "dieu":
            continue  # only an article may run on into a long paragraph
        m = rx.match(t)
        if not m:
            continue
        pre, txt = m.group("pre").strip(), m.group("t").strip()
        if level == "roman" and not _ROMAN_OK.match(m.group("n")):
            return None
        if level in ("phan", "chuong", "muc"):
            if level == "muc" and txt and txt != txt.upper() and not block.bold:
                return None  # "Mục 1 của …" inside a sentence
            if len(txt) > 200:
                return None
            return _Heading(level, rank, pre, txt)
        if level == "dieu":
            if block.bold_prefix and block.bold_prefix.strip() != t:
                bp = block.bold_prefix.strip()
                if len(bp) > len(pre) and t.startswith(bp):
                    return _Heading(level, rank, pre, bp[len(pre):].strip(), t[len(bp):].strip())
                return _Heading(level, rank, pre, "", txt)
            if block.bold or (len(txt) <= 150 and not _ENDS_SENTENCE_RE.search(txt)):
                return _Heading(level, rank, pre, txt.rstrip(":").strip() if txt.endswith(":") else txt)
            return _Heading(level, rank, pre, "", txt)
        if level == "roman":
            if len(txt) > 250 and not block.bold:
                return None
            return _Heading(level, rank, pre, txt)
        # Arabic, dotted, letters: headings only when they read like one.
        if level in ("arabic2", "arabic3") and not txt[:1].isupper():
            return None
        caps = txt == txt.upper() and any(c.isalpha() for c in txt)
        if block.bold and len(txt) <= 250:
            return _Heading(level, rank, pre, txt)
        if block.bold_prefix and not block.bold:
            return None  # "**1.** Long paragraph": a numbered paragraph
        if caps and len(txt) <= 200:
            return _Heading(level, rank, pre, txt)
        if len(txt) <= 100 and not _SENTENCE_END.search(txt):
            return _Heading(level, rank, pre, txt)
        if len(txt) <= 80 and txt.endswith(":") and not _SENTENCE_END.search(txt[:-1]):
            return _Heading(level, rank, pre, txt)  # "2. Tổ chức tín dụng:" introduces its items
        return None
    if block.md_level:
        m = _NUMBER_ONLY_RE.match(t)
        if m:  # "### 2." written as a heading (our own Markdown): the number heads the text after it
            level, rank = _number_level(m.group("n"))
            return _Heading(level, rank, t, "")
    if english and len(t) <= 80 and _EN_HEADINGS.match(t) and not _SENTENCE_END.search(t.rstrip(":")):
        return _Heading("roman", 4, "", t.rstrip(":"))
    if block.md_level and len(t) <= 200 and not _SENTENCE_END.search(t):
        # An unnumbered Markdown heading written by a person ("## Giới thiệu"): kept, ranked
        # by its "#" count among the numbered levels.
        return _Heading("md", min(3 + block.md_level, 8), "", t)
    return None


_NUMBER_ONLY_RE = re.compile(r"^(?P<n>\d{1,2}(?:\.\d{1,2}){0,2}|[a-zđ])\s*[.)]$")
_LIST_LEVELS = {"arabic": 5, "arabic2": 6, "arabic3": 7, "letter": 8}
_LETTERS = "abcdđeghiklmnopqrstuvxy"  # the Vietnamese order of lettered items (no f, j, w, z)


def _number_level(n: str) -> tuple[str, int]:
    level = "letter" if n.isalpha() else ("arabic", "arabic2", "arabic3")[n.count(".")]
    return level, _LIST_LEVELS[level]


def _item_number(prefix: str) -> str:
    return prefix.strip().rstrip(".):/ ").strip()


def _follows(a: str, b: str) -> bool:
    """Whether list item ``b`` comes right after ``a`` ("1" → "2", "4.1" → "4.2", "d" → "đ")."""
    if a.isalpha() and b.isalpha():
        return a in _LETTERS and b in _LETTERS and _LETTERS.index(b) == _LETTERS.index(a) + 1
    pa, pb = a.split("."), b.split(".")
    if len(pa) != len(pb) or pa[:-1] != pb[:-1] or not (pa[-1].isdigit() and pb[-1].isdigit()):
        return False
    return int(pb[-1]) == int(pa[-1]) + 1


def _as_item(block: Block) -> _Heading | None:
    """A numbered paragraph ("2. Phương pháp điều tra: Căn cứ …") as a heading of its list: the
    words up to a colon head it when they are short, else the number alone does."""
    t = block.text.strip()
    for level, rank, rx in _LEVELS:
        if level not in _LIST_LEVELS:
            continue
        m = rx.match(t)
        if not m:
            continue
        pre, txt = m.group("pre").strip(), m.group("t").strip()
        colon = txt.find(":")
        if 0 < colon <= 80 and not _ENDS_SENTENCE_RE.search(txt[:colon]):
            return _Heading(level, rank, pre, txt[:colon + 1], txt[colon + 1:].strip())
        return _Heading(level, rank, pre, "", txt)
    return None


def _align_lists(blocks: list[Block], heads: list[_Heading | None], eligible: list[bool]) -> None:
    """Items of one numbered list are all headings or none: a long item between short ones was
    a paragraph, and the outline (and the Markdown) went "### 1", "### 3". An item becomes a
    heading when the item before or after it in the same list is one."""
    cands = {i: _as_item(b) for i, b in enumerate(blocks) if eligible[i] and heads[i] is None}
    cands = {i: h for i, h in cands.items() if h is not None}
    changed = True
    while changed and cands:
        changed = False
        for i in sorted(cands):
            h = cands[i]
            n = _item_number(h.prefix)
            prev = next((j for j in range(i - 1, -1, -1) if heads[j] and heads[j].rank <= h.rank), None)
            nxt = next((j for j in range(i + 1, len(heads)) if heads[j] and heads[j].rank <= h.rank), None)
            if (prev is not None and heads[prev].level == h.level and _follows(_item_number(heads[prev].prefix), n)) or (
                    nxt is not None and heads[nxt].level == h.level and _follows(n, _item_number(heads[nxt].prefix))):
                heads[i] = h
                del cands[i]
                changed = True


def _escape(par: str) -> str:
    # A paragraph must never read back as a heading, nor open a code fence that would hide the
    # headings after it, nor pass for a closing marker.
    if par.startswith(("#", "```", "~~~")) or MARKER_RE.match(par):
        return "\\" + par
    return par


def render_body(blocks: list[Block], *, closing: list[tuple[int, int]], body_start: int,
                english: bool = False) -> str:
    """Markdown for the whole document: header and preamble, headings, paragraphs, closing."""
    in_closing = set()
    reset_after = set()
    for a, b in closing:
        in_closing.update(range(a, b))
        reset_after.add(b)
    starts = {a for a, b in closing if b > a}
    ends = {b for a, b in closing if b > a}
    out: list[str] = []
    stack: list[int] = []
    n = len(blocks)
    eligible = [i >= body_start and i not in in_closing for i in range(n)]
    heads = [classify(b, english=english) if ok else None for b, ok in zip(blocks, eligible)]
    _align_lists(blocks, heads, eligible)
    i = 0
    while i < n:
        blk = blocks[i]
        if i in ends:
            out.append(CLOSING_END)
        if i in starts:
            out.append(CLOSING_START)
        if i in reset_after:
            stack = []
        h = heads[i]
        if h is None:
            out.append(_escape(blk.text.strip()))
            i += 1
            continue
        # A capitalised heading may wrap onto following capital lines ("Chương IV" / "TỔ CHỨC …").
        text = h.text
        j = i + 1
        if not text and h.level in ("phan", "chuong", "muc") and j < n and j not in in_closing:
            nt = blocks[j].text.strip()
            if nt and len(nt) < 200 and classify(blocks[j], english=english) is None and not nt.startswith(("-", "+")):
                text = nt
                j += 1
        if not h.rest and (not text or text == text.upper()) and h.level in ("phan", "chuong", "muc", "roman"):
            while j < n and j - i <= 3 and j not in in_closing:
                nt = blocks[j].text.strip()
                if (nt and nt == nt.upper() and any(c.isalpha() for c in nt) and len(nt) < 200
                        and classify(blocks[j], english=english) is None and not nt.startswith(("-", "+"))
                        and not (text and _SENTENCE_END.search(text))):
                    text = f"{text} {nt}".strip()
                    j += 1
                    continue
                break
        while stack and stack[-1] >= h.rank:
            stack.pop()
        depth = len(stack) + 1
        if depth > 5:
            out.append(_escape(blk.text.strip()))
            i += 1
            continue
        stack.append(h.rank)
        line = f"{h.prefix} {text}".strip() if h.prefix else text
        out.append("#" * (depth + 1) + " " + line.replace("\n", " "))
        if h.rest:
            out.append(_escape(h.rest))
        i = j
    if n in ends:
        out.append(CLOSING_END)
    return "\n\n".join(x for x in out if x) + "\n"


def _split_number(heading: str) -> tuple[str | None, str]:
    m = NUM_IN_HEADING.match(heading)
    if not m:
        return None, heading.strip()
    num = re.sub(r"\s+", " ", m.group("num")).strip().rstrip(".:-–)")
    head = m.group("h").strip()
    return num, head


_LEVEL_PREFIXES = (("phần", "phan"), ("chương", "chuong"), ("mục", "muc"), ("điều", "dieu"))


def _level_of(number: str | None) -> str:
    """The numbering level a printed number belongs to (model.Section.level)."""
    if not number:
        return "md"
    low = number.lower()
    for prefix, level in _LEVEL_PREFIXES:
        if low.startswith(prefix):
            return level
    if re.fullmatch(r"\d+", number):
        return "arabic"
    if re.fullmatch(r"\d+\.\d+", number):
        return "arabic2"
    if re.fullmatch(r"\d+(?:\.\d+){2,}", number):
        return "arabic3"
    if re.fullmatch(r"[a-zđ]", number):
        return "letter"
    return "roman" if re.fullmatch(r"[IVXLCDM]+", number) else "md"


def _read_lines(body: str):
    """Each body line with what it is: (line, heading match or None, in a closing block?).
    Closing markers are left out; a heading ends a closing block whose end marker a person
    edited away; nothing inside a code fence is a heading or a marker."""
    in_fence = False
    in_closing = False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        marker = None if in_fence else closing_marker(line)
        if marker:
            in_closing = marker == "start"
            yield line, None, None  # a marker: neither text nor closing
            continue
        m = None if in_fence else _MD_HEADING_RE.match(line)
        if m:
            in_closing = False
        yield line, m, in_closing


def closing_from_markdown(body: str) -> str:
    """The text of the body's closing blocks (between the closing markers), in order."""
    parts: list[list[str]] = []
    was_inside = False
    for line, _m, inside in _read_lines(body):
        if inside and not was_inside:
            parts.append([])
        if inside:
            parts[-1].append(line)
        was_inside = bool(inside)
    return "\n\n".join(t for t in ("\n".join(p).strip() for p in parts) if t)


def outline_from_markdown(body: str) -> tuple[str, list[Section]]:
    """(preamble, section tree) of a Markdown body; ATX headings only (one ``#`` per depth).
    The closing block belongs to no section (see :func:`closing_from_markdown`)."""
    preamble: list[str] = []
    roots: list[Section] = []
    stack: list[tuple[int, Section]] = []
    texts: dict[int, list[str]] = {}
    current: list[str] = preamble
    for line, m, inside in _read_lines(body):
        if inside is None or inside:
            continue
        if not m:
            current.append(line)
            continue
        depth = len(m.group(1) or m.group(3))
        heading_line = (m.group(2) or "").strip()
        number, heading = _split_number(heading_line)
        sec = Section(number=number, heading=heading, level=_level_of(number))
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            stack[-1][1].children.append(sec)
        else:
            roots.append(sec)
        stack.append((depth, sec))
        current = texts.setdefault(id(sec), [])

    def finish(sec: Section, parent_kind: str | None) -> None:
        sec.text = "\n".join(texts.get(id(sec), [])).strip()
        own = section_kind(sec.number, sec.heading, sec.text, top=parent_kind is None)
        sec.kind = parent_kind if (own == "other" and parent_kind) else own
        for c in sec.children:
            finish(c, sec.kind)

    for r in roots:
        finish(r, None)
    return "\n".join(preamble).strip(), roots
