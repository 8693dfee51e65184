"""The name-error breakdown: each case error gets the class the training documents' counts give it."""

from __future__ import annotations

from asr.word_statistics import WordStatistics
from benchmarks.name_errors import error_class

STATISTICS = WordStatistics(
    {},
    {
        "hội đồng": (100, 90, 0, 0),  # "Hội đồng" nine times in ten
        "giấy chứng": (100, 50, 0, 0),  # both ways
        "giám đốc": (3, 3, 0, 0),  # too rare to say
    },
)


def test_references_to_articles_and_clauses_are_their_own_class() -> None:
    assert error_class(["tại", "khoản", "2"], 1, True, STATISTICS) == "article/clause + number"
    assert error_class(["tại", "điểm", "a"], 1, True, STATISTICS) == "article/clause + number"
    assert error_class(["đủ", "điều", "kiện"], 1, True, STATISTICS) == "rare pair"


def test_errors_are_classed_by_what_the_training_documents_write() -> None:
    words = ["thành", "viên", "hội", "đồng"]
    assert error_class(words, 2, False, STATISTICS) == "against the training documents"
    assert error_class(words, 2, True, STATISTICS) == "model against the training documents"
    assert error_class(["cấp", "giấy", "chứng", "nhận"], 1, True, STATISTICS) == "both ways in training"
    assert error_class(["phó", "giám", "đốc"], 1, True, STATISTICS) == "rare pair"
    assert error_class(["của", "hội"], 1, True, STATISTICS) == "rare pair"  # last word: no pair
