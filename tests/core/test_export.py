"""Exporters: every format is read back by an independent library, and no word or time is lost."""

from __future__ import annotations

import html
import io
import itertools
import json
import os
import re
import unicodedata
from pathlib import Path

import docx
import pysubs2
import pytest
import webvtt
from docx.shared import Pt

from core import files
from core.errors import InvalidInputError
from core.export import FORMATS, MAX_CUE_CHARS, MAX_CUE_SECONDS, render, write_exports
from core.rttm import read_rttm
from core.transcript import ModelRef, Segment, SourceRef, Transcript, Word

# Sentences from the Common Voice 9 Vietnamese dev set (evaldata/cv9_vi_dev/MANIFEST.tsv).
LONG = (
    "Chị nghĩ rằng thà cho tên trộm lấy hết đồ đạc cũng được, "
    "nhưng sự việc đi qua đã khiến cho Trinh không thể không tin. "
    "Sông sâu còn có kẻ dò, đố ai lấy thước mà đo lòng người."
)
SHORT = "Rất nhiều hình ảnh đủ mọi góc độ."
SAME_SPEAKER = "Ví dụ như là có tiếng bước chân ai đó đi vòng quanh nhà."
NO_WORDS = (
    "Bên trong đèn hồng đèn đỏ đèn xanh lờ mờ luôn được bật sáng, "
    "người ta gọi cặp đôi chúng tôi là loài hoa rừng đẹp nhất."
)
ESCAPED = "Sửa lỗi không gõ được <tiếng Việt> trong Word & Excel {ngay}."


def timed(text: str, start: float, step: float = 0.45) -> list[Word]:
    return [
        Word(text=t, start=round(start + i * step, 3), end=round(start + i * step + 0.35, 3), confidence=0.8)
        for i, t in enumerate(text.split())
    ]


def make_segment(id_: int, text: str, start: float, speaker: str | None, *, words: bool = True) -> Segment:
    ws = timed(text, start) if words else []
    end = ws[-1].end + 0.2 if ws else start + 9.0
    return Segment(id=id_, start=start, end=end, text=text, words=ws, speaker=speaker)


@pytest.fixture
def transcript() -> Transcript:
    segments = [
        make_segment(0, LONG, 0.5, "Chủ tọa Nguyễn Văn An"),
        make_segment(1, SHORT, 25.0, "Người nói 2"),
        make_segment(2, SAME_SPEAKER, 28.0, "Người nói 2"),
        make_segment(3, NO_WORDS, 40.0, None, words=False),
        make_segment(4, ESCAPED, 3725.0, "Người nói 1"),
    ]
    return Transcript(
        duration=3740.25,
        model=ModelRef(engine="vietasr", name="zipformer-vi-30m", device="cpu"),
        source=SourceRef(name="họp-hđnd-tỉnh-nghệ-an.wav", duration=3740.25),
        segments=segments,
    )


def assert_cues_keep_every_word(transcript: Transcript, cues: list[tuple[float, float, str]]) -> None:
    """Cues in order hold exactly each segment's words, and each timed word lies inside its cue."""
    expected = [(w, s) for s in transcript.segments for w in s.text.split()]
    got = [(start, end, word) for start, end, text in cues for word in text.split()]
    assert [w for w, _ in expected] == [w for _, _, w in got]

    timings = iter([w for s in transcript.segments for w in s.words])
    for (word, segment), (start, end, _) in zip(expected, got, strict=True):
        assert segment.start - 0.001 <= start <= end <= segment.end + 0.001
        if segment.words:
            timing = next(timings)
            assert start - 0.001 <= timing.start and timing.end <= end + 0.001, word


def assert_cues_are_readable(cues: list[tuple[float, float, str]]) -> None:
    for start, end, text in cues:
        assert end - start <= MAX_CUE_SECONDS + 0.001, text
        assert len(" ".join(text.split())) <= MAX_CUE_CHARS, text


