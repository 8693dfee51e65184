"""The service's database as the account and voiceprint commands use it: migrated first, and who acts."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from core.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def cli_actor() -> str:
    """The audit log's name for whoever runs the command: `cli:<login name>`."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name in some containers
        return "cli"


def migrated_url() -> str:
    """The configured database's URL, migrated first (the voiceprints of an older file moved in)."""
    from core.db import migrate

    settings = get_settings()
    migrate(settings.resolved_database_url, voiceprints_file=settings.voiceprints_path)
    return settings.resolved_database_url


@contextmanager
def database() -> Iterator[Session]:
    """A session on the configured database (migrated first); committed when the block ends without error."""
    from core.db import session_scope

    with session_scope(migrated_url()) as session:
        yield session
