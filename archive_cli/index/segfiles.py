"""The index's segment files read directly, so that a search process never imports Whoosh.

Importing Whoosh costs every search process about 100 ms (``whoosh.compat`` pulls in
``urllib.request``, ``cached_property`` pulls in ``asyncio``) — more than a search of 10,000
documents itself. A search needs little of it: a term's postings, a field's length column, a few
per-document columns and the stored fields. This module reads those from whoosh-reloaded
2.7.5's ``W3Codec`` files (pinned in setup.cfg): the terms file is Whoosh's ``OrderedHashWriter``
table (D. J. Bernstein's CDB layout with 64-bit pointers), columns are ``VarBytesColumn`` /
``NumericColumn("B")`` data with big-endian trailing arrays, stored fields are zlib-compressed
pickles of plain dicts, posting blocks are read by :func:`.blocks.read_postings`.

What Whoosh keeps in its pickled table of contents — the live segments, their document counts,
deletions and field-length totals — a writer also records as ``manifest_<generation>.json``
(:func:`write_manifest`, called by ``codec.ArchiveWriter`` when it commits). When the newest
table of contents has no manifest (an index from before manifests, or a writer killed between
the two files), :func:`open_files` builds it from Whoosh once and saves it.
"""
from __future__ import annotations

import json
import mmap
import os
import pickle
import re
import struct
from array import array
from bisect import bisect_right
from itertools import accumulate
from pathlib import Path

from .blocks import LITTLE, decode_positions, read_postings, read_values_of, without_deleted

INDEX_NAME = "MAIN"
_TOC = re.compile(r"^_MAIN_([0-9]+)\.toc$")
_MANIFEST = re.compile(r"^manifest_([0-9]+)\.json$")
_MANIFEST_TMP = re.compile(r"^\.manifest_([0-9]+)\.[0-9]+\.tmp$")
#: Bump when the manifest's content changes: an older manifest is rebuilt from the TOC.
MANIFEST_VERSION = 1

_TERMINFO = struct.Struct("!BfIBBfII")
_POINTER = struct.Struct("!Iq")
_LENGTHS = struct.Struct("!ii")
_DIR_ENTRY = struct.Struct("!qi")
_EXTENT = struct.Struct("!qi")

#: Whoosh stores a field's length in one byte; this is the length each byte stands for
#: (``whoosh.util.numeric.byte_to_length``; tests check the two agree).
LENGTH_TABLE = [int(round((pow(1.033, n) - 1) * 27)) for n in range(256)]


class StaleFiles(OSError):
    """The manifest names files a newer commit has since deleted: open again."""


# --- the manifest ------------------------------------------------------------------------------

def manifest_for(schema, segments, generation: int, names: list[str]) -> dict:
    """What a reader needs from Whoosh's table of contents ``generation`` (``schema`` and
    ``segments`` are Whoosh's objects; ``names`` the files in the index folder), as plain JSON
    data. Each segment's files are listed so that a reader can tell a segment whose files a
    newer commit is deleting from one that has no such column."""
    fields = {}
    for name, field in schema.items():
        fmt = getattr(field, "format", None)
        fields[name] = {"scorable": bool(field.scorable),
                        "fixed": fmt.fixed_value_size() if fmt is not None else None}
    out = []
    for seg in segments:
        prefix = seg.segment_id() + "."
        out.append({"id": seg.segment_id(), "docs": seg.doc_count_all(),
                    "deleted": sorted(seg.deleted_docs()),
                    "lengths": dict(getattr(seg, "_fieldlengths", {}) or {}),
                    "files": sorted(n[len(prefix):] for n in names if n.startswith(prefix))})
    return {"version": MANIFEST_VERSION, "generation": generation, "fields": fields, "segments": out}


def write_manifest(folder: Path, manifest: dict) -> None:
    """Save ``manifest`` as ``manifest_<generation>.json``, atomically and durably."""
    gen = manifest["generation"]
    tmp = folder / f".manifest_{gen}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(json.dumps(manifest, separators=(",", ":")).encode("utf-8"))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, folder / f"manifest_{gen}.json")


def drop_manifests_before(folder: Path, gen: int) -> None:
    """Delete the manifests of generations before ``gen`` (its table of contents is written),
    and temporary ones a killed process left for them."""
    for name in os.listdir(folder):
        m = _MANIFEST.match(name) or _MANIFEST_TMP.match(name)
        if m and int(m.group(1)) < gen:
            try:
                os.unlink(folder / name)
            except OSError:
                pass


