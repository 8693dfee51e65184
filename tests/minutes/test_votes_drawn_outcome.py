"""The result of a vote said in the body's own words (issue 15): right after counts whose majority is in favour, the
chair's statement drawn with "vậy là", "thế là", "rứa là" ("Thế là chị Hoa làm tổ phó từ hôm nay.") passes it; not a
request, a plan, the next count or a question, and never against the counts."""

from __future__ import annotations

import pytest

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


@pytest.mark.parametrize(
    ("in_favour", "vote"),
    [
        ("mười một", (11, None, None, 13, True)),  # a majority: the drawn statement is the result
        ("năm", (5, None, None, 13, None)),  # no result drawn against the counts
    ],
)
def test_the_drawn_statement_is_the_result_only_after_a_majority(in_favour: str, vote: tuple[int | None, ...]) -> None:
    turns = [
        ("Chủ tọa", "Ai đồng ý bầu chị Hoa làm tổ phó thì giơ tay."),
        ("Thư ký", f"Dạ {in_favour} trên mười ba người đồng ý."),
        ("Chủ tọa", "Thế là chị Hoa làm tổ phó từ hôm nay, cảm ơn cả tổ."),
    ]
    assert _votes(turns) == [vote]
