"""archive remove / reindex / check / stats"""
from __future__ import annotations

import click

from ..i18n import _
from ..display import one_line
from .options import Command, echo_json, json_option, pass_context


@click.command("remove", cls=Command)
@click.argument("refs", nargs=-1, required=True)
@pass_context
def remove(ctx, refs):
    """Remove documents (store file, original and index entry).

    \b
    Example:
      archive remove 3f2a9c
    """
    arch = ctx.archive()
    for ref in refs:
        doc_id = arch.remove(ref)
        click.echo(_("Removed {id}").format(id=doc_id))


@click.command("reindex", cls=Command)
@pass_context
def reindex(ctx):
    """Rebuild the index from the store (into a new folder, swapped in when complete).

    \b
    Example:
      archive reindex
    """
    count, problems = ctx.archive().reindex()
    for p in problems:
        click.echo(p.message, err=True)
    click.echo(_("Indexed {n} documents.").format(n=count))
    if problems:
        raise SystemExit(1)


@click.command("check", cls=Command)
@click.option("--repair", is_flag=True, help="Make the index agree with the store; remove leftover temp files.")
@json_option
@pass_context
def check(ctx, repair, as_json):
    """Report disagreements between store and index (exit 1 when any remain).

    \b
    Examples:
      archive check
      archive check --repair
    """
    report = ctx.archive().check(repair=repair)
    if as_json:
        echo_json(report.to_dict())
    elif report.remaining is not None:
        left = {(p.kind, p.id) for p in report.remaining}
        fixed = sum(1 for p in report.problems if (p.kind, p.id) not in left)
        if fixed:
            click.echo(_("Repaired {n} problems.").format(n=fixed))
        for p in report.remaining:
            click.echo(p.message, err=True)
        if report.ok:
            click.echo(_("OK: {n} documents, index agrees with the store.").format(n=report.documents))
        else:
            click.echo(_("{n} problems remain that --repair cannot fix (see above).").format(
                n=len(report.remaining)), err=True)
    else:
        for p in report.problems:
            click.echo(p.message, err=True)
        if report.ok:
            click.echo(_("OK: {n} documents, index agrees with the store.").format(n=report.documents))
        else:
            click.echo(_("{n} problems; run `archive check --repair`.").format(n=len(report.problems)), err=True)
    if not report.ok:
        raise SystemExit(1)


@click.command("stats", cls=Command)
@json_option
@pass_context
def stats(ctx, as_json):
    """Counts by type, issuer and year; documents read with OCR; archive and index size.

    \b
    Example:
      archive stats --json
    """
    s = ctx.archive().stats()
    if as_json:
        echo_json(s)
        return
    from ..render import console

    con = console()
    head = [_("{n} documents in {path}").format(n=s["documents"], path=s["path"])]
    if s.get("ocr_documents"):
        head.append(_("{n} read from scans with OCR").format(n=s["ocr_documents"]))
    head.append(_("archive {a:.1f} MB, index {i:.1f} MB").format(a=s["archive_bytes"] / 1e6, i=s["index_bytes"] / 1e6))
    groups = ((_("type"), "by_type"), (_("year"), "by_year"), (_("issuer"), "by_issuer"))
    if not con.is_terminal:  # piped: plain lines, one "group<TAB>value<TAB>count" row each
        from ..display import tsv_field

        click.echo("\n".join(head))
        for title, key in groups:
            for k, v in s[key].items():
                click.echo(f"{title}\t{tsv_field(_unknown(k))}\t{v}")
        return
    from rich.table import Table

    for line in head:
        con.print(line, markup=False, highlight=False)
    for title, key in groups:
        t = Table(show_edge=False, header_style="bold")
        t.add_column(title)
        t.add_column(_("documents"), justify="right")
        rows = list(s[key].items())
        for k, v in rows[:15]:
            t.add_row(one_line(_unknown(k)), str(v))
        if len(rows) > 15:
            t.add_row(_("… {n} more (archive stats | cat)").format(n=len(rows) - 15), "", style="dim")
        con.print(t)


@click.command("copy", cls=Command)
@click.argument("source", metavar="SRC")
@click.argument("dest", metavar="DEST")
@json_option
@pass_context
def copy(ctx, source, dest, as_json):
    """Copy every document of archive SRC into archive DEST: folders or postgresql:// URLs.

    Store files, originals, ids, tags and sections arrive unchanged; DEST indexes them.
    Documents DEST already holds are left as they are. Exit code 1 when any could not be copied.

    \b
    Examples:
      archive copy ~/archive postgresql://clerk@server/office
      archive copy postgresql://clerk@server/office ./backup
    """
    from ..archive import open_archive
    from ..copying import copy_archive
    from ..location import is_server_url, redact

    def shown(x: str) -> str:
        return redact(x) if is_server_url(x) else x

    src, dst = open_archive(source, wait=ctx.wait), open_archive(dest, wait=ctx.wait)
    click.get_current_context().call_on_close(src.close)
    click.get_current_context().call_on_close(dst.close)
    if not is_server_url(source) and not src.store.docs_dir.is_dir():
        from ..errors import NotFound

        raise NotFound(_("{path} holds no archive to copy.").format(path=source))
    report = copy_archive(src, dst)
    if as_json:
        echo_json({**report.to_dict(), "source": shown(source), "dest": shown(dest)})
    else:
        for problem in report.problems:
            click.echo(problem, err=True)
        click.echo(_("Copied {n} documents from {src} to {dest} ({m} already there).").format(
            n=report.copied, src=shown(source), dest=shown(dest), m=report.present))
    if not report.ok:
        raise SystemExit(1)


def _unknown(value: str) -> str:
    """A count's key for a person: "?" (documents without the value) in words."""
    return _("(unknown)") if value == "?" else value


COMMANDS = [remove, reindex, check, stats, copy]
