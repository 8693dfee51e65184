"""Vietnamese cue phrases and slot readers: votes with counts, tasks with assignee and deadline, conclusions;
task detection by the sentence classifier."""

from __future__ import annotations

from datetime import date

from minutes.classifier import default_classifier
from minutes.cues import find_deadline, find_vote, fold, for_every_vote, is_conclusion, says_agreed, spoken_numbers
from minutes.slots import read_tasks


def test_fold_keeps_length_so_spans_map_back() -> None:
    text = "Đề nghị Sở Tài chính báo cáo trước ngày 15/7"
    assert fold(text) == "de nghi so tai chinh bao cao truoc ngay 15/7"
    assert len(fold(text)) == len(text)
    assert fold("Đe\u0300 nghi\u0323") == fold("Đề nghị")  # decomposed input (NFD) folds the same


def test_spoken_counts_become_digits_but_words_stay_words() -> None:
    assert spoken_numbers("co bon muoi lam dai bieu tan thanh") == "co 45 dai bieu tan thanh"
    assert spoken_numbers("mot tram hai muoi mot phieu") == "121 phieu"
    assert spoken_numbers("nam dai bieu") == "5 dai bieu"
    assert spoken_numbers("dau tu trong nam nay") == "dau tu trong nam nay"
    assert spoken_numbers("khong tan thanh") == "khong tan thanh"


def test_vote_counts_in_every_usual_form() -> None:
    vote = find_vote(
        "Có 45/48 đại biểu tán thành, 2 đại biểu không tán thành, 1 đại biểu không biểu quyết.", chair=True
    )
    assert vote is not None
    assert (vote.in_favour, vote.against, vote.abstain, vote.total) == (45, 2, 1, 48)
    spoken = find_vote("Có bốn mươi hai đại biểu tán thành, không có đại biểu nào không tán thành.", chair=True)
    assert spoken is not None and (spoken.in_favour, spoken.against) == (42, 0)
    short = find_vote("Tán thành 30, không tán thành 0, không biểu quyết 3.", chair=True)
    assert short is not None and (short.in_favour, short.against, short.abstain) == (30, 0, 3)
    percent = find_vote("Nghị quyết đã được thông qua với 100% đại biểu có mặt tán thành.", chair=True)
    assert percent is not None and percent.in_favour is None and percent.passed is True
    rejected = find_vote("Tờ trình không được thông qua do chỉ có 20/48 đại biểu tán thành.", chair=True)
    assert rejected is not None and rejected.passed is False and rejected.total == 48


def test_agreeing_in_debate_is_not_a_vote() -> None:
    assert find_vote("Tôi tán thành với ý kiến của đại biểu Hùng.", chair=False) is None
    assert find_vote("Tôi xin đề nghị chủ tọa cho biểu quyết riêng từng dự án.", chair=False) is None
    assert find_vote("Đề nghị các vị đại biểu biểu quyết thông qua nghị quyết.", chair=True) is not None


def test_task_assignee_action_and_deadline() -> None:
    held = date(2025, 7, 1)
    (task,) = read_tasks(
        "Giao Sở Tài chính chủ trì, phối hợp với Sở Kế hoạch và Đầu tư rà soát danh mục, báo cáo trước ngày 15/7/2025.",
        held=held,
    )
    assert task.assignee == "Sở Tài chính"
    assert task.action.startswith("chủ trì, phối hợp với Sở Kế hoạch và Đầu tư")
    assert task.deadline is not None and task.deadline.text == "trước ngày 15/7/2025"
    assert task.deadline.due == date(2025, 7, 15)
    (named,) = read_tasks("Yêu cầu Sở Xây dựng khẩn trương kiểm tra công trình, báo cáo trong tháng 8.", held=held)
    assert named.assignee == "Sở Xây dựng"  # a capitalised name is not the verb "xây dựng"
    assert named.deadline is not None and named.deadline.due == date(2025, 8, 31)
    (listed,) = read_tasks("Các sở, ngành liên quan khẩn trương rà soát thủ tục, hoàn thành trong quý IV.", held=held)
    assert listed.assignee == "Các sở, ngành liên quan"
    assert listed.deadline is not None and listed.deadline.due == date(2025, 12, 31)


def _no_task(said: list[tuple[str, bool]]) -> None:
    """None of the sentences (text, whether the chair says it) is a task to the classifier."""
    kinds = default_classifier().classify([t for t, _ in said], [c for _, c in said])
    assert all("task" not in kind for kind in kinds), kinds


def test_requests_in_debate_and_reports_are_not_tasks() -> None:
    """Members' requests, reports of past work and invitations to answer: the classifier calls none a task."""
    said = [
        ("Đề nghị Ủy ban nhân dân tỉnh làm rõ nguyên nhân chậm giải ngân.", False),
        ("Năm 2024 Sở Y tế đã hoàn thành việc tiêm chủng.", True),
        ("Đề nghị đồng chí Giám đốc Sở Công Thương trả lời câu hỏi của đại biểu.", True),
        ("Sở Giáo dục đã giao chỉ tiêu tuyển sinh cho các trường.", False),
    ]
    _no_task(said)


