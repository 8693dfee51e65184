"""Slots read from sentences with numbers as digits: vote counts in many wordings, tasks with their assignee and
deadline, dates resolved against the meeting's day."""

from __future__ import annotations

from datetime import date

import pytest

from core.transcript import Segment
from minutes.cues import find_deadline, fold, folded_digits, read_counts
from minutes.participants import bodies
from minutes.slots import is_host, named_in_full, read_tasks, sets_up


def counts(text: str) -> tuple[dict[str, int], int | None]:
    return read_counts(folded_digits(text))


def test_vote_counts_in_many_wordings() -> None:
    assert counts("số phiếu phát ra 13, phiếu đồng ý 12, phiếu không đồng ý 1") == ({"in_favour": 12, "against": 1}, 13)
    assert counts("Tán thành 45, không tán thành 2.") == ({"in_favour": 45, "against": 2}, None)  # count after
    assert counts("4 phiếu thuận, 1 phiếu chống, 0 phiếu trắng") == ({"in_favour": 4, "against": 1, "abstain": 0}, None)
    spoken = "có mười chín trên hai mươi đại biểu tán thành một đại biểu không tán thành"  # ASR: one sentence
    assert counts(spoken) == ({"in_favour": 19, "against": 1}, 20)
    asr = "số phiếu phát ra hai mươi mốt số phiếu đồng ý hai mươi số phiếu không đồng ý một"
    assert counts(asr) == ({"in_favour": 20, "against": 1}, 21)
    assert counts("Đồng ý 9, không đồng ý không.")[0] == {"in_favour": 9, "against": 0}
    nobody = "18 trên 18 đồng chí có mặt tán thành, không có đồng chí nào không tán thành hay không biểu quyết"
    assert counts(nobody) == ({"in_favour": 18, "against": 0, "abstain": 0}, 18)


def test_numbers_that_are_not_counts() -> None:
    assert counts("Đồng ý mua 100 áo phao từ nguồn quỹ cứu trợ.") == ({}, None)  # what is agreed, not a count
    assert counts("số phiếu đồng ý miễn nhiệm 20 số phiếu không đồng ý 1") == ({"in_favour": 20, "against": 1}, None)
    assert counts("Đề nghị biểu quyết Điều 54, khoản 3 của dự thảo.") == ({}, None)  # item numbers
    assert counts("với tỷ lệ tán thành trên 90 phần trăm, nghị quyết đã được thông qua") == ({}, None)
    assert counts("Hôm nay có mặt 31 trên 33 đại biểu.") == ({}, None)  # attendance, no vote
    assert counts("mỗi hộ đóng 600 nghìn, 39 hộ đồng ý")[0] == {"in_favour": 39}  # money is not a count


def test_two_tasks_in_one_sentence_topic_first_and_people_by_given_name() -> None:
    people = ["Ma Văn Chiến", "Thân Thị Thủy", "Khổng Văn Bằng"]
    held = date(2025, 9, 8)
    both = read_tasks(
        "Tổ Toán xây dựng kế hoạch dạy hai buổi, xong trước ngày 15 tháng 9; cô Thủy tổ chức họp cha mẹ học sinh.",
        held=held,
        people=people,
    )
    assert [t.assignee for t in both] == ["Tổ Toán", "Thân Thị Thủy"]
    assert both[0].deadline is not None and both[0].deadline.due == date(2025, 9, 15)
    topic = read_tasks("Hồ sơ quá hạn thì anh Bằng phải xong trong thứ tư tuần này.", held=held, people=people)
    assert [(t.assignee, t.deadline and t.deadline.text) for t in topic] == [
        ("Khổng Văn Bằng", "trong thứ tư tuần này")
    ]
    body = read_tasks("ban quản lý dự án huyện phối hợp với xã làm xong mặt bằng trước ngày mười lăm tháng mười hai")
    assert [t.assignee for t in body] == ["ban quản lý dự án huyện"]
    assert read_tasks("Mời đồng chí Vi Văn Hải, Chủ tịch Ủy ban nhân dân xã, trình bày báo cáo.") == []


def test_deadlines_resolved_against_the_meeting_day() -> None:
    spoken_year = find_deadline(
        "trình hội đồng tại phiên họp ngày mười tháng một năm hai nghìn không trăm hai mươi sáu",
        held=date(2025, 11, 20),
    )
    assert spoken_year is not None and spoken_year.due == date(2026, 1, 10)
    assert spoken_year.text == "tại phiên họp ngày mười tháng một năm hai nghìn không trăm hai mươi sáu"
    next_year = find_deadline("làm việc với ngân hàng xong trước ngày 15 tháng 1", held=date(2025, 12, 18))
    assert next_year is not None and next_year.due == date(2026, 1, 15)  # not a date before the meeting
    session = find_deadline("báo cáo tại kỳ họp ngày 10 tháng 7 năm 2026", held=date(2025, 12, 12))
    assert session is not None and session.due == date(2026, 7, 10)


def test_tasks_stated_in_other_wordings() -> None:
    """No "giao"/"đề nghị": an order after its topic, two parties in one sentence (a comma, or none in ASR output),
    an assignee called by title or nickname, and the span stopping where the order's verb or its deadline starts."""
    held = date(2025, 12, 9)
    people = ["Hầu Văn Cường", "Tạ Văn Bình", "Nông Văn Tài", "Hà Thị Mơ", "Cà Văn Pọm", "Quàng Thị Ẻn"]
    comma = read_tasks("Anh Cường làm thủ tục chi từ quỹ công đoàn, anh Bình liên hệ nhà xe.", people=people)
    assert [t.assignee for t in comma] == ["Hầu Văn Cường", "Tạ Văn Bình"]
    asr = read_tasks(
        "phân công thế này anh tài lo sân bãi và trọng tài chị mơ thì lập danh sách gửi lại trước ngày mười tháng một",
        held=held,
        people=people,
    )
    assert [(t.assignee, t.deadline and t.deadline.due) for t in asr] == [
        ("Nông Văn Tài", None),
        ("Hà Thị Mơ", date(2026, 1, 10)),
    ]
    joint = read_tasks("Phòng Tổ chức điều động 2 điều dưỡng từ khoa Ngoại sang khoa Nội.")
    assert [t.assignee for t in joint] == ["Phòng Tổ chức"]  # bodies after a preposition are no second party
    said_later = read_tasks("còn chị ẻn thì làm hồ sơ vay vốn quỹ hỗ trợ", people=people)
    assert [t.assignee for t in said_later] == ["Quàng Thị Ẻn"]
    tomorrow = read_tasks("anh pọm ngày mai đưa tôi đi xem tuyến ống luôn nhé", held=held, people=people)
    assert [(t.assignee, t.deadline and t.deadline.due) for t in tomorrow] == [("Cà Văn Pọm", date(2025, 12, 10))]
    by_title = read_tasks(
        "Khoản bảo hiểm từ chối thanh toán thì đồng chí kế toán trưởng chủ trì đối chiếu với từng khoa, báo cáo tại"
        " cuộc họp giao ban ngày 3 tháng 12.",
        held=date(2025, 10, 30),
        titles={"ke toan truong": "Đinh Công Tráng", "truong khoa noi": "Lò Văn Sơn"},
    )
    assert [(t.assignee, t.deadline and t.deadline.due) for t in by_title] == [("Đinh Công Tráng", date(2025, 12, 3))]


def test_a_body_is_named_as_the_meeting_names_it() -> None:
    """ "tổng hợp" is an order's verb, but also the end of the name the meeting gave the body."""
    sentence = "Phòng Kế hoạch tổng hợp xây dựng phương án kê thêm 20 giường."
    meeting = fold(f"Mời chị Hoa, Trưởng phòng Kế hoạch tổng hợp, báo cáo. {sentence}")
    assert [t.assignee for t in read_tasks(sentence, meeting=meeting)] == ["Phòng Kế hoạch tổng hợp"]
    assert [t.assignee for t in read_tasks(sentence)] == ["Phòng Kế hoạch"]  # nothing else said: the first verb


def test_no_task_from_the_floor_the_speaker_or_everyone() -> None:
    assert read_tasks("Trước hết, mời chị Ninh Thị Hoa, Trưởng phòng Kế hoạch tổng hợp, báo cáo nhanh tình hình.") == []
    assert read_tasks("Tôi, Bế Thị Quyên, Giám đốc bệnh viện, chủ trì giao ban tháng 10.") == []
    assert read_tasks("Đề nghị các đồng chí nghiêm túc thực hiện.") == []
    assert read_tasks("Đầu tiên, nhờ chị Huế, Giám đốc hợp tác xã, nói qua tình hình tiêu thụ chè.") == []


