"""Votes said in wordings no meeting of the development set used (issue 15): totals said apart, who is counted
between the count and its kind, answers to a call's question, elections, outcomes said as thresholds, past votes
recalled, two votes in one sentence, spoken percentages and tens ("năm chục")."""

from __future__ import annotations

import pytest

from core.transcript import ModelRef, Segment, Transcript
from minutes.cues import find_vote, fold, folded_digits
from minutes.extractive import ExtractiveGenerator
from minutes.model import Vote


def _fields(text: str) -> tuple[int | bool | None, ...] | None:
    vote = find_vote(text, chair=True)
    return None if vote is None else (vote.in_favour, vote.against, vote.abstain, vote.total, vote.passed)


@pytest.fixture(scope="module")
def generator() -> ExtractiveGenerator:
    return ExtractiveGenerator()


def _votes(generator: ExtractiveGenerator, text: str) -> list[tuple[int | bool | None, ...]]:
    segment = Segment(id=0, start=0.0, end=12.0, text=text, speaker="Người nói 1")
    votes: list[Vote] = generator.item([segment], title="Biểu quyết", number=1, chair=None, held=None).votes
    return [(v.in_favour, v.against, v.abstain, v.total, v.passed) for v in votes]


def test_a_whole_said_apart_is_the_total_never_a_count() -> None:
    assert _fields("tổng số xã viên có mặt bốn mươi mốt đồng ý ba mươi chín không đồng ý hai") == (
        39,
        2,
        None,
        41,
        None,
    )
    assert _fields("Số phiếu phát ra 33; tán thành 30 phiếu, không tán thành 3 phiếu.") == (30, 3, None, 33, None)
    assert _fields("Có 212 đại biểu tham gia biểu quyết, tán thành 209, không biểu quyết 3.") == (
        209,
        None,
        3,
        212,
        None,
    )
    assert _fields("mười một đồng chí có mặt nhất trí mười một") == (11, None, None, 11, None)


def test_who_is_counted_may_stand_between_the_count_and_its_kind() -> None:
    assert _fields("Có 31/33 đảng viên chính thức tán thành.") == (31, None, None, 33, None)
    assert _fields("hai mươi sáu cô giáo đồng ý") == (26, None, None, None, None)
    assert _fields("bốn trên năm thành viên ban quản trị nhất trí") == (4, None, None, 5, None)


def test_item_numbers_and_the_question_are_no_counts() -> None:
    assert _fields("Xóm 4 đồng ý nâng cấp đường, xóm 6 đề nghị lùi lại.") is None
    hands = _fields("Hội viên nào đồng ý mức phí 30 nghìn đồng một hộ thì giơ tay.")
    assert hands == (None, None, None, None, None)


def test_spoken_percentages_and_tens_are_read_as_written() -> None:
    assert folded_digits("lãi suất tám phần trăm") == "lai suat 8 phan tram"  # "trăm" of "phần trăm" is no 100
    assert folded_digits("năm chục hộ đồng ý") == "50 ho dong y"
    for words in ("các trường tổ chức ba môn", "xét học bạ vì chất lượng", "bọn em đã làm xong"):
        assert folded_digits(words) == fold(words)  # "chức", "vì", "em" are no numbers nor counted
    assert _fields("tán thành bốn mươi hai đại biểu chiếm chín mươi ba phẩy ba phần trăm") == (
        42,
        None,
        None,
        None,
        None,
    )
    assert _fields("lãi suất sáu phần trăm tán thành hai mươi chín") == (29, None, None, None, None)


def test_elections_and_outcomes_said_as_thresholds() -> None:
    assert _fields("Ông Đinh Văn Hà được 40/45 phiếu, trúng cử.") == (40, None, None, 45, True)
    assert _fields("bà lò thị mai được mười hai phiếu trên ba mươi phiếu không trúng cử") == (12, None, None, 30, False)
    assert _fields("Phương án A có 14 đại biểu tán thành, chưa đạt quá bán.") == (14, None, None, None, False)
    assert _fields("có hai mươi hộ đồng ý vậy là quá bán rồi") == (20, None, None, None, True)
    assert _fields("Có mặt 30/31 đại biểu, đạt tỷ lệ 96,8%.") is None  # attendance, no result


def test_a_vote_recalled_or_the_rule_of_votes_is_no_vote() -> None:
    assert _fields("Năm ngoái hội nghị đã biểu quyết 30/32 đồng ý mức đóng góp này.") is None
    assert _fields("Theo quy chế, nghị quyết được thông qua khi có quá nửa số thành viên tán thành.") is None


