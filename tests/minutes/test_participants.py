"""Chair and attendees read from the transcript when the meeting's metadata leaves them empty."""

from __future__ import annotations

from core.transcript import ModelRef, Segment, Transcript
from minutes.frame import chair_label
from minutes.generate import generate, with_people
from minutes.model import MinutesMeta
from minutes.participants import attendees, chairing, is_name, nicknames, opener, spoken_names, titles
from tests.minutes.conftest import turns_of


def _transcript(turns: list[tuple[str, str]]) -> Transcript:
    segments = [
        Segment(id=i, start=i * 10.0, end=i * 10.0 + 8, text=text, speaker=speaker)
        for i, (speaker, text) in enumerate(turns)
    ]
    return Transcript(model=ModelRef(engine="test", name="test"), segments=segments, duration=len(turns) * 10.0)


HANDOVER = _transcript(
    [
        ("Đặng Văn Thắng", "Có mặt 21 trên 23 đại biểu. Tôi tuyên bố khai mạc kỳ họp."),
        ("Đặng Văn Thắng", "Xin mời đồng chí Lý Thị Mai, Phó Chủ tịch Hội đồng nhân dân xã, điều hành phần thảo luận."),
        ("Lý Thị Mai", "Cảm ơn đồng chí Chủ tịch. Mời đại biểu Trương Văn Sáu."),
        ("Trương Văn Sáu", "Tôi đề nghị Ủy ban nhân dân xã làm rõ nguồn thu từ đất."),
        ("Lý Thị Mai", "Đề nghị Ủy ban nhân dân xã tập trung đấu giá quyền sử dụng đất, hoàn thành trước ngày 30/9."),
    ]
)
ASR = _transcript(
    [
        ("Người nói 2", "kính mời đồng chí nguyễn hữu phước chủ tịch hội đồng nhân dân xã chủ tọa kỳ họp"),
        ("Người nói 1", "hôm nay có mặt hai mươi đại biểu tôi tuyên bố khai mạc kỳ họp"),
        ("Người nói 1", "xin mời đồng chí trần văn kiên phó chủ tịch ủy ban nhân dân xã trình bày tờ trình"),
        ("Người nói 3", "ủy ban nhân dân xã trình điều chỉnh dự toán"),
        ("Người nói 1", "đồng chí kiên chỉ đạo nạo vét kênh xong trong tháng này"),
    ]
)


def test_names_are_a_family_name_and_more_never_a_title() -> None:
    assert is_name("Lý Thị Mai") and is_name("Nguyễn Hữu Phước")
    assert all(is_name(n) for n in ("Lã Văn Sơn", "Ninh Thị Hà", "Bế Quang Minh", "Kha Đức Toàn", "Phó Đức Nam"))
    assert not is_name("Người nói 1") and not is_name("Chánh Văn phòng") and not is_name("Mai")
    assert spoken_names("Mời đồng chí Lâm Văn Phúc, Trưởng phòng Tài chính – Kế hoạch.") == ["Lâm Văn Phúc"]
    assert spoken_names("Mời đồng chí Trưởng phòng Tài nguyên và Môi trường.") == []
    assert spoken_names("xin mời đồng chí trần văn kiên phó chủ tịch ủy ban") == ["Trần Văn Kiên"]
    assert spoken_names("mời đồng chí ngô thị thu trang chánh văn phòng") == ["Ngô Thị Thu Trang"]  # "thu" ≠ "thư ký"
    assert spoken_names("vâng em đoàn thị ngọc phó trưởng phòng") == ["Đoàn Thị Ngọc"]  # a family name, not a body
    assert spoken_names("mời đồng chí đoàn văn nghệ xã") == []


def test_the_chair_who_opens_hands_over_for_part_of_the_meeting() -> None:
    found = chairing(HANDOVER.segments, "Đặng Văn Thắng")
    assert found.names == ["Đặng Văn Thắng", "Lý Thị Mai"]
    assert found.presiding == ["Đặng Văn Thắng", "Đặng Văn Thắng", "Lý Thị Mai", "Lý Thị Mai", "Lý Thị Mai"]