def test_deadlines_in_more_wordings() -> None:
    held = date(2025, 11, 10)
    cases = {
        "viết báo cáo sự cố gửi sở y tế chậm nhất thứ sáu tuần này": ("chậm nhất thứ sáu tuần này", date(2025, 11, 14)),
        "hoàn thiện hồ sơ trước ngày mười lăm tháng một năm hai không hai sáu": (
            "trước ngày mười lăm tháng một năm hai không hai sáu",
            date(2026, 1, 15),
        ),
        "quyết toán sổ sách xong trước ngày 15 tháng 1 năm sau": ("trước ngày 15 tháng 1 năm sau", date(2026, 1, 15)),
        "báo cáo tại phiên họp thường kỳ ngày 3/12": ("tại phiên họp thường kỳ ngày 3/12", date(2025, 12, 3)),
        "nộp dự toán cuối tháng 12": ("cuối tháng 12", date(2025, 12, 31)),
    }
    for text, (said, due) in cases.items():
        deadline = find_deadline(text, held=held)
        assert deadline is not None and (deadline.text, deadline.due) == (said, due), text


def test_weekdays_days_and_today_resolved_against_the_meeting_day() -> None:
    held = date(2025, 11, 12)  # a Wednesday
    cases = {
        "thứ sáu tuần này có câu trả lời": ("thứ sáu tuần này", date(2025, 11, 14)),  # no "trước": the week says it
        "báo lại tôi trước thứ tư": ("trước thứ tư", date(2025, 11, 19)),  # the first after the meeting, not today
        "gửi lên nhóm trước tối thứ ba": ("trước tối thứ ba", date(2025, 11, 18)),
        "nộp kế hoạch trước thứ 5 tuần sau": ("trước thứ 5 tuần sau", date(2025, 11, 20)),
        "vận động thanh niên về làm vào chủ nhật": ("vào chủ nhật", date(2025, 11, 16)),
        "lập danh sách trước ngày 30.": ("trước ngày 30", date(2025, 11, 30)),
        "lập danh sách trước ngày 5": ("trước ngày 5", date(2025, 12, 5)),  # past this month: the next
        "liên hệ lại bệnh viện trong chiều nay": ("trong chiều nay", held),
        "hết tháng 12 phải giải quyết xong": ("hết tháng 12", date(2025, 12, 31)),
        "lập biên bản gửi phòng ngay hôm nay phòng sẽ báo cáo huyện": ("ngay hôm nay", held),
    }
    for text, (said, due) in cases.items():
        deadline = find_deadline(text, held=held)
        assert deadline is not None and (deadline.text, deadline.due) == (said, due), text
    assert find_deadline("Ngày hôm nay chúng ta họp bàn kế hoạch vụ đông.", held=held) is None  # when we meet
    monthly = find_deadline("gửi trước ngày 15 hằng tháng", held=held)  # every month: no one day
    assert monthly is not None and (monthly.text, monthly.due) == ("trước ngày 15 hằng tháng", None)


def test_people_present_called_by_given_name_alone() -> None:
    """An order may name a person present without an honorific; the name ends the assignee whatever pyvi tags next,
    but a given name that is a number, part of a word or the object of another verb is no party."""
    held = date(2025, 11, 12)
    people = ["Phàn Thị Mai", "Kha Văn Lâm", "Giàng Văn Lử", "Đinh Văn Sáu", "Triệu Văn Sinh"]
    cased = read_tasks(
        "Xi măng thì Mai lên gặp Hội Cựu chiến binh, thứ sáu tuần này có câu trả lời.", held=held, people=people
    )
    assert [(t.assignee, t.deadline and t.deadline.due) for t in cased] == [("Phàn Thị Mai", date(2025, 11, 14))]
    asr = read_tasks("lâm liên hệ lại bệnh viện tỉnh chốt lịch ngay trong chiều nay", held=held, people=people)
    assert [t.assignee for t in asr] == ["Kha Văn Lâm"]
    swallowed = read_tasks("Lễ kết nạp tổ chức tại buổi ra quân, anh Lử lo phần nghi thức.", people=people)
    assert [(t.assignee, t.action) for t in swallowed] == [("Giàng Văn Lử", "lo phần nghi thức")]
    assert read_tasks("lễ ra quân vào ngày mười sáu tháng mười một", people=people) == []  # "sáu" is a number
    assert read_tasks("buổi sinh hoạt kết thúc lúc 21 giờ", people=people) == []  # "sinh hoạt" is one word
    assert read_tasks("việc thăm cô liên thì chiều mai tôi với anh lâm đi", held=held, people=people) == []


def test_orders_without_a_subject_where_a_clause_begins() -> None:
    held = date(2025, 9, 22)
    order = "Vụ trộm bò, Đội Cảnh sát hình sự khẩn trương bắt giữ hai đối tượng."
    topic = read_tasks(order, held=held, meeting=fold(f"Tôi Ninh Văn Hòa, Đội trưởng Đội Cảnh sát hình sự. {order}"))
    assert [t.assignee for t in topic] == ["Đội Cảnh sát hình sự"]  # a short topic before the body
    apposition = read_tasks("Anh Tịnh, Giám đốc Sở Tư pháp, rà soát lại hồ sơ.", people=["Lê Văn Tịnh"])
    assert [t.assignee for t in apposition] == ["Lê Văn Tịnh"]
    obliged = read_tasks("vẫn giữ mốc đó nhà thầu phải tăng ca thêm một mũi thi công")
    assert [t.assignee for t in obliged] == ["nhà thầu"]
    women = read_tasks(
        "Chị Xuân gọi điện cho từng chị em, hạn cuối là ngày 15/10.", held=held, people=["Triệu Thị Xuân"]
    )
    assert [(t.assignee, t.deadline and t.deadline.due) for t in women] == [("Triệu Thị Xuân", date(2025, 10, 15))]
    listed = read_tasks("Các sở, ngành liên quan khẩn trương rà soát thủ tục.")
    assert [t.assignee for t in listed] == ["Các sở, ngành liên quan"]  # a list of bodies is no topic
    later = read_tasks("giao Công an huyện chủ trì tuần tra; kết quả báo cáo Ủy ban trong quý IV", held=held)
    assert [(t.assignee, t.deadline and t.deadline.text) for t in later] == [("Công an huyện", "trong quý IV")]


def test_a_call_to_vote_or_a_count_is_no_task() -> None:
    assert read_tasks("Ban Chấp hành cho ý kiến bằng giơ tay việc kết nạp ba thanh niên này.") == []
    assert read_tasks("Đồng chí Lò Thị Luyến báo: 12 tán thành, 20 không tán thành.", people=["Lò Thị Luyến"]) == []
    assert read_tasks("vắng đồng chí Tẩn và đồng chí Chảo có lý do") == []


def test_the_meeting_the_speakers_formula_and_someone_unnamed_are_no_party() -> None:
    """ "Hội nghị kết thúc" says what the meeting does; "…, Chủ tịch Hội, xin khai mạc" is the speaker's formula; "cử
    một đồng chí" names no second party: one task to the body, its action whole."""
    assert read_tasks("Hội nghị kết thúc, cảm ơn các đồng chí.") == []
    assert read_tasks("Hội nghị hôm nay có hai nội dung: kết quả vụ mùa và kế hoạch vụ đông.") == []
    opening = (
        "Kính thưa các đồng chí, tôi là Vũ Thị Hạnh, Chủ tịch Ủy ban Mặt trận Tổ quốc huyện, xin khai mạc hội nghị."
    )
    assert read_tasks(opening, people=["Vũ Thị Hạnh"]) == []
    (task,) = read_tasks("Đề nghị Hội Cựu chiến binh huyện cử một đồng chí tham gia đoàn giám sát.")
    assert task.assignee == "Hội Cựu chiến binh huyện" and task.action == "cử một đồng chí tham gia đoàn giám sát"
    date_first = read_tasks("trước ngày mười một anh tân gửi hồ sơ", people=["Bùi Văn Tân"])
    assert [t.assignee for t in date_first] == ["Bùi Văn Tân"]  # "mười một" is a date, not "một anh"
    assert read_tasks("hiến máu phải đạt đủ một trăm đơn vị không để xã mình đứng cuối huyện") == []  # all of us
    (minh,) = read_tasks("Thầy Minh rà soát lại đội ngũ giảng viên.")  # "Minh" is no "mình"
    assert minh.assignee == "Minh"


def test_the_number_of_a_listed_point_is_no_part_of_the_order() -> None:
    (spoken,) = read_tasks("ba là hòa tổng hợp kết quả gửi huyện hội trước thứ hai tuần sau", people=["Lục Văn Hòa"])
    assert (spoken.assignee, spoken.action) == ("Lục Văn Hòa", "tổng hợp kết quả gửi huyện hội")
    (written,) = read_tasks("Thứ ba, Văn phòng Hội hoàn thiện báo cáo quý III.")
    assert written.assignee == "Văn phòng Hội"
    listed = read_tasks(
        "Một là anh Bình làm báo cáo tổng kết; hai là chị Lan lập danh sách hộ nghèo trước ngày 20/7.",
        people=["Lê Văn Bình", "Trần Thị Lan"],
    )
    assert [(t.assignee, t.action) for t in listed] == [
        ("Lê Văn Bình", "làm báo cáo tổng kết"),
        ("Trần Thị Lan", "lập danh sách hộ nghèo"),
    ]


