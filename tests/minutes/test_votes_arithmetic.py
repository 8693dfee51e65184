"""A vote's whole found by arithmetic, not by how it is named (issue 15): a number said in the vote, or by its
reader just before it, that its counts add up to is its whole, whatever words name it ("hợp lệ", "nhận về")."""

from __future__ import annotations

from core.transcript import Segment
from minutes.extractive import ExtractiveGenerator, _said_numbers


def _votes(lines: list[tuple[str, str]]) -> list[tuple[tuple[int | bool | None, ...], list[int]]]:
    segments = [
        Segment(id=k, start=6.0 * k, end=6.0 * k + 5, text=text, speaker=who) for k, (who, text) in enumerate(lines)
    ]
    minutes = ExtractiveGenerator().item(segments, title="Biểu quyết", number=1, chair="Chủ tọa", held=None)
    return [
        ((v.in_favour, v.against, v.abstain, v.total, v.passed), [r.id for r in v.source_segments])
        for v in minutes.votes
    ]


def test_the_number_the_counts_add_up_to_is_the_whole() -> None:
    lines = [
        ("Chủ tọa", "Mời quý cổ đông điền phiếu biểu quyết về việc mở chi nhánh ở Cần Thơ."),
        (
            "Ban kiểm phiếu",
            "Cổ phần hợp lệ: 2.400.000 cổ phần. Tán thành 2.150.000 cổ phần, chiếm 89,58%."
            " Không tán thành 250.000 cổ phần.",
        ),
    ]
    assert _votes(lines)[0][0][:4] == (2150000, 250000, None, 2400000)


def test_the_whole_read_right_before_by_the_same_reader() -> None:
    lines = [
        ("Chủ tọa", "Đề nghị hội nghị bỏ phiếu kín bầu một ủy viên thường trực."),
        ("Tổ kiểm phiếu", "Tổ kiểm phiếu báo cáo: nhận về hai mươi ba tờ, cả hai mươi ba tờ đều đúng mẫu."),
        ("Tổ kiểm phiếu", "Bà Khổng Thị Lựu được 20 phiếu đồng ý, 3 phiếu không đồng ý, trúng cử."),
    ]
    votes = _votes(lines)
    assert [fields for fields, _ in votes] == [(20, 3, None, 23, True)]
    assert 1 in votes[0][1]  # where the whole was said is cited


def test_the_whole_of_the_vote_before_is_not_this_ones() -> None:
    lines = [
        ("Chủ tọa", "Ai đồng ý sơn lại cổng trường thì giơ tay."),
        ("Chủ tọa", "Mười trên mười người đồng ý. Ai đồng ý thay rèm thư viện thì giơ tay."),
        ("Chủ tọa", "Bảy người đồng ý, ba người không đồng ý."),
    ]
    assert [fields[:4] for fields, _ in _votes(lines)] == [(10, None, None, 10), (7, 3, None, None)]


def test_no_sum_said_no_whole() -> None:
    lines = [
        ("Chủ tọa", "Ai đồng ý lùi hạn nộp báo cáo sang thứ Sáu thì giơ tay."),
        ("Thư ký", "Dạ 8 người đồng ý, 5 người không đồng ý, nhóm có 11 người đi làm."),
    ]
    assert _votes(lines)[0][0][:4] == (8, 5, None, None)


def test_a_share_or_decimal_is_no_whole() -> None:
    assert _said_numbers("đạt 13 phần trăm, tức 13%, lãi 2,5") == set()


def test_a_date_is_no_whole() -> None:
    lines = [
        ("Chủ tọa", "Hội chợ mở vào tháng mười hai. Ai đồng ý thuê thêm gian hàng thì giơ tay."),
        ("Chủ tọa", "Chín người đồng ý, ba người không đồng ý."),
    ]
    assert _votes(lines)[0][0][:4] == (9, 3, None, None)
    assert _said_numbers("khai mạc ngày mười hai tháng mười hai") == set()
