"""General wordings of orders that `slots.read_tasks` reads (sentences of its own, written and ASR lower case, from
several regions; none taken from a meeting): shares given place by place, groups as called and their members, a
vocative before the unit, "you" after a topic, given names that are ordinary words, an order passed on, and deadlines
said with "ngay trong" or a season."""

from __future__ import annotations

from datetime import date

import pytest

from minutes.cues import find_deadline
from minutes.slots import read_tasks

PEOPLE = ["Nguyễn Thị Hiền", "Đặng Văn Tới", "Lò Thị Sương", "Ksor Hlinh", "Trần Văn Đức", "Phạm Thị Hồng"]
HELD = date(2025, 9, 17)  # a Wednesday


def _read(text: str) -> list[tuple[str, str | None]]:
    return [(t.assignee, t.deadline.text if t.deadline else None) for t in read_tasks(text, held=HELD, people=PEOPLE)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # two places, two bodies, one action each does its share: two tasks, the places are topics
        (
            "Xóm Bến thì Hội Phụ nữ, xóm Đồng thì Đoàn Thanh niên, dọn rác dọc bờ kênh.",
            [("Hội Phụ nữ", None), ("Đoàn Thanh niên", None)],
        ),
        ("bản trên thì dân quân trực chốt đêm nay", [("dân quân", "đêm nay")]),
        # a group as called: each of them, not the one person introduced with the title
        ("rứa mỗi trưởng thôn kê lại số hộ nghèo gửi xã trước ngày hai mươi", [("trưởng thôn", "trước ngày hai mươi")]),
        ("Mỗi trưởng ấp nhắc bà con nộp quỹ.", [("trưởng ấp", None)]),
        ("còn học bạ thì mấy thầy cô chủ nhiệm thu lại trong tuần này", [("thầy cô chủ nhiệm", "trong tuần này")]),
        ("mỗi người chuẩn bị một câu hỏi", []),  # everyone: no party
        # members named inside a group's order: the group is the party
        (
            "Đề nghị các quầy hàng chưa nộp thuế, trong đó có quầy chị Hiền, nộp đủ trước ngày 30/9.",
            [("các quầy hàng chưa nộp thuế", "trước ngày 30/9")],
        ),
        ("giao các tổ tự quản, gồm cả tổ anh tới, phát quang đường làng", [("các tổ tự quản", None)]),
    ],
)
def test_shares_and_groups(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a vocative, then the unit the person speaks for: the one called is given the order
        (
            "Chị Sương, Phòng Đào tạo rà lại danh sách, trong tháng 10 gửi Ban Giám hiệu.",
            [("Lò Thị Sương", "trong tháng 10")],
        ),
        ("Em Sương, Đoàn trường lo phần văn nghệ.", [("Lò Thị Sương", None)]),
        ("em xin hứa làm xong trong tuần", []),  # the speaker's own promise
        # "you" after the thing talked about: the one just addressed (the generator names them)
        ("ừ được bản kê đó em gửi phòng tài chính trước thứ sáu nhé", [("em", "trước thứ sáu")]),
        ("hồng này em làm tờ trình trong tuần", [("Phạm Thị Hồng", "trong tuần")]),  # Hồng is called
        ("hôm đó anh đi họp ở huyện", []),  # a time, no topic
        # given names that are ordinary words, as subjects after a topic
        (
            "kinh phí thì đức làm dự toán còn danh sách hộ thì hiền xác nhận với thôn",
            [("Trần Văn Đức", None), ("Nguyễn Thị Hiền", None)],
        ),
        (
            "hổng chờ được đâu anh tới huy động người khơi cống trước ngày hai mươi",
            [("Đặng Văn Tới", "trước ngày hai mươi")],
        ),
        # an order passed on: the one told to pass it
        (
            "chị hlinh nói với chi hội phụ nữ buôn tổ chức giữ xe trong mùa lễ hội",
            [("Ksor Hlinh", "trong mùa lễ hội")],
        ),
        ("anh đức nói qua tình hình thu nộp", []),  # asked to speak now
    ],
)
def test_people_called(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert _read(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "ngay" and the marker kept as said, the day named by weekday
        ("Văn phòng trình tôi ký ngay trong ngày thứ Hai.", ("ngay trong ngày thứ Hai", date(2025, 9, 22))),
        ("phòng kế toán chốt sổ trong ngày thứ sáu", ("trong ngày thứ sáu", date(2025, 9, 19))),
        ("tổ kỹ thuật cấp vật tư ngay trong tháng này", ("ngay trong tháng này", None)),
        ("tổ kỹ thuật cấp vật tư trong tháng này", ("trong tháng này", None)),
        # a season the work lasts
        ("đội thanh niên tuần tra ban đêm trong mùa thu hoạch cà phê", ("trong mùa thu hoạch cà phê", None)),
    ],
)
def test_deadlines_as_spoken(text: str, expected: tuple[str, date | None]) -> None:
    deadline = find_deadline(text, held=HELD)
    assert deadline is not None and (deadline.text, deadline.due) == expected