def test_a_target_is_no_order() -> None:
    assert read_tasks("Chi cục phấn đấu thu đạt 100% dự toán trước ngày 15/12, không để phát sinh nợ mới.") == []


def test_deadlines_said_without_a_preposition_or_as_an_event() -> None:
    """Orders in the new kinds of meeting (issue #15) give their deadline bare: "trong tuần", a weekday closing the
    sentence, "tuần sau", the day said first, or a day named by its event ("trước ngày khai giảng", no date)."""
    held = date(2025, 8, 25)  # a Monday
    cases = {
        "Mến làm tờ trình xử phạt, trình tôi ký trong tuần.": ("trong tuần", None),
        "anh toàn kiểm tra lại kinh phí sửa máy bơm báo tôi thứ tư": ("thứ tư", date(2025, 8, 27)),
        "Anh làm bản thảo, tuần sau cho tôi xem.": ("tuần sau", None),
        "ngày hai mươi chín trường tổng vệ sinh thì duyên lo khử trùng bếp": ("ngày hai mươi chín", date(2025, 8, 29)),
        "cô nga xếp lại danh sách lớp xong trước ngày khai giảng": ("trước ngày khai giảng", None),
    }
    for text, (said, due) in cases.items():
        deadline = find_deadline(text, held=held)
        assert deadline is not None and (deadline.text, deadline.due) == (said, due), text
    assert find_deadline("thứ tư là bảo đảm an toàn thực phẩm", held=held) is None  # a fourth point, mid-sentence
    assert find_deadline("trong tuần qua đội đã tuần tra ba lần", held=held) is None  # the past week


def test_a_deadline_said_first_is_every_order_of_the_sentence() -> None:
    people = ["Phạm Thị Duyên", "Hoàng Văn Toàn"]
    held = date(2025, 8, 25)
    tasks = read_tasks(
        "ngày hai mươi chín trường tổng vệ sinh tổ bếp thì duyên lo khử trùng bếp còn anh toàn lo thuê người dọn sân",
        held=held,
        people=people,
    )
    assert [(t.assignee, t.deadline and t.deadline.due) for t in tasks] == [
        ("Phạm Thị Duyên", date(2025, 8, 29)),
        ("Hoàng Văn Toàn", date(2025, 8, 29)),
    ]
    own = read_tasks("quang làm đơn gửi lên hội trong tuần này dung làm thủ tục chi", people=["Đinh Văn Quang"])
    assert [t.deadline for t in own][1:] in ([], [None])  # a deadline inside the first order stays that order's


def test_no_task_from_everyone_a_statement_a_summary_a_recalled_order_or_the_floor() -> None:
    people = ["Lê Thị Nga", "Vũ Thị Hạnh", "Quách Văn Lực", "Bùi Thị Thanh Hương"]
    for text in [
        "các cô nhớ là năm nay phòng giáo dục sẽ kiểm tra đột xuất nên hồ sơ phải đầy đủ",  # everyone, by honorific
        "mọi người chú ý giữ liên lạc với các hợp tác xã",
        "Phòng cháy là việc số một.",  # "Phòng" heads a body's name, but "là" states, it orders nothing
        "Chốt lại: năm nay trạm tập trung phòng trừ rầy nâu và làm tốt mô hình lúa hữu cơ.",  # the chair summing up
        "tóm lại đoàn phải xong thanh tra trực tiếp trong tháng tám",
        "Tháng trước tôi đã giao anh Lực rà soát danh sách cơ sở, anh làm đến đâu rồi?",  # an order recalled
        "cô nga phó hiệu trưởng nói qua tình hình tuyển sinh",  # the floor, after a title
        "Chị Hạnh cho biết tình hình sâu bệnh trên lúa.",
        "Hôm nay phòng giao ban tháng 11, tôi Bùi Thị Thanh Hương, Trưởng phòng, chủ trì.",  # the speaker
    ]:
        assert read_tasks(text, held=date(2025, 11, 3), people=people) == [], text
    bodies = read_tasks("Các chi hội rà soát danh sách hộ nghèo trước ngày 20/11.", held=date(2025, 11, 3))
    assert [t.assignee for t in bodies] == ["Các chi hội"]  # "chi" is no "chị": bodies, not everyone


def test_a_person_given_the_order_after_giao_cho() -> None:
    people = ["Cao Văn Tiến", "Lò Văn Sơn"]
    tasks = read_tasks("việc bảo đảm an toàn trường bắn giao cho tiến chỉ huy còn sơn chuẩn bị đạn", people=people)
    assert [t.assignee for t in tasks] == ["Cao Văn Tiến", "Lò Văn Sơn"]


def test_you_alone_then_a_verb_and_a_count_of_people_before_an_honorific() -> None:
    """ "Anh làm luôn": in cased text a lower-case word after a bare honorific is the verb, not a name (the generator
    then writes whom the chair answers); "điều 2 đồng chí sang chốt": people counted are the order's object."""
    you = read_tasks("Anh làm luôn, tuần sau cho tôi xem bản đầu tiên.")
    assert [(t.assignee, t.deadline and t.deadline.text) for t in you] == [("Anh", "tuần sau")]
    counted = read_tasks("Đội Cảnh sát cơ động điều 2 đồng chí sang chốt cùng Đội Cảnh sát giao thông.")
    assert len(counted) <= 1 and all(t.assignee.startswith("Đội") for t in counted)


def test_a_topic_is_no_body_and_the_order_goes_to_the_party_after_it() -> None:
    """A body is named by nouns: a run with a preposition, an adverb or a pronoun ("Vụ chưa rõ chủ hàng", "vụ trọng tâm
    từ nay đến cuối năm") is a topic, and the order goes to the next party that is no verb's object, never past the
    speaker ("… tôi quách văn tường giám đốc ban quản lý dự án chủ trì")."""
    topic = read_tasks("Vụ chưa rõ chủ hàng, Đội Kiểm soát phối hợp Đồn Biên phòng xác minh.")
    assert [t.assignee for t in topic] == ["Đội Kiểm soát"]
    asr = read_tasks(
        "vụ đất tranh chấp này hội không giải quyết được anh chiến hướng dẫn bà con làm đơn gửi ủy ban xã",
        people=["Nguyễn Văn Chiến"],
    )
    assert [(t.assignee, t.action) for t in asr] == [("Nguyễn Văn Chiến", "hướng dẫn bà con làm đơn gửi ủy ban xã")]
    assert read_tasks("Các nội dung của phiên họp đã hoàn thành.") == []
    speaker = "rồi bắt đầu họp giao ban công trường tuần này tôi quách văn tường giám đốc ban quản lý dự án chủ trì"
    assert read_tasks(speaker, people=["Quách Văn Tường"]) == []
    bodies = read_tasks("Sở Tài nguyên và Môi trường chủ trì, phối hợp Ban quản lý dự án rà soát hồ sơ.")
    assert [t.assignee for t in bodies] == ["Sở Tài nguyên và Môi trường"]  # "và" joins a body's name


def test_an_order_to_a_nickname_and_second_orders_after_con_or_de() -> None:
    """ "anh sáu" is whom the meeting calls so (`participants.nicknames`); "còn <topic> thì <party>" starts a second
    order; ", để anh X …, chị Y …" gives two; "Ý chị Y …" is her opinion, no order to her."""
    people = ["Lâm Văn Phước", "Đỗ Thị Hồng", "Cao Văn Tùng"]
    called = {"sau phuoc": "Lâm Văn Phước", "sau": "Lâm Văn Phước"}
    nickname = read_tasks("phân bón thì anh sáu chở về trong tuần này", people=people, titles=called)
    assert [t.assignee for t in nickname] == ["Lâm Văn Phước"]
    said = "tùng lo điện thoại cho các hộ còn cái cống thì anh sáu phước đào lại"
    two = read_tasks(said, people=people, titles=called)
    assert [t.assignee for t in two] == ["Cao Văn Tùng", "Lâm Văn Phước"]
    both = read_tasks("Vụ kiện này nhiều tình tiết, để anh Tùng làm chủ tọa, chị Hồng làm thư ký.", people=people)
    assert [t.assignee for t in both] == ["Cao Văn Tùng", "Đỗ Thị Hồng"]
    assert read_tasks("Ý anh Tùng hợp lý.", people=people) == []


def test_a_report_asked_for_now_and_a_deadline_to_the_end_of_a_period() -> None:
    """ "Chị Hồng điểm qua …" asks for a report now (procedure); "hết tháng này", "đến hết tuần sau" are deadlines
    (periods: no date, as the gold convention writes them)."""
    assert read_tasks("Chị Hồng điểm qua kết quả thu quý III.", people=["Đỗ Thị Hồng"]) == []
    for text, said in {
        "Tổ Kiểm tra rà soát lại các tờ khai, hết tháng này phải xong.": "hết tháng này",
        "anh tùng làm xong đến hết tuần sau": "đến hết tuần sau",
    }.items():
        deadline = find_deadline(text, held=date(2025, 9, 10))
        assert deadline is not None and (deadline.text, deadline.due) == (said, None), text


