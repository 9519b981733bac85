"""The one place user-facing messages pass through: English message ids, Vietnamese catalog.

The catalog is ``archive_cli/locale/vi/LC_MESSAGES/archive_cli.mo``, read with the standard
library's :mod:`gettext` (Babel builds it; it is never imported at run time). It holds click's
own messages too ("Usage:", "Show this message and exit."): click looks them up through
gettext's global domain, which :func:`use` binds to ours, as the REUSE tool does.

The language: ``--lang``, else ``ARCHIVE_LANG``, else the locale (``LANGUAGE``, ``LC_ALL``,
``LC_MESSAGES``, ``LANG``; on Windows the user's display language), else English.
"""
from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "archive_cli"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = ("en", "vi")
DEFAULT = "en"
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def N_(message: str) -> str:
    """Marks ``message`` for the catalog without translating it yet (option help, read later)."""
    return message


def language_of(value: str | None) -> str | None:
    """``vi`` or ``en`` for a language or locale name (``vi_VN.UTF-8``, ``en``, ``C``), else None."""
    if not value:
        return None
    base = value.strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    if base in ("c", "posix"):
        return "en"
    return base if base in LANGUAGES else None


def _windows_language() -> str | None:
    """The user's display language on Windows (no locale variables there)."""
    if os.name != "nt":
        return None
    try:
        import ctypes
        import locale

        lcid = ctypes.windll.kernel32.GetUserDefaultUILanguage()
        return language_of(locale.windows_locale.get(lcid))
    except (AttributeError, OSError, ValueError):
        return None


def _from_argv(argv: list[str]) -> str | None:
    """The value of ``--lang`` on a command line, read before click parses it."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return language_of(argv[i + 1])
        if arg.startswith("--lang="):
            return language_of(arg.split("=", 1)[1])
    return None


def detect(environ=None, argv: list[str] | None = None) -> str:
    """The language to speak: ``--lang`` in ``argv``, ``ARCHIVE_LANG``, the locale, English."""
    env = os.environ if environ is None else environ
    chosen = _from_argv(argv or []) or language_of(env.get("ARCHIVE_LANG"))
    if chosen:
        return chosen
    for name in _LOCALE_VARIABLES:  # gettext's order: the first one set decides
        value = env.get(name)
        if value:
            for part in value.split(":"):  # LANGUAGE may list several: the first we know
                lang = language_of(part)
                if lang:
                    return lang
            return DEFAULT
    return _windows_language() or DEFAULT


def _load(lang: str) -> gettext.NullTranslations:
    if lang == DEFAULT:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True)


_language = detect()
_translation = _load(_language)


def language() -> str:
    """The language messages are in now: ``en`` or ``vi``."""
    return _language


def use(lang: str) -> None:
    """Speak ``lang`` from now on, click's messages included, and in the processes this one
    starts (import workers): set ``ARCHIVE_LANG``, and ``LANGUAGE``, which gettext's global
    functions (click's) read."""
    global _language, _translation
    lang = language_of(lang) or DEFAULT
    _language, _translation = lang, _load(lang)
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["ARCHIVE_LANG"] = lang
    os.environ["LANGUAGE"] = lang


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)
