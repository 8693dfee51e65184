"""Writing files so that a crash never leaves half of one: exports, batch records, minutes."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from core.errors import ConflictError


def write_atomic(path: Path, data: bytes) -> None:
    """Temporary file in the same folder, fsync, rename: readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; outputs are meant to be read by others
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def refuse_overwrite(paths: Iterable[Path]) -> None:
    """Raise `ConflictError` naming the files of `paths` that exist: a command overwrites only with `--force`."""
    existing = [str(p) for p in paths if p.exists()]
    if existing:
        raise ConflictError(
            f"tệp đã có, không ghi đè: {', '.join(existing)}; thêm --force để ghi đè (files exist, use --force)"
        )
