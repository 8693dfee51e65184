"""Calibrating the voice-login threshold on a deployment's own enrolled voices (`gobang voiceprints calibrate`).

Thresholds from the benchmark (Common Voice speakers) need not hold for a deployment's microphones and
people. Its enrolled population is its own evaluation set: each enrolment utterance stored for a person is
scored, as a login would be, against a voiceprint of that person's other utterances (genuine trials) and
against every other person's voiceprint (impostor trials, people disjoint from the claimed one). The curve
of false accepts and false rejects over those trials proposes the lowest threshold meeting a chosen FAR.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.errors import InvalidInputError
from diarization.embedders import normalize
from diarization.voiceprints import Calibration, calibrate


@dataclass(frozen=True)
class PopulationCalibration:
    calibration: Calibration
    """EER and the proposed threshold for the target FAR."""
    people: int
    genuine: int
    impostor: int
    curve: list[tuple[float, float, float]]
    """(threshold, FAR, FRR), by threshold."""

    @property
    def smallest_far(self) -> float:
        """One impostor trial in all: no smaller FAR can be told apart from zero."""
        return 1.0 / self.impostor


def population_trials(embeddings: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Scores and same-person labels: each utterance against its own person's other utterances (mean, unit) and
    against each other person's voiceprint (mean of all their utterances). People with one utterance serve only
    as impostors."""
    people = sorted(embeddings)
    units = {p: normalize(np.asarray(embeddings[p], dtype=np.float32)) for p in people}
    voiceprints = np.stack([normalize(units[p].mean(axis=0)) for p in people])
    scores, same = [], []
    for i, person in enumerate(people):
        mine = units[person]
        if len(mine) >= 2:
            others = normalize(mine.sum(axis=0, keepdims=True) - mine)
            scores.append(np.einsum("ij,ij->i", mine, others))
            same.append(np.ones(len(mine), bool))
        impostor = np.delete(voiceprints, i, axis=0) @ mine.T
        scores.append(impostor.ravel())
        same.append(np.zeros(impostor.size, bool))
    return np.concatenate(scores), np.concatenate(same)


def calibrate_population(
    embeddings: dict[str, np.ndarray],
    *,
    target_far: float,
    also: tuple[float, ...] = (),
    steps: tuple[float, ...] = (-0.1, -0.05, 0.0, 0.05, 0.1),
) -> PopulationCalibration:
    """The FAR/FRR curve of an enrolled population and the lowest threshold with FAR <= `target_far`; the curve
    holds thresholds `steps` away from that one, and those in `also` (the configured one)."""
    if len(embeddings) < 2 or not any(len(v) >= 2 for v in embeddings.values()):
        raise InvalidInputError(
            "cần ít nhất 2 người đã ghi danh giọng đăng nhập, có người với từ 2 bản ghi trở lên, để hiệu chỉnh "
            "(calibration needs at least two enrolled people, one with two or more utterances)"
        )
    scores, same = population_trials(embeddings)
    result = calibrate(scores.tolist(), same.tolist(), target_far=target_far)
    curve = [
        (t, float(np.mean(scores[~same] >= t)), float(np.mean(scores[same] < t)))
        for t in sorted({round(result.threshold + step, 3) for step in steps} | set(also))
    ]
    return PopulationCalibration(result, len(embeddings), int(same.sum()), int((~same).sum()), curve)