def test_deadline_without_a_year_keeps_the_words() -> None:
    deadline = find_deadline("hoàn thành trước ngày 30 tháng 6")
    assert deadline is not None and deadline.text == "trước ngày 30 tháng 6" and deadline.due is None


def test_a_day_of_this_or_next_month() -> None:
    """ "tháng này" / "tháng sau" name a month relative to the meeting; "sau" is not "sáu" (June)."""
    held = date(2025, 12, 3)
    this = find_deadline("giải ngân xong trước ngày 25 tháng này", held=held)
    assert this is not None and this.text == "trước ngày 25 tháng này" and this.due == date(2025, 12, 25)
    after = find_deadline("nộp trước ngày mười lăm tháng sau", held=held)
    assert after is not None and after.due == date(2026, 1, 15)
    period = find_deadline("hoàn thành trong tháng sau", held=held)
    assert period is not None and period.due is None
    six = find_deadline("nộp trước ngày 5 tháng sáu", held=held)
    assert six is not None and six.due == date(2026, 6, 5)


def test_conclusions_of_the_chair_not_of_members() -> None:
    assert is_conclusion("Thay mặt chủ tọa kỳ họp, tôi xin kết luận nội dung này như sau.", chair=True)
    assert is_conclusion("Hội đồng nhân dân thống nhất cao với tờ trình.", chair=True)
    assert is_conclusion("TÓM LẠI, CÁC Ý KIẾN ĐỀU THỐNG NHẤT.", chair=True)  # case-insensitive
    assert is_conclusion("Tom lai, cac y kien deu thong nhat.", chair=True)  # typed without diacritics
    assert not is_conclusion("Chúng ta cần thống nhất lịch làm việc.", chair=True)
    assert is_conclusion("Cơ bản nhất trí với dự thảo kế hoạch, bổ sung xã Vĩnh Lạc.", chair=True)  # not "có"
    assert not is_conclusion("Có 9 đồng chí nhất trí.", chair=True)
    assert not is_conclusion("Theo kết luận của Thanh tra, sai phạm xảy ra năm 2020.", chair=False)
    assert not is_conclusion("Hội đồng nhân dân thống nhất cao với tờ trình.", chair=False)


def test_counts_without_punctuation_and_totals_said_at_the_end() -> None:
    said = "báo cáo chủ tọa có mười chín trên hai mươi đại biểu tán thành một đại biểu không tán thành"
    asr = find_vote(said, chair=False)
    assert asr is not None and (asr.in_favour, asr.against, asr.total) == (19, 1, 20)
    read = find_vote(
        "Kết quả biểu quyết: 17 đại biểu tán thành, 2 đại biểu không tán thành, 2 đại biểu không biểu quyết, "
        "trên tổng số 21 đại biểu có mặt.",
        chair=False,
    )
    assert read is not None and (read.in_favour, read.against, read.abstain, read.total) == (17, 2, 2, 21)


def test_those_present_said_before_the_counts_are_the_total() -> None:
    """Whoever is present, said first ("Có mặt 7", "26 hộ có mặt", "tất cả 12 … có mặt"), is the vote's whole; "không ai
    phản đối" is none against."""
    cases = {
        "Có mặt 7, giơ tay 7, không ai phản đối.": (7, 0, 7),
        "dạ ba mươi hộ có mặt ba mươi hộ đồng ý hết": (30, None, 30),
        "Tất cả 15 ủy viên có mặt đều tán thành.": (15, None, 15),
        "Có mặt 11 trên 11 thành viên, 11 thành viên nhất trí.": (11, None, 11),
    }
    for text, counts in cases.items():
        vote = find_vote(text, chair=False)
        assert vote is not None and (vote.in_favour, vote.against, vote.total) == counts, text


def test_results_said_in_a_few_words() -> None:
    """The chair's short result after the counts says the vote passed; a share of 100% alone says no result (it is a
    count: CONVENTIONS), a share reached that leads to the outcome does."""
    for text in ("vậy thông qua nhé", "Như vậy hai chị được kết nạp."):
        vote = find_vote(text, chair=True)
        assert vote is not None and vote.passed is True, text
    counted = find_vote("Mười lăm trên mười lăm đồng chí tán thành, đạt 100 phần trăm.", chair=False)
    assert counted is not None and (counted.in_favour, counted.total, counted.passed) == (15, 15, None)
    assert find_vote("Thu ngân sách đạt 100% dự toán.", chair=True) is None
    reached_texts = (
        "Có 58 hộ đồng ý trên tổng số 61 hộ, đạt 95%, đủ điều kiện làm đường.",
        "bảy phiếu đồng ý đạt trên năm mươi phần trăm nên được công nhận",
    )
    for text in reached_texts:
        reached = find_vote(text, chair=True)
        assert reached is not None and reached.passed is True, text
    scheduled = find_vote("Biểu quyết về việc đủ điều kiện trình kỳ họp: tán thành 29, không tán thành 3.", chair=True)
    assert scheduled is not None and scheduled.passed is None


