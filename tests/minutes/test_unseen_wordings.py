"""Wordings of the twelve blind development meetings of issue 15's ninth session that main's readers missed, written
here in other words: chairs handing over after speaking of themselves, votes counted by a counting board or on
screens, results said once for several motions or as what is not done, answers to a call from another speaker;
Central speech ("tháng ni", "như rứa"), spoken "hai lăm", orders whose party is named after a body or a topic."""

from __future__ import annotations

from datetime import date

from core.transcript import ModelRef, Segment, Transcript
from minutes.cues import find_deadline, find_vote, folded_digits
from minutes.frame import chair_label
from minutes.generate import generate, with_people
from minutes.model import MinutesMeta
from minutes.participants import is_name
from minutes.slots import read_tasks
from tests.minutes.conftest import said


def _transcript(turns: list[tuple[str, str]]) -> Transcript:
    segments = [
        Segment(id=i, start=i * 10.0, end=i * 10.0 + 8, text=text, speaker=speaker)
        for i, (speaker, text) in enumerate(turns)
    ]
    return Transcript(model=ModelRef(engine="test", name="test"), segments=segments, duration=len(turns) * 10.0)


def _chairs(turns: list[tuple[str, str]]) -> list[str]:
    transcript = _transcript(turns)
    meta = with_people(transcript, MinutesMeta(), chair_label(transcript, MinutesMeta()))
    return [c.strip() for c in meta.chair.split(";") if c.strip()]


def _votes(turns: list[tuple[str, str]]) -> list[tuple[int | bool | None, ...]]:
    items = generate(said(turns), MinutesMeta(chair="Chủ tọa")).items
    return [(v.in_favour, v.against, v.abstain, v.total, v.passed) for item in items for v in item.votes]


def test_the_chair_handed_over_after_the_speaker_spoke_of_themself() -> None:
    """ "tôi phải sang …, phần còn lại anh Tuấn điều hành giúp tôi": the speaker's "tôi" in an earlier clause does not
    make them keep the chair; one called by given name is the attendee whose name ends so."""
    cased = [
        ("Bùi Văn Khiêm", "Tôi xin khai mạc cuộc họp."),
        ("Bùi Văn Khiêm", "Tôi phải sang tiếp đoàn của tỉnh, phần còn lại anh Tuấn điều hành giúp tôi nhé."),
        ("Khổng Minh Tuấn", "Vâng, tôi điều hành tiếp."),
    ]
    assert _chairs(cased) == ["Bùi Văn Khiêm", "Khổng Minh Tuấn"]
    spoken = [
        ("Người nói 1", "tui tôn thất hưng phó chủ tịch xã chủ trì bữa ni có anh lê bá thuận trưởng công an xã"),
        ("Người nói 1", "huyện gọi tui lên họp gấp chừ anh thuận chủ trì tiếp phần còn lại giùm tui nghen"),
        ("Người nói 2", "dạ được rồi anh cứ đi"),
    ]
    assert _chairs(spoken) == ["Tôn Thất Hưng", "Lê Bá Thuận"]


def test_the_one_invited_to_preside_not_a_guest_named_before() -> None:
    turns = [
        ("Người nói 1", "tôi khúc thị hòa bí thư chi bộ tôi tuyên bố khai mạc hội nghị"),
        (
            "Người nói 1",
            "hôm nay có chị đỗ thị hằng công chức tư pháp xã về dự tôi xin mời anh nghiêm văn đạt trưởng thôn điều hành"
            " hội nghị",
        ),
        ("Người nói 2", "vâng tôi xin điều hành"),
    ]
    assert _chairs(turns) == ["Khúc Thị Hòa", "Nghiêm Văn Đạt"]


def test_a_family_name_that_heads_bodies_in_a_speakers_name() -> None:
    assert is_name("Đoàn Bá Thông")
    assert not is_name("Đoàn Thanh niên")
    chairs = _chairs([("Đoàn Bá Thông", "Tui Đoàn Bá Thông, Chủ tịch Ủy ban nhân dân xã, chủ trì cuộc họp.")])
    assert chairs == ["Đoàn Bá Thông"]


