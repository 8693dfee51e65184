"""Chairs and attendees by the grammar of openings, invitations, handovers and introductions (issue 15, round h16p):
each rule with sentences of its own, none taken from a meeting of the set."""

from __future__ import annotations

from benchmarks.minutes_people import read_people
from minutes.participants import attendees, spoken_names
from tests.minutes.test_participants import _transcript


def _people(turns: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    found = read_people(turns)
    return found["chair"], found["attendees"]


def test_a_lower_case_name_ends_at_the_unit_the_speaker_names_next() -> None:
    assert spoken_names("dạ em hầu văn khải bộ phận một cửa báo cáo") == ["Hầu Văn Khải"]
    assert spoken_names("em ninh đức lượng tổ kỹ thuật xin nhận") == ["Ninh Đức Lượng"]
    assert spoken_names("anh lạc minh tú bên thuế về dự") == ["Lạc Minh Tú"]
    assert spoken_names("chị vi thị ngọc hân công chức văn hóa xã") == ["Vi Thị Ngọc Hân"]
    assert spoken_names("dạ em bế thị hồng nhung tháng này trạm tiêm được") == ["Bế Thị Hồng Nhung"]
    assert spoken_names("có cô ma thị la thầy giàng a sử với mấy thầy cô") == ["Ma Thị La", "Giàng A Sử"]


def test_phrases_are_no_names() -> None:
    assert spoken_names("dạ em xác nhận hồ sơ xong rồi") == []  # pyvi: "xác_nhận" is one word
    assert spoken_names("em tiếp nhận đơn thư là chính") == []
    assert spoken_names("trưa ni tui ghé qua") == []  # the Central pronoun
    assert spoken_names("o hiền đếm giùm") == []  # a particle
    assert spoken_names("anh phần thứ hai là") == []  # an ordinal
    assert spoken_names("o lục thị hoa phụ trách văn thư") == ["Lục Thị Hoa"]  # Central "o" introduces


def test_the_elders_honorifics_introduce_people_present() -> None:
    chair, present = _people(
        [
            ("Người nói 1", "tôi hầu văn khải chi hội trưởng xin khai mạc"),
            ("Người nói 1", "mời cụ ninh văn tuế cho ý kiến trước"),
            ("Người nói 2", "cảm ơn chi hội tôi đồng ý"),
            ("Người nói 1", "mời bác lạc thị nguyệt"),
        ]
    )
    assert chair == ["Hầu Văn Khải"] and present == ["Hầu Văn Khải", "Ninh Văn Tuế", "Lạc Thị Nguyệt"]


def test_people_talked_about_after_a_roll_or_a_possession() -> None:
    said = [
        ("Hầu Văn Khải", "Có mặt 11 trên 12 thành viên, vắng đồng chí Ninh Văn Tuế đi học lớp chính trị."),
        ("Hầu Văn Khải", "Đơn của công ty bà Lạc Thị Nguyệt đã chuyển sang phòng."),
        ("Vi Thị Hân", "Năm nay có 6 hộ nghèo, trong đó có cụ Ma Văn Sếnh ở bản Phiêng."),
    ]
    assert attendees(_transcript(said).segments) == ["Hầu Văn Khải", "Vi Thị Hân"]


def test_a_speaker_given_the_chair_in_the_passive_presides() -> None:
    chair, _ = _people(
        [
            ("Hầu Văn Khải", "Hôm nay tôi được đồng chí Giám đốc phân công chủ trì buổi giao ban."),
            ("Ninh Đức Lượng", "Tôi xin báo cáo tiến độ."),
        ]
    )
    assert chair == ["Hầu Văn Khải"]


def test_a_chair_invited_by_title_alone_is_the_one_introduced_with_it() -> None:
    chair, _ = _people(
        [
            ("Người nói 1", "kính thưa đồng chí hầu văn khải giám đốc sở kính thưa các vị đại biểu"),
            ("Người nói 1", "xin trân trọng kính mời đồng chí giám đốc sở phát biểu khai mạc"),
            ("Người nói 2", "cảm ơn các đồng chí chúng ta vào việc luôn"),
        ]
    )
    assert chair == ["Hầu Văn Khải"]


def test_the_chair_given_back_named_in_a_roll_or_listed_as_a_presiding_body() -> None:
    handed = [
        ("Hầu Văn Khải", "Tôi xin tuyên bố khai mạc."),
        ("Hầu Văn Khải", "Tôi có việc gấp, xin chuyển lại quyền điều hành cho đồng chí Ninh Đức Lượng."),
        ("Ninh Đức Lượng", "Cảm ơn đồng chí. Ta tiếp tục."),
    ]
    assert _people(handed)[0] == ["Hầu Văn Khải", "Ninh Đức Lượng"]
    roll = [
        (
            "Người nói 1",
            "dự hội nghị có đồng chí hầu văn khải phó chủ tịch chủ trì có đồng chí lạc minh tú trưởng phòng",
        ),
        ("Người nói 2", "cảm ơn các đồng chí tôi xin khai mạc"),
    ]
    assert _people(roll)[0] == ["Hầu Văn Khải"]
    listed = [
        ("Người nói 1", "Đại hội đã biểu quyết Đoàn chủ tọa gồm ông Hầu Văn Khải và bà Vi Thị Hân."),
        ("Hầu Văn Khải", "Thay mặt Đoàn chủ tọa, xin cảm ơn đại hội."),
    ]
    assert _people(listed)[0] == ["Hầu Văn Khải", "Vi Thị Hân"]
    named_after = [
        ("Người nói 1", "thưa quý cổ đông chủ tọa đại hội gồm ông hầu văn khải chủ tịch hội đồng quản trị"),
        ("Người nói 2", "xin cảm ơn chúng ta bắt đầu"),
    ]
    assert _people(named_after)[0] == ["Hầu Văn Khải"]


def test_ranks_and_clerics_introduce_names() -> None:
    said = "tham dự có thượng tọa thích quảng đức thành phó ban trị sự trung tá hầu văn khải phó trưởng công an"
    assert spoken_names(said) == ["Thích Quảng Đức Thành", "Hầu Văn Khải"]
    assert spoken_names("xin kính mời đồng chí đại úy ninh đức lượng đội trưởng") == ["Ninh Đức Lượng"]


def test_a_speaker_who_ran_the_meeting_and_hands_over_is_no_master_of_ceremonies() -> None:
    chair, _ = _people(
        [
            ("Hầu Văn Khải", "Đã đủ thành phần, chúng ta bắt đầu phiên họp."),
            ("Hầu Văn Khải", "Mời cô Vi Thị Hân báo cáo."),
            ("Vi Thị Hân", "Tôi xin báo cáo tình hình."),
            ("Hầu Văn Khải", "Tôi phải đi họp, cô Ngọc Hân, Phó Chủ tịch, điều hành tiếp phần còn lại."),
            ("Lạc Ngọc Hân", "Vâng, xin mời các thành viên."),
        ]
    )
    assert chair == ["Hầu Văn Khải", "Lạc Ngọc Hân"]


def test_a_secretary_who_asks_to_sit_so_that_we_begin_does_not_open() -> None:
    chair, _ = _people(
        [
            ("Vi Thị Hân", "Đề nghị các đại biểu ổn định chỗ ngồi để chúng ta bắt đầu phiên họp."),
            ("Vi Thị Hân", "Xin kính mời ông Hầu Văn Khải, Chủ tịch Hội đồng, chủ trì phiên họp."),
            ("Hầu Văn Khải", "Cảm ơn. Tôi tuyên bố khai mạc."),
        ]
    )
    assert chair == ["Hầu Văn Khải"]


def test_the_absent_listed_after_a_colon_or_away_on_business() -> None:
    said = [
        ("Vi Thị Hân", "Vắng hai: anh Ninh Đức Lượng đi học lớp bồi dưỡng, chị Ma Thị La nghỉ chế độ."),
        ("Vi Thị Hân", "Đồng chí Lạc Minh Tú báo bận đột xuất."),
        ("Hầu Văn Khải", "Mời chị Giáp Thị Nụ."),
    ]
    assert attendees(_transcript(said).segments) == ["Vi Thị Hân", "Hầu Văn Khải", "Giáp Thị Nụ"]


def test_a_given_name_of_a_longer_name_is_that_person_with_its_tones() -> None:
    said = [
        ("Hầu Văn Khải", "Mời cô Tôn Nữ Ngọc Hân trình bày. Cảm ơn cô Ngọc Hân."),
        ("Hầu Văn Khải", "có chị lê thị lệ và anh lệ văn lê về dự"),
        ("Hầu Văn Khải", "dạ em thạch thị sa rinh phòng kế hoạch ạ chị sa rinh nhận nhé"),
    ]
    assert attendees(_transcript(said).segments) == [
        "Hầu Văn Khải",
        "Tôn Nữ Ngọc Hân",
        "Lê Thị Lệ",
        "Lệ Văn Lê",
        "Thạch Thị Sa Rinh",
    ]


def test_presence_far_after_an_absent_name_in_an_unpunctuated_turn_is_someone_elses() -> None:
    said = [
        ("Người nói 1", "anh lạc minh tú phó giám đốc phụ trách mảng này đi họp ở tỉnh nên anh ấy giao tôi chủ trì"),
        ("Người nói 1", "mời chị vi thị hân báo cáo"),
    ]
    chair, present = _people(said)
    assert present == ["Vi Thị Hân"] and chair == []


def test_the_chair_named_in_a_roll_after_the_verb_without_a_copula() -> None:
    said = [
        ("Người nói 1", "chủ trì hội nghị đồng chí hầu văn khải phó chủ tịch huyện cùng dự có đồng chí vi thị hân"),
        ("Người nói 2", "cảm ơn các đồng chí tôi xin khai mạc"),
    ]
    assert _people(said) == (["Hầu Văn Khải"], ["Hầu Văn Khải", "Vi Thị Hân"])


def test_a_delegation_or_a_unit_pyvi_joins_ends_a_name() -> None:
    assert spoken_names("xin mời đại biểu hầu văn khải đoàn cao bằng phát biểu") == ["Hầu Văn Khải"]
    assert spoken_names("tôi ninh văn lượng chi đoàn thanh niên xin nhận") == ["Ninh Văn Lượng"]


def test_the_chair_named_by_title_alone_attends() -> None:
    said = [
        ("Người nói 1", "thưa quốc hội phiên họp chiều nay do phó chủ tịch quốc hội hầu văn khải điều hành"),
        ("Người nói 2", "xin mời đại biểu vi thị hân đoàn lạng sơn"),
        ("Người nói 3", "tôi xin góp ý"),
    ]
    assert _people(said) == (["Hầu Văn Khải"], ["Vi Thị Hân", "Hầu Văn Khải"])


def test_where_every_speaker_is_named_a_silent_person_attends_only_if_said_present() -> None:
    said = [
        ("Hầu Văn Khải", "Dự họp có chị Vi Thị Hân, kế toán. Mời anh Ninh Đức Lượng báo cáo."),
        ("Ninh Đức Lượng", "Hồ sơ số 5, anh Lạc Minh Tú ở thôn Nà Lầu, xin vay 40 triệu."),
        ("Ninh Đức Lượng", "Ông Ma Văn Sếnh, trưởng thôn, có nói: hộ này làm ăn được."),
    ]
    assert attendees(_transcript(said).segments) == ["Hầu Văn Khải", "Vi Thị Hân", "Ninh Đức Lượng"]
    anonymous = [(f"Người nói {i}", text) for i, (_, text) in enumerate(said, 1)]
    assert "Lạc Minh Tú" in attendees(_transcript(anonymous).segments)  # no speaker named: nothing to go by


def test_young_people_counted_are_no_names() -> None:
    assert spoken_names("có ba em học cao đẳng xin tạm hoãn và hai em cận thị nặng") == []
    assert spoken_names("có mặt mười hai anh hầu văn khải bên thuế") == ["Hầu Văn Khải"]


# Round h17p: openings, handovers and introductions written from the conventions' grammar alone.


def test_the_speaker_named_between_commas_or_after_their_title() -> None:
    assert spoken_names("Tôi, Lò Văn Pọm, Bí thư Đảng ủy xã, xin tuyên bố khai mạc.") == ["Lò Văn Pọm"]
    assert spoken_names("Tôi, Chủ tịch Hội Cựu chiến binh xã, Đàm Văn Khuê, xin khai mạc.") == ["Đàm Văn Khuê"]
    assert spoken_names("thưa các đồng chí tôi chủ tịch hội cựu chiến binh xã đàm văn khuê xin khai mạc") == [
        "Đàm Văn Khuê"
    ]
    assert spoken_names("tôi bí thư chi bộ hờ a páo xin khai mạc") == ["Hờ A Páo"]
    assert spoken_names("nè tui tên là danh thị sa rết phó chủ tịch xã") == ["Danh Thị Sa Rết"]
    assert spoken_names("tôi trạm trưởng trạm bơm cầu xe xin báo cáo") == []  # a place after the title
    assert spoken_names("tôi phó giám đốc trung tâm y tế huyện xin báo cáo") == []


def test_another_named_after_their_title_never_a_place() -> None:
    said = "Dự họp có đồng chí Bí thư Đảng ủy Lò Văn Hặc và đồng chí Chủ tịch Hội Nông dân Lù Thị Dín."
    assert spoken_names(said) == ["Lò Văn Hặc", "Lù Thị Dín"]
    assert spoken_names("Mời đồng chí Giám đốc Sở Tài nguyên và Môi trường Lò Văn Hặc.") == ["Lò Văn Hặc"]
    assert spoken_names("Mời đồng chí Chủ tịch UBND tỉnh Lào Cai Trịnh Xuân Trường.") == ["Trịnh Xuân Trường"]
    assert spoken_names("Mời đồng chí Chủ tịch UBND huyện Mù Cang Chải phát biểu.") == []
    assert spoken_names("Mời đồng chí Bí thư Đảng ủy xã Sùng Seo Vàng phát biểu.") == ["Sùng Seo Vàng"]
    assert spoken_names("Thưa đồng chí Hà Văn Pản Chủ tịch UBND xã.") == ["Hà Văn Pản"]  # no comma before the title


def test_names_listed_after_a_plural_honorific() -> None:
    said = "Tham dự có các đồng chí: Hà Văn Pản, Chủ tịch xã; Lò Thị Ên và Lường Văn Chum, thôn Nà Lầu."
    assert spoken_names(said) == ["Hà Văn Pản", "Lò Thị Ên", "Lường Văn Chum"]
    assert spoken_names("Kính thưa các đồng chí Thường trực Huyện ủy, thưa các vị đại biểu.") == []


def test_central_highlands_names_keep_their_apostrophe() -> None:
    assert spoken_names("Mời chị Ka H'Yến, công chức văn hóa, báo cáo.") == ["Ka H'Yến"]
    assert spoken_names("Mời ông H'Hen Niê và bà Ksor H'Bliêng.") == ["H'Hen Niê", "Ksor H'Bliêng"]


def test_the_family_name_ong_in_lower_case() -> None:
    assert spoken_names("tôi ông thị lụa bí thư chi bộ xin khai mạc") == ["Ông Thị Lụa"]


def test_chairs_announced_in_a_programme_or_by_the_older_verb() -> None:
    colon = [
        ("Người nói 1", "Chủ trì hội nghị: đồng chí Mạc Văn Thiêm, Giám đốc Sở. Tham dự có đồng chí Âu Thị Lan."),
        ("Người nói 2", "Cảm ơn. Tôi tuyên bố khai mạc."),
    ]
    assert _people(colon) == (["Mạc Văn Thiêm"], ["Mạc Văn Thiêm", "Âu Thị Lan"])
    older = [
        ("Người nói 1", "Xin kính mời ông Lữ Văn Cầm, Chủ tịch Hội Nông dân xã, lên điều khiển hội nghị."),
        ("Người nói 2", "Cảm ơn. Mời bà con ngồi."),
    ]
    assert _people(older)[0] == ["Lữ Văn Cầm"]
    task = [
        ("Lục Văn Sinh", "Tôi tuyên bố khai mạc."),
        ("Lục Văn Sinh", "Giao chủ trì cho Phòng Tài chính, chủ trì: anh Triệu Văn Tòn."),
        ("Triệu Văn Tòn", "Tôi xin nhận."),
    ]
    assert _people(task)[0] == ["Lục Văn Sinh"]


def test_handovers_said_in_many_ways() -> None:
    opening = ("Khổng Văn Tài", "Tôi tuyên bố khai mạc.")
    taking = ("Ninh Thị Thoa", "Vâng, chúng ta tiếp tục.")
    for handing in (
        "Tôi có việc đột xuất, xin chuyển phần điều hành cho đồng chí Ninh Thị Thoa.",
        "Tôi xin trao quyền chủ tọa cho bà Ninh Thị Thoa.",
        "Tôi phải lên huyện, đồng chí Ninh Thị Thoa thay tôi điều hành.",
    ):
        assert _people([opening, ("Khổng Văn Tài", handing), taking])[0] == ["Khổng Văn Tài", "Ninh Thị Thoa"]
    spoken = [
        ("Người nói 1", "tôi khổng văn tài xin khai mạc"),
        ("Người nói 1", "giờ tôi phải đi họp đồng chí ninh thị thoa thay tôi điều hành tiếp"),
        ("Người nói 2", "vâng mời các đồng chí tiếp tục"),
    ]
    assert _people(spoken) == (["Khổng Văn Tài", "Ninh Thị Thoa"], ["Khổng Văn Tài", "Ninh Thị Thoa"])
    southern = [
        ("Người nói 1", "bữa nay tui lê văn út chủ trì nghen"),
        ("Người nói 1", "tui kẹt chút chuyện anh danh văn sơn điều hành giùm tui nghen"),
        ("Người nói 2", "dạ được rồi mình tiếp tục"),
    ]
    assert _people(southern)[0] == ["Lê Văn Út", "Danh Văn Sơn"]


def test_absence_denied_presence_and_a_relative_are_no_attendees() -> None:
    said = [
        ("Vàng A Sử", "Tôi xin khai mạc. Đồng chí Lầu Văn Chứ không về dự được vì ốm."),
        ("Vàng A Sử", "Cháu được giải là em Lầu Thị Dua, con anh Lầu Văn Chứ."),
        ("Vàng A Sử", "Mời đồng chí Hạng A Lềnh."),
    ]
    assert attendees(_transcript(said).segments) == ["Vàng A Sử", "Hạng A Lềnh"]


def test_co_chairs_invited_by_a_master_of_ceremonies_chair_with_whoever_opens() -> None:
    said = [
        ("Người nói 1", "Xin kính mời ông Rơ Châm Phiang và bà H'Bia Êban lên đồng chủ trì hội nghị."),
        ("Rơ Châm Phiang", "Cảm ơn. Tôi tuyên bố khai mạc."),
        ("Rơ Châm Phiang", "Mời anh Lò Văn Pọm báo cáo."),
        ("Lò Văn Pọm", "Tôi báo cáo."),
    ]
    assert sorted(_people(said)[0]) == ["H'Bia Êban", "Rơ Châm Phiang"]


def test_the_part_named_first_or_planned_in_the_sentence_that_gives_it() -> None:
    first = [
        ("Người nói 1", "tôi kiều văn sáng xin khai mạc"),
        ("Người nói 1", "phần tiếp theo tôi nhờ anh lò văn pọm trưởng bản chủ trì tôi về trước"),
        ("Người nói 2", "vâng mời bà con"),
    ]
    assert _people(first)[0] == ["Kiều Văn Sáng", "Lò Văn Pọm"]
    planned = [
        ("Người nói 1", "Xin kính mời ông Rơ Châm Phiang và bà H'Bia Êban lên đồng chủ trì hội nghị."),
        ("Rơ Châm Phiang", "Tôi tuyên bố khai mạc. Tôi điều hành phần đầu, bà H'Bia điều hành phần sau."),
        ("Người nói 1", "Tôi xin đọc báo cáo."),
    ]
    assert sorted(_people(planned)[0]) == ["H'Bia Êban", "Rơ Châm Phiang"]  # no chair to the reader


def test_roll_answers_and_absence_said_in_other_words() -> None:
    assert spoken_names("vâng lạc văn tùng đây ạ hồ sơ này") == ["Lạc Văn Tùng"]
    assert spoken_names("dạ hai mươi sáu hộ có mặt") == []
    assert spoken_names("dạ tụi em cần xã hỗ trợ thêm") == []
    assert spoken_names("dạ em chào các anh chị em là vi thị ngọt quê ở bắc kạn") == ["Vi Thị Ngọt"]
    assert spoken_names("em xin kính mời anh tống phước thành phó giám đốc sở") == ["Tống Phước Thành"]
    assert spoken_names("Có anh Hứa Văn Tài Nông trường Sông Bé.") == ["Hứa Văn Tài"]
    said = [
        ("Vàng A Sử", "Anh Lầu Văn Chứ đang đi kiểm tra rừng. Chị Lý Thị Dua đi chợ chưa về."),
        ("Vàng A Sử", "Ông Ma Văn Sếnh đang nằm viện. Mời đồng chí Hạng A Lềnh."),
    ]
    assert attendees(_transcript(said).segments) == ["Vàng A Sử", "Hạng A Lềnh"]
