"""ITN: NeMo's Vietnamese grammar plus our conventions, on the real compiled grammar; and the verbaliser that
makes spoken forms from written text (training and evaluation data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from asr.itn import PROBES, InverseNormalizer, to_roman, vietnamese_conventions
from asr.verbalise import number_words, spoken, tokens


@pytest.fixture(scope="module")
def itn(tmp_path_factory: pytest.TempPathFactory) -> InverseNormalizer:
    return InverseNormalizer(tmp_path_factory.mktemp("models") / "itn-vi")


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("tăng mười hai phẩy năm phần trăm", "tăng 12,5%"),
        (
            "nghị quyết số một nghìn ba trăm bốn mươi ba trên en quy gạch u bê tê vê quy hát mười lăm đã thông qua",
            "nghị quyết số 1343/NQ-UBTVQH15 đã thông qua",
        ),
        ("luật số chín mươi mốt trên hai nghìn không trăm mười lăm trên quy hát mười ba", "luật số 91/2015/QH13"),
        ("quốc hội khóa mười lăm kỳ họp thứ mười", "quốc hội khóa XV kỳ họp thứ 10"),
        ("kỳ họp thứ tám lần thứ hai", "kỳ họp thứ 8 lần thứ hai"),
        ("chương một những quy định chung", "chương I những quy định chung"),
        ("theo điều ba khoản hai", "theo điều 3 khoản 2"),
        ("ngày mười lăm tháng chín năm hai nghìn không trăm hai mươi lăm", "ngày 15 tháng 9 năm 2025"),
        ("phạt từ mười triệu đồng đến một trăm năm mươi triệu đồng", "phạt từ 10.000.000 đồng đến 150.000.000 đồng"),
        ("hai triệu năm trăm nghìn đồng", "2.500.000 đồng"),
        ("năm mươi nghìn tỷ đồng", "50.000 tỷ đồng"),
        ("một triệu hai", "1,2 triệu"),
        ("mười bảy trên hai mươi mốt", "17/21"),
        ("ba mươi ki lô mét", "30 km"),
        ("xe hạng bê hai chở dưới ba nghìn năm trăm ki lô gam", "xe hạng B2 chở dưới 3.500 kg"),
        ("bốn mươi chín ngày của con bé kia", "49 ngày của con bé kia"),
        ("ngày ba mươi mốt tháng mười hai năm hai nghìn", "ngày 31 tháng 12 năm 2000"),
        ("đóng dưới mười lăm năm bốn mươi ngày", "đóng dưới 15 năm 40 ngày"),
        ("năm mươi miligam trên một trăm mililít", "50 miligam/100 mililít"),
    ],
)
def test_spoken_numbers_are_written_the_vietnamese_way(itn: InverseNormalizer, said: str, written: str) -> None:
    assert itn(said) == written


def test_words_that_are_not_numbers_stay(itn: InverseNormalizer) -> None:
    for text in ("tôi có một ý kiến", "có năm người đến", "phần thứ hai", ""):
        assert itn(text) == text


def test_a_grammar_that_computes_wrong_is_rebuilt(tmp_path: Path) -> None:
    """A compiled grammar is checked by what it computes: a corrupt cached file is replaced, not trusted."""
    cache = tmp_path / "itn-vi"
    InverseNormalizer(cache)
    far = next(cache.glob("*.far"))
    far.write_bytes(b"not a grammar")
    rebuilt = InverseNormalizer(cache)
    assert all(rebuilt(said) == written for said, written in PROBES.items())
    assert far.read_bytes() != b"not a grammar"


def test_conventions_leave_years_phone_numbers_and_fractions_alone() -> None:
    assert vietnamese_conventions("năm 2025 gọi 090-812-3456 tỷ lệ 17/21") == "năm 2025 gọi 090-812-3456 tỷ lệ 17/21"
    assert [to_roman(n) for n in (1, 4, 9, 14, 15, 39)] == ["I", "IV", "IX", "XIV", "XV", "XXXIX"]


def test_verbaliser_reads_written_text_as_it_is_said() -> None:
    assert number_words(2015) == "hai nghìn không trăm mười lăm"
    assert number_words(2005) == "hai nghìn không trăm lẻ năm"
    assert spoken("Nghị quyết số 1343/NQ-UBTVQH15, tăng 12,5%.") == (
        "nghị quyết số một nghìn ba trăm bốn mươi ba trên en quy gạch u bê tê vê quy hát mười lăm "
        "tăng mười hai phẩy năm phần trăm"
    )
    assert spoken("Chương IV phạt 10.000.000 đồng") == "chương bốn phạt mười triệu đồng"
    assert [t.source for t in tokens("Điều 12 nay")] == [0, 1, 1, 2]


def test_verbaliser_and_itn_round_trip(itn: InverseNormalizer) -> None:
    """Spoken form is lower case, so the round trip gives the written text back up to case."""
    for written in ("Luật số 91/2015/QH13", "tăng 12,5%", "khóa XV", "phạt 150.000.000 đồng", "Điều 3 khoản 2"):
        assert itn(spoken(written)).lower() == written.lower()
