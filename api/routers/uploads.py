"""Resumable uploads for session files of many GB: announce, send pieces, resume after any break.

1. `POST /uploads` {filename, size, sha256?, metadata} → an upload id. The same `Idempotency-Key`
   (per caller) returns the same upload, so a client that lost the answer does not start twice.
2. `PUT` (or `PATCH`) `/uploads/{id}` with `Content-Range: bytes <first>-<last>/<size>` and the bytes.
   A piece must start at or before the received offset: one already stored is acknowledged again
   (a retry is harmless), one that starts later is refused with 409 and the expected offset.
   Bytes that arrived before a connection broke are kept.
3. `HEAD` or `GET /uploads/{id}` tells the received offset (`Upload-Offset`) to resume from.
4. With the last byte the SHA-256 is checked (a mismatch starts the upload over), the content
   is checked as audio, and the Recording and its job are created.

Partial data lives in `settings.upload_dir/<id>.part`, named by our id, never by the client's.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Annotated

import anyio
from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.requests import ClientDisconnect

from api.access import MAY_UPLOAD, READERS, allow, owning_unit, visible_upload
from api.deps import DbSession, Principal, get_settings_dep
from api.ingest import create_recording, release, run_ingest, safe_filename
from api.schemas import JobOptions, RecordingMeta, UploadCreate, UploadOut
from core.audit import record
from core.db import session_scope
from core.errors import BadAudioError, ConflictError, FileTooLargeError, ForbiddenError, InvalidInputError
from core.files import ensure_free_space, private_dir, private_file
from core.hashing import file_sha256
from core.settings import Settings
from core.tables import Upload
from workers.queue import JobQueue

router = APIRouter(tags=["uploads"])

SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
Reader = Annotated[Principal, Depends(allow("recordings:read", *READERS))]
Uploader = Annotated[Principal, Depends(MAY_UPLOAD)]

OFFSET_HEADER = "Upload-Offset"
LENGTH_HEADER = "Upload-Length"
_WRITE_BUFFER = 1 << 20
_CONTENT_RANGE = re.compile(r"^bytes (\d{1,16})-(\d{1,16})/(\d{1,16}|\*)$")
_CHUNK_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _part(settings: Settings, upload_id: str) -> Path:
    return settings.upload_dir / f"{upload_id}.part"


def _out(upload: Upload) -> UploadOut:
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


def _headers(state: UploadOut) -> dict[str, str]:
    return {OFFSET_HEADER: str(state.received), LENGTH_HEADER: str(state.size), "Cache-Control": "no-store"}


def _scoped_key(principal: Principal, key: str) -> str:
    """Idempotency keys are per caller (its key id or user id, never a name that may repeat): two callers choosing
    the same key never see each other's upload."""
    return hashlib.sha256(f"{principal.identity}\n{key}".encode()).hexdigest()


@router.post("/uploads", status_code=201, response_model=UploadOut)
def create_upload(
    body: UploadCreate,
    response: Response,
    db: DbSession,
    settings: SettingsDep,
    principal: Uploader,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=200)] = None,
) -> UploadOut:
    """Announce a file; answers its upload id (201), or the existing upload for a repeated `Idempotency-Key` (200)."""
    if body.size > settings.max_upload_mb * (1 << 20):
        raise FileTooLargeError(f"tệp vượt giới hạn {settings.max_upload_mb} MiB (file too large)")
    if body.start_job and not principal.allows("jobs:write"):
        raise ForbiddenError("khóa API không có quyền jobs:write (API key lacks scope jobs:write)")
    key = _scoped_key(principal, idempotency_key) if idempotency_key else None
    filename = safe_filename(body.filename)
    if key is not None and (existing := db.scalar(select(Upload).where(Upload.idempotency_key == key))):
        return _repeat(existing, body, filename, response)
    ensure_free_space(settings.upload_dir, body.size, reserve=settings.min_free_mb << 20)  # before a byte is sent
    upload = Upload(
        idempotency_key=key,
        org_unit_id=owning_unit(db, principal, body.org_unit_id),
        created_by=principal.name,
        filename=filename,
        size=body.size,
        sha256=body.sha256,
        received=0,
        meta={
            "recording": body.model_dump(include=set(RecordingMeta.model_fields), mode="json"),
            "job": body.job.model_dump(exclude_none=True, mode="json") if body.start_job else None,
        },
    )
    db.add(upload)
    try:
        db.flush()
    except IntegrityError:  # the same key raced us: the other request's upload is the one
        db.rollback()
        existing = db.scalar(select(Upload).where(Upload.idempotency_key == key))
        if existing is None:
            raise
        return _repeat(existing, body, filename, response)
    record(db, principal.name, "upload.create", f"upload:{upload.id}", filename=filename, size=body.size)
    private_file(_part(settings, upload.id))
    db.commit()
    state = _out(upload)
    response.headers.update(_headers(state) | {"Location": f"/uploads/{upload.id}"})
    return state


