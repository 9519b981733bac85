"""archive export"""
from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _
from .options import Command, IntRange, filter_options, pass_context
from .reading import _write_file


@click.command("export", cls=Command)
@click.argument("refs", nargs=-1)
@click.option("--format", "-f", "fmt", type=click.Choice(["txt", "md", "json"]), default="txt", show_default=True)
@click.option("-o", "--output", metavar="FILE|DIR/|-",
              help="A file (one document), a folder (an existing one, or a path ending with /), or - for "
                   "stdout (the default).")
@click.option("--section", "-s", "selectors", multiple=True, metavar="KIND|NUMBER",
              help="Only these sections of each document: a kind (purpose, content, implementation, other), "
                   "a number (IV, IV.2, \"Điều 2\") or preamble. Repeatable. With REFs, each named "
                   "document is cut to them; with --all, --query or filters, only the documents that "
                   "have one of them are exported, cut to them (with --query and one kind, the words must "
                   "be found inside that kind).")
@click.option("--all", "export_all", is_flag=True, help="Every document in the archive.")
@click.option("--query", "-q", metavar="QUERY", help="The documents this search finds.")
@filter_options(section=False)
@click.option("--width", type=IntRange(20, 1000), help="Wrap txt lines at this width.")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@pass_context
def export(ctx, refs, fmt, output, selectors, export_all, query, filters, width, force):
    """Export documents as plain text, Markdown with front matter, or JSON.

    REFs name the documents; --all, --query and filters choose them only when no REF is given.
    Several documents on stdout are separated by a line holding only a form feed (txt, md; a new
    page when printed); JSON becomes JSON Lines, one document a line. One document is printed
    as it would be written to a file.

    \b
    Examples:
      archive export 125/KH-UBND                      # text to stdout
      archive export 125/KH-UBND --section implementation -o trien-khai.txt
      archive export 125/KH-UBND -f md -o plan.md
      archive export --all -f txt -o exported/
      archive export --query "chuyen doi so" --year 2024 -o out/
    """
    from ..errors import ArchiveError
    from ..export import join_documents, render, safe_filename
    from ..export_select import choose, target_kind

    arch = ctx.archive()
    parts = choose(arch, refs, selectors=tuple(selectors), query=query, filters=filters, everything=export_all)
    kind = target_kind(output, len(parts))
    if kind == "stdout":
        compact = len(parts) > 1  # several JSON documents: JSON Lines
        texts = [render(p.doc, fmt, width, p.sections, p.selectors, compact=compact) for p in parts]
        click.echo(join_documents(texts, fmt), nl=False)
        return
    out = Path(output)
    if kind == "file":
        p = parts[0]
        _write_file(out, render(p.doc, fmt, width, p.sections, p.selectors).encode("utf-8"), force)
        click.echo(_("Wrote {path}").format(path=out), err=True)
        return
    out.mkdir(parents=True, exist_ok=True)
    written = skipped = 0
    used: set[str] = set()  # names written by this export: never one file for two documents
    for p in parts:
        doc = p.doc
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
        _write_file(target, render(doc, fmt, width, p.sections, p.selectors).encode("utf-8"), True)
        written += 1
    from ..i18n import ngettext

    click.echo(ngettext("Wrote {n} file to {dir}", "Wrote {n} files to {dir}", written).format(n=written, dir=out), err=True)
    if skipped:
        raise ArchiveError(_("{n} files were not overwritten.").format(n=skipped))


COMMANDS = [export]
