"""The `whisper` engine: faster-whisper on CTranslate2, any CTranslate2 Whisper model directory.

Whisper's encoder always reads a 30 s window, however little speech it holds, so the cost of a
recording is set by the number of windows, not by its length. Meetings are full of short
turns ("Vâng.", "Đồng ý."), and one VAD chunk per window would pay a full window for each. The
engine therefore packs consecutive chunks into windows of at most `window_s` seconds (a short
silence between them), decodes `batch_size` windows at a time with faster-whisper's
`BatchedInferencePipeline`, and maps every word back into the chunk it came from, so times stay
absolute and no word ever lands in a pause that was cut out. Chunks stream through: at most
`batch_size` windows of audio are held, whatever the recording's length.

Measured on 3 minutes of cv9_vi_dev speech on the 2-core CPU (benchmarks/asr_speed.py, a busy
machine): batched windows of 15 s take 28.6 CPU s at 36.6% WER, where one window at a time takes
34.5 s at 39.2%, and faster-whisper's own sequential `transcribe` of the whole file 36.1 s at 39.5%
with int8 (568 s at 58.5% with its defaults, float32 and conditioning on previous text, which loops).
Batching costs memory: beams of 4 windows hold ~370 MB more (peak 800 MB; `batch_size=1` for less).
Whisper base, decoding without timestamp tokens, often stops before a window's end and drops
the rest: chunks none of whose words came out are decoded once more on their own (`retry_missed`,
38.2% -> 36.7% WER on 10 minutes). Windows of 30 s are 20% cheaper but lose more (39.2%).

Segments carry Whisper's own scores (`no_speech_prob`, `avg_logprob`, `compression_ratio`) for
`asr.hallucination`; they are fields of `WhisperSegment`, a `Segment` subclass, so they never
reach the stored Transcript schema.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel
from faster_whisper.transcribe import Segment as FwSegment
from faster_whisper.transcribe import Word as FwWord

from asr.engine import DecodeOptions
from core.audio import SAMPLE_RATE
from core.device import DeviceChoice, choose_device, cuda_available
from core.errors import ModelError
from core.settings import AsrSettings, get_settings
from core.transcript import ModelRef, Segment, Word
from core.vad import SpeechChunk
from models import resolve

logger = logging.getLogger(__name__)

_WHISPER_WINDOW_S = 30.0
"""Whisper's fixed input length; more audio than this in one clip is silently ignored."""
_MAX_PROMPT_TOKENS = 100
"""Hotwords and the initial prompt each keep at most this many tokens, so the prompt never eats the
448-token context the window's own text needs."""


class WhisperSegment(Segment):
    """A `Segment` with the decoder's scores, for the hallucination guard (not part of the stored schema)."""

    no_speech_prob: float = 0.0
    """Probability of the no-speech token at the start of the window the segment was decoded in."""
    avg_logprob: float = 0.0
    """Average token log probability of that window's decoding."""
    compression_ratio: float = 0.0
    """gzip compression ratio of the decoded text (high means repetitive)."""


@dataclass(frozen=True)
class _Piece:
    """One chunk inside a packed window: `offset` seconds from the window's start."""

    chunk: SpeechChunk
    offset: float

    @property
    def stop(self) -> float:
        return self.offset + self.chunk.duration


@dataclass(frozen=True)
class _Window:
    """Consecutive chunks decoded as one Whisper window."""

    pieces: tuple[_Piece, ...]
    audio: np.ndarray

    @property
    def duration(self) -> float:
        return self.audio.size / SAMPLE_RATE

    def locate(self, t: float) -> int:
        """Index of the piece a window time belongs to (the nearest one when it falls in a pause)."""
        for k, piece in enumerate(self.pieces):
            nxt = self.pieces[k + 1] if k + 1 < len(self.pieces) else None
            if nxt is None or t < (piece.stop + nxt.offset) / 2:
                return k
        return len(self.pieces) - 1

    def absolute(self, k: int, t: float) -> float:
        """Window time `t` as seconds in the recording, clamped into piece `k`."""
        piece = self.pieces[k]
        inside = min(max(t, piece.offset), piece.stop)
        return round(piece.chunk.start + inside - piece.offset, 3)


