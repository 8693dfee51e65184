"""The result of a vote said in the body's own words (issue 15): right after counts whose majority is in favour, the
chair's statement drawn with "vậy là", "thế là", "rứa là" ("Thế là chị Hoa làm tổ phó từ hôm nay.") passes it; not a
request, a plan, the next count or a question, and never against the counts."""

from __future__ import annotations

from minutes.cues import draws_outcome
from minutes.generate import generate
from minutes.model import MinutesMeta
from tests.minutes.conftest import said


def _votes(turns: list[tuple[str, str]]) -> list[tuple[int | bool | None, ...]]:
    items = generate(said(turns), MinutesMeta(chair="Chủ tọa")).items
    return [(v.in_favour, v.against, v.abstain, v.total, v.passed) for item in items for v in item.votes]


def test_what_is_drawn_and_what_is_not() -> None:
    assert draws_outcome("Thế là chị Hoa làm tổ phó từ hôm nay.")
    assert draws_outcome("rứa là đội mình đi thi giải tỉnh nghen")
    assert not draws_outcome("Vậy còn ai không đồng ý không?")
    assert not draws_outcome("Như vậy, tổ sẽ báo cáo lên xã.")
    assert not draws_outcome("Vậy là hai phương án chưa được thông qua.")
    assert not draws_outcome("Vậy thôi.")


def test_the_drawn_statement_after_a_majority_is_the_result() -> None:
    turns = [
        ("Chủ tọa", "Ai đồng ý bầu chị Hoa làm tổ phó thì giơ tay."),
        ("Thư ký", "Dạ mười một trên mười ba người đồng ý."),
        ("Chủ tọa", "Thế là chị Hoa làm tổ phó từ hôm nay, cảm ơn cả tổ."),
    ]
    assert _votes(turns) == [(11, None, None, 13, True)]


def test_no_result_drawn_against_the_counts() -> None:
    turns = [
        ("Chủ tọa", "Ai đồng ý bầu chị Hoa làm tổ phó thì giơ tay."),
        ("Thư ký", "Dạ năm trên mười ba người đồng ý."),
        ("Chủ tọa", "Thế là chị Hoa làm tổ phó từ hôm nay, cảm ơn cả tổ."),
    ]
    assert _votes(turns) == [(5, None, None, 13, None)]
