"""Recordings: multipart upload with the meeting's metadata, listing and search, metadata edits, audio for the editor.

The editor's player seeks with HTTP Range requests (206), so an hour into an 8-hour session
plays without downloading what comes before.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Header, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased
from starlette.responses import MalformedRangeHeader, RangeNotSatisfiable

from api.access import owning_unit, visible_recording, visible_recordings
from api.deps import (
    BlobsDep,
    DbSession,
    Principal,
    RecordingsEditor,
    RecordingsReader,
    RecordingsUploader,
    SettingsDep,
)
from api.ingest import create_recording, fold, release, run_ingest, search_text, submit
from api.problems import RangeNotSatisfiableError
from api.schemas import (
    MAX_INT,
    JobOptions,
    JobOut,
    RecordingCreated,
    RecordingDetail,
    RecordingOut,
    RecordingPage,
    RecordingPatch,
    RecordingUploadForm,
    Text,
)
from api.spool import HomeSpooledRoute
from core.audit import record
from core.blobs import BlobStore, S3Object
from core.errors import ConflictError, ForbiddenError
from core.settings import Settings
from core.tables import Job, JobKind, Recording, TranscriptDoc

router = APIRouter(tags=["recordings"], route_class=HomeSpooledRoute)

MiB = 1 << 20


@router.post("/recordings", status_code=201, response_model=RecordingCreated)
async def upload_recording(
    form: Annotated[RecordingUploadForm, Form()],
    file: Annotated[UploadFile, File(description="Bản ghi âm hoặc video cuộc họp (định dạng nhận biết theo nội dung)")],
    request: Request,
    response: Response,
    db: DbSession,
    settings: SettingsDep,
    blobs: BlobsDep,
    principal: RecordingsUploader,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=200)] = None,
) -> RecordingCreated:
    """Upload a whole recording in one request with its metadata; transcription is queued unless `start_job=false`.

    Sent again with the same `Idempotency-Key` (per caller), it answers 200 with the recording and job the first
    request made, so a client that lost the answer (a dropped connection) may retry without storing it twice;
    the same key with another file is refused (409). For files of several GB use the resumable `/uploads`.
    """
    if form.start_job and not principal.allows("jobs:write"):
        raise ForbiddenError("khóa API không có quyền jobs:write (API key lacks scope jobs:write)")

    def unit() -> int | None:
        org_unit_id = owning_unit(db, principal, form.org_unit_id)
        release(db)  # no connection may be held while waiting for an ingest thread
        return org_unit_id

    org_unit_id = await run_in_threadpool(unit)
    key = principal.scoped(idempotency_key) if idempotency_key else None
    return await run_ingest(
        request, lambda: _ingest(form, file, request, response, db, settings, blobs, principal, org_unit_id, key)
    )


def _ingest(
    form: RecordingUploadForm,
    file: UploadFile,
    request: Request,
    response: Response,
    db: Session,
    settings: Settings,
    blobs: BlobStore,
    principal: Principal,
    org_unit_id: int | None,
    key: str | None,
) -> RecordingCreated:
    staged, sha256, size = blobs.stage(iter(lambda: file.file.read(MiB), b""), max_bytes=settings.max_upload_mb * MiB)
    if key is not None and (earlier := db.scalar(select(Recording).where(Recording.idempotency_key == key))):
        staged.discard()
        return _sent_before(db, earlier, sha256, response)
    options = JobOptions(engine=form.engine, diarize=form.diarize) if form.start_job else None
    try:
        recording, job = create_recording(
            db,
            settings,
            principal,
            staged=staged,
            sha256=sha256,
            size=size,
            filename=file.filename or "",
            meta=form,
            org_unit_id=org_unit_id,
            job_options=options,
            idempotency_key=key,
        )
    except IntegrityError:  # the same key raced us, and its request committed first: that recording is the one
        db.rollback()
        earlier = db.scalar(select(Recording).where(Recording.idempotency_key == key)) if key else None
        if earlier is None:
            raise
        return _sent_before(db, earlier, sha256, response)
    submit(request, db, job)
    response.headers["Location"] = f"/recordings/{recording.id}"
    return RecordingCreated(
        recording=RecordingOut.model_validate(recording), job=JobOut.model_validate(job) if job else None
    )


def _sent_before(db: Session, earlier: Recording, sha256: str, response: Response) -> RecordingCreated:
    """The answer to a repeated `Idempotency-Key`: the recording (and first job) it made, if it was this file."""
    if earlier.sha256 != sha256:
        raise ConflictError(
            "Idempotency-Key này đã dùng cho một tệp khác (the Idempotency-Key was used for a different file)",
            extra={"recording_id": earlier.id},
        )
    job = db.scalar(select(Job).where(Job.recording_id == earlier.id).order_by(Job.created_at, Job.id).limit(1))
    response.status_code = 200
    response.headers["Location"] = f"/recordings/{earlier.id}"
    return RecordingCreated(
        recording=RecordingOut.model_validate(earlier), job=JobOut.model_validate(job) if job else None
    )


@router.get("/recordings", response_model=RecordingPage)
def list_recordings(
    db: DbSession,
    principal: RecordingsReader,
    q: Annotated[Text | None, Query(max_length=200, description="Tìm theo tiêu đề, tên tệp, người dự")] = None,
    body: Annotated[Text | None, Query(max_length=300, description="Đúng cơ quan họp")] = None,
    date_from: Annotated[date | None, Query(description="Họp từ ngày")] = None,
    date_to: Annotated[date | None, Query(description="Họp đến ngày")] = None,
    org_unit_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> RecordingPage:
    """Recordings the caller may see, newest first; `q` ignores case and diacritics (`ha noi` finds `Hà Nội`)."""
    query = visible_recordings(principal, org_unit_id=org_unit_id, body=body, date_from=date_from, date_to=date_to)
    for term in fold(q or "").split():
        query = query.where(Recording.search_text.contains(term, autoescape=True))
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.scalars(query.order_by(Recording.created_at.desc(), Recording.id).limit(limit).offset(offset)).all()
    return RecordingPage(items=_details(db, rows), total=total, limit=limit, offset=offset)


@router.get("/recordings/{recording_id}", response_model=RecordingDetail)
def get_recording(recording_id: str, db: DbSession, principal: RecordingsReader) -> RecordingDetail:
    (detail,) = _details(db, [visible_recording(db, principal, recording_id)])
    return detail


def _details(db: Session, recordings: Sequence[Recording]) -> list[RecordingDetail]:
    """Recordings with their transcript version and newest transcription job, in two queries for any number
    (the newest job of each by a window function, not every job of every recording)."""
    ids = [r.id for r in recordings]
    versions = {
        recording_id: version
        for recording_id, version in db.execute(
            select(TranscriptDoc.recording_id, TranscriptDoc.version).where(TranscriptDoc.recording_id.in_(ids))
        )
    }
    newest_first = (Job.created_at.desc(), Job.id.desc())
    ranked = (
        select(Job, func.row_number().over(partition_by=Job.recording_id, order_by=newest_first).label("rank"))
        .where(Job.recording_id.in_(ids), Job.kind == JobKind.transcription)
        .subquery()
    )
    newest = aliased(Job, ranked)
    latest = {job.recording_id: job for job in db.scalars(select(newest).where(ranked.c.rank == 1))}
    return [
        RecordingDetail.model_validate(
            {
                **RecordingOut.model_validate(r).model_dump(),
                "transcript_version": versions.get(r.id) or None,
                "latest_job": JobOut.model_validate(latest[r.id]) if r.id in latest else None,
            }
        )
        for r in recordings
    ]


@router.patch("/recordings/{recording_id}", response_model=RecordingOut)
def update_recording(
    recording_id: str, patch: RecordingPatch, db: DbSession, principal: RecordingsEditor
) -> RecordingOut:
    """Change the meeting's metadata; fields left out (or null, except `meeting_date`) keep their value."""
    recording = visible_recording(db, principal, recording_id)
    changes = {k: v for k, v in patch.model_dump(exclude_unset=True).items() if v is not None or k == "meeting_date"}
    for key, value in changes.items():
        setattr(recording, key, value)
    recording.search_text = search_text(recording)
    record(db, principal.name, "recording.update", f"recording:{recording.id}", fields=sorted(changes))
    db.commit()
    return RecordingOut.model_validate(recording)


