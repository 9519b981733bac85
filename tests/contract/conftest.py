"""The engine contract: the same questions to every engine behind the index seam, the same
answers required. An engine joins by adding a parameter to ``engine`` (a factory of an empty
``SearchIndex`` in a place of the test's own)."""
from __future__ import annotations

from pathlib import Path

import pytest

from archive_cli.importing.prepare import build_document
from archive_cli.index.records import record_for
from archive_cli.store import content_hash, id_for
from tests.contract.corpus import document_text, oracle_doc

SEED = 20261203
N_DOCS = 90


def _whoosh(root: Path):
    from archive_cli.index.whoosh import WhooshIndex

    return WhooshIndex(root / "index")


def _postgres(root: Path):
    """A PostgreSQL index in a database of the test's own (the fixture below creates it)."""
    from archive_cli.postgres.db import Database
    from archive_cli.postgres.index import PgIndex

    return PgIndex(Database((root / "database-url").read_text()))


ENGINES = {"whoosh": _whoosh, "postgres": _postgres}


@pytest.fixture(params=sorted(ENGINES), scope="module")
def engine(request, tmp_path_factory):
    """A factory: ``engine(folder)`` → an engine's index, not yet created."""
    if request.param != "postgres":
        yield ENGINES[request.param]
        return
    from contextlib import ExitStack

    from tests.pg import fresh_database

    with ExitStack() as stack:
        made = []

        def factory(root: Path):
            """A database per folder: the same folder opens the same database again."""
            root.mkdir(parents=True, exist_ok=True)
            if not (root / "database-url").exists():
                (root / "database-url").write_text(stack.enter_context(fresh_database("archive_contract")))
            index = _postgres(root)
            made.append(index)
            return index

        factory.engine_name = "postgres"
        yield factory
        for index in made:
            index.db.close()


def make_documents(n: int = N_DOCS, seed: int = SEED):
    docs = []
    for i in range(n):
        text, tags = document_text(seed, i)
        data = text.encode("utf-8")
        sha = content_hash(data)
        docs.append(build_document(f"doc-{i:03d}.txt", data, sha, id_for(sha), tuple(tags)))
    return docs


@pytest.fixture(scope="module")
def documents():
    return make_documents()


@pytest.fixture(scope="module")
def indexed(engine, documents, tmp_path_factory):
    """The contract corpus in an index built the way an archive grows: three commits, then two
    removals and a document re-added after its removal. Returns (index, oracle docs)."""
    root = tmp_path_factory.mktemp("contract")
    index = engine(root)
    index.create()
    records = [record_for(d, f"stamp-{d.id}") for d in documents]
    third = len(records) // 3
    for lo in range(0, len(records), third):
        index.add(records[lo:lo + third])
    gone = [documents[5].id, documents[40].id, documents[41].id]
    index.delete(gone)
    index.add([records[41]])  # removed, then imported again
    kept = [d for d in documents if d.id not in gone[:2]]
    return index, [oracle_doc(d) for d in kept], root
