"""Durable audio of live sessions: appended as it arrives, acknowledged only once stored, a Recording at the end.

Each binary message of 16 kHz mono PCM s16le is appended to `<upload_dir>/live/<id>.pcm`, fsynced,
and counted in `live_sessions.received` by a conditional update (the offset the writer started
from must still be the stored one), so two connections of one session can never both append: the
loser's bytes are cut off again. The file is truncated to `received` before each append, so bytes
of a message that was never acknowledged do not count; a reconnecting client resumes from the
acknowledged offset and nothing is lost or doubled.

When the stream ends the PCM becomes a WAV file in the blob store and goes through the normal
ingest (`api.ingest.create_recording`: content checks, Recording row, offline job), with the live
transcript, if any, stored as the recording's version 1 in the same transaction.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session

from api.deps import Principal
from api.ingest import create_recording
from api.schemas import JobOptions, RecordingMeta
from core.audio import SAMPLE_RATE
from core.audit import record
from core.blobs import BlobStore
from core.errors import ConflictError, EmptyAudioError
from core.settings import Settings
from core.tables import Job, LiveSession, Recording
from core.transcript import Transcript
from core.transcript_store import TRANSCRIPTS
from workers.live import Caption

BYTES_PER_SAMPLE = 2
LIVE_COMMENT = "phụ đề trực tiếp (live captions)"
"""The comment of the transcript version that holds a session's live captions (always version 1)."""
_READ = 1 << 20


def audio_path(settings: Settings, session_id: str) -> Path:
    """Where a session's PCM is kept until it ends: named by our id, never by anything a client sent."""
    return settings.upload_dir / "live" / f"{session_id}.pcm"


def append(settings: Settings, db: Session, session: LiveSession, data: bytes) -> int:
    """Store `data` after the acknowledged offset and return the new offset; `ConflictError` if another
    writer moved the offset meanwhile (its bytes win, ours are cut off)."""
    if session.ended:
        raise ConflictError("phiên trực tiếp đã kết thúc (live session has ended)")
    path = audio_path(settings, session.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    start = session.received
    with path.open("ab") as out:
        out.truncate(start)
        out.seek(start)
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    result = db.execute(
        update(LiveSession)
        .where(LiveSession.id == session.id, LiveSession.received == start, LiveSession.ended.is_(False))
        .values(received=start + len(data))
    )
    db.commit()
    if getattr(result, "rowcount", 0) != 1:
        db.refresh(session)
        raise ConflictError(
            "một kết nối khác đang gửi âm thanh của phiên này (another connection is streaming this session)",
            extra={"offset": session.received},
        )
    db.refresh(session)
    return session.received


def wav_header(data_bytes: int) -> bytes:
    """A canonical 44-byte header for 16 kHz mono 16-bit PCM of `data_bytes` bytes."""
    rate = SAMPLE_RATE * BYTES_PER_SAMPLE
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, SAMPLE_RATE, rate, BYTES_PER_SAMPLE, 16)
        + b"data"
        + struct.pack("<I", data_bytes)
    )


def _wav_pieces(path: Path, size: int) -> Iterator[bytes]:
    yield wav_header(size)
    with path.open("rb") as f:
        left = size
        while left > 0 and (piece := f.read(min(_READ, left))):
            left -= len(piece)
            yield piece


def finish(
    settings: Settings,
    blobs: BlobStore,
    db: Session,
    principal: Principal,
    session: LiveSession,
    live_transcript: Transcript | None,
) -> tuple[Recording, Job | None]:
    """The session's audio as a Recording with its offline job (the caller commits, then queues the job);
    the live transcript, if there is one, becomes version 1 and the job's result version 2."""
    if session.ended:
        raise ConflictError("phiên trực tiếp đã kết thúc (live session has ended)")
    path = audio_path(settings, session.id)
    if session.received == 0 or not path.is_file():
        raise EmptyAudioError("phiên trực tiếp chưa nhận được âm thanh nào (live session has no audio)")
    staged, sha256, size = blobs.stage(_wav_pieces(path, session.received))
    meta = RecordingMeta.model_validate(session.meta)
    recording, job = create_recording(
        db,
        settings,
        principal,
        staged=staged,
        sha256=sha256,
        size=size,
        filename=f"{meta.title or 'phien-truc-tiep'}.wav",
        meta=meta,
        org_unit_id=session.org_unit_id,
        job_options=JobOptions(diarize=settings.live.diarize_offline, hotwords=tuple(meta.glossary[:500])),
    )
    if live_transcript is not None and live_transcript.segments:
        TRANSCRIPTS.save(
            db, recording.id, live_transcript, author=principal.name, comment="phụ đề trực tiếp (live captions)"
        )
    session.ended, session.recording_id, session.job_id = True, recording.id, job.id if job else None
    record(db, principal.name, "live.end", f"live:{session.id}", recording=recording.id, bytes=session.received)
    return recording, job


def recorded_captions(db: Session, session: LiveSession) -> list[dict[str, object]]:
    """The finals of an ended session, from its stored live transcript (none if nothing was said)."""
    if session.recording_id is None or TRANSCRIPTS.head_of(db, session.recording_id) is None:
        return []
    row = TRANSCRIPTS.row(db, session.recording_id, 1)
    if row.comment != LIVE_COMMENT:
        return []
    transcript = Transcript.model_validate_json(row.document)
    return [Caption("final", s.text, s.start, s.end, s.speaker, s.id).wire() for s in transcript.segments]


def discard_audio(settings: Settings, session_id: str) -> None:
    """The PCM once the recording holds it (call after the commit)."""
    audio_path(settings, session_id).unlink(missing_ok=True)
