"""Property tests: the parser never raises, the outline covers the body, and the body round-trips."""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive_cli.parse import _parse, from_store, outline_from_markdown, parse
from archive_cli.closing_marks import closing_marker
from archive_cli.model import Section

# Lines that exercise the rules: headings of every level, markers, closing blocks, Markdown noise.
_LINES = st.sampled_from([
    "I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "IV. TỔ CHỨC THỰC HIỆN", "1. Mục đích", "2. Yêu cầu:",
    "4.1. Trường hợp cụ thể", "a) Sở Tài chính", "Điều 1. Phạm vi điều chỉnh", "Điều 2.", "Chương II",
    "NHỮNG QUY ĐỊNH CHUNG", "Mục 1", "Phần thứ nhất", "- gạch đầu dòng;", "+ dấu cộng.", "Căn cứ Luật số 72/2025/QH15;",
    "QUYẾT ĐỊNH:", "Nơi nhận:", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An", "(Đã ký)",
    "Số: 12/KH-UBND", "Hà Nội, ngày 05 tháng 3 năm 2020", "KẾ HOẠCH", "V/v góp vốn", "# không phải tiêu đề",
    "## Văn bản liên quan", "**đậm**", "*nghiêng", "|", "-----", "```", "Cập nhật lúc 15:04 - 11/10/2021",
    "Chỉ thị 15, 16, 19 của Thủ tướng Chính phủ", "Nghị quyết số 30/2021/QH15, ngày 28/7/2021 của Quốc hội",
    "", "   ", "\t", "Đang tải văn bản...", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
])
_DOCS = st.lists(st.one_of(_LINES, st.text(max_size=40)), max_size=40).map("\n".join)
_FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _heading_lines(body: str) -> list[str]:
    out, fence = [], False
    for line in body.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        elif not fence and re.match(r"^#{1,6}(?:[ \t]|$)", line):
            out.append(line)
    return out


def _shape(sections: list[Section]) -> list:
    return [(s.number, s.heading, s.kind, s.text, _shape(s.children)) for s in sections]


def _words(s: str) -> list[str]:
    return s.split()


@_FAST
@given(st.text(max_size=300), st.booleans())
def test_pipeline_never_raises_on_any_text(text, markdown):
    # The internal pipeline itself, not only the public fallback, must cope with anything.
    _parse(text, markdown)
    parse(text, markdown=markdown)


@_FAST
@given(_DOCS, st.booleans())
def test_pipeline_never_raises_on_document_like_text(text, markdown):
    _parse(text, markdown)


@_FAST
@given(_DOCS, st.booleans())
def test_body_round_trips_through_outline_from_markdown(text, markdown):
    d = parse(text, markdown=markdown)
    preamble, sections = outline_from_markdown(d.body)
    assert preamble == d.preamble
    assert _shape(sections) == _shape(d.sections)
    stored = from_store({"title": d.title, "number": d.number}, d.body)
    assert _shape(stored.sections) == _shape(d.sections) and stored.preamble == d.preamble


@_FAST
@given(_DOCS, st.booleans())
def test_section_tree_covers_body_without_loss_or_duplication(text, markdown):
    d = parse(text, markdown=markdown)
    nodes = [n for s in d.sections for n in s.walk()]
    assert len(nodes) == len(_heading_lines(d.body))
    # Preamble plus every node's own text, in order, is the body minus its heading lines.
    # The closing block (between its markers) is no section's text: it is ``closing``.
    rebuilt = _words(d.preamble) + [w for n in nodes for w in _words(n.text)]
    headings = set(_heading_lines(d.body))
    outside, inside, closing = [], [], False
    for ln in d.body.splitlines():
        marker = closing_marker(ln)
        if marker:
            closing = marker == "start"
        elif ln in headings:
            closing = False
        else:
            (inside if closing else outside).append(ln)
    assert rebuilt == _words("\n".join(outside))
    assert _words(d.closing) == _words("\n".join(inside))


@_FAST
@given(_DOCS)
def test_every_section_has_a_canonical_kind(text):
    for s in parse(text).sections:
        for n in s.walk():
            assert n.kind in ("purpose", "content", "implementation", "other")


@_FAST
@given(st.text(max_size=200))
def test_metadata_is_none_or_well_formed(text):
    d = parse(text)
    if d.issued is not None:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", d.issued)
    if d.number is not None:
        assert d.number.strip() == d.number and " " not in d.number
