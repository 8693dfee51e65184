"""Deadline and party forms of the a_, b_, i_-o_ meetings' task error families, in sentences of our own (the rules of
`tests/data/minutes/CONVENTIONS.md`): a weekday with its date said bare after a comma ("thứ Bảy, 11/10"), a span in
hours ("trong vòng 48 giờ"), a span counted after an event ("chậm nhất 15 ngày sau khi …"), the "tư" ending a body's
name ("Phòng Vật tư") that folds like "từ", and the Caodai faithful's honorifics ("hiền huynh", "hiền tỷ")."""

from __future__ import annotations

from datetime import date

import pytest

from minutes.cues import find_deadline
from minutes.slots import read_tasks

HELD = date(2025, 10, 6)  # a Monday

DEADLINES = {
    "Anh Sơn in giấy mời, phát vào thứ Bảy, 11/10, trước buổi lễ.": ("vào thứ Bảy, 11/10", date(2025, 10, 11)),
    "Chị Vân dựng sân khấu vào sáng Chủ nhật, 19 tháng 10.": ("vào sáng Chủ nhật, 19 tháng 10", date(2025, 10, 19)),
    "Có gì vướng thì báo tôi trước thứ Năm, 9 tháng 10.": ("trước thứ Năm, 9 tháng 10", date(2025, 10, 9)),
    "Chị Vân gửi bản tin cho các chi hội trong vòng 48 giờ.": ("trong vòng 48 giờ", None),
    "anh sơn nộp bảng kê trong vòng hai mươi bốn giờ nha": ("trong vòng hai mươi bốn giờ", None),
    "Anh Sơn sửa xong máy bơm trong hai tiếng.": ("trong hai tiếng", None),
    "Kế toán quyết toán chậm nhất 15 ngày sau khi kết thúc đợt thu.": (
        "chậm nhất 15 ngày sau khi kết thúc đợt thu",
        None,
    ),
    "Phòng Vật tư chiều nay giao ống cho đội thi công.": ("chiều nay", HELD),
}


@pytest.mark.parametrize(("text", "expected"), DEADLINES.items())
def test_deadline_words_and_date(text: str, expected: tuple[str, date | None]) -> None:
    deadline = find_deadline(text, held=HELD)
    assert deadline is not None and (deadline.text, deadline.due) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Anh Sơn hướng dẫn bà con trong 8 giờ sáng thứ Hai hằng tuần.",  # a time of day, not a span
        "Chị Vân dịch tờ rơi ra hai tiếng Kinh và Khmer.",  # two languages, not two hours
    ],
)
def test_hours_that_are_no_span(text: str) -> None:
    deadline = find_deadline(text, held=HELD)
    assert deadline is None or ("tiếng" not in deadline.text and "8 giờ" not in deadline.text)


def test_the_caodai_honorific_names_the_party() -> None:
    people = ["Lâm Văn Đức", "Trịnh Thị Huệ"]
    tasks = read_tasks("Hiền huynh Đức sửa lại mái hiên, xong trước ngày 20/10.", held=HELD, people=people)
    assert [(t.assignee, t.deadline.text if t.deadline else None) for t in tasks] == [
        ("Lâm Văn Đức", "trước ngày 20/10")
    ]
    tasks = read_tasks("Hiền tỷ Huệ lập sổ công quả trong tuần này.", held=HELD, people=people)
    assert [t.assignee for t in tasks] == ["Trịnh Thị Huệ"]


def test_every_order_named_before_an_unpunctuated_deadline_shares_it() -> None:
    people = ["Lương Thị Nhàn", "Đinh Văn Tú"]
    said = "chị nhàn in lại tờ rơi còn anh tú lo xe chở hàng hai việc này xong trước ngày mười lăm tháng mười"
    tasks = read_tasks(said, held=HELD, people=people)
    assert [(t.assignee, t.deadline.text if t.deadline else None) for t in tasks] == [
        ("Lương Thị Nhàn", "trước ngày mười lăm tháng mười"),
        ("Đinh Văn Tú", "trước ngày mười lăm tháng mười"),
    ]
    alone = read_tasks("chị nhàn in lại tờ rơi còn anh tú lo xe xong trước ngày mười lăm", held=HELD, people=people)
    assert [t.deadline is None for t in alone] == [True, False]  # the deadline is the last order's only