class WhisperEngine:
    """Recognises VAD chunks with Whisper; batched windows of packed chunks, words mapped back to each chunk."""

    name = "whisper"

    def __init__(
        self,
        model: str | None = None,
        *,
        settings: AsrSettings | None = None,
        window_s: float = 15.0,
        pack_gap_s: float = 0.3,
        batched: bool = True,
        compression_ratio_threshold: float | None = 2.4,
        log_prob_threshold: float | None = -1.0,
        no_speech_threshold: float | None = 0.6,
        hallucination_silence_threshold: float | None = 2.0,
        retry_missed: bool = True,
    ) -> None:
        """Load the model on the configured device.

        model: registry name or CTranslate2 Whisper directory (default: the configured `whisper_model`).
        settings: ASR settings (default: the process settings); device, compute type, batch size, threads.
        window_s: longest packed window; also the longest chunk this engine asks the chunker for.
        pack_gap_s: silence put between packed chunks, so Whisper hears the pause.
        batched: decode `batch_size` windows at once (BatchedInferencePipeline); False decodes one
            window at a time with faster-whisper's temperature fallback and the thresholds below.
        compression_ratio_threshold: sequential only: decodings more repetitive than this are retried.
        log_prob_threshold: sequential only: decodings less probable than this are retried.
        no_speech_threshold: sequential only: windows more likely silent than this (and improbable) are skipped.
        hallucination_silence_threshold: sequential, with word timestamps: silences longer than this
            before a probable hallucination are skipped.
        retry_missed: decode once more, in windows of their own, the chunks of a window none of whose
            words came out (Whisper base often stops before the end of a window); needs word timestamps.
        """
        settings = settings or get_settings().asr
        if not 0 < window_s <= _WHISPER_WINDOW_S:
            raise ValueError(f"window_s must be in (0, {_WHISPER_WINDOW_S:g}], got {window_s}")
        self.window_s = window_s
        self.max_chunk_s = window_s
        """Longest chunk this engine wants from the chunker (the `Engine` protocol)."""
        self.pack_gap_s = pack_gap_s
        self.batched = batched
        self.compression_ratio_threshold = compression_ratio_threshold
        self.log_prob_threshold = log_prob_threshold
        self.no_speech_threshold = no_speech_threshold
        self.hallucination_silence_threshold = hallucination_silence_threshold
        self.retry_missed = retry_missed

        resolved = resolve(
            model or settings.whisper_model, engine="whisper", verified_only=settings.verified_models_only
        )
        self.device: DeviceChoice = choose_device(settings)
        if self.device.device == "cuda" and not cuda_available():
            raise ModelError(
                "không có GPU CUDA cho Whisper (device=cuda requested but no CUDA device is visible; "
                "set GOBANG_ASR__DEVICE=cpu or auto)"
            )
        self.model = _load(resolved.path, self.device)
        self._ref = ModelRef(
            engine=self.name,
            name=resolved.name,
            checksum=resolved.checksum,
            device=self.device.device,
            compute_type=self.device.compute_type,
        )
        logger.info(
            "whisper_loaded model=%s path=%s device=%s compute_type=%s batch_size=%d cpu_threads=%d window_s=%.1f"
            " batched=%s",
            resolved.name,
            resolved.path,
            self.device.device,
            self.device.compute_type,
            self.device.batch_size,
            self.device.cpu_threads,
            window_s,
            batched,
        )

    @property
    def model_ref(self) -> ModelRef:
        return self._ref

    @property
    def batch_size(self) -> int:
        """Windows decoded together (from the device choice: 16 on CUDA, 4 on the CPU unless configured)."""
        return self.device.batch_size

    def transcribe_chunks(self, chunks: Iterable[SpeechChunk], options: DecodeOptions) -> Iterator[Segment]:
        """Recognise chunks as they arrive; `batch_size` windows are decoded at a time, in time order."""
        kwargs = self._decode_kwargs(options)
        pipeline = BatchedInferencePipeline(self.model) if self.batched else None  # per call: it keeps state
        size = self.batch_size if self.batched else 1
        batch: list[_Window] = []
        for window in self._windows(chunks):
            batch.append(window)
            if len(batch) >= size:
                yield from self._decode_batch(batch, pipeline, kwargs, options)
                batch = []
        if batch:
            yield from self._decode_batch(batch, pipeline, kwargs, options)

    def _decode_batch(
        self,
        batch: Sequence[_Window],
        pipeline: BatchedInferencePipeline | None,
        kwargs: dict[str, object],
        options: DecodeOptions,
    ) -> Iterator[Segment]:
        """Decode windows, then once more the chunks Whisper skipped; segments in time order."""
        segments, missed = self._decode(batch, pipeline, kwargs, options)
        if missed and self.retry_missed and options.word_timestamps:
            retry = list(self._windows(missed))
            logger.info(
                "whisper_retry chunks=%d windows=%d audio_s=%.1f",
                len(missed),
                len(retry),
                sum(c.duration for c in missed),
            )
            size = self.batch_size if self.batched else 1
            for i in range(0, len(retry), size):
                found, _ = self._decode(retry[i : i + size], pipeline, kwargs, options)
                segments.extend(found)
            segments.sort(key=lambda seg: (seg.start, seg.end))
        yield from segments

    # -- packing -----------------------------------------------------------------------------------

    def _windows(self, chunks: Iterable[SpeechChunk]) -> Iterator[_Window]:
        """Consecutive chunks packed into windows of at most `window_s` (a longer chunk is a window alone)."""
        gap = int(self.pack_gap_s * SAMPLE_RATE)
        limit = int(self.window_s * SAMPLE_RATE)
        pending: list[SpeechChunk] = []
        size = 0
        for chunk in _split_long(chunks):
            extra = chunk.audio.size + (gap if pending else 0)
            if pending and size + extra > limit:
                yield _pack(pending, gap)
                pending, size, extra = [], 0, chunk.audio.size
            pending.append(chunk)
            size += extra
        if pending:
            yield _pack(pending, gap)

    # -- decoding ----------------------------------------------------------------------------------

    def _decode_kwargs(self, options: DecodeOptions) -> dict[str, object]:
        kwargs: dict[str, object] = {
            "language": options.language,
            "beam_size": options.beam_size,
            "word_timestamps": options.word_timestamps,
            "vad_filter": False,
            "condition_on_previous_text": False,
            "hotwords": self._clip_prompt(", ".join(h.strip() for h in options.hotwords if h.strip()), keep="head"),
            "initial_prompt": self._clip_prompt(options.initial_prompt or "", keep="tail"),
        }
        if not self.batched:
            kwargs.update(
                compression_ratio_threshold=self.compression_ratio_threshold,
                log_prob_threshold=self.log_prob_threshold,
                no_speech_threshold=self.no_speech_threshold,
                hallucination_silence_threshold=(
                    self.hallucination_silence_threshold if options.word_timestamps else None
                ),
            )
        kwargs.update(options.extra)
        return kwargs

    def _clip_prompt(self, text: str, *, keep: str) -> str | None:
        """`text` cut to `_MAX_PROMPT_TOKENS` tokens (its head or its tail); None when empty."""
        text = text.strip()
        if not text:
            return None
        ids = self.model.hf_tokenizer.encode(" " + text, add_special_tokens=False).ids
        if len(ids) <= _MAX_PROMPT_TOKENS:
            return " " + text
        kept = ids[:_MAX_PROMPT_TOKENS] if keep == "head" else ids[-_MAX_PROMPT_TOKENS:]
        logger.warning("whisper_prompt_truncated tokens=%d kept=%d keep=%s", len(ids), len(kept), keep)
        return str(self.model.hf_tokenizer.decode(kept))

    def _decode(
        self,
        batch: Sequence[_Window],
        pipeline: BatchedInferencePipeline | None,
        kwargs: dict[str, object],
        options: DecodeOptions,
    ) -> tuple[list[WhisperSegment], list[SpeechChunk]]:
        """Segments of the windows, and the chunks none of whose words came out (Whisper stopped early)."""
        found: list[list[WhisperSegment]] = [[] for _ in batch]
        if pipeline is None:
            for i, window in enumerate(batch):
                fw_segments, _ = self.model.transcribe(window.audio, **kwargs)
                for fw in fw_segments:
                    found[i].extend(_to_segments(fw, window, 0.0, options.word_timestamps))
        else:
            # Windows sit in 30 s slots of one array, so each output segment's `seek` names its window exactly.
            slot = int(_WHISPER_WINDOW_S * SAMPLE_RATE)
            audio = np.zeros(slot * len(batch), dtype=np.float32)
            clips = []
            for i, window in enumerate(batch):
                audio[i * slot : i * slot + window.audio.size] = window.audio
                clips.append({"start": i * _WHISPER_WINDOW_S, "end": i * _WHISPER_WINDOW_S + window.duration})
            fw_segments, _ = pipeline.transcribe(audio, clip_timestamps=clips, batch_size=len(batch), **kwargs)
            frames_per_slot = _WHISPER_WINDOW_S * self.model.frames_per_second
            for fw in fw_segments:
                i = min(round(fw.seek / frames_per_slot), len(batch) - 1)
                found[i].extend(_to_segments(fw, batch[i], i * _WHISPER_WINDOW_S, options.word_timestamps))
        missed: list[SpeechChunk] = []
        for window, segments in zip(batch, found, strict=True):
            heard = {id(seg_chunk) for seg in segments for seg_chunk in _chunks_of(seg, window)}
            missed.extend(p.chunk for p in window.pieces if id(p.chunk) not in heard)
        logger.debug(
            "whisper_batch windows=%d audio_s=%.1f missed_chunks=%d",
            len(batch),
            sum(w.duration for w in batch),
            len(missed),
        )
        return [seg for segments in found for seg in segments], missed


