"""archive show / refs"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..i18n import _
from .options import Command, echo_json, json_option, pass_context


@click.command("show", cls=Command)
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
            if not output.suffix:  # "-o goc" → goc.docx: the file opens with the right program
                from ..export import original_suffix

                output = output.with_name(output.name + original_suffix(doc))
            _write_file(output, data, force)
            click.echo(_("Wrote {path}").format(path=output), err=True)
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
    refs = arch.refs(doc.id) if not selectors else None  # a part of a document: not its citations
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


@click.command("refs", cls=Command)
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
    import shutil

    from ..views import refs_listing

    # a terminal's lines are trimmed to its width; piped lines stay whole
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    lines = refs_listing(rep, width) or [_("No references either way.")]
    for line in lines:
        click.echo(line)


COMMANDS = [show, refs]
