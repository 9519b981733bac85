"""archive show / export / refs"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..i18n import _
from .options import echo_json, filter_options, json_option, pass_context


@click.command("show")
@click.argument("ref")
@click.option("--section", "-s", "selectors", multiple=True, metavar="KIND|NUMBER",
              help="Only these sections: a kind (purpose, content, implementation, other), a number "
                   "(IV, IV.2, \"Điều 2\", \"Chương II\") or preamble. Repeatable.")
@click.option("--outline", is_flag=True, help="Only the outline tree.")
@click.option("--original", is_flag=True, help="The original file's bytes (to stdout, or -o FILE).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.option("--find", metavar="WORDS", help="Highlight WORDS (with or without diacritics) and open the pager at the first.")
@click.option("--pager/--no-pager", default=True, help="Page output taller than the terminal.")
@json_option
@pass_context
def show(ctx, ref, selectors, outline, original, output, force, find, pager, as_json):
    """Show a document: header, outline, body.

    REF is an id or its start, a number (125/KH-UBND, or just 125), or a
    result's position in your last search or list (show 3).

    \b
    Examples:
      archive show 24-HD/BTGTW
      archive show 3 --section implementation
      archive show 125/KH-UBND --find "to chuc thuc hien"
      archive show 3f2a --section IV --section "Điều 2"
      archive show 3f2a --original -o original.docx
    """
    arch = ctx.archive()
    if original:
        doc, data = arch.original(ref)
        if output:
            _write_file(output, data, force)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        return
    doc = arch.get(ref)
    if as_json:
        d = doc.to_dict()
        if selectors:
            from ..views import select_sections

            d["sections"] = [s.to_dict() for s in select_sections(doc, selectors)]
        echo_json(d)
        return
    if selectors:
        from ..views import select_sections

        select_sections(doc, selectors)  # a section that is not there is an error before any output
    refs = arch.refs(doc.id)
    from ..render import console, page_or_print, show_document
    from ..views import plain_view

    con = console()
    if not con.is_terminal:
        click.echo(plain_view(doc, selectors, outline, refs), nl=False)
        return
    pattern = None
    if find:
        from ..search.snippets import phrase_pattern

        pattern = phrase_pattern(find)
        if pattern is None:
            raise click.BadParameter(_("give words to find."), param_hint="--find")
    found = page_or_print(con, lambda target: show_document(target, doc, refs, selectors, outline, find=pattern),
                          enabled=pager, find=pattern)
    if found is False:
        click.echo(_("{words!r} is not in what was shown.").format(words=find), err=True)


def _write_file(path: Path, data: bytes, force: bool) -> None:
    from ..errors import ArchiveError
    from ..fsutil import atomic_write

    if path.exists() and not force:
        raise ArchiveError(_("{path} exists; pass --force to overwrite it.").format(path=path))
    atomic_write(path, data)


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


@click.command("refs")
@click.argument("ref")
@json_option
@pass_context
def refs(ctx, ref, as_json):
    """Documents REF cites, and archived documents that cite it.

    \b
    Example:
      archive refs 24-HD/BTGTW
    """
    rep = ctx.archive().refs(ref)
    if as_json:
        echo_json({
            "id": rep.id,
            "cites": [c.reference.to_dict() | {"ids": c.ids} for c in rep.cites],
            "cited_by": [h.to_dict(with_score=False) for h in rep.cited_by],
        })
        return
    from ..views import refs_lines

    lines = refs_lines(rep) or [_("No references either way.")]
    for line in lines:
        click.echo(line)


COMMANDS = [show, export, refs]
