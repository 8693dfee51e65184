"""A meeting's minutes record only votes taken (issue 15): a vote states counts, or a result tied to a call to vote;
a call whose counts and result never come (the vote put off) and a result recalled with no call nor count (a
summary at the close) are no vote of the meeting, while one passage made into an item alone keeps its call, whose
counts may lie outside the passage."""

from __future__ import annotations

from minutes.extractive import ExtractiveGenerator
from minutes.generate import generate
from minutes.model import MinutesMeta
from tests.minutes.conftest import said, turns_of


def _meeting_votes(turns: list[tuple[str, str]]) -> list[tuple[int | bool | None, ...]]:
    items = generate(said(turns), MinutesMeta(chair="Chủ tọa")).items
    return [(v.in_favour, v.against, v.abstain, v.total, v.passed) for item in items for v in item.votes]


def test_a_call_put_off_is_no_vote_but_the_counted_one_is() -> None:
    turns = [
        ("Chủ tọa", "Việc lắp thêm đèn đường, hộ nào đồng ý thì giơ tay."),
        ("Chủ tọa", "Mười hai hộ đồng ý, hai hộ không đồng ý. Việc lắp đèn được thông qua."),
        ("Chủ tọa", "Bây giờ xin mời các hộ biểu quyết việc đổ bê tông con hẻm số 3."),
        ("Ông Lữ", "Khoan đã, tôi thấy chưa rõ ai đóng bao nhiêu tiền, để họp sau hẵng tính."),
        ("Chủ tọa", "Thôi được, việc con hẻm để tháng sau bàn lại cho kỹ."),
    ]
    assert _meeting_votes(turns) == [(12, 2, None, None, True)]


def test_a_result_recalled_in_the_summary_is_no_second_vote() -> None:
    turns = [
        ("Chủ tọa", "Ai nhất trí cho thôn mượn sân trường làm hội chợ thì giơ tay."),
        ("Thư ký", "Dạ chín trên chín người nhất trí."),
        ("Chủ tọa", "Vậy là thông qua, cảm ơn bà con."),
        ("Ông Lữ", "Tôi báo cáo thêm về đường điện ra khu chợ, tuần này điện lực sẽ kéo dây xong."),
        ("Chủ tọa", "Tóm lại, hôm nay ban đã thông qua việc mượn sân trường và quỹ khuyến học."),
    ]
    transcript = said(turns)
    transcript.segments[-1] = transcript.segments[-1].model_copy(update={"start": 900.0, "end": 908.0})
    items = generate(transcript, MinutesMeta(chair="Chủ tọa")).items
    votes = [(v.in_favour, v.against, v.abstain, v.total, v.passed) for item in items for v in item.votes]
    assert votes == [(9, None, None, 9, True)]  # the summary, long after the vote, recalls it


def test_a_result_tied_to_its_call_is_a_vote_taken() -> None:
    turns = [
        ("Chủ tọa", "Ai nhất trí cho thôn mượn sân trường làm hội chợ thì giơ tay."),
        ("Chủ tọa", "Vậy là thông qua, cảm ơn bà con."),
    ]
    assert _meeting_votes(turns) == [(None, None, None, None, True)]


def test_an_item_made_alone_keeps_its_call() -> None:
    segments = turns_of([("Chủ tọa", "Đề nghị các thành viên hội đồng bỏ phiếu về mức thu học phí mới.")])
    item = ExtractiveGenerator().item(segments, title="Biểu quyết", number=1, chair="Chủ tọa", held=None)
    assert [(v.in_favour, v.passed) for v in item.votes] == [(None, None)]
