"""archive search / list / similar"""
from __future__ import annotations

import click

from ..i18n import _
from .options import Command, IntRange, QueryCommand, Term, echo_json, filter_options, json_option, pass_context


@click.command("search", cls=QueryCommand)
@click.argument("query", nargs=-1, required=True)
@filter_options
@click.option("--limit", "-n", type=IntRange(1, 1000), default=10, show_default=True, help="Results per page.")
@click.option("--page", type=IntRange(min=1), default=1, show_default=True, help="Page of results.")
@click.option("--sort", type=Term("search_sort"), default="relevance",
              help="relevance (the default) or date (newest first).")
@json_option
@pass_context
def search(ctx, query, filters, limit, page, sort, as_json):
    """Ranked full-text search. Words typed without diacritics match every accented form.

    All words must match. "Quoted phrases", OR, NOT / -word and field:value work (title:,
    issuer:, number:, type:, tag:, year:, section:). A document number finds that document
    first, then the documents citing it. Exit code 1 when nothing matches. Open a result with
    `archive show N` (N: its number in the list).

    \b
    Examples:
      archive search phong chong dich
      archive search '"tổ chức thực hiện"' --type "ke hoach" --year 2024
      archive search 125/KH-UBND
      archive search chuyen doi so --section implementation --json
    """
    arch = ctx.archive()
    text = " ".join(query)
    result = arch.search(text, filters=filters, limit=limit, page=page, sort=sort)
    if result.past_end:
        from ..errors import NotFound

        raise NotFound(_past_end(page, result.total, result.last_page, limit))
    if as_json:
        echo_json(result.to_dict())
    elif result.total:
        from ..render import console, search_result, search_result_plain

        arch.remember([h.id for h in result.hits], first=result.first)
        con = console()
        if con.is_terminal:
            from ..render import page_or_print

            page_or_print(con, lambda target: search_result(target, result))
        else:
            click.echo(search_result_plain(result), nl=False)
    else:
        from ..render import console, no_results

        no_results(console(stderr=True), result)
    if not result.total:
        raise SystemExit(1)


def _past_end(page: int, total: int, pages: int, size: int) -> str:
    from ..i18n import ngettext

    return ngettext("Page {page} is past the end: {total} documents fit on {pages} page of {size}.",
                    "Page {page} is past the end: {total} documents fill {pages} pages of {size}.",
                    pages).format(page=page, total=total, pages=pages, size=size)


@click.command("list", cls=Command)
@filter_options
@click.option("--sort", type=Term("list_sort"), default="date",
              help="Default date. Dates newest first, the rest A to Z; documents without the value last.")
@click.option("--reverse", "-r", is_flag=True, help="The other way round (dates oldest first).")
@click.option("--limit", "-n", type=IntRange(min=1), help="At most this many documents (per page with --page).")
@click.option("--page", type=IntRange(min=1), help="Show this page of --limit documents (default 50 a page).")
@click.option("--pager/--no-pager", default=True, help="Page a listing taller than the terminal.")
@json_option
@pass_context
def list_(ctx, filters, sort, reverse, limit, page, pager, as_json):
    """List documents (newest first), with the same filters as search.

    On a terminal: a table (show N opens row N). Piped: one line per document,
    tab-separated: id, date (YYYY-MM-DD), type, number, issuer, title.

    \b
    Examples:
      archive list --type KH --year 2024
      archive list --sort number --reverse -n 20
      archive list | cut -f1,6
    """
    arch = ctx.archive()
    hits = arch.list(filters, sort=sort, reverse=reverse)
    first = 1
    if page:
        size = limit or 50
        first = (page - 1) * size + 1
        if hits and first > len(hits):
            from ..errors import NotFound

            raise NotFound(_past_end(page, len(hits), -(-len(hits) // size), size))
        hits = hits[first - 1:first - 1 + size]
    elif limit:
        hits = hits[:limit]
    if as_json:
        echo_json([h.to_dict(with_score=False) for h in hits])
    else:
        _emit_hits(arch, hits, first, pager, _("No documents."))
    if not hits:
        raise SystemExit(1)


@click.command("similar", cls=Command)
@click.argument("ref")
@click.option("--limit", "-n", type=IntRange(1, 100), default=10, show_default=True)
@json_option
@pass_context
def similar(ctx, ref, limit, as_json):
    """Documents like REF (shared key terms).

    \b
    Example:
      archive similar 24-HD/BTGTW
    """
    arch = ctx.archive()
    hits = arch.similar(ref, limit=limit)
    if as_json:
        echo_json([h.to_dict(with_score=False) | {"score": round(h.score, 4)} for h in hits])
    else:
        _emit_hits(arch, hits, 1, True, _("No similar documents."))
    if not hits:
        raise SystemExit(1)


def _emit_hits(arch, hits, first: int, pager: bool, empty: str) -> None:
    """A listing for people: remembered for `show N`, a table on a terminal (paged when taller
    than it), tab-separated rows in a pipe; ``empty`` on stderr when there is nothing."""
    if not hits:
        click.echo(empty, err=True)
        return
    from ..render import console, hits_table, hits_tsv, page_or_print

    arch.remember([h.id for h in hits], first=first)
    con = console()
    if con.is_terminal:
        page_or_print(con, lambda target: target.print(hits_table(target, hits, first)), enabled=pager)
    else:
        click.echo(hits_tsv(hits), nl=False)


COMMANDS = [search, list_, similar]
