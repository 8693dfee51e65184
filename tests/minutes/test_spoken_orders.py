"""Orders as chairs say them, written here (none copied from a meeting): bodies named short or by their work and ended
by an everyday verb, places pyvi does not know, Central "o" and names of two given words, a person said again after
"tức là" or as the topic before "tôi nhờ anh …", a later session or a period as the deadline, "ngay sau khi", a
weekday said first, a body's name run on in an unpunctuated title."""

from __future__ import annotations

from datetime import date

import pytest

from minutes.cues import find_deadline
from minutes.slots import named_in_full, read_tasks

HELD = date(2025, 11, 12)  # a Wednesday
PEOPLE = ["Thạch Thị Sa Rết", "Hồ Thị Lài", "Trần Văn Khởi", "Lê Minh Toàn", "Nguyễn Thị Mai"]


def _read(text: str, meeting: str = "") -> list[tuple[str, str | None]]:
    return [
        (t.assignee, t.deadline.text if t.deadline else None)
        for t in read_tasks(text, held=HELD, people=PEOPLE, meeting=meeting)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kinh phí in ấn, Ban kinh tế xã cân đối, gửi tôi trong tuần.", [("Ban kinh tế xã", "trong tuần")]),
        ("văn phòng dán danh sách ở nhà văn hóa thôn trước chủ nhật", [("văn phòng", "trước chủ nhật")]),
        ("bộ phận tổng hợp gửi báo cáo lên huyện cuối tháng", [("bộ phận tổng hợp", "cuối tháng")]),
        ("Phân xưởng cơ điện thay toàn bộ dây dẫn trước ngày 30/11.", [("Phân xưởng cơ điện", "trước ngày 30/11")]),
        ("Giao Xí nghiệp vận tải bố trí xe đưa đón trước ngày 5/1.", [("Xí nghiệp vận tải", "trước ngày 5/1")]),
        (
            "Về vệ sinh trường lớp, Đoàn trường phát động tổng vệ sinh vào thứ bảy tuần này.",
            [("Đoàn trường", "vào thứ bảy tuần này")],
        ),
        (
            "ủy ban phường tân an tổ chức ra quân dọn vệ sinh sáng chủ nhật",
            [("ủy ban nhân dân phường tân an", "sáng chủ nhật")],
        ),
        (
            "Trạm y tế và Hội Phụ nữ cùng vận động bà con đưa trẻ đi tiêm trước ngày 15.",
            [("Trạm y tế và Hội Phụ nữ", "trước ngày 15")],
        ),
    ],
)
def test_a_body_ends_at_its_verb(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert _read(text) == expected


def test_a_place_pyvi_does_not_know_is_no_verb_but_a_verb_after_the_level_is() -> None:
    assert _read("công an xã coi lại hết bình chữa cháy ở các thôn trong tuần sau") == [
        ("công an xã", "trong tuần sau")
    ]


def test_a_longer_name_said_twice_does_not_run_over_an_everyday_verb_or_into_a_word() -> None:
    meeting = "to bao ve lam bao cao thang truoc. trung tam y te bo tri xe. to bao ve lam gium. trung tam y te bo sung"
    assert _read("tổ bảo vệ làm giúp lịch trực trong tuần này", meeting) == [("tổ bảo vệ", "trong tuần này")]
    assert _read("trung tâm y tế bổ sung thuốc cho các trạm trước ngày 20", meeting) == [
        ("trung tâm y tế", "trước ngày 20")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "chị sa rết liên hệ nhà thầu lấy báo giá trước thứ tư tuần sau",
            [("Thạch Thị Sa Rết", "trước thứ tư tuần sau")],
        ),
        ("o lài làm danh sách hộ nghèo gửi xã trước thứ năm", [("Hồ Thị Lài", "trước thứ năm")]),
        (
            "còn anh khởi thì tôi nhờ anh xuống thôn đo lại ranh đất trong tuần này",
            [("Trần Văn Khởi", "trong tuần này")],
        ),
        (
            "tổ kỹ thuật tức là anh lê minh toàn kiểm tra lại đường dây trước thứ hai",
            [("Lê Minh Toàn", "trước thứ hai")],
        ),
        ("Thứ hai tuần sau, chị Lài nộp hồ sơ lên huyện.", [("Hồ Thị Lài", "Thứ hai tuần sau")]),
        (
            "chị mai gửi danh sách cho tôi trước ngày mười tám tháng này",
            [("Nguyễn Thị Mai", "trước ngày mười tám tháng này")],
        ),
    ],
)
def test_a_person_as_called(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert _read(text) == expected


def test_the_day_said_first_is_due() -> None:
    (task,) = read_tasks("Thứ hai tuần sau, chị Lài nộp hồ sơ lên huyện.", held=HELD, people=PEOPLE)
    assert task.deadline is not None and task.deadline.due == date(2025, 11, 17)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Tổ văn phòng hoàn thiện dự thảo, trình lại vào phiên giao ban tháng 12.", "vào phiên giao ban tháng 12"),
        ("ban biên tập sửa lại bản thảo rồi trình vào kỳ họp bổ sung", "vào kỳ họp bổ sung"),
        ("Văn phòng báo cáo kết quả tại phiên họp kế tiếp.", "tại phiên họp kế tiếp"),
        ("Xã đội phối hợp với công an xã tuần tra trong suốt mùa lễ hội.", "trong suốt mùa lễ hội"),
        ("Việc sửa mái nhà văn hóa, tổ xây dựng làm ngay sau khi có kinh phí.", "ngay sau khi có kinh phí"),
        ("bộ phận tổng hợp nộp sở cuối quý", "cuối quý"),
    ],
)
def test_a_session_to_come_a_period_or_an_event_is_the_deadline(text: str, said: str) -> None:
    found = find_deadline(text, held=HELD)
    assert found is not None and found.text == said