def _chunks_of(segment: Segment, window: _Window) -> Iterator[SpeechChunk]:
    """The chunks of `window` that `segment`'s words lie in."""
    for piece in window.pieces:
        if any(piece.chunk.start <= w.start <= piece.chunk.end for w in segment.words):
            yield piece.chunk


def _load(path: object, device: DeviceChoice) -> WhisperModel:
    """The model on its device; every failure becomes a `ModelError` naming the model and the device."""
    try:
        return WhisperModel(
            str(path),
            device=device.device,
            compute_type=device.compute_type,
            cpu_threads=device.cpu_threads if device.device == "cpu" else 0,
            local_files_only=True,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(
            f"không nạp được mô hình Whisper trên {device.device}/{device.compute_type} "
            f"(cannot load Whisper model at {path} on {device.device} with {device.compute_type}: {exc})"
        ) from exc


def _split_long(chunks: Iterable[SpeechChunk]) -> Iterator[SpeechChunk]:
    """Chunks as given, except that one longer than Whisper's 30 s window is cut, rather than truncated silently."""
    limit = int(_WHISPER_WINDOW_S * SAMPLE_RATE)
    for chunk in chunks:
        if chunk.audio.size <= limit:
            yield chunk
            continue
        logger.warning("whisper_chunk_split start=%.2f duration=%.1f", chunk.start, chunk.duration)
        for at in range(0, chunk.audio.size, limit):
            yield SpeechChunk(start=chunk.start + at / SAMPLE_RATE, audio=chunk.audio[at : at + limit])


def _pack(chunks: list[SpeechChunk], gap: int) -> _Window:
    pieces: list[_Piece] = []
    parts: list[np.ndarray] = []
    offset = 0
    for chunk in chunks:
        if parts:
            parts.append(np.zeros(gap, dtype=np.float32))
            offset += gap
        pieces.append(_Piece(chunk=chunk, offset=offset / SAMPLE_RATE))
        parts.append(chunk.audio.astype(np.float32, copy=False))
        offset += chunk.audio.size
    return _Window(pieces=tuple(pieces), audio=np.concatenate(parts) if len(parts) > 1 else parts[0])


def _confidence(words: Sequence[FwWord], avg_logprob: float) -> float:
    """Geometric mean of the words' probabilities (a per-segment figure), else exp(avg_logprob) of the window."""
    if words:
        mean_log = sum(math.log(max(w.probability, 1e-6)) for w in words) / len(words)
        return min(max(math.exp(mean_log), 0.0), 1.0)
    return min(max(math.exp(avg_logprob), 0.0), 1.0)


def _to_segments(fw: FwSegment, window: _Window, origin: float, with_words: bool) -> Iterator[WhisperSegment]:
    """One faster-whisper segment as segments of ours: one per chunk its words fall in, times absolute.

    `origin` is where the window starts in the audio faster-whisper was given.
    """
    no_speech_prob, avg_logprob = float(fw.no_speech_prob), float(fw.avg_logprob)
    compression_ratio = float(fw.compression_ratio)
    fw_words = [w for w in (fw.words or []) if w.word.strip()]
    if not with_words or not fw_words:
        text = fw.text.strip()
        if not text:
            return
        first = window.locate(fw.start - origin)
        last = window.locate(max(fw.end - origin, fw.start - origin))
        start = window.absolute(first, fw.start - origin)
        end = max(window.absolute(last, fw.end - origin), start)
        yield WhisperSegment(
            id=0,
            start=start,
            end=end,
            text=text,
            confidence=_confidence([], avg_logprob),
            no_speech_prob=no_speech_prob,
            avg_logprob=avg_logprob,
            compression_ratio=compression_ratio,
        )
        return
    groups: dict[int, list[FwWord]] = {}
    for w in fw_words:
        groups.setdefault(window.locate((w.start + w.end) / 2 - origin), []).append(w)
    for k, group in sorted(groups.items()):
        words: list[Word] = []
        for w in group:
            start = window.absolute(k, w.start - origin)
            end = max(window.absolute(k, w.end - origin), start)
            if words and start < words[-1].end:  # DTW can overlap neighbours by a frame
                start = min(words[-1].end, end)
            words.append(Word(text=w.word.strip(), start=start, end=end, confidence=min(max(w.probability, 0.0), 1.0)))
        yield WhisperSegment(
            id=0,
            start=words[0].start,
            end=words[-1].end,
            text=" ".join(w.text for w in words),
            words=words,
            confidence=_confidence(group, avg_logprob),
            no_speech_prob=no_speech_prob,
            avg_logprob=avg_logprob,
            compression_ratio=compression_ratio,
        )