def test_unknown_format_is_refused_with_the_valid_ones(transcript: Transcript) -> None:
    with pytest.raises(ValueError, match="pdf") as error:
        render(transcript, "pdf")
    for fmt in FORMATS:
        assert fmt in str(error.value)


def test_srt_parses_with_pysubs2_and_webvtt(transcript: Transcript) -> None:
    data = render(transcript, "srt").decode("utf-8")

    subs = pysubs2.SSAFile.from_string(data, format_="srt")
    captions = webvtt.from_buffer(io.StringIO(data), format="srt").captions
    assert len(subs) == len(captions) > len(transcript.segments), "long segments are split"

    speakers = {s.speaker for s in transcript.segments if s.speaker}
    cues = []
    for event, caption in zip(subs, captions, strict=True):
        assert (event.start, event.end) == (
            caption.start_time.in_milliseconds(),
            caption.end_time.in_milliseconds(),
        )
        text = caption.text.replace("\n", " ")
        speaker, _, rest = text.partition(": ")
        cues.append((event.start / 1000, event.end / 1000, rest if speaker in speakers else text))
    assert_cues_keep_every_word(transcript, cues)
    assert_cues_are_readable(cues)
    assert "Chủ tọa Nguyễn Văn An: Chị nghĩ rằng" in data
    assert re.search(r"^Rất nhiều hình ảnh", data, re.M) is None, "a speaker's cue is prefixed with the name"


def test_vtt_parses_with_webvtt_and_pysubs2(transcript: Transcript) -> None:
    data = render(transcript, "vtt").decode("utf-8")

    captions = webvtt.from_buffer(io.StringIO(data), strict=True).captions
    subs = pysubs2.SSAFile.from_string(data, format_="vtt")
    assert len(subs) == len(captions) > len(transcript.segments)

    by_start = {s.start: s for s in transcript.segments}
    cues, speaker = [], None
    for event, caption in zip(subs, captions, strict=True):
        start = caption.start_time.in_milliseconds()
        assert (event.start, event.end) == (start, caption.end_time.in_milliseconds())
        segment = by_start.get(start / 1000)
        speaker = segment.speaker if segment else speaker  # a segment's later cues have its voice too
        assert caption.voice == speaker
        cues.append((start / 1000, caption.end_time.in_milliseconds() / 1000, html.unescape(caption.text)))
    assert_cues_keep_every_word(transcript, cues)
    assert_cues_are_readable(cues)
    assert "&lt;tiếng Việt&gt; trong Word &amp; Excel {ngay}" in " ".join(data.split())


def test_short_segment_is_one_cue_with_the_segment_times(transcript: Transcript) -> None:
    subs = pysubs2.SSAFile.from_string(render(transcript, "srt").decode(), format_="srt")
    short = transcript.segments[1]
    [event] = [e for e in subs if SHORT in e.plaintext.replace("\n", " ")]
    assert (event.start, event.end) == (round(short.start * 1000), round(short.end * 1000))


def test_segment_without_word_timings_is_split_within_its_span(transcript: Transcript) -> None:
    no_words = transcript.segments[3]
    subs = pysubs2.SSAFile.from_string(render(transcript, "srt").decode(), format_="srt")
    events = [e for e in subs if no_words.start * 1000 <= e.start < no_words.end * 1000]
    assert len(events) > 1
    assert " ".join(e.plaintext.replace("\n", " ") for e in events) == no_words.text
    assert events[0].start == round(no_words.start * 1000) and events[-1].end == round(no_words.end * 1000)
    assert all(a.end <= b.start for a, b in itertools.pairwise(events))


def test_json_round_trips_and_is_readable(transcript: Transcript) -> None:
    data = render(transcript, "json")
    assert Transcript.model_validate_json(data) == transcript
    text = data.decode("utf-8")
    assert "Chủ tọa Nguyễn Văn An" in text and "\\u" not in text
    assert json.loads(text)["segments"][0]["words"][0] == {
        "text": "Chị",
        "start": 0.5,
        "end": 0.85,
        "confidence": 0.8,
        "speaker": None,
    }


