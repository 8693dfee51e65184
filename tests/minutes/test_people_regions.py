"""Chairs and attendees in wordings of every region and people: Highland names of two words, Khmer clergy, answers to
a call, openings and presiding said in many ways, and people only talked about (pupils, applicants, callers)."""

from __future__ import annotations

import pytest

from core.transcript import Segment
from minutes.participants import attendees, chairing, is_name, spoken_names


def _segments(turns: list[tuple[str, str]]) -> list[Segment]:
    return [Segment(id=i, start=i * 10.0, end=i * 10.0 + 8, text=t, speaker=s) for i, (s, t) in enumerate(turns)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("dạ em là nay h'bia tổ trưởng tổ phụ nữ buôn", ["Nay H'Bia"]),
        ("xin mời ông rmah dơk chủ tịch ủy ban xã", ["Rmah Dơk"]),
        ("có chị h'yến niê bên y tế và anh y bhin byă bên công an", ["H'Yến Niê", "Y Bhin Byă"]),
        ("điểm danh có anh ksor đen tổ phó chị h'ăt mlô anh y sai niê chị rcom h'nga", ["Ksor Đen", "H'Ăt Mlô"]),
        ("tôi y đoan niê nói thêm chuyện cà phê", ["Y Đoan Niê"]),
        ("tui là danh sươl thanh niên ấp tui đề nghị", ["Danh Sươl"]),
        ("có đại đức lý chanh đa trụ trì chùa với ông acha sơn sà ry phó ban", ["Lý Chanh Đa", "Sơn Sà Ry"]),
        ("có lục cả kim sang bên chùa xuống dự", ["Kim Sang"]),
        ("anh a thút trưởng thôn đăk tơ kan", ["A Thút"]),
        ("dạ em ngô thị lan anh em xin trình bày", ["Ngô Thị Lan Anh"]),
        ("mời anh đặng văn tới chủ tịch xã", ["Đặng Văn Tới"]),
        ("cho tui nói chút ông văn định chủ tịch xã hải phú đây", ["Ông Văn Định"]),
        ("tôi nguyễn văn hậu nhà tôi trồng hai sào tiêu", ["Nguyễn Văn Hậu"]),
        ("chị sơn thị sà rương thủ quỹ mở sổ thu tiền", ["Sơn Thị Sà Rương"]),
        ("tui kim thị sa vy chi hội phụ nữ xin nói", ["Kim Thị Sa Vy"]),
        ("tôi là y kông mlô già làng xin nói", ["Y Kông Mlô"]),
    ],
)
def test_names_of_every_people_in_lower_case(text: str, names: list[str]) -> None:
    assert spoken_names(text)[: len(names)] == names


@pytest.mark.parametrize(
    "text",
    [
        "dạ em lấy mẫu nước ở ấp kênh năm",  # a verb after the pronoun
        "tui xuống từng vườn ở ấp ba coi nhật ký",
        "xã em nợ chủ yếu là nhà văn hóa",
        "tôi đề nghị anh kiểm tra lại hồ sơ",
        "chị nộp báo cáo trước thứ sáu",
        "bình với anh chính hoàn thiện biên bản khối lượng",  # the run ends inside "biên bản"
        "chị h'lina vận động chị em phụ nữ buôn",  # a given name, then a verb
        "dạ thưa chủ tọa tôi là a ma pui đại diện buôn",  # a teknonym
    ],
)
def test_no_name_in_ordinary_phrases(text: str) -> None:
    assert spoken_names(text) == []


def test_highland_names_are_no_phrase_of_the_language() -> None:
    assert is_name("Ksor Phơi") and not is_name("Ama H'Ruê") and not is_name("a ma pui")


OPENINGS = [
    "tôi là lê văn tùng trưởng ấp xin được khai mạc buổi họp dân",
    "tôi là lê văn tùng trưởng ấp xin phép được khai mạc",
    "tôi là lê văn tùng trưởng ấp mình bắt đầu họp nghen",
    "tôi là lê văn tùng trưởng ấp hôm nay tôi điều hành cuộc họp",
    "tôi lê văn tùng trưởng ấp xin mở đầu cuộc họp",
    "chủ trì cuộc họp là tôi lê văn tùng trưởng ấp",
    "bà con ngồi xuống đi tui là lê văn tùng trưởng ấp tui chủ trì",
    "Tôi là Lê Văn Tùng, Trưởng ấp. Cuộc họp xin được bắt đầu.",
    "Tôi là Lê Văn Tùng, Trưởng ấp. Bây giờ chúng ta bắt đầu.",
    "Tôi là Lê Văn Tùng, Trưởng ấp. Hôm nay tôi sẽ chủ trì cuộc họp này.",
    "Được Thường trực phân công, tôi là Lê Văn Tùng điều hành phiên thảo luận.",
    "tôi lê văn tùng trưởng ấp xin mời bà con mình vô họp",
]


@pytest.mark.parametrize("opening", OPENINGS)
def test_openings_in_many_wordings_name_the_chair(opening: str) -> None:
    turns = [("Người nói 1", opening), ("Người nói 2", "dạ em báo cáo tình hình ấp")]
    assert chairing(_segments(turns), None).names == ["Lê Văn Tùng"]