def _fields(text: str) -> tuple[int | bool | None, ...] | None:
    vote = find_vote(text, chair=True)
    return None if vote is None else (vote.in_favour, vote.against, vote.abstain, vote.total, vote.passed)


def test_counts_the_board_reads_with_their_whole_and_nobody_of_a_kind() -> None:
    """A whole after the counts, not right after one ("chiếm 35,3% trên tổng số 17 phiếu", ", trên năm thành viên");
    "không có hộ nào không đồng ý" is 0 against, the number after it the next kind's; "18 phẩy 75" is no count."""
    assert _fields("Hộ ông Lâm: 11 phiếu không đồng ý, 6 phiếu đồng ý, chiếm 35,3% trên tổng số 17 phiếu.") == (
        6,
        11,
        None,
        17,
        None,
    )
    assert _fields("Có hai người giơ tay, ba người không đồng ý, trên năm thành viên.") == (2, 3, None, 5, None)
    assert _fields("không có hộ nào không đồng ý tất cả năm mươi hộ đều giơ tay") == (50, 0, None, None, None)
    assert _fields("ai đồng ý điểm chuẩn mười tám phẩy bảy lăm thì giơ tay") == (None, None, None, None, None)
    assert _fields("Hôm nay có mặt 78 hộ trên tổng số 92 hộ, đủ điều kiện biểu quyết.") is None  # attendance


def test_results_said_after_so_and_as_a_threshold() -> None:
    assert _fields("Vậy là đạt, thông qua.") == (None, None, None, None, True)
    assert _fields("Như rứa là nội dung này thông qua.") == (None, None, None, None, True)
    assert _fields("Vậy bây giờ đề nghị biểu quyết thông qua kế hoạch.") == (None, None, None, None, None)  # a call
    assert _fields("Sản phẩm đạt trên hai phần ba, được công nhận.") == (None, None, None, None, True)
    assert _fields("Phương án chưa đạt hai phần ba số thành viên.") == (None, None, None, None, False)


def test_votes_on_screens_and_by_secret_ballot_are_called() -> None:
    """ "Mời bấm nút." and "Chừ bỏ phiếu kín …" call votes: counts after them begin another; "bám sát" calls none."""
    assert find_vote("Mời các anh chị bấm nút.", chair=True) is not None
    assert find_vote("Các xã bám sát địa bàn.", chair=True) is None
    turns = [
        ("Chủ tọa", "Nội dung thứ nhất, mức hỗ trợ sửa nhà 30 triệu, ai đồng ý giơ tay."),
        ("Thư ký", "Dạ 17 trên 17."),
        ("Chủ tọa", "Chừ bỏ phiếu kín từng hộ trong danh sách."),
        ("Thư ký", "Hộ ông Ri: 17 trên 17 phiếu đồng ý."),
    ]
    assert _votes(turns) == [(17, None, None, 17, None), (17, None, None, 17, None)]


def test_a_bare_answer_from_another_speaker_and_a_result_for_both_motions() -> None:
    """The secretary answers the chair's call in a segment of their own ("dạ chín trên chín"); a call that asks no kind
    ("Mấy anh chị bấm giùm.") is answered in favour; "hai cái đó thông qua hết" is both votes' result."""
    turns = [
        ("Chủ tọa", "ai đồng ý điểm chuẩn nguyện vọng một thì giơ tay giùm"),
        ("Thư ký", "dạ chín trên chín"),
        ("Chủ tọa", "còn nguyện vọng hai thì lấy thêm bốn lăm em ai đồng ý giơ tay"),
        ("Thư ký", "dạ tám người đồng ý một người không đồng ý"),
        ("Chủ tọa", "vậy là hai cái đó thông qua hết nha"),
    ]
    assert _votes(turns) == [(9, None, None, 9, True), (8, 1, None, None, True)]
    pressed = [
        ("Chủ tọa", "Vậy mình bấm luôn quy trình giám sát kháng sinh. Mấy anh chị bấm giùm."),
        ("Thư ký", "Dạ 13 trên 13, đạt 100%."),
    ]
    assert _votes(pressed) == [(13, None, None, 13, None)]


