"""A migrated SQLite database in a folder, for tests that need the service's tables but no server."""

from __future__ import annotations

from pathlib import Path

from core.db import migrate


def migrated_sqlite(folder: Path) -> str:
    """The URL of `folder/gobang.db`, migrated to the latest revision."""
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'gobang.db'}"
    migrate(url)
    return url