def test_the_meeting_agreeing_and_a_result_of_several_motions() -> None:
    """`says_agreed`: the body's decision, not the speaker's opinion, a question or a refusal; `for_every_vote`: a
    result said of all the motions just voted on."""
    agreed = [
        "Chi bộ nhất trí đề nghị kết nạp.",
        "vậy là thống nhất giữ giá bơm như năm ngoái",
        "Như vậy, Hội nghị đã thống nhất thông qua kế hoạch.",
        "tập thể lớp nhất trí chọn phương án một",
    ]
    not_agreed = [
        "Tôi nhất trí với ý kiến của anh Nam.",
        "ai nhất trí thì giơ tay",
        "Hội đồng chưa thống nhất được.",
        "tui nhất trí",
        "Ban chấp hành nhất trí với đề nghị của thôn.",
    ]
    assert [says_agreed(t) for t in agreed] == [True] * len(agreed)
    assert [says_agreed(t) for t in not_agreed] == [False] * len(not_agreed)
    assert for_every_vote("Cả hai nghị quyết đã được Hội đồng thông qua.")
    assert for_every_vote("các tờ trình vừa biểu quyết đều được thông qua")
    assert not for_every_vote("Nghị quyết đã được thông qua.")


def test_vote_calls_and_results_in_other_words() -> None:
    call = find_vote("Đề nghị các thành viên Ủy ban biểu quyết về phương án hai.", chair=True)
    assert call is not None and call.call and not call.has_counts
    failed = find_vote("Phương án hai không được Ủy ban thông qua.", chair=True)
    assert failed is not None and failed.passed is False
    restated = find_vote("Với 17 trên 21 đại biểu tán thành, Hội đồng đã thông qua chủ trương đầu tư.", chair=True)
    assert restated is not None and restated.passed is True and not restated.call


def test_spoken_dates_are_read_and_cut_with_their_words() -> None:
    deadline = find_deadline("khởi công trước ngày mười lăm tháng chín", held=date(2025, 7, 1))
    assert deadline is not None and deadline.text == "trước ngày mười lăm tháng chín"
    assert deadline.due == date(2025, 9, 15)
    month = find_deadline("trình trong tháng mười hai năm nay", held=date(2025, 7, 1))
    assert month is not None and month.text == "trong tháng mười hai" and month.due == date(2025, 12, 31)


def test_meetings_past_orders_exhortations_and_vote_calls_are_not_tasks() -> None:
    said = [
        ("Hôm nay Ủy ban nhân dân huyện họp giao ban tháng 8 để đánh giá tình hình.", True),
        ("Tháng trước Ủy ban đã thống nhất giao Phòng Quản lý đô thị rà soát công trình.", False),
        ("Đề nghị các đồng chí nghiêm túc thực hiện.", True),
        ("Đề nghị các vị đại biểu biểu quyết thông qua việc bổ sung chương trình.", True),
    ]
    _no_task(said)
    assert read_tasks("Hôm nay Ủy ban nhân dân huyện họp giao ban tháng 8 để đánh giá tình hình.") == []
    (task,) = read_tasks("Đề nghị Thường trực Ủy ban chủ động phối hợp tổ chức hội thảo trong tháng 10.")
    assert task.assignee == "Thường trực Ủy ban"
    (goes_on,) = read_tasks("Ban Kinh tế - Xã hội giám sát quá trình thực hiện.")
    assert goes_on.assignee == "Ban Kinh tế - Xã hội"


def test_conclusions_said_as_agreements_not_as_document_names() -> None:
    assert is_conclusion("Thống nhất chủ trương điều chuyển vốn của các dự án giải ngân chậm.", chair=True)
    assert is_conclusion("Như vậy, Ủy ban thống nhất giữ phương án một.", chair=True)
    assert not is_conclusion("Văn phòng tổng hợp kết luận cuộc họp, ban hành thông báo.", chair=True)
    assert not is_conclusion("Thống nhất chủ trương điều chuyển vốn.", chair=False)


def test_hands_raised_to_speak_are_no_call_to_vote() -> None:
    asked = "rồi bây giờ mời bà con phát biểu ý kiến ai có ý kiến thì giơ tay"
    assert find_vote(asked, chair=True) is None
    vote = find_vote("Đồng chí nào nhất trí đề nghị giơ tay.", chair=True)
    assert vote is not None and vote.call