def _latest(names: list[str], pattern: re.Pattern) -> int | None:
    gens = [int(m.group(1)) for m in map(pattern.match, names) if m]
    return max(gens) if gens else None


def read_manifest(folder: Path) -> dict:
    """The manifest of the newest table of contents in ``folder``; built from Whoosh's table of
    contents (and saved) when there is none or it does not parse."""
    names = os.listdir(folder)
    toc = _latest(names, _TOC)
    if toc is None:
        raise FileNotFoundError(folder / "_MAIN_0.toc")
    if f"manifest_{toc}.json" in names:
        try:
            manifest = json.loads((folder / f"manifest_{toc}.json").read_bytes())
            if manifest.get("version") == MANIFEST_VERSION and manifest.get("generation") == toc:
                return manifest
        except FileNotFoundError:  # a newer commit replaced it: open again
            raise StaleFiles(folder) from None
        except ValueError:  # damaged: rebuilt below
            pass
    from whoosh import index as windex

    try:
        info = windex.open_dir(str(folder))._read_toc()
    except FileNotFoundError:
        raise StaleFiles(folder) from None
    manifest = manifest_for(info.schema, info.segments, info.generation, os.listdir(folder))
    try:
        write_manifest(folder, manifest)
    except OSError:  # a read-only archive: use it without saving
        pass
    return manifest


# --- files -------------------------------------------------------------------------------------

def _map(path: Path):
    """The file's bytes, memory-mapped (bytes for an empty file, which mmap refuses)."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if not size:
            return b""
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def _md5_hash(key: bytes) -> int:
    try:  # CPython's own md5: hashlib would load OpenSSL first (~3 ms of every search)
        from _md5 import md5
    except ImportError:
        from hashlib import md5 as _md5

        def md5(data: bytes):
            return _md5(data, usedforsecurity=False)

    return int.from_bytes(md5(key).digest()[-4:], "big")


def _crc_hash(key: bytes) -> int:
    from zlib import crc32

    return crc32(key) & 0xFFFFFFFF


def _big_endian_array(buf, pos: int, code: str, count: int) -> array:
    a = array(code)
    a.frombytes(buf[pos:pos + count * a.itemsize])
    if LITTLE:
        a.byteswap()
    return a


class TermTable:
    """A segment's terms file: Whoosh's on-disk hash of ``field number + term`` keys to term
    infos, with an ordered array of key positions for walking terms in order."""

    def __init__(self, buf) -> None:
        if buf[:4] != b"HSH3":
            raise ValueError("not a Whoosh terms file")
        self.buf = buf
        # Whoosh's hash types: 0 md5 (what it writes), 1 crc32; its 2 (cdb) fails on bytes
        # keys under Python 3, so no file uses it.
        if buf[4] > 1:
            raise ValueError(f"unknown hash type {buf[4]}")
        self.hash = (_md5_hash, _crc_hash)[buf[4]]
        exptr = len(buf) - 4
        expos = exptr - struct.unpack_from("!i", buf, exptr)[0]
        # pickle.loads stops at the end of the pickle; the key position array follows it.
        extras = pickle.loads(memoryview(buf)[expos:exptr])
        self.fieldmap: dict[str, int] = extras["fieldmap"]
        code, count = extras["indextype"], extras["indexlen"]
        # Key positions are read one at a time while searching: unpacking a million of them
        # up front would cost more than the search.
        self._position = struct.Struct("!" + code)
        self._count = count
        self._base = exptr - count * self._position.size
        dirpos = expos - 256 * _DIR_ENTRY.size
        self.tables = [_DIR_ENTRY.unpack_from(buf, dirpos + i * _DIR_ENTRY.size) for i in range(256)]
        self.endofdata = self.tables[0][0]

    def key(self, field: str, btext: bytes) -> bytes:
        return struct.pack("!H", self.fieldmap.get(field, 65535)) + btext

    def get(self, key: bytes):
        """The value stored under ``key``, or None."""
        buf = self.buf
        h = self.hash(key)
        start, slots = self.tables[h & 255]
        if not slots:
            return None
        slot = (h >> 8) % slots
        for _ in range(slots):
            slothash, pos = _POINTER.unpack_from(buf, start + slot * _POINTER.size)
            if not pos:
                return None
            if slothash == h:
                klen, dlen = _LENGTHS.unpack_from(buf, pos)
                kpos = pos + _LENGTHS.size
                if klen == len(key) and buf[kpos:kpos + klen] == key:
                    return buf[kpos + klen:kpos + klen + dlen]
            slot = (slot + 1) % slots
        return None

    def keys_from(self, prefix: bytes):
        """(key, value) of every key starting with ``prefix``, in key order."""
        buf, count = self.buf, self._count
        size, base, unpack = self._position.size, self._base, self._position.unpack_from
        lo, hi = 0, count
        while lo < hi:  # the first key >= prefix
            mid = (lo + hi) // 2
            pos = unpack(buf, base + mid * size)[0]
            klen = _LENGTHS.unpack_from(buf, pos)[0]
            if buf[pos + 8:pos + 8 + klen] < prefix:
                lo = mid + 1
            else:
                hi = mid
        if lo == count:
            return
        pos = unpack(buf, base + lo * size)[0]
        while pos < self.endofdata:
            klen, dlen = _LENGTHS.unpack_from(buf, pos)
            key = buf[pos + 8:pos + 8 + klen]
            if not key.startswith(prefix):
                return
            yield key, buf[pos + 8 + klen:pos + 8 + klen + dlen]
            pos += 8 + klen + dlen


def _doc_frequency(info: bytes) -> int:
    return _TERMINFO.unpack_from(info)[2]


class VarBytesColumn:
    """A ``VarBytesColumn`` file: the values joined, then their lengths (and, in large segments,
    offsets) as big-endian arrays, then the arrays' type codes."""

    def __init__(self, buf, doccount: int) -> None:
        self.buf = buf
        if not buf:
            self.lengths, self.offsets = [0] * doccount, [0] * doccount
            return
        last = len(buf) - 1
        code = chr(buf[last])
        offsets = None
        if code == "X":
            code, ocode = chr(buf[last - 2]), chr(buf[last - 1])
            start = (last - 2) - doccount * array(ocode).itemsize
            offsets = _big_endian_array(buf, start, ocode, doccount)
            last = start
        start = last - doccount * array(code).itemsize
        self.lengths = _big_endian_array(buf, start, code, doccount)
        self.offsets = offsets if offsets is not None else list(accumulate(self.lengths, initial=0))

    def __getitem__(self, docnum: int) -> bytes:
        n = self.lengths[docnum]
        if not n:
            return b""
        at = self.offsets[docnum]
        return self.buf[at:at + n]


