"""Versioned transcript documents: every save is a new immutable version; stale writers get a conflict.

Optimistic concurrency: a writer names the version it edited (the API's `If-Match`); the
counter moves with a conditional update, so of two clerks saving on the same version exactly
one wins and the other is told, and nothing is overwritten silently.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.errors import ConflictError, NotFoundError
from core.tables import TranscriptDoc, TranscriptVersion
from core.transcript import Transcript


def save_version(
    session: Session,
    recording_id: str,
    transcript: Transcript,
    *,
    author: str,
    comment: str = "",
    expected_version: int | None = None,
) -> int:
    """Store `transcript` as the next version and return its number.

    `expected_version`: the version the writer started from; a different current version raises `ConflictError`.
    """
    doc = session.scalar(select(TranscriptDoc).where(TranscriptDoc.recording_id == recording_id))
    if doc is None:
        if expected_version not in (None, 0):
            raise ConflictError(f"bản ghi lời chưa có phiên bản {expected_version} (no such version)")
        doc = TranscriptDoc(recording_id=recording_id, version=0)
        session.add(doc)
        session.flush()
    current = doc.version if expected_version is None else expected_version
    moved = session.execute(
        update(TranscriptDoc)
        .where(TranscriptDoc.id == doc.id, TranscriptDoc.version == current)
        .values(version=current + 1, updated_at=datetime.now(UTC))
    )
    if getattr(moved, "rowcount", 0) != 1:
        session.rollback()
        raise ConflictError(
            f"bản ghi lời đã được người khác sửa (phiên bản hiện tại khác {current}); tải lại rồi sửa tiếp "
            "(the transcript changed since you loaded it)"
        )
    session.add(
        TranscriptVersion(
            transcript_id=doc.id,
            version=current + 1,
            document=transcript.model_dump_json(),
            author=author,
            comment=comment,
        )
    )
    session.flush()
    return current + 1


def current_version(session: Session, recording_id: str) -> tuple[int, Transcript]:
    doc = session.scalar(select(TranscriptDoc).where(TranscriptDoc.recording_id == recording_id))
    if doc is None or doc.version == 0:
        raise NotFoundError("bản ghi này chưa có bản gỡ băng (no transcript yet)")
    return doc.version, load_version(session, doc.id, doc.version)


def load_version(session: Session, transcript_id: int, version: int) -> Transcript:
    row = session.scalar(
        select(TranscriptVersion).where(
            TranscriptVersion.transcript_id == transcript_id, TranscriptVersion.version == version
        )
    )
    if row is None:
        raise NotFoundError(f"không có phiên bản {version} (no such version)")
    return Transcript.model_validate_json(row.document)
