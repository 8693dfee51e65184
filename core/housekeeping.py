"""Disk housekeeping: abandoned resumable uploads and stale temporary files are deleted, so they cannot fill `home`.

An unfinished upload is idle when its partial data (or, before any byte, its row) has not changed for
`upload_idle_hours`: every appended piece touches the part file (or, with S3, the time in its row); an
expired S3 upload's multipart upload is aborted, so the bucket keeps no orphan parts. Temporary files (staged bodies in
`blobs/tmp`, multipart spools) live for one request; one as old as that was left by a crashed process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core import upload_parts
from core.audit import record
from core.blobs import BlobStore
from core.db import as_utc, session_scope
from core.settings import Settings
from core.tables import Upload

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Swept:
    uploads: int
    """Unfinished uploads expired (rows and their data)."""
    files: int
    """Other files removed: temporary files, and part or lock files no unfinished upload owns."""


def _modified(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except FileNotFoundError:
        return None


def _remove_older(paths: list[Path], cutoff: datetime) -> int:
    removed = 0
    for path in paths:
        modified = _modified(path)
        if modified is not None and modified < cutoff and path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def sweep(settings: Settings, blobs: BlobStore, *, now: datetime | None = None) -> Swept:
    """Expire idle unfinished uploads and delete stale temporary files; what was removed."""
    cutoff = (now or datetime.now(UTC)) - timedelta(hours=settings.upload_idle_hours)
    expired: list[tuple[str, dict[str, Any]]] = []
    unfinished: set[str] = set()
    with session_scope(settings.resolved_database_url) as db:
        for upload in db.scalars(select(Upload).where(Upload.recording_id.is_(None))):
            last = upload_parts.last_touched(settings, upload.id, upload.meta or {}) or as_utc(upload.created_at)
            if last >= cutoff:
                unfinished.add(upload.id)
                continue
            db.delete(upload)
            record(db, "gobang", "upload.expire", f"upload:{upload.id}", received=upload.received, size=upload.size)
            expired.append((upload.id, dict(upload.meta or {})))
    # After the commit: a piece that arrives meanwhile finds no row (404) rather than a file about to vanish.
    for upload_id, meta in expired:
        upload_parts.discard(settings, blobs, upload_id, meta)
    leftovers = [p for p in _files(settings.upload_dir) if p.stem not in unfinished]
    files = _remove_older(leftovers + _files(settings.blob_dir / "tmp") + _files(settings.home / "spool"), cutoff)
    if expired or files:
        logger.info("swept uploads=%d files=%d", len(expired), files)
    return Swept(uploads=len(expired), files=files)


def _files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.is_dir() else []
