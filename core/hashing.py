"""Content hashes: the identity of recordings (resume, deduplication) and of model files."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import IO


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, read in 8 MiB pieces so any size fits in memory."""
    with Path(path).open("rb") as f:
        return stream_sha256(f)


def stream_sha256(f: IO[bytes]) -> str:
    """SHA-256 of what is left to read in `f` (a local file, or an object in S3 read by ranges)."""
    digest = hashlib.sha256()
    while chunk := f.read(8 << 20):
        digest.update(chunk)
    return digest.hexdigest()
