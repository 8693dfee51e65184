"""Transcripts as versioned documents: read with an ETag, save with If-Match, history, diff, restore, export.

Every save is a new immutable version. A save names the version it was made from
(`If-Match: "v<N>"`); if another clerk saved in between it is refused with 412 and nothing
is overwritten. A save without If-Match is refused with 428, so no client can overwrite by
accident. Restoring an old version is a new version with the old content: history only grows.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, Path, Query, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access import EDITORS, READERS, allow, visible_recording
from api.deps import DbSession, Principal
from api.problems import PreconditionFailedError, PreconditionRequiredError
from api.schemas import (
    MAX_INT,
    ExportFormat,
    SegmentDiff,
    TranscriptDiff,
    TranscriptEdit,
    TranscriptOut,
    VersionSummary,
)
from core.audit import record
from core.errors import ConflictError, NotFoundError
from core.export import render
from core.tables import Recording, TranscriptDoc, TranscriptVersion
from core.text import strip_diacritics
from core.transcript import Transcript
from core.transcript_diff import diff_transcripts
from core.transcript_store import save_version

router = APIRouter(tags=["transcripts"])

Reader = Annotated[Principal, Depends(allow("transcripts:read", *READERS))]
Editor = Annotated[Principal, Depends(allow("transcripts:write", *EDITORS))]
VersionNumber = Annotated[int, Path(ge=1, le=MAX_INT)]
IfMatch = Annotated[str | None, Header(max_length=1000, description='Phiên bản đã sửa, ví dụ "v3"')]

MEDIA_TYPES: dict[str, str] = {
    "txt": "text/plain; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
BASE = "/recordings/{recording_id}/transcript"


def etag(version: int) -> str:
    return f'"v{version}"'


def _matches(if_match: str, current: int) -> bool:
    """RFC 9110 If-Match: `*` matches any current version; otherwise a strong `"v<N>"` of the current one."""
    tags = [t.strip() for t in if_match.split(",")]
    if "*" in tags:
        return current > 0
    return etag(current) in tags


def _doc(db: Session, recording_id: str) -> TranscriptDoc | None:
    return db.scalar(select(TranscriptDoc).where(TranscriptDoc.recording_id == recording_id))


def _row(db: Session, recording_id: str, version: int | None = None) -> TranscriptVersion:
    """A stored version (the current one when `version` is None); 404 if there is none."""
    doc = _doc(db, recording_id)
    number = version if version is not None else (doc.version if doc else 0)
    row = (
        db.scalar(
            select(TranscriptVersion).where(
                TranscriptVersion.transcript_id == doc.id, TranscriptVersion.version == number
            )
        )
        if doc is not None and number > 0
        else None
    )
    if row is None:
        what = f"phiên bản {number}" if version is not None else "bản gỡ băng"
        raise NotFoundError(f"bản ghi này chưa có {what} (no such transcript version)")
    return row


def _out(recording_id: str, row: TranscriptVersion) -> TranscriptOut:
    return TranscriptOut(
        recording_id=recording_id,
        version=row.version,
        author=row.author,
        comment=row.comment,
        created_at=row.created_at,
        transcript=Transcript.model_validate_json(row.document),
    )


def _stale(current: int, message: str) -> PreconditionFailedError:
    return PreconditionFailedError(
        message, extra={"current_version": current}, headers={"ETag": etag(current)} if current else None
    )


def _save(
    db: Session,
    principal: Principal,
    recording: Recording,
    transcript: Transcript,
    *,
    comment: str,
    if_match: str | None,
    action: str,
    **detail: object,
) -> TranscriptOut:
    """Store the next version if `if_match` names the current one (None: the caller checked, e.g. restore)."""
    doc = _doc(db, recording.id)
    current = doc.version if doc else 0
    if if_match is not None and not _matches(if_match, current):
        raise _stale(
            current,
            f"bản gỡ băng đã được lưu thành phiên bản {current} sau khi bạn mở; hãy tải lại rồi sửa tiếp "
            "(the transcript changed since you loaded it)",
        )
    try:
        version = save_version(
            db, recording.id, transcript, author=principal.name, comment=comment, expected_version=current
        )
    except ConflictError as exc:  # another save committed between our read and our write
        doc = _doc(db, recording.id)
        raise _stale(doc.version if doc else 0, exc.message) from exc
    record(db, principal.name, action, f"recording:{recording.id}", version=version, **detail)
    db.commit()
    return _out(recording.id, _row(db, recording.id, version))


@router.get(BASE, response_model=TranscriptOut, responses={304: {"description": "Không đổi (If-None-Match)"}})
def get_transcript(
    recording_id: str,
    response: Response,
    db: DbSession,
    principal: Reader,
    if_none_match: Annotated[str | None, Header(max_length=1000)] = None,
) -> TranscriptOut | Response:
    """The current version; its `ETag` (`"v<N>"`) goes back in `If-Match` when saving."""
    visible_recording(db, principal, recording_id)
    row = _row(db, recording_id)
    headers = {"ETag": etag(row.version), "Cache-Control": "no-cache"}
    if if_none_match is not None and etag(row.version) in [t.strip() for t in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return _out(recording_id, row)


@router.put(
    BASE,
    response_model=TranscriptOut,
    responses={412: {"description": "Phiên bản đã thay đổi"}, 428: {"description": "Thiếu If-Match"}},
)
def put_transcript(
    recording_id: str,
    edit: TranscriptEdit,
    response: Response,
    db: DbSession,
    principal: Editor,
    if_match: IfMatch = None,
) -> TranscriptOut:
    """Save the edited document as a new version. Requires `If-Match` with the version it was made from."""
    recording = visible_recording(db, principal, recording_id)
    if if_match is None:
        doc = _doc(db, recording.id)
        raise PreconditionRequiredError(
            'cần tiêu đề If-Match với phiên bản đã sửa, ví dụ If-Match: "v3" (If-Match is required)',
            extra={"current_version": doc.version if doc else 0},
        )
    out = _save(
        db, principal, recording, edit.transcript, comment=edit.comment, if_match=if_match, action="transcript.save"
    )
    response.headers["ETag"] = etag(out.version)
    return out


@router.get(f"{BASE}/versions", response_model=list[VersionSummary])
def list_versions(
    recording_id: str,
    db: DbSession,
    principal: Reader,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[VersionSummary]:
    """The history, newest first."""
    visible_recording(db, principal, recording_id)
    doc = _doc(db, recording_id)
    if doc is None:
        return []
    rows = db.execute(
        select(
            TranscriptVersion.version, TranscriptVersion.author, TranscriptVersion.comment, TranscriptVersion.created_at
        )
        .where(TranscriptVersion.transcript_id == doc.id)
        .order_by(TranscriptVersion.version.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        VersionSummary(version=v, author=a, comment=c, created_at=t, current=v == doc.version) for v, a, c, t in rows
    ]


@router.get(f"{BASE}/versions/{{version}}", response_model=TranscriptOut)
def get_version(
    recording_id: str, version: VersionNumber, response: Response, db: DbSession, principal: Reader
) -> TranscriptOut:
    visible_recording(db, principal, recording_id)
    out = _out(recording_id, _row(db, recording_id, version))
    response.headers["ETag"] = etag(out.version)
    return out


@router.get(f"{BASE}/diff", response_model=TranscriptDiff)
def diff_versions(
    recording_id: str,
    db: DbSession,
    principal: Reader,
    from_version: Annotated[int, Query(alias="from", ge=1, le=MAX_INT)],
    to_version: Annotated[int | None, Query(alias="to", ge=1, le=MAX_INT, description="Mặc định: hiện tại")] = None,
) -> TranscriptDiff:
    """Segment by segment, what changed from one version to another (text with a word diff, speaker, timing)."""
    visible_recording(db, principal, recording_id)
    old = _row(db, recording_id, from_version)
    new = _row(db, recording_id, to_version)
    changes = diff_transcripts(
        Transcript.model_validate_json(old.document), Transcript.model_validate_json(new.document)
    )
    summary = {op: sum(c.op == op for c in changes) for op in ("added", "removed", "changed")}
    return TranscriptDiff(
        recording_id=recording_id,
        from_version=old.version,
        to_version=new.version,
        changes=[SegmentDiff.model_validate(c, from_attributes=True) for c in changes],
        summary=summary,
    )


@router.post(f"{BASE}/versions/{{version}}/restore", response_model=TranscriptOut)
def restore_version(
    recording_id: str,
    version: VersionNumber,
    response: Response,
    db: DbSession,
    principal: Editor,
    if_match: IfMatch = None,
) -> TranscriptOut:
    """Make version `version` current again, as a new version (history is never rewritten).

    `If-Match` is optional here; when sent, a restore over a newer save is refused with 412.
    """
    recording = visible_recording(db, principal, recording_id)
    old = _row(db, recording_id, version)
    out = _save(
        db,
        principal,
        recording,
        Transcript.model_validate_json(old.document),
        comment=f"khôi phục phiên bản {version}",
        if_match=if_match,
        action="transcript.restore",
        restored=version,
    )
    response.headers["ETag"] = etag(out.version)
    return out


@router.get(
    f"{BASE}/export",
    response_class=Response,
    responses={200: {"content": {t.split(";")[0]: {} for t in MEDIA_TYPES.values()}, "description": "Tệp xuất"}},
)
def export_transcript(
    recording_id: str,
    db: DbSession,
    principal: Reader,
    format: Annotated[ExportFormat, Query(description="txt, srt, vtt, json hoặc docx")] = "txt",
    version: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Mặc định: hiện tại")] = None,
) -> Response:
    """The transcript as a file in any format of the speech core."""
    recording = visible_recording(db, principal, recording_id)
    row = _row(db, recording_id, version)
    data = render(Transcript.model_validate_json(row.document), format)
    stem = (recording.title or recording.filename.rsplit(".", 1)[0] or "ban-go-bang")[:120]
    ascii_stem = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in strip_diacritics(stem))
    disposition = f"attachment; filename=\"{ascii_stem}.{format}\"; filename*=UTF-8''{quote(f'{stem}.{format}')}"
    return Response(
        content=data,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": disposition, "ETag": etag(row.version)},
    )
