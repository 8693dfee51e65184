"""Per-clip features cached on disk, so adaptation settings can be swept without re-running the models.

One pass of the default speech pipeline (`Transcriber` + vietasr) over a clip gives its baseline
text and, tapped on the way, the CTC frame posteriors of every VAD chunk; CAM++ gives a speaker
embedding of the clip for accent identification. Posteriors are pruned to the `TOP_K` best tokens
of each frame (beam search never looks further down) and stored as float16: about 20 kB a clip.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.audio import load_audio
from core.errors import SilentAudioError
from core.hashing import file_sha256
from core.manifest import ManifestRow
from core.settings import get_settings
from core.transcript import ModelRef, Segment
from core.vad import SpeechChunk

logger = logging.getLogger(__name__)

TOP_K = 32
"""Tokens kept per frame."""
FLOOR_LOGP = -30.0
"""Log posterior given to the pruned tokens."""
_VERSION = "f1"

CountProgress = Callable[[int, int], None]
"""Called with (clips done, clips in all)."""


@dataclass(frozen=True)
class ChunkPosteriors:
    """CTC log posteriors of one VAD chunk, shape (frames, vocabulary), times in seconds in the clip."""

    start: float
    end: float
    log_probs: np.ndarray


@dataclass(frozen=True)
class ClipFeatures:
    baseline_text: str
    """What the default pipeline transcribed (greedy CTC, hallucination guard, readable text)."""
    chunks: list[ChunkPosteriors]
    embedding: np.ndarray
    """CAM++ speaker embedding of the whole clip, shape (192,)."""
    frame_s: float


def prune(log_probs: np.ndarray, k: int = TOP_K) -> tuple[np.ndarray, np.ndarray]:
    """Indices (int16) and values (float16) of the `k` most probable tokens of each frame."""
    k = min(k, log_probs.shape[1])
    index = np.argpartition(-log_probs, k - 1, axis=1)[:, :k]
    values = np.take_along_axis(log_probs, index, axis=1)
    return index.astype(np.int16), values.astype(np.float16)


def unprune(index: np.ndarray, values: np.ndarray, vocabulary: int) -> np.ndarray:
    """The full (frames, vocabulary) matrix back, pruned tokens at `FLOOR_LOGP`."""
    full = np.full((index.shape[0], vocabulary), FLOOR_LOGP, dtype=np.float32)
    np.put_along_axis(full, index.astype(np.int64), values.astype(np.float32), axis=1)
    return full


class _TappedModel:
    """Stands in for the engine's CTC model and keeps each chunk's posteriors as they are computed."""

    def __init__(self, model: object) -> None:
        self.model = model
        self.frame_s: float = model.frame_s  # type: ignore[attr-defined]
        self.taken: list[np.ndarray] = []

    def log_probs(self, audio: np.ndarray) -> np.ndarray:
        result: np.ndarray = self.model.log_probs(audio)  # type: ignore[attr-defined]
        self.taken.append(result)
        return result


class _TappedEngine:
    """The vietasr engine with its chunk times and posteriors recorded (same output, same path)."""

    def __init__(self, engine: object) -> None:
        self.engine = engine
        self.name: str = engine.name  # type: ignore[attr-defined]
        self.max_chunk_s: float = engine.max_chunk_s  # type: ignore[attr-defined]
        self.tap = _TappedModel(engine.model)  # type: ignore[attr-defined]
        engine.model = self.tap  # type: ignore[attr-defined]
        self.spans: list[tuple[float, float]] = []

    @property
    def model_ref(self) -> ModelRef:
        ref: ModelRef = self.engine.model_ref  # type: ignore[attr-defined]
        return ref

    def transcribe_chunks(self, chunks: Iterable[SpeechChunk], options: object) -> Iterator[Segment]:
        def spans() -> Iterator[SpeechChunk]:
            for chunk in chunks:
                self.spans.append((chunk.start, chunk.end))
                yield chunk

        yield from self.engine.transcribe_chunks(spans(), options)  # type: ignore[attr-defined]

    def reset(self) -> None:
        self.spans.clear()
        self.tap.taken.clear()


class FeatureStore:
    """Computes `ClipFeatures` once per (audio file, model) and keeps them under `home/adapt/features`."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or get_settings().home / "adapt" / "features"
        self._engine: _TappedEngine | None = None
        self._transcriber: object | None = None
        self._embedder: object | None = None
        self._vocabulary: int | None = None

    def _load_models(self) -> None:
        from asr.factory import create_engine
        from asr.transcriber import Transcriber
        from diarization.embedders import get_embedder

        self._engine = _TappedEngine(create_engine("vietasr"))
        self._transcriber = Transcriber(self._engine)
        self._embedder = get_embedder("campplus")

    def _path(self, audio_path: Path) -> Path:
        from models import resolve

        checksum = resolve(get_settings().asr.vietasr_model, engine="vietasr").checksum or "x"
        return self.root / f"{file_sha256(audio_path)[:24]}-{checksum[:12]}-{_VERSION}.npz"

    def get(self, audio_path: Path) -> ClipFeatures:
        path = self._path(audio_path)
        if not path.exists():
            self._compute(audio_path, path)
        with np.load(path, allow_pickle=False) as data:
            vocabulary = int(data["vocabulary"])
            bounds = np.cumsum([0, *data["frames"].tolist()])
            chunks = [
                ChunkPosteriors(
                    start=float(s),
                    end=float(e),
                    log_probs=unprune(data["index"][a:b], data["values"][a:b], vocabulary),
                )
                for s, e, a, b in zip(data["starts"], data["ends"], bounds[:-1], bounds[1:], strict=True)
            ]
            return ClipFeatures(
                baseline_text=str(data["text"]),
                chunks=chunks,
                embedding=data["embedding"].astype(np.float32),
                frame_s=float(data["frame_s"]),
            )

    def _compute(self, audio_path: Path, path: Path) -> None:
        if self._engine is None:
            self._load_models()
        assert self._engine is not None and self._transcriber is not None and self._embedder is not None
        self._engine.reset()
        try:
            text = self._transcriber.transcribe(audio_path).text  # type: ignore[attr-defined]
        except SilentAudioError:
            text = ""
        embedding = self._embedder.embed(load_audio(audio_path))  # type: ignore[attr-defined]
        taken = self._engine.tap.taken
        pruned = [prune(lp) for lp in taken]
        vocabulary = taken[0].shape[1] if taken else 0
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp.npz")
        np.savez(
            partial,
            text=np.array(text),
            starts=np.array([s for s, _ in self._engine.spans], dtype=np.float64),
            ends=np.array([e for _, e in self._engine.spans], dtype=np.float64),
            frames=np.array([lp.shape[0] for lp in taken], dtype=np.int64),
            index=np.concatenate([i for i, _ in pruned]) if pruned else np.zeros((0, TOP_K), np.int16),
            values=np.concatenate([v for _, v in pruned]) if pruned else np.zeros((0, TOP_K), np.float16),
            vocabulary=np.array(vocabulary),
            embedding=np.asarray(embedding, dtype=np.float32),
            frame_s=np.array(self._engine.tap.frame_s),
        )
        partial.replace(path)

    def get_all(self, rows: Sequence[ManifestRow], progress: CountProgress | None = None) -> list[ClipFeatures]:
        """Features of every row, in order (computed where missing)."""
        features = []
        for done, row in enumerate(rows, start=1):
            features.append(self.get(row.audio_path))
            if progress is not None:
                progress(done, len(rows))
        return features
