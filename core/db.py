"""Database access: one engine per URL, sessions, and Alembic migrations run at start-up.

SQLite is the embedded default; PostgreSQL is configured with `GOBANG_DATABASE_URL`. The
same code and the same migrations serve both.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from core.files import private_file

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
POOL_SIZE = 20
POOL_OVERFLOW = 60
"""Connections kept, and opened beyond them under load. A request holds its connection between the
threadpool hops of its dependencies and handler; a pool smaller than the requests in flight (40
threadpool threads, more requests waiting between hops) made threads wait on the pool while holding
the threads the connection holders needed: throughput collapsed under concurrency (30 s stalls)."""
_MIGRATION_LOCK = 0x676F62616E67  # "gobang": the PostgreSQL advisory lock held while migrating


class Base(DeclarativeBase):
    """Base of every table."""


def as_utc(moment: datetime) -> datetime:
    """A stored instant as an aware UTC datetime: SQLite hands `DateTime(timezone=True)` back naive (it was UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers work while a writer commits; foreign keys are off by default in SQLite."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@cache
def get_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            private_file(Path(path))  # SQLite gives its WAL and shared-memory files the same mode
        sqlite_args = {"check_same_thread": False, "timeout": 30}
        engine = create_engine(url, connect_args=sqlite_args, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)


@cache
def _sessions(url: str) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session committed on success and rolled back on any error."""
    session = _sessions(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def migrate(url: str, *, voiceprints_file: Path | None = None) -> None:
    """Bring the schema to the latest Alembic revision (idempotent; safe at every start-up).

    `voiceprints_file`: where older versions kept enrolled voices (SQLite); the migration that moved them into
    the database copies it if it exists, then renames it `*.migrated`.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    with get_engine(url).begin() as connection:
        if connection.dialect.name == "postgresql":
            # Servers and workers starting together must not migrate at once; the lock ends with the transaction.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        config.attributes["voiceprints_file"] = voiceprints_file
        command.upgrade(config, "heads")  # parallel branches (one per feature) need no merge revision
    logger.info("database_migrated url=%s", get_engine(url).url.render_as_string(hide_password=True))
