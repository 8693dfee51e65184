"""Vote wordings of authors the rules were not written for (issue 15, round 2): ballots' numbers said as lone words
or twice in a row, a lone "một" counting a refusal, a nobody that belongs to the kind after it only, an outcome
drawn with no punctuation, a motion said passed after its count, a count recalled to explain a vote."""

from __future__ import annotations

from core.transcript import Segment
from minutes.cues import find_vote
from minutes.extractive import ExtractiveGenerator


def _fields(text: str) -> tuple[int | bool | None, ...] | None:
    vote = find_vote(text, chair=True)
    return None if vote is None else (vote.in_favour, vote.against, vote.abstain, vote.total, vote.passed)


def test_a_ballots_number_said_alone_or_twice_is_read() -> None:
    said = "số phiếu phát ra chín số phiếu thu về chín chín phiếu tán thành không có phiếu không tán thành"
    assert _fields(said) == (9, 0, None, 9, None)


def test_a_lone_one_before_a_refusal_counts_it() -> None:
    assert _fields("Bảy nhất trí, một không nhất trí.") == (7, 1, None, None, None)
    assert _fields("tám đồng ý một không biểu quyết") == (8, None, 1, None, None)


def test_a_nobody_is_the_next_kinds_only() -> None:
    assert _fields("tán thành hết không ai phản đối vậy tổ chấp thuận cho chị Mai nghỉ") == (
        None,
        0,
        None,
        None,
        True,
    )
    assert _fields("năm người đồng ý không có ai phản đối anh Tư không biểu quyết vì là người trong cuộc") == (
        5,
        0,
        1,
        None,
        None,
    )
    assert _fields("ba người nhất trí không ai phản đối em Hoa không biểu quyết vì là người được đề cử") == (
        3,
        0,
        1,
        None,
        None,
    )
    assert _fields("không có ai không đồng ý hay không biểu quyết") == (None, 0, 0, None, None)


def test_a_motion_said_passed_after_its_count() -> None:
    assert _fields("Mười trên mười đồng ý, nội dung hai thông qua.") == (10, None, None, 10, True)
    assert _fields("Chín đồng ý, đề nghị thông qua.") == (9, None, None, None, None)


def test_a_count_recalled_to_explain_is_no_vote() -> None:
    assert _fields("Tôi nói thêm, ba phiếu không tán thành là do hồ sơ còn thiếu.") is None


def test_a_price_not_reached_is_no_count() -> None:
    vote = find_vote("giá loại hai không đạt năm nghìn một ký thì bà con nào đồng ý thì giơ tay", chair=True)
    assert vote is not None and (vote.in_favour, vote.against) == (None, None)
    assert _fields("phiếu đạt 7, không đạt 1") == (7, 1, None, None, None)


def _votes(lines: list[tuple[str, str]]) -> list[tuple[int | bool | None, ...]]:
    segments = [
        Segment(id=k, start=6.0 * k, end=6.0 * k + 5, text=text, speaker=who) for k, (who, text) in enumerate(lines)
    ]
    minutes = ExtractiveGenerator().item(segments, title="Biểu quyết", number=1, chair="Chủ tọa", held=None)
    return [(v.in_favour, v.against, v.abstain, v.total, v.passed) for v in minutes.votes]


def test_a_count_corrected_replaces_the_votes() -> None:
    lines = [
        ("Chủ tọa", "Nội dung hai: mua thêm máy bơm cho đội thủy lợi. Ai đồng ý giơ tay."),
        ("Chủ tọa", "Bảy đồng ý, hai không đồng ý."),
        ("Bà Hạnh", "Anh ơi, tôi giơ tay đồng ý mà anh không thấy."),
        ("Chủ tọa", "Tôi xin đính chính lại: tám đồng ý, một không đồng ý. Nội dung hai được thông qua."),
    ]
    assert _votes(lines) == [(8, 1, None, None, True)]
