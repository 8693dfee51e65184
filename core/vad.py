"""Voice activity detection over streamed audio: blocks in, speech chunks out.

Silero VAD (shipped with faster-whisper) runs incrementally, its recurrent state carried from
block to block, so an 8-hour recording never sits in memory and the chunks do not depend on
where the blocks happen to be cut; chunks carry absolute times, so engines need no offsets of
their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from faster_whisper.vad import get_vad_model

from core.audio import SAMPLE_RATE

_WINDOW = 512
"""Samples per Silero frame at 16 kHz."""
_CONTEXT = 64
"""Samples of the previous frame Silero sees with each frame."""
_BATCH = 10_000
"""Frames per ONNX call."""


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


class _SileroStream:
    """Silero speech probabilities, one per 512-sample frame at absolute positions, whatever the block sizes.

    The model's LSTM state (and the frame context) is carried between calls: feeding the recording in
    any number of pieces gives the probabilities of one pass over the whole (faster-whisper restarts the
    state on each call, which made chunk boundaries move by more than a second with the block size).
    """

    def __init__(self) -> None:
        self._session = get_vad_model().session
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(_CONTEXT, dtype=np.float32)
        self._rest = np.zeros(0, dtype=np.float32)

    def feed(self, samples: np.ndarray) -> np.ndarray:
        """Probabilities of the frames completed by `samples` (the remainder waits for the next call)."""
        audio = np.concatenate([self._rest, samples.astype(np.float32, copy=False)])
        whole = audio.size - audio.size % _WINDOW
        self._rest = audio[whole:]
        return self._run(audio[:whole])

    def flush(self) -> np.ndarray:
        """Probability of the last, zero-padded frame (none if the recording ended on a frame boundary)."""
        if self._rest.size == 0:
            return np.zeros(0, dtype=np.float32)
        audio = np.pad(self._rest, (0, _WINDOW - self._rest.size))
        self._rest = np.zeros(0, dtype=np.float32)
        return self._run(audio)

    def _run(self, audio: np.ndarray) -> np.ndarray:
        if audio.size == 0:
            return np.zeros(0, dtype=np.float32)
        frames = audio.reshape(-1, _WINDOW)
        context = np.concatenate([self._context[None, :], frames[:-1, -_CONTEXT:]])
        self._context = frames[-1, -_CONTEXT:].copy()
        batch = np.concatenate([context, frames], axis=1)
        out = []
        for i in range(0, batch.shape[0], _BATCH):
            probs, self._h, self._c = self._session.run(
                None, {"input": batch[i : i + _BATCH], "h": self._h, "c": self._c}
            )
            out.append(np.asarray(probs, dtype=np.float32).reshape(-1))
        return np.concatenate(out)


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
        """Padded speech regions (sample indices) of a whole array, as `chunks` would see them."""
        silero, tracker = _SileroStream(), _RegionTracker(self)
        regions = tracker.feed(silero.feed(audio))
        return regions + tracker.finish(silero.flush(), length=audio.size)

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
        """Speech chunks in time order, each yielded once no later audio can change it.

        The buffer kept between blocks is bounded by about `max_chunk_s` + `max_gap_s` + one block.
        """
        silero = _SileroStream()
        tracker = _RegionTracker(self)
        max_len, max_gap = int(self.max_chunk_s * SAMPLE_RATE), int(self.max_gap_s * SAMPLE_RATE)
        group: tuple[int, int] | None = None
        buffer = np.zeros(0, dtype=np.float32)
        offset = 0  # absolute sample index of buffer[0]
        self.processed_s = 0.0

        def cut(start: int, end: int) -> SpeechChunk:
            return SpeechChunk(start=start / SAMPLE_RATE, audio=buffer[start - offset : end - offset].copy())

        def absorb(regions: list[tuple[int, int]]) -> Iterator[SpeechChunk]:
            """Join each final region to the open group, or close the group and open another."""
            nonlocal group
            for start, end in regions:
                if group is not None and start - group[1] <= max_gap and end - group[0] <= max_len:
                    group = (group[0], end)
                    continue
                if group is not None:
                    yield cut(*group)
                group = (start, end)

        for block in blocks:
            buffer = np.concatenate([buffer, block])
            self.processed_s = (offset + buffer.size) / SAMPLE_RATE
            yield from absorb(tracker.feed(silero.feed(block)))
            if group is not None and tracker.earliest_start() - group[1] > max_gap:
                yield cut(*group)
                group = None
            keep_from = min(tracker.earliest_start(), group[0] if group is not None else offset + buffer.size)
            if keep_from > offset:
                buffer = buffer[keep_from - offset :]
                offset = keep_from
        yield from absorb(tracker.finish(silero.flush(), length=offset + buffer.size))
        if group is not None:
            yield cut(*group)


class _RegionTracker:
    """Faster-whisper's `get_speech_timestamps` as a streaming state machine over frame probabilities.

    Same decisions (threshold with hysteresis, minimum silence, minimum speech, splits of over-long
    speech at the last pause) and the same padding (`speech_pad_ms` each side, or half the pause
    where two regions are closer than twice that), but a region is released as soon as frames still
    to come can no longer change it.
    """

    def __init__(self, chunker: SpeechChunker) -> None:
        pad = chunker.speech_pad_ms * SAMPLE_RATE // 1000
        self.pad = pad
        self.threshold = chunker.threshold
        self.neg_threshold = max(chunker.threshold - 0.15, 0.01)
        self.min_speech = chunker.min_speech_ms * SAMPLE_RATE / 1000
        self.min_silence = chunker.min_silence_ms * SAMPLE_RATE / 1000
        self.max_speech = chunker.max_chunk_s * SAMPLE_RATE - _WINDOW - 2 * pad
        self.min_silence_at_max_speech = 98 * SAMPLE_RATE / 1000
        self.frame = 0  # index of the next frame
        self.triggered = False
        self.start = 0
        self.temp_end = self.prev_end = self.next_start = 0
        self.pending: list[list[int]] = []
        """Detected regions [start, end] with padding decided at the start but not yet at the end."""
        self.released_end = 0
        """End of the last released region: padding never reaches back before it."""

    def earliest_start(self) -> int:
        """No region released from now on starts before this sample."""
        if self.pending:
            return self.pending[0][0]
        speech_from = self.start if self.triggered else self.frame * _WINDOW
        return max(self.released_end, speech_from - self.pad)

    def feed(self, probs: np.ndarray) -> list[tuple[int, int]]:
        """Advance over `probs`; return the regions that are now final (padded, in sample indices)."""
        for prob in probs.tolist():
            self._step(prob)
        return self._release(length=None)

    def finish(self, probs: np.ndarray, *, length: int) -> list[tuple[int, int]]:
        """The last frames and the recording's length in samples: every remaining region, padded."""
        for prob in probs.tolist():
            self._step(prob)
        if self.triggered and length - self.start > self.min_speech:
            self._detected(self.start, length)
        self.triggered = False
        return self._release(length=length)

    def _step(self, prob: float) -> None:
        position = self.frame * _WINDOW
        self.frame += 1
        if prob >= self.threshold and self.temp_end:
            self.temp_end = 0
            if self.next_start < self.prev_end:
                self.next_start = position
        if prob >= self.threshold and not self.triggered:
            self.triggered = True
            self.start = position
            return
        if self.triggered and position - self.start > self.max_speech:
            if self.prev_end:
                self._detected(self.start, self.prev_end)
                if self.next_start < self.prev_end:
                    self.triggered = False
                else:
                    self.start = self.next_start
                self.prev_end = self.next_start = self.temp_end = 0
            else:
                self._detected(self.start, position)
                self.prev_end = self.next_start = self.temp_end = 0
                self.triggered = False
                return
        if prob < self.neg_threshold and self.triggered:
            if not self.temp_end:
                self.temp_end = position
            if position - self.temp_end > self.min_silence_at_max_speech:
                self.prev_end = self.temp_end
            if position - self.temp_end < self.min_silence:
                return
            if self.temp_end - self.start > self.min_speech:
                self._detected(self.start, self.temp_end)
            self.prev_end = self.next_start = self.temp_end = 0
            self.triggered = False

    def _detected(self, start: int, end: int) -> None:
        if self.pending:
            previous = self.pending[-1]
            silence = start - previous[1]
            if silence < 2 * self.pad:
                previous[1] += silence // 2
                start -= silence // 2
            else:
                previous[1] += self.pad
                start -= self.pad
        else:
            start = max(self.released_end, start - self.pad)
        self.pending.append([start, end])

    def _release(self, *, length: int | None) -> list[tuple[int, int]]:
        """Pop regions whose end padding is settled: a later region exists, or none can start near them."""
        released: list[tuple[int, int]] = []
        next_possible = self.start if self.triggered else self.frame * _WINDOW
        while self.pending:
            start, end = self.pending[0]
            if len(self.pending) > 1:  # its end was padded when the next region was detected
                pass
            elif length is not None:
                end = min(length, end + self.pad)
            elif next_possible - end >= 2 * self.pad:
                end += self.pad
            else:
                break
            self.pending.pop(0)
            self.released_end = end
            released.append((start, end))
        return released


