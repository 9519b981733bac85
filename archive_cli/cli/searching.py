"""archive search / list / similar"""
from __future__ import annotations

import click

from ..i18n import _
from .options import QueryCommand, echo_json, filter_options, json_option, pass_context


@click.command("search", cls=QueryCommand)
@click.argument("query", nargs=-1, required=True)
@filter_options
@click.option("--limit", "-n", type=click.IntRange(1, 1000), default=10, show_default=True, help="Results per page.")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Page of results.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True)
@json_option
@pass_context
def search(ctx, query, filters, limit, page, sort, as_json):
    """Ranked full-text search. Words typed without diacritics match every accented form.

    \b
    All words must match; "quoted phrases", OR, NOT / -word and field:value work
    (title:, issuer:, number:, type:, tag:, year:, section:). A document number finds that
    document first, then the documents citing it. Exit code 1 when nothing matches.

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
    if as_json:
        echo_json(result.to_dict())
    else:
        from ..render import console, no_results, search_result

        con = console()
        if result.total:
            search_result(con, result, filters.describe())
        else:
            no_results(console(stderr=True), result)
    if not result.total:
        raise SystemExit(1)


@click.command("list")
@filter_options
@click.option("--sort", type=click.Choice(["date", "number", "title", "type", "issuer"]), default="date", show_default=True)
@click.option("--limit", "-n", type=click.IntRange(min=1), help="At most this many documents.")
@json_option
@pass_context
def list_(ctx, filters, sort, limit, as_json):
    """List documents (newest first), with the same filters as search.

    \b
    Examples:
      archive list --type KH --year 2024
      archive list --sort number --json
    """
    hits = ctx.archive().list(filters, sort=sort, limit=limit)
    _emit_hits(hits, as_json, [h.to_dict(with_score=False) for h in hits], _("No documents."))


@click.command("similar")
@click.argument("ref")
@click.option("--limit", "-n", type=click.IntRange(1, 100), default=10, show_default=True)
@json_option
@pass_context
def similar(ctx, ref, limit, as_json):
    """Documents like REF (shared key terms).

    \b
    Example:
      archive similar 24-HD/BTGTW
    """
    hits = ctx.archive().similar(ref, limit=limit)
    _emit_hits(hits, as_json, [h.to_dict(with_score=False) | {"score": round(h.score, 4)} for h in hits],
               _("No similar documents."))


def _emit_hits(hits, as_json: bool, records: list[dict], empty: str) -> None:
    """A table of hits (JSON array with --json); exit 1 when there are none, as grep does."""
    if as_json:
        echo_json(records)
    elif hits:
        from ..render import console, hits_table  # rich only for terminal tables

        hits_table(console(), hits)
    else:
        click.echo(empty, err=True)
    if not hits:
        raise SystemExit(1)


COMMANDS = [search, list_, similar]
