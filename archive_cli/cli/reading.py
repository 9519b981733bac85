"""archive show / refs"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..i18n import _
from .options import echo_json, json_option, pass_context


@click.command("show")
@click.argument("ref")
@click.option("--section", "-s", "selectors", multiple=True, metavar="KIND|NUMBER",
              help="Only these sections: a kind (purpose, content, implementation, other), a number "
                   "(IV, IV.2, \"Điều 2\", \"Chương II\") or preamble. Repeatable.")
@click.option("--outline", is_flag=True, help="Only the outline tree.")
@click.option("--original", is_flag=True, help="The original file's bytes (to stdout, or -o FILE).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.option("--pager/--no-pager", default=True, help="Page long output on a terminal.")
@json_option
@pass_context
def show(ctx, ref, selectors, outline, original, output, force, pager, as_json):
    """Show a document: header, outline, body. REF is an id, id prefix or number.

    \b
    Examples:
      archive show 24-HD/BTGTW
      archive show 125/KH-UBND --section implementation
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
    refs = arch.refs(doc.id)
    from ..render import console, show_document
    from ..views import plain_view

    con = console()
    if not con.is_terminal:
        click.echo(plain_view(doc, selectors, outline, refs), nl=False)
        return
    if pager and doc.parsed.body.count("\n") > con.height:
        with con.pager(styles=True):
            show_document(con, doc, refs, selectors, outline)
    else:
        show_document(con, doc, refs, selectors, outline)


def _write_file(path: Path, data: bytes, force: bool) -> None:
    from ..errors import ArchiveError
    from ..fsutil import atomic_write

    if path.exists() and not force:
        raise ArchiveError(_("{path} exists; pass --force to overwrite it.").format(path=path))
    atomic_write(path, data)


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
    import shutil

    from ..views import refs_listing

    # a terminal's lines are trimmed to its width; piped lines stay whole
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    lines = refs_listing(rep, width) or [_("No references either way.")]
    for line in lines:
        click.echo(line)


COMMANDS = [show, refs]
