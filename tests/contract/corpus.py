"""Documents for the engine contract, and a brute-force oracle of SPEC §5 over their text.

The documents are plain texts in the shape of provincial plans and decisions, parsed by the real
parser; their words come from a small vocabulary full of the cases search must get right: tone
variants of one syllable (ma, má, mã), tone placement (hoá / hóa), đ and d, words that stand
together in one document and apart in another, the same words in different kinds of section.

The oracle reads each stored document's text — title, head lines, preamble, top-level sections —
with the project's analysis functions (they define what a word is) and answers a parsed query by
looking at every word of every document. It shares no code with the planner or any engine.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from archive_cli.doctypes import type_key
from archive_cli.export import section_markdown
from archive_cli.model import Document
from archive_cli.search.filters import Filters
from archive_cli.search.query import Filter, Not, Number, Or, Phrase, Query, Word
from archive_cli.text.analysis import fold_token, folded, number_key, tokens
from archive_cli.text.normalize import folded_key

# Syllables with their tone variants and spellings that must meet or stay apart.
VOCAB = ("ma má mã mà hóa hoá hòa hoa đơn don dơn đảng đang tổ chức thực hiện kinh phí "
         "thủy thuỷ quý phòng chống dịch bệnh kiểm tra giám sát cán bộ nhân dân xã thôn bản "
         "kế hoạch an toàn thông tin chuyển đổi số tài liệu lưu trữ công tác").split()
PROVINCES = ["Thái Nguyên", "Bắc Kạn", "Lai Châu", "Hà Giang"]
TYPES = [("KẾ HOẠCH", "KH"), ("QUYẾT ĐỊNH", "QĐ"), ("THÔNG BÁO", "TB"), ("HƯỚNG DẪN", "HD")]
HEADINGS = {
    "purpose": ["MỤC ĐÍCH, YÊU CẦU", "MỤC TIÊU"],
    "content": ["NỘI DUNG", "NHIỆM VỤ, GIẢI PHÁP"],
    "implementation": ["TỔ CHỨC THỰC HIỆN", "KINH PHÍ THỰC HIỆN"],
    "other": ["TÌNH HÌNH CHUNG"],
}
ROMAN = ["I", "II", "III", "IV", "V"]
TAGS = ["mật", "khẩn", "lưu trữ"]


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(n))


def document_text(seed: int, i: int) -> tuple[str, list[str]]:
    """The text of document ``i`` and the tags to import it with; deterministic."""
    rng = random.Random(seed * 100_003 + i)
    heading, sym = rng.choice(TYPES)
    province = rng.choice(PROVINCES)
    number = f"{i + 1}/{sym}-UBND"
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.choice([2022, 2023, 2024])
    kinds = rng.sample(["purpose", "content", "implementation", "other"], k=rng.randint(2, 4))
    kinds.sort(key=["other", "purpose", "content", "implementation"].index)
    if rng.random() < 0.3:
        kinds.append(rng.choice(["content", "implementation"]))  # two sections of one kind
    lines = ["ỦY BAN NHÂN DÂN", f"TỈNH {province.upper()}", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
             "Độc lập - Tự do - Hạnh phúc", f"Số: {number}", f"{province}, ngày {day} tháng {month} năm {year}",
             "", heading, _sentence(rng, rng.randint(3, 7)), ""]
    if i > 2 and rng.random() < 0.5:
        cited = rng.randint(1, i)
        lines.append(f"Căn cứ Kế hoạch số {cited}/KH-UBND ngày 10/5/2022 của Ủy ban nhân dân tỉnh;")
    lines.append(_sentence(rng, rng.randint(4, 12)) + ".")
    lines.append("")
    for k, kind in enumerate(kinds):
        lines.append(f"{ROMAN[k]}. {rng.choice(HEADINGS[kind])}")
        for _p in range(rng.randint(1, 3)):
            lines.append(_sentence(rng, rng.randint(5, 25)) + ".")
        lines.append("")
    tags = rng.sample(TAGS, k=rng.randint(0, 2))
    return "\n".join(lines), tags


# --- the oracle --------------------------------------------------------------------------------

@dataclass
class OracleDoc:
    id: str
    title: list[str]
    issuer: list[str]
    passages: list[tuple[str, list[str]]]  # (kind, words); kind of a section, else "text"
    type_key: str
    number_key: str
    cites: set[str]
    issued: str
    tags: set[str]
    kinds: set[str]


def oracle_doc(doc: Document) -> OracleDoc:
    p = doc.parsed
    passages = [("text", tokens(p.title or ""))]
    passages += [("text", tokens(v)) for v in (p.doc_type, p.number, p.issuer) if v]
    passages.append(("text", tokens(p.preamble)))
    passages += [(s.kind, tokens(section_markdown(s))) for s in p.sections]
    return OracleDoc(
        id=doc.id, title=tokens(p.title or ""), issuer=tokens(p.issuer or ""), passages=passages,
        type_key=type_key(p.doc_type), number_key=number_key(p.number) if p.number else "",
        cites={number_key(r.number) for r in p.references if r.number}, issued=p.issued or "",
        tags={folded_key(t) for t in doc.tags}, kinds={s.kind for s in p.sections})


def _word_at(token: str, w: Word) -> bool:
    return token == w.text if w.exact else fold_token(token) == w.folded


def _run_in(words: list[str], run: tuple[Word, ...]) -> bool:
    n = len(run)
    return any(all(_word_at(words[k + j], run[j]) for j in range(n)) for k in range(len(words) - n + 1))


def _passages(d: OracleDoc, field: str | None, kind: str | None) -> list[list[str]]:
    if field == "title":
        return [d.title]
    if field == "issuer":
        return [d.issuer]
    return [words for k, words in d.passages if kind is None or k == kind]


def _clause(d: OracleDoc, node, kind: str | None) -> bool:
    if isinstance(node, Word):
        scoped = kind if node.field in (None, "body") else None
        return any(_run_in(w, (node,)) for w in _passages(d, node.field if node.field != "body" else None, scoped))
    if isinstance(node, Phrase):
        scoped = kind if node.field in (None, "body") else None
        return any(_run_in(w, node.words) for w in _passages(d, node.field if node.field != "body" else None, scoped))
    if isinstance(node, Number):
        toks = folded(tokens(node.raw))
        in_text = len(toks) > 1 and any(
            any(folded(w)[k:k + len(toks)] == toks for k in range(len(w))) for _kind, w in d.passages)
        return d.number_key == node.key or node.key in d.cites or in_text
    if isinstance(node, Or):
        return any(_clause(d, n, kind) for n in node.nodes)
    if isinstance(node, Not):
        return not _clause(d, node.node, None)
    raise TypeError(node)


def oracle(docs: list[OracleDoc], q: Query, f: Filters) -> set[str]:
    """The ids of the documents SPEC §5 says the query and filters match."""
    doc_type, tags, year, section = f.doc_type, list(f.tags), f.year, f.section
    for c in q.clauses:
        if isinstance(c, Filter):
            if c.field == "type":
                doc_type = c.value
            elif c.field == "tag":
                tags.append(c.value)
            elif c.field == "year" and c.value.isdigit():
                year = int(c.value)
            elif c.field == "section":
                section = c.value
    out = set()
    for d in docs:
        if doc_type and d.type_key != type_key(doc_type):
            continue
        if f.issuer and not issuer_matches(f.issuer, set(folded(d.issuer))):
            continue
        if f.number and d.number_key != number_key(f.number):
            continue
        if year and d.issued[:4] != str(year):
            continue
        if (f.date_from or f.date_to) and not (d.issued and (f.date_from or "0000") <= d.issued <= (f.date_to or "9999")):
            continue
        if any(folded_key(t) not in d.tags for t in tags):
            continue
        clauses = [c for c in q.clauses if not isinstance(c, Filter)]
        if q.is_empty and section and section not in d.kinds:
            continue
        if all(_clause(d, c, section) for c in clauses):
            out.add(d.id)
    return out


def issuer_matches(typed: str, words: set[str]) -> bool:
    """The oracle's --issuer: every typed word is one of the issuer's words, where a known
    abbreviation (UBND) and the name it stands for (ủy ban nhân dân) stand in for each other.
    Checked by brute force: every way to read the typed words as words, abbreviations or
    spelled-out names must leave nothing unmatched in at least one reading."""
    from archive_cli.search.issuers import abbreviations

    abbr = abbreviations()
    names = {name: a for a, name in abbr.items()}
    typed_words = tuple(folded(tokens(typed)))

    def ok(rest: tuple[str, ...]) -> bool:
        if not rest:
            return True
        w = rest[0]
        if w in abbr and (w in words or set(abbr[w]) <= words):
            return ok(rest[1:])
        for name, a in names.items():
            if rest[:len(name)] == name and (a in words or set(name) <= words):
                return ok(rest[len(name):])
        return w in words and ok(rest[1:])

    return ok(typed_words)
