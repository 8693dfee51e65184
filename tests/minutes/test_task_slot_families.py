"""Task slots of the e-h blind meetings' error families, in sentences of our own: a second object joined by "và" to
the object of a verb or preposition, a four-word name's given name said alone in cased text ("Hân", "Minh Thư", "Út
Lệ"), a bare honorific after the named party passing its deadline back, a person who only raised the matter, a final
"Nhì" that asks nothing, and deadlines said as a session ("ở phiên họp tháng sau"), "đúng hạn", an opening ceremony."""

from __future__ import annotations

from datetime import date

from minutes.cues import find_deadline
from minutes.slots import asks, read_tasks

_HELD = date(2025, 10, 6)
_PEOPLE = ["Trương Văn Khang", "Lê Thị Mơ", "Nguyễn Thị Bích Hân", "Đoàn Thị Minh Nguyệt", "Tạ Thị Kim Lụa"]


def _read(text: str) -> list[tuple[str, str | None]]:
    return [(t.assignee, t.deadline.text if t.deadline else None) for t in read_tasks(text, held=_HELD, people=_PEOPLE)]


def test_a_second_object_after_va_is_no_second_order() -> None:
    said = "Anh Khang chủ trì, phối hợp phòng Kế toán và Đoàn thanh niên, dọn kho trong tháng 11."
    assert _read(said) == [("Trương Văn Khang", "trong tháng 11")]
    said = "Chị Mơ làm việc với Sở Công Thương và Ngân hàng Chính sách về vốn vay trước ngày 20/10."
    assert _read(said) == [("Lê Thị Mơ", "trước ngày 20/10")]
    said = "nhờ chị mơ liên hệ trạm y tế và trường mầm non lo khám sức khỏe cho các cháu trong tuần sau"
    assert _read(said) == [("Lê Thị Mơ", "trong tuần sau")]
    # a subject after "và" still gives a second order
    said = "Phòng Kế toán công bố quyết toán và Phòng Hành chính lập danh sách trước ngày 5/11."
    assert [a for a, _ in _read(said)] == ["Phòng Kế toán", "Phòng Hành chính"]


def test_a_four_word_names_given_name_alone_in_cased_text() -> None:
    assert _read("Hân làm bảng lương mới trong tháng 11.") == [("Nguyễn Thị Bích Hân", "trong tháng 11")]
    assert _read("Minh Nguyệt gửi thư mời cho các đơn vị.") == [("Đoàn Thị Minh Nguyệt", None)]
    assert _read("Út Lụa làm phiếu chi, gửi kế toán trước thứ Sáu tuần này.")[0][0] == "Tạ Thị Kim Lụa"
    # a capitalised given name starting a longer name is a place: no person
    assert _read("Phòng Hành chính đặt xe đi Hân Giang trước ngày 10/10.") == [("Phòng Hành chính", "trước ngày 10/10")]


def test_a_bare_honorific_after_the_named_party_gives_its_deadline_back() -> None:
    said = "Hân làm tờ trình, chị duyệt gửi Ban Giám đốc trong ngày mai."
    assert _read(said) == [("Nguyễn Thị Bích Hân", "trong ngày mai")]


def test_who_raised_the_matter_is_no_party() -> None:
    said = "Chị Mơ tính lại dự toán, cộng cả khoản sửa mái anh Khang vừa nêu, gửi Ban trước ngày 15/10."
    assert _read(said) == [("Lê Thị Mơ", "trước ngày 15/10")]


def test_a_rank_or_a_river_ending_the_sentence_asks_nothing() -> None:
    assert not asks("Anh Khang chuẩn bị sân cho vòng loại, xong trước khi khai mạc giải hạng Nhì.")
    assert not asks("Đội tuần tra đi dọc bờ sông Hà.")
    assert asks("anh khang có lên kịp không")
    assert asks("chị mơ chuẩn bị xong rồi nhỉ")


