"""Vote wordings of the fifteenth session's votes round (issue 15, branch h21v), written anew: shares counted with
their thousands apart ("1.250.000 cổ phần"), the Nghệ Tĩnh negative "nỏ", cards counted by who holds them ("thẻ",
"tay", "nhà"), hands not raised counted as abstaining, nobody of a kind said before it ("không có phiếu trắng", "không
có ý kiến không tán thành"), the whole said first ("trên tổng số … thì …", "tổng … người dự"), a lone count after "chỉ
có", and the outcome said as what is done ("… được bổ nhiệm", "Vậy 6 trên 8 đồng ý, Hội chuyển …")."""

from __future__ import annotations

from minutes.cues import find_vote, folded_digits, says_agreed


def _fields(text: str, asked: str | None = None) -> tuple[int | bool | None, ...] | None:
    vote = find_vote(text, chair=True, asked=asked)
    return None if vote is None else (vote.in_favour, vote.against, vote.abstain, vote.total, vote.passed)


def test_shares_with_thousands_apart_are_one_number() -> None:
    assert "2340500" in folded_digits("Tán thành 2.340.500 cổ phần")
    said = "Tán thành 2.340.500 cổ phần, đạt 93,6%; không tán thành 100.000 cổ phần; không có ý kiến 59.500 cổ phần."
    assert _fields(said) == (2340500, 100000, 59500, None, None)
    said = "Kết quả: tán thành 900.000 cổ phần; không tán thành 80.000 cổ phần, trên tổng số 1.000.000 cổ phần dự họp."
    assert _fields(said) == (900000, 80000, None, 1000000, None)
    assert "15.7.2026" in folded_digits("Hạn chót 15.7.2026")  # a date keeps its dots


def test_nghe_tinh_not() -> None:
    assert _fields("mười lăm người đồng ý ba người nỏ đồng ý") == (15, 3, None, None, None)
    assert _fields("Nó đồng ý rồi.") is None


def test_cards_hands_and_households_counted() -> None:
    assert _fields("dạ có mười chín thẻ đồng ý hai thẻ không đồng ý") == (19, 2, None, None, None)
    assert _fields("Dạ 9 trên 9 nhà có mặt giơ tay.") == (9, None, None, 9, None)


def test_hands_not_raised_abstain() -> None:
    assert _fields("dạ hai mươi người đồng ý ba người không đồng ý hai người không giơ") == (20, 3, 2, None, None)
    assert _fields("Tám người đồng ý, một người chưa giơ tay.") == (8, None, 1, None, None)


def test_nobody_of_a_kind_said_before_it() -> None:
    said = "Số phiếu phát ra 6, tán thành 5, không tán thành 1, không có phiếu trắng."
    assert _fields(said) == (5, 1, 0, 6, None)
    said = "7 trên 7 thành viên tán thành, không có ý kiến không tán thành, không có ai không biểu quyết."
    assert _fields(said) == (7, 0, 0, 7, None)


def test_the_whole_said_first() -> None:
    said = "dạ trên tổng số mười lăm hộ có mặt thì mười hộ đồng ý ba hộ không đồng ý"
    assert _fields(said) == (10, 3, None, 15, None)
    said = "tổng mười người dự thì tám người đồng ý hai người không đồng ý"
    assert _fields(said) == (8, 2, None, 10, None)


def test_a_lone_count_after_only() -> None:
    assert _fields("không đồng ý tám đồng ý chỉ có năm") == (5, 8, None, None, None)


def test_the_outcome_said_as_what_is_done() -> None:
    assert says_agreed("Anh Khải được bổ nhiệm làm tổ trưởng.")
    assert not says_agreed("Đề nghị anh Khải được bổ nhiệm làm tổ trưởng.")
    assert not says_agreed("Anh Khải có được bổ nhiệm không?")
    assert _fields("Trên tổng số 9 thành viên có mặt, phương án B được lựa chọn.") == (None, None, None, 9, True)
    said = "Vậy 6 trên 8 đồng ý, Hội chuyển tiền quỹ sang tài khoản mới."
    assert _fields(said) == (6, None, None, 8, True)
    assert _fields("Vậy 6 trên 8 đồng ý, mời anh Tâm trình bày tiếp.") == (6, None, None, 8, None)
