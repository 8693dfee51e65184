"""The one interface every ASR engine implements.

An engine turns speech chunks (already cut by VAD, at most ~30 s, times absolute in the
recording) into segments with word timings. It never decodes files nor sees the whole
recording: that keeps memory bounded and lets both engines share the same front end.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from core.transcript import ModelRef, Segment
from core.vad import SpeechChunk


@dataclass(frozen=True)
class DecodeOptions:
    """Per-request decoding options, shared by every engine (each uses what it can)."""

    language: str = "vi"
    """Language code of the speech."""
    hotwords: tuple[str, ...] = ()
    """Words and names to favour (delegates' names, legal terms)."""
    initial_prompt: str | None = None
    """Text that primes the decoder's style and vocabulary (whisper only)."""
    beam_size: int = 5
    """Beam width; 1 is greedy."""
    word_timestamps: bool = True
    """Give every word its start and end."""
    extra: dict[str, object] = field(default_factory=dict)
    """Engine-specific options, passed through untouched."""


class Engine(Protocol):
    """A speech recogniser; `Segment.id` values it returns are provisional (the transcriber renumbers)."""

    name: str
    max_chunk_s: float
    """Longest speech chunk the engine wants (Whisper: its 30 s window)."""

    @property
    def model_ref(self) -> ModelRef:
        """Provenance written into every Transcript."""
        ...

    def transcribe_chunks(self, chunks: Iterable[SpeechChunk], options: DecodeOptions) -> Iterator[Segment]:
        """Recognise each chunk, yielding segments in time order as soon as they are ready."""
        ...