def test_deadlines_said_as_a_session_a_due_day_or_an_opening() -> None:
    def said(text: str) -> str | None:
        found = find_deadline(text, held=_HELD)
        return found.text if found else None

    assert said("báo cáo kết quả ở phiên họp tháng 12") == "ở phiên họp tháng 12"
    assert said("trình lại tại cuộc họp Hội đồng quản trị tới") == "tại cuộc họp Hội đồng quản trị tới"
    assert said("báo cáo ở buổi giao ban tháng sau") == "ở buổi giao ban tháng sau"
    assert said("nộp hồ sơ đúng hạn 25/10") == "đúng hạn 25/10"
    assert find_deadline("nộp hồ sơ đúng hạn 25/10", held=_HELD).due == date(2025, 10, 25)  # type: ignore[union-attr]
    assert said("sửa lại phòng học trước khai giảng năm học mới") == "trước khai giảng năm học mới"
    assert said("ở phiên họp này chị Mơ nói rõ") is None


def test_a_club_and_orders_dictated_to_the_secretary() -> None:
    said = "Các câu lạc bộ phường gửi danh sách vận động viên về chị Mơ trước ngày 20/10."
    assert _read(said) == [("Các câu lạc bộ phường", "trước ngày 20/10")]
    said = "Anh Khang ghi lại: Tổ bảo vệ thay khóa cổng kho, xong trong tuần này."
    assert _read(said) == [("Tổ bảo vệ", "trong tuần này")]


def test_a_given_name_ending_a_place_is_no_person() -> None:
    people = ["Trương Văn Khang", "Sầm Văn Hòa"]
    said = "Anh Khang phối hợp với Ban quản lý chợ Tân Hòa kiểm tra các ki-ốt, báo cáo trong tuần sau."
    found = read_tasks(said, held=_HELD, people=people)
    assert [(t.assignee, t.deadline.text if t.deadline else None) for t in found] == [
        ("Trương Văn Khang", "trong tuần sau")
    ]
    assert [t.assignee for t in read_tasks("Còn Hòa lập danh sách trong tuần này.", people=people)] == ["Sầm Văn Hòa"]


def test_a_date_after_before_doing_something_is_the_deadline() -> None:
    said = "kiểm lại hàng trước khi đóng thùng cho khách nhớ làm xong trước thứ bảy tuần này"
    found = find_deadline(said, held=_HELD)
    assert found is not None and found.text == "trước thứ bảy tuần này" and found.due == date(2025, 10, 11)
    assert find_deadline("kiểm tra xe trước khi xuất bến", held=_HELD).text == "trước khi xuất bến"  # type: ignore[union-attr]


def test_spoken_given_names_of_four_word_names_and_the_party_of_a_thi_order() -> None:
    said = (
        "lụa làm bảng kê tiền thưởng gửi qua kế toán trước ngày hai mươi tháng mười một"
        " còn nguyệt thì chuyển khoản xong trước ngày năm tháng mười hai"
    )
    assert _read(said) == [
        ("Tạ Thị Kim Lụa", "trước ngày hai mươi tháng mười một"),
        ("Đoàn Thị Minh Nguyệt", "trước ngày năm tháng mười hai"),
    ]


def test_central_highlands_names_called_by_their_first_two_words() -> None:
    people = ["Y Brăm", "Ama Hoa", "Y Dlei Niê", "Trương Văn Khang"]

    def read(text: str) -> list[tuple[str, str | None]]:
        return [(t.assignee, t.deadline.text if t.deadline else None) for t in read_tasks(text, people=people)]

    assert read("vậy giao y brăm dọn lại nhà rông trong tuần này") == [("Y Brăm", "trong tuần này")]
    assert read("còn ama hoa thì chở khách ra bến xe") == [("Ama Hoa", None)]
    assert read("anh y dlei kiểm tra máy phát điện trong tuần sau") == [("Y Dlei Niê", "trong tuần sau")]
    assert read("trạm y tế cấp thuốc trong tuần này") == [("trạm y tế", "trong tuần này")]
