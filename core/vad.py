"""Voice activity detection over streamed audio: blocks in, speech chunks out.

Silero VAD (shipped with faster-whisper) runs on a sliding buffer, so an 8-hour recording
never sits in memory; chunks carry absolute times, so engines need no offsets of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps

from core.audio import SAMPLE_RATE


@dataclass(frozen=True)
class SpeechChunk:
    """Contiguous audio holding one or more speech regions; `start` is in seconds from the recording's start."""

    start: float
    audio: np.ndarray

    @property
    def end(self) -> float:
        return self.start + self.audio.size / SAMPLE_RATE

    @property
    def duration(self) -> float:
        return self.audio.size / SAMPLE_RATE


@dataclass
class SpeechChunker:
    """Groups VAD speech regions into chunks of at most `max_chunk_s`, joining regions closer than `max_gap_s`."""

    max_chunk_s: float = 30.0
    """Longest chunk handed to an engine (Whisper's window is 30 s)."""
    max_gap_s: float = 1.0
    """Pauses up to this long stay inside one chunk; longer ones start a new chunk."""
    threshold: float = 0.5
    """Silero speech probability above which a frame is speech."""
    min_silence_ms: int = 300
    """Silence needed to end a speech region."""
    speech_pad_ms: int = 200
    """Margin kept around each region, so word edges are not clipped."""
    min_speech_ms: int = 150
    """Regions shorter than this are noise (clicks, coughs)."""

    processed_s: float = 0.0
    """Seconds of audio read so far (for progress reporting)."""

    def _regions(self, audio: np.ndarray) -> list[tuple[int, int]]:
        options = VadOptions(
            threshold=self.threshold,
            min_silence_duration_ms=self.min_silence_ms,
            speech_pad_ms=self.speech_pad_ms,
            min_speech_duration_ms=self.min_speech_ms,
            max_speech_duration_s=self.max_chunk_s,
        )
        return [(r["start"], r["end"]) for r in get_speech_timestamps(audio, options)]

    def _group(self, regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
        max_len, max_gap = int(self.max_chunk_s * SAMPLE_RATE), int(self.max_gap_s * SAMPLE_RATE)
        groups: list[tuple[int, int]] = []
        for start, end in regions:
            if groups and start - groups[-1][1] <= max_gap and end - groups[-1][0] <= max_len:
                groups[-1] = (groups[-1][0], end)
            else:
                groups.append((start, end))
        return groups

    def chunks(self, blocks: Iterable[np.ndarray]) -> Iterator[SpeechChunk]:
        """Speech chunks in time order; the buffer kept between blocks is bounded by about `max_chunk_s` + one block."""
        guard = int((self.min_silence_ms + self.speech_pad_ms) / 1000 * SAMPLE_RATE + self.max_gap_s * SAMPLE_RATE)
        buffer = np.zeros(0, dtype=np.float32)
        offset = 0  # absolute sample index of buffer[0]
        self.processed_s = 0.0
        blocks_iter = iter(blocks)
        block = next(blocks_iter, None)
        while block is not None:
            buffer = np.concatenate([buffer, block])
            self.processed_s += block.size / SAMPLE_RATE
            block = next(blocks_iter, None)
            final = block is None
            groups = self._group(self._regions(buffer))
            safe_end = buffer.size if final else buffer.size - guard
            keep_from = buffer.size if final else max(0, buffer.size - guard)
            for start, end in groups:
                if end > safe_end:
                    keep_from = min(keep_from, start)
                    break
                yield SpeechChunk(start=(offset + start) / SAMPLE_RATE, audio=buffer[start:end].copy())
            offset += keep_from
            buffer = buffer[keep_from:]
