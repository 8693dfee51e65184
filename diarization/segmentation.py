"""Overlapped speech (and speech the VAD missed) from pyannote segmentation-3.0, run without pyannote.audio.

The model looks at 10 s of audio and says, every 17 ms, which of up to three local speakers talk
(at most two at once, a "powerset" of classes). We only keep how many talk: frames where two do
are overlapped speech, a second speaker is then added there (diarization.pipeline). Chunks are cut
from the audio blocks as they stream past, so memory stays at one chunk plus one byte per frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
import onnxruntime as ort

from core.audio import SAMPLE_RATE
from core.device import onnx_cpu_options

CHUNK = 10 * SAMPLE_RATE
"""The model's receptive window: 10 s."""
FRAME_STEP = 0.016875
"""Seconds between the model's output frames (589 per chunk)."""
FRAME_DURATION = 0.0619375
"""Seconds of audio each output frame sees; a frame stands for the time at its centre."""
POWERSET = np.array(
    [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1]],
    dtype=bool,
)
"""Which of the three local speakers talk in each powerset class: none, {1}, {2}, {3}, {1,2}, {1,3}, {2,3}."""
_POWERSET_COUNTS = POWERSET.sum(axis=1).astype(np.uint8)


def load_segmentation(model: str = "pyannote-segmentation-3.0", threads: int = 0) -> ort.InferenceSession:
    """An onnxruntime session of the segmentation model from the registry: (batch, 1, 160000) -> (batch, 589, 7)."""
    from models import resolve

    path = resolve(model, engine="speaker-segmentation").path / "model.onnx"
    return ort.InferenceSession(str(path), onnx_cpu_options(threads), providers=["CPUExecutionProvider"])


@dataclass
class SpeakerCounts:
    """Streams audio through segmentation-3.0; `timelines()` gives speech and overlap regions in seconds."""

    step_s: float = 5.0
    """Hop between 10 s chunks; each frame is seen by 10/step chunks and their counts averaged."""
    min_overlap_s: float = 0.1
    """Shorter stretches of two voices are ignored."""
    batch: int = 8
    """Chunks per model call."""
    model: str = "pyannote-segmentation-3.0"
    """Registry name of the model."""
    threads: int = 0
    """onnxruntime threads (0: all cores)."""

    _session: ort.InferenceSession | None = field(default=None, init=False, repr=False)
    _buffer: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32), init=False, repr=False)
    _offset: int = field(default=0, init=False, repr=False)
    """Absolute sample index of `_buffer[0]`."""
    _pending: list[tuple[int, np.ndarray]] = field(default_factory=list, init=False, repr=False)
    _counts: list[tuple[int, np.ndarray]] = field(default_factory=list, init=False, repr=False)
    """(chunk start sample, speaker count per frame) for every chunk run."""

    def _run(self) -> None:
        if not self._pending:
            return
        if self._session is None:
            self._session = load_segmentation(self.model, self.threads)
        batch = np.stack([chunk for _, chunk in self._pending])[:, None, :]
        (logits,) = self._session.run(None, {"waveform": batch})
        for (start, _), chunk_logits in zip(self._pending, logits, strict=True):
            self._counts.append((start, _POWERSET_COUNTS[np.argmax(chunk_logits, axis=-1)]))
        self._pending = []

    def feed(self, block: np.ndarray) -> None:
        """Take the next block of the recording; full chunks are queued and run in batches."""
        step = int(self.step_s * SAMPLE_RATE)
        self._buffer = np.concatenate([self._buffer, block.astype(np.float32, copy=False)])
        while self._buffer.size >= CHUNK:
            self._pending.append((self._offset, self._buffer[:CHUNK].copy()))
            self._buffer = self._buffer[step:]
            self._offset += step
            if len(self._pending) >= self.batch:
                self._run()

    def tee(self, blocks: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
        """Pass blocks through unchanged, feeding each to the model on the way."""
        for block in blocks:
            self.feed(block)
            yield block

    def timelines(self, duration: float) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
        """(speech, overlap) regions of the whole recording, after its last block."""
        if self._buffer.size and (not self._counts or self._buffer.size > CHUNK - int(self.step_s * SAMPLE_RATE)):
            self._pending.append((self._offset, np.pad(self._buffer, (0, CHUNK - self._buffer.size))))
        self._run()
        frames = int(duration / FRAME_STEP) + 1
        total = np.zeros(frames, np.float32)
        seen = np.zeros(frames, np.float32)
        for start, counts in self._counts:
            first = round(start / SAMPLE_RATE / FRAME_STEP)
            n = max(0, min(counts.size, frames - first))
            total[first : first + n] += counts[:n]
            seen[first : first + n] += 1
        mean = total / np.maximum(seen, 1)
        return active_regions(mean >= 0.5, 0.0), active_regions(mean >= 1.5, self.min_overlap_s)


def active_regions(active: np.ndarray, min_s: float, *, offset_frames: int = 0) -> list[tuple[float, float]]:
    """Runs of active frames as (start, end) seconds, frame centres as in pyannote (`offset_frames`: of frame 0)."""
    edges = np.diff(np.concatenate([[0], active.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1) + offset_frames, np.flatnonzero(edges == -1) + offset_frames
    offset = FRAME_DURATION / 2
    out = [(s * FRAME_STEP + offset, e * FRAME_STEP + offset) for s, e in zip(starts, ends, strict=True)]
    return [(s, e) for s, e in out if e - s >= min_s]