def test_txt_one_paragraph_per_segment_with_time_and_speaker(transcript: Transcript) -> None:
    paragraphs = render(transcript, "txt").decode("utf-8").rstrip("\n").split("\n\n")
    assert paragraphs == [
        f"[00:00:00] Chủ tọa Nguyễn Văn An: {LONG}",
        f"[00:00:25] Người nói 2: {SHORT}",
        f"[00:00:28] {SAME_SPEAKER}",  # same speaker: the header is shared
        f"[00:00:40] {NO_WORDS}",
        f"[01:02:05] Người nói 1: {ESCAPED}",
    ]


def test_docx_opens_and_holds_the_transcript(transcript: Transcript) -> None:
    document = docx.Document(io.BytesIO(render(transcript, "docx")))
    paragraphs = [p.text for p in document.paragraphs]

    assert paragraphs[0] == "BẢN GHI LỜI NÓI"
    header = "\n".join(paragraphs[1:4])
    assert "họp-hđnd-tỉnh-nghệ-an.wav" in header
    assert "01:02:20" in header  # 3740.25 s
    assert "vietasr" in header and "zipformer-vi-30m" in header
    assert paragraphs[4:] == [
        f"[00:00:00] Chủ tọa Nguyễn Văn An: {LONG}",
        f"[00:00:25] Người nói 2: {SHORT}",
        f"[00:00:28] Người nói 2: {SAME_SPEAKER}",
        f"[00:00:40] {NO_WORDS}",
        f"[01:02:05] Người nói 1: {ESCAPED}",
    ]
    first = document.paragraphs[4].runs
    assert first[0].bold and first[0].text == "[00:00:00] Chủ tọa Nguyễn Văn An:"
    assert not first[1].bold
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(13))


def test_rttm_has_one_turn_per_attributed_segment(transcript: Transcript) -> None:
    transcript.source = SourceRef(name="kỳ họp thứ tám.mp3", duration=3735.0)
    text = render(transcript, "rttm").decode("utf-8")

    (annotation,) = read_rttm(text).values()
    assert annotation.uri == "kỳ_họp_thứ_tám.mp3"
    turns = [(round(s.start, 3), round(s.end, 3), label) for s, _, label in annotation.itertracks(yield_label=True)]
    expected = [
        (round(seg.start, 3), round(seg.end, 3), seg.speaker.replace(" ", "_"))
        for seg in transcript.segments
        if seg.speaker
    ]
    assert turns == expected  # the unattributed segment has no turn


def test_rttm_of_a_transcript_without_speakers_is_refused(transcript: Transcript) -> None:
    for segment in transcript.segments:
        segment.speaker = None
    with pytest.raises(InvalidInputError, match="diarization"):
        render(transcript, "rttm")


def test_nfd_input_comes_out_nfc() -> None:
    def nfd(text: str) -> str:
        return unicodedata.normalize("NFD", text)

    transcript = Transcript(
        model=ModelRef(engine="whisper", name="large-v3"),
        source=SourceRef(name=nfd("kỳ họp thứ tám.mp3")),
        segments=[make_segment(0, nfd("Quốc hội thảo luận về Luật Đất đai."), 1.0, nfd("Đại biểu Lê Thị Hồng"))],
    )
    assert transcript.segments[0].speaker != unicodedata.normalize("NFC", transcript.segments[0].speaker or "")
    for fmt in ("txt", "srt", "vtt", "json"):
        text = render(transcript, fmt).decode("utf-8")
        assert unicodedata.is_normalized("NFC", text), fmt
        assert "Đại biểu Lê Thị Hồng" in text, fmt
    document = docx.Document(io.BytesIO(render(transcript, "docx")))
    body = "\n".join(p.text for p in document.paragraphs)
    assert unicodedata.is_normalized("NFC", body)
    assert "kỳ họp thứ tám.mp3" in body and "Đại biểu Lê Thị Hồng:" in body


