"""Chairs and attendees of families that the blind meetings e-h of issue 15 showed unread, in other words: a chair who
opens with a regional "ta bắt đầu" or only gives the floor, a title holding a verb of presiding, a handover said under a
condition; people listed as absent or as applicants, a name ended by a unit pyvi fuses, ages, counts and Central words
that are no names."""

from __future__ import annotations

from minutes.frame import chair_label
from minutes.generate import with_people
from minutes.model import MinutesMeta
from minutes.participants import attendees, chairing, opener, spoken_names
from tests.minutes.conftest import said, turns_of


def _chairs(turns: list[tuple[str, str]]) -> list[str]:
    transcript = said(turns)
    meta = with_people(transcript, MinutesMeta(), chair_label(transcript, MinutesMeta()))
    return [c.strip() for c in meta.chair.split(";") if c.strip()]


def _present(turns: list[tuple[str, str]]) -> list[str]:
    return attendees([s for s in turns_of(turns) if s.text.strip()])


def test_regional_beginnings_open_the_meeting() -> None:
    """ "chừ ta bắt đầu hỉ", "mình bắt đầu cho kịp" begin the meeting; "để ta bắt đầu" is only its purpose."""
    for text in ("Thôi chừ ta bắt đầu hỉ.", "đủ rồi đó mình bắt đầu cho kịp trưa còn về", "Giờ ta bắt đầu nghe."):
        segments = turns_of([("Người nói 1", "dạ chào các anh"), ("Người nói 2", text)])
        assert opener(segments) == "Người nói 2", text
    segments = turns_of([("Người nói 1", "mời các anh ngồi vào để ta bắt đầu.")])
    assert opener(segments) is None


def test_with_no_opening_the_chair_is_who_gives_the_floor_the_first_on_a_tie() -> None:
    """Nobody declares the meeting open: the one who gives the floor ("mời chị …") and asks for opinions chairs, not a
    secretary who reads the vote; on a tie, whoever spoke first."""
    turns = [
        ("Phạm Đình Lực", "Hôm nay ban họp bàn kế hoạch trồng cây."),
        ("Phạm Đình Lực", "Mời chị Yến nói về cây giống."),
        ("Lưu Thị Yến", "Dạ, giống đã về đủ 500 cây."),
        ("Phạm Đình Lực", "Tôi xin ý kiến các anh chị về phương án."),
        ("Đặng Văn Tùng", "Kết quả biểu quyết: 9 người đồng ý."),
    ]
    assert chair_label(said(turns), MinutesMeta()) == "Phạm Đình Lực"
    tie = [("Mạc Văn Sinh", "Mời anh Tùng đọc tờ trình."), ("Đặng Văn Tùng", "Xin mời các anh biểu quyết.")]
    assert chair_label(said(tie), MinutesMeta()) == "Mạc Văn Sinh"


def test_inviting_another_to_preside_is_no_sign_of_running_the_meeting() -> None:
    """A secretary who opens with the roll and "kính mời đồng chí Chủ tịch chủ trì" hands the meeting over: with no
    opening said, whoever then gives the floor chairs, however late they speak."""
    turns = [
        ("Thư ký", "Kính thưa các đồng chí, dự họp có đủ các thành viên. Kính mời đồng chí Chủ tịch điều hành."),
        ("Chủ tịch", "Cảm ơn. Sáng nay ta làm gọn."),
        ("Chủ tịch", "Mời anh Hòa báo cáo tình hình quỹ."),
        ("Thân Đức Hòa", "Dạ, quỹ còn 40 triệu."),
    ]
    assert chair_label(said(turns), MinutesMeta()) == "Chủ tịch"


