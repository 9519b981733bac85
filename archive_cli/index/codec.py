"""The Whoosh codec our writers use: a term found in only one document keeps its posting in
the term dictionary ("inlined") instead of a posting block of its own.

Most terms of a document archive are rare (names, numbers, bigrams), and writing a compressed
block per rare term was half of the commit time. whoosh-reloaded 2.7.5 has the feature but
calls ``W3TermInfo.set_inline`` where the method is named ``set_inlined``, so it crashes unless
the limit stays at its default of 1 (off); the alias below mends that one name. Reading inlined
postings needs nothing: the reader side already handles them.
"""
from __future__ import annotations

INLINE_LIMIT = 2  # posting lists shorter than this are inlined: exactly the single-document ones


def writer_codec():
    from whoosh.codec.whoosh3 import W3Codec, W3TermInfo

    if not hasattr(W3TermInfo, "set_inline"):
        W3TermInfo.set_inline = W3TermInfo.set_inlined
    return W3Codec(inlinelimit=INLINE_LIMIT)
