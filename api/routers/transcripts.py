"""Transcripts as versioned documents: read with an ETag, save with If-Match, history, diff, restore, export
(the routes shared with the minutes are `api.versioned_routes`).

Every save is a new immutable version. A save names the version it was made from
(`If-Match: "v<N>"`); if another clerk saved in between it is refused with 412 and nothing
is overwritten. A save without If-Match is refused with 428, so no client can overwrite by
accident. Restoring an old version is a new version with the old content: history only grows.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.access import visible_recording
from api.deps import DbSession, TranscriptsReader
from api.schemas import (
    MAX_INT,
    ExportFormat,
    SegmentDiff,
    TranscriptDiff,
    TranscriptEdit,
    TranscriptOut,
)
from api.versioned_routes import VersionedRoutes
from core.export import render
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


ROUTES = VersionedRoutes(TRANSCRIPTS, "transcript", TranscriptOut)
ROUTES.mount(router, BASE, edit_model=TranscriptEdit)
ROUTES.mount_export(
    router,
    BASE,
    formats=ExportFormat,
    default="txt",
    formats_help="txt, srt, vtt, json, docx hoặc rttm (khi đã phân biệt người nói)",
    media_types=MEDIA_TYPES,
    render=render,
    stem=lambda recording: recording.title or recording.filename.rsplit(".", 1)[0] or "ban-go-bang",
    description="The transcript as a file in any format of the speech core.",
)


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
