"""Writing files: atomically (a crash never leaves half of one), and privately where they hold users' data."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from core.errors import ConflictError, InsufficientStorageError

MiB = 1 << 20
DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})
"""`OSError.errno` of a write refused for lack of space (a full disk, a user's quota)."""


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


def private_dir(path: Path) -> Path:
    """`path` as a folder only gobang's user may enter (0700): audio, databases and uploads are confidential."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)  # made by an older version, or by mkdir's parents with the default mode
    return path


def private_file(path: Path) -> Path:
    """Create `path` (and its folder) as a file only gobang's user may read (0600), or make an existing one so."""
    private_dir(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    if path.stat().st_mode & 0o077:
        path.chmod(0o600)
    return path


def ensure_free_space(folder: Path, needed: int, *, reserve: int) -> None:
    """Refuse (507) to take `needed` bytes into `folder` unless `reserve` bytes stay free after them: checked
    against the size a client announces, before a byte is written, rather than failing half-way."""
    free = shutil.disk_usage(private_dir(folder)).free
    if free - needed < reserve:
        raise InsufficientStorageError(
            f"không đủ chỗ trống trên đĩa: cần {needed / MiB:.0f} MiB, còn {max(free - reserve, 0) / MiB:.0f} MiB "
            "(insufficient storage)"
        )


def refuse_overwrite(paths: Iterable[Path]) -> None:
    """Raise `ConflictError` naming the files of `paths` that exist: a command overwrites only with `--force`."""
    existing = [str(p) for p in paths if p.exists()]
    if existing:
        raise ConflictError(
            f"tệp đã có, không ghi đè: {', '.join(existing)}; thêm --force để ghi đè (files exist, use --force)"
        )