def test_deadlines_by_mung_a_spoken_day_before_its_month_and_new_year() -> None:
    """ "mùng 5" says a day as "ngày 5" does; "ba mươi tháng mười" is a date without "ngày"; "Tết Dương lịch" is the
    whole name of the holiday (written as spoken in ASR-like text)."""
    held = date(2025, 6, 16)
    cases = {
        "tuyên truyền từng thôn xong trước mùng năm tháng sau": ("trước mùng năm tháng sau", date(2025, 7, 5)),
        "nộp trước ngày mùng 10": ("trước ngày mùng 10", date(2025, 7, 10)),
        "người làm là anh mạnh hạn cuối ba mươi tháng mười": ("hạn cuối ba mươi tháng mười", date(2025, 10, 30)),
        "Tổ Dịch vụ tập huấn lại trước Tết Dương lịch.": ("trước Tết Dương lịch", date(2026, 1, 1)),  # CONVENTIONS
    }
    for text, (said, due) in cases.items():
        deadline = find_deadline(text, held=held)
        assert deadline is not None and (deadline.text, deadline.due) == (said, due), text
    months = find_deadline("trong ba tháng tới phải xong", held=held)  # a span counted from now, no date (not March)
    assert months is not None and (months.text, months.due) == ("trong ba tháng tới", None)


def test_the_chairs_reply_before_the_subject_is_no_part_of_it() -> None:
    """Unpunctuated speech runs the chair's "tốt", "được", "thôi" into the order: the subject follows it."""
    tasks = read_tasks("tốt hội nông dân làm tiếp cho các thôn còn lại ưu tiên hộ nghèo")
    said = [(t.assignee, t.action) for t in tasks]
    assert said == [("hội nông dân", "làm tiếp cho các thôn còn lại ưu tiên hộ nghèo")]


def test_companies_and_stations_are_bodies_and_a_cadre_is_none() -> None:
    """ "còn" before a company starts its own order; "cán bộ" ends in "bộ" but is no ministry."""
    tasks = read_tasks(
        "bãi rác thì chị hoa làm văn bản báo cáo ủy ban huyện còn công ty môi trường đô thị tăng phun chế phẩm khử mùi"
    )
    assert [t.assignee for t in tasks] == ["hoa", "công ty môi trường đô thị"]
    assert read_tasks("huy động vốn thì mỗi cán bộ phải vận động được ít nhất năm khách hàng mở sổ tiết kiệm") == []


def test_a_bodys_name_said_elsewhere_ends_where_the_meeting_ends_it_word_by_word() -> None:
    """ "vận hành" is a verb to pyvi, but the meeting introduced "Đội Quản lý vận hành": the name runs to the last word
    the meeting says with it, not to the next verb."""
    meeting = fold("Tôi Trần Văn Cường, Đội trưởng Đội Quản lý vận hành. Đội Quản lý vận hành phát quang toàn tuyến.")
    text = "Trong lúc chờ, Đội Quản lý vận hành cân pha lại ngay trong tuần."
    tasks = read_tasks(text, meeting=meeting + " " + fold(text))
    assert [(t.assignee, t.action) for t in tasks] == [("Đội Quản lý vận hành", "cân pha lại")]


def test_a_title_then_its_verb_and_a_purpose_after_the_order() -> None:
    """ "kế toán làm …": the verb after a person's title ends the party; "… để chị dung duyệt" is what the order is
    for, not a second party taking it (the accountant introduced is the one assigned)."""
    tasks = read_tasks(
        "còn báo cáo quý một gửi ngân hàng tỉnh thì kế toán làm xong trước ngày hai mươi tháng ba để chị dung duyệt",
        people=["Phan Thị Dung", "Vũ Thị Ngọc Ánh"],
        titles={"ke toan em": "Vũ Thị Ngọc Ánh"},
    )
    assert [(t.assignee, t.deadline.text if t.deadline else None) for t in tasks] == [
        ("Vũ Thị Ngọc Ánh", "trước ngày hai mươi tháng ba")
    ]


def test_asked_to_speak_now_after_a_word_pyvi_takes_for_the_verb() -> None:
    """ "tín dụng" (her desk) stands between the person and "nói về": she is given the floor, no order."""
    assert read_tasks("chị dung tín dụng nói về nợ quá hạn trước", people=["Phan Thị Dung"]) == []
    assert len(read_tasks("chị dung tín dụng làm báo cáo nợ quá hạn", people=["Phan Thị Dung"])) == 1


def test_a_topic_taken_up_again_before_the_subject() -> None:
    """ "cái này" takes up what was just said (the commune's decision) as the topic: the order is the accountant's."""
    tasks = read_tasks("xi măng thì xã hỗ trợ theo cơ chế năm mươi phần trăm cái này kế toán làm dự toán gửi tôi")
    assert [(t.assignee, t.action) for t in tasks] == [("kế toán", "làm dự toán gửi tôi")]


def test_deadlines_by_mong_a_day_of_this_month_and_the_end_of_the_week() -> None:
    held = date(2025, 4, 21)
    cases = {
        "nạo vét xong trước hai mươi lăm tháng này để kịp đổ ải": ("trước hai mươi lăm tháng này", date(2025, 4, 25)),
        "nộp Bưu điện tỉnh trước ngày mồng 10.": ("trước ngày mồng 10", date(2025, 5, 10)),
        "lập lịch gửi các hợp tác xã chậm nhất là cuối tuần": ("chậm nhất là cuối tuần", None),
    }
    for text, (said, due) in cases.items():
        deadline = find_deadline(text, held=held)
        assert deadline is not None and (deadline.text, deadline.due) == (said, due), text
    months = find_deadline("trong ba tháng này phải xong", held=held)  # a span, not the third of this month
    assert months is not None and (months.text, months.due) == ("trong ba tháng này", None)


def test_a_second_order_after_its_topic_given_with_nho() -> None:
    """ "còn <topic> thì nhờ <body> …" starts a second order, as "còn <topic> thì <party>" does; the radio station's
    name is whole, though pyvi tags "truyền thanh" a verb."""
    tasks = read_tasks(
        "phiên giao dịch việc làm thì anh lâm liên hệ trung tâm dịch vụ việc làm tỉnh còn loa đài thì nhờ đài truyền"
        " thanh huyện thông báo cho bà con",
        people=["Chẩu Văn Lâm"],
    )
    assert [(t.assignee, t.action) for t in tasks] == [
        ("Chẩu Văn Lâm", "liên hệ trung tâm dịch vụ việc làm tỉnh"),
        ("đài truyền thanh huyện", "thông báo cho bà con"),
    ]


def test_a_party_begins_at_a_word() -> None:
    """ "công tác" holds "ông" and "môi trường" holds "trường", but neither is a party."""
    assert read_tasks("công tác khen thưởng phải đúng người, đúng việc, kịp thời") == []


def test_the_speaker_gives_the_order_and_a_party_said_before_the_speaker_keeps_its_order() -> None:
    """ "tôi nhờ …": the speaker gives the order, the words before it are its topic; "…, Văn phòng … hoàn thiện hồ sơ,
    tôi ký …": the speaker's own part after the party's order does not take it away (nor does "và" between two names
    cut the party in two)."""
    held = date(2025, 2, 3)
    text = "Vệ sinh môi trường quanh đình, tôi nhờ chi hội phụ nữ các thôn ra quân sáng ngày 12."
    tasks = read_tasks(text, held=held)
    assert [(t.assignee, t.action) for t in tasks] == [("chi hội phụ nữ các thôn", "ra quân")]
    assert tasks[0].deadline is not None and tasks[0].deadline.due == date(2025, 2, 12)
    text = (
        "Về hai tập thể đề nghị Bằng khen của tỉnh, Văn phòng HĐND và UBND huyện hoàn thiện hồ sơ, tôi ký tờ trình, gửi"
        " Ban Thi đua – Khen thưởng tỉnh trước ngày 5 tháng 12."
    )
    assert [t.assignee for t in read_tasks(text, held=held)] == ["Văn phòng HĐND và UBND huyện"]


def test_a_topic_marked_by_thi_la_a_companion_and_nha_truong() -> None:
    """Spoken "thì là" ends the topic (a body's head in it, "vụ", is no party); a companion after "cùng với" is part of
    the action; "nhà trường" is a body."""
    tasks = read_tasks("vụ xe cát thì là công an xã cùng với tổ an ninh thôn bãi sậy tăng cường tuần tra ban đêm")
    assert [t.assignee for t in tasks] == ["công an xã"]
    people = ["Lê Thị Mận", "Bùi Văn Khải"]
    tasks = read_tasks("mẫu mã thì là mận xuống xóm đông hướng dẫn luôn cho thợ bên đấy", people=people)
    assert [t.assignee for t in tasks] == ["Lê Thị Mận"]
    tasks = read_tasks("còn biển báo giảm tốc thì nhà trường làm văn bản đề nghị công an xã hỗ trợ")
    assert [(t.assignee, t.action) for t in tasks] == [("nhà trường", "làm văn bản đề nghị công an xã hỗ trợ")]