def test_the_meeting_itself_or_a_day_six_is_no_such_deadline() -> None:
    assert find_deadline("anh Toàn trình bày tại hội nghị toàn thể") is None
    found = find_deadline("chị Mai làm ngay sau đó, xong trước ngày sáu tháng sau", held=HELD)
    assert found is not None and found.text == "trước ngày sáu tháng sau"


def test_a_body_named_in_an_unpunctuated_title_ends_before_a_person_or_its_level_again() -> None:
    bodies = ["phòng kinh tế và hạ tầng anh", "ủy ban phường an lạc phường"]
    assert named_in_full("phòng kinh tế", bodies) == "Phòng kinh tế và hạ tầng"
    assert named_in_full("ủy ban phường", bodies) == "Ủy ban nhân dân phường an lạc"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Phòng Tổ chức - Hành chính tuyển 4 công nhân bảo vệ trước ngày 20/3.",
            [("Phòng Tổ chức - Hành chính", "trước ngày 20/3")],
        ),
        (
            "còn bàn ghế thì phòng tổ chức hành chính rà lại kho trong tuần này",
            [("phòng tổ chức hành chính", "trong tuần này")],
        ),
        ("Ban Tổ chức gửi giấy mời các đội trước ngày 10.", [("Ban Tổ chức", "trước ngày 10")]),
        ("Đoạn kênh qua thôn 3, Công ty bỏ tiền nạo vét trước mùa mưa.", [("Công ty", "trước mùa mưa")]),
        ("chị Mai làm công văn gửi Sở đề nghị hỗ trợ, thứ Hai gửi đi.", [("Nguyễn Thị Mai", "thứ Hai")]),
        (
            "Anh Khởi cử ngay 2 người trực ở cầu tràn, báo tôi ngay trong chiều nay.",
            [("Trần Văn Khởi", "ngay trong chiều nay")],
        ),
    ],
)
def test_wordings_of_the_blind_meetings_said_otherwise(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert _read(text) == expected


def test_a_title_with_tong_names_the_one_who_holds_it() -> None:
    (task,) = read_tasks(
        "Giao Tổng giám đốc ký hợp đồng trước ngày 5/2.",
        held=HELD,
        people=["Lê Văn Hạ"],
        titles={"tong giam doc": "Lê Văn Hạ"},
    )
    assert task.assignee == "Lê Văn Hạ"


def test_a_body_said_twice_with_its_verb_is_no_longer_name() -> None:
    meeting = "tram y te chuan bi thuoc cho diem so tan. tram y te chuan bi cloramin b"
    assert _read("Trạm Y tế chuẩn bị Cloramin B cho các thôn.", meeting) == [("Trạm Y tế", None)]
    titled = "truong phong ke hoach tong hop. phong ke hoach tong hop xay dung phuong an"
    assert _read("phòng Kế hoạch tổng hợp xây dựng phương án kê giường.", titled) == [("phòng Kế hoạch tổng hợp", None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("còn đường nội đồng thì ngày mai đội dân phòng ra đo lại", [("đội dân phòng", "ngày mai")]),
        (
            "Hồ sơ khen thưởng thì cũng Phòng Nội vụ tham mưu, trình Ủy ban trong tuần sau.",
            [("Phòng Nội vụ", "trong tuần sau")],
        ),
        ("loa đài thì để ban văn hóa bố trí", [("ban văn hóa", None)]),
        (
            "cái nớ tổ dân phố liên hệ các hộ trước ngày tựu trường không thì báo lại",
            [("tổ dân phố", "trước ngày tựu trường")],
        ),
        (
            "Hội đồng thống nhất mua thêm hai máy bơm, anh Khởi làm tờ trình trước thứ sáu.",
            [("Trần Văn Khởi", "trước thứ sáu")],
        ),
        (
            "Còn kho lạnh, tôi ký hợp đồng trong hôm nay, chị Lài theo dõi lắp đặt trước ngày 30.",
            [("Hồ Thị Lài", "trước ngày 30")],
        ),
    ],
)
def test_the_party_after_a_topic_time_or_decision(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert _read(text) == expected


def test_a_birth_order_name_between_honorific_and_given_name() -> None:
    (task,) = read_tasks("chị năm lài đi từng nhà nhắc bà con nộp phí", people=PEOPLE)
    assert task.assignee == "Hồ Thị Lài"


def test_who_does_it_said_with_la_and_coordinating_with_a_body() -> None:
    assert _read("Việc tiếp đón đoàn, đầu mối là chị Lài, xong trước thứ sáu.") == [("Hồ Thị Lài", "trước thứ sáu")]
    assert _read("công an phường thống nhất với ban quản lý chợ giờ đóng cửa rồi thông báo trước chủ nhật") == [
        ("công an phường", "trước chủ nhật")
    ]
    assert _read("Chi bộ thống nhất với đề xuất của tổ công tác.") == []