def test_who_runs_a_company_presides_no_meeting() -> None:
    turns = [("Người nói 1", "hồi đó tôi điều hành công ty"), ("Người nói 2", "dạ")]
    assert chairing(_segments(turns), None).names == []


HANDOVERS = [
    "tôi có việc phải đi mời chị bế thị lan chủ trì tiếp",
    "phần thảo luận tôi giao cho đồng chí bế thị lan phó chủ tịch điều khiển",
    "tôi xin giao lại quyền chủ tọa cho chị bế thị lan",
    "tôi xin phép về trước đồng chí bế thị lan thay tôi điều hành",
]


@pytest.mark.parametrize("handover", HANDOVERS)
def test_handovers_in_many_wordings(handover: str) -> None:
    turns = [
        ("Người nói 1", "tôi là hoàng văn phú chủ tịch xã tôi xin khai mạc"),
        ("Người nói 1", handover),
        ("Người nói 2", "cảm ơn anh mời các đại biểu cho ý kiến"),
    ]
    assert chairing(_segments(turns), None).names == ["Hoàng Văn Phú", "Bế Thị Lan"]


def test_a_chair_labelled_by_title_is_the_one_the_roll_gives_that_title() -> None:
    turns = [
        ("Chủ tịch HĐQT", "Tôi tuyên bố khai mạc phiên họp."),
        ("Thư ký", "Có mặt: ông Đỗ Văn Khải, Chủ tịch; bà Lê Thị Mận, Phó Chủ tịch; ông Hồ Văn Lâm."),
        ("Chủ tịch HĐQT", "Tôi xin mời bà Lê Thị Mận, Phó Chủ tịch, chủ tọa phần còn lại."),
        ("Phó Chủ tịch HĐQT", "Cảm ơn anh. Mời anh Lâm trình bày."),
    ]
    assert chairing(_segments(turns), None).names == ["Đỗ Văn Khải", "Lê Thị Mận"]


def test_the_chair_and_an_answer_to_a_call() -> None:
    turns = [
        ("Người nói 1", "tôi là lò văn sơn hiệu trưởng xin khai mạc còn bếp ăn sao rồi khoa"),
        ("Người nói 2", "dạ hà minh khoa bếp ăn tháng này đủ gạo"),
    ]
    assert attendees(_segments(turns)) == ["Lò Văn Sơn", "Hà Minh Khoa"]


@pytest.mark.parametrize(
    "said",
    [
        "dạ em sùng thị mai chủ nhiệm lớp tám báo cáo em vàng thị dợ lớp tám đã bỏ học",
        "hôm qua anh trần văn bình bên điện lực có gọi điện cho tôi nói tuần sau cắt điện",
        "bản tôi có ông đinh văn phẳng bị tai nạn gãy chân nhà khó khăn",
        "theo ý kiến ông hoàng văn cường chủ tịch huyện thì làm trước",
        "vắng mặt có chị nông thị huệ đi tập huấn",
    ],
)
def test_people_talked_about_attend_not(said: str) -> None:
    turns = [("Người nói 1", "tôi là lò văn sơn hiệu trưởng xin khai mạc"), ("Người nói 2", said)]
    assert set(attendees(_segments(turns))) <= {"Lò Văn Sơn", "Sùng Thị Mai"}


def test_applicants_listed_and_pupils_counted_attend_not() -> None:
    turns = [
        ("Phạm Thu Hà", "Văn phòng nhận được hai hồ sơ: ông Tạ Văn Long và bà Chu Thị Nga."),
        ("Lý Văn Bình", "Có 12 em về quê ăn Tết, còn 2 em chưa quay lại là em Sùng A Dơ lớp 6A và em Mùa Thị Chi."),
        ("Lý Văn Bình", "Tôi thống nhất, có điều em Hầu A Pó còn nhỏ."),
    ]
    assert attendees(_segments(turns)) == ["Phạm Thu Hà", "Lý Văn Bình"]


@pytest.mark.parametrize(
    ("roll", "names"),
    [
        (
            "Tham dự có: Đỗ Văn Khải, Phó Chủ tịch; Lê Thị Mận, kế toán; Hồ Văn Lâm.",
            ["Đỗ Văn Khải", "Lê Thị Mận", "Hồ Văn Lâm"],
        ),
        ("Có mặt Y Khoa Niê, H'Nhi Êban và Ksor Nhất.", ["Y Khoa Niê", "H'Nhi Êban", "Ksor Nhất"]),
        ("Thành phần gồm các thành viên: Đỗ Văn Khải và Lê Thị Mận.", ["Đỗ Văn Khải", "Lê Thị Mận"]),
        ("có mặt các bác: Hoàng A Tủa, Giàng Seo Phử, Vàng Thị Mai.", ["Hoàng A Tủa", "Giàng Seo Phử", "Vàng Thị Mai"]),
    ],
)
def test_rolls_headed_by_attendance_list_each_name_once(roll: str, names: list[str]) -> None:
    assert spoken_names(roll) == names