_AUDIO = {
    "response_class": FileResponse,
    "responses": {206: {"description": "Một phần tệp (Range)"}, 416: {"description": "Khoảng byte không hợp lệ"}},
}


@router.get("/recordings/{recording_id}/audio", operation_id="get_recording_audio", **_AUDIO)  # type: ignore[arg-type]
@router.head("/recordings/{recording_id}/audio", operation_id="head_recording_audio", **_AUDIO)  # type: ignore[arg-type]
def recording_audio(
    recording_id: str, request: Request, db: DbSession, blobs: BlobsDep, principal: RecordingsReader
) -> Response:
    """The original file, as uploaded; honours `Range` (206) and `If-Range` so the editor's player can seek."""
    recording = visible_recording(db, principal, recording_id)
    audio = blobs.audio(recording.sha256)
    size = audio.stat().st_size if isinstance(audio, Path) else audio.size
    etag = f'"{recording.sha256}"'
    requested = request.headers.get("range")
    if_range = request.headers.get("if-range")
    ranges = _check_range(requested, size) if requested is not None and if_range in (None, etag) else None
    if request.method == "GET" and (requested is None or requested.replace(" ", "").startswith("bytes=0-")):
        # A download, or a player starting: audited once, not on every seek.
        record(db, principal.name, "recording.audio", f"recording:{recording.id}", range=requested)
    headers = {"ETag": etag, "Cache-Control": "private, max-age=86400"}
    if isinstance(audio, Path):
        return FileResponse(
            audio,
            media_type=recording.media_type,
            filename=recording.filename,
            content_disposition_type="inline",
            headers=headers,
        )
    return _object_response(audio, request, recording, ranges, headers)


