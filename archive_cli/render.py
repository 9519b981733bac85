"""Rich views: search hits, document header, outline tree, tables. Plain text when piped."""
from __future__ import annotations

from functools import cache

from .display import one_line, printable
from .search.results import Hit, SearchResult
from .export import number_label, header_lines
from .i18n import _
from .model import Document, Section

KIND_LABELS = {"purpose": "purpose", "content": "content", "implementation": "implementation", "other": "other"}


def console(stderr: bool = False, width: int | None = None):
    # Rich decides colour from the stream (terminal or not) and honours NO_COLOR.
    return _console_class()(stderr=stderr, width=width, highlight=False, soft_wrap=False)


@cache
def _console_class():
    from rich.console import Console

    class ArchiveConsole(Console):
        """A broken stdout (``archive list | head``) is handed to the command line's one
        handler, as click's output is (rich would exit 1 on its own)."""

        def on_broken_pipe(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    return ArchiveConsole


def hit_meta(hit: Hit) -> str:
    return one_line(" · ".join(x for x in (hit.doc_type, hit.number, hit.issued, hit.issuer) if x))


def search_result(con, result: SearchResult, filters_desc: list[str]) -> None:
    from rich.text import Text

    start = (result.page - 1) * max(len(result.hits), 1)
    for i, hit in enumerate(result.hits, start + 1):
        head = Text()
        head.append(f"{i}. ", style="bold")
        head.append(hit.id, style="cyan")
        head.append("  " + hit_meta(hit), style="dim")
        con.print(head)
        con.print(Text(one_line(_title_of(hit)) or _("(untitled)"), style="bold"))
        if hit.section_headings:
            con.print(Text(_("in: ") + one_line("; ".join(hit.section_headings)), style="magenta"))
        if hit.snippet:
            snip = Text(hit.snippet)
            for s, e in hit.spans:
                snip.stylize("bold yellow", s, e)
            con.print(snip)
        con.print()
    shown = len(result.hits)
    con.print(Text(_("{shown} of {total} documents").format(shown=shown, total=result.total), style="dim"))


def no_results(con, result: SearchResult) -> None:
    con.print(_("No documents match {query!r}.").format(query=one_line(result.query)), markup=False)
    if result.suggestions:
        con.print(_("Did you mean: {s}?").format(s=" / ".join(repr(s) for s in result.suggestions)))
    if result.drop_filters:
        con.print(_("Matches exist without the filters {f}; try dropping them.").format(f=" ".join(result.drop_filters)))


def hits_table(con, hits: list[Hit]) -> None:
    from rich.table import Table

    table = Table(show_edge=False, header_style="bold", pad_edge=False)
    for col in (_("id"), _("date"), _("type"), _("number"), _("title")):
        table.add_column(col, overflow="fold" if col == _("title") else "ellipsis")
    for h in hits:
        table.add_row(h.id, h.issued or "", one_line(h.doc_type), one_line(h.number), one_line(_title_of(h)))
    con.print(table)


def _title_of(hit: Hit) -> str:
    """A hit's title, with a generic Công văn's subject after it ("Công văn V/v chính sách
    thuế — về chính sách thuế nhà thầu …"), so two letters on one field read apart."""
    return " — ".join(x for x in (hit.title, hit.subtitle) if x)


def document_header(doc: Document):
    from rich.panel import Panel
    from rich.table import Table

    p = doc.parsed
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold")
    t.add_column()
    rows = [
        (_("Subject"), p.subtitle), (_("Type"), p.doc_type), (_("Number"), p.number), (_("Issuer"), p.issuer),
        (_("Place"), p.place), (_("Issued"), p.issued), (_("Signer"), " ".join(x for x in (p.signer_title, p.signer) if x) or None),
        (_("Published"), p.published),
        (_("Source"), f"{doc.source.filename} ({doc.source.format}{', ' + doc.source.encoding if doc.source.encoding else ''})"),
        (_("Id"), doc.id), (_("Tags"), ", ".join(doc.tags) or None),
    ]
    for k, v in rows:
        if v:
            t.add_row(k, one_line(str(v)))
    return Panel(t, title=one_line(p.title) or _("(untitled)"), title_align="left")


def outline_tree(doc: Document):
    from rich.tree import Tree

    from rich.text import Text

    tree = Tree(Text(one_line(doc.parsed.title) or doc.id))

    def add(node, s: Section) -> None:
        label = one_line(" ".join(x for x in (number_label(s), s.heading) if x))
        branch = node.add(Text(f"{label}  ").append(f"({s.kind})", style="dim"))
        for c in s.children:
            add(branch, c)

    for s in doc.parsed.sections:
        add(tree, s)
    return tree


HEADING_STYLES = ("bold magenta", "bold cyan", "bold", "bold", "italic", "italic")


def styled_body(body: str):
    """The Markdown body with headings styled and every other line as printed.

    Not rich's Markdown renderer: it would renumber "1. … 3." paragraphs as a list and centre
    headings; a clerk needs the numbering exactly as in the document."""
    import re

    from rich.text import Text

    from .closing_marks import closing_marker

    out = Text()
    closing = False
    for line in printable(body).splitlines():
        marker = closing_marker(line)
        if marker:
            closing = marker == "start"
            continue
        if closing:
            out.append(re.sub(r"(\*\*|__)(.+?)\1", r"\2", line) + "\n", style="dim")
            continue
        m = re.match(r"^(#{1,6})\s+(.*)$", line)
        if m:
            out.append("\n" + m.group(2) + "\n", style=HEADING_STYLES[len(m.group(1)) - 1])
        else:
            out.append(re.sub(r"(\*\*|__)(.+?)\1", r"\2", line) + "\n")
    return out


def show_document(con, doc: Document, refs=None, selectors=(), outline: bool = False) -> None:
    """`show` on a terminal: header panel, outline tree, styled body, references."""
    from .export import section_markdown
    from .views import refs_lines, select_sections

    con.print(document_header(doc))
    if outline:
        con.print(outline_tree(doc))
        return
    if selectors:
        for s in select_sections(doc, selectors):
            con.print(styled_body(section_markdown(s)))
    else:
        if doc.parsed.sections:
            con.print(outline_tree(doc))
        con.print(styled_body(doc.parsed.body))
    if refs is not None:
        for line in refs_lines(refs):
            con.print(one_line(line), markup=False, highlight=False)


def plain_header(doc: Document) -> str:
    return "\n".join(header_lines(doc))
