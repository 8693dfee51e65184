"""The pruned corpus LM: the same Kneser-Ney as the small trainer, proper distributions after pruning,
trained on training documents only, and the shipped legal-corpus model's behaviour on held-out text."""

from __future__ import annotations

import gzip
import math
import random
from itertools import islice
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asr.legal_corpus import lines, split_of
from cli.main import app
from core.errors import InvalidInputError
from core.text import normalize_for_scoring
from dialect_adapt.engine_decoder import shipped_lm
from dialect_adapt.lm import UNK, BackoffLM, NgramLM, sentences
from dialect_adapt.lm_build import build_backoff_lm
from tests.conftest import EVALDATA

CORPUS = EVALDATA.parent / "corpora" / "vi_legal" / "laws.txt.gz"
TEXT = [
    "Hội đồng nhân dân thành phố họp phiên thường kỳ.",
    "Đại biểu Hội đồng nhân dân chất vấn về chương trình giảm nghèo.",
    "Chương trình xây dựng nông thôn mới được triển khai.",
    "Nhân dân họp bàn chương trình.",
]
CONTEXTS = [(), ("hội",), ("hội", "đồng"), ("<s>", "<s>"), ("<s>", "hội"), ("chưa-gặp", "nhân"), ("nhân", "dân")]


def test_unpruned_model_is_the_small_trainers_kneser_ney_in_backoff_form(tmp_path: Path) -> None:
    corpus = sentences(TEXT)
    reference, built = NgramLM.train(corpus, order=3), build_backoff_lm(corpus, order=3)
    words = [*reference.vocabulary, "chưa-gặp"]
    for context in CONTEXTS:
        for word in words:
            assert built.logprob(word, context) == pytest.approx(reference.logprob(word, context), abs=1e-9)
    built.save(tmp_path / "lm.arpa.gz")
    again = BackoffLM.load(tmp_path / "lm.arpa.gz")
    assert again.vocabulary == built.vocabulary == reference.vocabulary
    assert again.score(["nhân", "dân", "họp"]) == pytest.approx(built.score(["nhân", "dân", "họp"]), abs=1e-3)


def test_pruning_keeps_every_distribution_whole_and_drops_rare_ngrams() -> None:
    full = build_backoff_lm(sentences(TEXT), order=3)
    pruned = build_backoff_lm(sentences(TEXT), order=3, min_counts=(1, 2, 2))
    assert len(pruned.ngrams) < len(full.ngrams)
    assert ("hội", "đồng", "nhân") in pruned.ngrams and ("thành", "phố", "họp") not in pruned.ngrams
    for context in CONTEXTS:
        # the vocabulary's probabilities plus the unknown word's share sum to one
        total = sum(math.exp(pruned.logprob(w, context)) for w in pruned.vocabulary)
        assert total + math.exp(pruned.logprob("chưa-gặp", context)) == pytest.approx(1.0, abs=1e-9)


def test_bad_model_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.arpa.gz").write_bytes(b"not gzip")
    with pytest.raises(InvalidInputError, match="language model"):
        BackoffLM.load(tmp_path / "bad.arpa.gz")
    (tmp_path / "empty.arpa.gz").write_bytes(gzip.compress(b"hello\n"))
    with pytest.raises(InvalidInputError, match="ARPA"):
        BackoffLM.load(tmp_path / "empty.arpa.gz")
    with pytest.raises(InvalidInputError, match="text"):
        build_backoff_lm([], order=3)


def test_lm_build_learns_from_training_documents_only(tmp_path: Path) -> None:
    """Documents start at "Điều 1."; each carries a word of its own, and held-out ones must not reach the LM."""
    documents = range(1, 60)
    own = {d: "x" + "".join(chr(ord("a") + int(c)) for c in str(d)) for d in documents}  # 12 -> "xbc"
    text = "".join(f"Điều 1. Văn bản này quy định riêng {own[d]} cho cơ quan.\n" for d in documents)
    corpus = tmp_path / "laws.txt.gz"
    corpus.write_bytes(gzip.compress(text.encode("utf-8")))
    out = tmp_path / "lm.arpa.gz"
    result = CliRunner().invoke(app, ["adapt", "lm-build", "-c", str(corpus), "--min-count", "1", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    vocabulary = BackoffLM.load(out).vocabulary
    for d in documents:
        assert (own[d] in vocabulary) == (split_of(d) == "train"), d
    assert {"quy", "định", "chương", "trình"} <= vocabulary  # the dictionary's words are always in
    missing = CliRunner().invoke(app, ["adapt", "lm-build", "-c", str(tmp_path / "nope.gz"), "-o", str(out)])
    assert missing.exit_code != 0 and "nope.gz" in missing.output
    (tmp_path / "bad.gz").write_bytes(b"not gzip")
    bad = CliRunner().invoke(app, ["adapt", "lm-build", "-c", str(tmp_path / "bad.gz"), "-o", str(out)])
    assert bad.exit_code != 0 and "corpus" in bad.output


@pytest.fixture(scope="module")
def legal_lm() -> BackoffLM:
    return shipped_lm()


def test_shipped_model_prefers_held_out_legal_text_to_the_same_words_shuffled(legal_lm: BackoffLM) -> None:
    held = [normalize_for_scoring(line.text).split() for line in islice(lines(CORPUS, "heldout"), 0, 3000, 15)]
    held = [words for words in held if len(words) >= 6]
    shuffler = random.Random(14)
    better = 0
    for words in held:
        shuffled = shuffler.sample(words, len(words))
        better += legal_lm.score(words) > legal_lm.score(shuffled)
    assert len(held) >= 100 and better / len(held) >= 0.95
    in_domain = sum(legal_lm.score(w) for w in held) / sum(len(w) + 1 for w in held)
    assert math.exp(-in_domain) < 150  # held-out perplexity per syllable
    assert (UNK,) in legal_lm.ngrams and len(legal_lm.vocabulary) > 10000


def test_shipped_model_is_small_enough_to_ship() -> None:
    from importlib.resources import files

    from dialect_adapt.engine_decoder import SHIPPED_LM

    data = files("dialect_adapt").joinpath("data", SHIPPED_LM)
    assert len(data.read_bytes()) < 8 * 1024 * 1024
