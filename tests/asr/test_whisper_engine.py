"""The whisper engine on real Vietnamese speech (VIVOS clips), with the real bundled Whisper base model."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace

import jiwer
import numpy as np
import pytest

from asr.engine import DecodeOptions
from asr.hallucination import remove_hallucinations
from asr.whisper_engine import WhisperEngine, WhisperSegment, _load, _pack, _to_segments
from core.audio import SAMPLE_RATE, load_audio
from core.device import DeviceChoice, cuda_available
from core.errors import ModelError
from core.settings import AsrSettings
from core.text import normalize_for_scoring
from core.transcript import Segment
from core.vad import SpeechChunk
from models import resolve

START = 100.0
"""Chunks are placed from here on, so relative times would show up as wrong."""
SPACING = 10.0


@pytest.fixture(scope="module")
def engine() -> WhisperEngine:
    return WhisperEngine()


@pytest.fixture(scope="module")
def chunks(vivos_rows: list[dict[str, str]]) -> list[SpeechChunk]:
    return [SpeechChunk(start=START + i * SPACING, audio=load_audio(r["audio_path"])) for i, r in enumerate(vivos_rows)]


@pytest.fixture(scope="module")
def segments(engine: WhisperEngine, chunks: list[SpeechChunk]) -> list[Segment]:
    return list(engine.transcribe_chunks(chunks, DecodeOptions()))


def _chunk_of(t: float, chunks: list[SpeechChunk]) -> SpeechChunk:
    return next(c for c in chunks if c.start - 1e-3 <= t <= c.end + 1e-3)


@pytest.mark.skipif(cuda_available(), reason="a GPU is visible: see test_gpu_path_on_a_gpu")
def test_runs_on_the_cpu_with_int8_here(engine: WhisperEngine) -> None:
    ref = engine.model_ref
    assert (ref.engine, ref.name, ref.device, ref.compute_type) == ("whisper", "whisper-base", "cpu", "int8")
    assert ref.checksum == resolve("whisper-base", engine="whisper").checksum
    assert engine.device.cpu_threads == (os.cpu_count() or 1)
    assert engine.batch_size == 4
    assert engine.max_chunk_s == engine.window_s <= 30.0


def test_vietnamese_words_with_absolute_monotonic_times_inside_their_chunk(
    segments: list[Segment], chunks: list[SpeechChunk]
) -> None:
    assert len(segments) >= len(chunks) - 1  # one per clip (a clip Whisper skips twice may be missing)
    assert all(isinstance(s, WhisperSegment) for s in segments)
    words = [w for s in segments for w in s.words]
    assert words and min(w.start for w in words) >= START
    assert any(
        ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ" for ch in " ".join(s.text for s in segments)
    )
    starts = [w.start for w in words]
    assert starts == sorted(starts)
    for segment in segments:
        assert segment.words and segment.text == " ".join(w.text for w in segment.words)
        chunk = _chunk_of(segment.start, chunks)
        assert chunk.start <= segment.start <= segment.end <= chunk.end + 1e-3
        for word in segment.words:
            assert chunk.start <= word.start <= word.end <= chunk.end + 1e-3
            assert 0.0 <= word.confidence <= 1.0
        assert 0.0 < segment.confidence <= 1.0
        assert 0.0 <= segment.no_speech_prob <= 1.0  # type: ignore[attr-defined]


def test_wer_on_vivos_is_whisper_base_level(segments: list[Segment], vivos_rows: list[dict[str, str]]) -> None:
    """Whisper base measures about 29% here; a broken mapping, decoder or language setting scores far worse."""
    reference = normalize_for_scoring(" ".join(r["reference_text"] for r in vivos_rows))
    hypothesis = normalize_for_scoring(" ".join(s.text for s in segments))
    assert jiwer.wer(reference, hypothesis) < 0.45


def test_real_speech_passes_the_hallucination_guard_untouched(segments: list[Segment]) -> None:
    assert remove_hallucinations(segments) == segments


@pytest.mark.parametrize(
    "audio",
    [
        np.random.default_rng(0).standard_normal(4 * SAMPLE_RATE) * 0.003,  # hiss: "Hãy subscribe cho kênh Ghiền Mì Gõ"
        0.05 * sum(np.sin(2 * np.pi * f * np.arange(6 * SAMPLE_RATE) / SAMPLE_RATE) for f in (261.6, 329.6, 392.0)),
    ],
    ids=["hiss", "chord"],
)
def test_what_whisper_invents_on_non_speech_does_not_survive_the_guard(
    engine: WhisperEngine, audio: np.ndarray
) -> None:
    """VAD lets noise and music through now and then; Whisper base writes YouTube outros over them."""
    chunk = SpeechChunk(start=START, audio=audio.astype(np.float32))
    invented = list(engine.transcribe_chunks([chunk], DecodeOptions()))
    assert remove_hallucinations(invented) == []


def test_hotwords_initial_prompt_and_no_word_timestamps_are_accepted(
    engine: WhisperEngine, chunks: list[SpeechChunk]
) -> None:
    options = DecodeOptions(
        hotwords=("Trung Đông", "kiến nghị", *(f"đại biểu số {i}" for i in range(60))),  # too long: truncated
        initial_prompt="Biên bản cuộc họp. Các đại biểu phát biểu ý kiến.",
        beam_size=2,
        word_timestamps=False,
    )
    segments = list(engine.transcribe_chunks(chunks[:3], options))
    assert segments and all(not s.words for s in segments)
    assert all(chunks[0].start <= s.start <= s.end <= chunks[2].end + 1e-3 for s in segments)
    assert len(normalize_for_scoring(" ".join(s.text for s in segments)).split()) >= 10


def test_sequential_windows_give_the_same_kind_of_output(
    engine: WhisperEngine, chunks: list[SpeechChunk], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "batched", False)
    segments = list(engine.transcribe_chunks(chunks[:2], DecodeOptions()))
    assert segments and all(s.words for s in segments)
    assert all(_chunk_of(w.start, chunks) in chunks[:2] for s in segments for w in s.words)


def test_chunks_stream_a_batch_at_a_time(
    engine: WhisperEngine, chunks: list[SpeechChunk], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only `batch_size` windows (plus the chunk that closes the last one) are read before output comes."""
    monkeypatch.setattr(engine, "window_s", 5.0)  # each ~4 s clip is a window of its own
    monkeypatch.setattr(engine, "device", replace(engine.device, batch_size=1))  # one window per batch: cheap
    taken = 0

    def endless() -> Iterator[SpeechChunk]:
        nonlocal taken
        for i in range(1000):
            taken += 1
            chunk = chunks[i % len(chunks)]
            yield SpeechChunk(start=START + i * SPACING, audio=chunk.audio)

    first = next(engine.transcribe_chunks(endless(), DecodeOptions(beam_size=1)))
    assert first.start >= START
    assert taken <= engine.batch_size + 1


