"""The storage half of resumable uploads: receiving a piece, and turning a complete upload into a Recording.

`api.routers.uploads` speaks HTTP; this module keeps the bytes (`core.upload_parts`: a part file, or an
S3 multipart upload recorded in the upload's row) and the row's `received` offset in step. The offset
only moves by a compare-and-set from the value a request started at, so a piece is counted once even
when two requests race. With the local store one request per upload writes at a time (a lock file);
with S3 racing writers write identical parts, and no lock on a shared disk is needed.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import anyio
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import update
from sqlalchemy.orm import Session
from starlette.requests import ClientDisconnect

from api.access import visible_upload
from api.deps import Principal
from api.ingest import create_recording
from api.schemas import JobOptions, RecordingMeta, UploadOut
from core import upload_parts
from core.audit import record
from core.blobs import BlobStore, S3BlobStore, Staged, StagedFile
from core.db import session_scope
from core.errors import BadAudioError, ConflictError, InvalidInputError
from core.files import private_dir, private_file
from core.hashing import file_sha256, stream_sha256
from core.settings import Settings
from core.tables import Upload
from workers.queue import JobQueue

OFFSET_HEADER = "Upload-Offset"
_WRITE_BUFFER = 1 << 20


def upload_state(upload: Upload) -> UploadOut:
    return UploadOut(
        id=upload.id,
        filename=upload.filename,
        size=upload.size,
        received=upload.received,
        sha256=upload.sha256,
        complete=upload.recording_id is not None,
        recording_id=upload.recording_id,
        job_id=(upload.meta or {}).get("job_id"),
        created_at=upload.created_at,
    )


def out_of_order(received: int) -> ConflictError:
    return ConflictError(
        f"phần này bắt đầu sau byte {received} đã nhận; hãy gửi tiếp từ byte {received} (piece out of order)",
        extra={"expected_offset": received},
        headers={OFFSET_HEADER: str(received)},
    )


def read_state(settings: Settings, principal: Principal, upload_id: str) -> UploadOut:
    with session_scope(settings.resolved_database_url) as db:
        return upload_state(visible_upload(db, principal, upload_id))


@contextmanager
def _exclusive(settings: Settings, upload_id: str) -> Iterator[None]:
    """Hold the upload's lock file: one request (in any process) writes or completes an upload at a time."""
    private_dir(settings.upload_dir)
    with upload_parts.lock_file(settings, upload_id).open("a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ConflictError(
                "tệp này đang được ghi hoặc hoàn tất bởi một yêu cầu khác; hãy đợi rồi hỏi lại vị trí "
                "(another request is writing this upload)"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _guard(settings: Settings, blobs: BlobStore, upload_id: str) -> AbstractContextManager[None]:
    """The local store's lock; S3 needs none (see the module's docstring)."""
    return nullcontext() if isinstance(blobs, S3BlobStore) else _exclusive(settings, upload_id)


async def receive(request: Request, settings: Settings, blobs: BlobStore, upload_id: str, start: int, end: int) -> bool:
    """Append the body's bytes beyond the stored offset; keeps what arrived even if the client goes away.

    Returns whether the body ran past `end` (the bytes within the range are kept).
    """
    url = settings.resolved_database_url
    with _guard(settings, blobs, upload_id):
        received, size, meta = await run_in_threadpool(_row, url, upload_id)
        if start > received:
            raise out_of_order(received)
        sink = await anyio.to_thread.run_sync(upload_parts.sink, settings, blobs, upload_id, size, received, meta)
        skip, room = received - start, end + 1 - received
        buffer, taken, overflow = bytearray(), 0, False
        try:
            async for piece in request.stream():
                if skip:
                    dropped = min(skip, len(piece))
                    piece, skip = piece[dropped:], skip - dropped
                take = piece[: room - taken]
                buffer += take
                taken += len(take)
                if len(take) < len(piece):
                    overflow = True
                    break
                if len(buffer) >= _WRITE_BUFFER:
                    await anyio.to_thread.run_sync(sink.write, bytes(buffer))
                    buffer.clear()
        except ClientDisconnect:
            pass  # keep what came: the client resumes from the new offset
        finally:
            with anyio.CancelScope(shield=True):
                if buffer:
                    await anyio.to_thread.run_sync(sink.write, bytes(buffer))
                new, new_meta = await anyio.to_thread.run_sync(sink.finish)
                await run_in_threadpool(_advance, url, upload_id, received, new, new_meta)
    return overflow


def _row(url: str, upload_id: str) -> tuple[int, int, dict[str, Any]]:
    with session_scope(url) as db:
        upload = db.get_one(Upload, upload_id)
        return upload.received, upload.size, dict(upload.meta or {})


def _advance(url: str, upload_id: str, old: int, new: int, meta: dict[str, Any]) -> None:
    if new == old:
        return
    with session_scope(url) as db:
        db.execute(update(Upload).where(Upload.id == upload_id, Upload.received == old).values(received=new, meta=meta))


def complete(settings: Settings, blobs: BlobStore, principal: Principal, upload_id: str, queue: JobQueue) -> UploadOut:
    """All bytes are here: verify, then turn the upload into a Recording (and queue its job)."""
    url = settings.resolved_database_url
    with _guard(settings, blobs, upload_id):
        with session_scope(url) as db:
            upload = db.get_one(Upload, upload_id)
            state, meta = upload_state(upload), dict(upload.meta or {})
        if state.complete or state.received < state.size:
            return state  # completed by a request that held the lock before us
        staged, sha256 = _staged(settings, blobs, upload_id, meta)  # minutes for many GB: no transaction meanwhile
        with session_scope(url) as db:
            return _adopt(db, settings, blobs, principal, db.get_one(Upload, upload_id), staged, sha256, queue)


def _staged(settings: Settings, blobs: BlobStore, upload_id: str, meta: dict[str, Any]) -> tuple[Staged, str]:
    """The received file, assembled, and its SHA-256."""
    if isinstance(blobs, S3BlobStore):
        from botocore.exceptions import ClientError

        try:
            staged = upload_parts.assemble(blobs, upload_id, meta)
        except ClientError as exc:  # NoSuchUpload: another request assembled it first
            raise ConflictError(
                "tệp này đang được hoàn tất bởi một yêu cầu khác; hãy hỏi lại vị trí "
                "(another request is completing this upload)"
            ) from exc
        with staged.source.open() as f:
            return staged, stream_sha256(f)
    part = upload_parts.part_file(settings, upload_id)
    return StagedFile(part, blobs), file_sha256(part)


def _adopt(
    db: Session,
    settings: Settings,
    blobs: BlobStore,
    principal: Principal,
    upload: Upload,
    staged: Staged,
    sha256: str,
    queue: JobQueue,
) -> UploadOut:
    """Check the received file and turn it into a Recording and its job; the caller holds the upload's lock."""
    if upload.sha256 is not None and sha256 != upload.sha256:
        staged.discard()
        _restart(db, settings, blobs, upload)
        raise InvalidInputError(
            "mã SHA-256 của dữ liệu nhận được không khớp mã đã khai báo; tải lên lại từ đầu "
            "(checksum mismatch: the upload starts over)",
            extra={"expected_sha256": upload.sha256, "received_sha256": sha256},
        )
    meta = upload.meta or {}
    options = JobOptions.model_validate(meta["job"]) if meta.get("job") is not None else None
    try:
        recording, job = create_recording(
            db,
            settings,
            principal,
            staged=staged,
            sha256=sha256,
            size=upload.size,
            filename=upload.filename,
            meta=RecordingMeta.model_validate(meta.get("recording") or {}),
            org_unit_id=upload.org_unit_id,
            job_options=options,
        )
    except BadAudioError:
        _restart(db, settings, blobs, upload)
        raise
    upload.recording_id, upload.sha256 = recording.id, sha256
    upload.meta = {**meta, "job_id": job.id if job else None}
    record(db, principal.name, "upload.complete", f"upload:{upload.id}", recording=recording.id)
    db.commit()
    if job is not None:
        queue.enqueue(job.id)
    upload_parts.lock_file(settings, upload.id).unlink(missing_ok=True)
    return upload_state(upload)


def _restart(db: Session, settings: Settings, blobs: BlobStore, upload: Upload) -> None:
    """Drop the received bytes (they are wrong) and commit that, so the client can send the file again."""
    if isinstance(blobs, S3BlobStore):
        upload.meta = {**(upload.meta or {}), **upload_parts.begin(settings, blobs, upload.id)}
    else:
        private_file(upload_parts.part_file(settings, upload.id)).write_bytes(b"")
    upload.received = 0
    db.commit()
