"""Vote wordings of the fourteenth session's unseen meetings, written anew (issue 15): cards raised instead of hands,
Southern negatives ("hổng có ý kiến", "vậy là hông đồng ý …"), a bare count answering before the next question, a
share "X trên Y" answering the call or giving the whole of the count in favour, "tổng cộng", a whole after "quá bán",
a candidate's ballots with their kind after them, a term's year, the rule a ballot follows, ballots sealed, a body of
many words agreeing, outcomes said of a candidate by name, and a ballot's candidates counted one after another."""

from __future__ import annotations

from core.transcript import Segment
from minutes import cues
from minutes.cues import find_vote, named, named_outcomes, says_agreed, split_votes
from minutes.extractive import ExtractiveGenerator
from minutes.model import Vote


def _fields(text: str, asked: str | None = None) -> tuple[int | bool | None, ...] | None:
    vote = find_vote(text, chair=True, asked=asked)
    return None if vote is None else (vote.in_favour, vote.against, vote.abstain, vote.total, vote.passed)


def test_cards_raised_are_hands() -> None:
    call = find_vote("Đoàn viên nào tán thành thì giơ thẻ lên.", chair=True)
    assert call is not None and call.call and call.asks == "in_favour"
    assert _fields("Ba mươi trên ba mươi hai đoàn viên giơ thẻ.") == (30, None, None, 32, None)
    assert find_vote("Bây giờ thế nào thì mọi người bàn tiếp.", chair=True) is None


def test_southern_no_opinion_abstains() -> None:
    assert _fields("đồng ý chín hông đồng ý một hổng có ý kiến hai") == (9, 1, 2, None, None)
    assert _fields("chẳng có ý kiến: 3") == (None, None, 3, None, None)


def test_a_bare_count_before_the_next_question_answers_the_call() -> None:
    assert _fields("chín vị nào không đồng ý một", asked="in_favour") == (9, 1, None, None, None)
    assert _fields("mười bốn còn ai hông biểu quyết hai", asked="in_favour") == (14, None, 2, None, None)


def test_a_share_answers_the_call_or_wholes_its_count() -> None:
    said = "đếm được bảy trên tám người có mặt không có ai phản đối"
    assert _fields(said, asked="in_favour") == (7, 0, None, 8, None)
    assert _fields("Tám người giơ tay, một người không đồng ý. Tám trên chín, đề xuất được thông qua.") == (
        8,
        1,
        None,
        9,
        True,
    )
    assert cues.whole_of("chín trên mười một vậy là thống nhất", 9) == 11
    assert cues.whole_of("chín trên mười một vậy là thống nhất", 8) is None


def test_a_sum_said_is_the_whole() -> None:
    said = "tổng cộng hai mươi người thì mười bốn người nhất trí sáu người không nhất trí"
    assert _fields(said) == (14, 6, None, 20, None)
    assert _fields("Không đạt quá bán trên 31 đại biểu có mặt, đề xuất chưa được thông qua.") == (
        None,
        None,
        None,
        31,
        False,
    )


def test_southern_not_after_so_is_a_count_not_a_decision() -> None:
    assert _fields("vậy là hổng đồng ý bốn người đồng ý năm người") == (5, 4, None, None, None)


def test_a_candidates_ballots_with_their_kind_after_them() -> None:
    said = "Chị Lò Thị Hoa được 12 phiếu tán thành trên 15 phiếu, 3 phiếu không tán thành."
    assert _fields(said) == (12, 3, None, 15, None)
    assert len(split_votes(said)) == 1


def test_a_terms_year_is_no_count() -> None:
    vote = find_vote("Hội đã in phiếu bầu cho các khóa 2015, 2020 nên quen việc.", chair=True)
    assert vote is None or vote.in_favour is None


def test_the_rule_a_ballot_follows_is_no_vote() -> None:
    assert find_vote("Theo quy chế, ứng viên cần đạt quá nửa số phiếu hợp lệ mới trúng cử.", chair=True) is None
    assert find_vote("Nếu hai người cùng đạt quá bán thì chọn người nhiều phiếu hơn.", chair=True) is None
    assert find_vote("Theo điều lệ, người trúng tuyển phải được từ 60% số phiếu đồng ý.", chair=True) is None