def test_particles_alone_are_no_order_and_no_party_in_a_collective_or_a_report_now() -> None:
    """ "… gửi tổ đại biểu … nhé": "đại biểu" is the object, not a second party with the action "nhé"; "anh em nhớ …" is
    everyone; "hồng báo cáo qua …" asks for a report now."""
    text = "bộ phận văn phòng mặt trận thì tổng hợp ý kiến cử tri gửi tổ đại biểu chậm nhất thứ sáu tuần này nhé"
    tasks = read_tasks(text, held=date(2025, 10, 14))
    assert [t.assignee for t in tasks] == ["bộ phận văn phòng mặt trận"]
    assert tasks[0].deadline is not None and tasks[0].deadline.due == date(2025, 10, 17)
    assert read_tasks("anh em nhớ đi xuống dân phải mặc đồ bảo hộ đầy đủ", people=["Nông Thị Hiền"]) == []
    assert read_tasks("hồng báo cáo qua tình hình tài chính đi", people=["Đinh Thị Hồng", "Lê Thị Mận"]) == []


def test_deadlines_with_a_time_of_day_this_weekday_a_start_and_about() -> None:
    held = date(2025, 9, 26)  # a Friday
    cases = {
        "đưa 215 hộ đến nơi an toàn, hoàn thành trước 17 giờ thứ bảy.": ("trước 17 giờ thứ bảy", date(2025, 9, 27)),
        "xong trước thứ bảy": ("trước thứ bảy", date(2025, 9, 27)),  # not "thứ ba"
        "làm dự trù gửi chi cục hạn cuối là thứ sáu này": ("hạn cuối là thứ sáu này", date(2025, 9, 26)),
        "lên kế hoạch phụ đạo bắt đầu từ tuần sau": ("bắt đầu từ tuần sau", None),
        "tổ chức tập huấn khoảng giữa tháng tư": ("khoảng giữa tháng tư", None),
        "nộp trước 8 giờ sáng ngày 15/10": ("trước 8 giờ sáng ngày 15/10", date(2025, 10, 15)),
        "ra quân sáng ngày 12": ("sáng ngày 12", date(2025, 10, 12)),
    }
    for text, (said, due) in cases.items():
        deadline = find_deadline(text, held=held)
        assert deadline is not None and (deadline.text, deadline.due) == (said, due), text
    assert find_deadline("có mặt trước 17 giờ", held=held) is None  # an hour is no day of the month


def test_an_order_quoted_by_a_member_gives_no_longer_body_name() -> None:
    """A member quoting last year's order, then the chair giving it again: the whole order said twice is no body's name
    said elsewhere ("hội phụ nữ nấu cháo …" would leave no action)."""
    order = "năm nay vẫn giao hội phụ nữ nấu cháo phục vụ người hiến máu"
    meeting = fold("anh quý ơi năm ngoái thường trực có giao hội phụ nữ nấu cháo phục vụ người hiến máu " + order)
    tasks = read_tasks(order, meeting=meeting)
    assert [(t.assignee, t.action) for t in tasks] == [("hội phụ nữ", "nấu cháo phục vụ người hiến máu")]


@pytest.mark.parametrize(
    ("party", "host", "hosts"),
    [
        ("Hội xã", "HỘI NÔNG DÂN XÃ YÊN THÀNH", True),
        ("Ban Chỉ huy xã", "BAN CHỈ HUY PHÒNG, CHỐNG THIÊN TAI VÀ TÌM KIẾM CỨU NẠN XÃ KỲ XUÂN", True),
        ("UBND xã", "ỦY BAN NHÂN DÂN XÃ MINH TÂN", True),
        ("Hội đồng nhân dân huyện Tân Phú khóa XII", "HỘI ĐỒNG NHÂN DÂN HUYỆN TÂN PHÚ", True),
        ("Chi hội thôn Đông", "HỘI NÔNG DÂN XÃ YÊN THÀNH", False),
        ("Hội viên", "HỘI NÔNG DÂN XÃ YÊN THÀNH", False),
        ("UBND xã", "ỦY BAN NHÂN DÂN HUYỆN CAO LỘC", False),
        ("Văn phòng", "ỦY BAN NHÂN DÂN HUYỆN CAO LỘC", False),
        ("Hội xã", "", False),
    ],
)
def test_the_host_body_by_its_short_name(party: str, host: str, hosts: bool) -> None:
    assert is_host(party, host) is hosts


def test_the_host_bodys_own_plan_is_no_order() -> None:
    text = "Hội xã sẽ làm việc với Ủy ban để xin xác nhận cho các hộ."
    assert [t.assignee for t in read_tasks(text)] == ["Hội xã"]
    assert read_tasks(text, host="HỘI NÔNG DÂN XÃ YÊN THÀNH") == []


def test_a_heads_syllable_bound_into_another_word_is_no_party() -> None:
    """ "trường_hợp", "tổ_chức" hold a head's syllable ("trường", "tổ") but are no body; titles built on a head
    ("phó chủ tịch", "tổ trưởng") are."""
    assert read_tasks("trường hợp ông phẳng hội hỗ trợ năm trăm nghìn từ quỹ nhân đạo") == []
    text = "hội khỏe phù đổng tháng mười một ban đại diện hỗ trợ nước uống và phần thưởng giao chị thắm phó ban lo"
    assert [t.assignee for t in read_tasks(text)] == ["thắm"]  # "Hội khỏe Phù Đổng" is a sports day, no body
    tasks = read_tasks("tổ chức hội nghị xong thì anh Hải hoàn thiện hồ sơ")
    assert [t.assignee for t in tasks] == ["Hải"]
    assert [t.assignee for t in read_tasks("phó chủ tịch xã ký văn bản gửi huyện")] == ["phó chủ tịch xã"]
    assert [t.assignee for t in read_tasks("tổ trưởng tổ dân phố thông báo cho các hộ")] == ["tổ trưởng tổ dân phố"]


def test_a_person_after_a_case_a_household_or_a_family_is_its_possessor() -> None:
    """ "trường hợp ông phẳng", "hộ ông sính": the person names whose case or household it is, the topic, not the
    party given the order."""
    people = ["Lò Văn Phẳng", "Tô Thị Nguyệt", "Vi Văn Sính"]
    assert read_tasks("trường hợp ông phẳng hội hỗ trợ năm trăm nghìn từ quỹ nhân đạo", people=people) == []
    text = (
        "còn việc giải thích cho hộ ông sính thì phần chị nguyệt photo quyết định đơn giá đưa cho ông ấy ngay ngày mai"
    )
    assert [t.assignee for t in read_tasks(text, people=people)] == ["Tô Thị Nguyệt"]


def test_the_roll_of_those_present_gives_no_order() -> None:
    text = (
        "Tham dự phiên họp có đồng chí Đoàn Ngọc Sơn, Phó Tổng Thanh tra Chính phủ, đại diện cơ quan chủ trì soạn thảo."
    )
    assert read_tasks(text, people=["Đoàn Ngọc Sơn"]) == []


def test_setting_up_the_meeting_is_told_from_orders() -> None:
    """The roll, the opening and the agenda name people, bodies and verbs but order nothing (the generator reads no task
    in them); an order given for today, or of a report in parts, is none of them."""
    people = ["Lê Thị Mai", "Phan Văn Đức", "Đỗ Văn Hải"]
    setup = [
        "Có mặt 11 trên 12 ủy viên; vắng có lý do đồng chí Phan Văn Đức.",
        "Ban chấp hành có 9 người, có mặt đủ 9; chị Lê Thị Mai, kế toán, xin vắng vì đi tập huấn.",
        "Về phía Sở có đồng chí Đỗ Văn Hải, Phó Giám đốc, và chị Lê Thị Mai, chuyên viên.",
        "dự cuộc họp hôm nay có anh đỗ văn hải phó chủ tịch xã và chị lê thị mai kế toán",
        "Hôm nay, ngày 3 tháng 4 năm 2025, Ban chỉ đạo xã họp để đánh giá công tác quý I.",
        "bây giờ tôi xin khai mạc buổi họp chi bộ hôm nay ngày mười lăm tháng ba để bàn công tác phát triển đảng viên",
        "Cuộc họp có ba nội dung: một, Văn phòng báo cáo; hai, các phòng góp ý; ba, biểu quyết.",
    ]
    for text in setup:
        assert sets_up(text), text
    orders = {
        "Buổi chiều chị Mai gửi Văn phòng báo cáo gồm hai phần.": "Lê Thị Mai",
        "Hôm nay chị Mai gửi danh sách cho Văn phòng.": "Lê Thị Mai",
    }
    for text, assignee in orders.items():
        assert not sets_up(text), text
        assert [t.assignee for t in read_tasks(text, held=date(2025, 3, 14), people=people)] == [assignee], text