def _repeat(existing: Upload, body: UploadCreate, filename: str, response: Response) -> UploadOut:
    if existing.filename != filename or existing.size != body.size or existing.sha256 != body.sha256:
        raise ConflictError(
            "Idempotency-Key này đã dùng cho một tệp khác (the Idempotency-Key was used for a different file)",
            extra={"upload_id": existing.id},
        )
    response.status_code = 200
    state = _out(existing)
    response.headers.update(_headers(state) | {"Location": f"/uploads/{existing.id}"})
    return state


@router.get("/uploads/{upload_id}", response_model=UploadOut)
def get_upload(upload_id: str, response: Response, db: DbSession, principal: Reader) -> UploadOut:
    """Where an upload stands: resume from `received` (also in the `Upload-Offset` header)."""
    state = _out(visible_upload(db, principal, upload_id))
    response.headers.update(_headers(state))
    return state


@router.head("/uploads/{upload_id}", response_class=Response)
def head_upload(upload_id: str, db: DbSession, principal: Reader) -> Response:
    """The received offset in `Upload-Offset`, without a body."""
    return Response(status_code=200, headers=_headers(_out(visible_upload(db, principal, upload_id))))


@router.delete("/uploads/{upload_id}", status_code=204, response_class=Response)
def abort_upload(upload_id: str, db: DbSession, settings: SettingsDep, principal: Uploader) -> Response:
    """Give up an unfinished upload and free its space; a finished one is kept (it is a recording now)."""
    upload = visible_upload(db, principal, upload_id)
    if upload.recording_id is not None:
        raise ConflictError(
            "phiên tải lên đã hoàn tất (the upload is complete)", extra={"recording_id": upload.recording_id}
        )
    db.delete(upload)
    record(db, principal.name, "upload.abort", f"upload:{upload_id}")
    db.commit()
    _part(settings, upload_id).unlink(missing_ok=True)
    (settings.upload_dir / f"{upload_id}.lock").unlink(missing_ok=True)
    return Response(status_code=204)


_PIECE = {
    "response_model": UploadOut,
    "openapi_extra": _CHUNK_BODY,
    "responses": {
        201: {"description": "Tệp đã đủ: bản ghi và công việc đã được tạo"},
        409: {"description": "Sai vị trí"},
    },
}


@router.put("/uploads/{upload_id}", operation_id="put_upload_piece", **_PIECE)  # type: ignore[arg-type]
@router.patch("/uploads/{upload_id}", operation_id="patch_upload_piece", **_PIECE)  # type: ignore[arg-type]
async def put_piece(
    upload_id: str,
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    principal: Uploader,
    content_range: Annotated[str, Header(max_length=100, description="bytes <đầu>-<cuối>/<kích thước>")],
) -> Response:
    """Store one piece. 200 with the new offset; 201 when it was the last one (the upload is then a recording)."""
    await run_in_threadpool(release, db)  # a piece may take minutes to arrive
    start, end, total = _parse_range(content_range)
    state = await run_in_threadpool(_state, settings, principal, upload_id)
    if state.complete:
        return _reply(state, 200)  # the last piece sent again after a lost answer
    if (total is not None and total != state.size) or end >= state.size:
        raise InvalidInputError(
            f"Content-Range {content_range!r} không khớp kích thước {state.size} đã khai báo (range outside the file)"
        )
    if start > state.received:
        raise _out_of_order(state.received)
    if end >= state.received:  # otherwise every byte of it is stored already: a retry, acknowledged again
        overflow = await _receive(request, settings, upload_id, start, end)
        state = await run_in_threadpool(_state, settings, principal, upload_id)
        if overflow:
            raise InvalidInputError(
                f"phần gửi dài hơn Content-Range; đã giữ {state.received} byte (body longer than its range)",
                extra={"received": state.received},
                headers=_headers(state),
            )
    if state.received < state.size:
        return _reply(state, 200)
    queue: JobQueue = request.app.state.queue
    state = await run_ingest(request, lambda: _complete(settings, principal, upload_id, queue))
    return _reply(state, 201)


def _reply(state: UploadOut, status: int) -> Response:
    return Response(state.model_dump_json(), status_code=status, media_type="application/json", headers=_headers(state))


def _parse_range(header: str) -> tuple[int, int, int | None]:
    match = _CONTENT_RANGE.match(header.strip())
    if match is None or int(match[1]) > int(match[2]):
        raise InvalidInputError(
            f"Content-Range {header[:100]!r} không hợp lệ; cần dạng bytes <đầu>-<cuối>/<kích thước> (bad Content-Range)"
        )
    return int(match[1]), int(match[2]), None if match[3] == "*" else int(match[3])


