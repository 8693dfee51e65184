"""Audio blobs, content-addressed by SHA-256 (the same recording is stored once), on local disk or in S3.

`LocalBlobStore` keeps them under `home/blobs` (the embedded default). `S3BlobStore` keeps them in any
S3-compatible service, so API and worker machines need no shared disk: files go up with boto3's managed
multipart upload and come back through `RangedReader`, a seekable file over ranged GETs that FFmpeg decodes
as it reads, so an 8-hour recording is never downloaded whole. Received bytes are checked before they are
stored: `stage` writes a request's body to a private temporary file, a `Staged` is kept or discarded.

The store is built once, at the edges (`open_blob_store`: app factory, worker start, CLI), and passed down.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

from core.audio import AudioSource
from core.errors import FileTooLargeError, NotFoundError
from core.files import private_dir
from core.settings import Settings, StorageSettings

S3Client = Any
"""A boto3 S3 client (boto3 ships no type hints)."""

MiB = 1 << 20


def checked_sha256(sha256: str) -> str:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise NotFoundError(f"mã băm không hợp lệ: {sha256!r}")
    return sha256


def _missing(sha256: str) -> NotFoundError:
    return NotFoundError(f"không có dữ liệu âm thanh {sha256[:12]}… (blob missing)")


class Staged(Protocol):
    """Received bytes, checked before they are stored: `keep` them under their SHA-256, or `discard` them."""

    @property
    def source(self) -> AudioSource: ...

    def keep(self, sha256: str) -> None: ...

    def discard(self) -> None: ...


@dataclass
class StagedFile:
    """A temporary file in the store's staging folder (on the same disk as the local store)."""

    path: Path
    store: BlobStore

    @property
    def source(self) -> AudioSource:
        return self.path

    def keep(self, sha256: str) -> None:
        self.store.adopt(self.path, sha256)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def _stage(
    staging: Path, store: BlobStore, pieces: Iterable[bytes], max_bytes: int | None
) -> tuple[StagedFile, str, int]:
    digest = hashlib.sha256()
    size = 0
    fd, temp = tempfile.mkstemp(dir=staging)
    try:
        with os.fdopen(fd, "wb") as out:
            for piece in pieces:
                size += len(piece)
                if max_bytes is not None and size > max_bytes:
                    raise FileTooLargeError(f"tệp vượt giới hạn {max_bytes // MiB} MiB (file too large)")
                digest.update(piece)
                out.write(piece)
            out.flush()
            os.fsync(out.fileno())
        return StagedFile(Path(temp), store), digest.hexdigest(), size
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        yield from iter(lambda: f.read(MiB), b"")


class _Staging:
    """What both stores do alike: bytes are staged in a private local folder, hashed, then kept or discarded."""

    staging: Path

    def stage(self, pieces: Iterable[bytes], *, max_bytes: int | None = None) -> tuple[StagedFile, str, int]:
        return _stage(self.staging, cast("BlobStore", self), pieces, max_bytes)

    def put_file(self, path: Path) -> tuple[str, int]:
        staged, sha256, size = self.stage(_chunks(path))
        staged.keep(sha256)
        return sha256, size


