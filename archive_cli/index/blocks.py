"""A compact encoding of Whoosh's posting blocks, written and read by ``codec.ArchiveCodec``.

Whoosh 2.7.5 pickles each block of up to 128 postings with protocol 2 as tuples of Python
objects: an int per id (2–5 bytes), a 9-byte float per weight, and each value as a
``_codecs.encode`` call around a string. zlib then claws some of it back. Here a block is
machine arrays in the smallest item size that holds them — id deltas, weights (usually small
whole term counts), value lengths — and the values joined (arrays little-endian), decoded with ``array.frombytes`` and
``itertools.accumulate`` at C speed. Only the block data changes; the block header, term info and
every other file are Whoosh's own. A block that starts with a pickle opcode is Whoosh's format
and is read Whoosh's way, so segments written before keep working.
"""
from __future__ import annotations

import sys
from array import array
from itertools import accumulate
from operator import sub

MAGIC = b"\x01"
#: Arrays are stored little-endian whatever the machine, so an archive can move between machines.
LITTLE = sys.byteorder == "little"


def le_bytes(a: array) -> bytes:
    """``a``'s items as little-endian bytes."""
    if not LITTLE:
        a = array(a.typecode, a)
        a.byteswap()
    return a.tobytes()


def from_le_bytes(code: str, raw) -> array:
    """The array of ``code`` items stored little-endian in ``raw``."""
    a = array(code)
    a.frombytes(raw)
    if not LITTLE:
        a.byteswap()
    return a


def decode_positions(valuestring: bytes) -> list[int]:
    """The positions ``terms.CompactPositions`` encodes: their deltas as a little-endian array
    after its one-letter type code."""
    return list(accumulate(from_le_bytes(chr(valuestring[0]), valuestring[1:])))


def iter_positions(valuestring: bytes):
    """:func:`decode_positions` as an iterator (no copies; the engine's phrase loop inlines
    this)."""
    if not LITTLE:
        return iter(decode_positions(valuestring))
    return accumulate(memoryview(valuestring)[1:].cast(chr(valuestring[0])))


def _code(top: int) -> str:
    return "B" if top < 256 else "H" if top < 65536 else "I"


def _ints(values) -> bytes:
    code = _code(max(values, default=0))
    return code.encode() + le_bytes(array(code, values))


def _read_ints(buf: bytes, pos: int, n: int) -> tuple[array, int]:
    code = chr(buf[pos])
    end = pos + 1 + n * array(code).itemsize
    return from_le_bytes(code, buf[pos + 1:end]), end


def _whole(weights: list) -> list[int] | None:
    """The weights as ints when all are whole numbers in [0, 65536), else None."""
    try:
        whole = list(map(int, weights))
    except (OverflowError, ValueError):  # inf, nan
        return None
    if whole != weights or (whole and (min(whole) < 0 or max(whole) >= 65536)):
        return None
    return whole


def pack(ids, weights, values, fixedsize: int | None) -> bytes | None:
    """One block: ``ids`` ascending docnums, ``weights`` floats, ``values`` the non-empty value
    strings (Whoosh keeps only those), ``fixedsize`` the format's fixed value size (None: any).
    None when the block does not fit this encoding (values missing for some postings)."""
    variable = fixedsize is None or fixedsize < 0
    if (variable or fixedsize > 0) and len(values) != len(ids):
        return None
    # Maps and C-level comparisons, not a generator step per posting: the writer packs every
    # posting of every term once per flush and once per merge.
    deltas = [ids[0], *map(sub, ids[1:], ids[:-1])]
    parts = [MAGIC, _ints(deltas)]
    weights = list(weights)
    whole = _whole(weights)
    if weights.count(1.0) == len(weights):
        parts.append(b"N")
    elif whole is not None:
        parts.append(_ints(whole))
    else:
        parts.append(b"f" + le_bytes(array("f", weights)))
    if variable:
        parts.append(_ints(list(map(len, values))))
        parts.append(b"".join(values))
    elif fixedsize > 0:
        parts.append(b"".join(values))
    return b"".join(parts)


def unpack(buf: bytes, n: int, fixedsize: int | None, values: bool = True) -> tuple:
    """(ids, weights, values) of a block of ``n`` postings, as Whoosh's matcher keeps them;
    values None when not asked for (scoring reads only ids and weights)."""
    deltas, pos = _read_ints(buf, 1, n)
    ids = array("I", accumulate(deltas))
    code = buf[pos:pos + 1]
    if code == b"N":
        weights = array("f", [1.0]) * n
        pos += 1
    elif code == b"f":
        weights = from_le_bytes("f", buf[pos + 1:pos + 1 + 4 * n])
        pos += 1 + 4 * n
    else:
        weights, pos = _read_ints(buf, pos, n)
    if not values:
        return ids, weights, None
    if fixedsize is None or fixedsize < 0:
        lengths, pos = _read_ints(buf, pos, n)
        offsets = list(accumulate(lengths, initial=pos))
        vals = tuple(map(buf.__getitem__, map(slice, offsets, offsets[1:])))
    elif fixedsize == 0:
        vals = (None,) * n
    else:
        vals = tuple(buf[pos + i:pos + i + fixedsize] for i in range(0, n * fixedsize, fixedsize))
    return ids, weights, vals