def test_an_anonymous_chair_is_named_by_whoever_invites_them() -> None:
    found = chairing(ASR.segments, "Người nói 1")
    assert found.names == ["Nguyễn Hữu Phước"]
    assert set(found.presiding) == {"Người nói 1"}
    assert attendees(ASR.segments) == ["Nguyễn Hữu Phước", "Trần Văn Kiên"]  # "đồng chí kiên" is no new person


def test_generate_fills_only_what_the_meta_leaves_empty() -> None:
    minutes = generate(HANDOVER, MinutesMeta())
    assert minutes.chair == "Đặng Văn Thắng; Lý Thị Mai"
    assert minutes.attendees == ["Đặng Văn Thắng", "Lý Thị Mai", "Trương Văn Sáu"]
    tasks = [t for item in minutes.items for t in item.tasks]
    # the acting chair's request is an assignment: she presides from her first turn after the handover
    assert [(t.assignee, t.deadline) for t in tasks] == [("Ủy ban nhân dân xã", "trước ngày 30/9")]
    given = generate(HANDOVER, MinutesMeta(chair="Đặng Văn Thắng, Chủ tịch HĐND xã", attendees=["21/23 đại biểu"]))
    assert given.chair == "Đặng Văn Thắng, Chủ tịch HĐND xã" and given.attendees == ["21/23 đại biểu"]


def test_rare_family_names_and_no_phrases_taken_for_names() -> None:
    """No list of family names: rare ones are found, and ordinary lower-case phrases after "tôi" are not names."""
    assert spoken_names("Tôi là Hứa Thị Lan, đại diện giảng viên.") == ["Hứa Thị Lan"]
    assert spoken_names("tôi tòng thị ánh tôi thấy nhà bếp bán trú xuống cấp") == ["Tòng Thị Ánh"]
    assert spoken_names("tôi giàng a tính chủ tịch huyện mường tè") == ["Giàng A Tính"]
    assert spoken_names("tôi thấy nghề may tuyển thấp mấy năm liền") == []
    assert spoken_names("tôi phải đi họp huyện xin mời đồng chí hứa văn chung điều hành") == ["Hứa Văn Chung"]
    assert spoken_names("xin mời các vị đại biểu thảo luận") == []
    assert spoken_names("Mời đồng chí Chủ tịch Ủy ban nhân dân xã trả lời.") == []
    # lower case, no title or verb to end the name: a run whose second word is "văn" or "thị" is three words long
    assert spoken_names("em hứa thị yến bên khoa dược em xin nhận thêm việc") == ["Hứa Thị Yến"]
    assert spoken_names("tôi mã văn hùng cảnh sát khu vực khu hai") == ["Mã Văn Hùng"]
    assert spoken_names("trước hết bạn ninh thị hậu phó bí thư báo cáo nhanh") == ["Ninh Thị Hậu"]  # "bạn" introduces
    anonymous = _transcript(
        [
            ("Người nói 1", "tôi lò thị sen bí thư chi bộ xin khai mạc buổi sinh hoạt tôi tuyên bố khai mạc"),
            ("Người nói 2", "tháng chín nhà trường khai giảng đúng kế hoạch"),
        ]
    )
    assert chairing(anonymous.segments, "Người nói 1").names == ["Lò Thị Sen"]  # named by her own introduction


def test_titles_said_after_a_name_name_that_person() -> None:
    said = _transcript(
        [
            ("Bế Thị Quyên", "Tôi, Bế Thị Quyên, Giám đốc bệnh viện, chủ trì giao ban."),
            ("Đinh Công Tráng", "Tôi Đinh Công Tráng, kế toán trưởng. Nguồn thu quý III đạt 26 tỷ."),
            ("Người nói 3", "tôi khổng minh đức trưởng khoa nhi xin giải trình hai ca nhầm thuốc"),
            ("Người nói 4", "tôi hà thị mơ tổ trưởng tổ văn thấy nên thêm môn cờ vua"),
        ]
    ).segments
    assert titles(said) == {
        "giam doc benh vien": "Bế Thị Quyên",
        "ke toan truong": "Đinh Công Tráng",
        "truong khoa nhi": "Khổng Minh Đức",
        "to truong to van": "Hà Thị Mơ",
    }


