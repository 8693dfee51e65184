"""Nothing silently lost: speech that came out without words is decoded again alone, or marked as untranscribed.

The first pass decodes the VAD's chunks; speech another detector heard (the diarization's turns, which
include what the segmentation model found and Silero missed), and speech whose words the recogniser or
the hallucination guard dropped, leaves a wordless stretch. Each such stretch of at least `min_s` is
cut from the recording and decoded on its own, with the hallucination guard relaxed (a lone phrase
has no context to be judged against); what still yields no words becomes an empty segment marked
`untranscribed`, so a clerk sees it, can listen to it and type what was said.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from asr.engine import DecodeOptions, Engine
from asr.hallucination import HallucinationFilter, remove_hallucinations
from asr.readable import restore
from core.audio import SAMPLE_RATE
from core.transcript import Segment, Transcript
from core.vad import SpeechChunk

logger = logging.getLogger(__name__)

RELAXED_GUARD = HallucinationFilter(no_speech_threshold=0.9, min_confidence=0.2, min_repeats=6)
"""The second pass keeps what Whisper is unsure of (only near-certain silence and long loops go)."""

Span = tuple[float, float]


def wordless_speech(
    speech: Iterable[Span], transcript: Transcript, *, min_s: float = 1.0, margin_s: float = 0.3
) -> list[Span]:
    """Stretches of `speech` of at least `min_s` that no word covers (each word widened by `margin_s`)."""
    covered = sorted((w.start - margin_s, w.end + margin_s) for w in transcript.words)
    covered += sorted((s.start, s.end) for s in transcript.segments if not s.words and s.text.strip())
    covered.sort()
    gaps: list[Span] = []
    for start, end in _union(speech):
        cursor = start
        for a, b in covered:
            if b <= cursor or a >= end:
                continue
            if a - cursor >= min_s:
                gaps.append((cursor, a))
            cursor = max(cursor, b)
        if end - cursor >= min_s:
            gaps.append((cursor, end))
    return gaps


def _union(spans: Iterable[Span]) -> list[Span]:
    """Sorted, non-overlapping spans covering the same time."""
    merged: list[list[float]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def cut_spans(blocks: Iterable[np.ndarray], spans: Sequence[Span], *, pad_s: float = 0.1) -> Iterator[SpeechChunk]:
    """The audio of each span (sorted, disjoint; widened by `pad_s`), cut from a stream of blocks as it passes."""
    wanted = [(max(0, int((a - pad_s) * SAMPLE_RATE)), int((b + pad_s) * SAMPLE_RATE)) for a, b in spans]
    buffer = np.zeros(0, np.float32)
    offset = 0  # absolute sample index of buffer[0]
    index = 0
    for block in blocks:
        buffer = np.concatenate([buffer, block.astype(np.float32, copy=False)])
        while index < len(wanted) and wanted[index][1] <= offset + buffer.size:
            start, end = wanted[index]
            yield SpeechChunk(start / SAMPLE_RATE, buffer[max(0, start - offset) : end - offset].copy())
            index += 1
        keep_from = wanted[index][0] - offset if index < len(wanted) else buffer.size
        keep_from = min(max(keep_from, 0), buffer.size)
        buffer, offset = buffer[keep_from:], offset + keep_from
    for start, _ in wanted[index:]:  # spans running past the end of the stream
        if start - offset < buffer.size:
            yield SpeechChunk(start / SAMPLE_RATE, buffer[max(0, start - offset) :].copy())


def recover(
    transcript: Transcript,
    chunks: Iterable[SpeechChunk],
    engine: Engine,
    options: DecodeOptions,
    *,
    guard: HallucinationFilter = RELAXED_GUARD,
    glossary: Sequence[str] | None = (),
) -> Transcript:
    """The transcript with each chunk (a wordless stretch of speech) decoded alone, or marked untranscribed.

    New segments are placed in time order and every segment is renumbered; the rest is left as it is.
    Recovered text is made readable (`asr.readable.restore` with `glossary`) unless `glossary` is None.
    """
    added: list[Segment] = []
    for chunk in chunks:
        found = [s for s in remove_hallucinations(engine.transcribe_chunks([chunk], options), guard=guard) if s.text]
        if found:
            added.extend(found if glossary is None else restore(found, glossary=glossary))
        else:
            added.append(
                Segment(id=0, start=round(chunk.start, 3), end=round(chunk.end, 3), text="", untranscribed=True)
            )
        logger.info(
            "wordless_speech start=%.2f end=%.2f recovered_words=%d",
            chunk.start,
            chunk.end,
            sum(len(s.words) for s in found),
        )
    if not added:
        return transcript
    segments = sorted([*transcript.segments, *added], key=lambda s: (s.start, s.end))
    return transcript.model_copy(update={"segments": [s.model_copy(update={"id": i}) for i, s in enumerate(segments)]})