def test_running_a_ballot_or_thanking_a_speaker_gives_no_order() -> None:
    """Handing out ballots or leaving the room for a secret vote is procedure; a speaker thanked before the floor is
    given to the next is no party; a second title after the name is no part of the action."""
    people = ["Lê Thị Mai", "Phan Văn Đức", "Đỗ Văn Hải"]
    for text in (
        "Đề nghị chị Mai phát phiếu bầu.",
        "Đề nghị anh Đức tạm ra ngoài để chi bộ bỏ phiếu.",
        "cảm ơn anh đức mời anh đỗ văn hải phó chủ tịch nói thêm về kinh phí",
        "Đề nghị đồng chí Đỗ Văn Hải, Phó Chủ tịch, ủy viên thường trực, đọc tờ trình.",
    ):
        assert read_tasks(text, held=date(2025, 3, 14), people=people) == [], text
    (task,) = read_tasks("Chị Mai, Trưởng ban, công chức văn hóa, lập dự toán lễ hội.", people=people)
    assert (task.assignee, task.action) == ("Lê Thị Mai", "lập dự toán lễ hội")


def test_a_body_before_the_order_word_gives_the_order_and_the_party_after_it_is_assigned() -> None:
    """The presiding body or its head said before "giao", "đề nghị", "yêu cầu", "chỉ đạo" (its agreement between them
    too) gives the order; a person by honorific directing a body, or with a verb of their own first, does the work."""
    said = {
        "Ban Thường vụ đề nghị Hội Nông dân xã rà soát danh sách hộ nghèo.": "Hội Nông dân xã",
        "Giám đốc Sở chỉ đạo Phòng Quản lý đô thị kiểm tra lại hồ sơ cấp phép.": "Phòng Quản lý đô thị",
        "Hội nghị thống nhất giao Văn phòng chuẩn bị hội trường, xong trước ngày 20/3.": "Văn phòng",
        "chi ủy nhất trí phân công đồng chí Hà theo dõi tổ liên gia": "Hà",
        "Chị Hạnh chỉ đạo tổ kế toán đối chiếu công nợ.": "Hạnh",
        "Anh Vinh liên hệ Công an huyện đề nghị hỗ trợ phân luồng.": "Vinh",
    }
    for text, assignee in said.items():
        assert [t.assignee for t in read_tasks(text, held=date(2025, 3, 14))] == [assignee], text


def test_a_speakers_request_a_body_answering_for_itself_and_a_question_give_no_order() -> None:
    """ "Tôi đề nghị <body> xem xét …" is a member's request (to a person or with a deadline, the chair's order);
    "<body> xin tiếp thu", "em xin báo cáo" the speaker's own promise or report; a question asks, it orders nothing."""
    for text in (
        "Tôi đề nghị Ủy ban nhân dân huyện xem xét hỗ trợ kinh phí sửa cầu.",
        "Thưa chủ tọa, chúng tôi đề nghị Sở Xây dựng quan tâm tuyến đường này.",
        "Phòng Tài chính xin tiếp thu và sẽ bổ sung số liệu.",
        "Dạ, em xin báo cáo: hồ sơ đã gửi từ ngày 10/3.",
        "Anh Tùng có ý kiến gì thêm về phương án không?",
    ):
        assert read_tasks(text, held=date(2025, 3, 14)) == [], text
    ordered = read_tasks("Tôi đề nghị Phòng Nội vụ nộp hồ sơ trước ngày 20/3.", held=date(2025, 3, 14))
    assert [t.assignee for t in ordered] == ["Phòng Nội vụ"]
    assert [t.assignee for t in read_tasks("tôi đề nghị anh hùng kiểm tra lại danh sách")] == ["hùng"]


def test_deadlines_that_name_an_event_a_count_of_days_or_a_bare_date() -> None:
    """ "trước <event>" to the clause's end, "trong (vòng) N ngày" spoken or in digits, a date after "ngày" alone, "từ
    đầu tháng", "cuối tháng", a quarter with its year after "/", and a spoken quarter cut whole ("quý hai")."""
    held = date(2025, 3, 14)
    cases = {
        "Văn phòng hoàn thiện tờ trình trước kỳ họp thứ hai của Hội đồng.": ("trước kỳ họp thứ hai của Hội đồng", None),
        "tổ chuyên môn nộp đề xong trước kỳ thi cuối năm để còn in": ("trước kỳ thi cuối năm", None),
        "Chi hội nộp danh sách trước khi tổng kết năm học; thiếu thì bổ sung.": ("trước khi tổng kết năm học", None),
        "anh sơn sửa lại bơm trong vòng bảy ngày": ("trong vòng bảy ngày", None),
        "giải quyết hồ sơ trong 3 ngày làm việc": ("trong 3 ngày làm việc", None),
        "Tổ soạn thảo sửa dự thảo, ngày 25/3 gửi lại.": ("ngày 25/3", date(2025, 3, 25)),
        "tổ bảo vệ trực từ đầu tháng tư": ("từ đầu tháng tư", None),
        "kế toán chốt sổ cuối tháng": ("cuối tháng", None),
        "hoàn thành trong quý III/2025.": ("trong quý III/2025", date(2025, 9, 30)),
        "ban văn nghệ tập xong trong quý hai": ("trong quý hai", date(2025, 6, 30)),
    }
    for text, (said, due) in cases.items():
        deadline = find_deadline(text, held=held)
        assert deadline is not None and (deadline.text, deadline.due) == (said, due), text
    assert find_deadline("dọn sạch đoạn mương trước chợ", held=held) is None  # a place, no event
    assert find_deadline("từ đầu năm đến nay đã thu được 60%", held=held) is None
    asked = read_tasks("Tôi đề nghị Ban Thanh tra nhân dân nên xem xét lại trước khi kết luận.", held=held)
    assert asked == []  # a body asked to consider: a request, whatever date it says


def test_a_person_is_written_without_honorific_or_the_title_said_after_the_name() -> None:
    """As the conventions write assignees: no honorific ("Cô Hằng" -> "Hằng"), no title said right after the name
    without a comma ("anh tài tổ trưởng tổ bảo vệ"), but a Southern birth-order name keeps its honorific ("chú Tư":
    "Tư" alone is a number)."""
    said = {
        "Cô Hằng thủ quỹ lập bảng kê các khoản thu.": "Hằng",
        "anh tài tổ trưởng tổ bảo vệ đi kiểm tra lại hàng rào": "tài",
        "chú Tư trưởng ấp báo cho bà con họp tổ.": "chú Tư",
        "ông Bảy lo phần loa đài nha": "ông Bảy",
    }
    for text, assignee in said.items():
        assert [t.assignee for t in read_tasks(text)] == [assignee], text
    deadline = find_deadline("anh sơn nộp báo cáo chiều thứ sáu này", held=date(2025, 3, 12))
    assert deadline is not None and (deadline.text, deadline.due) == ("chiều thứ sáu này", date(2025, 3, 14))


def test_offices_of_state_and_commune_cadres_are_parties_and_a_title_before_a_full_name_is_dropped() -> None:
    held = date(2025, 3, 14)
    said = {
        "Hội đồng thống nhất giao Viện Chăn nuôi khảo sát lại giống bò, báo cáo trước ngày 30/6.": "Viện Chăn nuôi",
        "Chủ tọa đề nghị Tổng Thư ký tổng hợp các ý kiến.": "Tổng Thư ký",
        "khu phố hai đo lại vỉa hè trong vòng bảy ngày": "khu phố hai",
        "Bảo hiểm xã hội huyện rà soát hồ sơ, báo cáo trước 15/4.": "Bảo hiểm xã hội huyện",
        "Công chức tư pháp Lê Văn Hùng hướng dẫn hai hộ làm thủ tục.": "Lê Văn Hùng",
    }
    for text, assignee in said.items():
        assert [t.assignee for t in read_tasks(text, held=held)] == [assignee], text
    assert [t.assignee for t in read_tasks("UBND xã Hòa Bình Tây rà soát lại danh sách.")] == ["UBND xã Hòa Bình Tây"]


def test_a_deadline_said_for_every_order_is_each_ones() -> None:
    """ "…; cả hai việc xong trước …" names every order before it; a person whose given name is an honorific ("Trần Đức
    Anh") is no bare "anh", and a second person after a comma gives a clause of their own."""
    held = date(2025, 3, 14)
    text = "Phòng Tổ chức rà soát hồ sơ, Phòng Tài vụ lập dự toán; cả hai việc xong trước 31/3."
    assert [(t.assignee, t.deadline and t.deadline.text) for t in read_tasks(text, held=held)] == [
        ("Phòng Tổ chức", "trước 31/3"),
        ("Phòng Tài vụ", "trước 31/3"),
    ]
    people = ["Trần Đức Anh", "Lê Thị Bích"]
    text = "Anh Trần Đức Anh kiểm tra hồ sơ xây lắp, chị Lê Thị Bích kiểm tra chứng từ; cả hai xong trước 25/3."
    tasks = read_tasks(text, held=held, people=people)
    assert [(t.assignee, t.deadline and t.deadline.due) for t in tasks] == [
        ("Trần Đức Anh", date(2025, 3, 25)),
        ("Lê Thị Bích", date(2025, 3, 25)),
    ]
    one = read_tasks("Văn phòng lập danh sách, Phòng Nội vụ thẩm định; báo cáo trước 31/3.", held=held)
    assert [t.deadline is not None for t in one] == [False, True]  # not named all: the last order's


