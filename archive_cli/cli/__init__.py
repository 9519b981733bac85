"""The ``archive`` command: parse options, call the library, render. Nothing else lives here.

Only click is imported at start-up; the store, index, parser and rich load inside the commands
that need them, so ``archive --help`` stays fast. The language is chosen before click is
imported (``--lang``, ``ARCHIVE_LANG``, the locale), so click speaks it too.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .. import i18n

i18n.use(i18n.detect(argv=sys.argv[1:]))

import click  # noqa: E402  (after the language is set)

from ..display import display_name, one_line  # noqa: E402
from ..i18n import _  # noqa: E402
from .options import Context, FloatRange, Translated  # noqa: E402

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class ArchiveGroup(Translated, click.Group):
    """Turns library errors into one sentence on stderr and an exit code; no tracebacks."""

    def invoke(self, ctx: click.Context):
        from ..errors import ArchiveError

        try:
            return super().invoke(ctx)
        except ArchiveError as exc:
            if _debug(ctx):
                raise
            click.echo(_("Error: {message}").format(message=one_line(str(exc))), err=True)
            for line in _candidate_lines(getattr(exc, "candidates", ())):
                click.echo(line, err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo(_("Interrupted."), err=True)
            ctx.exit(130)
        except BrokenPipeError as exc:
            if not _stdout_closed():  # a pipe of our own broke (a worker pool): a failure
                if _debug(ctx):
                    raise
                click.echo(_("Error: a pipe between processes broke ({msg}).").format(msg=one_line(str(exc))), err=True)
                ctx.exit(1)
            # `archive list | head`: the reader left; nothing to say.
            try:
                sys.stdout = open(os.devnull, "w")
            except OSError:
                pass
            ctx.exit(0)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except OSError as exc:
            if _debug(ctx):
                raise
            where = f" ({display_name(os.fsdecode(exc.filename))})" if getattr(exc, "filename", None) else ""
            click.echo(_("Error: {reason}{where}.").format(reason=exc.strerror or exc, where=where), err=True)
            ctx.exit(1)
        except Exception as exc:  # the last line of defence: one sentence, --debug for more
            if _debug(ctx):
                raise
            known = _server_error(ctx, exc)
            if known is not None:
                click.echo(_("Error: {message}").format(message=one_line(str(known))), err=True)
                ctx.exit(known.exit_code)
            click.echo(_("Error: unexpected failure ({kind}: {msg}); rerun with --debug for details.").format(
                kind=type(exc).__name__, msg=one_line(str(exc).splitlines()[0] if str(exc) else "")), err=True)
            ctx.exit(1)


def _location(value: str | None) -> str | Path | None:
    """A URL stays text; anything else is a folder path."""
    from ..location import is_server_url

    if value is None or is_server_url(value):
        return value
    return Path(value).expanduser()


def _server_error(ctx: click.Context, exc: BaseException):
    """A database driver's error as the library's one sentence (None for any other error)."""
    if not (type(exc).__module__ or "").startswith("psycopg"):
        return None
    from ..location import is_server_url
    from ..postgres.db import describe

    location = getattr(ctx.find_root().obj, "archive_path", None)
    return describe(exc, str(location) if is_server_url(location) else "")


def _candidate_lines(hits) -> list[str]:
    """The documents an ambiguous REF matched, one per line, with what tells them apart."""
    from ..display import display_date

    lines = []
    for h in hits[:10]:
        what = " ".join(x for x in (h.doc_type, h.number) if x)
        rest = " · ".join(x for x in (what, display_date(h.issued), h.issuer, h.title) if x)
        lines.append(one_line(f"  {h.id}  {rest}"))
    if len(hits) > 10:
        lines.append("  " + _("… and {n} more").format(n=len(hits) - 10))
    return lines


def _stdout_closed() -> bool:
    """Whether standard output is a pipe whose reader has gone (``archive list | head``), as
    opposed to some other pipe breaking inside the command."""
    import select

    try:
        fd = sys.__stdout__.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    if not hasattr(select, "poll"):  # Windows: no way to ask; stdout is the likely one
        return True
    poll = select.poll()
    poll.register(fd, select.POLLOUT)
    return any(ev & (select.POLLERR | select.POLLHUP) for _fd, ev in poll.poll(0))


def _debug(ctx: click.Context) -> bool:
    obj = ctx.find_root().obj
    return bool(getattr(obj, "debug", False))


def _set_language(ctx: click.Context, param, value: str | None) -> None:
    if value:
        i18n.use(value)


@click.group(cls=ArchiveGroup, context_settings=CONTEXT_SETTINGS)
@click.option("--archive", "archive_path", metavar="PATH|URL", callback=lambda _c, _p, v: _location(v),
              envvar="ARCHIVE_HOME",
              help="Archive folder, or a postgresql://user@host/db URL for a shared server archive "
                   "(default: $ARCHIVE_HOME, else the user data folder).")
@click.option("--wait", type=FloatRange(min=0), default=5.0, show_default=True,
              help="Seconds to wait for another writer to finish.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option("--lang", type=click.Choice(i18n.LANGUAGES), callback=_set_language, is_eager=True,
              expose_value=False, help="Language of messages: vi or en (default: $ARCHIVE_LANG, else the locale).")
@click.version_option(package_name="archive-cli", prog_name="archive")
@click.pass_context
def cli(ctx: click.Context, archive_path: str | Path | None, wait: float, debug: bool) -> None:
    """A local archive of official documents: import, search, read by section, export.

    \b
    Examples:
      archive import documents/
      archive search "phong chong dich"
      archive show 24-HD/BTGTW --section implementation
      archive export 125/KH-UBND --format txt -o ke-hoach.txt
    """
    ctx.obj = Context(archive_path=archive_path, wait=wait, debug=debug)


from . import exporting, housekeeping, importing, reading, searching  # noqa: E402  (registers commands)

for module in (importing, searching, reading, exporting, housekeeping):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    if sys.stdout is None:  # started with standard output closed (`archive list >&-`)
        if sys.stderr is not None:
            sys.stderr.write(_("Error: standard output is closed; nothing can be printed.") + "\n")
        raise SystemExit(1)
    if os.name == "nt":  # UTF-8 console output on Windows
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.reconfigure(encoding="utf-8")
            except (AttributeError, OSError):
                pass
    cli(prog_name="archive")