def trim_edges(
    audio: np.ndarray, *, margin_s: float = 0.5, below_peak_db: float = 45.0, floor_dbfs: float = -65.0
) -> SpeechChunk:
    """The utterance less its leading and trailing silence, found by energy, never cut inside: from `margin_s`
    before the first 20 ms frame louder than both `below_peak_db` under the loudest frame and `floor_dbfs`, to
    `margin_s` after the last such frame. Audio with no such frame comes back whole.

    For a short utterance decoded whole (a voice login), where the recogniser's cost grows with every second it
    is given. Energy, not Silero, because Silero drops short digit words read on their own ("một"); the
    generous margin keeps a word's quiet onset and release.
    """
    frame = SAMPLE_RATE // 50
    frames = audio[: audio.size - audio.size % frame].reshape(-1, frame).astype(np.float64)
    power = np.mean(np.square(frames), axis=1) if frames.size else np.zeros(0)
    if not power.size or power.max() <= 0:
        return SpeechChunk(start=0.0, audio=audio)
    threshold = max(power.max() * 10 ** (-below_peak_db / 10), 10 ** (floor_dbfs / 10))
    loud = np.flatnonzero(power > threshold)
    if not loud.size:
        return SpeechChunk(start=0.0, audio=audio)
    margin = int(margin_s * SAMPLE_RATE)
    begin = max(0, int(loud[0]) * frame - margin)
    end = min(audio.size, (int(loud[-1]) + 1) * frame + margin)
    return SpeechChunk(start=begin / SAMPLE_RATE, audio=audio[begin:end])
