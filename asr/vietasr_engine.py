"""The `vietasr` engine: the Vietnamese streaming CTC model shipped in `viet-asr`, with word timings.

CPU-fast (real-time factor about 0.07 on two cores) and far more accurate on Vietnamese than
Whisper base; output is lower case without punctuation (the transcriber restores readability).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from asr.ctc import StreamingCtcModel, TokenHit, greedy_decode, hits_to_words, load_tokens
from asr.engine import DecodeOptions
from core.device import choose_device
from core.settings import AsrSettings, get_settings
from core.transcript import ModelRef, Segment, Word
from core.vad import SpeechChunk
from models import resolve

logger = logging.getLogger(__name__)

Decoder = Callable[[np.ndarray], list[TokenHit]]
"""Frame log posteriors -> token hits of the chosen path."""


@runtime_checkable
class HotwordDecoder(Protocol):
    """A decoder that can be biased towards a request's hotwords (`DecodeOptions.hotwords`)."""

    def __call__(self, log_probs: np.ndarray) -> list[TokenHit]: ...

    def with_hotwords(self, hotwords: Sequence[str]) -> Decoder: ...


class VietAsrEngine:
    """Recognises VAD chunks with the CTC model; one segment per pause-delimited stretch of words."""

    name = "vietasr"
    max_chunk_s = 20.0
    """Chunks longer than this gain nothing (the model streams) and make segments too long to edit."""

    def __init__(
        self,
        model: str | None = None,
        *,
        settings: AsrSettings | None = None,
        segment_gap_s: float = 0.5,
        decoder: Decoder = greedy_decode,
    ) -> None:
        """`segment_gap_s`: a pause at least this long between two words starts a new segment.

        `decoder`: frame log posteriors -> token hits; greedy by default, or a beam search with a
        language model and hotwords (`dialect_adapt.beam.CtcBeamDecoder`).
        """
        settings = settings or get_settings().asr
        resolved = resolve(
            model or settings.vietasr_model, engine="vietasr", verified_only=settings.verified_models_only
        )
        self.device = choose_device(settings)
        self.model = StreamingCtcModel(
            resolved.path / "model.onnx",
            device=self.device.device,
            threads=self.device.cpu_threads,
        )
        self.tokens = load_tokens(resolved.path / "tokens.txt")
        self.segment_gap_s = segment_gap_s
        self.decoder = decoder
        self._ref = ModelRef(
            engine=self.name,
            name=resolved.name,
            checksum=resolved.checksum,
            device=self.device.device,
            compute_type="float32",
        )

    @property
    def model_ref(self) -> ModelRef:
        return self._ref

    def transcribe_chunks(self, chunks: Iterable[SpeechChunk], options: DecodeOptions) -> Iterator[Segment]:
        decoder = self.decoder
        if options.hotwords and isinstance(decoder, HotwordDecoder):
            decoder = decoder.with_hotwords(options.hotwords)
        for chunk in chunks:
            log_probs = self.model.log_probs(chunk.audio)
            yield from self.decode_posteriors(log_probs, start=chunk.start, end=chunk.end, decoder=decoder)

    def decode_posteriors(
        self, log_probs: np.ndarray, *, start: float, end: float, decoder: Decoder | None = None
    ) -> Iterator[Segment]:
        """Segments of one chunk from its frame log posteriors (also used on cached posteriors)."""
        hits = (decoder or self.decoder)(log_probs)
        yield from self._segments(hits_to_words(hits, self.tokens, frame_s=self.model.frame_s, start=start, end=end))

    def _segments(self, words: list[Word]) -> Iterator[Segment]:
        run: list[Word] = []
        for word in words:
            if run and word.start - run[-1].end >= self.segment_gap_s:
                yield _segment(run)
                run = []
            run.append(word)
        if run:
            yield _segment(run)


def _segment(words: list[Word]) -> Segment:
    return Segment(
        id=0,
        start=words[0].start,
        end=words[-1].end,
        text=" ".join(w.text for w in words),
        words=words,
        confidence=sum(w.confidence for w in words) / len(words),
    )
