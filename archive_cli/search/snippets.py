"""Snippets and matched sections, computed from the store's text (not stored in the index)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from .query import Word
from ..text.analysis import fold_token
from ..text.normalize import normalize

_MD_MARK_RE = re.compile(r"^#{1,6}\s+", re.M)


@dataclass
class Snippet:
    text: str
    spans: list[tuple[int, int]] = field(default_factory=list)  # highlighted ranges in text
    terms: list[str] = field(default_factory=list)  # the matched words as they stand


# Every letter a folded letter stands for (a → a à á ả ã ạ ă ằ … â …; d → d đ): a word typed
# without diacritics is found as a pattern, at C speed, instead of folding every token.
_VIET = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"


@cache
def _letter_classes() -> dict[str, str]:
    from ..text.normalize import fold

    classes: dict[str, str] = {}
    for ch in _VIET:
        classes[fold(ch)] = classes.get(fold(ch), "") + ch
    return {base: f"[{chars}]" for base, chars in classes.items()}


def _pattern(words: list[Word]) -> re.Pattern[str]:
    """A regular expression for the tokens the words match: an exact word as it is, a folded
    one as any accented spelling; case-insensitive, whole tokens."""
    classes = _letter_classes()
    alts = set()
    for w in words:
        if w.exact:
            alts.add(re.escape(w.text))
        else:
            alts.add("".join(classes.get(ch, re.escape(ch)) for ch in w.folded))
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(alts, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE)


def _key(token: str, exact: set[str]) -> str:
    low = token.lower()
    return low if low in exact else fold_token(low)


def matches(text: str, words: list[Word]) -> list[tuple[int, int, str]]:
    """(start, end, key) of every token of ``text`` (normalised) that a query word matches."""
    if not words:
        return []
    exact = {w.text for w in words if w.exact}
    return [(m.start(), m.end(), _key(m.group(), exact)) for m in _pattern(words).finditer(text)]


def has_match(text: str, words: list[Word]) -> bool:
    """Whether a query word matches some token of ``text`` (its first SCAN_CHARS)."""
    return bool(words) and _pattern(words).search(normalize(text[:SCAN_CHARS])) is not None


def plain(body: str) -> str:
    """Body without Markdown heading marks, whitespace collapsed: what a snippet shows."""
    return re.sub(r"\s+", " ", _MD_MARK_RE.sub("", body)).strip()


#: How much of a text a snippet looks through for its window: enough for any document a clerk
#: reads on screen, and a code of law (~1 MB) is not scanned word by word for ten lines.
SCAN_CHARS = 50_000


def make_snippet(text: str, words: list[Word], width: int = 220) -> Snippet:
    """The window of ``text`` (its first SCAN_CHARS) holding the most distinct query words,
    with their spans."""
    more = len(text) > SCAN_CHARS
    text = plain(normalize(text[:SCAN_CHARS]))
    found = matches(text, words) if words else []
    if not found:
        cut = text[:width]
        return Snippet(cut + ("…" if len(text) > width or more else ""))
    best_i, best_score = 0, -1
    j = 0
    for i, (start, _e, _k) in enumerate(found):
        while j < len(found) and found[j][1] - start <= width:
            j += 1
        score = len({k for _s, _e2, k in found[i:j]}) * 100 + (j - i)
        if score > best_score:
            best_i, best_score = i, score
    start = found[best_i][0]
    # start a little before the first match, on a word boundary
    lead = max(0, start - 40)
    if lead:
        sp = text.find(" ", lead)
        lead = sp + 1 if 0 <= sp < start else lead
    end = min(len(text), lead + width)
    if end < len(text):
        sp = text.rfind(" ", lead, end)
        end = sp if sp > start else end
    snippet = text[lead:end]
    prefix = "…" if lead else ""
    spans, terms = [], []
    for s, e, _k in found:
        if s >= lead and e <= end:
            spans.append((s - lead + len(prefix), e - lead + len(prefix)))
            terms.append(text[s:e])
    return Snippet(prefix + snippet + ("…" if end < len(text) or more else ""), spans,
                   list(dict.fromkeys(t.lower() for t in terms)))


@dataclass
class Span:
    kind: str
    label: str
    text: str


class SectionSpans(list):
    """Top-level sections of a body as text spans; ``body`` is the whole text."""

    def __init__(self, body: str, spans: list[Span]) -> None:
        super().__init__(spans)
        self.body = body


def section_spans(body: str, outline: str = "") -> SectionSpans:
    """A stored body cut into its top-level sections, each with its kind and label: at the
    heading lines of ``outline`` (an index record's, JSON [[kind, label, line]]), else — the
    file was edited since, or its layout is odd — read back from its Markdown headings as the
    store reads them."""
    import json

    try:
        heads = json.loads(outline) if outline else None
    except ValueError:
        heads = None
    if heads is not None:
        starts, pos = [], 0
        for _kind, _label, line in heads:
            i = body.find(line, pos)
            if i < 0:
                break
            starts.append(i)
            pos = i + len(line)
        else:
            ends = starts[1:] + [len(body)]
            return SectionSpans(body, [Span(k, label, body[a:b]) for (k, label, _l), a, b in zip(heads, starts, ends)])
    from ..export import number_label, section_markdown
    from ..parse import outline_from_markdown

    _preamble, sections = outline_from_markdown(body)
    return SectionSpans(body, [Span(s.kind, " ".join(x for x in (number_label(s), s.heading) if x), section_markdown(s))
                               for s in sections])


def phrase_pattern(text: str) -> re.Pattern[str] | None:
    """A pattern for ``text`` as a run of words, each matched as a search matches it (typed
    without diacritics: any accented form), with anything but letters between them: what a
    clerk means by finding "to chuc thuc hien" in a document. None when it has no words."""
    from ..text.analysis import tokens

    words = [Word(t, exact=fold_token(t) != t) for t in tokens(normalize(text).lower())]
    if not words:
        return None
    parts = [_pattern([w]).pattern for w in words]
    return re.compile(r"\W+".join(f"(?:{p})" for p in parts), re.IGNORECASE)
