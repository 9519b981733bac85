"""Rich views: search hits, document header, outline tree, tables. Plain text when piped."""
from __future__ import annotations

import re
from functools import cache

from .display import display_date, one_line, printable, tsv_field
from .search.results import Hit, SearchResult
from .export import number_label, header_lines
from .i18n import _
from .model import Document, Section



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
    """Type and number · date · issuer: what tells two documents apart at a glance."""
    from .search.issuers import short_issuer

    what = " ".join(x for x in (hit.doc_type, hit.number) if x)
    return one_line(" · ".join(x for x in (what, display_date(hit.issued), short_issuer(hit.issuer)) if x))


def kinds_label(kinds: list[str]) -> str:
    from .vocabulary import kind_label

    return ", ".join(kind_label(k) for k in kinds)


#: Left margin of a hit's second and later lines: a wrapped line never starts at the edge,
#: where "6. An toàn…" would look like result number 6.
INDENT = "    "


def _clip(con, text, width: int, max_lines: int) -> list:
    """``text`` (a rich Text) wrapped to ``width`` cells, at most ``max_lines`` lines; a cut
    ends in "…"."""
    lines = list(text.wrap(con, width, overflow="fold"))
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        last.rstrip()
        last.truncate(width - 1)
        last.append("…")
    for line in lines:
        line.rstrip()
    return lines


def page_footer(result: SearchResult) -> str:
    """ "6–10 of 210 documents; more with --page 3" """
    last = result.first + len(result.hits) - 1
    text = _("{first}–{last} of {total} documents").format(first=result.first, last=last, total=result.total)
    if result.page < result.last_page:
        text += "; " + _("more with --page {page}").format(page=result.page + 1)
    return text


def search_result(con, result: SearchResult) -> None:
    """A page of hits for a terminal: per hit the title (two lines at most), the line that tells
    it apart (type, number, date, issuer, id), and a snippet (two lines at most) led by the
    kinds of the sections it matched in; every line after the first indented."""
    from rich.text import Text

    width = max(con.width - len(INDENT), 20)
    for i, hit in enumerate(result.hits, result.first):
        number = f"{i}.".ljust(len(INDENT))
        title = Text(one_line(_title_of(hit)) or _("(untitled)"), style="bold")
        for j, line in enumerate(_clip(con, title, width, 2)):
            con.print(Text(number if j == 0 else INDENT, style="bold") + line)
        # the id last, never cut off: the meta text gives way
        meta = Text(hit_meta(hit), style="dim")
        room = width - len(hit.id) - 3
        if meta.cell_len > room:
            meta.truncate(max(room - 1, 0))
            meta.append("…", style="dim")
        if meta.plain:
            meta.append(" · ", style="dim")
        con.print(Text(INDENT) + meta + Text(hit.id, style="cyan"))
        snip = Text()
        if hit.sections:
            snip.append("[" + kinds_label(hit.sections) + "] ", style="magenta")
        offset = len(snip)
        snip.append(one_line(hit.snippet))
        for s, e in hit.spans:
            snip.stylize("bold yellow", offset + s, offset + e)
        if hit.snippet or hit.sections:
            for line in _clip(con, snip, width, 2):
                con.print(Text(INDENT) + line)
        con.print()
    con.print(Text(page_footer(result), style="dim"))


def search_result_plain(result: SearchResult) -> str:
    """The same page for a pipe: no colour, no wrapping, one field per line."""
    out = []
    for i, hit in enumerate(result.hits, result.first):
        title = one_line(_title_of(hit)) or _("(untitled)")
        out.append(f"{i}. {title}")
        out.append(INDENT + " · ".join(x for x in (hit_meta(hit), hit.id) if x))
        if hit.sections:
            out.append(INDENT + _("in: ") + kinds_label(hit.sections))
        if hit.snippet:
            out.append(INDENT + one_line(hit.snippet))
        out.append("")
    out.append(page_footer(result))
    return "\n".join(out) + "\n"


def no_results(con, result: SearchResult) -> None:
    con.print(_("No documents match {query!r}.").format(query=one_line(result.query)), markup=False)
    if result.suggestions:
        con.print(_("Did you mean: {s}?").format(s=" / ".join(repr(s) for s in result.suggestions)), markup=False)
    if result.drop_filters:
        con.print(_("Matches exist without the filters {f}; try dropping them.").format(f=" ".join(result.drop_filters)),
                  markup=False)


def hits_table(con, hits: list[Hit], first: int = 1):
    """A listing for a terminal: one row per document, cut to the width with "…", the title
    taking what the other columns leave. The id and type columns appear from 100 columns on;
    the number column holds the type's abbreviation anyway (125/KH-UBND)."""
    from rich.table import Table

    from .search.issuers import short_issuer

    wide = con.width >= 100

    def fit(header: str, values, cap: int) -> int:
        """As wide as the header and the longest value, up to ``cap``."""
        return min(cap, max([len(header), *(len(one_line(v)) for v in values if v)]))

    widths = {"#": max(1, len(str(first + len(hits) - 1))), "date": 10,
              "type": fit(_("type"), [h.doc_type for h in hits], 14),
              "number": fit(_("number"), [h.number for h in hits], 18),
              "issuer": fit(_("issuer"), [short_issuer(h.issuer) for h in hits], 24 if wide else 16), "id": 12}
    used = sum(widths[k] for k in (("#", "date", "type", "number", "issuer", "id") if wide else ("#", "date", "number", "issuer")))
    columns = 7 if wide else 5
    title_width = max(con.width - used - (columns - 1), 20)
    table = Table(box=None, show_edge=False, header_style="bold", pad_edge=False, padding=(0, 1, 0, 0),
                  expand=False, collapse_padding=True)
    table.add_column("#", justify="right", no_wrap=True, width=widths["#"])
    table.add_column(_("date"), no_wrap=True, width=10)
    if wide:
        table.add_column(_("type"), no_wrap=True, overflow="ellipsis", width=widths["type"])
    table.add_column(_("number"), no_wrap=True, overflow="ellipsis", width=widths["number"])
    table.add_column(_("issuer"), no_wrap=True, overflow="ellipsis", width=widths["issuer"])
    table.add_column(_("title"), no_wrap=True, overflow="ellipsis", width=title_width)
    if wide:
        table.add_column(_("id"), no_wrap=True, style="cyan", width=12)
    for i, h in enumerate(hits, first):
        row = [str(i), display_date(h.issued)]
        if wide:
            row.append(one_line(h.doc_type))
        row += [one_line(h.number), one_line(short_issuer(h.issuer)), one_line(_without_type(h)) or _("(untitled)")]
        if wide:
            row.append(h.id)
        table.add_row(*row)
    return table