def read_postings(buf: bytes, fixedsize: int | None, values: bool = True) -> tuple[list, list, list | None]:
    """Every posting of one term: ``buf`` is the term's whole extent of the postings file
    (Whoosh's 4-byte header, then blocks of [int length][pickled info][data], the last with a
    negative length). Blocks in either encoding; (ids, weights, values) as lists, values None
    unless asked for."""
    import pickle
    import struct
    import zlib
    from io import BytesIO

    ids: list = []
    weights: list = []
    vals: list = []
    f = BytesIO(buf)
    pos, end = 4, len(buf)
    while pos < end:
        length = struct.unpack_from("!i", buf, pos)[0]
        pos += 4
        stop = pos + abs(length)
        f.seek(pos)
        n, _maxid, _maxw, comp, _lo, _hi = pickle.load(f)
        data = buf[f.tell():stop]
        if comp:
            data = zlib.decompress(data)
        if data[:1] == MAGIC:
            i, w, v = unpack(data, n, fixedsize, values)
        else:
            i, w, v = _unpack_whoosh(pickle.loads(data), n, fixedsize)
        ids.extend(i)
        weights.extend(w)
        if values:
            vals.extend(v)
        pos = stop
        if length < 0:
            break
    return ids, weights, (vals if values else None)


def _values_of(buf: bytes, n: int, fixedsize: int | None, wanted: list[int]) -> dict[int, bytes]:
    """:func:`unpack`'s values for the ``wanted`` docnums only (the few a re-rank asks for)."""
    from bisect import bisect_left

    deltas, pos = _read_ints(buf, 1, n)
    ids = array("I", accumulate(deltas))
    code = buf[pos:pos + 1]
    if code == b"N":
        pos += 1
    elif code == b"f":
        pos += 1 + 4 * n
    else:
        pos += 1 + n * array(chr(buf[pos])).itemsize
    found = []
    for d in wanted:
        i = bisect_left(ids, d)
        if i < n and ids[i] == d:
            found.append((d, i))
    if fixedsize is None or fixedsize < 0:
        lengths, pos = _read_ints(buf, pos, n)
        starts = list(accumulate(lengths, initial=pos))
        return {d: buf[starts[i]:starts[i + 1]] for d, i in found}
    if fixedsize == 0:
        return {d: None for d, _i in found}
    return {d: buf[pos + i * fixedsize:pos + (i + 1) * fixedsize] for d, i in found}


def read_values_of(buf: bytes, fixedsize: int | None, wanted: list[int]) -> dict[int, bytes]:
    """The values of the postings of ``wanted`` docnums (ascending) that the term has, from its
    extent ``buf`` as :func:`read_postings` reads it; blocks holding none of them (their
    header names their last docnum) are neither decompressed nor decoded."""
    import pickle
    import struct
    import zlib
    from bisect import bisect_left, bisect_right
    from io import BytesIO

    out: dict[int, bytes] = {}
    f = BytesIO(buf)
    pos, end, first = 4, len(buf), 0
    while pos < end and first < len(wanted):
        length = struct.unpack_from("!i", buf, pos)[0]
        pos += 4
        stop = pos + abs(length)
        f.seek(pos)
        n, maxid, _maxw, comp, _lo, _hi = pickle.load(f)
        upto = bisect_right(wanted, maxid, first)
        if upto > first:  # some wanted docnum is at most this block's last one
            data = buf[f.tell():stop]
            if comp:
                data = zlib.decompress(data)
            if data[:1] == MAGIC:
                out.update(_values_of(data, n, fixedsize, wanted[first:upto]))
            else:
                ids, _w, vals = _unpack_whoosh(pickle.loads(data), n, fixedsize)
                for d in wanted[first:upto]:
                    i = bisect_left(ids, d)
                    if i < n and ids[i] == d:
                        out[d] = vals[i]
            first = upto
        pos = stop
        if length < 0:
            break
    return out


def without_deleted(ids: list, weights: list, vals: list | None, deleted) -> tuple[list, list, list | None]:
    """A term's postings (values None when not read) without those of ``deleted`` docnums."""
    if deleted:
        keep = [i for i, d in enumerate(ids) if d not in deleted]
        ids = [ids[i] for i in keep]
        weights = [weights[i] for i in keep]
        if vals is not None:
            vals = [vals[i] for i in keep]
    return ids, weights, vals


def _unpack_whoosh(data: tuple, n: int, fixedsize: int | None) -> tuple:
    """A block in Whoosh's own pickled form, decoded as ``W3LeafMatcher`` does."""
    raw_ids, raw_weights, raw_values = data
    ids = list(accumulate(raw_ids))
    if raw_weights is None:
        weights = [1.0] * n
    elif isinstance(raw_weights, float):
        weights = [raw_weights] * n
    else:
        weights = list(raw_weights)
    if fixedsize is None or fixedsize < 0:
        values = list(raw_values)
    elif fixedsize == 0:
        values = [None] * n
    else:
        values = [raw_values[i:i + fixedsize] for i in range(0, n * fixedsize, fixedsize)]
    return ids, weights, values
