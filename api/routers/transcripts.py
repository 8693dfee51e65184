"""Transcripts as versioned documents: read with an ETag, save with If-Match, history, diff, restore, export.

Every save is a new immutable version. A save names the version it was made from
(`If-Match: "v<N>"`); if another clerk saved in between it is refused with 412 and nothing
is overwritten. A save without If-Match is refused with 428, so no client can overwrite by
accident. Restoring an old version is a new version with the old content: history only grows.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api import versioning
from api.access import visible_recording
from api.deps import DbSession, TranscriptsEditor, TranscriptsReader
from api.schemas import (
    MAX_INT,
    ExportFormat,
    SegmentDiff,
    TranscriptDiff,
    TranscriptEdit,
    TranscriptOut,
    VersionSummary,
)
from api.versioning import IfMatch, VersionNumber, etag
from core.audit import record
from core.export import render
from core.tables import TranscriptVersion
from core.transcript import Transcript
from core.transcript_diff import diff_transcripts
from core.transcript_store import TRANSCRIPTS

router = APIRouter(tags=["transcripts"])


MEDIA_TYPES: dict[str, str] = {
    "txt": "text/plain; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "rttm": "text/plain; charset=utf-8",
}
BASE = "/recordings/{recording_id}/transcript"


def _out(recording_id: str, row: TranscriptVersion) -> TranscriptOut:
    return TranscriptOut(
        recording_id=recording_id,
        version=row.version,
        author=row.author,
        comment=row.comment,
        created_at=row.created_at,
        transcript=Transcript.model_validate_json(row.document),
    )


@router.get(BASE, response_model=TranscriptOut, responses={304: {"description": "Không đổi (If-None-Match)"}})
def get_transcript(
    recording_id: str,
    response: Response,
    db: DbSession,
    principal: TranscriptsReader,
    if_none_match: versioning.IfNoneMatch = None,
) -> TranscriptOut | Response:
    """The current version; its `ETag` (`"v<N>"`) goes back in `If-Match` when saving."""
    visible_recording(db, principal, recording_id)
    row = TRANSCRIPTS.row(db, recording_id)
    return versioning.not_modified(row.version, if_none_match, response) or _out(recording_id, row)


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
    principal: TranscriptsEditor,
    if_match: IfMatch = None,
) -> TranscriptOut:
    """Save the edited document as a new version. Requires `If-Match` with the version it was made from."""
    recording = visible_recording(db, principal, recording_id)
    row = versioning.save(
        TRANSCRIPTS,
        db,
        principal,
        recording.id,
        edit.transcript,
        base=versioning.check_current(TRANSCRIPTS, db, recording.id, if_match),
        comment=edit.comment,
        action="transcript.save",
    )
    response.headers["ETag"] = etag(row.version)
    return _out(recording.id, row)


@router.get(f"{BASE}/versions", response_model=list[VersionSummary])
def list_versions(
    recording_id: str,
    db: DbSession,
    principal: TranscriptsReader,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[VersionSummary]:
    """The history, newest first."""
    visible_recording(db, principal, recording_id)
    return versioning.history(TRANSCRIPTS, db, recording_id, limit=limit, offset=offset)


@router.get(f"{BASE}/versions/{{version}}", response_model=TranscriptOut)
def get_version(
    recording_id: str, version: VersionNumber, response: Response, db: DbSession, principal: TranscriptsReader
) -> TranscriptOut:
    visible_recording(db, principal, recording_id)
    out = _out(recording_id, TRANSCRIPTS.row(db, recording_id, version))
    response.headers["ETag"] = etag(out.version)
    return out


@router.get(f"{BASE}/diff", response_model=TranscriptDiff)
def diff_versions(
    recording_id: str,
    db: DbSession,
    principal: TranscriptsReader,
    from_version: Annotated[int, Query(alias="from", ge=1, le=MAX_INT)],
    to_version: Annotated[int | None, Query(alias="to", ge=1, le=MAX_INT, description="Mặc định: hiện tại")] = None,
) -> TranscriptDiff:
    """Segment by segment, what changed from one version to another (text with a word diff, speaker, timing)."""
    visible_recording(db, principal, recording_id)
    old = TRANSCRIPTS.row(db, recording_id, from_version)
    new = TRANSCRIPTS.row(db, recording_id, to_version)
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
    principal: TranscriptsEditor,
    if_match: IfMatch = None,
) -> TranscriptOut:
    """Make version `version` current again, as a new version (history is never rewritten).

    `If-Match` is optional here; when sent, a restore over a newer save is refused with 412.
    """
    recording = visible_recording(db, principal, recording_id)
    old = TRANSCRIPTS.row(db, recording_id, version)
    row = versioning.save(
        TRANSCRIPTS,
        db,
        principal,
        recording.id,
        Transcript.model_validate_json(old.document),
        base=versioning.check_sent(TRANSCRIPTS, db, recording.id, if_match),
        comment=f"khôi phục phiên bản {version}",
        action="transcript.restore",
        restored=version,
    )
    response.headers["ETag"] = etag(row.version)
    return _out(recording.id, row)


@router.get(
    f"{BASE}/export",
    response_class=Response,
    responses={200: {"content": {t.split(";")[0]: {} for t in MEDIA_TYPES.values()}, "description": "Tệp xuất"}},
)
def export_transcript(
    recording_id: str,
    db: DbSession,
    principal: TranscriptsReader,
    format: Annotated[
        ExportFormat, Query(description="txt, srt, vtt, json, docx hoặc rttm (khi đã phân biệt người nói)")
    ] = "txt",
    version: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Mặc định: hiện tại")] = None,
) -> Response:
    """The transcript as a file in any format of the speech core."""
    recording = visible_recording(db, principal, recording_id)
    row = TRANSCRIPTS.row(db, recording_id, version)
    data = render(Transcript.model_validate_json(row.document), format)
    record(db, principal.name, "transcript.export", f"recording:{recording.id}", format=format, version=row.version)
    stem = (recording.title or recording.filename.rsplit(".", 1)[0] or "ban-go-bang")[:120]
    return Response(
        content=data,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": versioning.attachment(stem, format), "ETag": etag(row.version)},
    )
