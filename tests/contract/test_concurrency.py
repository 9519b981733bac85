"""A reader searching while a writer commits: every read sees one committed state."""
from __future__ import annotations

import subprocess
import sys
import textwrap

from archive_cli.search.filters import Filters
from archive_cli.search.query import parse_query
from archive_cli.search.service import SearchService
from archive_cli.store import Store
from tests.contract.conftest import make_documents
from tests.contract.corpus import oracle, oracle_doc

BATCH = 10
QUERIES = ["tinh", "hóa", '"to chuc"', "kinh -phi", "3/KH-UBND"]

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from archive_cli.index.records import record_for
    from tests.contract.conftest import ENGINES, make_documents
    index = ENGINES[sys.argv[1]](Path(sys.argv[2]))
    docs = make_documents(int(sys.argv[3]), seed=11)
    for lo in range({batch}, len(docs), {batch}):
        index.add([record_for(d, "s") for d in docs[lo:lo + {batch}]])
        print("committed", lo + {batch}, flush=True)
""").format(batch=BATCH)


def test_reads_during_commits_each_see_a_committed_state(engine, tmp_path):
    from tests.contract.conftest import ENGINES

    name = getattr(engine, "engine_name", None) or next(k for k, v in ENGINES.items() if v is engine)
    n = 8 * BATCH
    docs = make_documents(n, seed=11)
    odocs = [oracle_doc(d) for d in docs]
    # what a read may see: the documents of the first k batches, for some k
    accepted = {q: {frozenset(oracle(odocs[:k], parse_query(q), Filters())) for k in range(BATCH, n + 1, BATCH)}
                for q in QUERIES}
    assert len(accepted["tinh"]) == n // BATCH, "the queries cannot tell the states apart"
    index = engine(tmp_path)
    index.create()
    from archive_cli.index.records import record_for

    index.add([record_for(d, "s") for d in docs[:BATCH]])
    svc = SearchService(Store(tmp_path / "no-store"), index)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, name, str(tmp_path), str(n)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reads, states = 0, set()
    while writer.poll() is None or reads < len(QUERIES):
        for q in QUERIES:
            res = svc.search(q, limit=1000, snippets=False, suggest=False)
            got = frozenset(h.id for h in res.hits)
            assert res.total == len(got)
            assert got in accepted[q], f"{q!r}: a read saw {len(got)} documents, no committed state has that set"
            states.add((q, got))
            reads += 1
    out, err = writer.communicate()
    assert writer.returncode == 0, err
    assert out.count("committed") == n // BATCH - 1
    assert len({s for q, s in states if q == "tinh"}) >= 3, "the reads did not overlap several commits"
