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

Where the partial data lives (a part file named by our id, never by the client's, or an S3 multipart
upload) is `api.resumable`'s concern; this module speaks HTTP.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.access import MAY_UPLOAD, READERS, allow, owning_unit, visible_upload
from api.deps import BlobsDep, DbSession, Principal, get_settings_dep
from api.ingest import release, run_ingest, safe_filename
from api.resumable import OFFSET_HEADER, complete, out_of_order, read_state, receive, upload_state
from api.schemas import RecordingMeta, UploadCreate, UploadOut
from core import upload_parts
from core.audit import record
from core.blobs import S3BlobStore
from core.errors import ConflictError, FileTooLargeError, ForbiddenError, InvalidInputError
from core.files import ensure_free_space
from core.settings import Settings
from core.tables import Upload
from workers.queue import JobQueue

router = APIRouter(tags=["uploads"])

SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
Reader = Annotated[Principal, Depends(allow("recordings:read", *READERS))]
Uploader = Annotated[Principal, Depends(MAY_UPLOAD)]

LENGTH_HEADER = "Upload-Length"
_CONTENT_RANGE = re.compile(r"^bytes (\d{1,16})-(\d{1,16})/(\d{1,16}|\*)$")
_CHUNK_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _headers(state: UploadOut) -> dict[str, str]:
    return {OFFSET_HEADER: str(state.received), LENGTH_HEADER: str(state.size), "Cache-Control": "no-store"}


@router.post("/uploads", status_code=201, response_model=UploadOut)
def create_upload(
    body: UploadCreate,
    response: Response,
    db: DbSession,
    settings: SettingsDep,
    blobs: BlobsDep,
    principal: Uploader,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=200)] = None,
) -> UploadOut:
    """Announce a file; answers its upload id (201), or the existing upload for a repeated `Idempotency-Key` (200)."""
    if body.size > settings.max_upload_mb * (1 << 20):
        raise FileTooLargeError(f"tệp vượt giới hạn {settings.max_upload_mb} MiB (file too large)")
    if body.start_job and not principal.allows("jobs:write"):
        raise ForbiddenError("khóa API không có quyền jobs:write (API key lacks scope jobs:write)")
    key = principal.scoped(idempotency_key) if idempotency_key else None
    filename = safe_filename(body.filename)
    if key is not None and (existing := db.scalar(select(Upload).where(Upload.idempotency_key == key))):
        return _repeat(existing, body, filename, response)
    if not isinstance(blobs, S3BlobStore):  # before a byte is sent
        ensure_free_space(settings.upload_dir, body.size, reserve=settings.min_free_mb << 20)
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
    upload.meta = {**upload.meta, **upload_parts.begin(settings, blobs, upload.id)}
    db.commit()
    state = upload_state(upload)
    response.headers.update(_headers(state) | {"Location": f"/uploads/{upload.id}"})
    return state


def _repeat(existing: Upload, body: UploadCreate, filename: str, response: Response) -> UploadOut:
    if existing.filename != filename or existing.size != body.size or existing.sha256 != body.sha256:
        raise ConflictError(
            "Idempotency-Key này đã dùng cho một tệp khác (the Idempotency-Key was used for a different file)",
            extra={"upload_id": existing.id},
        )
    response.status_code = 200
    state = upload_state(existing)
    response.headers.update(_headers(state) | {"Location": f"/uploads/{existing.id}"})
    return state


@router.get("/uploads/{upload_id}", response_model=UploadOut)
def get_upload(upload_id: str, response: Response, db: DbSession, principal: Reader) -> UploadOut:
    """Where an upload stands: resume from `received` (also in the `Upload-Offset` header)."""
    state = upload_state(visible_upload(db, principal, upload_id))
    response.headers.update(_headers(state))
    return state


@router.head("/uploads/{upload_id}", response_class=Response)
def head_upload(upload_id: str, db: DbSession, principal: Reader) -> Response:
    """The received offset in `Upload-Offset`, without a body."""
    return Response(status_code=200, headers=_headers(upload_state(visible_upload(db, principal, upload_id))))


@router.delete("/uploads/{upload_id}", status_code=204, response_class=Response)
def abort_upload(
    upload_id: str, db: DbSession, settings: SettingsDep, blobs: BlobsDep, principal: Uploader
) -> Response:
    """Give up an unfinished upload and free its space; a finished one is kept (it is a recording now)."""
    upload = visible_upload(db, principal, upload_id)
    if upload.recording_id is not None:
        raise ConflictError(
            "phiên tải lên đã hoàn tất (the upload is complete)", extra={"recording_id": upload.recording_id}
        )
    meta = dict(upload.meta or {})
    db.delete(upload)
    record(db, principal.name, "upload.abort", f"upload:{upload_id}")
    db.commit()
    upload_parts.discard(settings, blobs, upload_id, meta)
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
    blobs: BlobsDep,
    principal: Uploader,
    content_range: Annotated[str, Header(max_length=100, description="bytes <đầu>-<cuối>/<kích thước>")],
) -> Response:
    """Store one piece. 200 with the new offset; 201 when it was the last one (the upload is then a recording)."""
    await run_in_threadpool(release, db)  # a piece may take minutes to arrive
    start, end, total = _parse_range(content_range)
    state = await run_in_threadpool(read_state, settings, principal, upload_id)
    if state.complete:
        return _reply(state, 200)  # the last piece sent again after a lost answer
    if (total is not None and total != state.size) or end >= state.size:
        raise InvalidInputError(
            f"Content-Range {content_range!r} không khớp kích thước {state.size} đã khai báo (range outside the file)"
        )
    if start > state.received:
        raise out_of_order(state.received)
    if end >= state.received:  # otherwise every byte of it is stored already: a retry, acknowledged again
        overflow = await receive(request, settings, blobs, upload_id, start, end)
        state = await run_in_threadpool(read_state, settings, principal, upload_id)
        if overflow:
            raise InvalidInputError(
                f"phần gửi dài hơn Content-Range; đã giữ {state.received} byte (body longer than its range)",
                extra={"received": state.received},
                headers=_headers(state),
            )
    if state.received < state.size:
        return _reply(state, 200)
    queue: JobQueue = request.app.state.queue
    state = await run_ingest(request, lambda: complete(settings, blobs, principal, upload_id, queue))
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
