"""Where an archive lives: a folder path, or a ``postgresql://`` URL naming a server archive.

Pure functions, no database driver: the CLI decides with these which kind of archive to open,
and every message that names a server archive names it through :func:`redact`, so a password
written in the URL is never printed (errors, ``--debug``, ``stats``).
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SCHEMES = ("postgresql", "postgres")
_SECRET_PARAMS = {"password", "sslpassword"}


def is_server_url(value: object) -> bool:
    """Whether ``value`` names a server archive (``postgresql://…`` or ``postgres://…``)."""
    text = str(value or "")
    return any(text.lower().startswith(f"{s}://") for s in SCHEMES)


def redact(url: str) -> str:
    """The URL with any password replaced by ``***`` (in the user part and in the query's
    ``password=``); everything else, including ``sslmode`` and other options, as written."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"//[^@/]*@", "//***@", url)
    netloc = parts.netloc
    if "@" in netloc:
        user, _sep, host = netloc.rpartition("@")
        if ":" in user:
            user = user.split(":", 1)[0] + ":***"
        netloc = f"{user}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(k in _SECRET_PARAMS for k, _v in pairs):
            query = urlencode([(k, "***" if k in _SECRET_PARAMS else v) for k, v in pairs], safe="*/:")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def secrets_of(url: str) -> list[str]:
    """The passwords written in ``url`` (decoded and as written), to scrub from any text."""
    from urllib.parse import unquote

    out = []
    try:
        parts = urlsplit(url)
    except ValueError:
        return out
    if parts.password:
        out += [parts.password, unquote(parts.password)]
    for k, v in parse_qsl(parts.query, keep_blank_values=True):
        if k in _SECRET_PARAMS and v:
            out.append(v)
    return [s for s in dict.fromkeys(out) if s]


def scrub(text: str, url: str) -> str:
    """``text`` with the URL shown redacted and any of its passwords removed."""
    text = text.replace(url, redact(url))
    for secret in secrets_of(url):
        text = text.replace(secret, "***")
    return text
