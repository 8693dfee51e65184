"""Calibrating the voice-login threshold on a deployment's own enrolled voices (`gobang voiceprints calibrate`).

Thresholds from the benchmark (Common Voice speakers) need not hold for a deployment's microphones and
people. Its enrolled population is its own evaluation set: each enrolment utterance stored for a person is
scored, as a login would be, against a voiceprint of that person's other utterances (genuine trials) and
against every other person's voiceprint (impostor trials, people disjoint from the claimed one). The curve
of false accepts and false rejects over those trials proposes the lowest threshold meeting a chosen FAR.

Trials are scored as the login scores them: voiceprints holding both CAM++'s and SE-Res2Net's embeddings on the
fused score (`voice.fusion_threshold`), impostors being the other people enrolled with both (only they have
embeddings of both models to fuse); voiceprints of CAM++ alone, enrolled before the fusion, on its cosine
(`voice.threshold`), against every enrolled person's utterances.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from core.errors import InvalidInputError
from diarization.embedders import normalize
from diarization.verification import Fusion
from diarization.voiceprints import Calibration, calibrate

STEPS = (-0.1, -0.05, 0.0, 0.05, 0.1)
"""The curve shows thresholds this far from the proposed one."""
NEEDS = (
    "cần ít nhất 2 người đã ghi danh giọng đăng nhập, có người với từ 2 bản ghi trở lên, để hiệu chỉnh "
    "(calibration needs at least two enrolled people, one with two or more utterances)"
)


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


def population_trials(
    embeddings: dict[str, np.ndarray], claimed: Collection[str] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Scores and same-person labels: each utterance against its own person's other utterances (mean, unit) and
    against each other person's voiceprint (mean of all their utterances). Only the voiceprints of `claimed`
    people (default: all) are claimed; the others, and people with one utterance, serve only as impostors."""
    people = sorted(embeddings)
    claims = people if claimed is None else sorted(set(claimed) & set(people))
    units = {p: normalize(np.asarray(embeddings[p], dtype=np.float32)) for p in people}
    voiceprints = {p: normalize(units[p].mean(axis=0)) for p in claims}
    scores, same = [], []
    for person in people:
        mine = units[person]
        if person in voiceprints and len(mine) >= 2:
            others = normalize(mine.sum(axis=0, keepdims=True) - mine)
            scores.append(np.einsum("ij,ij->i", mine, others))
            same.append(np.ones(len(mine), bool))
        impostors = [voiceprints[c] for c in claims if c != person]
        if impostors:
            impostor = np.stack(impostors) @ mine.T
            scores.append(impostor.ravel())
            same.append(np.zeros(impostor.size, bool))
    if not scores:
        return np.zeros(0, np.float32), np.zeros(0, bool)
    return np.concatenate(scores), np.concatenate(same)


def fused_trials(
    first: dict[str, np.ndarray], second: dict[str, np.ndarray], fusion: Fusion
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """`population_trials` of the people whose enrolment both models embedded (the same utterances: as many
    embeddings of each), on the fused score a login computes for their voiceprints; and those people."""
    both = sorted(p for p in first if p in second and len(first[p]) == len(second[p]))
    scores, same = population_trials({p: first[p] for p in both})
    other, _ = population_trials({p: second[p] for p in both})
    return np.asarray(fusion.fuse(scores, other)), same, both


def _calibrated(
    scores: np.ndarray,
    same: np.ndarray,
    people: int,
    *,
    target_far: float,
    also: tuple[float, ...],
    steps: tuple[float, ...],
) -> PopulationCalibration | None:
    """The lowest threshold with FAR <= `target_far`, and the curve at thresholds `steps` away from it and at those
    in `also` (the configured one); None without genuine or impostor trials."""
    if same.all() or not same.any():
        return None
    result = calibrate(scores.tolist(), same.tolist(), target_far=target_far)
    curve = [
        (t, float(np.mean(scores[~same] >= t)), float(np.mean(scores[same] < t)))
        for t in sorted({round(result.threshold + step, 3) for step in steps} | set(also))
    ]
    return PopulationCalibration(result, people, int(same.sum()), int((~same).sum()), curve)


@dataclass(frozen=True)
class LoginCalibration:
    """Voice login's thresholds on an enrolled population, each on the score the login computes."""

    fused: PopulationCalibration | None
    """Voiceprints holding both models' embeddings, on the fused score (against `fusion_threshold`); None with
    the fusion off or fewer than two such people."""
    alone: PopulationCalibration | None
    """Voiceprints of the store's model alone (enrolled before the fusion), on its cosine (against `threshold`),
    claimed by every enrolled person's utterances; None when there are none."""
    both: int
    """People whose voiceprint holds both models (scored fused at login)."""


def calibrate_login(
    first: dict[str, np.ndarray],
    second: dict[str, np.ndarray],
    *,
    fusion: Fusion | None,
    target_far: float,
    threshold: float,
    steps: tuple[float, ...] = STEPS,
) -> LoginCalibration:
    """The FAR/FRR curves and the lowest thresholds with FAR <= `target_far`, as voice login scores: people whose
    enrolment both models embedded (`first` and `second`, by person) on the fused score, the others on the first
    model's cosine. `threshold`: the configured one for the first model alone, shown on its curve as
    `fusion.threshold` is on the fused one."""
    both: list[str] = []
    fused = None
    if fusion is not None and second:
        scores, same, both = fused_trials(first, second, fusion)
        fused = _calibrated(scores, same, len(both), target_far=target_far, also=(fusion.threshold,), steps=steps)
    alone_people = set(first) - set(both)
    scores, same = population_trials(first, claimed=alone_people)
    alone = _calibrated(scores, same, len(alone_people), target_far=target_far, also=(threshold,), steps=steps)
    if fused is None and alone is None:
        raise InvalidInputError(NEEDS)
    return LoginCalibration(fused, alone, len(both))
