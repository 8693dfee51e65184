"""The hallucination guard on realistic Whisper output: what it removes, and the real speech it leaves alone."""

from __future__ import annotations

import random
import unicodedata

import pytest

from asr.hallucination import (
    HallucinationFilter,
    collapse_repetitions,
    compression_ratio,
    remove_hallucinations,
    strip_phantom_tail,
)
from asr.whisper_engine import WhisperSegment
from core.transcript import Segment, Word


def make(text: str, start: float = 0.0, *, step: float = 0.3, confidence: float = 0.8, **scores: float) -> Segment:
    """A segment whose words are its text's tokens, `step` seconds apart (a WhisperSegment when scores are given)."""
    words = [
        Word(text=t, start=round(start + i * step, 3), end=round(start + i * step + 0.25, 3), confidence=0.8)
        for i, t in enumerate(text.split())
    ]
    common = {"id": 0, "start": start, "end": words[-1].end, "text": text, "words": words, "confidence": confidence}
    return WhisperSegment.model_validate(common | scores) if scores else Segment.model_validate(common)


def assert_consistent(segment: Segment) -> None:
    assert segment.text == " ".join(w.text for w in segment.words)
    assert segment.start <= segment.words[0].start and segment.words[-1].end <= segment.end


MEETING = [
    make("Xin cảm ơn đồng chí chủ tọa, tôi xin phát biểu về dự thảo luật đất đai.", 10.0),
    make("Cảm ơn các bạn đã theo dõi sát sao tiến độ dự án trong năm qua.", 16.0),
    make("cảm ơn " * 20, 25.0),  # a decoding loop over applause
    make("Tôi đồng ý với ý kiến của đại biểu Nguyễn Văn An. Cảm ơn, cảm ơn.", 40.0),
    make("Đề nghị các đơn vị hãy đăng ký tham gia trước ngày mười lăm.", 46.0),
    make("Hãy subscribe cho kênh Ghiền Mì Gõ Để không bỏ lỡ những video hấp dẫn", 60.0),  # music at a break
    make("Chúng ta chuyển sang mục tiếp theo. Hãy đăng ký kênh để ủng hộ kênh nhé các bạn!", 75.0),
    make("Vâng vâng vâng, đúng rồi.", 82.0),
    make("Cảm ơn các bạn đã theo dõi và hẹn gặp lại.", 90.0),  # silence at the end of the recording
]


def test_a_meeting_transcript_loses_only_the_inventions() -> None:
    cleaned = remove_hallucinations(MEETING)
    assert [s.text for s in cleaned] == [
        "Xin cảm ơn đồng chí chủ tọa, tôi xin phát biểu về dự thảo luật đất đai.",
        "Cảm ơn các bạn đã theo dõi sát sao tiến độ dự án trong năm qua.",
        "cảm ơn",
        "Tôi đồng ý với ý kiến của đại biểu Nguyễn Văn An. Cảm ơn, cảm ơn.",
        "Đề nghị các đơn vị hãy đăng ký tham gia trước ngày mười lăm.",
        "Chúng ta chuyển sang mục tiếp theo.",
        "Vâng vâng vâng, đúng rồi.",
    ]
    for segment in cleaned:
        assert_consistent(segment)
    # Real speech containing "cảm ơn" is the very same object, untouched.
    assert cleaned[0] is MEETING[0] and cleaned[1] is MEETING[1] and cleaned[3] is MEETING[3]


def test_a_loop_keeps_one_occurrence_and_its_timing() -> None:
    looped = make("Vâng, " + "cảm ơn " * 20, 5.0)
    collapsed = collapse_repetitions(looped)
    assert collapsed is not None
    assert collapsed.text == "Vâng, cảm ơn"
    assert [w.start for w in collapsed.words] == [5.0, 5.3, 5.6]
    assert collapsed.end == pytest.approx(5.85)  # the loop's time is not claimed by the kept words
    assert_consistent(collapsed)


def test_longer_ngram_loops_collapse_but_short_repeats_stay() -> None:
    looped = make("ý kiến của tôi là " + "và chúng ta sẽ tiếp tục " * 6)
    assert collapse_repetitions(looped).text == "ý kiến của tôi là và chúng ta sẽ tiếp tục"  # type: ignore[union-attr]
    for speech in ("không không không", "Cảm ơn, cảm ơn, cảm ơn đại biểu", "một, hai, một, hai"):
        segment = make(speech)
        assert collapse_repetitions(segment) is segment


