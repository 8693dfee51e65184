"""The quality-measure calibration benchmark's trial features and centring."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.voice_login import EmbeddingBank, Trials
from benchmarks.voice_qmf import MIN_SPEECH_S, Scored, centred, features, fit_qmf
from diarization.embedders import normalize
from diarization.score_norm import Cohort


def _trials() -> Trials:
    """One enrolment of "a" from clip a1 against a1 (its own), a2 and b1."""
    clips = normalize(np.array([[1.0, 0.2, 0.0], [0.9, 0.1, 0.3], [0.1, 1.0, 0.2]], np.float32))
    return Trials(
        voiceprints=clips[:1],
        enrolled=["a"],
        clips=clips,
        speakers=["a", "a", "b"],
        used=np.array([[True, False, False]]),
        members=[clips[:1]],
        paths=("a1", "a2", "b1"),
    )


def test_features_take_the_enrolments_own_speech_and_floor_a_silent_login() -> None:
    """The enrolment's seconds are those of its own clips; a login in which VAD found no speech (some
    other-channel clips) gets the floor, not log 0 = -inf, which would decide the trial by itself."""
    trials = _trials()
    bank = EmbeddingBank(embedder=None)  # type: ignore[arg-type]
    bank.speech_s = {"a1": 21.0, "a2": 4.0, "b1": 0.0}
    cohort = Cohort(normalize(np.eye(3, dtype=np.float32)), np.array(["x", "y", "z"]), "m", top_k=2)
    feats = features(
        [trials, trials], Scored([bank, bank], [cohort, cohort]), [trials.clips] * 2, np.array([21.0, 4.0, 0.0])
    )
    assert feats["log enrolment s"][0].tolist() == pytest.approx([np.log(21.0)] * 3)
    assert feats["log login s"][0].tolist() == pytest.approx([np.log(21.0), np.log(4.0), np.log(MIN_SPEECH_S)])
    assert feats["cosine 0"] == pytest.approx(trials.cosine())
    model = fit_qmf(
        {k: np.tile(v, (2, 1)) for k, v in feats.items()},
        np.ones((2, 3), bool),
        np.tile(trials.same, (2, 1)),
        ("cosine 0", "cosine 1"),
    )
    assert np.isfinite(model.llr(feats)).all()


def test_centring_rebuilds_the_voiceprint_from_centred_utterances() -> None:
    """The voiceprint is the mean of the centred enrolment utterances, as an enrolment made after centring would
    be, not the centred mean."""
    trials = _trials()
    two = Trials(
        **{
            **trials.__dict__,
            "members": [trials.clips[:2]],
            "voiceprints": normalize(trials.clips[:2].mean(0, keepdims=True)),
        }
    )
    mean = np.array([0.5, 0.5, 0.0], np.float32)
    moved = centred(two, mean)
    expected = normalize(normalize(two.members[0] - mean).mean(axis=0, keepdims=True))
    assert moved.voiceprints == pytest.approx(expected)
    assert moved.clips == pytest.approx(normalize(two.clips - mean))
