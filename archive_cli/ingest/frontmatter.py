"""Front matter read through python-frontmatter with a safe YAML loader only."""
from __future__ import annotations

from typing import Any

from ..errors import IngestError
from ..i18n import _

MAX_FRONT_MATTER = 64 * 1024


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Return (metadata, body). YAML that tries to build objects is refused, never executed."""
    import frontmatter
    import yaml

    if not text.startswith("---"):
        return {}, text
    end = text.find("\n---", 3)
    if end > MAX_FRONT_MATTER:
        raise IngestError(_("the front matter is larger than 64 KB"))
    try:
        # frontmatter's YAMLHandler uses yaml.SafeLoader: !!python tags raise, never run.
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        raise IngestError(_("the front matter is not valid YAML ({reason})").format(reason=first)) from None
    meta = dict(post.metadata)
    if not isinstance(post.metadata, dict):
        raise IngestError(_("the front matter is not a mapping of fields"))
    return meta, post.content
