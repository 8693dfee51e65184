"""Versioned transcript documents: every save is a new immutable version; stale writers get a conflict.

The versioning itself is `core.versioned.VersionedDocuments`, shared with the minutes.
"""

from __future__ import annotations

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
