"""The PostgreSQL archive's tables, created and migrated by the tool (nobody runs SQL by hand).

Everything lives in the schema ``archive``; ``archive.meta`` holds the schema version (what
migrations have run) and the index version (how the search columns were analysed: when the
analysis changes, the search tables are rebuilt from the documents, as a folder archive rebuilds
its Whoosh index).

    documents   the store: one row per document, its store file (front matter + Markdown body)
                exactly as a folder archive keeps it, and the content hash of its original
    originals   the imported files' bytes, content-addressed (one row per content hash)
    entries     the search index: result-list fields, filter keys, weighted document vectors
    chunks      the search index: each passage's words in chunks whose positions are exact
    words       folded words seen, for spelling suggestions

Migrations run in one transaction under an advisory lock, so two clerks starting the tool on a
new database at the same moment do not race.
"""
from __future__ import annotations

import hashlib

SCHEMA = "archive"
#: pg_advisory_xact_lock key held while creating or migrating the schema ("archive-cli" in hex)
LOCK_KEY = 0x61726368697665

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE SCHEMA IF NOT EXISTS archive;
    CREATE TABLE archive.meta (key text PRIMARY KEY, value text NOT NULL);
    CREATE TABLE archive.originals (
        sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size bigint NOT NULL,
        data bytea NOT NULL
    );
    CREATE TABLE archive.documents (
        id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{12}$'),
        sha256 text NOT NULL REFERENCES archive.originals (sha256),
        body text NOT NULL,
        stamp text NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE archive.entries (
        id text PRIMARY KEY,
        stamp text NOT NULL,
        title text NOT NULL, doc_type text NOT NULL, number text NOT NULL, issuer text NOT NULL,
        issued text COLLATE "C" NOT NULL, sha256 text NOT NULL, outline text NOT NULL,
        subtitle text NOT NULL, ocr boolean NOT NULL,
        type_key text NOT NULL, year text NOT NULL,
        tags text[] NOT NULL, issuer_words text[] NOT NULL, number_keys text[] NOT NULL,
        cites text[] NOT NULL, kinds text[] NOT NULL,
        text_tsv tsvector NOT NULL, title_tsv tsvector NOT NULL, issuer_tsv tsvector NOT NULL
    );
    CREATE TABLE archive.chunks (
        id text NOT NULL REFERENCES archive.entries (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        kind text NOT NULL,
        start integer NOT NULL,
        tsv tsvector NOT NULL,
        PRIMARY KEY (id, seq)
    );
    CREATE TABLE archive.words (word text PRIMARY KEY);
    CREATE INDEX documents_sha256 ON archive.documents (sha256);
    CREATE INDEX entries_text ON archive.entries USING gin (text_tsv);
    CREATE INDEX entries_title ON archive.entries USING gin (title_tsv);
    CREATE INDEX entries_issuer ON archive.entries USING gin (issuer_tsv);
    CREATE INDEX entries_keys ON archive.entries USING gin (number_keys, cites, tags, issuer_words, kinds);
    CREATE INDEX entries_issued ON archive.entries (issued);
    CREATE INDEX entries_type ON archive.entries (type_key, year);
    CREATE INDEX chunks_tsv ON archive.chunks USING gin (tsv);
    CREATE INDEX words_prefix ON archive.words (word text_pattern_ops);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def index_version() -> str:
    """What the search columns hold depends on: the analysis, the vectors' layout and the
    chunking. Another value in ``archive.meta`` means: rebuild them from the documents."""
    from ..text.analysis import ANALYSIS_VERSION
    from . import vectors

    parts = [ANALYSIS_VERSION, vectors.CHUNK_WORDS, vectors.OVERLAP, vectors.GAP, vectors.MAX_POSITIONS,
             vectors.RANK_WEIGHTS, "weights ACBD", 1]
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


def installed_version(db) -> int | None:
    """The schema version in the database; None when the tool never created its tables there."""
    row = db.execute("SELECT to_regclass('archive.meta') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return None
    row = db.execute("SELECT value FROM archive.meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def versions(db) -> tuple[int, str | None] | None:
    """(schema version, index version); None when the tool never created its tables here."""
    row = db.execute("SELECT to_regclass('archive.meta') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return None
    got = dict(db.execute("SELECT key, value FROM archive.meta WHERE key IN ('schema_version', 'index_version')").fetchall())
    return int(got.get("schema_version") or 0), got.get("index_version")


def meta(db, key: str) -> str | None:
    row = db.execute("SELECT value FROM archive.meta WHERE key = %s", [key]).fetchone()
    return row[0] if row else None


def set_meta(db, key: str, value: str) -> None:
    db.execute("INSERT INTO archive.meta (key, value) VALUES (%s, %s)"
               " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [key, value])


def refuse_newer(db, current: int | None = -1) -> None:
    """A database made by a newer archive-cli is refused rather than misread or rebuilt."""
    from ..errors import ArchiveError
    from ..i18n import _

    if current == -1:
        current = installed_version(db)
    if current is not None and current > SCHEMA_VERSION:
        raise ArchiveError(_("The server archive {url} was made by a newer archive-cli (schema {n}); upgrade archive-cli.").format(
            url=db.shown, n=current))


def migrate(db) -> bool:
    """Create or bring the schema up to :data:`SCHEMA_VERSION`; True when something ran. A
    database made by a newer archive-cli is refused rather than misread."""
    current = installed_version(db)
    if current == SCHEMA_VERSION:
        return False
    refuse_newer(db, current)
    # A session lock taken before the transaction starts: the transaction then reads the
    # catalogue as the previous holder committed it (a lock taken inside it would not refresh
    # what to_regclass sees, and two first writers would both create the tables).
    db.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
    try:
        with db.transaction():
            current = installed_version(db) or 0  # another process may have migrated meanwhile
            for n in range(current, SCHEMA_VERSION):
                db.execute(MIGRATIONS[n])
                set_meta(db, "schema_version", str(n + 1))
            if meta(db, "index_version") is None:
                set_meta(db, "index_version", index_version())  # an empty index of this version
    finally:
        db.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    return True