def test_a_called_vote_asks_each_kind_and_hears_bare_answers(generator: ExtractiveGenerator) -> None:
    said = (
        "Vị nào tán thành xin giơ tay. Cảm ơn, 20 vị. Vị nào không tán thành? Có 3 vị. "
        "Vị nào không biểu quyết? Không có."
    )
    assert _votes(generator, said) == [(20, 3, 0, None, None)]


def test_two_votes_in_one_sentence(generator: ExtractiveGenerator) -> None:
    said = "Hội đồng đã thông qua Nghị quyết A với 27 đại biểu tán thành, và Nghị quyết B với 25 đại biểu tán thành."
    assert _votes(generator, said) == [(27, None, None, None, True), (25, None, None, None, True)]


def test_a_person_called_by_birth_order_is_no_count() -> None:
    assert folded_digits("mời anh Bảy lên bục") == "moi anh Bay len buc"
    assert folded_digits("các anh chị hai mươi người") == "cac anh chi 20 nguoi"  # more number words: a count
    assert _fields("ai đồng ý cử chú tám làm trưởng xóm thì giơ tay") == (None, None, None, None, None)
    assert _fields("mười bảy cánh tay giơ lên, vậy bà sáu trúng cử") == (17, None, None, None, True)


def test_a_count_before_who_and_its_kind_is_that_kinds() -> None:
    assert _fields("cả hội nghị nhất trí chỉ trừ ba đồng chí không tán thành") == (None, 3, None, None, None)
    assert _fields("đồng ý mười bốn người không đồng ý một người") == (14, 1, None, None, None)


def test_units_counted_one_after_another_are_votes_of_their_own(generator: ExtractiveGenerator) -> None:
    said = "xóm trên mười tám hộ đồng ý xóm dưới hai mươi hai hộ đồng ý"
    assert _votes(generator, said) == [(18, None, None, None, None), (22, None, None, None, None)]
    assert _votes(generator, "tán thành hai mươi lăm hộ") == [(25, None, None, None, None)]  # never inside a number
    called = "vị nào tán thành thì giơ tay mười lăm vị tán thành không có vị nào không tán thành"
    assert _votes(generator, called) == [(15, 0, None, None, None)]  # the call's kind, then its count: one vote


def test_a_motion_accepted_or_not_in_other_words() -> None:
    assert _fields("Có 8/9 ủy viên đồng ý, đề xuất được chấp thuận.") == (8, None, None, 9, True)
    assert _fields("Tán thành 3, không tán thành 6; kiến nghị không được chấp thuận.") == (3, 6, None, None, False)


def test_the_whole_said_just_before_the_counts_is_their_total(generator: ExtractiveGenerator) -> None:
    said = "Tổng số thành viên có mặt: 11. Đồng ý 10, không đồng ý 1."
    assert _votes(generator, said) == [(10, 1, None, 11, None)]


def test_an_outcome_drawn_after_the_counts_is_the_result(generator: ExtractiveGenerator) -> None:
    said = "mười hai trên mười ba đồng chí nhất trí một đồng chí không nhất trí như vậy chi bộ thống nhất kết nạp"
    assert _fields(said) == (12, 1, None, 13, True)
    assert _fields("chín đồng ý, như vậy chi đoàn thống nhất một trăm phần trăm") == (9, None, None, None, None)
    counted = "Ai đồng ý nâng mức phí thì giơ tay. Sáu trên bảy đồng ý. Rứa là cả tổ chọn mức mới."
    assert _votes(generator, counted) == [(6, None, None, 7, True)]
    lent = "Ai đồng ý thì giơ tay. Tám đồng ý. Vậy ba hồ sơ vay được duyệt."
    assert _votes(generator, lent) == [(8, None, None, None, True)]


def test_a_failure_drawn_after_the_counts_is_the_result(generator: ExtractiveGenerator) -> None:
    assert _fields("ba đồng ý sáu không đồng ý như vậy kiến nghị không đạt") == (3, 6, None, None, False)
    said = "Tán thành 4, không tán thành 7. Vậy là phương án hai không được."
    assert _votes(generator, said) == [(4, 7, None, None, False)]


def test_answers_to_the_call_said_bare_or_before_more(generator: ExtractiveGenerator) -> None:
    said = "Ai tán thành? Bảy trên bảy, không ai phản đối."
    assert _votes(generator, said) == [(7, 0, None, 7, None)]
    asked = "Ai đồng ý? Sáu đồng ý. Ai không đồng ý? Hai."
    assert _votes(generator, asked) == [(6, 2, None, None, None)]


