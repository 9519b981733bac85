"""Maintain the message catalogs with Babel (run from a checkout; Babel is a dev/test tool).

    python -m tools.i18n update    # extract ours + click's messages → .pot, merge into vi .po
    python -m tools.i18n compile   # vi .po → .mo (what the program reads, with gettext)
    python -m tools.i18n check     # untranslated, fuzzy or placeholder-mismatched entries

After ``update``, translate the entries the .po marks new or fuzzy (docs/i18n.md, with the
glossary), then ``compile`` and ``check``. Click's own messages ("Usage:", "No such option") are
extracted from the installed click, as the REUSE tool does, and live in the same catalog.
"""
from __future__ import annotations

import ast
import inspect
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "archive_cli"
LOCALE = PACKAGE / "locale"
DOMAIN = "archive_cli"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
LANGUAGES = ("vi",)
#: keyword arguments of click decorators that hold text a person reads
_HELP_KEYWORDS = ("help", "metavar", "short_help", "epilog")
_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:![rsa])?(?::[^{}]*)?\}")


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def extract_cli(fileobj, keywords, comment_tags, options):
    """Babel extraction method for the command modules: what the ``python`` method finds
    (``_()``, ``ngettext()``), plus each command's docstring (cleaned as click shows it) and the
    ``help=`` and ``metavar=`` text of its options, which the CLI translates when it shows them."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    import io

    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    tree = ast.parse(source.decode("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(_is_command_decorator(d) for d in node.decorator_list):
            doc = ast.get_docstring(node, clean=True)
            if doc:  # click's no-rewrap mark \b as the characters backslash, b (cli/options.py)
                yield node.body[0].lineno, None, doc.replace("\b", "\\b"), []
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg in _HELP_KEYWORDS and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    text = kw.value.value if kw.arg == "metavar" else inspect.cleandoc(kw.value.value)
                    if text:
                        yield kw.value.lineno, None, text, []


def _is_command_decorator(node) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name in ("command", "group")


def _click_dir() -> Path:
    import click

    return Path(click.__file__).parent


def extract():
    """A fresh template: this package's messages, then click's."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    keywords = dict(DEFAULT_KEYWORDS) | {"N_": None}
    catalog = Catalog(project="archive-cli", domain=DOMAIN, charset="utf-8")
    sources = [
        (PACKAGE, [("cli/**.py", "tools.i18n:extract_cli"), ("**.py", "python")], "archive_cli"),
        (_click_dir(), [("**.py", "python")], "click"),
    ]
    for folder, method_map, prefix in sources:
        for filename, lineno, message, comments, context in extract_from_dir(
                str(folder), method_map, keywords=keywords, strip_comment_tags=True):
            catalog.add(message, None, [(f"{prefix}/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def update() -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    template = extract()
    if TEMPLATE.exists():  # nothing changed: keep the template's date, so the files do not churn
        with TEMPLATE.open("rb") as f:
            before = read_po(f)
        if _contents(before) == _contents(template):
            template.creation_date = before.creation_date
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    with TEMPLATE.open("wb") as f:
        write_po(f, template, width=100, omit_header=False)
    for lang in LANGUAGES:
        path = po_path(lang)
        if path.exists():
            with path.open("rb") as f:
                catalog = read_po(f, locale=lang, domain=DOMAIN)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=lang, domain=DOMAIN, project="archive-cli", charset="utf-8")
        catalog.update(template, update_header_comment=False)
        with path.open("wb") as f:
            write_po(f, catalog, width=100, ignore_obsolete=True)
        print(f"updated {path.relative_to(REPO)}: {len(catalog)} messages")


def _contents(catalog) -> list:
    return [(m.id, m.context, sorted(m.locations), sorted(m.auto_comments)) for m in catalog if m.id]


def compiled(lang: str):
    """The catalog ``lang``'s .po holds, as it would be compiled (fuzzy entries left out)."""
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def compile_() -> None:
    from babel.messages.mofile import write_mo

    for lang in LANGUAGES:
        catalog = compiled(lang)
        with mo_path(lang).open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        print(f"compiled {mo_path(lang).relative_to(REPO)}")


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def problems(lang: str) -> list[str]:
    """Entries that would show English or break a ``.format()``: untranslated, fuzzy, or with
    other ``{placeholders}`` than the English."""
    out = []
    for message in compiled(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        name = ids[0][:60]
        if message.fuzzy:
            out.append(f"fuzzy: {name!r}")
        if not all(strings):
            out.append(f"untranslated: {name!r}")
            continue
        # Vietnamese has one plural form: it says what the English plural says
        want = placeholders(ids[-1])
        for s in strings:
            if placeholders(s) != want:
                out.append(f"placeholders differ: {name!r}: {sorted(want)} vs {sorted(placeholders(s))}")
    return out


def check() -> int:
    bad = [p for lang in LANGUAGES for p in problems(lang)]
    for line in bad:
        print(line)
    print(f"{len(bad)} problems")
    return 1 if bad else 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("update", "compile", "check"):
        print(__doc__)
        return 2
    if argv[0] == "update":
        update()
    elif argv[0] == "compile":
        compile_()
    else:
        return check()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
