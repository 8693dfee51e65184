from __future__ import annotations

import pytest
from pyannote.core import Annotation, Segment

from core.rttm import RttmFormatError, annotation_to_rttm
from core.transcript import ModelRef, SourceRef, Transcript, Word
from core.transcript import Segment as TSegment
from diarization import assign_speakers, read_rttm, transcript_to_rttm
from tests.diarization.conftest import Meeting


def _words(start: float, texts: list[str], step: float = 0.4) -> list[Word]:
    return [Word(text=t, start=start + i * step, end=start + i * step + 0.3) for i, t in enumerate(texts)]


def _transcript(segments: list[list[Word]]) -> Transcript:
    return Transcript(
        model=ModelRef(engine="vietasr", name="vietasr-ctc"),
        source=SourceRef(name="phiên họp.wav"),
        segments=[
            TSegment(id=i, start=w[0].start, end=w[-1].end, text=" ".join(x.text for x in w), words=w)
            for i, w in enumerate(segments)
        ],
    )


def _diarization() -> Annotation:
    annotation = Annotation(uri="phien")
    annotation[Segment(0.0, 2.0)] = "SPEAKER_01"  # a diarizer's numbering need not follow the order of speech
    annotation[Segment(2.1, 4.0)] = "SPEAKER_00"
    annotation[Segment(4.2, 6.0)] = "SPEAKER_01"
    return annotation


def test_words_get_speakers_and_a_segment_spanning_a_change_is_split() -> None:
    first = _words(0.1, ["kính", "thưa", "quốc", "hội"])  # 0.1-1.6: speaker 01
    spanning = _words(2.2, ["tôi", "xin", "phát", "biểu", "đồng", "ý", "với", "ý", "kiến"])  # 2.2-5.7: 00 then 01
    transcript = _transcript([first, spanning])
    result = assign_speakers(transcript, _diarization())
    assert [s.speaker for s in result.segments] == ["Người nói 1", "Người nói 2", "Người nói 1"]
    assert [s.id for s in result.segments] == [0, 1, 2]
    assert result.words == [w.model_copy(update={"speaker": w.speaker}) for w in result.words]
    assert [(w.text, w.start, w.end) for w in result.words] == [(w.text, w.start, w.end) for w in transcript.words]
    second, third = result.segments[1:]
    assert second.text == "tôi xin phát biểu đồng" and {w.speaker for w in second.words} == {"Người nói 2"}
    assert third.text == "ý với ý kiến" and third.start == third.words[0].start
    assert result.speakers == ["Người nói 1", "Người nói 2"]
    assert transcript.segments[1].speaker is None  # the input is left alone


def test_named_speakers_keep_their_names() -> None:
    transcript = _transcript([_words(0.1, ["xin", "chào"]), _words(2.3, ["cảm", "ơn"])])
    by_map = assign_speakers(transcript, _diarization(), voiceprints={"SPEAKER_00": "Đại biểu Nguyễn Văn A"})
    assert [s.speaker for s in by_map.segments] == ["Người nói 1", "Đại biểu Nguyễn Văn A"]
    named = _diarization().rename_labels({"SPEAKER_00": "Đại biểu Trần Thị B"})
    assert [s.speaker for s in assign_speakers(transcript, named).segments] == ["Người nói 1", "Đại biểu Trần Thị B"]


def test_words_in_pauses_go_to_the_nearest_turn_and_far_ones_to_nobody() -> None:
    transcript = _transcript([_words(2.02, ["à"]), _words(30.0, ["hết"])])
    result = assign_speakers(transcript, _diarization())
    assert [s.speaker for s in result.segments] == ["Người nói 1", None]


def test_real_diarization_attributes_each_turn(meeting: Meeting, pipeline, windows) -> None:
    """Words timed inside each reference turn get one speaker per turn, three in all."""
    hypothesis = pipeline.turns(windows, pipeline.cluster(windows))
    segments = []
    for turn, _, _ in meeting.reference.itertracks(yield_label=True):
        segments.append(_words(turn.start + 0.1, ["một", "hai", "ba"], step=(turn.duration - 0.5) / 3))
    result = assign_speakers(_transcript(segments), hypothesis)
    assert len(result.segments) == len(segments)
    expected = {s: f"Người nói {i + 1}" for i, s in enumerate(dict.fromkeys(meeting.order))}
    assert [s.speaker for s in result.segments] == [expected[s] for s in meeting.order]


def test_rttm_round_trip() -> None:
    annotation = Annotation(uri="phien_01")
    annotation[Segment(0.5, 2.25)] = "SPEAKER_00"
    annotation[Segment(2.0, 3.0)] = "SPEAKER_01"  # overlap survives
    text = annotation_to_rttm(annotation)
    assert text.splitlines()[0] == "SPEAKER phien_01 1 0.500 1.750 <NA> <NA> SPEAKER_00 <NA> <NA>"
    back = read_rttm(text)["phien_01"]

    def turns(a: Annotation) -> list[tuple[Segment, str]]:
        return [(segment, label) for segment, _, label in a.itertracks(yield_label=True)]

    assert turns(back) == turns(annotation)
    assert annotation_to_rttm(back) == text


def test_transcript_rttm_uses_speakers_and_safe_fields(tmp_path) -> None:
    transcript = assign_speakers(_transcript([_words(0.1, ["xin", "chào"])]), _diarization())
    text = transcript_to_rttm(transcript)
    assert text.splitlines()[0].split() == [
        "SPEAKER",
        "phiên_họp.wav",
        "1",
        "0.000",
        "2.000",
        "<NA>",
        "<NA>",
        "Người_nói_1",
        "<NA>",
        "<NA>",
    ]
    path = tmp_path / "x.rttm"
    path.write_text(text, encoding="utf-8")
    assert read_rttm(path)["phiên_họp.wav"].labels() == ["Người_nói_1", "Người_nói_2"]


def test_malformed_rttm_is_a_clear_error() -> None:
    with pytest.raises(RttmFormatError, match="dòng RTTM 2"):
        read_rttm("SPEAKER a 1 0.0 1.0 <NA> <NA> X <NA> <NA>\nSPEAKER a 1 zero 1.0 <NA> <NA> X <NA> <NA>\n")


def test_rttm_comes_from_the_diarization_turns_not_from_the_words() -> None:
    """Speech the recogniser gave no words (2.1-4.0 here) and overlapped speech still reach the RTTM."""
    diarization = _diarization()
    diarization[Segment(1.5, 2.5), "overlap"] = "SPEAKER_02"  # a voice heard only under another one
    transcript = assign_speakers(_transcript([_words(0.1, ["xin", "chào"]), _words(4.3, ["cảm", "ơn"])]), diarization)
    assert [s.speaker for s in transcript.segments] == ["Người nói 1", "Người nói 1"]
    assert [(t.start, t.end, t.speaker) for t in transcript.turns] == [
        (0.0, 2.0, "Người nói 1"),
        (1.5, 2.5, "Người nói 2"),
        (2.1, 4.0, "Người nói 3"),
        (4.2, 6.0, "Người nói 1"),
    ]
    (back,) = read_rttm(transcript_to_rttm(transcript)).values()
    assert back.label_duration("Người_nói_3") == pytest.approx(1.9)
    assert back.get_overlap().duration() == pytest.approx(0.9)  # 1.5-2.0 and 2.1-2.5
    stored = Transcript.model_validate_json(transcript.model_dump_json())
    assert stored.turns == transcript.turns and transcript_to_rttm(stored) == transcript_to_rttm(transcript)