class SegmentFiles:
    """One segment's files, opened (memory-mapped) up front so that a merge deleting them
    afterwards does not disturb this search."""

    def __init__(self, folder: Path, info: dict, offset: int, fields: dict) -> None:
        self.name = info["id"]
        self.doccount: int = info["docs"]
        self.deleted = frozenset(info["deleted"])
        self.offset = offset
        self._fields = fields
        self._files: dict = {}
        try:
            for ext in info["files"]:
                self._files[ext] = _map(folder / f"{self.name}.{ext}")
            if "seg" in self._files:  # Whoosh's compound segments; the archive writes none
                raise ValueError(f"{self.name} is a compound segment")
            self.terms = TermTable(self._files["trm"])
            self._files["pst"]
        except (FileNotFoundError, KeyError):  # a newer commit is deleting this segment
            self.close()
            raise StaleFiles(folder / self.name) from None
        except BaseException:
            self.close()
            raise
        self._lengths: dict[str, bytes] = {}
        self._columns: dict[str, VarBytesColumn] = {}

    def term_info(self, field: str, text: str | bytes):
        btext = text.encode("utf-8") if isinstance(text, str) else text
        return self.terms.get(self.terms.key(field, btext))

    def doc_frequency(self, field: str, text: str | bytes) -> int:
        info = self.term_info(field, text)
        return _doc_frequency(info) if info is not None else 0

    def postings(self, field: str, text: str | bytes, values: bool = False):
        """(ids, weights, values or None) of a term in this segment, deleted documents out."""
        info = self.term_info(field, text)
        if info is None:
            return [], [], [] if values else None
        return self.postings_for(field, info, values)

    def postings_for(self, field: str, info: bytes, values: bool = True):
        if info[0]:  # inlined: a pickled (ids, weights, values) tuple follows the header
            ids, weights, vals = (list(x) for x in pickle.loads(info[_TERMINFO.size:]))
        else:
            offset, length = _EXTENT.unpack_from(info, _TERMINFO.size)
            fixed = self._fields.get(field, {}).get("fixed")
            ids, weights, vals = read_postings(self._files["pst"][offset:offset + length], fixed, values)
        return without_deleted(ids, weights, vals if values else None, self.deleted)

    def values_of(self, field: str, text: str | bytes, docnums: list[int]) -> dict[int, bytes]:
        """The term's posting values (positions) in the given documents (ascending local
        docnums) that hold it; only the blocks holding them are decoded."""
        info = self.term_info(field, text)
        if info is None:
            return {}
        if info[0]:
            ids, _w, vals = pickle.loads(info[_TERMINFO.size:])
            wanted = set(docnums)
            return {d: v for d, v in zip(ids, vals) if d in wanted}
        offset, length = _EXTENT.unpack_from(info, _TERMINFO.size)
        fixed = self._fields.get(field, {}).get("fixed")
        return read_values_of(self._files["pst"][offset:offset + length], fixed, docnums)

    def lexicon(self, field: str):
        """The field's terms (bytes) in order."""
        prefix = self.terms.key(field, b"")
        for key, _info in self.terms.keys_from(prefix):
            yield key[len(prefix):]

    def lengths(self, field: str) -> bytes:
        """One length byte per document (Whoosh's encoding) for a scored field."""
        raw = self._lengths.get(field)
        if raw is None:
            raw = bytes(self._files.get(f"_{field}_len.col", b""))[:self.doccount]
            raw += bytes(self.doccount - len(raw))
            self._lengths[field] = raw
        return raw

    def column(self, name: str) -> VarBytesColumn:
        col = self._columns.get(name)
        if col is None:
            col = self._columns[name] = VarBytesColumn(self._files.get(f"{name}.col", b""), self.doccount)
        return col

    def stored_fields(self, docnum: int) -> dict:
        from zlib import decompress

        raw = self.column("_stored")[docnum]
        return pickle.loads(decompress(raw)) if raw else {}

    def close(self) -> None:
        for f in self._files.values():
            if isinstance(f, mmap.mmap):
                f.close()
        self._files = {}


