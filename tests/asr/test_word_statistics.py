"""The corpus counts behind the punctuation CRF's case and comma features."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from asr.word_statistics import (
    LEXICON_MIN_COUNT,
    MIN_COUNT,
    CaseLexicon,
    LexiconTally,
    Tally,
    WordStatistics,
    half_of,
    lexicon_candidates,
    runs,
)


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


def test_runs_of_three_count_the_case_of_each_syllable_inside_a_sentence() -> None:
    """The syllable "thương" is capitalised after "lao động" (a ministry's name) though rarely on its own: only a
    run of three syllables carries that."""
    line = (
        ["bộ", "lao", "động", "thương", "binh", "và", "xã", "hội", "ban", "hành", "thông", "tư"],
        ["c", "c", "l", "c", "l", "l", "c", "l,", "l", "l", "l", "l."],
    )
    statistics = _tally([line], MIN_COUNT)
    assert statistics.triples["lao động thương"] == (MIN_COUNT, MIN_COUNT, 0, MIN_COUNT)
    assert statistics.triples["xã hội ban"] == (MIN_COUNT, MIN_COUNT, 0, 0)  # a comma is no sentence end
    assert "bộ lao động" not in statistics.triples  # "Bộ" starts the sentence
    assert "hành thông tư" in statistics.triples and "thông tư" in statistics.pairs
    ended = (["ở", "hà", "nội", "hôm", "nay"], ["c", "c", "c.", "c", "l."])
    assert not {"hà nội hôm", "nội hôm nay"} & set(_tally([ended], MIN_COUNT).triples)  # across a sentence end


def test_rare_words_are_dropped() -> None:
    line = (["quy", "định", "tại", "phú", "yên"], ["c", "l", "l", "c", "c."])
    assert _tally([line], MIN_COUNT - 1) == WordStatistics()


def test_halves_merge_and_survive_a_round_trip(tmp_path: Path) -> None:
    a = _tally([(["sống", "ở", "hà", "nội"], ["c", "l", "c", "c."])], 4)
    b = _tally([(["sống", "ở", "hà", "tĩnh"], ["c", "l", "l", "l."])], 4)
    both = a.merged(b)
    assert both.singles["hà"] == (8, 4, 0) and both.pairs["hà nội"] == (4, 4, 4, 0)
    assert both.triples == {"ở hà nội": (4, 0, 4, 4), "ở hà tĩnh": (4, 0, 0, 0)}
    path = tmp_path / "stats.tsv.gz"
    both.save(path)
    loaded = WordStatistics.load(path)
    assert loaded.singles == both.singles and loaded.pairs == both.pairs
    assert loaded.triples == {"ở hà nội": (4, 0, 4, 4)}  # a run never capitalised is neither used nor kept
    words = ["sống", "ở", "hà", "tĩnh", "và", "hà", "nội"]
    assert loaded.features(words) == both.features(words)
    first = path.read_bytes()
    both.save(path)
    assert path.read_bytes() == first  # the shipped file is reproducible


def test_runs_are_mid_sentence_and_never_cross_a_sentence_end() -> None:
    words = ["luật", "này", "sửa", "luật", "đất", "đai:", "điều", "một"]
    labels = ["c", "l", "l", "c", "l", "l:", "c", "l."]
    found = dict(runs([w.rstrip(":") for w in words], labels))
    assert found["luật đất đai"] == "cll" and found["sửa luật đất đai"] == "lcll" and found["này sửa"] == "ll"
    assert not any(run.startswith("luật này") for run in found)  # "Luật" starts the sentence
    assert not any("đai điều" in run for run in found)  # across the colon
    assert "điều một" not in found  # "Điều" starts the next sentence


Lines = list[tuple[list[str], list[str], int]]


def _lexicon_tallies(*halves: Lines) -> list[LexiconTally]:
    """Two passes over each half's lines (each repeated its given number of times), as `corpus_statistics` makes
    them: the second counts the runs that could enter a lexicon by both halves' capitals."""
    tallies = [LexiconTally() for _ in halves]
    for tally, lines in zip(tallies, halves, strict=True):
        for words, labels, times in lines:
            for _ in range(times):
                tally.add_capitalised(words, labels)
    candidates = lexicon_candidates(tallies)
    for tally, lines in zip(tallies, halves, strict=True):
        for words, labels, times in lines:
            for _ in range(times):
                tally.add_occurrences(words, labels, candidates)
    return tallies


def test_the_lexicon_keeps_runs_capitalised_the_same_way_most_of_the_time() -> None:
    """Written "Luật Đất đai" four times in five, the title enters ("cll"); "Giấy chứng nhận", capitalised half
    the time, does not, nor does a run seen too rarely or never capitalised."""
    title = ["theo", "luật", "đất", "đai"]
    paper = ["cấp", "giấy", "chứng", "nhận"]
    place = (["ở", "hà", "tĩnh"], ["c", "c", "c."])
    first = [
        (title, ["c", "c", "l", "l."], 4),
        (title, ["c", "l", "l", "l."], 1),
        (paper, ["c", "l", "c", "l."], 3),
        (paper, ["c", "l", "l", "l."], 3),
        (*place, LEXICON_MIN_COUNT - 1),
    ]
    a, b = _lexicon_tallies(first, [(*place, 1)])
    entries = a.lexicon().entries
    assert entries["luật đất đai"] == "cll" and entries["luật đất"] == "cl"
    assert not {"cấp giấy", "giấy chứng", "chứng nhận", "hà tĩnh", "đất đai"} & set(entries)
    assert a.merged(b).lexicon().entries["hà tĩnh"] == "cc"  # five times over both halves
    assert "hà tĩnh" not in b.lexicon().entries


def test_the_longest_lexicon_run_tags_each_word_it_covers(tmp_path: Path) -> None:
    lexicon = CaseLexicon({"luật đất": "cl", "luật đất đai": "cll", "đai năm": "lc", "hà nội": "cc"})
    tags = lexicon.tags(["theo", "luật", "đất", "đai", "năm", "ở", "hà", "nội"])
    assert tags == ["", "cB", "lI", "lI", "", "", "cB", "cI"]
    path = tmp_path / "lexicon.tsv.gz"
    lexicon.save(path)
    assert CaseLexicon.load(path) == lexicon
    first = path.read_bytes()
    lexicon.save(path)
    assert path.read_bytes() == first  # the shipped file is reproducible
    path.write_bytes(gzip.compress("hà nội\tc\n".encode()))
    with pytest.raises(ValueError, match="malformed"):
        CaseLexicon.load(path)


def test_a_malformed_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv.gz"
    path.write_bytes(gzip.compress("hà\t3\n".encode()))
    with pytest.raises(ValueError, match="malformed"):
        WordStatistics.load(path)


def test_training_documents_split_into_two_halves() -> None:
    halves = [half_of(d) for d in range(2000)]
    assert 0.45 < sum(halves) / 2000 < 0.55
    assert halves == [half_of(d) for d in range(2000)]
