"""The speech core as one call: recording in, Transcript out.

Decode (streamed) -> VAD chunks -> engine -> hallucination guard -> written text (or readable text). Memory
stays bounded by one audio block plus one chunk, whatever the recording's length.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from asr.engine import DecodeOptions, Engine
from asr.hallucination import remove_hallucinations
from asr.readable import restore
from asr.recover import cut_spans, recover, wordless_speech
from asr.written import TextFormatter
from core.audio import SAMPLE_RATE, AudioSource, probe, source_name, stream_audio
from core.errors import SilentAudioError
from core.paragraphs import split_sentences
from core.progress import ProgressHook
from core.settings import get_settings
from core.transcript import Segment, SourceRef, Transcript
from core.vad import SpeechChunk, SpeechChunker

logger = logging.getLogger(__name__)


class Transcriber:
    """Runs one engine over whole recordings of any length."""

    def __init__(
        self,
        engine: Engine,
        *,
        restore_text: bool = True,
        glossary: Sequence[str] = (),
        formatter: TextFormatter | None = None,
    ) -> None:
        """`restore_text`: add sentence case, punctuation and capitalised names where the engine gives none.

        `formatter`: the text stage for Vietnamese (numbers, punctuation, case); segments get the written form
        while their words keep the spoken form. Without it, or for other languages, `restore_text` applies.
        """
        self.engine = engine
        self.restore_text = restore_text
        self.glossary = tuple(glossary)
        self.formatter = formatter

    def transcribe(
        self,
        path: AudioSource,
        options: DecodeOptions | None = None,
        *,
        hook: ProgressHook | None = None,
        max_duration_s: float | None = None,
    ) -> Transcript:
        """`hook` is called for every decoded block (silence and undecodable stretches included) and every speech
        chunk, so a job's cancel, checked in its hook, is seen within one block. `max_duration_s`: the caller's
        limit (the OpenAI endpoint's hour), enforced while decoding; None is the configured `audio.max_duration_s`.
        """
        options = options or DecodeOptions()
        info = probe(path)
        chunker = SpeechChunker(max_chunk_s=self.engine.max_chunk_s)
        decoded = _stream(path, max_duration_s)
        began = time.perf_counter()
        spoken = 0
        decoded_s = 0.0

        def report(done_s: float) -> None:
            if hook is not None:
                hook("transcribe", min(done_s / info.duration, 1.0) if info.duration else 0.0)

        def blocks() -> Iterator[np.ndarray]:
            nonlocal decoded_s
            for block in decoded:
                decoded_s += block.size / SAMPLE_RATE
                report(decoded_s)
                yield block

        def chunks() -> Iterator[SpeechChunk]:
            nonlocal spoken
            for chunk in chunker.chunks(blocks()):
                spoken += 1
                report(chunker.processed_s)
                yield chunk

        segments = list(self.engine.transcribe_chunks(chunks(), options))
        if spoken == 0:
            raise SilentAudioError(
                "không phát hiện tiếng nói trong bản ghi (no speech detected)", path=source_name(path)
            )
        segments = remove_hallucinations(segments)
        text_began = time.perf_counter()
        if self.formatter is not None and options.language == "vi":
            segments = [sentence for s in self.formatter.format_segments(segments) for sentence in split_sentences(s)]
        elif self.restore_text:
            segments = restore(segments, glossary=self.glossary)
        text_s = time.perf_counter() - text_began
        duration = chunker.processed_s
        transcript = Transcript(
            language=options.language,
            duration=round(duration, 3),
            model=self.engine.model_ref,
            source=SourceRef(name=Path(source_name(path)).name, duration=round(duration, 3)),
            segments=[s.model_copy(update={"id": i}) for i, s in enumerate(_in_order(segments))],
        )
        elapsed = time.perf_counter() - began
        logger.info(
            "transcribed path=%s engine=%s audio_s=%.1f wall_s=%.1f rtf=%.3f text_s=%.3f segments=%d",
            Path(source_name(path)).name,
            self.engine.name,
            duration,
            elapsed,
            elapsed / duration if duration else 0.0,
            text_s,
            len(transcript.segments),
        )
        if hook is not None:
            hook("transcribe", 1.0)
        return transcript

    def fill_wordless(
        self,
        transcript: Transcript,
        path: AudioSource,
        speech: Iterable[tuple[float, float]],
        options: DecodeOptions | None = None,
        *,
        min_s: float = 1.0,
    ) -> Transcript:
        """Every stretch of `speech` (e.g. the diarization's turns) of at least `min_s` that has no words is
        decoded again alone; what still gives none is marked untranscribed (asr.recover)."""
        spans = wordless_speech(speech, transcript, min_s=min_s)
        if not spans:
            return transcript
        recovered = recover(
            transcript,
            cut_spans(_stream(path), spans),
            self.engine,
            options or DecodeOptions(),
            glossary=self.glossary if self.restore_text else None,
        )
        logger.info(
            "wordless_speech path=%s stretches=%d untranscribed=%d",
            Path(source_name(path)).name,
            len(spans),
            recovered.untranscribed_count,
        )
        return recovered


def _stream(path: AudioSource, max_duration_s: float | None = None) -> Iterator[np.ndarray]:
    """Decoded blocks of `path`, refused past `max_duration_s` (None: the configured `audio.max_duration_s`)."""
    settings = get_settings().audio
    limit = settings.max_duration_s if max_duration_s is None else max_duration_s
    return stream_audio(path, block_s=settings.block_s, max_duration_s=limit)


def _in_order(segments: list[Segment]) -> list[Segment]:
    return sorted(segments, key=lambda s: (s.start, s.end))
