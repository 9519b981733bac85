"""What `show` displays, independent of the terminal: section selection, plain-text view,
reference lines. The rich rendering of the same lives in :mod:`archive_cli.render`."""
from __future__ import annotations

from .errors import NotFound
from .export import header_lines, number_label
from .i18n import _
from .model import Document, Section
from .sections import find_sections, is_preamble
from .vocabulary import kind_label


def select_sections(doc: Document, selectors: tuple[str, ...] | list[str]) -> list[Section]:
    """The sections named by each selector, in the order asked; "preamble" is addressable too."""
    out: list[Section] = []
    for sel in selectors:
        if is_preamble(sel):
            out.append(Section(None, preamble_heading(doc), "other", text=doc.parsed.preamble))
            continue
        secs = find_sections(doc.parsed.sections, sel)
        if not secs:
            raise NotFound(_("Document {id} has no section {sel!r}; see `archive show {id} --outline`.").format(
                id=doc.id, sel=sel))
        out.extend(secs)
    return out


def preamble_heading(doc: Document) -> str:
    """The heading given to the text before the first section. It is part of what is shown and
    exported of the document (``export -f json`` too), so it follows the document's language,
    as the export's "Số:" line does, not the interface's."""
    return "Preamble" if doc.parsed.language == "en" else "Phần mở đầu"


def refs_lines(refs) -> list[str]:
    """ "Cites: …" and "Cited by: …" lines from an :class:`~archive_cli.archive.RefsReport`."""
    lines = []
    if refs.cites:
        items = []
        for c in refs.cites:
            r = c.reference
            label = " ".join(x for x in (r.doc_type, r.number or ", ".join(r.numbers)) if x)
            if c.ids:
                label += f" [{', '.join(c.ids)}]"
            items.append(label)
        lines.append(_("Cites: ") + "; ".join(items))
    if refs.cited_by:
        lines.append(_("Cited by: ") + "; ".join(
            " ".join(x for x in (h.doc_type, h.number, f"[{h.id}]") if x) for h in refs.cited_by))
    return lines


def refs_listing(refs, width: int | None = None) -> list[str]:
    """`archive refs`: a heading per list, then one entry a line, indented, so that a terminal
    never breaks a number. Cited: type, number, date, issuer, the archived ids it resolves to.
    Cited by: date, number, title, id. ``width`` (a terminal's) trims each line's words, never
    the id."""
    from .display import display_date, one_line

    lines: list[str] = []
    if refs.cites:
        lines.append(_("Cites ({n}):").format(n=len(refs.cites)))
        for c in refs.cites:
            r = c.reference
            what = " ".join(x for x in (r.doc_type, r.number or ", ".join(r.numbers)) if x)
            words = "  ".join(x for x in (what, display_date(r.issued), r.issuer) if x)
            lines.append(_fit("  " + one_line(words), f"  [{', '.join(c.ids)}]" if c.ids else "", width))
    if refs.cited_by:
        lines.append(_("Cited by ({n}):").format(n=len(refs.cited_by)))
        for h in refs.cited_by:
            words = "  ".join(x for x in (display_date(h.issued), h.number, h.title or h.doc_type) if x)
            lines.append(_fit("  " + one_line(words), f"  [{h.id}]", width))
    return lines


def _fit(words: str, tail: str, width: int | None) -> str:
    """``words`` + ``tail`` in ``width`` columns: the words are cut (with …), the tail kept."""
    if width and len(words) + len(tail) > width:
        room = max(width - len(tail) - 1, 4)
        words = words[:room].rstrip() + "…"
    return words + tail


def outline_lines(sections: list[Section], depth: int = 0) -> list[str]:
    out = []
    for s in sections:
        out.append("  " * depth + " ".join(x for x in (number_label(s), s.heading) if x) + f"  ({kind_label(s.kind)})")
        out.extend(outline_lines(s.children, depth + 1))
    return out


def plain_view(doc: Document, selectors=(), outline: bool = False, refs=None) -> str:
    """`show` when piped: undecorated text (control characters escaped)."""
    from .display import printable

    return printable(_plain_view(doc, selectors, outline, refs))


def _plain_view(doc: Document, selectors=(), outline: bool = False, refs=None) -> str:
    from .export import to_txt

    if outline:
        parts = ["\n".join(header_lines(doc)), "\n".join(outline_lines(doc.parsed.sections))]
    elif selectors:
        parts = [to_txt(doc, sections=select_sections(doc, selectors)).rstrip("\n")]
    else:  # the header once, as the document printed it (the text export's rule)
        parts = [to_txt(doc).rstrip("\n")]
        if doc.parsed.subtitle:  # a generic Công văn: what it is about, derived, says so
            parts.insert(0, _("Subject: {subject}").format(subject=doc.parsed.subtitle))
    if refs is not None:
        parts.extend(refs_lines(refs))
    return "\n\n".join(p for p in parts if p) + "\n"
