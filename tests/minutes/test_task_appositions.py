"""Task wordings of authors nobody tuned on (issue 15, h18t): a person named with where they work or what they do, a
period of work before the deadline, "this quarter" at the end of a deadline, one deadline for two orders said after the
second, provincial youth unions as bodies, a speaker's opinion that orders nobody, and a body named in an absent
person's title."""

from __future__ import annotations

from datetime import date

from core.transcript import Segment
from minutes.cues import find_deadline
from minutes.participants import bodies
from minutes.slots import read_tasks

HELD = date(2025, 3, 12)  # a Wednesday


def _read(text: str, people: tuple[str, ...] = ()) -> list[tuple[str, str | None]]:
    return [(t.assignee, t.deadline.text if t.deadline else None) for t in read_tasks(text, held=HELD, people=people)]


def test_where_a_person_works_or_their_job_is_no_part_of_the_party() -> None:
    assert _read("Chị Nhung bên kế hoạch gửi lại bảng giá cho tôi trước thứ Sáu.") == [("Nhung", "trước thứ Sáu")]
    assert _read("Anh Khoa phía nhà thầu bổ sung bản vẽ hoàn công trong tuần này.") == [("Khoa", "trong tuần này")]
    assert _read("anh phát tài xế đưa hồ sơ lên huyện trước thứ năm") == [("phát", "trước thứ năm")]
    people = ("Đoàn Thị Nhung",)
    assert _read("Chị Nhung bên kế hoạch gửi lại bảng giá trước thứ Sáu.", people) == [
        ("Đoàn Thị Nhung", "trước thứ Sáu")
    ]
    (task,) = read_tasks("Chị Nhung bên kế hoạch gửi lại bảng giá trước thứ Sáu.", held=HELD, people=people)
    assert task.action == "gửi lại bảng giá"


def test_a_period_of_work_yields_to_the_deadline_after_it() -> None:
    said = find_deadline("Tổ bảo vệ trực từ 25 Tết đến hết mùng 8, lập danh sách gửi tôi trước thứ Hai tuần sau.")
    assert said is not None and said.text == "trước thứ Hai tuần sau"
    said = find_deadline("Anh Vũ bố trí xe từ ngày 3 đến ngày 9 tháng 4, báo cáo trước ngày 20 tháng này.", held=HELD)
    assert said is not None and said.text == "trước ngày 20 tháng này"
    alone = find_deadline("Đội 2 tuần tra từ ngày 3 đến hết ngày 9 tháng 4.", held=HELD)
    assert alone is not None  # a period alone is still all there is to say when


def test_this_quarter_or_month_after_at_the_latest() -> None:
    said = find_deadline("Phòng Hành chính nộp báo cáo chậm nhất cuối quý này.")
    assert said is not None and said.text == "chậm nhất cuối quý này"
    said = find_deadline("xong muộn nhất cuối tháng này nha")
    assert said is not None and said.text == "muộn nhất cuối tháng này"


def test_one_deadline_said_for_both_orders_after_the_second() -> None:
    text = "Phòng Nội vụ rà soát biên chế, còn Phòng Tài chính cân đối kinh phí, cả hai việc xong trong tháng 4."
    assert _read(text) == [("Phòng Nội vụ", "trong tháng 4"), ("Phòng Tài chính", "trong tháng 4")]
    own = "Phòng Nội vụ rà soát biên chế, còn Phòng Tài chính cân đối kinh phí trong tháng 4."
    assert _read(own) == [("Phòng Nội vụ", None), ("Phòng Tài chính", "trong tháng 4")]


def test_provincial_youth_unions_are_bodies() -> None:
    assert _read(
        "Thành đoàn chủ trì, phối hợp Hội Sinh viên tổ chức ngày hội Xuân tình nguyện trước Tết.", ("Hà Thị Xuân",)
    ) == [("Thành đoàn", "trước Tết")]


def test_what_a_speaker_thinks_orders_nobody() -> None:
    assert _read("Chuyện giữ xe thì do ban quản lý, em thấy không cần đưa ra biểu quyết.") == []
    assert _read("Việc sửa mái thì anh nghĩ chưa gấp đâu.") == []
    assert _read("Anh Hùng kiểm tra đường ống, thấy hư thì sửa trong tuần này.") == [("Hùng", "trong tuần này")]


def test_a_body_named_in_an_absent_persons_title_ends_before_why_they_are_away() -> None:
    said = "Đồng chí Giàng A Páo, Phó Giám đốc Sở Y tế đi công tác. Đồng chí Lò Văn Tú, Giám đốc Trung tâm Y tế vắng."
    assert bodies([Segment(id=0, start=0.0, end=5.0, text=said)]) == ["Sở Y tế", "Trung tâm Y tế"]


def test_a_unit_said_again_as_the_person_it_is() -> None:
    assert _read("Phòng Hành chính tức là anh Khoa chuẩn bị hội trường trước ngày 25.") == [("Khoa", "trước ngày 25")]
    assert _read("bộ phận văn thư tức là chị hoa gửi giấy mời trước thứ sáu") == [("hoa", "trước thứ sáu")]


def test_what_someone_said_and_a_report_asked_now_order_nobody() -> None:
    people = ("Trần Văn Khoa", "Lê Thị Nhung")
    assert _read("giá mới áp dụng từ vụ tới kèm điều kiện như anh khoa với chị nhung nói", people) == []
    assert _read("thôi mình qua chuyện công nợ anh khoa báo cáo đi", people) == []
    assert _read("Anh Khoa báo cáo Ủy ban trước ngày 30.", people) == [("Trần Văn Khoa", "trước ngày 30")]


def test_a_standing_body_keeps_its_lower_case_words() -> None:
    assert _read("Thường trực Ban Chỉ đạo rà soát chỉ tiêu trước ngày 31/3.") == [
        ("Thường trực Ban Chỉ đạo", "trước ngày 31/3")
    ]
    assert _read("Công chức tư pháp Đỗ Văn Lâm rà soát hồ sơ trước ngày 31/3.") == [("Đỗ Văn Lâm", "trước ngày 31/3")]