def _without_type(hit: Hit) -> str:
    """The title without the type word it starts with ("Quyết định Về việc …" → "Về việc …"):
    in a narrow row the number column already says the type."""
    title, kind = _title_of(hit), hit.doc_type or ""
    if kind and title[:len(kind)].lower() == kind.lower() and title[len(kind):len(kind) + 1] == " ":
        rest = title[len(kind):].strip()
        return rest[:1].upper() + rest[1:] if rest else title
    return title


#: Columns of a listing sent to a pipe, in this order (``archive list | cut -f1,6``).
TSV_COLUMNS = ("id", "issued", "doc_type", "number", "issuer", "title")


def hits_tsv(hits: list[Hit]) -> str:
    """A listing for a pipe: one tab-separated row per document, no header, ISO dates; the title
    column carries a generic Công văn's subject after its title."""
    return "".join("\t".join(tsv_field(_title_of(h) if c == "title" else getattr(h, c)) for c in TSV_COLUMNS) + "\n"
                   for h in hits)


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
        (_("Place"), p.place), (_("Issued"), display_date(p.issued)),
        (_("Signer"), " ".join(x for x in (p.signer_title, p.signer) if x) or None),
        (_("Recipients"), "; ".join(r.strip(" -–;.") for r in p.recipients if r.strip(" -–;.")) or None),
        (_("Published"), display_date(p.published)),
        (_("Source"), f"{doc.source.filename} ({doc.source.format}{', ' + doc.source.encoding if doc.source.encoding else ''})"),
        (_("Id"), doc.id), (_("Tags"), ", ".join(doc.tags) or None),
    ]
    for k, v in rows:
        if v:
            t.add_row(k, one_line(str(v)))
    return Panel(t, title=one_line(p.title) or _("(untitled)"), title_align="left")


def outline_tree(doc: Document):
    from rich.tree import Tree

    from .vocabulary import kind_label

    from rich.text import Text

    tree = Tree(Text(one_line(doc.parsed.title) or doc.id))

    def add(node, s: Section) -> None:
        label = one_line(" ".join(x for x in (number_label(s), s.heading) if x))
        branch = node.add(Text(f"{label}  ").append(f"({kind_label(s.kind)})", style="dim"))
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


def show_document(con, doc: Document, refs=None, selectors=(), outline: bool = False, find=None) -> None:
    """`show` on a terminal: header panel, outline tree, styled body, references; every match of
    ``find`` (a pattern) in the body in reverse video."""
    from .export import section_markdown
    from .views import refs_lines, select_sections

    def body(markdown: str) -> None:
        text = styled_body(markdown)
        if find is not None:
            text.highlight_regex(find, style="reverse")
        con.print(text)

    con.print(document_header(doc))
    if outline:
        con.print(outline_tree(doc))
        return
    if selectors:
        for s in select_sections(doc, selectors):
            body(section_markdown(s))
    else:
        if doc.parsed.sections and find is None:  # with --find the pager opens at a body match
            con.print(outline_tree(doc))
        body(doc.parsed.body)
    if refs is not None:
        for line in refs_lines(refs):
            con.print(one_line(line), markup=False, highlight=False)


def plain_header(doc: Document) -> str:
    return "\n".join(header_lines(doc))


def capture(con, draw, color: bool) -> str:
    """What ``draw(console)`` prints, as text laid out at ``con``'s width; with ANSI styles only
    when ``color`` (for a pager that shows them)."""
    import io

    buf = io.StringIO()
    target = _console_class()(file=buf, width=con.width, height=con.height, highlight=False, soft_wrap=False,
                              force_terminal=color, color_system=con.color_system if color else None)
    draw(target)
    return buf.getvalue()


_SGR = re.compile(r"\x1b\[[0-9;]*m")


def page_or_print(con, draw, enabled: bool = True, find=None) -> bool | None:
    """``draw`` onto the terminal, through the pager when its output is taller than the screen.
    With ``find`` (a pattern), the pager opens at the line of its first match; returns whether
    there was one (None without ``find``)."""
    from .pager import find_pager, run_pager

    text = capture(con, draw, color=con.color_system is not None)
    # the same layout without its SGR codes (rich writes no others here): no second rendering
    plain = _SGR.sub("", text) if con.color_system is not None else text
    line = None
    if find is not None:
        m = find.search(plain)
        line = plain.count("\n", 0, m.start()) + 1 if m else None
    pager = find_pager() if enabled and con.is_terminal and text.count("\n") > con.height else None
    if pager is not None:
        if run_pager(pager, text if pager.color else plain, line=line):
            return None if find is None else line is not None
    con.file.write(text)
    con.file.flush()
    return None if find is None else line is not None