def test_ballots_sealed_are_no_call() -> None:
    sealed = find_vote("Đề nghị tổ kiểm phiếu niêm phong toàn bộ phiếu bầu.", chair=True)
    assert sealed is None or not sealed.call


def test_a_body_of_many_words_agrees() -> None:
    assert says_agreed("Ban chấp hành công đoàn thống nhất phương án hai.")
    assert _fields("Bảy trên bảy tán thành. Ban giám đốc thống nhất thông qua kế hoạch.") == (7, None, None, 7, True)


def test_outcomes_said_of_a_candidate_by_name() -> None:
    assert "khanh" in named("Ứng cử viên Trần Văn Khánh: 3 phiếu tán thành.", words=4)
    assert named_outcomes("Anh Khánh chưa đạt. Chị Lan chuẩn bị biên bản.") == [(frozenset({"khanh"}), False)]
    assert named_outcomes("Như vậy bà Lan được bổ sung vào ban kiểm soát.") == [(frozenset({"lan"}), True)]


def _vote_items(lines: list[tuple[str, str]]) -> list[Vote]:
    segments = [
        Segment(id=k, start=6.0 * k, end=6.0 * k + 5, text=text, speaker=who) for k, (who, text) in enumerate(lines)
    ]
    return ExtractiveGenerator().item(segments, title="Bầu cử", number=1, chair="Chủ tọa", held=None).votes


def _votes(lines: list[tuple[str, str]]) -> list[tuple[int | bool | None, ...]]:
    return [(v.in_favour, v.against, v.abstain, v.total, v.passed) for v in _vote_items(lines)]


def test_a_ballots_candidates_counted_one_after_another_share_its_whole() -> None:
    lines = [
        ("Chủ tọa", "Đề nghị các đại biểu bỏ phiếu kín bầu bổ sung hai ủy viên."),
        ("Trưởng ban kiểm phiếu", "Số phiếu phát ra 15, số phiếu thu về 15."),
        ("Trưởng ban kiểm phiếu", "Ông Đinh Văn Hòa: 11 phiếu đồng ý, 4 phiếu không đồng ý, trúng cử."),
        ("Trưởng ban kiểm phiếu", "Bà Mai Thị Sen: 6 phiếu đồng ý, 9 phiếu không đồng ý, không trúng cử."),
    ]
    assert _votes(lines) == [(11, 4, None, 15, True), (6, 9, None, 15, False)]
    cited = [[r.id for r in v.source_segments] for v in _vote_items(lines)]
    assert cited == [[0, 1, 2], [1, 3]]  # each cites segment 1, where the whole is said


def test_a_result_read_on_in_the_next_segment_by_the_same_reader() -> None:
    lines = [
        ("Chủ tọa", "Mời các đại biểu bỏ phiếu."),
        ("Trưởng ban kiểm phiếu", "Ông Đinh Văn Hòa được 11 phiếu đồng ý, 4 phiếu không đồng ý."),
        ("Trưởng ban kiểm phiếu", "Ông Hòa đạt 73%, trúng cử."),
    ]
    assert _votes(lines) == [(11, 4, None, None, True)]


def test_a_candidate_said_failed_by_name_after_the_counts() -> None:
    lines = [
        ("Chủ tọa", "Mời các thành viên bỏ phiếu."),
        ("Thư ký", "Ứng viên Đặng Quốc Khánh: 3 phiếu tán thành, 6 phiếu không tán thành, trên tổng số 9 phiếu."),
        ("Chủ tọa", "Anh Khánh chưa đạt."),
    ]
    assert _votes(lines) == [(3, 6, None, 9, False)]


def test_the_whole_said_after_the_counts_with_the_outcome() -> None:
    lines = [
        ("Chủ tọa", "Bây giờ biểu quyết làm đường bê tông, bà con nào đồng ý thì giơ tay."),
        ("Chủ tọa", "chín bà con nào không đồng ý một còn ai không biểu quyết một"),
        ("Chủ tọa", "chín trên mười một vậy là thống nhất làm đường bê tông"),
    ]
    assert _votes(lines) == [(9, 1, 1, 11, True)]
