"""archive export"""
from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _
from .options import filter_options, pass_context
from .reading import _write_file


@click.command("export")
@click.argument("refs", nargs=-1)
@click.option("--format", "-f", "fmt", type=click.Choice(["txt", "md", "json"]), default="txt", show_default=True)
@click.option("-o", "--output", metavar="FILE|DIR|-", help="A file (one document), a folder (many), or - for stdout.")
@click.option("--all", "export_all", is_flag=True, help="Every document in the archive.")
@click.option("--query", "-q", metavar="QUERY", help="The documents this search finds.")
@filter_options
@click.option("--width", type=click.IntRange(20, 1000), help="Wrap txt lines at this width.")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@pass_context
def export(ctx, refs, fmt, output, export_all, query, filters, width, force):
    """Export documents as plain text, Markdown with front matter, or JSON.

    \b
    Examples:
      archive export 125/KH-UBND                      # text to stdout
      archive export 125/KH-UBND -f md -o plan.md
      archive export --all -f txt -o exported/
      archive export --query "chuyen doi so" --year 2024 -o out/
    """
    from ..errors import ArchiveError
    from ..export import render, safe_filename

    arch = ctx.archive()
    ids: list[str] = [arch.resolve(r) for r in refs]
    many = bool(export_all or query or not filters.is_empty() or len(refs) > 1)
    if export_all or query or not filters.is_empty():
        if query:
            res = arch.search(query, filters=filters, limit=10**6, snippets=False, suggest=False)
            ids += [h.id for h in res.hits]
        else:
            ids += [h.id for h in arch.list(filters)]
    ids = list(dict.fromkeys(ids))
    if not ids and not many and not refs:
        raise click.UsageError(_("Name documents to export: REF…, --all, --query or a filter."))
    if not ids:
        from ..errors import NotFound

        raise NotFound(_("No documents match; nothing was exported."))
    if output in (None, "-"):
        for i in ids:
            click.echo(render(arch.get(i), fmt, width), nl=False)
        return
    out = Path(output)
    if not many and not out.is_dir() and not output.endswith(("/", "\\")):
        _write_file(out, render(arch.get(ids[0]), fmt, width).encode("utf-8"), force)
        click.echo(_("Wrote {path}").format(path=out), err=True)
        return
    out.mkdir(parents=True, exist_ok=True)
    written = skipped = 0
    used: set[str] = set()  # names written by this export: never one file for two documents
    for i in ids:
        doc = arch.get(i)
        # safe_filename keeps only [A-Za-z0-9._-]: the target cannot leave the folder; a name
        # this export already used takes the whole id instead of its first six digits.
        name = safe_filename(doc, fmt)
        if name in used:
            name = safe_filename(doc, fmt, id_digits=len(doc.id))
        used.add(name)
        target = out / name
        if target.exists() and not force:
            click.echo(_("{path} exists; skipped (pass --force to overwrite).").format(path=target), err=True)
            skipped += 1
            continue
        _write_file(target, render(doc, fmt, width).encode("utf-8"), True)
        written += 1
    click.echo(_("Wrote {n} files to {dir}").format(n=written, dir=out), err=True)
    if skipped:
        raise ArchiveError(_("{n} files were not overwritten.").format(n=skipped))


COMMANDS = [export]
