"""One connection to an archive's PostgreSQL database, and what its errors mean to a clerk.

psycopg 3 is imported here and only here, when a server archive is opened: a folder archive
never loads it. The connection runs in autocommit; writes open explicit transactions
(``with db.transaction():``), nested ones becoming savepoints, so a store write and its index
entries commit together or not at all.
"""
from __future__ import annotations

from contextlib import contextmanager

from ..errors import ArchiveError
from ..i18n import _
from ..location import redact, scrub

class ReadOnlyAccount(ArchiveError):
    """The database role may read the archive but not change it."""


def _psycopg():
    try:
        import psycopg
    except ImportError:
        raise ArchiveError(_("A server archive needs psycopg; install it with `pip install 'archive-cli[postgres]'`.")) from None
    return psycopg


class Database:
    """The archive database at ``url`` (a libpq URL: ``sslmode`` and the other options pass
    through). Connects on first use."""

    def __init__(self, url: str, *, wait: float = 5.0) -> None:
        self.url = url
        self.wait = wait
        self._conn = None

    @property
    def shown(self) -> str:
        """The URL as messages show it (no password)."""
        return redact(self.url)

    @property
    def conn(self):
        if self._conn is None or self._conn.closed:
            psycopg = _psycopg()
            try:
                self._conn = psycopg.connect(self.url, autocommit=True,
                                             connect_timeout=max(2, int(self.wait) + 1),
                                             application_name="archive-cli")
            except psycopg.Error as exc:
                raise ArchiveError(_("Cannot open the server archive {url} ({reason}).").format(
                    url=self.shown, reason=self.reason(exc))) from None
            self._conn.execute("SELECT set_config('lock_timeout', %s, false)", [f"{int(max(self.wait, 0.1) * 1000)}ms"])
        return self._conn

    def reason(self, exc: BaseException) -> str:
        """The first line of a driver error, without any password of the URL."""
        text = str(exc).strip().splitlines()
        line = text[0] if text else type(exc).__name__
        for prefix in ("connection failed: ", "FATAL:  "):
            line = line.removeprefix(prefix)
        return scrub(line.rstrip("."), self.url)

    def execute(self, sql: str, params=None, *, prepare: bool | None = None):
        return self.conn.execute(sql, params, prepare=prepare)

    @contextmanager
    def transaction(self):
        with self.conn.transaction():
            yield self.conn

    def can_write(self) -> bool:
        row = self.execute("SELECT has_table_privilege('archive.documents', 'INSERT')"
                           " AND has_table_privilege('archive.entries', 'INSERT')"
                           " AND has_table_privilege('archive.documents', 'DELETE')").fetchone()
        return bool(row and row[0])

    def require_write(self) -> None:
        if not self.can_write():
            raise ReadOnlyAccount(_("This account can only read the archive."))

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def describe(exc: BaseException, url: str) -> ArchiveError | None:
    """A driver error as the one sentence a clerk reads; None when ``exc`` is not one."""
    module = type(exc).__module__ or ""
    if not module.startswith("psycopg"):
        return None
    db = Database(url)
    sqlstate = getattr(exc, "sqlstate", None) or ""
    if sqlstate == "42501":  # insufficient_privilege
        return ReadOnlyAccount(_("This account can only read the archive."))
    if not url:
        return ArchiveError(_("A server archive refused the request ({reason}).").format(reason=db.reason(exc)))
    if sqlstate.startswith(("08", "57")) or type(exc).__name__ in ("OperationalError", "InterfaceError"):
        return ArchiveError(_("The server archive {url} stopped answering ({reason}).").format(
            url=db.shown, reason=db.reason(exc)))
    if sqlstate in ("55P03", "40P01", "40001"):  # lock timeout, deadlock, serialization
        return ArchiveError(_("The server archive {url} is busy; try again ({reason}).").format(
            url=db.shown, reason=db.reason(exc)))
    return ArchiveError(_("The server archive {url} refused the request ({reason}).").format(
        url=db.shown, reason=db.reason(exc)))


@contextmanager
def errors_named(url: str):
    """Driver errors inside become the one sentence that names this archive."""
    try:
        yield
    except Exception as exc:
        err = describe(exc, url)
        if err is None:
            raise
        raise err from None