def test_who_says_they_preside_chairs_when_no_one_declares_the_meeting_open() -> None:
    said = [
        ("Vương Thị Hằng", "Hộ kinh doanh chuyển sang tự kê khai có nhiều thắc mắc."),
        ("Phan Quốc Thái", "Chào các đồng chí. Tôi là Phan Quốc Thái, Chi cục trưởng, chủ trì."),
        ("Tống Văn Đức", "Tôi đề nghị Đội Kiểm tra chủ trì."),
    ]
    segments = turns_of(said)
    assert opener(segments) == "Phan Quốc Thái"
    assert opener(segments[2:]) is None  # asking another to preside
    spoken = "giao ban tháng mười một tôi sình văn páo hạt trưởng chủ trì"
    assert spoken_names(spoken) == ["Sình Văn Páo"]  # "hạt trưởng" is the title
    assert spoken_names("mời đồng chí ngô thị thu trang trưởng phòng nội vụ") == ["Ngô Thị Thu Trang"]
    assert spoken_names("tôi giàng a chu kiểm lâm địa bàn xuân thượng") == ["Giàng A Chu"]  # Hmong "A"


def test_lower_case_names_end_at_the_speakers_em_a_vocative_or_a_military_title() -> None:
    assert spoken_names("anh thắng ơi em trịnh minh quân em xin báo cáo thêm") == ["Trịnh Minh Quân"]
    assert spoken_names("tôi nguyễn đình hùng chỉ huy trưởng chủ trì cuộc họp") == ["Nguyễn Đình Hùng"]


def test_southern_birth_order_nicknames_are_no_full_name_and_name_the_attendee() -> None:
    """ "anh sáu Phước" is Lâm Văn Phước when his given name is said with it, and "anh sáu" alone later is him; a
    nickname is no full name ("Sáu Phước" is no attendee), and a birth order two people bear names no one."""
    said = _transcript(
        [
            ("Người nói 1", "tôi lâm văn phước tổ phó xin báo cáo"),
            ("Người nói 2", "tôi đỗ thị hồng xin nói thêm"),
            ("Người nói 1", "máy cày thì anh sáu phước sửa còn chị ba hồng lo giống"),
            ("Người nói 3", "tôi hà văn hồng chủ nhiệm"),
        ]
    ).segments
    assert not is_name("Sáu Phước") and not is_name("tư lộc") and is_name("Lâm Văn Phước")
    assert "Sáu Phước" not in attendees(said)
    people = ["Lâm Văn Phước", "Đỗ Thị Hồng", "Hà Văn Hồng"]
    assert nicknames(said, people) == {"sau phuoc": "Lâm Văn Phước", "sau": "Lâm Văn Phước"}


def test_given_names_that_fold_like_a_title_word_are_names_in_lower_case() -> None:
    """ "Trường" and "Phong" fold as "trưởng" and "phòng" do; only the title words end a lower-case name, and "<unit>
    trưởng" after three words is the title even before another unit ("trạm trưởng trạm bơm")."""
    assert spoken_names("tôi là đào xuân trường giám đốc xí nghiệp thủy lợi bắt đầu họp") == ["Đào Xuân Trường"]
    assert spoken_names("em tạ văn phong trạm trưởng trạm bơm cầu xe") == ["Tạ Văn Phong"]
    assert spoken_names("tôi nguyễn thị thanh tâm trưởng phòng kế hoạch") == ["Nguyễn Thị Thanh Tâm"]


def test_a_speaker_introduced_by_honorific_and_la_no_collective_and_no_name_cut_short() -> None:
    """ "chị là trần thị phương …" names the anonymous chair; "bà con cử tri" is everyone, no "Con Cử Tri"; "hà thị minh
    thu kỳ họp …" cut to three words is the same person as the four-word name said elsewhere."""
    meeting = _transcript(
        [
            ("Người nói 1", "các cô các thầy ơi mình bắt đầu nhé chị là trần thị phương tổ trưởng tổ bốn"),
            ("Người nói 1", "xin kính chào bà con cử tri mời đồng chí hà thị minh thu đại biểu quốc hội thông tin"),
            ("Người nói 2", "vâng thưa bà con tôi hà thị minh thu kỳ họp thứ mười dự kiến xem xét hai mươi ba luật"),
        ]
    )
    assert chairing(meeting.segments, "Người nói 1").names == ["Trần Thị Phương"]
    assert attendees(meeting.segments) == ["Trần Thị Phương", "Hà Thị Minh Thu"]