def test_what_is_not_done_after_the_counts_is_a_failed_result_and_a_new_call_after_any_count() -> None:
    turns = [
        ("Chủ tọa", "Ai đồng ý chuyển vụ việc lên xã thì giơ tay."),
        ("Chủ tọa", "Có hai người giơ tay, ba người không đồng ý, trên năm thành viên. Vậy là không chuyển."),
        ("Chủ tọa", "Thế là điểm thứ hai bà con nhất trí giữ như dự thảo."),
    ]
    assert _votes(turns)[0] == (2, 3, None, 5, False)
    recalled = [
        ("Chủ tọa", "Hợp tác xã Hồng Giang, tôi nhắc, hai phiếu không đồng ý là vì bao bì còn sơ sài."),
        ("Chủ tọa", "Bây giờ đề nghị các đồng chí biểu quyết thông qua biên bản. Đồng chí nào nhất trí thì giơ tay."),
        ("Thư ký", "9 trên 9 thành viên giơ tay."),
    ]
    assert _votes(recalled)[-1] == (9, None, None, 9, None)


def test_central_this_and_spoken_twenty_five_in_deadlines() -> None:
    held = date(2025, 3, 10)
    this_month = find_deadline("sửa trước ba mươi tháng ni nghen", held=held)
    assert this_month is not None and (this_month.text, this_month.due) == ("trước ba mươi tháng ni", date(2025, 3, 30))
    said_ni = find_deadline("xong trước thứ sáu tuần ni", held=held)
    assert said_ni is not None and said_ni.due == date(2025, 3, 14)
    late = find_deadline("chậm nhất ngày hai lăm gửi lên", held=held)
    assert late is not None and late.due == date(2025, 3, 25)
    assert folded_digits("lấy thêm bốn lăm em") == "lay them 45 em"
    assert folded_digits("mười lăm hộ") == "15 ho"


def test_orders_whose_party_is_named_after_a_body_or_a_topic() -> None:
    people = ["Kiều Văn Sáng", "Phan Tấn Lợi", "Khúc Thị Hòa"]
    assert [t.assignee for t in read_tasks("sau tết chi đoàn anh sáng in phát mỗi hộ một bản", people=people)] == [
        "Kiều Văn Sáng"
    ]
    assert read_tasks("Chuyện ông Lợi thì đợi xã trả lời.", people=people) == []
    assert read_tasks("Dạ, em xin tiếp tục.", people=people) == []
    led = read_tasks("Trật tự ở bến thuyền thì Công an huyện chủ trì, xã Cúc Phương phối hợp, lập tổ kiểm tra.")
    assert [t.assignee for t in led] == ["Công an huyện"]
    assert [t.assignee for t in read_tasks("Chuyện biển báo thì phòng Kinh tế nắm, trước 30/4 phải thay xong.")] == [
        "phòng Kinh tế"
    ]


def test_a_result_for_both_motions_said_after_the_item_of_the_first() -> None:
    """ "Nội dung thứ hai" begins an agenda item of its own; "cả hai nội dung đều đã được thông qua" after it is the
    first motion's result too."""
    turns = [
        ("Chủ tọa", "Chuyển sang nội dung thứ nhất, thông qua điều lệ giải cờ tướng. Mời các anh chị bấm nút."),
        ("Thư ký", "Tán thành 14, không tán thành 0, không biểu quyết 1, trên tổng số 15 thành viên có mặt."),
        ("Chủ tọa", "Chuyển sang nội dung thứ hai, bổ sung môn kéo co vào chương trình đại hội. Mời bấm nút."),
        ("Thư ký", "Không biểu quyết 1, không tán thành 2, tán thành 12."),
        ("Chủ tọa", "Như vậy cả hai nội dung đều đã được thông qua."),
    ]
    items = generate(said(turns), MinutesMeta(chair="Chủ tọa")).items
    assert len(items) == 2
    assert _votes(turns) == [(14, 0, 1, 15, True), (12, 2, 1, None, True)]
