"""Whether the index's files are still what Whoosh wrote: a checksum of each, taken at commit.

Whoosh keeps no checksums, and much damage reads as valid data: a garbled byte in a length
column changes scores, a truncated terms table makes words silently unfindable. After each
commit the engine seals the generation folder: ``CHECKSUMS.json`` lists the SHA-256 of every
file in it. Whoosh never changes a file once written (a commit adds segment files and a new
table of contents and deletes what it merged), so only new files are hashed at a commit, and
``check`` can tell any damaged, missing or truncated file by hashing them again. The files are
hashed as bytes; nothing here reads Whoosh's formats.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ...fsutil import atomic_write
from ...i18n import _

MANIFEST = "CHECKSUMS.json"


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.name != MANIFEST and not p.name.endswith("LOCK") and not p.name.startswith("."))


def read_manifest(folder: Path) -> dict[str, str] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def seal(folder: Path) -> None:
    """Record the checksum of every file in ``folder`` (after a commit, under the write lock);
    files already listed keep their recorded checksum."""
    known = read_manifest(folder) or {}
    current = {}
    for p in _files(folder):
        current[p.name] = known.get(p.name) or _digest(p)
    atomic_write(folder / MANIFEST, json.dumps(current, sort_keys=True).encode("utf-8"))


def damage(folder: Path) -> list[str]:
    """What is wrong with the sealed files of ``folder``: one sentence each; [] when nothing."""
    manifest = read_manifest(folder)
    if manifest is None:
        return [_("the index's checksum list {path} is missing or damaged").format(path=folder / MANIFEST)]
    out = []
    for name, digest in sorted(manifest.items()):
        path = folder / name
        try:
            if _digest(path) != digest:
                out.append(_("the index file {path} has changed since it was written").format(path=path))
        except FileNotFoundError:
            out.append(_("the index file {path} is missing").format(path=path))
        except OSError as exc:
            out.append(_("the index file {path} cannot be read ({reason})").format(path=path, reason=exc.strerror or exc))
    return out


def toc_damage(folder: Path) -> str | None:
    """Whether a table of contents (``*.toc``) differs from its sealed checksum: one sentence,
    or None. Checked before Whoosh opens the index: a TOC holds the pickled schema, and a
    garbled pickle can make the unpickler allocate gigabytes (a memo index read from the
    damage) before it fails. TOCs are small, so this costs little; a TOC not yet sealed (a
    writer is committing) is not judged."""
    manifest = read_manifest(folder) or {}
    for name, digest in sorted(manifest.items()):
        if not name.endswith(".toc"):
            continue
        path = folder / name
        try:
            if _digest(path) != digest:
                return _("the index file {path} has changed since it was written").format(path=path)
        except FileNotFoundError:
            continue  # merged away by a later commit
        except OSError as exc:
            return _("the index file {path} cannot be read ({reason})").format(path=path, reason=exc.strerror or exc)
    return None
