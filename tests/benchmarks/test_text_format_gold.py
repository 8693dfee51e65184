"""The text benchmark's gold procedure: only spacing that speech cannot carry is made one way."""

from __future__ import annotations

import gzip
from pathlib import Path

from asr.itn import InverseNormalizer
from asr.written import TextFormatter
from benchmarks.text_format import (
    MEETING_QUESTIONS,
    UNSEEN_QUESTIONS,
    corpus_lines,
    document_forms,
    expression_categories,
    gold_text,
    itn_scores,
    marks_where_punctuated,
    meeting_questions,
    question_units,
    spoken_question_scores,
)
from benchmarks.unit_sets import part_of_line
from core.text import nfc


def test_spacing_speech_cannot_carry_is_made_one_way() -> None:
    assert gold_text("suy giảm từ 61 % trở lên") == "suy giảm từ 61% trở lên"
    assert gold_text("bơm 50ml nước, rộng 13mm, đường kính 10,5-13mm") == (
        "bơm 50 ml nước, rộng 13 mm, đường kính 10,5-13 mm"
    )
    assert gold_text("diện tích 20m2") == "diện tích 20 m2"
    assert gold_text("lưới điện 110kV, nhà máy 30MW") == "lưới điện 110 kV, nhà máy 30 MW"


def test_everything_else_stays_as_written() -> None:
    for line in (
        "Nghị quyết số 1343/NQ-UBTVQH15, tăng 12,5%.",
        "khổ A4, mạng 4G, ảnh 2x3cm, hạng B2, Điều 19a, QCVN 01-100:2012",
        "lãi suất 3,9%/năm, phạt 10.000.000 đồng",
    ):
        assert gold_text(line) == line


def test_a_spaced_percent_is_scored_as_one_expression() -> None:
    assert expression_categories(gold_text("từ 61 % trở lên")) == [("61%", "percent")]


def test_questions_are_scored_on_punctuated_written_text_only(tmp_path: Path) -> None:
    manifest = tmp_path / "MANIFEST.tsv"
    manifest.write_text(
        "audio_path\treference_text\tspeaker\tgender\tregion\tduration_s\n"
        "audio/a.flac\tSao anh không đứng lại?\tcv_a\tmale\tSouth\t3.5\n"
        "audio/b.flac\tAnh cảm thấy thế nào\tcv_b\tfemale\tNorth\t2.0\n"
        + "".join(f"audio/{n}.flac\tTrời mưa.\tcv_{n}\tmale\tNorth\t2.0\n" for n in range(5)),
        encoding="utf-8",
    )
    units = question_units(manifest)
    everything = units["dev"] + units["heldout"]
    assert "Sao anh không đứng lại?" in everything
    assert "Anh cảm thấy thế nào" not in everything  # not punctuated at all: no gold for "?"
    # the written meetings keep their split: a question of a held-out meeting is held-out only
    held_out_question = next(u for u in units["heldout"] if "Còn ai ý kiến gì không?" in u)
    assert held_out_question not in units["dev"]


def test_lines_can_be_drawn_for_a_rare_kind_of_number(tmp_path: Path) -> None:
    corpus = tmp_path / "laws.txt.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as f:
        f.write("Phạt tiền từ 1.500.000 đồng đến 2.000.000 đồng.\nTheo quy định tại khoản 2 Điều 5.\n")
    every = corpus_lines(corpus, "train", 10, 1)
    assert len(every) == 2
    assert corpus_lines(corpus, "train", 10, 1, holding=frozenset({"thousands grouped"})) == [every[0]]


def test_another_offset_draws_lines_the_first_sample_never_held(tmp_path: Path) -> None:
    corpus = tmp_path / "laws.txt.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as f:
        f.write("".join(f"Theo quy định tại khoản {n} Điều 5.\n" for n in range(1, 7)))
    first = corpus_lines(corpus, "train", 10, 3)
    fresh = corpus_lines(corpus, "train", 10, 3, offset=1)
    assert [line.text for line in first] == ["Theo quy định tại khoản 1 Điều 5.", "Theo quy định tại khoản 4 Điều 5."]
    assert [line.text for line in fresh] == ["Theo quy định tại khoản 2 Điều 5.", "Theo quy định tại khoản 5 Điều 5."]


