"""Conclusions said in wordings the development meetings hardly used (issue 15): a lead-in that is the bare verb or
spoken in Southern and Central speech, short content inside a conclusion that the classifier takes for procedure, and
a summary that goes on after its first sentence; what closes the meeting stays out."""

from __future__ import annotations

import pytest

from core.transcript import Segment
from minutes.extractive import ExtractiveGenerator
from minutes.sentences import announces_conclusion, is_lead_in

CHAIR = "Chủ tọa"


@pytest.fixture(scope="module")
def generator() -> ExtractiveGenerator:
    return ExtractiveGenerator()


def _concluded(generator: ExtractiveGenerator, *said: str) -> list[int]:
    """Which of the chair's sentences (one segment each) the minutes make conclusions."""
    segments = [Segment(id=k, start=4.0 * k, end=4.0 * k + 4, text=t, speaker=CHAIR) for k, t in enumerate(said)]
    item = generator.item(segments, title="Kết luận", number=1, chair=CHAIR, held=None)
    return sorted({r.id for c in item.conclusions for r in c.source_segments})


def test_the_bare_verb_and_dialect_forms_only_announce_a_conclusion() -> None:
    for lead_in in ("Tôi xin kết luận.", "tui tóm lại nghen", "em chốt lại nhé", "Giờ tui kết luận như rứa nha."):
        assert is_lead_in(lead_in) and announces_conclusion(lead_in), lead_in
    assert is_lead_in("Tôi xin tóm tắt những việc mà hội nghị đã nhất trí.")
    assert not is_lead_in("Đoàn thanh tra đã kết luận.")  # a report, no announcement
    assert not announces_conclusion("Tôi phân công như sau.")  # a lead-in to tasks


def test_what_follows_a_bare_lead_in_is_the_conclusion(generator: ExtractiveGenerator) -> None:
    said = (
        "Tôi xin kết luận.",
        "Năm nay xã không tổ chức đua ghe mà dồn kinh phí sửa đường ra bến đò.",
        "Mỗi hộ góp hai ngày công.",
    )
    assert _concluded(generator, *said) == [1, 2]


def test_short_content_in_a_conclusion_is_no_procedure_but_closing_is(generator: ExtractiveGenerator) -> None:
    said = (
        "tôi kết luận như sau",
        "năm nay hội không đi tham quan mà dồn kinh phí giúp hội viên nghèo",
        "mỗi chi hội một đội",
        "thế thôi giải tán",
    )
    assert _concluded(generator, *said) == [1, 2]


def test_a_summary_goes_on_past_its_first_sentence(generator: ExtractiveGenerator) -> None:
    said = ("Tóm lại, năm nay trường không tổ chức thi thử lần ba.", "Học sinh ôn tập theo đề cương của tổ chuyên môn.")
    assert _concluded(generator, *said) == [0, 1]


def test_the_verb_of_concluding_with_only_its_points_or_the_day_announces() -> None:
    """The object of the verb may be the points to come or the meeting itself, and how they will be said: still
    nothing of its own (issue 15, h16c)."""
    for lead_in in ("rồi tôi tóm lại vài điểm thế này", "giờ tui chốt lại buổi họp hôm nay", "em kết luận hôm nay nha"):
        assert is_lead_in(lead_in) and announces_conclusion(lead_in), lead_in
    assert not is_lead_in("chốt lại hôm nay làm xong cái mương")  # content after the day
    assert not is_lead_in("vậy chốt lại giá hai trăm")  # the conclusion itself


def test_what_follows_a_lead_in_naming_its_points_is_the_conclusion(generator: ExtractiveGenerator) -> None:
    said = (
        "thôi tui tóm lại mấy điểm vầy",
        "mùa này hợp tác xã không mở thêm ruộng mạ mà tập trung cho giống lúa thơm",
        "giá thu mua giữ như vụ trước",
    )
    assert _concluded(generator, *said) == [1, 2]


def test_a_sentence_between_two_conclusions_of_the_chair_is_one(generator: ExtractiveGenerator) -> None:
    """The middle of a conclusion said over three sentences needs no cue of its own; closing the meeting stays out."""
    said = (
        "Hội đồng thống nhất chuyển lớp học buổi tối sang nhà văn hóa thôn từ tháng sau.",
        "Phụ huynh đưa đón con tới bảy giờ rưỡi tối thì về.",
        "Hội đồng thống nhất giữ học phí như năm ngoái.",
    )
    assert _concluded(generator, *said) == [0, 1, 2]
    closing = (said[0], "Buổi họp kết thúc tại đây, cảm ơn mọi người.", said[2])
    assert _concluded(generator, *closing) == [0, 2]
