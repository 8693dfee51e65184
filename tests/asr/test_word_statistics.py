"""The corpus counts behind the punctuation CRF's case and comma features."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from asr.word_statistics import MIN_COUNT, Tally, WordStatistics, half_of


def _tally(lines: list[tuple[list[str], list[str]]], times: int) -> WordStatistics:
    tally = Tally()
    for _ in range(times):
        for words, labels in lines:
            tally.add(words, labels)
    return tally.statistics()


def test_sentence_starts_are_not_counted_as_names() -> None:
    # "Luật" starts the first sentence and "Điều" the second (after ":"): neither says "luật" is a name.
    line = (["luật", "này", "gồm", "điều", "sau", "hà", "nội"], ["c", "l", "l:", "c", "l,", "c", "c."])
    statistics = _tally([line], MIN_COUNT)
    assert "luật" not in statistics.singles and "điều" not in statistics.singles
    assert statistics.singles["hà"] == (MIN_COUNT, MIN_COUNT, 0)
    assert statistics.singles["sau"] == (MIN_COUNT, 0, MIN_COUNT)
    assert "gồm điều" not in statistics.pairs  # across the sentence end
    assert statistics.pairs["sau hà"] == (MIN_COUNT, 0, MIN_COUNT, MIN_COUNT)
    assert statistics.pairs["hà nội"] == (MIN_COUNT, MIN_COUNT, MIN_COUNT, 0)


def test_rare_words_are_dropped() -> None:
    line = (["quy", "định", "tại", "phú", "yên"], ["c", "l", "l", "c", "c."])
    assert _tally([line], MIN_COUNT - 1) == WordStatistics()


def test_halves_merge_and_survive_a_round_trip(tmp_path: Path) -> None:
    a = _tally([(["ở", "hà", "nội"], ["c", "c", "c."])], 4)
    b = _tally([(["ở", "hà", "tĩnh"], ["c", "l", "l."])], 4)
    both = a.merged(b)
    assert both.singles["hà"] == (8, 4, 0) and both.pairs["hà nội"] == (4, 4, 4, 0)
    path = tmp_path / "stats.tsv.gz"
    both.save(path)
    assert WordStatistics.load(path) == both
    first = path.read_bytes()
    both.save(path)
    assert path.read_bytes() == first  # the shipped file is reproducible


def test_a_malformed_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv.gz"
    path.write_bytes(gzip.compress("hà\t3\n".encode()))
    with pytest.raises(ValueError, match="malformed"):
        WordStatistics.load(path)


def test_training_documents_split_into_two_halves() -> None:
    halves = [half_of(d) for d in range(2000)]
    assert 0.45 < sum(halves) / 2000 < 0.55
    assert halves == [half_of(d) for d in range(2000)]