def test_phantom_tail_goes_but_the_same_words_mid_speech_stay() -> None:
    tail = make("Đại biểu đề nghị sửa điều năm. Subtitles by the Amara.org community")
    stripped = strip_phantom_tail(tail)
    assert stripped is not None and stripped.text == "Đại biểu đề nghị sửa điều năm."
    assert stripped.end == stripped.words[-1].end < tail.end
    mid = make("Người dùng phải subscribe kênh thông báo rồi mới nhận được tin, đúng không?")
    assert strip_phantom_tail(mid) is not None  # "subscribe kênh" mid-sentence: the pattern must reach the end
    assert strip_phantom_tail(make("Vietsub by Hoàng Anh")) is None


@pytest.mark.parametrize(
    "phantom",
    [
        "Hãy subscribe cho kênh Ghiền Mì Gõ Để không bỏ lỡ những video hấp dẫn",
        "hay subscribe cho kenh Ghien Mi Go de khong bo lo nhung video hap dan",  # undotted, as Whisper writes it
        "HÃY ĐĂNG KÝ KÊNH ĐỂ ỦNG HỘ KÊNH NHÉ CÁC BẠN!",
        "Cảm ơn các bạn đã xem video.",
        "Hẹn gặp lại các bạn trong những video tiếp theo.",
        "Ghiền Mì Gõ",
        "Subtitles by the Amara.org community",
    ],
)
def test_known_phantoms_are_recognised_whatever_the_case_and_diacritics(phantom: str) -> None:
    assert strip_phantom_tail(make(phantom)) is None
    decomposed = unicodedata.normalize("NFD", phantom)  # the schema stores NFC whatever comes in
    assert strip_phantom_tail(make(decomposed)) is None


def test_text_only_segments_are_cleaned_too() -> None:
    segment = Segment(id=0, start=1.0, end=9.0, text="Tôi đồng ý. Hãy subscribe cho kênh nhé")
    cleaned = strip_phantom_tail(segment)
    assert cleaned is not None and (cleaned.text, cleaned.words, cleaned.end) == ("Tôi đồng ý.", [], 9.0)


def test_silence_filled_in_is_dropped_only_when_whisper_was_unsure() -> None:
    guess = make("Ừ.", no_speech_prob=0.9, avg_logprob=-1.4, compression_ratio=0.5, confidence=0.2)
    sure = make("Vâng.", no_speech_prob=0.9, avg_logprob=-0.2, compression_ratio=0.5, confidence=0.8)
    speech = make("Tôi đồng ý.", no_speech_prob=0.1, avg_logprob=-1.4, compression_ratio=0.9, confidence=0.2)
    plain = make("Ừ.", confidence=0.2)  # another engine: no no-speech probability, nothing to judge on
    assert remove_hallucinations([guess, sure, speech, plain]) == [sure, speech, plain]


def test_a_sentence_said_again_and_again_is_kept_once() -> None:
    sentence = "Tôi đề nghị Quốc hội xem xét thông qua dự thảo luật đất đai sửa đổi lần này."
    for times in (4, 3):  # 4: a loop; 3: caught by the compression ratio, then collapsed
        (cleaned,) = remove_hallucinations([make(" ".join([sentence] * times))])
        assert cleaned.text == sentence
        assert_consistent(cleaned)


def test_degenerate_text_that_is_no_loop_is_dropped() -> None:
    rng = random.Random(0)
    noise = make(" ".join(rng.choice(["vâng", "dạ", "ừ", "đúng"]) for _ in range(60)))  # no loop, yet repetitive
    assert compression_ratio(noise.text) > 2.4
    assert remove_hallucinations([noise]) == []
    assert compression_ratio(MEETING[0].text) < 1.5


def test_thresholds_are_options() -> None:
    looped = make("cảm ơn " * 5)
    assert remove_hallucinations([looped], guard=HallucinationFilter(min_repeats=6)) == [looped]
    assert remove_hallucinations([looped])[0].text == "cảm ơn"