@pytest.mark.parametrize(
    ("said", "party"),
    [
        ("Phòng Hành chính vật tư mua thêm 20 bao cát trước thứ Sáu.", "Phòng Hành chính vật tư"),
        ("phòng tổ chức hành chính sửa lại nhà kho trong tuần này", "phòng tổ chức hành chính"),
        ("Phòng Tổ chức lao động ra quyết định điều động trong tuần này.", "Phòng Tổ chức lao động"),
        ("Phòng Kế hoạch tổng hợp làm tờ trình gửi giám đốc trong tuần này.", "Phòng Kế hoạch tổng hợp"),
        ("Phòng Tài chính tổng hợp gửi Ủy ban trước ngày 20/10.", "Phòng Tài chính"),  # "tổng hợp" done, then sent
        ("Phòng Văn hóa tổ chức hội thi trong tháng 11.", "Phòng Văn hóa"),
        ("Đề nghị các phòng gửi dự toán cho kế toán trước ngày 20/10.", "các phòng"),
        ("Tổ kiểm tra làm văn bản gửi xã trong tuần này.", "Tổ kiểm tra"),  # a body named by its work
        ("Bộ phận kho tạm dừng xuất hàng cho đến khi có kết quả.", "Bộ phận kho"),
    ],
)
def test_where_a_bodys_name_ends(said: str, party: str) -> None:
    assert [t.assignee for t in read_tasks(said, held=HELD)] == [party]


def test_an_order_given_as_work_or_a_duty() -> None:
    people = ["Lê Văn Hải", "Võ Thị Thu Cúc"]
    said = {
        "Tôi giao nhiệm vụ cho anh Hải rà soát danh sách trước ngày 20/10.": ("Lê Văn Hải", "trước ngày 20/10"),
        "giờ tui giao việc chị cúc in tờ rơi trong tuần này nha": ("Võ Thị Thu Cúc", "trong tuần này"),
        "Giao nhiệm vụ Phòng Nội vụ rà soát hồ sơ trước ngày 20/10.": ("Phòng Nội vụ", "trước ngày 20/10"),
    }
    for text, expected in said.items():
        tasks = read_tasks(text, held=HELD, people=people)
        assert [(t.assignee, t.deadline.text if t.deadline else None) for t in tasks] == [expected]
    assert read_tasks("Ban đã giao nhiệm vụ cho anh Hải từ tháng trước.", held=HELD, people=people) == []


def test_drawing_up_a_list_is_an_order_not_the_floor() -> None:
    people = ["Hồ Thị Mến"]
    tasks = read_tasks("Chị Mến lên danh sách người trực, gửi tôi sau rằm tháng Tám.", held=HELD, people=people)
    assert [(t.assignee, t.deadline.text if t.deadline else None) for t in tasks] == [
        ("Hồ Thị Mến", "sau rằm tháng Tám")
    ]
    assert tasks[0].deadline is not None and tasks[0].deadline.due is None  # a lunar day: no solar date computed
    assert read_tasks("Chị Mến lên phát biểu đi.", held=HELD, people=people) == []


def test_riêng_with_its_topic_begins_a_second_order() -> None:
    people = ["Đào Thị Nhung", "Mạc Văn Phong"]
    said = "Chị Nhung gửi thư nhắc nợ trước ngày 15/10, riêng chung cư Hòa Bình thì anh Phong qua làm việc trực tiếp."
    tasks = read_tasks(said, held=HELD, people=people)
    assert [(t.assignee, t.deadline.text if t.deadline else None) for t in tasks] == [
        ("Đào Thị Nhung", "trước ngày 15/10"),
        ("Mạc Văn Phong", None),
    ]
