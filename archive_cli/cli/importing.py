"""archive import"""
from __future__ import annotations

import sys

import click

from ..display import display_name, one_line
from ..i18n import _
from .options import echo_json, json_option, pass_context


@click.command("import")
@click.argument("paths", nargs=-1, required=True)
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Files, or the pages of a scan, read in parallel (default: number of cores).")
@click.option("--dry-run", is_flag=True, help="Read and parse, report what would happen, change nothing.")
@click.option("--tag", "tags", multiple=True, help="Tag every imported document (repeatable).")
@click.option("--max-size", type=click.FloatRange(min=0.001), metavar="MIB", help="Refuse files larger than this many MiB (1 MiB = 1,048,576 bytes; default 200).")
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Read scans with OCR (Tesseract): auto = pages without a text layer and images; always = every page; never = scans fail.")
@json_option
@pass_context
def import_(ctx, paths, jobs, dry_run, tags, max_size, ocr, as_json):
    """Import files, folders (recursively) and globs; `-` reads paths from stdin.

    Re-importing the same content is a no-op ("duplicate"). Exit code 1 when any file failed.
    Scanned PDFs and page images (PNG, JPEG, TIFF) are read with OCR when Tesseract and its
    Vietnamese model are installed; a low OCR confidence is a warning, not a failure.

    \b
    Examples:
      archive import documents/
      archive import 'inbox/**/*.docx' --json
      find /mnt/share -name '*.pdf' | archive import - --jobs 2
      archive import scans/ --ocr always
    """
    import os

    arch = ctx.archive()
    jobs = jobs or os.cpu_count() or 1
    if max_size:
        from ..importing.files import MB

        arch.max_bytes = int(max_size * MB)
    expanded = [p for p in paths if p != "-"]
    # Each stdin line is one path, taken literally: no globbing, no shell.
    literal = [line.rstrip("\r\n") for line in sys.stdin if line.strip()] if "-" in paths else []
    counts = {"imported": 0, "duplicate": 0, "failed": 0}
    progress = _progress() if not as_json else None
    out = None if as_json else _stdout_console()
    try:
        on_prepared = on_total = on_page = None
        if progress is not None:
            task = progress.add_task(_("Importing"), total=None)
            pages = progress.add_task(_("OCR"), total=None, visible=False)
            on_prepared = lambda _p: (progress.advance(task), progress.update(pages, visible=False))  # noqa: E731
            on_total = lambda n: progress.update(task, total=n)  # noqa: E731
            on_page = lambda path, done, total: progress.update(  # noqa: E731
                pages, description=_("OCR {name}").format(name=display_name(os.path.basename(path))),
                completed=done, total=total, visible=True)
            progress.start()
        for r in arch.import_paths(expanded, literal=literal, jobs=jobs, dry_run=dry_run, tags=tags,
                                   on_prepared=on_prepared, on_total=on_total, ocr=ocr, on_page=on_page):
            counts[r.status] += 1
            if as_json:
                d = r.to_dict()
                if dry_run:
                    d["dry_run"] = True
                echo_json(d)
                continue
            if progress is not None:
                progress.console.print(_line(r), markup=False, highlight=False) if r.status != "failed" else None
            elif r.status != "failed":
                click.echo(_line(r))
            if r.status == "failed":
                click.echo(one_line(_("{path}: {reason}.").format(path=r.shown_path, reason=r.error.rstrip("."))), err=True)
            elif r.warning:
                click.echo(one_line(_("{path}: {warning}.").format(path=r.shown_path, warning=r.warning)), err=True)
    finally:
        if progress is not None:
            progress.stop()
    if not as_json:
        _summary(out, counts, dry_run)
    if counts["failed"]:
        raise SystemExit(1)


def _line(r) -> str:
    label = {"imported": _("imported"), "duplicate": _("duplicate")}[r.status]
    title = f"  {r.title}" if r.title else ""
    return one_line(f"{label:<10} {r.id}  {r.shown_path}{title}")


def _stdout_console():
    from ..render import console

    return console()


def _progress():
    """A progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ..render import console

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console(stderr=True), transient=True)


def _summary(con, counts: dict, dry_run: bool) -> None:
    from rich.table import Table

    table = Table(title=_("Dry run: nothing was changed") if dry_run else None, show_edge=False, header_style="bold")
    for name in (_("imported"), _("duplicate"), _("failed"), _("total")):
        table.add_column(name, justify="right")
    table.add_row(str(counts["imported"]), str(counts["duplicate"]), str(counts["failed"]), str(sum(counts.values())))
    con.print(table)


COMMANDS = [import_]
