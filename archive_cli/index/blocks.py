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


def iter_positions(valuestring: bytes):
    """The positions ``terms.CompactPositions`` encodes (their deltas as a little-endian array
    after its one-letter type code), as an iterator; no copies on little-endian machines (the
    engine's phrase loop inlines this)."""
    if not LITTLE:
        return accumulate(from_le_bytes(chr(valuestring[0]), valuestring[1:]))
    return accumulate(memoryview(valuestring)[1:].cast(chr(valuestring[0])))


def decode_positions(valuestring: bytes) -> list[int]:
    """:func:`iter_positions` as a list."""
    return list(iter_positions(valuestring))


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


def _ids_weights(buf: bytes, n: int) -> tuple[array, array, int]:
    """A block's ids and weights, and where its values start."""
    deltas, pos = _read_ints(buf, 1, n)
    ids = array("I", accumulate(deltas))
    code = buf[pos:pos + 1]
    if code == b"N":
        return ids, array("f", [1.0]) * n, pos + 1
    if code == b"f":
        return ids, from_le_bytes("f", buf[pos + 1:pos + 1 + 4 * n]), pos + 1 + 4 * n
    weights, pos = _read_ints(buf, pos, n)
    return ids, weights, pos


def _value_offsets(buf: bytes, pos: int, n: int, fixedsize: int | None):
    """Where each of a block's ``n`` values starts, and where the last ends (n + 1 offsets);
    None when the format has no values."""
    if fixedsize is None or fixedsize < 0:
        lengths, pos = _read_ints(buf, pos, n)
        return list(accumulate(lengths, initial=pos))
    if fixedsize == 0:
        return None
    return range(pos, pos + (n + 1) * fixedsize, fixedsize)


def unpack(buf: bytes, n: int, fixedsize: int | None, values: bool = True) -> tuple:
    """(ids, weights, values) of a block of ``n`` postings, as Whoosh's matcher keeps them;
    values None when not asked for (scoring reads only ids and weights)."""
    ids, weights, pos = _ids_weights(buf, n)
    if not values:
        return ids, weights, None
    offsets = _value_offsets(buf, pos, n, fixedsize)
    if offsets is None:
        return ids, weights, (None,) * n
    return ids, weights, tuple(map(buf.__getitem__, map(slice, offsets, offsets[1:])))


def _blocks(buf: bytes):
    """(postings, last docnum, compressed?, data start, data end) of each block of one term's
    extent of the postings file: Whoosh's 4-byte header, then blocks of [int length][pickled
    info][data], the last with a negative length."""
    import pickle
    import struct
    from io import BytesIO

    f = BytesIO(buf)
    pos, end = 4, len(buf)
    while pos < end:
        length = struct.unpack_from("!i", buf, pos)[0]
        pos += 4
        stop = pos + abs(length)
        f.seek(pos)
        n, maxid, _maxw, comp, _lo, _hi = pickle.load(f)
        yield n, maxid, comp, f.tell(), stop
        pos = stop
        if length < 0:
            break


def _block_data(buf: bytes, comp, start: int, stop: int):
    """A block's data, decompressed: bytes in our encoding, else Whoosh's unpickled tuple."""
    import zlib

    data = buf[start:stop]
    if comp:
        data = zlib.decompress(data)
    if data[:1] == MAGIC:
        return data
    import pickle

    return pickle.loads(data)


def read_postings(buf: bytes, fixedsize: int | None, values: bool = True) -> tuple[list, list, list | None]:
    """Every posting of one term from its extent ``buf`` of the postings file (blocks in either
    encoding); (ids, weights, values) as lists, values None unless asked for."""
    ids: list = []
    weights: list = []
    vals: list = []
    for n, _maxid, comp, start, stop in _blocks(buf):
        data = _block_data(buf, comp, start, stop)
        if isinstance(data, bytes):
            i, w, v = unpack(data, n, fixedsize, values)
        else:
            i, w, v = _unpack_whoosh(data, n, fixedsize)
        ids.extend(i)
        weights.extend(w)
        if values:
            vals.extend(v)
    return ids, weights, (vals if values else None)


def read_values_of(buf: bytes, fixedsize: int | None, wanted: list[int]) -> dict[int, bytes]:
    """The values of the postings of ``wanted`` docnums (ascending) that the term has, from its
    extent ``buf`` as :func:`read_postings` reads it; blocks holding none of them (their
    header names their last docnum) are neither decompressed nor decoded, and of the others
    only the wanted values are cut out."""
    from bisect import bisect_left, bisect_right

    out: dict[int, bytes] = {}
    first = 0
    for n, maxid, comp, start, stop in _blocks(buf):
        if first == len(wanted):
            break
        upto = bisect_right(wanted, maxid, first)
        if upto == first:  # every wanted docnum left is past this block's last one
            continue
        data = _block_data(buf, comp, start, stop)
        if isinstance(data, bytes):
            ids, _w, pos = _ids_weights(data, n)
            offsets = _value_offsets(data, pos, n, fixedsize)
            value = (lambda i: None) if offsets is None else (lambda i: data[offsets[i]:offsets[i + 1]])
        else:
            ids, _w, vals = _unpack_whoosh(data, n, fixedsize)
            value = vals.__getitem__
        for d in wanted[first:upto]:
            i = bisect_left(ids, d)
            if i < n and ids[i] == d:
                out[d] = value(i)
        first = upto
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
