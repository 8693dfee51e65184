from __future__ import annotations

import pytest

from dialect_adapt.corpus import train_lm
from dialect_adapt.correction import ConfusionSets, DialectCorrector, variants
from dialect_adapt.lm import NgramLM


@pytest.fixture(scope="module")
def lm() -> NgramLM:
    return train_lm()


@pytest.mark.parametrize(
    ("heard", "expected"),
    [
        ("trương", "chương"),  # tr/ch
        ("xinh", "sinh"),  # s/x
        ("dì", "gì"),  # d/gi, "gi" + "ì" written "gì"
        ("viết", "giết"),  # v/gi
        ("giết", "diết"),  # gi/d keeps the i
        ("lên", "nên"),  # l/n
        ("bạng", "bạn"),  # final n/ng
        ("việc", "việt"),  # final t/c
        ("bổ", "bỗ"),  # hỏi/ngã
    ],
)
def test_variants_follow_the_mergers(heard: str, expected: str) -> None:
    assert expected in variants(heard, ConfusionSets())


def test_region_sets_differ() -> None:
    north, south = ConfusionSets.for_region("North"), ConfusionSets.for_region("South")
    assert "bạn" not in variants("bạng", north) and "bạn" in variants("bạng", south)
    assert "nên" in variants("lên", north) and "nên" not in variants("lên", south)


def test_corrects_merged_spellings_only_where_the_lm_is_confident(lm: NgramLM) -> None:
    corrector = DialectCorrector(lm, margin=3.0)
    assert corrector.correct("trương trình") == "chương trình"
    fixes = corrector.corrections(["xinh", "viên"])
    assert [(c.heard, c.written) for c in fixes] == [("xinh", "sinh")] and fixes[0].gain >= 3.0
    for right in ("chương trình", "sinh viên", "đại biểu hội đồng nhân dân"):
        assert corrector.correct(right) == right
    cautious = DialectCorrector(lm, margin=1e6)
    assert cautious.correct("trương trình") == "trương trình"
