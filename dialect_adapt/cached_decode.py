"""Transcribing from cached posteriors with the engine's own segmentation and hallucination guard.

The same steps as the default pipeline after the acoustic model (decoder -> words -> segments ->
`asr.hallucination`), so a configuration differs from the baseline only in what it changes.
"""

from __future__ import annotations

from asr.hallucination import remove_hallucinations
from asr.vietasr_engine import VietAsrEngine
from dialect_adapt.features import ClipFeatures


def transcribe_cached(engine: VietAsrEngine, features: ClipFeatures) -> str:
    """Text of a clip decoded by `engine.decoder` from its cached chunk posteriors."""
    segments = [
        segment
        for chunk in features.chunks
        for segment in engine.decode_posteriors(chunk.log_probs, start=chunk.start, end=chunk.end)
    ]
    return " ".join(s.text for s in remove_hallucinations(segments))
