"""A count answering "Ai không đồng ý?" may name the people it counts ("Hai người, chị Hà với anh Tư."): the names
are an apposition to the count, not more words of the call, so the count is read (issue 15)."""

from __future__ import annotations

from minutes.cues import find_vote
from minutes.generate import generate
from minutes.model import MinutesMeta
from tests.minutes.conftest import said


def test_the_people_counted_named_after_the_answer() -> None:
    against = find_vote("Hai người, chị Hà với anh Tư Sáng.", chair=True, asked="against")
    assert against is not None and against.against == 2
    abstain = find_vote("Dạ một: ông Lý.", chair=True, asked="abstain")
    assert abstain is not None and abstain.abstain == 1
    three = find_vote("Ba: anh Toàn, chị Mơ và cô Bích.", chair=True, asked="against")
    assert three is not None and three.against == 3


def test_names_with_more_after_them_are_no_bare_answer() -> None:
    assert find_vote("Hai người, ông Lý và bà Mai, còn thì chưa rõ.", chair=True, asked="against") is None


def test_the_named_answer_completes_the_vote() -> None:
    turns = [
        ("Chủ tọa", "Ai đồng ý chuyển buổi sinh hoạt sang tối thứ Năm thì giơ tay."),
        ("Chủ tọa", "Tám trên mười người đồng ý. Ai không đồng ý? Hai người, chị Hà với anh Tư. Vậy là thông qua."),
    ]
    items = generate(said(turns), MinutesMeta(chair="Chủ tọa")).items
    votes = [(v.in_favour, v.against, v.abstain, v.total, v.passed) for item in items for v in item.votes]
    assert votes == [(8, 2, None, 10, True)]
