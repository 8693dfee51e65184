"""Clerk corrections as training data: reviewed segments cut from their recordings into a manifest.

A segment a clerk has marked reviewed holds text checked against the audio, the best material for
fine-tuning and for the language model. Each becomes a 16 kHz WAV clip with its text, speaker and
the speaker's identified accent region, in the same MANIFEST.tsv format as the evaluation sets.
"""

from __future__ import annotations

import logging
import wave
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from sqlalchemy import select

from core.audio import SAMPLE_RATE, AudioSource, load_audio
from core.blobs import BlobStore
from core.db import session_scope
from core.errors import NotFoundError
from core.manifest import ManifestRow, write_manifest
from core.settings import Settings
from core.tables import Recording
from core.transcript import Transcript
from core.transcript_store import current_version

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
        audio = load_audio(audio_path)
        for segment in chosen:
            clip = out_dir / "audio" / f"{recording_id}-{segment.id:05d}.wav"
            _write_wav(clip, audio[int(segment.start * SAMPLE_RATE) : int(segment.end * SAMPLE_RATE)])
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
                _, transcript = current_version(session, recording_id)
            except NotFoundError:
                continue
            yield recording_id, blobs.audio(sha256), transcript
