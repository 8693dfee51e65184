"""Transcribing from cached posteriors with the engine's own segmentation and hallucination guard.

The same steps as the default pipeline after the acoustic model (decoder -> words -> segments ->
`asr.hallucination`), so a configuration differs from the baseline only in what it changes.
"""

from __future__ import annotations

from asr.hallucination import remove_hallucinations
from asr.vietasr_engine import Decoder, VietAsrEngine
from dialect_adapt.features import ClipFeatures


def transcribe_cached(engine: VietAsrEngine, features: ClipFeatures, decoder: Decoder | None = None) -> str:
    """Text of a clip decoded from its cached chunk posteriors by `decoder` (default: `engine.decoder`)."""
    segments = [
        segment
        for chunk in features.chunks
        for segment in engine.decode_posteriors(chunk.log_probs, start=chunk.start, end=chunk.end, decoder=decoder)
    ]
    return " ".join(s.text for s in remove_hallucinations(segments))
