"""When a commit merges segments: a tiered policy, given to Whoosh's ``commit(mergetype=…)``.

Each import commits a segment. Whoosh's default policy (MERGE_SMALL) merges only segments of a
few documents, so an archive fed a few hundred documents every night would gather a segment a
night, and every search pays per segment. Here segments are grouped by size in tiers of powers
of :data:`FACTOR` (1–9 documents, 10–99, 100–999 …); when a tier holds FACTOR segments, they are
merged into the one being committed. Each document is so rewritten about once per tier, and an
archive keeps at most ~FACTOR segments per tier. Segments whose documents were all removed are
merged away (dropped) at once.
"""
from __future__ import annotations

FACTOR = 10


def tier(live_documents: int) -> int:
    """The size tier of a segment: how many digits its document count has, less one."""
    return len(str(max(live_documents, 1))) - 1


def merge_tiers(writer, segments: list) -> list:
    """A Whoosh merge policy: add the segments to merge to ``writer`` (``add_reader``) and
    return the ones that stay as they are."""
    from whoosh.reading import SegmentReader

    tiers: dict[int, list] = {}
    for seg in segments:
        tiers.setdefault(tier(seg.doc_count()), []).append(seg)
    merge = [seg for segs in tiers.values() if len(segs) >= FACTOR for seg in segs]
    merge += [seg for seg in segments if seg.doc_count() == 0 and seg not in merge]
    for seg in merge:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    return [seg for seg in segments if seg not in merge]
