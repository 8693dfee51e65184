"""Clerk corrections as training data: reviewed segments cut from their recordings into a manifest.

A segment a clerk has marked reviewed holds text checked against the audio, the best material for
fine-tuning and for the language model. Each becomes a 16 kHz WAV clip with its text, speaker and
the speaker's identified accent region, in the same MANIFEST.tsv format as the evaluation sets.
"""

from __future__ import annotations

import logging
import wave
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
from sqlalchemy import select

from core.audio import SAMPLE_RATE, AudioSource, stream_audio
from core.blobs import BlobStore
from core.db import session_scope
from core.errors import NotFoundError
from core.manifest import ManifestRow, write_manifest
from core.settings import Settings
from core.tables import Recording
from core.transcript import Segment, Transcript
from core.transcript_store import TRANSCRIPTS

logger = logging.getLogger(__name__)

MIN_SEGMENT_S = 0.5
MAX_SEGMENT_S = 30.0
"""Whisper's window: longer segments cannot be used for fine-tuning as they are."""


def _write_wav(path: Path, audio: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(SAMPLE_RATE)
        f.writeframes((np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes())


def segment_clips(
    audio_path: AudioSource, segments: Sequence[Segment], *, block_s: float = 60.0
) -> Iterator[tuple[Segment, np.ndarray]]:
    """Each segment's audio, in order of start, cut while the recording streams past once: memory holds a block
    and the segment being cut, never the whole recording (an 8-hour one is 1.8 GB as float32)."""
    ordered = sorted(segments, key=lambda s: s.start)
    blocks = stream_audio(audio_path, block_s=block_s)
    buffer = np.zeros(0, dtype=np.float32)
    offset = 0
    """The sample number of `buffer[0]` in the recording."""
    more = True
    for n, segment in enumerate(ordered):
        start, end = int(segment.start * SAMPLE_RATE), int(segment.end * SAMPLE_RATE)
        while more and offset + len(buffer) < end:
            block = next(blocks, None)
            more = block is not None
            if block is not None:
                buffer = np.concatenate([buffer, block])
        yield segment, buffer[max(start - offset, 0) : max(end - offset, 0)]
        if n + 1 < len(ordered):  # what lies before the next segment's start is needed no more
            drop = min(max(int(ordered[n + 1].start * SAMPLE_RATE) - offset, 0), len(buffer))
            buffer, offset = buffer[drop:], offset + drop


def export_segments(
    recordings: Iterable[tuple[str, AudioSource, Transcript]], out_dir: Path, *, reviewed_only: bool = True
) -> list[ManifestRow]:
    """Cut the (reviewed) segments of each (recording id, audio path, transcript) into `out_dir`."""
    rows: list[ManifestRow] = []
    for recording_id, audio_path, transcript in recordings:
        chosen = [
            s
            for s in transcript.segments
            if (s.reviewed or not reviewed_only) and MIN_SEGMENT_S <= s.end - s.start <= MAX_SEGMENT_S and s.text
        ]
        if not chosen:
            continue
        for segment, audio in segment_clips(audio_path, chosen):
            clip = out_dir / "audio" / f"{recording_id}-{segment.id:05d}.wav"
            _write_wav(clip, audio)
            accent = transcript.accents.get(segment.speaker or "")
            rows.append(
                ManifestRow(
                    audio_path=clip,
                    reference_text=segment.text,
                    speaker=f"{recording_id}:{segment.speaker or ''}",
                    region=accent.region if accent else "",
                    duration_s=round(segment.end - segment.start, 3),
                )
            )
    write_manifest(out_dir / "MANIFEST.tsv", rows)
    logger.info("exported corrections segments=%d out=%s", len(rows), out_dir)
    return rows


def stored_recordings(
    settings: Settings, blobs: BlobStore, recording_ids: Iterable[str] = ()
) -> Iterable[tuple[str, AudioSource, Transcript]]:
    """(id, audio, current transcript) of the given recordings, or of every transcribed one."""
    wanted = list(recording_ids)
    with session_scope(settings.resolved_database_url) as session:
        query = select(Recording.id, Recording.sha256)
        if wanted:
            query = query.where(Recording.id.in_(wanted))
        found = list(session.execute(query).all())
        if wanted and len(found) < len(set(wanted)):
            missing = set(wanted) - {r.id for r in found}
            raise NotFoundError(f"không tìm thấy bản ghi (recordings not found): {', '.join(sorted(missing))}")
        for recording_id, sha256 in found:
            try:
                _, transcript = TRANSCRIPTS.current(session, recording_id)
            except NotFoundError:
                continue
            yield recording_id, blobs.audio(sha256), transcript
