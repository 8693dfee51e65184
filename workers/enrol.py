"""Enrol a speaker of a transcribed recording as a named voiceprint, from their own segments.

Called synchronously by the API (`POST /voiceprints`): at most `MAX_ENROL_S` of the speaker's
longest segments are embedded, which is about a second of CPU for CAM++ whatever the length of
the recording, and the audio is decoded in one streaming pass that stops after the last span.
So it needs no queue; the caller runs it on a worker thread, off the event loop.
"""

from __future__ import annotations

import logging

import numpy as np

from core.audio import SAMPLE_RATE, AudioSource, stream_audio
from core.errors import InvalidInputError
from core.transcript import Transcript
from diarization.voiceprints import MIN_ENROL_S, Voiceprint, VoiceprintStore

logger = logging.getLogger(__name__)

MAX_ENROL_S = 90.0
"""Speech embedded per enrolment: plenty for a stable voiceprint, and bounded CPU on an 8-hour session."""


def speaker_spans(
    transcript: Transcript, speaker: str, *, max_seconds: float = MAX_ENROL_S
) -> list[tuple[float, float]]:
    """The speaker's longest segments (each at least `MIN_ENROL_S`) up to `max_seconds`, in time order."""
    spans = sorted(
        ((s.start, s.end) for s in transcript.segments if s.speaker == speaker and s.end - s.start >= MIN_ENROL_S),
        key=lambda span: span[0] - span[1],
    )
    chosen: list[tuple[float, float]] = []
    total = 0.0
    for start, end in spans:
        if total >= max_seconds:
            break
        end = min(end, start + max_seconds - total)
        if end - start >= MIN_ENROL_S:
            chosen.append((start, end))
            total += end - start
    return sorted(chosen)


def read_spans(path: AudioSource, spans: list[tuple[float, float]]) -> list[np.ndarray]:
    """Samples of each (start, end) span, in time order, decoded in one pass that stops after the last."""
    bounds = [(int(s * SAMPLE_RATE), int(e * SAMPLE_RATE)) for s, e in spans]
    parts: list[list[np.ndarray]] = [[] for _ in bounds]
    position = 0
    for block in stream_audio(path):
        end = position + block.size
        for i, (first, last) in enumerate(bounds):
            if first < end and last > position:
                parts[i].append(block[max(0, first - position) : max(0, last - position)])
        position = end
        if bounds and position >= bounds[-1][1]:
            break
    return [np.concatenate(p) if p else np.zeros(0, np.float32) for p in parts]


def enrol_speaker(
    store: VoiceprintStore, audio: AudioSource, transcript: Transcript, speaker: str, name: str
) -> Voiceprint:
    """Add `speaker`'s voice in this recording to the voiceprint of `name`."""
    spans = speaker_spans(transcript, speaker)
    if not spans:
        raise InvalidInputError(
            f"người nói '{speaker}' không có đoạn nào dài ít nhất {MIN_ENROL_S:.0f} s để ghi danh "
            "(no segment of this speaker is long enough to enrol)"
        )
    samples = [s for s in read_spans(audio, spans) if s.size >= MIN_ENROL_S * SAMPLE_RATE]
    logger.info("enrol_speaker speaker=%s name=%s spans=%d", speaker, name, len(samples))
    return store.enroll(name, samples)
