"""Sentences cut where the punctuation model ended them, paragraphs at speaker turns and long pauses."""

from __future__ import annotations

from core.paragraphs import mark_paragraphs, paragraphs, split_sentences
from core.transcript import ModelRef, Segment, Transcript, Word


def _words(said: str, start: float) -> list[Word]:
    return [Word(text=w, start=start + 0.5 * i, end=start + 0.5 * i + 0.4) for i, w in enumerate(said.split())]


def test_a_segment_of_two_sentences_becomes_two_with_their_own_words_and_times() -> None:
    said = "kỳ họp kéo dài bốn mươi chín ngày xin mời đại biểu phát biểu"
    words = _words(said, 10.0)
    segment = Segment(
        id=3,
        start=9.8,
        end=words[-1].end + 0.3,
        text="Kỳ họp kéo dài 49 ngày. Xin mời đại biểu phát biểu.",
        words=words,
    )
    first, second = split_sentences(segment)
    assert first.text == "Kỳ họp kéo dài 49 ngày." and second.text == "Xin mời đại biểu phát biểu."
    assert [w.text for w in first.words] == said.split()[:8] and first.words + second.words == words
    assert (first.start, first.end) == (9.8, words[7].end)  # the segment's start, its last word's end
    assert (second.start, second.end) == (words[8].start, segment.end)


def test_no_cut_inside_an_abbreviation_nor_without_words() -> None:
    words = _words("các loại phí v v và lệ phí", 0.0)
    one = Segment(id=0, start=0.0, end=4.0, text="Các loại phí v.v. và lệ phí.", words=words)
    assert split_sentences(one) == [one]
    wordless = Segment(id=1, start=0.0, end=4.0, text="Một câu. Hai câu.")
    assert split_sentences(wordless) == [wordless]


def test_paragraphs_start_at_speaker_turns_and_long_pauses() -> None:
    def seg(i: int, start: float, end: float, speaker: str | None) -> Segment:
        return Segment(id=i, start=start, end=end, text=f"Câu {i}.", speaker=speaker)

    segments = [
        seg(0, 0, 4, "A"),
        seg(1, 4.5, 8, "A"),
        seg(2, 12, 15, "A"),
        seg(3, 15.2, 18, "B"),
        seg(4, 18.5, 20, "B"),
    ]
    transcript = Transcript(model=ModelRef(engine="vietasr", name="test"), segments=segments)
    marked = mark_paragraphs(transcript, pause_s=3.0)
    assert [s.starts_paragraph for s in marked.segments] == [True, False, True, True, False]
    assert [[s.id for s in p] for p in paragraphs(marked.segments)] == [[0, 1], [2], [3, 4]]
    assert [[s.id for s in p] for p in paragraphs(mark_paragraphs(transcript, pause_s=5.0).segments)] == [
        [0, 1, 2],
        [3, 4],
    ]
    # older transcripts (no flag stored) keep one paragraph per segment
    assert len(paragraphs(transcript.segments)) == 5
