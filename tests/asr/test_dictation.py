"""Live dictation on real speech: partial text while the person speaks, the same words as offline at the end."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from asr.dictation import DictationEvent, DictationSession, format_words, new_session
from asr.engine import DecodeOptions
from asr.vietasr_engine import VietAsrEngine
from asr.written import TextFormatter
from core.audio import SAMPLE_RATE, load_audio
from core.errors import ModelError
from core.text import normalize_for_scoring
from core.vad import SpeechChunker
from workers.pipeline import cached_engine

CLIPS = ("common_voice_vi_25226541.flac", "common_voice_vi_25225931.flac")
"""Two long sentences by one northern speaker."""


@pytest.fixture(scope="module")
def engine() -> VietAsrEngine:
    engine = cached_engine("vietasr", None)
    assert isinstance(engine, VietAsrEngine)
    return engine


@pytest.fixture(scope="module")
def formatter(tmp_path_factory: pytest.TempPathFactory) -> TextFormatter:
    return TextFormatter.load(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="module")
def speech(evaldata: object) -> np.ndarray:
    """The two sentences with a 1.5 s pause between them, as someone dictating would speak."""
    from tests.conftest import EVALDATA

    pause = np.zeros(int(1.5 * SAMPLE_RATE), np.float32)
    a, b = (load_audio(EVALDATA / "cv9_vi_dev" / "audio" / c) for c in CLIPS)
    return np.concatenate([a, pause, b, pause])


def _stream(session: DictationSession, audio: np.ndarray, piece_s: float = 0.1) -> list[DictationEvent]:
    step = int(piece_s * SAMPLE_RATE)
    events: list[DictationEvent] = []
    for start in range(0, audio.size, step):
        events += session.feed(audio[start : start + step])
    return events + session.finish()


def test_partials_then_finals_match_offline(engine: VietAsrEngine, speech: np.ndarray) -> None:
    audio = speech
    events = _stream(new_session(engine), audio)
    finals = [e for e in events if e.type == "final"]
    partials = [e for e in events if e.type == "partial"]
    assert len(partials) >= 5 and len(finals) >= 2
    assert events.index(partials[0]) < events.index(finals[0])
    assert all(a.end <= b.start + 1e-6 for a, b in itertools.pairwise(finals))  # finals in time order
    offline = " ".join(
        s.text for s in engine.transcribe_chunks(SpeechChunker().chunks([audio]), DecodeOptions(language="vi"))
    )
    dictated = " ".join(e.text for e in finals)
    assert dictated[0].isupper()  # sentence case at the start
    hyp, ref = normalize_for_scoring(dictated).split(), normalize_for_scoring(offline).split()
    assert abs(len(hyp) - len(ref)) <= 2 and len(set(hyp) & set(ref)) >= 0.8 * len(set(ref))


def test_silence_gives_nothing(engine: VietAsrEngine) -> None:
    assert _stream(new_session(engine), np.zeros(7 * SAMPLE_RATE, np.float32)) == []


def test_spoken_commands_become_punctuation_and_layout() -> None:
    words = "hôm nay họp phẩy có mở ngoặc ba đóng ngoặc người chấm hỏi xuống dòng kết luận hai chấm đồng ý chấm than"
    assert format_words(words.split(), sentence_start=True) == "Hôm nay họp, có (ba) người?\nKết luận: đồng ý!"
    assert format_words(["tiếp", "tục", "chấm"], sentence_start=False) == "tiếp tục."


def test_glossary_spells_names() -> None:
    text = format_words(
        ["đại", "biểu", "nguyễn", "văn", "an", "phát", "biểu"], sentence_start=False, glossary=["Nguyễn Văn An"]
    )
    assert text == "đại biểu Nguyễn Văn An phát biểu"


def test_only_the_streaming_engine_dictates() -> None:
    with pytest.raises(ModelError, match="vietasr"):
        new_session(object())


def test_finals_get_the_written_form_and_keep_their_words(
    engine: VietAsrEngine, speech: np.ndarray, formatter: TextFormatter
) -> None:
    """With the text stage on, a final is what the offline pipeline writes for its words (punctuation model,
    case, numbers); the words and their times are those of plain dictation."""
    written = [e for e in _stream(new_session(engine, formatter=formatter), speech) if e.type == "final"]
    plain = [e for e in _stream(new_session(engine), speech) if e.type == "final"]
    assert [e.words for e in written] == [e.words for e in plain] and written
    for event in written:
        assert event.text == formatter.format(" ".join(w.text for w in event.words))
        assert event.text[0].isupper() and event.text[-1] in ".?:"
    assert not any(e.text[-1] in ".?" for e in plain)  # no commands dictated: plain dictation adds no marks


def test_dictated_commands_win_over_the_punctuation_model(formatter: TextFormatter) -> None:
    said = ["giá", "tăng", "mười", "hai", "phẩy", "năm", "phần", "trăm", "phẩy", "đồng", "ý", "chấm"]
    assert format_words(said, sentence_start=True, formatter=formatter) == "Giá tăng 12,5%, đồng ý."
    uncommanded = ["hôm", "nay", "quốc", "hội", "họp", "tại", "hà", "nội"]
    assert format_words(uncommanded, sentence_start=True, formatter=formatter) == "Hôm nay Quốc hội họp tại Hà Nội."
