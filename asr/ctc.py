"""Streaming CTC acoustic model (WeNet-style conformer exported to ONNX) and greedy decoding with timings.

The `viet-asr` package only returns text; running its model here gives frame posteriors, and
from them word timestamps (CTC spikes, 40 ms frames), confidences, and room for beam search.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import kaldi_native_fbank as knf
import numpy as np
import onnxruntime as ort

from core.audio import SAMPLE_RATE
from core.device import onnx_cpu_options
from core.transcript import Word
from models.conformer import SUBSAMPLING, stream_log_posteriors

WORD_MARK = "\u2581"  # SentencePiece's "▁" starts a new word
_FEATURE_SHIFT_S = 0.01


def fbank(audio: np.ndarray) -> np.ndarray:
    """80-bin Kaldi filterbank on the int16-scaled waveform, as WeNet models are trained."""
    options = knf.FbankOptions()
    options.frame_opts.samp_freq = SAMPLE_RATE
    options.frame_opts.dither = 0.0
    options.mel_opts.num_bins = 80
    extractor = knf.OnlineFbank(options)
    extractor.accept_waveform(SAMPLE_RATE, (audio * 32768.0).tolist())
    extractor.input_finished()
    n = extractor.num_frames_ready
    if n == 0:
        return np.zeros((0, 80), dtype=np.float32)
    return np.stack([extractor.get_frame(i) for i in range(n)]).astype(np.float32)


def load_tokens(path: Path) -> list[str]:
    """`token id` lines, as WeNet writes its units file."""
    tokens: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        token, _, index = line.rpartition(" ")
        tokens[int(index)] = token
    return [tokens.get(i, "") for i in range(max(tokens) + 1)]


class StreamingCtcModel:
    """Feeds features chunk by chunk with the model's attention and convolution caches."""

    def __init__(self, model_path: Path, *, device: str = "cpu", threads: int = 0) -> None:
        options = onnx_cpu_options(threads)
        providers = ["CPUExecutionProvider"]
        if device == "cuda":
            providers.insert(0, "CUDAExecutionProvider")
        self.session = ort.InferenceSession(str(model_path), options, providers=providers)
        inputs = {i.name: i.shape for i in self.session.get_inputs()}
        self.window = int(inputs["chunk"][1])
        self.att_cache_shape = [1, *inputs["att_cache"][1:]]
        self.cnn_cache_shape = [1, *inputs["cnn_cache"][1:]]
        self.frames_per_step = int(self.session.get_outputs()[0].shape[1])
        self.subsampling = SUBSAMPLING
        self.stride = self.frames_per_step * self.subsampling
        self.frame_s = self.subsampling * _FEATURE_SHIFT_S

    def log_probs(self, audio: np.ndarray) -> np.ndarray:
        """Frame-level log posteriors, shape (frames, vocabulary)."""
        features = fbank(audio)
        outputs = stream_log_posteriors(self.session, features)
        valid = max(0, (len(features) - 3) // self.subsampling)  # frames backed by real audio
        return outputs[: max(valid, 1)]


@dataclass(frozen=True)
class TokenHit:
    """A token emitted by CTC at `frame` with posterior probability `prob`."""

    token: int
    frame: int
    prob: float


def greedy_decode(log_probs: np.ndarray, blank: int = 0) -> list[TokenHit]:
    """Best path: the argmax of each frame, repeats merged and blanks dropped."""
    best = log_probs.argmax(axis=1)
    hits: list[TokenHit] = []
    previous = blank
    for frame, token in enumerate(best.tolist()):
        if token != blank and token != previous:
            hits.append(TokenHit(token, frame, float(np.exp(log_probs[frame, token]))))
        previous = token
    return hits


@dataclass(frozen=True)
class SpikeTiming:
    """How CTC spikes map to word edges, calibrated on cv9_vi_dev against VAD onsets and offsets.

    The first spike of a word comes about 0.27 s after the word's onset (median over 38
    clips); the last spike + one frame lands about where the word ends.
    """

    onset_lead_s: float = 0.25
    offset_lag_s: float = 0.04


def hits_to_words(
    hits: list[TokenHit],
    tokens: list[str],
    *,
    frame_s: float,
    start: float,
    end: float,
    timing: SpikeTiming = SpikeTiming(),
) -> list[Word]:
    """Group sub-word hits into words with times in [start, end] (absolute seconds)."""
    groups: list[list[TokenHit]] = []
    for hit in hits:
        piece = tokens[hit.token]
        if piece.startswith(WORD_MARK) or not groups:
            groups.append([hit])
        else:
            groups[-1].append(hit)
    words: list[Word] = []
    for index, group in enumerate(groups):
        text = "".join(tokens[h.token] for h in group).replace(WORD_MARK, "").strip()
        if not text:
            continue
        onset = start + group[0].frame * frame_s - timing.onset_lead_s
        offset = start + (group[-1].frame + 1) * frame_s + timing.offset_lag_s
        if index + 1 < len(groups):
            offset = min(offset, start + groups[index + 1][0].frame * frame_s - timing.onset_lead_s)
        floor = words[-1].end if words else start
        onset = min(max(onset, floor), end)
        offset = min(max(offset, onset), end)
        confidence = float(min(h.prob for h in group))
        words.append(Word(text=text, start=round(onset, 3), end=round(offset, 3), confidence=confidence))
    return words