def test_a_title_in_a_roll_or_a_lead_body_gives_no_chair() -> None:
    """ "chị X, Giám đốc điều hành;" is her title, "cơ quan chủ trì." a lead body; a title before the verb with its part
    named still gives the chair."""
    roll = (
        "Có mặt: tôi, Mạc Văn Sinh; chị Khổng Thị Lan, Giám đốc điều hành; anh Thân Đức Hòa, thành viên Ban điều hành."
    )
    turns = [("Mạc Văn Sinh", "Tôi xin khai mạc cuộc họp."), ("Mạc Văn Sinh", roll), ("Khổng Thị Lan", "Dạ.")]
    assert _chairs(turns) == ["Mạc Văn Sinh"]
    lead = [("Mạc Văn Sinh", "Tôi xin khai mạc."), ("Mạc Văn Sinh", "Sở Công Thương là cơ quan chủ trì."), ("B", "Dạ.")]
    assert _chairs(lead) == ["Mạc Văn Sinh"]
    given = "tôi phải đi xin mời đồng chí thân đức hòa phó giám đốc điều hành phần còn lại"
    segments = turns_of([("Người nói 1", "tôi xin khai mạc"), ("Người nói 1", given), ("Người nói 2", "vâng")])
    assert chairing(segments, "Người nói 1").names[-1] == "Thân Đức Hòa"


def test_a_handover_said_under_a_condition_is_not_yet_made() -> None:
    """ "nếu … thì chị X điều hành tiếp" hands nothing over; the handover said later does."""
    turns = [
        ("Người nói 1", "tui khổng văn sáng xin khai mạc"),
        ("Người nói 1", "nếu năm giờ chưa xong thì chị mỹ duyên điều hành tiếp nghen"),
        ("Người nói 2", "dạ em đàm văn lực báo cáo quỹ"),
        ("Người nói 1", "giờ tui phải đi tui giao chị đinh thị mỹ duyên điều hành phần còn lại nha"),
        ("Người nói 3", "dạ"),
    ]
    assert _chairs(turns) == ["Khổng Văn Sáng", "Đinh Thị Mỹ Duyên"]


def test_absent_lists_and_applicants_are_not_present() -> None:
    """ "vắng anh A bên …, anh B đi cơ sở" (no colon), "anh A … xin vắng, em kính mời anh C …", and applicants listed
    after a colon are talked about; whoever speaks attends."""
    turns = [
        ("Người nói 1", "tôi cù văn thịnh xin khai mạc"),
        ("Người nói 2", "dạ có mặt chín vắng anh lục văn hòa bên kiểm lâm đi họp, anh tạ quang vũ bên điện đi cơ sở."),
        ("Người nói 2", "anh kiều minh tâm phó giám đốc đang đi công tác xin vắng em kính mời anh thịnh chủ trì"),
        ("Người nói 2", "Có hai người nộp đơn: chị Mạc Thị Huyền, thợ may; và anh Ninh Văn Đạt, thợ mộc."),
    ]
    present = _present(turns)
    assert "Cù Văn Thịnh" in present
    for absent in ("Lục Văn Hòa", "Tạ Quang Vũ", "Kiều Minh Tâm", "Mạc Thị Huyền", "Ninh Văn Đạt"):
        assert absent not in present, absent


def test_ages_counts_central_words_and_units_are_no_names() -> None:
    """An age, a count, a phone call, Central "ni" and "rứa" are no name; a name ends at "quản đốc", at "đề xuất", and
    before a unit pyvi fuses ("văn phòng"), not inside a wrong fusion ("hà văn")."""
    for text in (
        "cháu anh sáu tuổi cháu em ba tuổi",
        "nhà tôi hai chục con bò mỗi ngày",
        "các anh đợi tôi nghe máy chút",
        "tui hứa mùa ni làm kỹ hơn",
        "chị rứa là đúng rồi",
    ):
        assert spoken_names(text) == [], text
    assert spoken_names("và em vương thị thu hà văn phòng ghi biên bản") == ["Vương Thị Thu Hà"]
    assert spoken_names("có anh điểu văn khánh quản đốc xưởng") == ["Điểu Văn Khánh"]
    assert spoken_names("cái bếp mà anh khánh đề xuất hai là") == []


def test_a_unit_or_an_acronym_after_the_name_ends_it() -> None:
    """A branch of trade ("ngành rau"), a workshop, a unit's head ("kho trưởng" fused by pyvi with the unit: "cửa hàng
    trưởng") or a role in capitals ("anh X IT") end the name, or show there was none."""
    assert spoken_names("dạ em lưu văn khải ngành rau em thấy được") == ["Lưu Văn Khải"]
    assert spoken_names("tôi nói với o lan cửa hàng trưởng ở đó rồi") == []
    assert spoken_names("Có anh Mạc Đình Quý IT và chị Lục Thị Hương kế toán.") == ["Mạc Đình Quý", "Lục Thị Hương"]
