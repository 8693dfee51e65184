"""Punctuation and case: the corpus split, the labels read off written text, and the shipped CRF's behaviour."""

from __future__ import annotations

from collections import Counter
from itertools import islice
from pathlib import Path

import pytest

from asr.legal_corpus import lines, split_of
from asr.punctuation import (
    Punctuator,
    apply,
    corpus_statistics,
    examples_from_written,
    features,
    pieces_for_training,
    statistics_path,
    train,
    training_examples,
)
from asr.word_statistics import WordStatistics
from asr.written import shipped_punctuation_model
from tests.conftest import EVALDATA

CORPUS = EVALDATA.parent / "corpora" / "vi_legal" / "laws.txt.gz"


@pytest.fixture(scope="module")
def punctuator() -> Punctuator:
    return Punctuator(shipped_punctuation_model())


def test_documents_are_split_by_a_fixed_rule() -> None:
    splits = Counter(split_of(d) for d in range(5000))
    assert 0.08 < splits["heldout"] / 5000 < 0.12 and 0.08 < splits["dev"] / 5000 < 0.12
    assert [split_of(d) for d in range(50)] == [split_of(d) for d in range(50)]


def test_held_out_documents_are_whole_and_apart_from_training() -> None:
    held = list(islice(lines(CORPUS, "heldout"), 2000))
    train_lines = list(islice(lines(CORPUS, "train"), 20000))
    assert {line.split for line in held} == {"heldout"} and {line.split for line in train_lines} == {"train"}
    assert not {line.document for line in held} & {line.document for line in train_lines}
    assert not {line.text for line in held if len(line.text.split()) > 12} & {line.text for line in train_lines}


def test_labels_are_read_off_written_text() -> None:
    example = examples_from_written("Căn cứ Luật số 91/2015/QH13, Quốc hội ban hành:", read_numbers=False)
    assert example is not None
    assert example.words == ["căn", "cứ", "luật", "số", "91/2015/qh13", "quốc", "hội", "ban", "hành"]
    assert example.labels == ["c", "l", "c", "l", "l,", "c", "l", "l", "l:"]
    spoken = examples_from_written("Tăng 12,5% năm nay.", read_numbers=True)
    assert spoken is not None
    assert spoken.words == ["tăng", "mười", "hai", "phẩy", "năm", "phần", "trăm", "năm", "nay"]
    assert spoken.labels[0] == "c" and spoken.labels[-1] == "l." and spoken.labels[1:7] == ["l"] * 6


def test_training_lines_are_cut_into_sentences_for_half_of_them() -> None:
    lines_ = [f"Điều {n} quy định việc này. Tổ chức {n} thực hiện, theo dõi. Ngày 1. tháng" for n in range(40)]
    cut = [pieces_for_training(line) for line in lines_]
    assert all(p == [line] for p, line in zip(cut, lines_, strict=True) if len(p) == 1)
    split = [p for p in cut if len(p) > 1]
    assert 10 < len(split) < 30  # about half, fixed by a hash of the line
    assert all(p[0].endswith("này.") and p[1].startswith("Tổ chức") and len(p) == 3 for p in split)


def test_features_see_length_position_gazetteer_names_and_corpus_counts() -> None:
    statistics = WordStatistics({"nội": (40, 40, 0)}, {"hà nội": (30, 30, 30, 0)})
    rows = features(["hôm", "nay", "quốc", "hội", "họp", "tại", "hà", "nội"], statistics)
    assert "len=s" in rows[0] and "from=0" in rows[0] and "to=0" in rows[-1]
    assert "gaz=B" in rows[2] and "gaz=I" in rows[3] and "gaz=B" in rows[6] and "gaz=I" in rows[7]
    assert not any(f.startswith("gaz") for f in rows[4])
    assert "w-3=hội" in rows[6] and "w+3=</s>" in rows[6] and "w-2w-1w=họp|tại|hà" in rows[6]
    assert {"su=6", "sf=1", "pu2=6"} <= set(rows[7]) and {"pu1=6", "pc=0"} <= set(rows[6])
    assert "sf=0" in rows[0] and not any(f.startswith("su=") for f in rows[0])
    assert "len=xl" in features(["một"] * 50, statistics)[0]


def test_apply_never_lowers_case_nor_touches_digits() -> None:
    assert apply(["hđnd", "iPhone", "12,5%", "hà"], ["u", "l,", "c", "c."]) == ["HĐND", "iPhone,", "12,5%", "Hà."]


