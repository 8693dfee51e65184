"""Migrated databases for tests: SQLite in a folder for the service's tables without a server, or SQLite and
PostgreSQL stopped at an older revision for tests of a migration."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from core.db import MIGRATIONS, get_engine, migrate


def migrated_sqlite(folder: Path) -> str:
    """The URL of `folder/gobang.db`, migrated to the latest revision."""
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'gobang.db'}"
    migrate(url)
    return url


@contextmanager
def database_at_revision(kind: str, folder: Path, revision: str, pg_server: str) -> Iterator[str]:
    """The URL of a new SQLite (`kind` "sqlite", in `folder`) or PostgreSQL database migrated up to `revision` only:
    for tests of a later migration on an installation that has not run it yet. A PostgreSQL one is dropped after."""
    from alembic import command
    from alembic.config import Config

    server = None
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'old.db'}"
    else:
        name = f"gobang_old_{secrets.token_hex(6)}"
        server = psycopg.connect(pg_server, autocommit=True)
        server.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, revision)
    try:
        yield url
    finally:
        get_engine(url).dispose()
        if server is not None:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            server.close()