def test_counts_said_in_the_south_named_or_beside_trang() -> None:
    assert _fields("Dạ, đồng ý 9, hổng đồng ý 3.") == (9, 3, None, None, None)
    assert _fields("Có 20 hộ đồng ý, chú Tám không đồng ý.") == (20, 1, None, None, None)
    assert _fields("tán thành mười hai, các đồng chí còn lại không tán thành") == (12, None, None, None, None)
    assert _fields("Bỏ phiếu: tán thành 30, trắng 2.") == (30, None, 2, None, None)
    assert _fields("Năm nay 15 hộ mất trắng vụ lúa.") is None


def test_hands_raised_to_say_something_are_no_call() -> None:
    assert _fields("giờ ai muốn nói thì giơ tay nha") is None


def test_a_zero_said_in_words_after_its_kind_is_that_kinds() -> None:
    """A "không" after a kind is its count of none, and the number before it stays the kind before's."""
    assert _fields("đồng ý mười lăm không đồng ý không không biểu quyết không") == (15, 0, 0, None, None)
    assert _fields("tán thành hai mươi không tán thành không có") == (20, 0, None, None, None)
    assert _fields("Tán thành: 20. Không tán thành: không. Không biểu quyết: không.") == (20, 0, 0, None, None)
    assert _fields("kết quả đồng ý mười hai không đồng ý là không") == (12, 0, None, None, None)
    assert _fields("Đồng ý 9, không đồng ý 1.") == (9, 1, None, None, None)


def test_the_particle_of_a_yes_no_question_is_no_zero() -> None:
    assert _fields("có ai không đồng ý không") == (None, None, None, None, None)
    assert _fields("ai không đồng ý không") == (None, 0, None, None, None)


def test_the_rest_of_a_counted_vote_answered_by_another_speaker(generator: ExtractiveGenerator) -> None:
    said = ["ai đồng ý thì giơ tay", "dạ hai mươi ba hộ", "còn ai không đồng ý không", "dạ không có"]
    segments = [Segment(id=i, start=4.0 * i, end=4.0 * i + 3, text=t, speaker="Chủ tọa" if i % 2 == 0 else "Thư ký")
                for i, t in enumerate(said)]  # fmt: skip
    votes = generator.item(segments, title="Biểu quyết", number=1, chair="Chủ tọa", held=None).votes
    assert [(v.in_favour, v.against) for v in votes] == [(23, 0)]


def test_a_kind_asked_as_the_question_calls_a_vote(generator: ExtractiveGenerator) -> None:
    said = "Nội dung thứ nhất, ai đồng ý? 11 trên 11. Nội dung thứ hai, ai đồng ý? 10 trên 11, 1 không đồng ý."
    assert _votes(generator, said) == [(11, None, None, 11, None), (10, 1, None, 11, None)]
    assert _fields("Tổ nào đồng ý tổ chức tham quan thì đăng ký với văn phòng trước thứ sáu.") is None


def test_ballots_returned_or_valid_are_no_count() -> None:
    said = "phiếu phát ra bảy phiếu thu về bảy phiếu hợp lệ bảy phiếu đồng ý sáu phiếu không đồng ý một phiếu"
    assert _fields(said) == (6, 1, None, 7, None)


def test_hands_counted_right_after_they_are_raised() -> None:
    assert _fields("ai đồng ý giơ tay tám ai không đồng ý một") == (8, 1, None, None, None)
    assert _fields("mời bà con đồng ý thì giơ tay bà con ơi") == (None, None, None, None, None)


def test_a_passive_approval_drawn_after_the_counts_is_the_result() -> None:
    said = "đồng ý sáu phiếu không đồng ý một phiếu như vậy đề tài được hội đồng nghiệm thu"
    assert _fields(said) == (6, 1, None, None, True)


def test_pass_or_fail_ballots_southern_abstentions_and_ballots_left_blank() -> None:
    def counts(text: str) -> tuple[int | bool | None, ...]:
        fields = _fields(text)
        assert fields is not None, text
        return fields[:4]

    assert counts("Kết quả: phiếu đạt 7, không đạt 2, trên tổng số 9 phiếu.") == (7, 2, None, 9)
    assert counts("thu về mười một phiếu đạt chín phiếu không đạt hai") == (9, 2, None, None)
    assert counts("Đề tài được 6 phiếu đạt 85 phần trăm.")[:2] == (6, None)  # a share, no count "không đạt"
    assert counts("dạ tám người đồng ý hai người hông đồng ý một người hông biểu quyết") == (8, 2, 1, None)
    assert counts("Có 15 phiếu đồng ý, 1 phiếu không đồng ý và 3 phiếu không ghi ý kiến.") == (15, 1, 3, None)
    assert _fields("Nghị quyết không đạt quá bán nên chưa được thông qua.") in (None, (None, None, None, None, False))