def test_a_motion_put_to_the_vote_and_two_bodies_one_order_directs_are_no_new_orders() -> None:
    held = date(2025, 3, 14)
    assert read_tasks("Bây giờ biểu quyết việc đề nghị Tòa án tỉnh bổ sung một thư ký.", held=held) == []
    text = "Giao đồng chí Lê Văn Tú chỉ đạo Công an xã và công chức tư pháp rà soát hồ sơ trong tháng này."
    tasks = read_tasks(text, held=held, people=["Lê Văn Tú"])
    assert [(t.assignee, t.deadline and t.deadline.text) for t in tasks] == [("Lê Văn Tú", "trong tháng này")]
    weekends = read_tasks("Tôi giao Đội Cảnh sát giao thông lập chốt vào các ngày cuối tuần.", held=held)
    assert [(t.assignee, t.deadline) for t in weekends] == [("Đội Cảnh sát giao thông", None)]  # each weekend: no date


def test_orders_after_a_concluding_colon_a_bare_honorific_resumed_and_what_was_just_done() -> None:
    held = date(2025, 3, 14)
    text = "Qua thảo luận, chi bộ kết luận: Chi ủy rà soát hồ sơ đảng viên, xong trong tháng 4."
    assert [(t.assignee, t.deadline and t.deadline.text) for t in read_tasks(text, held=held)] == [
        ("Chi ủy", "trong tháng 4")
    ]
    resumed = read_tasks("Nhờ anh Lê Văn Tâm sửa máy in, trong tuần sau anh xử lý giúp tôi.", people=["Lê Văn Tâm"])
    assert [t.assignee for t in resumed] == ["Lê Văn Tâm"]
    assert read_tasks("Đồng chí Lê Văn Tâm mới chuyển sinh hoạt về chi bộ.", people=["Lê Văn Tâm"]) == []
    assert [t.assignee for t in read_tasks("Anh làm luôn giúp tôi bản tổng hợp.")] == ["Anh"]  # "you", no name "làm"
    recalled = "Về xếp loại, chi bộ đã thống nhất giao đồng chí Dũng tổng hợp từ tháng trước, đến nay đã xong."
    assert read_tasks(recalled, people=["Mạc Văn Dũng"]) == []  # the body's order recalled, not given now


def test_particles_after_the_order_word_keep_the_order() -> None:
    """Spoken "giao luôn nha …", "nhờ nhé …": sentence particles between the order word and the party."""
    for text, assignee in {
        "vậy giờ giao luôn nha hội phụ nữ xã vận động chị em đi khám trước ngày hai mươi": "hội phụ nữ xã",
        "thôi nhờ nhé anh bình chở loa ra hội trường": "bình",
    }.items():
        assert [t.assignee for t in read_tasks(text, held=date(2025, 3, 14))] == [assignee], text


def test_the_roll_said_with_a_bare_co_before_each_person_gives_no_order() -> None:
    """ "Có" before a person, said first or after the members are counted, names who is there: the roll, however the
    titles after the names read ("…, làm thư ký")."""
    for text in (
        "Có anh Đỗ Văn Hải, Phó Giám đốc Trung tâm, làm thư ký; chị Lê Thị Mai bên Phòng Y tế.",
        "bữa nay đủ bảy người trong ban có cô lê thị mai phó trưởng ban thầy đỗ văn hải thư ký",
    ):
        assert sets_up(text), text
    assert not sets_up("Chị Mai có trách nhiệm gửi danh sách cho Văn phòng.")


def _assignees(text: str, people: list[str]) -> list[str]:
    """Who `read_tasks` gives orders to in `text`, said at a meeting of 14 March 2025 with `people` present."""
    return [t.assignee for t in read_tasks(text, held=date(2025, 3, 14), people=people)]


def test_an_order_recalled_with_the_affirming_co_or_a_time_past_is_no_new_order() -> None:
    """The chair recalling what was ordered before ("tui có giao …", "năm ngoái tui giao …", usually to complain it is
    not done) gives no order now; a time past said as a topic before a comma leaves the order that follows."""
    people = ["Lê Thị Mai", "Phan Văn Đức"]
    for text in (
        "Hồi tháng Hai tui có giao các thôn rà soát lại hộ nghèo mà tới chừ mới có hai thôn nộp.",
        "năm ngoái tui giao văn phòng sửa cái loa mà tới giờ vẫn chưa xong",
        "vụ bảng kê hồi họp tháng trước tôi có giao phòng thống kê phối hợp rồi mà sao còn thiếu",
    ):
        assert _assignees(text, people) == [], text
    text = "Việc tháng trước chưa xong, giao chị Mai làm tiếp trước ngày 20/3."
    assert _assignees(text, people) == ["Lê Thị Mai"]


def test_people_listed_after_a_possessor_or_those_thanked_are_no_parties() -> None:
    """A person after a comma, "với" or "và" continues the list the one before began: after "hộ", "cảm ơn" … all of
    them are possessors or objects, not parties given an order; a list after an order word stays its party."""
    people = ["Trần Văn Ri", "Nguyễn Thị Sương", "Lưu Thị Tám", "Dương Thị Bông", "Phan Văn Đức"]
    for text in (
        "Ba hộ ông Ri, bà Sương, bà Tám đủ điều kiện, đưa vô danh sách hỗ trợ.",
        "Cảm ơn ông Đức, bà Bông với anh chị trong tổ hòa giải.",
    ):
        assert _assignees(text, people) == [], text
    text = "Giao ông Ri, bà Sương rà soát lại danh sách trước ngày 20/3."
    assert _assignees(text, people) == ["Trần Văn Ri"]
    text = "Còn việc bác sĩ trạm y tế, anh Đức làm việc với Trung tâm Y tế huyện."  # "bác sĩ" is no honorific
    assert _assignees(text, people) == ["Phan Văn Đức"]


def test_a_person_addressed_before_a_conjunction_is_no_party() -> None:
    """A conjunction begins no predicate: a person before "nhưng" or "mà" was addressed, not given an order."""
    text = "phụ cấp thì không có mô anh đức nhưng cuối năm xã khen tổ nào làm tốt"
    assert _assignees(text, ["Phan Văn Đức"]) == []


def test_an_unpunctuated_question_and_the_public_addressed_give_no_order() -> None:
    """A question's final particle ("… không", "… chưa ạ") asks, unless a verb embeds it ("xuống coi … chưa" is an
    order to check); "bà con" are everyone present, exhorted, not a party."""
    people = ["Lê Thị Mai", "Phan Văn Đức"]
    for text in (
        "anh đức ơi tiến độ chậm thì mốc ba mươi tháng chín có giữ được không",
        "còn vụ hồ sơ chị mai đã nộp huyện chưa ạ",
        "alô đề nghị bà con trật tự ngồi lên ghế trên này",
    ):
        assert _assignees(text, people) == [], text
    text = "Chị Mai tới ngày 20/3 xuống coi lại hộ đó sửa nhà chưa."
    assert _assignees(text, people) == ["Lê Thị Mai"]


def test_a_body_named_by_its_work_then_the_order_verb() -> None:
    """Two verbs at once after a one-word head: the first names the body by its work, the second is the order's verb;
    a whole name ("Chi ủy") keeps a verb and its object after it."""
    assert _assignees("đề nghị tổ thẩm định rà soát lại hồ sơ đấu thầu gói số ba", []) == ["tổ thẩm định"]
    assert _assignees("giao nhóm khảo sát đi thực địa ở hai xã vùng cao", []) == ["nhóm khảo sát"]
    assert _assignees("Chi ủy tổ chức kiểm điểm các đảng viên chậm nộp đảng phí.", []) == ["Chi ủy"]


def test_a_second_order_without_punctuation_when_parallel() -> None:
    """Unpunctuated speech: a second body starts an order of its own when it does the same verb or is marked by
    "thì"; a person's word after a body's head ("đoàn đại biểu") is part of the body, no second party."""
    text = "giao phòng văn hóa kiểm tra các điểm karaoke phòng y tế kiểm tra các cơ sở ăn uống"
    assert _assignees(text, []) == ["phòng văn hóa", "phòng y tế"]
    text = "ban tài chính lập dự toán xong trước ngày mười tháng tư ban tuyên giáo thì viết bài tuyên truyền"
    assert _assignees(text, []) == ["ban tài chính", "ban tuyên giáo"]
    text = "giao văn phòng soạn công văn gửi các đoàn đại biểu tỉnh trước khi họp"
    assert _assignees(text, []) == ["văn phòng"]
    text = "giao phòng nội vụ soạn tờ trình trình ban thường vụ xem xét"  # an object, not parallel
    assert _assignees(text, []) == ["phòng nội vụ"]