def test_a_toned_word_is_never_put_in_capitals() -> None:
    """Abbreviations carry no tone mark; a toned word labelled "u" only gets its capital letter."""
    assert apply(["hồn", "ubnd", "tp.", "quốc"], ["u", "u", "u", "u."]) == ["Hồn", "UBND", "TP.", "Quốc."]


def test_a_model_trained_on_a_slice_learns_the_full_stop(tmp_path: Path) -> None:
    model = tmp_path / "punct.crfsuite"
    halves = corpus_statistics(CORPUS, every=100)
    examples = training_examples(CORPUS, limit=400, every=50)
    assert {e.half for e in examples} == {0, 1}
    train(examples, model, halves, max_iterations=20)
    assert WordStatistics.load(statistics_path(model)) == halves[0].merged(halves[1])
    words = ["các", "tổ", "chức", "cá", "nhân", "có", "trách", "nhiệm", "thi", "hành", "quyết", "định", "này"]
    assert Punctuator(model).labels(words)[-1].endswith(".")


def test_the_shipped_model_punctuates_and_capitalises(punctuator: Punctuator) -> None:
    said = "căn cứ luật tổ chức chính quyền địa phương ủy ban nhân dân tỉnh quyết định như sau"
    written = punctuator(said)
    assert written.startswith("Căn cứ Luật") and "," in written and written.endswith(":")
    assert "Ủy ban nhân dân" in written
    meeting = punctuator("hôm nay quốc hội họp tại hà nội")
    assert meeting.startswith("Hôm nay") and "Quốc hội họp tại Hà Nội." in meeting


def test_a_short_read_sentence_gets_no_stray_comma(punctuator: Punctuator) -> None:
    """The legal-text model used to cut read speech with commas ("Cô ngượng, ngùng nhìn phong."): short
    utterances now keep a comma only when the model is nearly sure of it."""
    assert punctuator("anh vừa mới ký xong một bản hợp đồng") == "Anh vừa mới ký xong một bản hợp đồng."
    assert punctuator("đôi chân của cô trùng xuống và khép lại") == "Đôi chân của cô trùng xuống và khép lại."


def test_questions_end_with_a_question_mark(punctuator: Punctuator) -> None:
    assert punctuator("đồng chí có ý kiến gì không").endswith("không?")
    assert punctuator("ai đồng ý với dự thảo nghị quyết này").endswith("này.")  # a call to vote
    assert punctuator("ai chịu trách nhiệm về dự thảo nghị quyết này").endswith("này?")
    assert punctuator("vì sao đến nay cây cầu vẫn chưa được sửa").endswith("sửa?")
    assert punctuator("đề nghị giám đốc sở làm rõ vì sao cây cầu chưa được sửa").endswith("sửa.")
    assert punctuator("tôi cũng không").endswith("không.")
    assert punctuator("anh đang ở đâu").endswith("đâu?")
    assert punctuator("anh sẽ không gặp lại em được đâu").endswith("đâu.")  # a denial
    assert punctuator("cánh cửa không thể xảy ra bất cứ điều gì").endswith("gì.")  # "any"


def test_a_question_a_request_follows_ends_inside_the_utterance(punctuator: Punctuator) -> None:
    assert punctuator("vì sao vậy đề nghị giám đốc sở trả lời").startswith("Vì sao vậy? Đề nghị")


def test_uncertain_marks_and_capitals_are_left_out() -> None:
    said = "căn cứ luật tổ chức chính quyền địa phương ủy ban nhân dân tỉnh quyết định như sau"
    sure = Punctuator(shipped_punctuation_model(), min_comma=1.01, min_mark=1.01, min_capital=1.01)(said)
    assert sure == "Căn cứ luật tổ chức chính quyền địa phương ủy ban nhân dân tỉnh quyết định như sau:"
    free = Punctuator(shipped_punctuation_model(), min_comma=0.0, min_mark=0.0, min_capital=0.0)(said)
    assert "," in free and "Ủy" in free


def test_short_utterances_have_their_own_capital_threshold() -> None:
    """A capital in a long (legal) utterance needs less certainty than one in a short read sentence."""
    punctuator = Punctuator(shipped_punctuation_model(), min_capital=1.01, min_capital_short=0.0)
    assert punctuator("hôm nay quốc hội họp tại hà nội") == "Hôm nay Quốc hội họp tại Hà Nội."
    said = "căn cứ luật tổ chức chính quyền địa phương ủy ban nhân dân tỉnh hà giang quyết định như sau"
    assert punctuator(said).startswith("Căn cứ luật tổ chức") and "Ủy" not in punctuator(said)