def test_packed_window_maps_each_word_back_to_its_own_chunk() -> None:
    """Two chunks far apart share one window; words from the second land in the second, with absolute times."""
    from faster_whisper.transcribe import Segment as FwSegment
    from faster_whisper.transcribe import Word as FwWord

    a = SpeechChunk(start=12.0, audio=np.zeros(2 * SAMPLE_RATE, dtype=np.float32))
    b = SpeechChunk(start=600.0, audio=np.zeros(3 * SAMPLE_RATE, dtype=np.float32))
    window = _pack([a, b], gap=int(0.3 * SAMPLE_RATE))  # a: 0-2 s, pause, b: 2.3-5.3 s
    origin = 60.0  # the window's slot in the batched audio
    words = [
        FwWord(start=origin + 0.1, end=origin + 0.6, word=" Xin", probability=0.9),
        FwWord(start=origin + 0.6, end=origin + 2.1, word=" chào.", probability=0.8),  # runs into the pause
        FwWord(start=origin + 2.4, end=origin + 2.9, word=" Đồng", probability=0.7),
        FwWord(start=origin + 2.9, end=origin + 3.3, word=" ý.", probability=0.6),
    ]
    fw = FwSegment(
        id=1,
        seek=6000,
        start=origin,
        end=origin + 5.3,
        text=" Xin chào. Đồng ý.",
        tokens=[],
        avg_logprob=-0.3,
        compression_ratio=1.1,
        no_speech_prob=0.05,
        words=words,
        temperature=0.0,
    )
    first, second = _to_segments(fw, window, origin, with_words=True)
    assert (first.text, second.text) == ("Xin chào.", "Đồng ý.")
    assert [(w.start, w.end) for w in first.words] == [(12.1, 12.6), (12.6, 14.0)]
    assert [(w.start, w.end) for w in second.words] == [(600.1, 600.6), (600.6, 601.0)]
    assert (first.no_speech_prob, second.avg_logprob) == (0.05, -0.3)
    assert first.confidence == pytest.approx((0.9 * 0.8) ** 0.5)


@pytest.mark.skipif(cuda_available(), reason="a GPU is visible")
def test_cuda_requested_on_a_machine_without_gpu_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="cuda"):
        WhisperEngine(settings=AsrSettings(device="cuda"))
    # The loader itself (float16 + batched, as chosen for CUDA) also fails cleanly, not with a crash.
    path = resolve("whisper-base", engine="whisper").path
    with pytest.raises(ModelError, match="float16"):
        _load(path, DeviceChoice(device="cuda", compute_type="float16", batch_size=16, cpu_threads=0))


def test_unknown_model_is_a_model_error() -> None:
    with pytest.raises(ModelError):
        WhisperEngine("no-such-whisper-model")


@pytest.mark.skipif(not cuda_available(), reason="needs a CUDA GPU")
def test_gpu_path_on_a_gpu(chunks: list[SpeechChunk]) -> None:
    engine = WhisperEngine(settings=AsrSettings(device="auto"))
    assert (engine.model_ref.device, engine.model_ref.compute_type, engine.batch_size) == ("cuda", "float16", 16)
    assert list(engine.transcribe_chunks(chunks[:2], DecodeOptions()))