def test_write_exports_writes_every_format_atomically(transcript: Transcript, tmp_path: Path) -> None:
    out = tmp_path / "exports"
    paths = write_exports(transcript, out, "ky-hop-8", FORMATS)

    assert paths == [out / f"ky-hop-8.{fmt}" for fmt in FORMATS]
    for path, fmt in zip(paths, FORMATS, strict=True):
        if fmt != "docx":  # docx embeds its save time
            assert path.read_bytes() == render(transcript, fmt)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths), "no temporary files left"


def test_write_exports_refuses_unknown_format_before_writing(transcript: Transcript, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="odt"):
        write_exports(transcript, tmp_path, "ky-hop-8", ["txt", "odt"])
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_the_previous_file(
    transcript: Transcript, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    previous = tmp_path / "ky-hop-8.txt"
    previous.write_text("bản cũ", encoding="utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_exports(transcript, tmp_path, "ky-hop-8", ["txt"])
    monkeypatch.undo()

    assert previous.read_text(encoding="utf-8") == "bản cũ"
    assert os.listdir(tmp_path) == ["ky-hop-8.txt"]


def test_written_form_cues_take_the_spoken_words_times() -> None:
    """The text is the written form ("49") while words keep the spoken form ("bốn mươi chín"): subtitle cues
    still start and end on the words' times, not at a share of the segment by characters."""
    said = ("hôm nay chúng ta nghỉ bốn mươi chín ngày " * 3 + "để chuẩn bị cho kỳ họp tới của hội đồng").split()
    words = [Word(text=w, start=1.0 + 0.5 * i, end=1.3 + 0.5 * i) for i, w in enumerate(said)]
    text = ("Hôm nay chúng ta nghỉ 49 ngày, " * 3 + "để chuẩn bị cho kỳ họp tới của Hội đồng.").strip()
    segment = Segment(id=0, start=0.5, end=words[-1].end + 0.4, text=text, words=words)
    doc = Transcript(model=ModelRef(engine="vietasr", name="test"), duration=20.0, segments=[segment])
    subs = pysubs2.SSAFile.from_string(render(doc, "srt").decode(), format_="srt")
    assert len(subs) > 1 and " ".join(e.plaintext.replace("\n", " ") for e in subs) == text
    starts = {round(w.start * 1000) for w in words}
    ends = {round(w.end * 1000) for w in words}
    assert all(e.start in starts for e in subs[1:]) and all(e.end in ends for e in subs[:-1])


def test_txt_and_docx_join_the_segments_of_a_paragraph() -> None:
    """Segments that continue a paragraph (`starts_paragraph` false: same speaker, short pause) are one
    paragraph in TXT and DOCX; a new speaker starts one even where the flag says otherwise (an edit)."""
    first = make_segment(0, "Hôm nay chúng ta họp.", 0.0, "Chủ tọa")
    second = make_segment(1, "Xin mời các đại biểu.", 3.0, "Chủ tọa").model_copy(update={"starts_paragraph": False})
    other = make_segment(2, "Tôi xin phát biểu.", 6.0, "Đại biểu").model_copy(update={"starts_paragraph": False})
    doc = Transcript(model=ModelRef(engine="vietasr", name="test"), duration=9.0, segments=[first, second, other])
    assert render(doc, "txt").decode("utf-8").rstrip("\n").split("\n\n") == [
        "[00:00:00] Chủ tọa: Hôm nay chúng ta họp. Xin mời các đại biểu.",
        "[00:00:06] Đại biểu: Tôi xin phát biểu.",
    ]
    document = docx.Document(io.BytesIO(render(doc, "docx")))
    assert [p.text for p in document.paragraphs][4:] == [
        "[00:00:00] Chủ tọa: Hôm nay chúng ta họp. Xin mời các đại biểu.",
        "[00:00:06] Đại biểu: Tôi xin phát biểu.",
    ]
    cues = pysubs2.SSAFile.from_string(render(doc, "srt").decode(), format_="srt")
    assert [round(e.start / 1000, 2) for e in cues] == [0.0, 3.0, 6.0]  # subtitles keep each segment's times