def test_itn_misses_are_listed_with_their_line(tmp_path: Path) -> None:
    corpus = tmp_path / "laws.txt.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as f:
        f.write("Lập theo Phụ lục 01 ban hành kèm theo Điều 3.\n")
    misses: list[tuple[str, str, str, str]] = []
    formatter = TextFormatter(InverseNormalizer(tmp_path / "itn-vi"), None)
    itn_scores(formatter, corpus_lines(corpus, "train", 10, 1), misses=misses)
    assert misses == [
        (
            "article/clause/label",
            "01",
            "Lập theo Phụ lục 01 ban hành kèm theo Điều 3.",
            "lập theo phụ lục 1 ban hành kèm theo điều 3",
        )
    ]


def test_marks_count_only_against_punctuated_references() -> None:
    assert marks_where_punctuated("Sáng mai, trời mưa.", "Sáng mai trời mưa.") == (
        "Sáng mai , trời mưa .",
        "Sáng mai trời mưa .",
    )
    # not punctuated at all: the full stop and comma put are not scored, the case still is
    assert marks_where_punctuated("Chị ơi Chị bị cảm à", "Chị ơi, chị bị cảm à?") == (
        "Chị ơi Chị bị cảm à",
        "Chị ơi chị bị cảm à",
    )


def test_either_form_a_document_itself_writes_counts(tmp_path: Path) -> None:
    """ "Phụ lục 01" and "Phụ lục 1" in one document: ITN's "1" is right for both; not so in another document."""
    corpus = tmp_path / "laws.txt.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as f:
        f.write(
            "Lập theo Phụ lục 01 ban hành kèm theo.\nBáo cáo theo Phụ lục 1 ban hành kèm theo.\n"
            "Điều 1. Áp dụng Phụ lục 01 ban hành kèm theo.\n"
        )
    forms = document_forms(corpus, "train")
    assert forms == {(0, "lục", "một"): frozenset({"01", "1"})}
    formatter = TextFormatter(InverseNormalizer(tmp_path / "itn-vi"), None)
    scores, _ = itn_scores(formatter, corpus_lines(corpus, "train", 10, 1), forms)
    assert scores["expressions"] == 4
    assert scores["itn_all"] == 2 / 4  # "Phụ lục 1" and "Điều 1"
    assert scores["itn_either"] == 3 / 4  # and the first document's "Phụ lục 01"


def test_meeting_questions_are_split_by_the_fixed_hash_rule() -> None:
    rows = [line.split("\t") for line in MEETING_QUESTIONS.read_text(encoding="utf-8").splitlines()[1:]]
    assert len(rows) >= 400
    assert all(part == part_of_line(text) and text == nfc(text) for part, _, text in rows)
    questions = sum(text.endswith("?") for _, _, text in rows)
    assert 0.35 < questions / len(rows) < 0.5
    units = meeting_questions()
    assert len(units["dev"]) + len(units["heldout"]) == len(rows)
    assert 0.6 < len(units["dev"]) / len(rows) < 0.8


def test_the_unseen_probe_loads_as_its_own_part() -> None:
    rows = [line.split("\t") for line in UNSEEN_QUESTIONS.read_text(encoding="utf-8").splitlines()[1:]]
    assert len(rows) >= 250
    assert all(part == "unseen" and kind and text == nfc(text) and text[-1] in ".?!" for part, kind, text in rows)
    assert 0.35 < sum("?" in text for _, _, text in rows) / len(rows) < 0.5
    units = meeting_questions()
    assert units["unseen"] == [text for _, _, text in rows]


class _Written(TextFormatter):
    """Gives back a fixed written form, whatever was said."""

    def __init__(self, written: str) -> None:
        self.written = written

    def format(self, spoken: str) -> str:
        return self.written


def test_question_marks_are_scored_on_the_spoken_words_they_follow() -> None:
    gold = ["Năm 2025 có bao nhiêu dự án? Đề nghị trả lời."]
    right = spoken_question_scores(_Written("Năm 2025 có bao nhiêu dự án? Đề nghị trả lời."), gold)
    assert (right["right ?"], right["put ?"], right["gold ?"]) == (1, 1, 1)
    # written differently from the gold ("tỉ"): the mark goes to the last word of the span that differs
    other_spelling = spoken_question_scores(_Written("Kinh phí còn 5 tỉ?"), ["Kinh phí còn 5 tỷ?"])
    assert (other_spelling["right ?"], other_spelling["put ?"]) == (1, 1)
    wrong = spoken_question_scores(_Written("Năm 2025 có bao nhiêu dự án. Đề nghị trả lời?"), gold)
    assert (wrong["right ?"], wrong["put ?"]) == (0, 1)
