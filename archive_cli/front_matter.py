"""YAML front matter, read safely: the one reader for imported Markdown and for store files.

python-frontmatter splits the text; its YAML handler is given a guard (the library's documented
way: a handler subclass) that refuses, before PyYAML builds anything:

- anchors and aliases: a few hundred bytes of nested aliases expand to gigabytes ("billion
  laughs"); no front matter we write or a clerk would write needs them;
- more than :data:`MAX_BYTES`, :data:`MAX_TOKENS` tokens or :data:`MAX_DEPTH` levels of nesting.

PyYAML's safe loader then builds plain values only: ``!!python/…`` tags are errors, never run.
"""
from __future__ import annotations

from functools import cache
from typing import Any

from .i18n import _

MAX_BYTES = 64 * 1024
MAX_TOKENS = 20_000
MAX_DEPTH = 32


class FrontMatterError(ValueError):
    """The front matter cannot be read; the message says why in a few words."""


@cache
def _loader():
    """PyYAML's safe loader, in C when PyYAML was built with libyaml (ten times faster)."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _guard(fm: str) -> None:
    import yaml

    if len(fm.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise FrontMatterError(_("the front matter is larger than 64 KB"))
    depth = tokens = 0
    starts = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken, yaml.FlowMappingStartToken,
              yaml.FlowSequenceStartToken)
    ends = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
    try:
        for tok in yaml.scan(fm, Loader=_loader()):
            tokens += 1
            if isinstance(tok, (yaml.AliasToken, yaml.AnchorToken)):
                raise FrontMatterError(_("the front matter uses YAML anchors or aliases, which are not accepted"))
            if isinstance(tok, starts):
                depth += 1
                if depth > MAX_DEPTH:
                    raise FrontMatterError(_("the front matter is nested more than {n} levels deep").format(n=MAX_DEPTH))
            elif isinstance(tok, ends):
                depth -= 1
            if tokens > MAX_TOKENS:
                raise FrontMatterError(_("the front matter has more than {n} YAML tokens").format(n=MAX_TOKENS))
    except yaml.YAMLError as exc:
        raise FrontMatterError(_("the front matter is not valid YAML ({reason})").format(reason=_first_line(exc))) from None


def _first_line(exc: Exception) -> str:
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


@cache
def _handler_class():
    import frontmatter

    class GuardedYAMLHandler(frontmatter.YAMLHandler):
        def load(self, fm: str, **kwargs: object) -> Any:
            _guard(fm)
            kwargs.setdefault("Loader", _loader())
            data = super().load(fm, **kwargs)
            if data is not None and not isinstance(data, dict):
                raise FrontMatterError(_("the front matter is not a mapping of fields"))
            return data

    return GuardedYAMLHandler


def read(text: str) -> tuple[dict[str, Any], str]:
    """(metadata, body) of a text that may start with YAML front matter; ({}, text) when it
    does not. Raises FrontMatterError naming the reason."""
    import frontmatter
    import yaml

    text = text.removeprefix("\ufeff")  # an editor's byte-order mark
    handler = _handler_class()()
    if not handler.detect(text.strip()):
        return {}, text
    try:
        meta, body = frontmatter.parse(text, handler=handler)
    except yaml.YAMLError as exc:
        raise FrontMatterError(_("the front matter is not valid YAML ({reason})").format(reason=_first_line(exc))) from None
    return dict(meta), body