def test_a_role_ends_a_lower_case_name_and_a_given_name_then_words_is_no_new_person() -> None:
    """ "phụ huynh" ends "vũ đình khôi"; "chị nga hợp lý" is Lê Thị Nga, then "hợp lý" (sound), no "Nga Hợp Lý"."""
    meeting = _transcript(
        [
            ("Người nói 1", "em lê thị nga xin nhận ạ"),
            ("Người nói 2", "tôi vũ đình khôi phụ huynh lớp năm a cổng trường giờ tan học ùn tắc lắm"),
            ("Người nói 3", "ý kiến chị nga hợp lý ban thống nhất"),
        ]
    )
    assert attendees(meeting.segments) == ["Lê Thị Nga", "Vũ Đình Khôi"]


def _people(turns: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Chairs and attendees as the minutes read them when the metadata says nothing (`generate.with_people`)."""
    transcript = _transcript(turns)
    meta = with_people(transcript, MinutesMeta(), chair_label(transcript, MinutesMeta()))
    return [c.strip() for c in meta.chair.split(";") if c.strip()], meta.attendees


def test_a_chair_announced_by_someone_else_is_the_chair_and_the_announcer_is_not() -> None:
    chairs, _ = _people(
        [
            ("Lò Thị Mai", "Thưa các đồng chí, hôm nay đồng chí Vi Văn Sáng, Chủ tịch UBND xã, chủ trì cuộc họp."),
            ("Vi Văn Sáng", "Cảm ơn chị Mai. Chúng ta vào nội dung luôn."),
        ]
    )
    assert chairs == ["Vi Văn Sáng"]
    chairs, _ = _people(
        [
            (
                "Người nói 1",
                "kính thưa quốc hội phiên họp sáng nay do phó chủ tịch quốc hội nguyễn khắc định điều hành",
            ),
            ("Người nói 2", "xin mời đại biểu phát biểu"),
        ]
    )
    assert chairs == ["Nguyễn Khắc Định"]
    chairs, _ = _people(
        [
            ("Người nói 1", "xin trân trọng kính mời đồng chí đàm văn cử bí thư đảng ủy phát biểu khai mạc"),
            ("Người nói 2", "kính thưa các vị đại biểu tôi xin khai mạc kỳ họp"),
        ]
    )
    assert chairs == ["Đàm Văn Cử"]


def test_handovers_and_co_chairs_in_other_words() -> None:
    chairs, _ = _people(
        [
            ("Đỗ Văn Nam", "Tôi xin khai mạc phiên họp."),
            ("Đỗ Văn Nam", "Tôi xin nhường quyền điều hành cho đồng chí Hà Thị Bích, Phó Chủ tịch Quốc hội."),
            ("Hà Thị Bích", "Cảm ơn đồng chí. Chúng ta tiếp tục thảo luận."),
        ]
    )
    assert chairs == ["Đỗ Văn Nam", "Hà Thị Bích"]
    chairs, _ = _people(
        [
            ("Người nói 1", "tôi hồ văn hải giám đốc bưu điện huyện chủ trì giao ban"),
            ("Người nói 1", "tôi có việc đột xuất phần còn lại chị trần thị thơm phó giám đốc chủ trì giúp tôi"),
            ("Người nói 2", "vâng anh cứ đi ạ"),
        ]
    )
    assert chairs == ["Hồ Văn Hải", "Trần Thị Thơm"]
    chairs, _ = _people(
        [
            (
                "Nguyễn Thị Sửu",
                "Tôi xin khai mạc. Hôm nay tôi và đồng chí Lê Trường Lưu, Bí thư Tỉnh ủy, cùng chủ trì.",
            ),
            ("Lê Trường Lưu", "Cảm ơn đồng chí Sửu."),
        ]
    )
    assert chairs == ["Nguyễn Thị Sửu", "Lê Trường Lưu"]
    chairs, _ = _people(
        [
            ("Người nói 1", "Đoàn Chủ tịch kỳ họp gồm: đồng chí Hoàng Văn Thạch; đồng chí Lò Minh Tuấn."),
            ("Hoàng Văn Thạch", "Thay mặt Đoàn Chủ tịch, tôi tuyên bố khai mạc kỳ họp."),
        ]
    )
    assert chairs == ["Hoàng Văn Thạch", "Lò Minh Tuấn"]


def test_who_leads_a_task_or_presides_at_a_trial_does_not_take_the_chair() -> None:
    chairs, _ = _people(
        [
            ("Người nói 1", "tôi bạch văn thắng chủ tịch hội đồng khai mạc cuộc họp"),
            ("Người nói 1", "hai hộ chưa ký thì thôn với địa chính cùng xuống vận động anh quý chủ trì"),
            ("Người nói 2", "vâng em đi ngay"),
        ]
    )
    assert chairs == ["Bạch Văn Thắng"]
    chairs, _ = _people(
        [
            ("Bùi Đức Hậu", "Tôi chủ trì cuộc họp. Đồng chí Kiều Văn Sinh là thẩm phán chủ tọa phiên tòa, báo cáo."),
            ("Kiều Văn Sinh", "Vụ án dự kiến đưa ra xét xử ngày 20."),
        ]
    )
    assert chairs == ["Bùi Đức Hậu"]


def test_people_only_talked_about_are_not_present() -> None:
    _, present = _people(
        [
            (
                "Lê Thị Thanh",
                "Có mặt 23 trên 25 đại biểu; vắng đồng chí Phạm Văn Nhất và đồng chí Cù Thị Lan, có lý do.",
            ),
            ("Đinh Văn Thư", "Tôi tuyên bố khai mạc. Hộ ông Nguyễn Văn Tám ở thôn 3 chưa nhận tiền bồi thường."),
            ("Người nói 3", "Người bị hại là bà Trịnh Thị Lan, chủ tiệm. Đồng chí Lê Văn Sơn đi công tác."),
            ("Đinh Văn Thư", "Cuộc họp có đồng chí Hà Văn Bình tham dự. Mời đồng chí Hà Văn Bình phát biểu."),
        ]
    )
    assert present == ["Lê Thị Thanh", "Đinh Văn Thư", "Hà Văn Bình"]
    _, present = _people(
        [
            ("Người nói 1", "tôi đoàn văn lợi chánh án xin chủ trì cuộc họp"),
            ("Người nói 1", "vụ án ly hôn của anh phạm văn tâm và chị lê thị hòa chị nguyễn thị thoa báo cáo đi"),
        ]
    )
    assert present == ["Đoàn Văn Lợi", "Nguyễn Thị Thoa"]


def test_no_phrase_after_an_honorific_taken_for_a_name() -> None:
    assert spoken_names("cảm ơn anh ý kiến anh ghi nhận") == []
    assert spoken_names("hôm nay hợp tác xã họp các anh chị ngồi trật tự") == []
    assert spoken_names("mời chị bùi thị ngát đại biểu thôn đồng tâm phát biểu") == ["Bùi Thị Ngát"]
    assert spoken_names("đội em báo cáo phong trào kế hoạch nhỏ") == []
    assert spoken_names("Tuần sau thành phố sửa đường Ông Ích Khiêm, bà con để xe trong ngõ.") == []
    assert spoken_names("tôi tôn thất hiếu ở xóm trên tôi hỏi chuyện đường điện") == ["Tôn Thất Hiếu"]
    assert spoken_names("mời đồng chí cung văn lực chủ tịch hội") == ["Cung Văn Lực"]


def test_openings_and_handovers_in_northern_central_and_southern_speech() -> None:
    """ "tuyên bố bắt đầu buổi làm việc" opens like "khai mạc", so whoever hands over after it is a chair, not a master
    of ceremonies; Southern "tui" is the speaker, and a particle or the day ("nghen", "hí", "bữa nay") may close the
    sentence that gives or takes the chair."""
    cases = [
        (
            [
                ("Ninh Thị Loan", "Tôi tuyên bố bắt đầu buổi làm việc."),
                ("Ninh Thị Loan", "Tôi có việc đột xuất, phần kết luận tôi nhờ đồng chí Âu Văn Phúc chủ trì tiếp."),
                ("Âu Văn Phúc", "Dạ, tôi xin điều hành tiếp. Mời chị Diễm."),
            ],
            ["Ninh Thị Loan", "Âu Văn Phúc"],
        ),
        (
            [
                ("Hồ Văn Thành", "Rứa là đủ rồi, tôi xin khai mạc cuộc họp."),
                ("Hồ Văn Thành", "Chừ tôi phải lên huyện, phần sau tôi nhờ chị Phan Thị Lài điều hành giúp hí."),
                ("Phan Thị Lài", "Dạ, em xin điều hành tiếp. Mời anh Cường."),
            ],
            ["Hồ Văn Thành", "Phan Thị Lài"],
        ),
        (
            [
                ("Người nói 1", "tui võ văn tám xin khai mạc cuộc họp"),
                ("Người nói 1", "giờ tui phải đi gấp phần còn lại để anh nguyễn văn út chủ trì nghen"),
                ("Người nói 2", "dạ tui xin điều hành tiếp"),
            ],
            ["Võ Văn Tám", "Nguyễn Văn Út"],
        ),
        (
            [
                ("Người nói 1", "thôi bắt đầu họp nha bà con"),
                ("Người nói 1", "tui là lê văn sáu tổ trưởng tui chủ trì bữa nay"),
            ],
            ["Lê Văn Sáu"],
        ),
        (
            [
                ("Người nói 1", "mọi người ơi họp thôi cô mai hôm nay ghi biên bản"),
                ("Người nói 2", "cảm ơn cô mai tôi đào thị hằng xin bắt đầu"),
                ("Người nói 1", "em đinh thị mai thư ký em ghi biên bản"),
            ],
            ["Đào Thị Hằng"],
        ),
    ]
    for turns, chairs in cases:
        assert _people(turns)[0] == chairs, turns


def test_an_anonymous_chair_is_named_by_how_the_next_speaker_addresses_them() -> None:
    """A chair who never says their name is named by the member who answers them ("dạ thưa đồng chí …"); a guest the
    chair announced and the member greets first is not the chair, nor is a name the chair says after "tôi"."""
    chairs, _ = _people(
        [
            ("Người nói 1", "rứa là đủ rồi hí tôi xin khai mạc phiên họp"),
            ("Người nói 1", "mời đồng chí lò văn kiên chỉ huy trưởng báo cáo"),
            ("Người nói 2", "dạ thưa đồng chí vi văn lợi chủ tịch hội đồng thưa các đồng chí em xin báo cáo"),
        ]
    )
    assert chairs == ["Vi Văn Lợi"]
    guest = [
        ("Người nói 1", "tôi xin khai mạc cuộc họp hôm nay có đồng chí nguyễn văn an phó chủ tịch huyện về dự"),
        ("Người nói 1", "mời đồng chí lò văn kiên báo cáo"),
        ("Người nói 2", "kính thưa đồng chí nguyễn văn an phó chủ tịch huyện kính thưa các đồng chí em xin báo cáo"),
    ]
    chairs, present = _people(guest)
    assert chairs == [] and "Nguyễn Văn An" in present


def test_southern_tui_introduces_the_speaker_and_particles_are_no_name() -> None:
    assert spoken_names("dạ tui là lò văn hải đại diện mười hai hộ ấp hòa lạc") == ["Lò Văn Hải"]
    assert spoken_names("vậy giờ tui giao luôn nha phòng tài nguyên và môi trường chủ trì") == []
    assert spoken_names("tôi nhờ anh lê văn tư chủ trì nghen") == ["Lê Văn Tư"]


def test_a_chair_named_after_the_verb_or_by_title_before_the_name() -> None:
    """ "chủ trì hội nghị hôm nay là đồng chí X" names the chair after the verb (the announcer is no chair); "anh phó
    chủ tịch X điều hành tiếp" hands over to X, though the speaker said "tôi" before."""
    chairs, _ = _people(
        [
            ("Lò Thị Mai", "Thưa các đồng chí, chủ trì hội nghị hôm nay là đồng chí Vi Văn Sáng, Chủ tịch UBND xã."),
            ("Vi Văn Sáng", "Cảm ơn chị Mai. Chúng ta vào nội dung luôn."),
        ]
    )
    assert chairs == ["Vi Văn Sáng"]
    chairs, _ = _people(
        [
            ("Người nói 1", "tôi xin khai mạc"),
            ("Người nói 1", "tôi có việc xin phép về trước anh phó chủ tịch trần quốc việt điều hành tiếp nhé"),
            ("Người nói 2", "vâng mời anh toàn báo cáo"),
        ]
    )
    assert chairs == ["Trần Quốc Việt"]
    own = _transcript([("Người nói 1", "tôi bí thư đảng ủy hà văn tuấn chủ trì"), ("Người nói 2", "dạ em xin báo cáo")])
    assert chairing(own.segments, "Người nói 1").presiding == ["Người nói 1", "Người nói 1"]  # no one else named


def test_the_chair_given_to_the_speaker_by_one_who_is_away_stays_with_the_speaker() -> None:
    """ "… chị X đi công tác nên chị ấy nhờ tôi chủ trì": the one named before is away; the speaker presides."""
    away = _transcript(
        [
            ("Người nói 1", "hôm nay chị đinh thị hòa đi công tác tỉnh nên chị ấy nhờ tôi chủ trì"),
            ("Người nói 2", "dạ em xin báo cáo"),
        ]
    )
    assert chairing(away.segments, "Người nói 1").presiding == ["Người nói 1", "Người nói 1"]


def test_a_part_said_over_hands_the_chair_to_a_highland_name() -> None:
    """ "Tôi điều hành đến đây là xong" ends the speaker's part: the one invited next presides, a prefixed name too."""
    turns = [
        ("Lục Văn Khải", "Tôi xin khai mạc hội nghị."),
        ("Lục Văn Khải", "Phần đầu tôi điều hành đến đây là xong. Xin mời chị H'Nga điều hành tiếp."),
        ("H'Nga Byă", "Cảm ơn anh. Mời các vị biểu quyết."),
    ]
    found = chairing(_transcript(turns).segments, "Lục Văn Khải")
    assert found.presiding == ["Lục Văn Khải", "Lục Văn Khải", "H'Nga Byă"]


def test_a_bare_declaration_of_beginning_opens_the_meeting() -> None:
    """ "Tôi tuyên bố bắt đầu." with nothing after declares the meeting open, as "… bắt đầu buổi họp" does."""
    turns = [
        ("Người nói 1", "Chào mọi người. Hôm nay Hợp tác xã họp về giá thu mua chè búp. Tôi tuyên bố bắt đầu."),
        ("Người nói 2", "Dạ, em xin báo cáo sản lượng tháng này."),
    ]
    assert opener(_transcript(turns).segments) == "Người nói 1"


def test_the_chair_handed_to_a_given_name_of_two_words() -> None:
    """ "phần sau chị Mỹ Hạnh chủ trì": the attendee whose full name ends with both words, not whoever speaks next."""
    turns = [
        (
            "Lưu Văn Bền",
            "Tôi khai mạc nhé. Có anh Đinh Quốc Bảo bên Sở về dự. Mười giờ tôi đi họp, phần sau chị Mỹ Hạnh chủ trì.",
        ),
        ("Đinh Quốc Bảo", "Chào các anh chị, tôi dự để nắm tình hình."),
        ("Lò Thị Mỹ Hạnh", "Dạ, em báo cáo kết quả quý ba."),
    ]
    assert chairing(_transcript(turns).segments, "Lưu Văn Bền").names == ["Lưu Văn Bền", "Lò Thị Mỹ Hạnh"]


def test_a_lower_case_name_ends_at_the_next_clause_or_a_southern_particle() -> None:
    """ "còn" opens the roll's next clause and "nè" closes one's own name: a four-word name is kept whole."""
    assert spoken_names("bên giám sát có chị sơn thị sa rinh còn bên xã có anh lý văn hai") == [
        "Sơn Thị Sa Rinh",
        "Lý Văn Hai",
    ]
    assert spoken_names("dạ tui trương văn bảy nè tui hổng chịu") == ["Trương Văn Bảy"]


def test_a_khmer_family_name_of_two_words_before_a_title() -> None:
    """ "Thạch", "Danh" are Khmer family names only: two lower-case words then a title are a name, a Vietnamese pair of
    syllables though they are; a fourth given word that folds like a Central particle ("ni") and the lay title "acha"
    after a name are no part of it."""
    said = "có mặt ông thạch vọng phó ban cô kim thị sô ni thủ quỹ ông lý văn hiền acha với anh danh tú trưởng ấp"
    assert spoken_names(said) == ["Thạch Vọng", "Kim Thị Sô Ni", "Lý Văn Hiền", "Danh Tú"]


def test_a_given_name_after_the_middle_name_that_folds_like_a_verb() -> None:
    """ "Được" after "Văn" is the given name, a title after it; a verb after a four-word name ends it there."""
    assert spoken_names("tôi xin mời anh hà văn được phó giám đốc lên điều hành tiếp") == ["Hà Văn Được"]
    assert spoken_names("do chị tô thị kim ngân làm tổ trưởng bà con đồng ý") == ["Tô Thị Kim Ngân"]


def test_cao_dai_address_and_a_turn_opening_with_ones_own_name() -> None:
    """ "hiền huynh", "hiền tỷ" introduce a name as "anh", "chị" do; a rank ("Lễ sanh") after "tôi là"; a turn
    opening with a full name and "xin" or a stop is the speaker's own."""
    assert spoken_names("Tôi là Lễ sanh Đặng Văn Lũy, Chánh Trị sự.") == ["Đặng Văn Lũy"]
    assert spoken_names("Mời hiền tỷ Huỳnh Thị Bông, Thủ bổn, báo cáo quỹ.") == ["Huỳnh Thị Bông"]
    assert spoken_names("Dạ, Lê Văn Tấn xin trình bày.") == ["Lê Văn Tấn"]


def test_a_chair_who_presides_with_the_roll_going_on() -> None:
    """ "tôi X chủ trì có mặt …": the speaker says they preside, the roll after it; "chủ trì" ends the lower-case
    name, so a later "thưa anh <given> <words>" makes no false name."""
    turns = [
        ("Người nói 1", "hôm ni họp giao ban tôi phan đình lộc chủ trì có mặt các tổ trưởng"),
        ("Người nói 1", "mời anh võ văn tùng báo cáo"),
        ("Người nói 2", "dạ thưa anh lộc hàng xuất khẩu tháng này tổng là ba trăm bộ"),
    ]
    segments = turns_of(turns)
    assert opener(segments) == "Người nói 1"
    assert chairing(segments, None).names == ["Phan Đình Lộc"]


def test_a_chair_calling_themself_by_honorific_opens_the_meeting() -> None:
    """ "thế thì chị khai mạc": the speaker's own honorific opening a clause; "mời chị khai mạc" invites another."""
    assert opener(turns_of([("Chủ tịch", "Đủ người rồi. Thế thì chị khai mạc cuộc họp nhé.")])) == "Chủ tịch"
    assert opener(turns_of([("Thư ký", "Em xin mời chị khai mạc cuộc họp.")])) is None
    assert opener(turns_of([("Thư ký", "Dạ đủ rồi, anh khai mạc cuộc họp đi ạ.")])) is None


def test_an_anonymous_chair_named_by_the_given_name_others_call_them() -> None:
    """Invited by given name right before their turn, or thanked by it right after, the chair is the one person whose
    full name ends so; counted households before a roll are no household talked about."""
    turns = [
        ("Người nói 1", "bữa nay có mặt mười tám hộ có anh mạch văn lũy tổ trưởng chị kha thị hoa với anh tô văn bền"),
        ("Người nói 1", "dạ em mời anh lũy"),
        ("Người nói 2", "rồi bà con ngồi vô tui tuyên bố khai mạc cuộc họp tổ"),
        ("Người nói 3", "dạ cảm ơn anh lũy em báo cáo giá thức ăn"),
    ]
    segments = turns_of(turns)
    assert chairing(segments, None).names == ["Mạch Văn Lũy"]
    assert "Mạch Văn Lũy" in attendees(segments)