def test_a_bare_day_inside_an_order_and_a_rate_that_is_none() -> None:
    """ "ngày N" said inside an order is the day it is to be done (the first such day after the meeting); "mỗi ngày 2
    lần" is a rate."""
    held = date(2025, 3, 14)
    found = find_deadline("thủ quỹ lập bảng chi ngày mười tám gửi lên xã", held=held)
    assert found is not None and (found.text, found.due) == ("ngày mười tám", date(2025, 3, 18))
    assert find_deadline("phun thuốc mỗi ngày 2 lần ở chuồng trại", held=held) is None
    assert find_deadline("trực ngày 3 ca ở chốt", held=held) is None


def test_a_party_inside_the_topic_directs_no_order() -> None:
    """Only a party where a subject stands (first, or after a topic) gives the order it precedes: one inside a noun
    phrase of the topic ("ý kiến của cử tri thôn Đông …") does not, and the order goes to the party after the order
    word."""
    text = "Ý kiến của cử tri thôn Đông về mương nước, Thường trực giao cho Trưởng thôn Đông khảo sát, báo lại."
    assert _assignees(text, []) == ["Trưởng thôn Đông"]
    text = "Buổi tập văn nghệ của câu lạc bộ tuần sau nhờ chị Hoa chuẩn bị tiết mục múa."
    assert _assignees(text, []) == ["Hoa"]


def test_the_peoples_committee_called_short_is_written_by_its_name() -> None:
    """ "ủy ban xã/phường/huyện …" is the people's committee of that level, written "Ủy ban nhân dân …"; another
    committee ("ủy ban kinh tế") keeps its name."""
    assert _assignees("đề nghị ủy ban huyện bố trí vốn làm cầu tràn trước mùa mưa", []) == ["ủy ban nhân dân huyện"]
    assert _assignees("Ủy ban phường lập danh sách hộ nghèo.", []) == ["Ủy ban nhân dân phường"]
    assert _assignees("giao ủy ban kinh tế thẩm tra dự án", []) == ["ủy ban kinh tế"]


def test_a_spoken_month_or_day_never_runs_past_its_highest_number() -> None:
    """ "tháng mười năm nay" is October this year: a spoken month stops before a word that would make it pass 12 (a
    day 31)."""
    found = find_deadline("chậm nhất ngày hai mươi tháng mười năm nay", held=date(2025, 9, 16))
    assert found is not None and found.due == date(2025, 10, 20)
    found = find_deadline("trước ngày mười lăm tháng mười hai", held=date(2025, 9, 16))
    assert found is not None and found.due == date(2025, 12, 15)


def test_a_body_called_short_takes_the_name_said_in_a_title() -> None:
    """A body the meeting named in full in someone's title ("Chánh Văn phòng Sở …") is written so when a task calls it
    short, if exactly one such name says every word of the short one in order."""
    said = [
        Segment(id=0, start=0, end=5, text="Dự có đồng chí Lò Văn Tâm, Chánh Văn phòng Sở Nông nghiệp và Môi trường."),
        Segment(id=1, start=5, end=9, text="có anh hà văn sơn giám đốc công ty cổ phần cấp nước bản lầm cùng đi"),
    ]
    named = bodies(said)
    assert named == ["Văn phòng Sở Nông nghiệp và Môi trường", "công ty cổ phần cấp nước bản lầm"]
    assert named_in_full("Văn phòng", named) == "Văn phòng Sở Nông nghiệp và Môi trường"
    assert named_in_full("công ty cấp nước", named) == "Công ty cổ phần cấp nước bản lầm"
    assert named_in_full("Phòng Kinh tế", named) == "Phòng Kinh tế"


def test_a_weekday_with_its_date_a_night_and_a_quarters_session() -> None:
    """A weekday said with its date gives that date; "đêm nay" is tonight; "tại phiên họp quý III" names a session."""
    found = find_deadline("nộp báo cáo chậm nhất thứ Năm, ngày 22 tháng 5.", held=date(2025, 5, 2))
    assert found is not None and (found.text, found.due) == ("chậm nhất thứ Năm, ngày 22 tháng 5", date(2025, 5, 22))
    found = find_deadline("tổ tuần tra ra chốt từ đêm nay", held=date(2025, 5, 2))
    assert found is not None and found.due == date(2025, 5, 2)
    found = find_deadline("trình lại tại phiên họp quý IV", held=date(2025, 5, 2))
    assert found is not None and found.text == "tại phiên họp quý IV"


def test_four_word_names_particles_and_orders_without_an_action() -> None:
    """A person of a four-word name (common in the South and Centre) is present by full name or by honorific and
    given name; a particle before the verb ("cứ", "vẫn") is no part of the party's name; a party with no verb after it
    gives no order (a list of who speaks on what, a judgement)."""
    people = ["Thạch Thị Ngọc Hương", "Võ Văn Tùng"]
    four = read_tasks("Trong khi chờ, chị Hương cứ liên hệ trước với Trạm Y tế xã.", people=people)
    assert [(t.assignee, t.action) for t in four] == [("Thạch Thị Ngọc Hương", "liên hệ trước với Trạm Y tế xã")]
    body = read_tasks("Văn phòng cứ gửi giấy mời như kế hoạch.")
    assert [(t.assignee, t.action) for t in body] == [("Văn phòng", "gửi giấy mời như kế hoạch")]
    assert read_tasks("Chuyên đề tháng sau: anh Tùng Nghị định 100, chị Hương Thông tư 24.", people=people) == []


def test_a_contract_for_the_season_is_no_second_order() -> None:
    """ "hợp đồng thời vụ" (a seasonal contract) holds "đồng thời" ("at the same time") across two words: no cut."""
    found = read_tasks("Chị Hòa lập dự toán thuê lao động hợp đồng thời vụ, gửi Sở Tài chính trước ngày 5 tháng 11.")
    assert [(t.assignee, t.action) for t in found] == [
        ("Hòa", "lập dự toán thuê lao động hợp đồng thời vụ, gửi Sở Tài chính")
    ]
    both = read_tasks("Anh Tâm sửa mái kho, đồng thời chị Hòa kiểm kê lại hồ sơ.")
    assert [t.assignee for t in both] == ["Tâm", "Hòa"]


def test_words_that_fold_like_a_decision_are_no_decision() -> None:
    """The meeting's own decisions and reports ("đã", "đang", "vắng", "thống nhất") give no order, read with their tone
    marks: folded, the surnames Đặng and Vàng, the "Đa" of a general hospital and the verb "đăng ký" look like them."""
    people = ["Đặng Thị Hoa", "Vàng A Páo"]
    surname = read_tasks("Chị Đặng Thị Hoa lập danh sách hộ nghèo, gửi Văn phòng trước thứ Sáu.", people=people)
    assert [t.assignee for t in surname] == ["Đặng Thị Hoa"]
    highland = read_tasks("Anh Vàng A Páo vận động các hộ trong bản đưa trâu đi tiêm phòng.", people=people)
    assert [t.assignee for t in highland] == ["Vàng A Páo"]
    hospital = read_tasks("Bệnh viện Đa khoa huyện chuẩn bị hai kíp cấp cứu cho ngày hội.")
    assert [(t.assignee, t.action) for t in hospital] == [
        ("Bệnh viện Đa khoa huyện", "chuẩn bị hai kíp cấp cứu cho ngày hội")
    ]
    party = read_tasks("Đề nghị Đảng ủy xã Tân Hòa chỉ đạo rà soát quỹ đất công ích trong quý IV.")
    assert [t.assignee for t in party] == ["Đảng ủy xã Tân Hòa"]  # "Đảng" folds like "đang"
    register = read_tasks("Anh Long đăng ký sân thi đấu với Ban tổ chức trước ngày 10.")
    assert [(t.assignee, t.action) for t in register] == [("Long", "đăng ký sân thi đấu với Ban tổ chức")]
    assert read_tasks("Phòng Tài chính đã chuyển kinh phí cho các xã.") == []  # a report of what was done
    assert read_tasks("Phòng Nội vụ đang hoàn thiện đề án.") == []
    assert read_tasks("Chi hội thống nhất mức đóng góp năm nay.") == []
    assert read_tasks("phong tai chinh da chuyen kinh phi cho cac xa") == []  # written without tone marks: folded


def test_a_given_name_that_is_also_a_title_word() -> None:
    """ "Khoa" (a department) and "Trường" (a school) are common given names: capitalised right after the name's
    other words, closing the party, they end the name; a title or unit after a name is lower case or runs on."""
    named = read_tasks("Đồng chí Lê Văn Khoa hoàn thiện tờ trình, gửi Văn phòng trước thứ Sáu.")
    assert [t.assignee for t in named] == ["Lê Văn Khoa"]
    assert [t.assignee for t in read_tasks("Anh Đỗ Minh Trường liên hệ nhà xe cho đoàn.")] == ["Đỗ Minh Trường"]
    assert [t.assignee for t in read_tasks("Anh Hùng trưởng thôn vận động bà con dọn kênh.")] == ["Hùng"]
    assert [t.assignee for t in read_tasks("Chị Lan Khoa Dược lập dự trù thuốc quý tới.")] == ["Lan"]
