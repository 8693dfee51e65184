"""Who concludes and where (issue 15): nothing is concluded at the opening, before anyone else has spoken; the points of
a numbered summary go together; what follows a lead-in to orders is orders; an exhortation to everyone and the
speaker's own promise decide nothing."""

from __future__ import annotations

import pytest

from core.transcript import Segment
from minutes.extractive import ExtractiveGenerator, _first_turns
from minutes.sentences import Sentence, announces_conclusion, is_lead_in

CHAIR = "Chủ tọa"
MEMBER = "Đại biểu"


@pytest.fixture(scope="module")
def generator() -> ExtractiveGenerator:
    return ExtractiveGenerator()


def _concluded(generator: ExtractiveGenerator, *said: tuple[str, str]) -> list[int]:
    """Which segments (one per (speaker, text)) the minutes make conclusions."""
    segments = [Segment(id=k, start=4.0 * k, end=4.0 * k + 4, text=t, speaker=p) for k, (p, t) in enumerate(said)]
    item = generator.item(segments, title="Kết luận", number=1, chair=CHAIR, held=None)
    return sorted({r.id for c in item.conclusions for r in c.source_segments})


def test_lead_ins_to_a_summary_of_the_meeting_and_to_orders() -> None:
    assert is_lead_in("Dạ, em xin tóm lại mấy ý của cuộc họp.") and announces_conclusion(
        "em tóm lại mấy ý của cuộc họp"
    )
    assert is_lead_in("bây giờ tôi giao việc cụ thể nhé") and not announces_conclusion(
        "bây giờ tôi giao việc cụ thể nhé"
    )
    assert not is_lead_in("tôi giao việc này cho anh Tâm")  # the order itself


def test_a_speakers_first_turn_concludes_nothing() -> None:
    """A speaker who has heard no one else since they first spoke (the chair after the master of ceremonies) opens."""
    speakers = ("Người dẫn chương trình", CHAIR, CHAIR, MEMBER, CHAIR, "Người dẫn chương trình")
    said = [
        Sentence(f"Câu {k}.", Segment(id=k, start=k, end=k + 1, text="", speaker=p)) for k, p in enumerate(speakers)
    ]
    assert _first_turns(said) == [True, True, True, True, False, False]  # the member opens their own first turn


def test_the_points_of_a_numbered_summary_go_together(generator: ExtractiveGenerator) -> None:
    said = (
        (MEMBER, "Kênh cấp nước đã cạn, cần nạo vét trước mùa khô."),
        (CHAIR, "Tôi kết luận mấy ý."),
        (CHAIR, "Thứ nhất, năm nay hợp tác xã giữ giá thu mua như vụ trước."),
        (CHAIR, "Thứ hai, nạo vét kênh là việc trọng tâm từ nay tới hết tháng tư."),
        (CHAIR, "Thứ ba, phí dịch vụ thủy lợi không tăng."),
    )
    assert _concluded(generator, *said) == [2, 3, 4]


def test_after_a_lead_in_to_orders_come_orders(generator: ExtractiveGenerator) -> None:
    said = (
        (MEMBER, "Kênh cấp nước đã cạn, cần nạo vét trước mùa khô."),
        (CHAIR, "Tôi giao nhiệm vụ cụ thể như sau."),
        (CHAIR, "Tổ thủy lợi rà soát lại các đoạn kênh bị bồi lắng, không để thiếu nước như năm ngoái."),
    )
    assert _concluded(generator, *said) == []


def test_an_exhortation_to_everyone_and_the_speakers_own_promise_decide_nothing(
    generator: ExtractiveGenerator,
) -> None:
    said = (
        (MEMBER, "Kênh cấp nước đã cạn, cần nạo vét trước mùa khô."),
        (CHAIR, "Tôi xin kết luận như sau."),
        (CHAIR, "Hợp tác xã thống nhất nạo vét kênh trước mùa khô, mỗi hộ góp hai ngày công."),
        (CHAIR, "Đề nghị toàn thể xã viên giữ gìn kênh mương sạch sẽ."),
        (CHAIR, "Tôi sẽ lên huyện xin thêm máy đào trong tuần này."),
    )
    assert _concluded(generator, *said) == [2]
