"""The one place user-facing messages pass through, so a Vietnamese translation can follow.

Wrap every message in ``_()``; catalogues would live in ``archive_cli/locale/<lang>/LC_MESSAGES``.
"""
from __future__ import annotations

import gettext
from pathlib import Path

_translation = gettext.translation(
    "archive_cli", localedir=str(Path(__file__).with_name("locale")), fallback=True
)


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)
