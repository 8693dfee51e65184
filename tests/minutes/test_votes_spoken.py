"""Votes as they are spoken (issue 15, nineteenth round): words that only fold like numbers ("tạm ứng", "như sau"), a
number said again or counted aloud, punctuation after a spoken number, Southern refusals, the decision said right
after the counts, ballots counted per candidate or option, and results given by name to several candidates."""

from __future__ import annotations

import pytest

from core.transcript import Segment
from minutes.cues import find_vote, folded_digits
from minutes.extractive import ExtractiveGenerator


def _fields(text: str) -> tuple[int | bool | None, ...] | None:
    vote = find_vote(text, chair=True)
    return None if vote is None else (vote.in_favour, vote.against, vote.abstain, vote.total, vote.passed)


def _passed(text: str) -> int | bool | None:
    fields = _fields(text)
    assert fields is not None, text
    return fields[-1]


@pytest.fixture(scope="module")
def generator() -> ExtractiveGenerator:
    return ExtractiveGenerator()


def _votes(generator: ExtractiveGenerator, turns: list[tuple[str, str]]) -> list[tuple[int | bool | None, ...]]:
    """The votes of one item said in `turns` (speaker, text), ten seconds apart, everyone allowed to chair."""
    segments = [
        Segment(id=k, start=10.0 * k, end=10.0 * k + 8, text=text, speaker=speaker)
        for k, (speaker, text) in enumerate(turns)
    ]
    votes = generator.item(segments, title="Biểu quyết", number=1, chair=None, held=None).votes
    return [(v.in_favour, v.against, v.abstain, v.total, v.passed) for v in votes]


def test_words_that_only_fold_like_numbers_count_nothing() -> None:
    assert folded_digits("chi bộ đồng ý tạm ứng thêm kinh phí") == "chi bo dong y tam ung them kinh phi"
    assert _fields("Kết quả như sau: đồng ý mười chín, không đồng ý một.") == (19, 1, None, None, None)
    assert _fields("Bà con đồng ý ba mươi hộ, anh Hải không đồng ý.") == (30, 1, None, None, None)


def test_a_number_said_again_counted_aloud_or_after_a_digit() -> None:
    assert _fields("mười hai mười hai người đồng ý") == (12, None, None, None, None)
    assert folded_digits("một hai ba bốn năm sáu bảy tám chín mười mười một mười một hộ").endswith("11 ho")
    assert _fields("đồng ý năm không đồng ý ba một phiếu trắng") == (5, 3, 1, None, None)
    assert _fields("hai mốt hộ đồng ý, hai hộ không đồng ý") == (21, 2, None, None, None)


def test_punctuation_after_a_spoken_number_is_kept() -> None:
    assert folded_digits("tán thành ba mươi mốt, không tán thành hai.") == "tan thanh 31, khong tan thanh 2."
    assert _fields("Kết quả, tán thành có hai mươi mốt, hông tán thành có một.") == (21, 1, None, None, None)
    assert _fields("Rứa là chín trên chín, nhất trí.") == (9, None, None, 9, None)


def test_southern_and_spoken_refusals_are_results() -> None:
    assert _passed("mười hộ đồng ý mười lăm hộ hổng đồng ý vậy là hổng được thông qua") is False
    assert _passed("bốn người đồng ý bảy người không đồng ý vậy là không được quá nửa") is False
    assert _passed("Đồng ý 6, không đồng ý 1. Phương án hai thông qua.") is True
    assert _passed("Chín đồng ý, đề nghị thông qua.") is None


def test_the_decision_said_right_after_the_counts() -> None:
    said = "tám đồng chí nhất trí không ai không nhất trí chi hội thống nhất đề nghị khen thưởng"
    assert _fields(said) == (8, 0, None, None, True)
    assert _passed("sáu trên bảy người đồng ý một người không đồng ý chốt phương án một") is True
    assert _passed("vậy là mười lăm người đồng ý") is None  # a count, no decision


def test_ballots_per_candidate_or_option_and_their_whole() -> None:
    assert _fields("Như vậy với mười bốn trên mười sáu phiếu, đề án được thông qua.") == (14, None, None, 16, True)
    assert _fields("Toàn thể 21 đại biểu có mặt đều tán thành.") == (21, None, None, 21, None)
    assert _fields("Đồng chí Vũ Thị Hoa 30/33 phiếu.") == (30, None, None, 33, None)
    assert _fields("Số phiếu đồng ý 28 phiếu, không đồng ý 2 phiếu.") == (28, 2, None, None, None)
    assert _fields("Hôm nay có chín phiếu, mời các đồng chí ghi phiếu.") == (None, None, None, None, None)
    assert _fields("búp loại hai không đạt năm nghìn áp dụng từ vụ sau") is None  # a grade and its price


def test_a_result_restating_the_share_counts_it() -> None:
    assert _fields("Như vậy đề nghị chỉ được 4 trên 9, không đạt quá bán.") == (4, None, None, 9, False)


