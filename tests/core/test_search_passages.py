"""A hit opens the editor at its word: each passage's syllable starts (`word_times`) must be the starts of the words
the syllables come from, whichever way they are computed (a whole transcript at once for the segments as
transcribed, segment by segment for a clerk's edits)."""

from __future__ import annotations

from core.search.index import transcript_passages
from core.transcript import ModelRef, Segment, Transcript, Word


def segment(i: int, start: float, end: float, text: str, words: list[tuple[str, float]]) -> Segment:
    timed = [Word(text=w, start=s, end=s + 0.3) for w, s in words]
    return Segment(id=i, start=start, end=end, text=text, words=timed)


def test_each_syllable_starts_where_its_word_does() -> None:
    segments = [
        # as transcribed: a word's start, in tenths from the segment's start, rounded up; never before it
        segment(0, 2.0, 4.0, "Tôi đề nghị,", [("Tôi", 1.9), ("đề", 2.5), ("nghị,", 3.04)]),
        # as transcribed: "1.000" is two syllables, "—" none
        segment(1, 10.0, 13.0, "Giá 1.000 — đồng", [("Giá", 10.0), ("1.000", 10.5), ("—", 11.0), ("đồng", 11.2)]),
        segment(2, 20.0, 21.0, "", []),  # nothing said: no passage
        # edited, same syllables (case, punctuation): still the words' times
        segment(3, 30.0, 31.0, "Bồi thường.", [("bồi", 30.0), ("thường", 30.45)]),
        # edited, other words: spread evenly over the segment
        segment(4, 40.0, 43.0, "đất nông nghiệp", [("đất", 40.0), ("đai", 41.0)]),
        segment(5, 50.0, 52.0, "Xin chào", []),
        # as transcribed again after the edited ones: each segment keeps its own times
        segment(6, 60.0, 61.0, "Đồng ý", [("Đồng", 60.2), ("ý", 60.71)]),
    ]
    document = Transcript(model=ModelRef(engine="test", name="hand"), duration=70.0, segments=segments)
    passages = transcript_passages(document)
    assert [(p.segment_id, p.word_times) for p in passages] == [
        (0, "0 5 11"),
        (1, "0 5 5 12"),
        (3, "0 5"),
        (4, "0 10 20"),
        (5, "0 10"),
        (6, "2 8"),
    ]
    assert [p.text for p in passages] == [s.text for s in segments if s.text]
