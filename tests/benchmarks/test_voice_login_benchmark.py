"""The voice-login benchmark's fixed speaker split and its second-utterance rule."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.voice_login import FOLDS, Trials, fold_of, part_of, parts, second_utterance, wilson
from diarization.embedders import normalize


def test_parts_are_speaker_disjoint_by_a_fixed_rule(evaldata: object) -> None:
    sets = parts()
    dev, held = set(sets["cv9/dev"]), set(sets["cv9/held-out"])
    assert not dev & held and (len(dev), len(held)) == (24, 27)
    assert all(part_of(s) == "dev" for s in dev) and all(part_of(s) == "held-out" for s in held)
    assert sum(len(v) for v in sets["cv9/dev"].values()) == 309 and len(sets["librispeech/held-out"]) == 10


def _unit(angle: float) -> np.ndarray:
    return np.array([np.cos(angle), np.sin(angle), 0.0], np.float32)


def test_a_grey_zone_score_is_decided_with_the_next_utterance() -> None:
    """Voiceprint of "a" along x; a's clips score 0.55 and 0.70, b's 0.50 and 0.0 (cosines): at threshold 0.6
    with a 0.1 grey zone, a's 0.55 is asked again and accepted on the mean (0.625), b's 0.50 is asked again and
    refused (0.25), so one genuine and no impostor login more gets in."""
    clips = np.stack([_unit(np.arccos(c)) for c in (0.55, 0.70, 0.50, 0.0)])
    trials = Trials(
        voiceprints=normalize(np.array([[1.0, 0.0, 0.0]], np.float32)),
        enrolled=["a"],
        clips=clips,
        speakers=["a", "a", "b", "b"],
        used=np.zeros((1, 4), bool),
        members=[np.array([[1.0, 0.0, 0.0]], np.float32)],
    )
    figures = second_utterance(trials, threshold=0.6, grey=0.1)
    assert figures["frr one utterance %"] == 50.0 and figures["frr %"] == 0.0
    assert figures["far %"] == 0.0 and figures["asked again %"] == 50.0


def test_cross_validation_folds_hold_out_every_speaker_once_by_a_fixed_rule(evaldata: object) -> None:
    speakers = [*parts()["cv9/dev"], *parts()["cv9/held-out"]]
    folds = {s: fold_of(s) for s in speakers}
    assert set(folds.values()) == set(range(FOLDS)) and folds == {s: fold_of(s) for s in speakers}
    assert max(list(folds.values()).count(f) for f in range(FOLDS)) < len(speakers) / 2  # no fold dominates


def test_wilson_interval_of_no_errors_is_not_zero() -> None:
    """0 false accepts in 3 000 trials does not show a FAR of 0: the upper bound is about 0.13%."""
    low, high = wilson(0, 3000)
    assert low == pytest.approx(0.0, abs=1e-9) and 0.1 < high < 0.15
    low, high = wilson(50, 1000)
    assert low < 5.0 < high
