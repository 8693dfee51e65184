"""Versioned transcript documents: every save is a new immutable version; stale writers get a conflict.

The versioning itself is `core.versioned.VersionedDocuments`, shared with the minutes.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.search.index import transcript_passages
from core.tables import TranscriptDoc, TranscriptVersion
from core.transcript import Transcript
from core.versioned import VersionedDocuments

TRANSCRIPTS = VersionedDocuments(
    TranscriptDoc,
    TranscriptVersion,
    "transcript_id",
    Transcript,
    noun="bản gỡ băng",
    english="transcript",
    passages=transcript_passages,
)


def save_version(
    session: Session,
    recording_id: str,
    transcript: Transcript,
    *,
    author: str,
    comment: str = "",
    expected_version: int | None = None,
) -> int:
    """Store `transcript` as the next version and return its number (see `VersionedDocuments.save`)."""
    return TRANSCRIPTS.save(
        session, recording_id, transcript, author=author, comment=comment, expected_version=expected_version
    )


def current_version(session: Session, recording_id: str) -> tuple[int, Transcript]:
    return TRANSCRIPTS.current(session, recording_id)
