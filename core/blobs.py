"""Audio blobs on local disk, content-addressed by SHA-256: the same recording is stored once."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from core.errors import FileTooLargeError, NotFoundError
from core.files import private_dir


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        private_dir(root / "tmp")

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise NotFoundError(f"mã băm không hợp lệ: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def existing(self, sha256: str) -> Path:
        path = self.path(sha256)
        if not path.is_file():
            raise NotFoundError(f"không có dữ liệu âm thanh {sha256[:12]}… (blob missing)")
        return path

    def put(self, pieces: Iterable[bytes], *, max_bytes: int | None = None) -> tuple[str, int]:
        """Store a byte stream; returns (sha256, size). Written to a temporary file, then renamed."""
        temp, sha, size = self.stage(pieces, max_bytes=max_bytes)
        self.adopt(temp, sha)
        return sha, size

    def stage(self, pieces: Iterable[bytes], *, max_bytes: int | None = None) -> tuple[Path, str, int]:
        """Write a byte stream to a temporary file inside the store, hashing it on the way.

        Returns (path, sha256, size): the caller checks the content, then `adopt`s or deletes it.
        """
        digest = hashlib.sha256()
        size = 0
        fd, temp = tempfile.mkstemp(dir=self.root / "tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                for piece in pieces:
                    size += len(piece)
                    if max_bytes is not None and size > max_bytes:
                        raise FileTooLargeError(f"tệp vượt giới hạn {max_bytes // (1 << 20)} MiB (file too large)")
                    digest.update(piece)
                    out.write(piece)
                out.flush()
                os.fsync(out.fileno())
            return Path(temp), digest.hexdigest(), size
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def put_file(self, path: Path) -> tuple[str, int]:
        with path.open("rb") as f:
            return self.put(iter(lambda: f.read(1 << 20), b""))

    def adopt(self, path: Path, sha256: str) -> Path:
        """Move a file whose SHA-256 the caller has verified into the store (a rename: no second copy of GBs).

        `path` must be on the same filesystem as the store; an identical blob already there is kept.
        """
        target = self.path(sha256)
        private_dir(target.parent)
        if target.is_file():
            path.unlink(missing_ok=True)
        else:
            os.chmod(path, 0o600)  # a resumable upload's part file may have been made by an older version
            os.replace(path, target)
        return target
