"""Options shared by several commands, and the per-invocation context."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import click

from ..i18n import _


@dataclass
class Context:
    #: a folder path or a ``postgresql://`` URL (None: ARCHIVE_HOME, else the user data folder)
    archive_path: str | Path | None
    wait: float
    debug: bool

    def archive(self):
        from ..archive import open_archive

        arch = open_archive(self.archive_path, wait=self.wait)
        ctx = click.get_current_context(silent=True)
        if ctx is not None:
            ctx.call_on_close(arch.close)  # a server archive's connection ends with the command
        return arch


pass_context = click.make_pass_decorator(Context)


def json_option(fn):
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON on stdout.")(fn)


def _iso_date(ctx, param, value):
    if value is None:
        return None
    from ..search.filters import date_bound

    try:
        return date_bound(value, end=param.name == "date_to")
    except ValueError as exc:
        if str(exc) == "real":
            raise click.BadParameter(_("{value!r} is not a real date.").format(value=value)) from None
        raise click.BadParameter(_("{value!r} is not a date; use YYYY-MM-DD, DD/MM/YYYY, a month (2025-11, 11/2025) "
                                   "or a year.").format(value=value)) from None


SECTION_CHOICES = ("purpose", "content", "implementation")


def filter_options(fn=None, *, section: bool = True):
    """--type --issuer --number --from --to --year --section --tag, shared by search, list, export.

    ``@filter_options(section=False)`` leaves --section out: export's own --section cuts documents."""
    if fn is None:
        return functools.partial(filter_options, section=section)
    opts = [
        click.option("--type", "doc_type", metavar="TYPE", help='Document type: "Kế hoạch", "ke hoach" or "KH".'),
        click.option("--issuer", metavar="TEXT", help="Words of the issuing body, e.g. \"ubnd thai nguyen\"."),
        click.option("--number", metavar="NUMBER", help="Number and symbol, e.g. 125/KH-UBND."),
        click.option("--from", "date_from", metavar="DATE", callback=_iso_date, help="Issued on or after DATE."),
        click.option("--to", "date_to", metavar="DATE", callback=_iso_date, help="Issued on or before DATE."),
        click.option("--year", type=click.IntRange(1900, 2100), help="Issued in YEAR."),
        *([click.option("--section", type=click.Choice(SECTION_CHOICES), help="Match only inside sections of this kind.")]
          if section else []),
        click.option("--tag", "tags", multiple=True, metavar="TAG", help="Has this tag (repeatable)."),
    ]
    for opt in reversed(opts):
        fn = opt(fn)

    @functools.wraps(fn)
    def wrapper(*args, doc_type, issuer, number, date_from, date_to, year, tags, section=None, **kwargs):
        from ..doctypes import canonical_type
        from ..search.filters import Filters

        if doc_type and canonical_type(doc_type) is None:
            raise click.BadParameter(_("unknown document type {value!r}.").format(value=doc_type), param_hint="--type")
        kwargs["filters"] = Filters(doc_type=doc_type, issuer=issuer, number=number, date_from=date_from,
                                    date_to=date_to, year=year, section=section, tags=tuple(tags))
        return fn(*args, **kwargs)

    return wrapper


def echo_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


class QueryCommand(click.Command):
    """A command whose free words form a query: ``-word`` (not an option of the command) is
    the query's NOT, not a cluster of short options (``-thuế`` would otherwise read as ``-t``)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        params = self.get_params(ctx)
        known = {name for p in params for name in (*p.opts, *p.secondary_opts)}
        # short options that take a value may be glued to it: -n5
        valued = {name for p in params if isinstance(p, click.Option) and not p.is_flag
                  for name in (*p.opts, *p.secondary_opts)}
        out: list[str] = []
        rest = value_next = False
        for arg in args:
            if rest or arg == "--":
                rest = True
                out.append(arg)
                continue
            if value_next:  # `--limit -5`: the option's value, wrong or not, is click's to judge
                out.append(arg)
                value_next = False
                continue
            glued_value = arg[:2] in valued and arg[2:].isdigit()  # -n5 is --limit 5; -nội is NOT nội
            if (arg.startswith("-") and len(arg) > 1 and not arg.startswith("--")
                    and arg not in known and not glued_value):
                out.extend(["NOT", arg[1:]])
            else:
                out.append(arg)
                value_next = arg in valued
        return super().parse_args(ctx, out)
