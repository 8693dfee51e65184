"""Overlapped speech from pyannote segmentation-3.0, run without pyannote.audio.

The model looks at 10 s of audio and says, every 17 ms, which of up to three local speakers talk
(at most two at once, a "powerset" of classes). `SpeakerCounts` only keeps how many talk: frames where
two do are overlapped speech, a second speaker is then added there (diarization.pipeline). It is fed the
VAD's speech regions as they stream past, joined end to end, so silence costs nothing and memory stays at
one chunk plus one byte per frame of speech.
"""

from __future__ import annotations

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
    """Runs segmentation-3.0 over the speech regions only, joined end to end (silence is never windowed);
    `overlaps()` gives where two voices talk at once, in seconds of the recording."""

    step_s: float = 5.0
    """Hop between 10 s chunks of the joined speech; each frame is seen by 10/step chunks and their counts averaged."""
    min_overlap_s: float = 0.1
    """Shorter stretches of two voices are ignored."""
    gap_s: float = 0.5
    """Silence put between two regions where they are joined: cut straight together, the model heard the join as
    two voices at once (gap_s 0: simulated development meetings, which have no overlap, got 14.9 s of it)."""
    agreement: float = 1.0
    """Share of the chunks seeing a frame that must hear two voices there for it to be overlap. 1.0 (every chunk),
    chosen on development data (issue #16, step 5 s): 0.5 (the rounded mean count, as pyannote's) gave AMI trn+dev
    29.7% and simulated development meetings 5.3% (false alarm 2.3%: segmentation-3.0 hears some Vietnamese voices
    as two), 1.0 gave 30.4% and 3.7% (off: 33.4% and 3.0%)."""
    batch: int = 8
    """Chunks per model call."""
    model: str = "pyannote-segmentation-3.0"
    """Registry name of the model."""
    threads: int = 0
    """onnxruntime threads (0: all cores)."""

    _session: ort.InferenceSession | None = field(default=None, init=False, repr=False)
    _buffer: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32), init=False, repr=False)
    _offset: int = field(default=0, init=False, repr=False)
    """Sample of the joined speech at `_buffer[0]`."""
    _joined: int = field(default=0, init=False, repr=False)
    """Samples of speech fed so far."""
    _regions: list[tuple[int, int, float]] = field(default_factory=list, init=False, repr=False)
    """(first and end sample in the joined speech, start in the recording in seconds) of every region fed."""
    _pending: list[tuple[int, np.ndarray]] = field(default_factory=list, init=False, repr=False)
    _counts: list[tuple[int, np.ndarray]] = field(default_factory=list, init=False, repr=False)
    """(chunk start sample in the joined speech, speaker count per frame) for every chunk run."""

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

    def feed(self, start_s: float, audio: np.ndarray) -> None:
        """Take the next speech region (`audio` starting `start_s` into the recording); full chunks are queued and
        run in batches."""
        step = int(self.step_s * SAMPLE_RATE)
        gap = np.zeros(int(self.gap_s * SAMPLE_RATE) if self._regions else 0, np.float32)
        self._regions.append((self._joined + gap.size, self._joined + gap.size + audio.size, start_s))
        self._joined += gap.size + audio.size
        self._buffer = np.concatenate([self._buffer, gap, audio.astype(np.float32, copy=False)])
        while self._buffer.size >= CHUNK:
            self._pending.append((self._offset, self._buffer[:CHUNK].copy()))
            self._buffer = self._buffer[step:]
            self._offset += step
            if len(self._pending) >= self.batch:
                self._run()

    def overlaps(self) -> list[tuple[float, float]]:
        """Stretches of the recording where two voices talk at once, after the last region."""
        if self._buffer.size and (not self._counts or self._buffer.size > CHUNK - int(self.step_s * SAMPLE_RATE)):
            self._pending.append((self._offset, np.pad(self._buffer, (0, CHUNK - self._buffer.size))))
        self._run()
        frames = int(self._joined / SAMPLE_RATE / FRAME_STEP) + 1
        total = np.zeros(frames, np.float32)
        seen = np.zeros(frames, np.float32)
        for start, counts in self._counts:
            first = round(start / SAMPLE_RATE / FRAME_STEP)
            n = max(0, min(counts.size, frames - first))
            total[first : first + n] += counts[:n]
            seen[first : first + n] += 1
        joined = active_regions(total >= (1 + self.agreement) * np.maximum(seen, 1) - 1e-6, 0.0)
        # back to the recording's time: a stretch that crosses the join of two regions is cut there
        firsts, ends, starts = (np.array(column, np.float64) for column in zip(*self._regions, strict=True))
        firsts, ends = firsts / SAMPLE_RATE, ends / SAMPLE_RATE
        out = []
        for lo, hi in joined:
            for i in range(int(np.searchsorted(firsts, lo, "right")) - 1, len(firsts)):
                if firsts[i] >= hi:
                    break
                a, b = max(lo, firsts[i]), min(hi, ends[i])
                if b - a >= self.min_overlap_s:
                    shift = starts[i] - firsts[i]
                    out.append((a + shift, b + shift))
        return out


def active_regions(active: np.ndarray, min_s: float, *, offset_frames: int = 0) -> list[tuple[float, float]]:
    """Runs of active frames as (start, end) seconds, frame centres as in pyannote (`offset_frames`: of frame 0)."""
    edges = np.diff(np.concatenate([[0], active.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1) + offset_frames, np.flatnonzero(edges == -1) + offset_frames
    offset = FRAME_DURATION / 2
    out = [(s * FRAME_STEP + offset, e * FRAME_STEP + offset) for s, e in zip(starts, ends, strict=True)]
    return [(s, e) for s, e in out if e - s >= min_s]
