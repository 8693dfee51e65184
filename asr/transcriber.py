"""The speech core as one call: recording in, Transcript out.

Decode (streamed) -> VAD chunks -> engine -> hallucination guard -> written text (or readable text). Memory
stays bounded by one audio block plus one chunk, whatever the recording's length.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from asr.engine import DecodeOptions, Engine
from asr.hallucination import remove_hallucinations
from asr.readable import restore
from asr.written import TextFormatter
from core.audio import probe, stream_audio
from core.errors import SilentAudioError
from core.settings import get_settings
from core.transcript import Segment, SourceRef, Transcript
from core.vad import SpeechChunk, SpeechChunker

logger = logging.getLogger(__name__)

ProgressHook = Callable[[str, float], None]
"""Called with (stage, fraction done in [0, 1]); the CLI draws bars, workers write to the store."""


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
        path: str | Path,
        options: DecodeOptions | None = None,
        *,
        hook: ProgressHook | None = None,
    ) -> Transcript:
        options = options or DecodeOptions()
        settings = get_settings().audio
        info = probe(path)
        chunker = SpeechChunker(max_chunk_s=self.engine.max_chunk_s)
        blocks = stream_audio(path, block_s=settings.block_s, max_duration_s=settings.max_duration_s)
        began = time.perf_counter()
        spoken = 0

        def chunks() -> Iterator[SpeechChunk]:
            nonlocal spoken
            for chunk in chunker.chunks(blocks):
                spoken += 1
                if hook is not None and info.duration:
                    hook("transcribe", min(chunker.processed_s / info.duration, 1.0))
                yield chunk

        segments = list(self.engine.transcribe_chunks(chunks(), options))
        if spoken == 0:
            raise SilentAudioError("không phát hiện tiếng nói trong bản ghi (no speech detected)", path=path)
        segments = remove_hallucinations(segments)
        text_began = time.perf_counter()
        if self.formatter is not None and options.language == "vi":
            segments = self.formatter.format_segments(segments)
        elif self.restore_text:
            segments = restore(segments, glossary=self.glossary)
        text_s = time.perf_counter() - text_began
        duration = chunker.processed_s
        transcript = Transcript(
            language=options.language,
            duration=round(duration, 3),
            model=self.engine.model_ref,
            source=SourceRef(name=Path(path).name, duration=round(duration, 3)),
            segments=[s.model_copy(update={"id": i}) for i, s in enumerate(_in_order(segments))],
        )
        elapsed = time.perf_counter() - began
        logger.info(
            "transcribed path=%s engine=%s audio_s=%.1f wall_s=%.1f rtf=%.3f text_s=%.3f segments=%d",
            Path(path).name,
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


def _in_order(segments: list[Segment]) -> list[Segment]:
    return sorted(segments, key=lambda s: (s.start, s.end))