def _out_of_order(received: int) -> ConflictError:
    return ConflictError(
        f"phần này bắt đầu sau byte {received} đã nhận; hãy gửi tiếp từ byte {received} (piece out of order)",
        extra={"expected_offset": received},
        headers={OFFSET_HEADER: str(received)},
    )


def _state(settings: Settings, principal: Principal, upload_id: str) -> UploadOut:
    with session_scope(settings.resolved_database_url) as db:
        return _out(visible_upload(db, principal, upload_id))


@contextmanager
def _exclusive(settings: Settings, upload_id: str) -> Iterator[None]:
    """Hold the upload's lock file: one request (in any process) writes or completes an upload at a time."""
    private_dir(settings.upload_dir)
    with (settings.upload_dir / f"{upload_id}.lock").open("a+b") as lock:
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


async def _receive(request: Request, settings: Settings, upload_id: str, start: int, end: int) -> bool:
    """Append the body's bytes beyond the stored offset; keeps what arrived even if the client goes away.

    Returns whether the body ran past `end` (the bytes within the range are kept).
    """
    url = settings.resolved_database_url
    with _exclusive(settings, upload_id), _part(settings, upload_id).open("ab") as f:
        received = await run_in_threadpool(_received, url, upload_id)
        if start > received:
            raise _out_of_order(received)
        await anyio.to_thread.run_sync(f.truncate, received)  # bytes past the recorded offset are unconfirmed
        skip, room = received - start, end + 1 - received
        buffer, written, overflow = bytearray(), 0, False
        try:
            async for piece in request.stream():
                if skip:
                    dropped = min(skip, len(piece))
                    piece, skip = piece[dropped:], skip - dropped
                take = piece[: room - written - len(buffer)]
                buffer += take
                if len(take) < len(piece):
                    overflow = True
                    break
                if len(buffer) >= _WRITE_BUFFER:
                    written += await anyio.to_thread.run_sync(f.write, bytes(buffer))
                    buffer.clear()
        except ClientDisconnect:
            pass  # keep what came: the client resumes from the new offset
        finally:
            with anyio.CancelScope(shield=True):
                if buffer:
                    written += await anyio.to_thread.run_sync(f.write, bytes(buffer))
                await anyio.to_thread.run_sync(_sync, f)
                await run_in_threadpool(_advance, url, upload_id, received, received + written)
    return overflow


def _sync(f: IO[bytes]) -> None:
    f.flush()
    os.fsync(f.fileno())


def _received(url: str, upload_id: str) -> int:
    with session_scope(url) as db:
        return db.scalar(select(Upload.received).where(Upload.id == upload_id)) or 0


def _advance(url: str, upload_id: str, old: int, new: int) -> None:
    if new == old:
        return
    with session_scope(url) as db:
        db.execute(update(Upload).where(Upload.id == upload_id, Upload.received == old).values(received=new))


def _complete(settings: Settings, principal: Principal, upload_id: str, queue: JobQueue) -> UploadOut:
    """All bytes are here: verify, then turn the upload into a Recording (and queue its job)."""
    part = _part(settings, upload_id)
    url = settings.resolved_database_url
    with _exclusive(settings, upload_id):
        with session_scope(url) as db:
            state = _out(db.get_one(Upload, upload_id))
        if state.complete or state.received < state.size:
            return state  # completed by a request that held the lock before us
        sha256 = file_sha256(part)  # minutes for many GB: no transaction stays open meanwhile
        with session_scope(url) as db:
            return _adopt(db, settings, principal, db.get_one(Upload, upload_id), part, sha256, queue)


def _adopt(
    db: Session, settings: Settings, principal: Principal, upload: Upload, part: Path, sha256: str, queue: JobQueue
) -> UploadOut:
    """Check the received file and turn it into a Recording and its job; the caller holds the upload's lock."""
    if upload.sha256 is not None and sha256 != upload.sha256:
        _restart(db, upload, part)
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
            staged=part,
            sha256=sha256,
            size=upload.size,
            filename=upload.filename,
            meta=RecordingMeta.model_validate(meta.get("recording") or {}),
            org_unit_id=upload.org_unit_id,
            job_options=options,
        )
    except BadAudioError:
        _restart(db, upload, part)
        raise
    upload.recording_id, upload.sha256 = recording.id, sha256
    upload.meta = {**meta, "job_id": job.id if job else None}
    record(db, principal.name, "upload.complete", f"upload:{upload.id}", recording=recording.id)
    db.commit()
    if job is not None:
        queue.enqueue(job.id)
    (settings.upload_dir / f"{upload.id}.lock").unlink(missing_ok=True)
    return _out(upload)


def _restart(db: Session, upload: Upload, part: Path) -> None:
    """Drop the received bytes (they are wrong) and commit that, so the client can send the file again."""
    private_file(part).write_bytes(b"")
    upload.received = 0
    db.commit()