def test_unseen_authors_counts_said_their_own_way() -> None:
    """Counts after "thì", Southern "hổng có ai", a count before "nobody" of another kind, each one's share."""
    assert _fields("Tán thành thì bảy, không tán thành thì một.") == (7, 1, None, None, None)
    assert _fields("dạ không tán thành hai còn không biểu quyết thì hổng có ai") == (None, 2, 0, None, None)
    assert _fields("đồng ý thì hai bên cùng ký biên bản") is None  # "hai bên" counts nobody
    assert _fields("chia làm ba đợt mỗi đợt hai ngày ai nhất trí thì giơ tay") == (None, None, None, None, None)
    assert _fields("Mỗi hộ nhận hai phiếu, đồng ý thì đánh dấu vào ô thứ nhất.") is None
    answer = find_vote("chín bàn tay không có ai phản đối", chair=False, asked="in_favour")
    assert answer is not None and (answer.in_favour, answer.against) == (9, 0)


def test_a_question_ending_in_hay_khong_asks_and_counts_nobody() -> None:
    call = find_vote("mình biểu quyết coi có nên làm đường hay không ai đồng ý giơ tay", chair=True)
    assert call is not None and call.call and call.in_favour is None and call.asks == "in_favour"


def test_a_share_spoken_with_phay_after_the_ballots_is_the_result(generator: ExtractiveGenerator) -> None:
    said = ["phiếu phát ra hai mươi mốt đồng ý mười tám phiếu không đồng ý ba phiếu",
            "như vậy chị hạnh đạt tám mươi phẩy năm phần trăm đủ điều kiện đề nghị khen thưởng"]  # fmt: skip
    segments = [Segment(id=i, start=5.0 * i, end=5.0 * i + 4, text=t, speaker="Chủ tọa") for i, t in enumerate(said)]
    votes = generator.item(segments, title="Biểu quyết", number=1, chair="Chủ tọa", held=None).votes
    assert [(v.in_favour, v.against, v.total, v.passed) for v in votes] == [(18, 3, 21, True)]


def test_the_rest_of_the_hands_asked_and_one_named_apart(generator: ExtractiveGenerator) -> None:
    said = ["ai tán thành phương án hai thì giơ tay", "dạ tán thành chín", "không tán thành giơ tay",
            "Dạ không tán thành bốn. Còn chị Hoa không biểu quyết.", "vậy phương án hai được thông qua"]  # fmt: skip
    segments = [Segment(id=i, start=4.0 * i, end=4.0 * i + 3, text=t, speaker="Chủ tọa" if i % 2 == 0 else "Thư ký")
                for i, t in enumerate(said)]  # fmt: skip
    votes = generator.item(segments, title="Biểu quyết", number=1, chair="Chủ tọa", held=None).votes
    assert [(v.in_favour, v.against, v.abstain, v.passed) for v in votes] == [(9, 4, 1, True)]


def test_a_bare_result_opening_the_next_item_is_the_last_vote_s(generator: ExtractiveGenerator) -> None:
    said = ["Nội dung thứ nhất là quỹ khuyến học. Vị nào tán thành?", "Tán thành 20, không tán thành 1.",
            "Đã thông qua. Nội dung thứ hai là sửa chợ. Vị nào tán thành?",
            "Tán thành 18, không tán thành 3."]  # fmt: skip
    segments = [Segment(id=i, start=9.0 * i, end=9.0 * i + 8, text=t, speaker="Chủ tọa" if i % 2 == 0 else "Thư ký")
                for i, t in enumerate(said)]  # fmt: skip
    transcript = Transcript(model=ModelRef(engine="test", name="test"), segments=segments, duration=40.0)
    items = ExtractiveGenerator(min_segments=2).items(transcript, chair="Chủ tọa", held=None)
    assert len(items) == 2  # "Nội dung thứ hai" begins the second item in the turn that says the first one's result
    assert [(v.in_favour, v.against, v.passed) for item in items for v in item.votes] == [(20, 1, True), (18, 3, None)]


def test_elected_or_recruited_with_its_ballots_and_objects_agreed_on() -> None:
    assert _fields("Bà Thạch Thị Sa Rinh đắc cử với 41 phiếu.") == (41, None, None, None, True)
    assert _fields("Như vậy anh Danh Út đã trúng tuyển.") == (None, None, None, None, True)
    assert _fields("Chị Mông Thị Dìn không trúng tuyển vì chưa đủ số phiếu.") == (None, None, None, None, False)
    assert _fields("vậy là tổ nhất trí hai đợt nghỉ phép") in (None, (None, None, None, None, True))