class IndexFiles:
    """Every live segment of one index folder, with the whole-index statistics BM25F needs."""

    def __init__(self, folder: Path) -> None:
        manifest = read_manifest(folder)
        self.generation: int = manifest["generation"]
        self.fields: dict[str, dict] = manifest["fields"]
        self.segments: list[SegmentFiles] = []
        offset = 0
        try:
            for info in manifest["segments"]:
                self.segments.append(SegmentFiles(folder, info, offset, self.fields))
                offset += info["docs"]
        except BaseException:
            self.close()
            raise
        self.total = offset
        self._starts = [s.offset for s in self.segments]
        self._lengths = {}
        for info in manifest["segments"]:
            for field, n in info["lengths"].items():
                self._lengths[field] = self._lengths.get(field, 0) + n

    def scorable(self, field: str) -> bool:
        return self.fields.get(field, {}).get("scorable", False)

    def doc_frequency(self, field: str, text: str | bytes) -> int:
        """Documents holding the term, deleted ones included (as Whoosh counts)."""
        return sum(s.doc_frequency(field, text) for s in self.segments)

    def field_length(self, field: str) -> int:
        return self._lengths.get(field, 0)

    def _locate(self, docnum: int) -> tuple[SegmentFiles, int]:
        seg = self.segments[bisect_right(self._starts, docnum) - 1]
        return seg, docnum - seg.offset

    def column_value(self, name: str, docnum: int) -> bytes:
        seg, d = self._locate(docnum)
        return seg.column(name)[d]

    def stored_fields(self, docnum: int) -> dict:
        seg, d = self._locate(docnum)
        return seg.stored_fields(d)

    def positions(self, field: str, text: str, docnums) -> dict[int, list[int]]:
        """Where the term stands in each of the given documents (global docnums) that hold
        it."""
        out: dict[int, list[int]] = {}
        by_segment: dict[int, list[int]] = {}
        for d in docnums:
            by_segment.setdefault(bisect_right(self._starts, d) - 1, []).append(d)
        for i, ds in by_segment.items():
            seg = self.segments[i]
            found = seg.values_of(field, text, sorted(d - seg.offset for d in ds))
            out.update((d + seg.offset, decode_positions(v)) for d, v in found.items())
        return out

    def close(self) -> None:
        for s in self.segments:
            s.close()

    def __enter__(self) -> "IndexFiles":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_files(folder: Path, attempts: int = 5) -> IndexFiles:
    """The index in ``folder`` as of its newest commit; a commit deleting files while they are
    being opened makes us open again from the newer manifest."""
    import time

    for attempt in range(attempts):
        try:
            return IndexFiles(folder)
        except StaleFiles:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")
