"""Plan nodes (:mod:`archive_cli.index.plan`) compiled into ``whoosh.query`` objects.

Words and phrases of every kind (exact, folded, mixed) are terms of one field, because the
analysis indexes both views at each position. ``InSection`` compiles to its node here; which
section it stands in is checked by :class:`.sections.SectionCollector`.
"""
from __future__ import annotations

from .. import plan as p
from .schema import KEY_FIELD, TEXT_FIELD


def compile_node(node):
    from whoosh import query as wq

    if isinstance(node, p.Word):
        return wq.Term(TEXT_FIELD[node.field], node.word, boost=node.boost)
    if isinstance(node, p.Phrase):
        if len(node.words) == 1:
            return wq.Term(TEXT_FIELD[node.field], node.words[0], boost=node.boost)
        return wq.Phrase(TEXT_FIELD[node.field], list(node.words), boost=node.boost)
    if isinstance(node, p.Key):
        return wq.Term(KEY_FIELD[node.field], node.value, boost=node.boost)
    if isinstance(node, p.Range):
        return wq.TermRange(KEY_FIELD[node.field], node.lo, node.hi, startexcl=False, endexcl=False)
    if isinstance(node, p.All):
        return _all(node)
    if isinstance(node, p.Any):
        return wq.Or([compile_node(n) for n in node.nodes])
    if isinstance(node, p.Not):
        return wq.Not(compile_node(node.node))
    if isinstance(node, p.Every):
        return wq.Every()
    if isinstance(node, p.InSection):
        return compile_node(node.node)
    raise TypeError(f"not a plan node: {node!r}")


def _all(node: p.All):
    """A conjunction: the positive conditions intersected with the negation of the negative
    ones; ``Every`` only where nothing else is positive.

    Two whoosh-reloaded 2.7.5 faults decide the shape (each reproduced by the contract tests):
    ``Query.normalize()`` turns ``And([Every(), x])`` into ``Every()``, so it is not called; and
    ``AndNot(a, b)`` lets through a's first document when b's first document is lower (its
    matcher does not skip b forward at the start), so a NOT is ``Not`` inside the ``And``."""
    from whoosh import query as wq

    parts = [n for n in node.nodes if not isinstance(n, p.Every)]
    pos = [compile_node(n) for n in parts if not isinstance(n, p.Not)]
    neg = [compile_node(n.node) for n in parts if isinstance(n, p.Not)]
    if neg:
        pos.append(wq.Not(neg[0] if len(neg) == 1 else wq.Or(neg)))
    if not pos:
        return wq.Every()
    return pos[0] if len(pos) == 1 else wq.And(pos)


def compile_search(request: p.Search):
    """The whole request as one Whoosh query: filters join as unscored conditions, so the
    intersection can skip through them instead of testing every match against a filter set."""
    from whoosh import query as wq

    if request.filters is None:
        return compile_node(request.query)
    flt = compile_node(request.filters)
    if isinstance(request.query, p.Every):
        return wq.ConstantScoreQuery(flt, 1.0)
    return wq.And([compile_node(request.query), wq.ConstantScoreQuery(flt, 0.0)])