def test_show_of_hands_answered_and_hands_not_raised(generator: ExtractiveGenerator) -> None:
    turns = [
        ("Chủ tọa", "Ai đồng ý phương án sửa mái nhà văn hóa thì giơ tay."),
        ("Thư ký", "Dạ mười bốn người."),
        ("Chủ tọa", "Ai không đồng ý? Không có. Ai không biểu quyết? Cũng không."),
        ("Chủ tọa", "Vậy phương án sửa mái được thông qua."),
    ]
    assert _votes(generator, turns) == [(14, 0, 0, None, True)]
    hands = "ai không đồng ý giơ tay hai hộ còn một hộ không giơ tay là không biểu quyết"
    assert _fields(hands) == (None, 2, 1, None, None)


def test_a_number_inside_the_question_is_no_answer(generator: ExtractiveGenerator) -> None:
    asked = "bà con nào nhất trí kết nạp cả ba hộ thì giơ tay"
    assert _fields(asked) == (None, None, None, None, None)


def test_results_given_by_name_to_candidates_counted_one_after_another(generator: ExtractiveGenerator) -> None:
    turns = [
        ("Chủ tọa", "Mời các thành viên bỏ phiếu kín cho từng người."),
        ("Trưởng ban kiểm phiếu", "Bà Đỗ Thị Mến: 9 trên 11 phiếu đồng ý."),
        ("Trưởng ban kiểm phiếu", "Ông Lò Văn Pảo: 4 trên 11 phiếu đồng ý, 7 phiếu không đồng ý."),
        ("Trưởng ban kiểm phiếu", "Ông Hà Văn Khiêm: 10 trên 11 phiếu đồng ý."),
        ("Chủ tọa", "Như vậy bà Mến và ông Khiêm đủ điều kiện, ông Pảo không đạt."),
    ]
    votes = _votes(generator, turns)
    assert [v[-1] for v in votes] == [True, False, True]


def test_a_kind_asked_bare_and_a_share_then_the_result(generator: ExtractiveGenerator) -> None:
    turns = [
        ("Chủ tọa", "Đồng chí nào tán thành xin giơ tay."),
        ("Thư ký", "Dạ, mười chín trên hai mươi."),
        ("Chủ tọa", "Không tán thành? Không có. Không biểu quyết? Một đồng chí."),
    ]
    assert _votes(generator, turns) == [(19, 0, 1, 20, None)]
    assert _fields("Tám trên tám, thông qua.") == (8, None, None, 8, True)
    assert _fields("Biểu quyết: 100% thành viên tán thành (7/7).") == (7, None, None, 7, None)


def test_ballots_counted_during_a_break_answer_the_call(generator: ExtractiveGenerator) -> None:
    segments = [
        Segment(id=0, start=0.0, end=8.0, text="Đề nghị các đồng chí bỏ phiếu kín.", speaker="Chủ tọa"),
        Segment(id=1, start=10.0, end=18.0, text="Hội nghị nghỉ giải lao mười lăm phút.", speaker="Chủ tọa"),
        Segment(
            id=2,
            start=900.0,
            end=910.0,
            text="Kết quả kiểm phiếu: số phiếu phát ra 12, đồng ý 11 phiếu, không đồng ý 1 phiếu.",
            speaker="Trưởng ban kiểm phiếu",
        ),
    ]
    votes = generator.item(segments, title="Bầu", number=1, chair=None, held=None).votes
    assert [(v.in_favour, v.against, v.total) for v in votes] == [(11, 1, 12)]
    # one vote citing the call and the count; the break between them may be cited too (the classifier, reading the
    # sentence after it, may take it for part of the vote): what matters is that the two are one vote
    assert {0, 2} <= {r.id for r in votes[0].source_segments} <= {0, 1, 2}


def test_those_against_asked_first_then_those_in_favour(generator: ExtractiveGenerator) -> None:
    turns = [
        ("Chủ tọa", "Bà con mô không đồng ý mức đóng góp ni?"),
        ("Thư ký", "Không có ai."),
        ("Chủ tọa", "Ai đồng ý?"),
        ("Thư ký", "Ba mươi mốt hộ."),
        ("Chủ tọa", "Rứa là mức đóng góp được thông qua."),
    ]
    assert _votes(generator, turns) == [(31, 0, None, None, True)]


def test_a_share_said_first_and_numbers_ending_at_their_comma() -> None:
    assert _fields("Sáu trên tám, hai không đồng ý.") == (6, 2, None, 8, None)
    assert _fields("Ba trên tám, không đồng ý.") == (None, 3, None, 8, None)
    assert _fields("Đồng ý: mười; không đồng ý: không; không biểu quyết: một.") == (10, 0, 1, None, None)
    assert _fields("Kết quả: 6 phiếu đạt, 1 phiếu không đạt.") == (6, 1, None, None, None)
