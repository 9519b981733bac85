"""``python -m tools.build_casing``: learn the casing lexicon (``archive_cli/data/casing.json``).

Sentence-casing a title printed in capitals needs to know which words are names and
abbreviations ("Thái Nguyên", "UBND", "Luật Đất đai"). This script learns them from the corpus's
own mixed-case text (thuvienphapluat Markdown, the legacy transcripts, the seed) plus the domain
lists the parser already holds (issuer names and symbols, document-type abbreviations, fixed
organisation phrases):

1. Every line that is not printed in capitals is cut into segments at punctuation; a segment's
   first word is left out (it is capitalised because it starts a sentence, not because it is a
   name).
2. Pass 1 collects word sequences (1–5 words) that start with a capitalised word; pass 2 counts
   how often each such sequence occurs in any case.
3. A sequence is kept when its most frequent printed form has a capital, holds at least
   ``--share`` of all its occurrences and ``--min`` occurrences, ends in a capitalised word (words
   after the last capital are lower case anyway), and is not already explained by
   the shorter sequences kept before it (so "tỉnh Thái Nguyên" adds nothing once "Thái Nguyên" is
   in). A capitalised word seen mostly before a number ("Điều 5") is capitalised only there; a
   phrase seen capitalised mostly right after an organisation head noun ("Sở Giáo dục và Đào
   tạo") is capitalised only there.

The output is deterministic for a given corpus. Run it from a checkout; commit its output.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from archive_cli.text.normalize import fix_lookalikes, nfc

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "archive_cli" / "data" / "casing.json"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
MAX_N = 6
_SEG_SPLIT = re.compile(r"\d+|[.;:!?…()\[\]{}\"“”'‘’«»|*#_/=<>•\-–—+,\t]|\s{2,}")
_WORD = re.compile(r"[^\W\d_]+")
def _head_last() -> frozenset[str]:
    from archive_cli.parse.names import HEAD_NOUNS

    return frozenset(h.split()[-1] for h in HEAD_NOUNS)


HEAD_LAST = _head_last()
_NUMBER_TOKEN = re.compile(r"\d|[IVXLC]+\b")


def _sources(corpus: Path) -> list[Path]:
    out = sorted((corpus / "tvpl-md-tnt305" / "md").glob("*.md"))
    out += sorted((corpus / "legacy-viparse" / "ground-truth").glob("*.txt"))
    out += sorted((corpus / "seed").glob("*.txt"))
    return out


def _segments(text: str):
    for line in text.splitlines():
        letters = [c for c in line if c.isalpha()]
        if len(letters) < 8 or sum(c.isupper() for c in letters) / len(letters) > 0.3:
            continue  # headings and header lines in capitals say nothing about names
        for seg in _SEG_SPLIT.split(line):
            words = _WORD.findall(seg)
            if len(words) >= 2:
                yield words


def _key(words) -> str:
    from archive_cli.text.casing import word_key

    return " ".join(word_key(w) for w in words)


def _pattern_ok(form: str) -> bool:
    # Capitalised words, short abbreviations, and mixed-case abbreviations of plain letters
    # ("IoT", "VNeID"); "ViệT" (a broken transcript) is noise.
    for w in form.split():
        if not (w.islower() or (w[:1].isupper() and (w[1:].islower() or not w[1:])) or (w.isupper() and len(w) <= 8)
                or (len(w) <= 6 and w.isascii() and sum(c.isupper() for c in w) >= 2)):
            return False
    return True


def learn(corpus: Path, min_count: int, share: float) -> tuple[dict[str, str], list[str], list[str]]:
    """(phrase key → printed form, words capitalised only before a number, phrases capitalised
    only after an organisation head noun)."""
    from archive_cli.text.casing import make_lexicon, sentence_case

    texts = [fix_lookalikes(nfc(p.read_text(encoding="utf-8", errors="replace"))) for p in _sources(corpus)]
    from archive_cli.text.casing import word_key

    segments = [(words, [word_key(w) for w in words]) for text in texts for words in _segments(text)]
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    after_head: Counter[str] = Counter()  # capitalised occurrences right after an organisation head noun
    numbered: Counter[str] = Counter()  # a capitalised word directly before a number ("Điều 5")
    for text in texts:
        for line in text.splitlines():
            toks = line.split()
            for i in range(1, len(toks) - 1):
                # mid-sentence only: "… tại Điều 5", not "Từ 1/1/2026" opening a line
                if toks[i - 1].isalpha() and toks[i - 1].islower() and toks[i].isalpha() and toks[i][:1].isupper() \
                        and _NUMBER_TOKEN.match(toks[i + 1]):
                    numbered[word_key(toks[i])] += 1
    for words, keys in segments:
        for i in range(1, len(words)):
            if not words[i][:1].isupper():
                continue
            headed = keys[i - 1] in HEAD_LAST
            for n in range(1, min(MAX_N, len(words) - i) + 1):
                forms[" ".join(keys[i:i + n])][" ".join(words[i:i + n])] += 1
                if headed:
                    after_head[" ".join(keys[i:i + n])] += 1
    totals: Counter[str] = Counter()
    for words, keys in segments:
        for i in range(1, len(words)):
            for n in range(1, min(MAX_N, len(words) - i) + 1):
                k = " ".join(keys[i:i + n])
                if k in forms:
                    totals[k] += 1
    kept: dict[str, str] = {}
    numbers_only: set[str] = set()
    org_only: set[str] = set()
    for n in range(1, MAX_N + 1):
        lex = make_lexicon(kept)
        for k in sorted(x for x in forms if len(x.split()) == n):
            form, count = forms[k].most_common(1)[0]
            if n == 1 and count >= min_count and numbered[k] >= count / 2 and form[:1].isupper() \
                    and count >= 0.1 * totals[k]:
                numbers_only.add(k)  # "Điều", "Khoản": capitalised only before their number
                continue
            if count < min_count or count / max(totals[k], 1) < share or not _pattern_ok(form):
                continue
            if form.split()[-1].islower():
                continue  # trailing lower-case words are lower case anyway; keeping them overfits
            if n > 2 and any(w.islower() for w in form.split()[1:-1]) and count < 2 * min_count:
                continue  # "Ban Chỉ đạo các Chương": a fragment of a longer name, seen rarely
            if n > 1 and sentence_case(form, lexicon=lex, first=False) == form:
                continue  # the shorter phrases already give this casing
            kept[k] = form
            capitalised = sum(forms[k].values())
            if n > 1 and after_head[k] >= 0.7 * capitalised and totals[k] - capitalised >= 0.1 * totals[k]:
                org_only.add(k)  # "Giáo dục và Đào tạo": a name inside "Sở …", "Bộ …" only
    return kept, sorted(numbers_only), sorted(org_only)


def domain_phrases() -> dict[str, str]:
    """Names and abbreviations the parser's own tables hold (domain notes §1)."""
    from archive_cli.parse import names, patterns

    out: dict[str, str] = {}
    for form in list(names.ORG_PHRASES) + list(patterns.SYMBOL_ISSUERS.values()):
        out[_key(form.split())] = form
    for abbr in list(patterns.SYMBOL_ISSUERS) + list(patterns.ABBR_TYPES) + sorted(names.ACRONYMS):
        if abbr.isupper() and len(abbr) >= 2 and "-" not in abbr:
            out[_key([abbr])] = abbr
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.build_casing", description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--min", type=int, default=3, help="occurrences a form needs (default 3)")
    ap.add_argument("--share", type=float, default=0.75, help="share of occurrences in that form (default 0.75)")
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"corpus folder not found: {args.corpus}", file=sys.stderr)
        return 2
    from archive_cli.parse.patterns import TYPE_NAMES

    learned, numbered, org_only = learn(args.corpus, args.min, args.share)
    phrases = dict(learned)
    phrases.update(domain_phrases())
    data = {
        "about": "Casing lexicon for sentence-casing titles printed in capitals; built by "
                 "`python -m tools.build_casing` from the corpus's mixed-case text and the domain lists. "
                 "Do not edit by hand: rebuild.",
        "learned": len(learned),
        "cited_types": [t for t in TYPE_NAMES if t not in ("Văn bản", "Luật", "Lệnh", "Bộ luật", "Hiến pháp")],
        "numbered": numbered,
        "after_head": org_only,
        "heads": sorted(HEAD_LAST),
        "phrases": dict(sorted(phrases.items())),
    }
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    print(json.dumps({"learned": len(learned), "phrases": len(phrases), "out": str(args.out)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