class LocalBlobStore(_Staging):
    """Blobs under `root/<2 hex>/<sha256>`; staged files in `root/tmp`, so keeping one is a rename."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging = private_dir(root / "tmp")

    def path(self, sha256: str) -> Path:
        sha256 = checked_sha256(sha256)
        return self.root / sha256[:2] / sha256

    def adopt(self, path: Path, sha256: str) -> None:
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

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def audio(self, sha256: str) -> Path:
        path = self.path(sha256)
        if not path.is_file():
            raise _missing(sha256)
        return path

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)


class RangedReader(io.RawIOBase):
    """A read-only, seekable file over an S3 object: each miss fetches the next `chunk` bytes with one ranged GET.

    Memory is one chunk, whatever the object's size; FFmpeg (PyAV) reads and seeks it like a local file.
    """

    def __init__(self, client: S3Client, bucket: str, key: str, size: int, chunk: int) -> None:
        super().__init__()
        self.client, self.bucket, self.key, self.size, self.chunk = client, bucket, key, size, chunk
        self.position = 0
        self._start = 0
        self._data = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self.position = base + offset
        return self.position

    def readinto(self, buffer: Any) -> int:
        if self.position >= self.size:
            return 0
        if not self._start <= self.position < self._start + len(self._data):
            last = min(self.position + self.chunk, self.size) - 1
            answer = self.client.get_object(Bucket=self.bucket, Key=self.key, Range=f"bytes={self.position}-{last}")
            self._start, self._data = self.position, answer["Body"].read()
        offset = self.position - self._start
        count = min(len(buffer), len(self._data) - offset)
        memoryview(buffer)[:count] = self._data[offset : offset + count]
        self.position += count
        return count


@dataclass(frozen=True)
class S3Object:
    """An object to decode: each `open` is a fresh `RangedReader` (the pipeline reads a recording more than once)."""

    client: S3Client
    bucket: str
    key: str
    size: int
    chunk: int

    @property
    def name(self) -> str:
        return self.key.rsplit("/", 1)[-1][:12]

    def open(self) -> io.BufferedReader:
        return io.BufferedReader(RangedReader(self.client, self.bucket, self.key, self.size, self.chunk), 1 << 16)


@dataclass
class StagedObject:
    """A completed resumable upload in the bucket (`uploads/...`): kept by a server-side copy, never downloaded."""

    store: S3BlobStore
    key: str

    @property
    def source(self) -> S3Object:
        return self.store.object(self.key)

    def keep(self, sha256: str) -> None:
        target = self.store.key(sha256)
        if not self.store.exists(sha256):
            self.store.client.copy(
                {"Bucket": self.store.bucket, "Key": self.key}, self.store.bucket, target, Config=self.store.transfer
            )
        self.discard()

    def discard(self) -> None:
        self.store.client.delete_object(Bucket=self.store.bucket, Key=self.key)


class S3BlobStore(_Staging):
    """Blobs at `<prefix>blobs/<2 hex>/<sha256>` in an S3 bucket; a HEAD before each put keeps one copy of each."""

    def __init__(self, client: S3Client, bucket: str, *, prefix: str, staging: Path, part_bytes: int) -> None:
        from boto3.s3.transfer import TransferConfig

        self.client, self.bucket, self.prefix, self.part_bytes = client, bucket, prefix, part_bytes
        self.staging = private_dir(staging)
        self.transfer = TransferConfig(multipart_threshold=part_bytes, multipart_chunksize=part_bytes)

    def key(self, sha256: str) -> str:
        sha256 = checked_sha256(sha256)
        return f"{self.prefix}blobs/{sha256[:2]}/{sha256}"

    def ensure_bucket(self) -> None:
        """Create the bucket if it is missing (a fresh MinIO); at start-up, before the first request."""
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)

    def adopt(self, path: Path, sha256: str) -> None:
        """Upload a verified local file (managed multipart for large ones, streamed from disk) and delete it."""
        try:
            if not self.exists(sha256):
                self.client.upload_file(str(path), self.bucket, self.key(sha256), Config=self.transfer)
        finally:
            path.unlink(missing_ok=True)

    def _size(self, key: str) -> int | None:
        from botocore.exceptions import ClientError

        try:
            return int(self.client.head_object(Bucket=self.bucket, Key=key)["ContentLength"])
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def exists(self, sha256: str) -> bool:
        return self._size(self.key(sha256)) is not None

    def object(self, key: str) -> S3Object:
        size = self._size(key)
        if size is None:
            raise NotFoundError(f"không có dữ liệu {key.rsplit('/', 1)[-1][:12]}… (object missing)")
        return S3Object(self.client, self.bucket, key, size, self.part_bytes)

    def audio(self, sha256: str) -> S3Object:
        try:
            return self.object(self.key(sha256))
        except NotFoundError:
            raise _missing(sha256) from None

    def delete(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(sha256))


BlobStore = LocalBlobStore | S3BlobStore
"""The deployment's store of audio blobs (`open_blob_store`)."""


def s3_client(storage: StorageSettings) -> S3Client:
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=storage.endpoint_url,
        aws_access_key_id=storage.access_key_id,
        aws_secret_access_key=storage.secret_access_key,
        region_name=storage.region,
        config=Config(signature_version="s3v4", retries={"max_attempts": 5, "mode": "standard"}),
    )


def open_blob_store(settings: Settings) -> BlobStore:
    """The deployment's blob store, from `GOBANG_STORAGE__*`: built once by the app, a worker or a CLI command."""
    storage = settings.storage
    if storage.backend == "local":
        return LocalBlobStore(settings.blob_dir)
    store = S3BlobStore(
        s3_client(storage),
        storage.bucket,
        prefix=storage.prefix,
        staging=settings.blob_dir / "tmp",
        part_bytes=storage.part_mb * MiB,
    )
    store.ensure_bucket()
    return store
