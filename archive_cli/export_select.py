"""What an export writes and where: the documents (named, or chosen by a search, filters or
--all), the part of each (whole, or cut to sections), and the kind of target (stdout, one file,
a folder).

The rule (issue 17): REFs name documents and nothing adds to them; filters, a query or --all
choose documents only when no REF is given. Section selectors cut each document to those
sections; when documents are chosen rather than named, only the documents that have at least
one of the sections are kept.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import NotFound, UsageProblem
from .i18n import _
from .model import Document, Section

if TYPE_CHECKING:
    from .archive import Archive
    from .search.filters import Filters


@dataclass
class ExportPart:
    """One document of an export; ``sections`` None means the whole document."""

    doc: Document
    sections: list[Section] | None = None
    selectors: tuple[str, ...] = ()


def choose(arch: Archive, refs: list[str] | tuple[str, ...], *, selectors: tuple[str, ...] = (),
           query: str | None = None, filters: Filters | None = None,
           everything: bool = False) -> list[ExportPart]:
    """The documents (and parts) an export writes, in order, each once."""
    from .search.filters import Filters
    from .views import select_sections

    filters = filters or Filters()
    choosing = bool(everything or query or not filters.is_empty())
    if refs and choosing:
        raise UsageProblem(_("REFs name the documents to export; --all, --query and filters choose documents "
                             "only when no REF is given: use one or the other."))
    if not refs and not choosing:
        raise UsageProblem(_("Name documents to export: REF…, --all, --query or a filter."))
    if refs:
        ids = list(dict.fromkeys(arch.resolve(r) for r in refs))
        parts = []
        for i in ids:
            doc = arch.get(i)
            # a named document without the asked-for section is an error, as in `show`
            parts.append(ExportPart(doc, select_sections(doc, selectors), selectors) if selectors
                         else ExportPart(doc))
        return parts
    if query:
        from .vocabulary import canonical

        kinds = [k for k in (canonical("kind", s) for s in selectors) if k]
        if len(kinds) == 1 == len(selectors) and not filters.section:
            # "--query X --section implementation": X must be found inside that section
            from dataclasses import replace

            filters = replace(filters, section=kinds[0])
        res = arch.search(query, filters=filters, limit=10**6, snippets=False, suggest=False)
        ids = [h.id for h in res.hits]
    else:
        ids = [h.id for h in arch.list(filters)]
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise NotFound(_("No documents match; nothing was exported."))
    parts = []
    for i in ids:
        doc = arch.get(i)
        if not selectors:
            parts.append(ExportPart(doc))
            continue
        found = _sections_it_has(doc, selectors)
        if found:
            parts.append(ExportPart(doc, found, selectors))
    if not parts:
        raise NotFound(_("None of the {n} matching documents has section {sel}; nothing was exported.").format(
            n=len(ids), sel=" / ".join(repr(s) for s in selectors)))
    return parts


def _sections_it_has(doc: Document, selectors: tuple[str, ...]) -> list[Section]:
    from .sections import is_preamble
    from .views import select_sections

    out: list[Section] = []
    for sel in selectors:
        if is_preamble(sel) and not doc.parsed.preamble.strip():
            continue
        try:
            out.extend(select_sections(doc, (sel,)))
        except NotFound:
            continue
    return out


def target_kind(output: str | None, count: int) -> str:
    """"stdout", "file" or "folder" for ``-o OUTPUT`` and ``count`` documents.

    A folder is a path that is one already or ends with a separator; a file cannot hold several
    documents, so naming one for several is a usage error (never a folder made under a file's name)."""
    if output in (None, "-"):
        return "stdout"
    if output.endswith(("/", os.sep)) or os.path.isdir(output):
        return "folder"
    if count > 1:
        raise UsageProblem(_("-o {path} names a file, but {n} documents are exported; give a folder "
                             "(an existing folder, or a path ending with /).").format(path=output, n=count))
    return "file"
