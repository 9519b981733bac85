"""archive import"""
from __future__ import annotations

import os
import sys

import click

from ..display import display_name, one_line
from ..i18n import _
from .options import Command, FloatRange, IntRange, Term, echo_json, json_option, pass_context


@click.command("import", cls=Command)
@click.argument("paths", nargs=-1, required=True)
@click.option("--jobs", "-j", type=IntRange(min=1), help="Files, or the pages of a scan, read in parallel (default: number of cores).")
@click.option("--dry-run", is_flag=True, help="Read and parse, report what would happen, change nothing.")
@click.option("--tag", "tags", multiple=True, help="Tag every imported document (repeatable).")
@click.option("--max-size", type=FloatRange(min=0.001), metavar="MIB", help="Refuse files larger than this many MiB (1 MiB = 1,048,576 bytes; default 200).")
@click.option("--ocr", type=Term("ocr"), default="auto",
              help="Read scans with OCR (Tesseract): auto (the default) = pages without a text layer and images; always = every page; never = scans fail.")
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

    arch = ctx.archive()
    jobs = jobs or os.cpu_count() or 1
    if max_size:
        from ..importing.files import MB

        arch.max_bytes = int(max_size * MB)
    expanded = [p for p in paths if p != "-"]
    # Each stdin line is one path, taken literally: no globbing, no shell.
    literal = [line.rstrip("\r\n") for line in sys.stdin if line.strip()] if "-" in paths else []
    counts = {"imported": 0, "duplicate": 0, "failed": 0}
    failures: list = []
    progress = _progress() if not as_json else None
    # With a bar on the terminal every line goes through its console, above the bar: nothing
    # is glued to a half-drawn bar line.
    say = progress.console.print if progress is not None else None
    told: set[str] = set()  # failures already reported as they happened

    def on_prepared(prep) -> None:
        if progress is None:
            return
        progress.advance(task)
        progress.update(pages, visible=False)  # the file's OCR pages are done
        if prep.error is not None:
            say(_failed_line(prep.path, prep.error), markup=False, highlight=False, style="red", soft_wrap=True)
            told.add(prep.path)

    try:
        on_total = on_page = None
        if progress is not None:
            task = progress.add_task(_("Importing"), total=None)
            pages = progress.add_task(_("OCR"), total=None, visible=False)
            on_total = lambda n: progress.update(task, total=n)  # noqa: E731
            on_page = lambda path, done, total: progress.update(  # noqa: E731
                pages, description=_("OCR {name}").format(name=display_name(os.path.basename(path))),
                completed=done, total=total, visible=True)
            progress.start()
        for r in arch.import_paths(expanded, literal=literal, jobs=jobs, dry_run=dry_run, tags=tags,
                                   on_prepared=on_prepared, on_total=on_total, ocr=ocr, on_page=on_page,
                                   commit_seconds=2.0 if progress is not None else None):
            counts[r.status] += 1
            if as_json:
                d = r.to_dict()
                if dry_run:
                    d["dry_run"] = True
                echo_json(d)
                continue
            if r.status == "failed":
                failures.append(r)
                if r.path in told:
                    continue
                if say is not None:
                    say(_failed_line(r.path, r.error), markup=False, highlight=False, style="red", soft_wrap=True)
                else:
                    click.echo(_failed_line(r.path, r.error), err=True)
                continue
            if say is not None:  # one terminal line a file: long titles end in "…"
                say(_line(r), markup=False, highlight=False, no_wrap=True, overflow="ellipsis")
            else:
                click.echo(_line(r))
            if r.warning:
                warning = one_line(_("{path}: {warning}.").format(path=r.shown_path, warning=r.warning.rstrip(".")))
                if say is not None:
                    say(warning, markup=False, highlight=False, style="yellow", soft_wrap=True)
                else:
                    click.echo(warning, err=True)
    finally:
        if progress is not None:
            progress.stop()
    if not as_json:
        _summary(counts, failures, dry_run)
    if counts["failed"]:
        raise SystemExit(1)


def _line(r) -> str:
    label = {"imported": _("imported"), "duplicate": _("duplicate")}[r.status]
    title = f"  {r.title}" if r.title else ""
    return one_line(f"{label:<10} {r.id}  {r.shown_path}{title}")


def _failed_line(path: str, reason: str | None) -> str:
    from ..display import display_name

    label = _("failed")
    return one_line(f"{label:<10} " + _("{path}: {reason}.").format(
        path=display_name(path), reason=(reason or "").rstrip(".")))


def _progress():
    """A progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ..render import console

    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console(stderr=True), transient=True)


def _summary(counts: dict, failures: list, dry_run: bool) -> None:
    """One line of counts on stdout; the files that failed again on stderr, each with its reason."""
    head = _("Dry run, nothing was changed: ") if dry_run else ""
    click.echo(head + _("{imported} imported, {duplicate} duplicate, {failed} failed, {total} in all.").format(
        imported=counts["imported"], duplicate=counts["duplicate"], failed=counts["failed"],
        total=sum(counts.values())))
    if failures:
        click.echo(_("Not imported:"), err=True)
        for r in failures:
            click.echo("  " + one_line(_("{path}: {reason}.").format(path=r.shown_path, reason=(r.error or "").rstrip("."))),
                       err=True)


COMMANDS = [import_]
