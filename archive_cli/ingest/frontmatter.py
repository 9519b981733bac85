"""Front matter of an imported Markdown file, read by :mod:`archive_cli.front_matter`."""
from __future__ import annotations

from typing import Any

from ..errors import IngestError


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return (metadata, body). YAML that tries to build objects, or to expand aliases, is
    refused, never executed."""
    from ..front_matter import FrontMatterError, read

    try:
        return read(text)
    except FrontMatterError as exc:
        raise IngestError(str(exc)) from None
