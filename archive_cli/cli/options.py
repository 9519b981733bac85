"""Options shared by several commands, and the per-invocation context."""
from __future__ import annotations

import contextlib
import functools
import inspect
import json
from dataclasses import dataclass
from pathlib import Path

import click

from .. import i18n
from ..i18n import N_, _


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


#: Metavars click makes from names and types, shown in usage lines and option lists: marked
#: here for the catalog, translated when shown.
METAVARS = (N_("[OPTIONS]"), N_("COMMAND [ARGS]..."), N_("QUERY..."), N_("PATHS..."), N_("REF"),
            N_("REFS..."), N_("[REFS]..."), N_("INTEGER"), N_("INTEGER RANGE"), N_("FLOAT RANGE"))


class IntRange(click.IntRange):
    """click's IntRange, named in the interface's language ("'abc' is not a valid integer range")."""

    @property
    def name(self) -> str:
        return _("integer range")

    def get_metavar(self, param, ctx=None) -> str:
        return _("INTEGER RANGE")


class FloatRange(click.FloatRange):
    @property
    def name(self) -> str:
        return _("float range")

    def get_metavar(self, param, ctx=None) -> str:
        return _("FLOAT RANGE")


def help_text(text: str) -> str:
    """A help text (a docstring, an option's help) in the interface's language. Its message id
    is the text as click shows it (cleaned of indentation), with click's no-rewrap mark ``\\b``
    written as the two characters backslash and b, so the catalog holds no control character."""
    key = inspect.cleandoc(text).replace("\b", "\\b")
    return _(key).replace("\\b", "\b")


class Translated:
    """A command or group whose help texts (English: the message ids) are shown in the language
    chosen when they are shown, since ``--lang`` is read after the commands were built: its
    docstring and usage line, and its parameters' help and metavars."""

    @contextlib.contextmanager
    def _speaking(self, ctx=None):
        saved: list[tuple[object, str, object]] = [(self, "help", self.help),
                                                   (self, "options_metavar", self.options_metavar)]
        if isinstance(self, click.Group):
            saved.append((self, "subcommand_metavar", self.subcommand_metavar))
        for p in self.params:
            saved.append((p, "metavar", p.metavar))
            if isinstance(p, click.Option):
                saved.append((p, "help", p.help))
        helper = self.get_help_option(ctx) if ctx is not None else None
        if helper is not None:  # click makes it once per command, in the language of that moment
            saved.append((helper, "help", helper.help))
        metavars = {}
        if ctx is not None:  # what click would show, before anything is swapped
            for p in self.params:
                if p.metavar is None and not isinstance(p.type, (Term, click.Choice)) and not getattr(p, "is_flag", False):
                    metavars[p] = p.make_metavar(ctx)
        try:
            for obj, attr, value in saved:
                if value:
                    setattr(obj, attr, help_text(value) if attr == "help" else _(value))
            for p, metavar in metavars.items():
                p.metavar = _(metavar)
            if helper is not None:
                helper.help = _("Show this message and exit.")
            yield
        finally:
            for obj, attr, value in saved:
                setattr(obj, attr, value)

    def format_help(self, ctx, formatter):
        with self._speaking(ctx):
            return super().format_help(ctx, formatter)

    def format_usage(self, ctx, formatter):
        with self._speaking(ctx):
            return super().format_usage(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with self._speaking():
            return super().get_short_help_str(limit)


class Command(Translated, click.Command):
    pass


class Term(click.ParamType):
    """A choice among canonical English names (``implementation``) that a clerk may type in
    Vietnamese, with or without diacritics, in any case (``tổ chức thực hiện``,
    ``to-chuc-thuc-hien``). The value is the canonical name, whatever the language."""

    def __init__(self, field: str, only: tuple[str, ...] | None = None) -> None:
        from ..vocabulary import canonical_names

        self.field = field
        self.choices = only or canonical_names(field)
        self.name = field

    def get_metavar(self, param, ctx=None) -> str:
        from ..vocabulary import label

        return "[" + "|".join(label(self.field, c, joined=True) for c in self.choices) + "]"

    def convert(self, value, param, ctx):
        from ..vocabulary import canonical, label

        found = canonical(self.field, value)
        if found not in self.choices:
            self.fail(_("{value!r} is not one of {choices}.").format(
                value=value, choices=", ".join(label(self.field, c) for c in self.choices)), param, ctx)
        return found

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        return [CompletionItem(c) for c in self.choices if c.startswith(incomplete)]


def _machine_output(ctx, param, value):
    """--json: scripts read the same bytes whatever the language, so messages that end up in
    the JSON (an import's error, a check's problem) are English."""
    if value:
        i18n.use("en")
    return value


def json_option(fn):
    return click.option("--json", "as_json", is_flag=True, callback=_machine_output, is_eager=True,
                        help="Machine-readable JSON on stdout (its messages in English).")(fn)


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
        click.option("--year", type=IntRange(1900, 2100), help="Issued in YEAR."),
        *([click.option("--section", type=Term("kind", SECTION_CHOICES),
                     help="Match only inside sections of this kind (Vietnamese names work too).")]
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


class QueryCommand(Command):
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