def _object_response(
    audio: S3Object,
    request: Request,
    recording: Recording,
    ranges: list[tuple[int, int]] | None,
    headers: dict[str, str],
) -> Response:
    """An object in S3, streamed through (one range, or the whole file when several are asked for)."""
    start, end = ranges[0] if ranges and len(ranges) == 1 else (0, audio.size)
    headers |= {
        "Accept-Ranges": "bytes",
        "Content-Length": str(end - start),
        "Content-Disposition": f"inline; filename*=utf-8''{quote(recording.filename)}",
    }
    status = 200
    if ranges and len(ranges) == 1:
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{audio.size}"
        status = 206
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers, media_type=recording.media_type)

    def body() -> Iterator[bytes]:
        with audio.open() as f:
            f.seek(start)
            left = end - start
            while left > 0 and (piece := f.read(min(left, 1 << 20))):
                left -= len(piece)
                yield piece

    return StreamingResponse(body(), status_code=status, headers=headers, media_type=recording.media_type)


def _check_range(requested: str, size: int) -> list[tuple[int, int]]:
    """The (start, end-exclusive) ranges asked for; one the file cannot serve is refused as a problem document
    (Starlette would answer in plain text)."""
    try:
        return FileResponse._parse_range_header(requested, size)
    except (MalformedRangeHeader, RangeNotSatisfiable) as exc:
        raise RangeNotSatisfiableError(
            f"khoảng byte {requested[:100]!r} không hợp lệ với tệp {size} byte (range not satisfiable)",
            headers={"Content-Range": f"bytes */{size}"},
            extra={"size": size},
        ) from exc
