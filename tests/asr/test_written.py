"""The text stage as the pipeline and `gobang text format` run it: written segments, spoken words kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from asr.factory import create_engine
from asr.transcriber import Transcriber
from asr.written import TextFormatter, is_spoken_form
from core.transcript import Segment, Word


@pytest.fixture(scope="module")
def formatter(tmp_path_factory: pytest.TempPathFactory) -> TextFormatter:
    return TextFormatter.load(tmp_path_factory.mktemp("models"), glossary=("Nguyễn Văn An",))


def test_an_utterance_gets_its_written_form(formatter: TextFormatter) -> None:
    said = "tăng mười hai phẩy năm phần trăm so với năm hai nghìn không trăm hai mươi tư"
    assert formatter.format(said) == "Tăng 12,5% so với năm 2024."
    assert formatter.format("đại biểu nguyễn văn an phát biểu").startswith("Đại biểu Nguyễn Văn An phát biểu")
    assert formatter.format("   ") == ""


def test_parts_can_be_switched_off(formatter: TextFormatter) -> None:
    said = "tăng mười hai phẩy năm phần trăm"
    assert TextFormatter(formatter.itn, None).format(said) == "tăng 12,5%"
    assert TextFormatter(None, formatter.punctuator).format(said) == "Tăng mười hai phẩy năm phần trăm."


def test_segments_keep_spoken_words_and_timings(formatter: TextFormatter) -> None:
    said = ["nghỉ", "bốn", "mươi", "chín", "ngày"]
    words = [Word(text=t, start=i * 0.4, end=i * 0.4 + 0.3) for i, t in enumerate(said)]
    spoken = Segment(id=0, start=0, end=2, text="nghỉ bốn mươi chín ngày", words=words)
    cased = Segment(id=1, start=2, end=3, text="Chào Nguyễn văn an.")
    written = formatter.format_segments([spoken, cased])
    assert written[0].text == "Nghỉ 49 ngày." and written[0].words == words
    assert written[1].text == "Chào Nguyễn Văn An."  # already written by its engine: only the glossary's names
    assert is_spoken_form("nghỉ bốn mươi chín ngày") and not is_spoken_form("Chào, anh")


def test_a_recording_keeps_both_forms(formatter: TextFormatter, cv_rows: list[dict[str, str]]) -> None:
    row = next(r for r in cv_rows if r["audio_path"].endswith("common_voice_vi_25226368.flac"))
    engine = create_engine("vietasr")
    plain = Transcriber(engine).transcribe(row["audio_path"])
    both = Transcriber(engine, formatter=formatter).transcribe(Path(row["audio_path"]))
    assert "49 ngày" in both.text and both.text.endswith(".")
    assert [w.text for w in both.words] == [w.text.lower().strip(".") for w in plain.words]
    assert [(w.start, w.end) for w in both.words] == [(w.start, w.end) for w in plain.words]
    assert "bốn" in [w.text for w in both.words]
