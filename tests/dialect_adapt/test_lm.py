from __future__ import annotations

import math
from pathlib import Path

import pytest

from core.errors import InvalidInputError
from dialect_adapt.corpus import dictionary_words, train_lm
from dialect_adapt.lm import EOS, NgramLM, sentences

TEXT = [
    "Hội đồng nhân dân thành phố họp phiên thường kỳ.",
    "Đại biểu Hội đồng nhân dân chất vấn về chương trình giảm nghèo.",
    "Chương trình xây dựng nông thôn mới được triển khai.",
]


def test_kneser_ney_gives_a_proper_distribution_and_prefers_seen_continuations() -> None:
    lm = NgramLM.train(sentences(TEXT), order=3)
    vocabulary = [*sorted(lm.vocabulary), "chưa-gặp"]  # plus one unknown word: its share is the rest
    for context in [("hội", "đồng"), ("nhân",), ()]:
        total = sum(math.exp(lm.logprob(w, context)) for w in vocabulary if w != "chưa-gặp")
        assert 0.98 < total + math.exp(lm.logprob("chưa-gặp", context)) * 1 <= 1.0 + 1e-9
    assert lm.logprob("nhân", ("hội", "đồng")) > lm.logprob("trình", ("hội", "đồng"))
    assert lm.score(["chương", "trình", "giảm", "nghèo"]) > lm.score(["trương", "trình", "giảm", "nghèo"])
    assert EOS in lm.vocabulary


def test_saved_model_loads_back_identically(tmp_path: Path) -> None:
    lm = NgramLM.train(sentences(TEXT), order=2)
    lm.save(tmp_path / "lm.json.gz")
    assert [p.name for p in tmp_path.iterdir()] == ["lm.json.gz"]  # written aside, then renamed into place
    again = NgramLM.load(tmp_path / "lm.json.gz")
    words = ["đại", "biểu", "hội", "đồng"]
    assert again.order == 2 and again.score(words) == pytest.approx(lm.score(words))
    (tmp_path / "bad.json.gz").write_bytes(b"not gzip")
    with pytest.raises(InvalidInputError, match="language model"):
        NgramLM.load(tmp_path / "bad.json.gz")
    with pytest.raises(InvalidInputError, match="text"):
        NgramLM.train([], order=3)


def test_dictionary_corpus_knows_vietnamese_words() -> None:
    words = dictionary_words()
    assert len(words) > 30000 and "chương trình" in words
    lm = train_lm(["Phiên họp thứ nhất"], glossary=["Nguyễn Văn An"])
    assert {"chương", "trình", "nguyễn", "phiên"} <= lm.vocabulary
    assert lm.score(["chương", "trình"]) > lm.score(["trương", "trình"])
