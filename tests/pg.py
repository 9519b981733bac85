"""A PostgreSQL server for tests: reached through ``ARCHIVE_TEST_PG`` (a libpq URL of a database
on a server where this user may create databases), else the local server at 127.0.0.1:5432.
Each test module creates a database of its own and drops it afterwards; where no server answers,
the tests skip with a reason naming what to start."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest

DEFAULT = "postgresql://127.0.0.1:5432/postgres"


def server_url() -> str:
    return os.environ.get("ARCHIVE_TEST_PG") or DEFAULT


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _admin():
    try:
        import psycopg
    except ImportError:
        pytest.skip("psycopg is not installed: pip install -e '.[test]'")
    try:
        return psycopg.connect(server_url(), autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        pytest.skip(f"no PostgreSQL server at {server_url()} ({str(exc).strip().splitlines()[0]}); start one "
                    "(pg_ctlcluster <version> main start) or set ARCHIVE_TEST_PG to a server where this user may create databases")


@contextmanager
def fresh_database(prefix: str = "archive_test"):
    """A new, empty database; its URL. Dropped afterwards, whatever connections it still has."""
    admin = _admin()
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(server_url(), name)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextmanager
def role(name: str, *, grants: list[str]):
    """A login role of the test's own (dropped afterwards) with ``grants`` run as the admin."""
    admin = _admin()
    try:
        admin.execute(f'DROP ROLE IF EXISTS "{name}"')
        admin.execute(f'CREATE ROLE "{name}" LOGIN')
        yield name
    finally:
        admin.close()
