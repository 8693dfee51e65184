"""Where a resumable upload's bytes wait until the last one arrives: a part file, or an S3 multipart upload.

Local store: `upload_dir/<id>.part`, appended in place (one writer at a time holds `<id>.lock`).

S3 store: nothing on the API machine's disk. The bytes go into an S3 multipart upload whose UploadId
and part ETags are kept in the upload's database row (`meta["s3"]`). Part `n` always holds bytes
`[(n-1)·P, n·P)` of the file (P = `storage.part_mb`); bytes that do not fill a part yet wait in a small
object `uploads/<id>/tail-<offset>`, named by the offset they end at. Two requests racing at the same
offset write the same parts and the same tail object, and the row's compare-and-set on `received`
decides which one counts, so API processes on several machines need no shared lock.
"""

from __future__ import annotations

import os
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

from core.blobs import BlobStore, S3BlobStore, StagedObject
from core.files import private_file
from core.settings import Settings


class PieceSink(Protocol):
    """Takes the bytes of one request, from the upload's received offset on."""

    def write(self, data: bytes) -> None: ...

    def finish(self) -> tuple[int, dict[str, Any]]:
        """Make what was written durable; (bytes now received in all, the row's new `meta`)."""
        ...


def part_file(settings: Settings, upload_id: str) -> Path:
    return settings.upload_dir / f"{upload_id}.part"


def lock_file(settings: Settings, upload_id: str) -> Path:
    return settings.upload_dir / f"{upload_id}.lock"


class FileSink:
    """Appends to the local part file; bytes past the recorded offset are unconfirmed and cut first."""

    def __init__(self, path: Path, received: int, meta: dict[str, Any]) -> None:
        self.received, self.meta, self.written = received, meta, 0
        self.file: IO[bytes] = path.open("ab")
        self.file.truncate(received)

    def write(self, data: bytes) -> None:
        self.written += self.file.write(data)

    def finish(self) -> tuple[int, dict[str, Any]]:
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
        finally:
            self.file.close()
        return self.received + self.written, self.meta


class S3Sink:
    """Fills the upload's next S3 parts; what is left over becomes the tail object of the new offset."""

    def __init__(self, store: S3BlobStore, upload_id: str, size: int, received: int, meta: dict[str, Any]) -> None:
        self.store, self.upload_id, self.size, self.meta = store, upload_id, size, meta
        state = meta["s3"]
        self.parts: list[dict[str, Any]] = list(state["parts"])
        done = len(self.parts) * store.part_bytes
        self.pending = bytearray(_read(store, tail_key(store, upload_id, received)) if received > done else b"")
        self.offset = done  # the file offset `pending` starts at

    def write(self, data: bytes) -> None:
        self.pending += data
        while len(self.pending) >= self.store.part_bytes:
            self._part(bytes(self.pending[: self.store.part_bytes]))
            del self.pending[: self.store.part_bytes]

    def _part(self, data: bytes) -> None:
        number = len(self.parts) + 1
        answer = self.store.client.upload_part(
            Bucket=self.store.bucket,
            Key=staging_key(self.store, self.upload_id),
            UploadId=self.meta["s3"]["upload_id"],
            PartNumber=number,
            Body=data,
        )
        self.parts.append({"PartNumber": number, "ETag": answer["ETag"]})
        self.offset += len(data)

    def finish(self) -> tuple[int, dict[str, Any]]:
        received = self.offset + len(self.pending)
        if self.pending and received == self.size:
            self._part(bytes(self.pending))  # the last part may be short
        elif self.pending:
            self.store.client.put_object(
                Bucket=self.store.bucket, Key=tail_key(self.store, self.upload_id, received), Body=bytes(self.pending)
            )
        touched = datetime.now(UTC).isoformat()
        return received, {**self.meta, "s3": {**self.meta["s3"], "parts": self.parts, "touched": touched}}


def _read(store: S3BlobStore, key: str) -> bytes:
    data: bytes = store.client.get_object(Bucket=store.bucket, Key=key)["Body"].read()
    return data


def staging_key(store: S3BlobStore, upload_id: str) -> str:
    """Where the assembled upload lands before it is checked and kept under its SHA-256."""
    return f"{store.prefix}uploads/{upload_id}/whole"


def tail_key(store: S3BlobStore, upload_id: str, offset: int) -> str:
    return f"{store.prefix}uploads/{upload_id}/tail-{offset}"


def begin(settings: Settings, blobs: BlobStore, upload_id: str) -> dict[str, Any]:
    """Room for a new upload's bytes; returns what its row's `meta` gains (the S3 UploadId)."""
    if isinstance(blobs, S3BlobStore):
        answer = blobs.client.create_multipart_upload(Bucket=blobs.bucket, Key=staging_key(blobs, upload_id))
        return {"s3": {"upload_id": answer["UploadId"], "parts": []}}
    private_file(part_file(settings, upload_id))
    return {}


def sink(
    settings: Settings, blobs: BlobStore, upload_id: str, size: int, received: int, meta: dict[str, Any]
) -> PieceSink:
    if isinstance(blobs, S3BlobStore):
        return S3Sink(blobs, upload_id, size, received, meta)
    return FileSink(part_file(settings, upload_id), received, meta)


def assemble(blobs: S3BlobStore, upload_id: str, meta: dict[str, Any]) -> StagedObject:
    """Join the parts of a complete S3 upload into one object (server-side: no byte passes through us)."""
    state = meta["s3"]
    key = staging_key(blobs, upload_id)
    blobs.client.complete_multipart_upload(
        Bucket=blobs.bucket, Key=key, UploadId=state["upload_id"], MultipartUpload={"Parts": state["parts"]}
    )
    _delete_tails(blobs, upload_id)
    return StagedObject(blobs, key)


def last_touched(settings: Settings, upload_id: str, meta: dict[str, Any]) -> datetime | None:
    """When a piece of the upload last arrived (None: none has)."""
    if "s3" in meta:
        touched = meta["s3"].get("touched")
        return datetime.fromisoformat(touched) if touched else None
    try:
        return datetime.fromtimestamp(part_file(settings, upload_id).stat().st_mtime, UTC)
    except FileNotFoundError:
        return None


def discard(settings: Settings, blobs: BlobStore, upload_id: str, meta: dict[str, Any]) -> None:
    """Free an abandoned upload's bytes (its S3 multipart upload and tail objects, or its part and lock files)."""
    if isinstance(blobs, S3BlobStore) and "s3" in meta:
        from botocore.exceptions import ClientError

        with suppress(ClientError):  # completed or aborted already
            blobs.client.abort_multipart_upload(
                Bucket=blobs.bucket, Key=staging_key(blobs, upload_id), UploadId=meta["s3"]["upload_id"]
            )
        _delete_tails(blobs, upload_id)
    part_file(settings, upload_id).unlink(missing_ok=True)
    lock_file(settings, upload_id).unlink(missing_ok=True)


def _delete_tails(blobs: S3BlobStore, upload_id: str) -> None:
    pages = blobs.client.get_paginator("list_objects_v2").paginate(
        Bucket=blobs.bucket, Prefix=f"{blobs.prefix}uploads/{upload_id}/tail-"
    )
    for page in pages:
        keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        if keys:
            blobs.client.delete_objects(Bucket=blobs.bucket, Delete={"Objects": keys})
