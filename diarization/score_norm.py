"""Adaptive score normalisation (AS-norm) of voice-login scores against an impostor cohort.

A raw cosine score means different things for different voices and microphones: some voices sit close to
everyone. AS-norm (Matejka et al. 2017, as WeSpeaker and SpeechBrain apply it) measures how the enrolled
voiceprint and the login utterance each score against the `top_k` closest voices of a cohort of other
people, and expresses the score in standard deviations above those impostor scores, so that one
threshold holds across speakers. The cohort is a small file of CAM++ embeddings of development speakers
(built by `benchmarks/voice_cohort.py`), shipped beside this module; it records the embedding model it was
made with and is refused for any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from core.errors import ModelError
from diarization.embedders import normalize

SHIPPED_COHORT = Path(__file__).parent / "data" / "voice_cohort.npz"
"""CAM++ embeddings of cv9_vi_dev development speakers (see benchmarks/voice_cohort.py)."""


@dataclass(frozen=True)
class Cohort:
    """Impostor voices to normalise scores against."""

    vectors: np.ndarray
    """(n, dim) unit embeddings, one per utterance."""
    speakers: np.ndarray
    """(n,) who said each utterance (evaluation-set ids), so an evaluation can leave a trial's speakers out."""
    model_id: str
    """The embedder that made `vectors` (`Embedder.model_id`)."""
    top_k: int = 25
    """Closest cohort voices whose scores give the mean and spread (tuned on development speakers)."""

    def stats(self, probes: np.ndarray, *, exclude: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard deviation of each probe's `top_k` highest cohort scores.

        `exclude`: (probes, n) mask of cohort utterances a probe must not be compared with (its own speaker).
        """
        scores = normalize(np.atleast_2d(probes)) @ self.vectors.T
        if exclude is not None:
            scores = np.where(exclude, -np.inf, scores)
        k = min(self.top_k, scores.shape[1])
        top = -np.partition(-scores, k - 1, axis=1)[:, :k]
        return top.mean(axis=1), np.maximum(top.std(axis=1), 1e-4)

    def normalise(self, score: float, voiceprint: np.ndarray, utterance: np.ndarray) -> float:
        """The AS-norm of one raw cosine `score` between a voiceprint and a login utterance's embedding."""
        (mean_v,), (std_v,) = self.stats(voiceprint)
        (mean_u,), (std_u,) = self.stats(utterance)
        return float(as_norm(score, (mean_v, std_v), (mean_u, std_u)))


def as_norm(
    score: ArrayLike, voiceprint_stats: tuple[ArrayLike, ArrayLike], utterance_stats: tuple[ArrayLike, ArrayLike]
) -> np.ndarray:
    """Symmetric AS-norm: the mean of the score's z-scores against each side's cohort statistics (broadcasts)."""
    (mean_v, std_v), (mean_u, std_u) = voiceprint_stats, utterance_stats
    s = np.asarray(score)
    return 0.5 * ((s - np.asarray(mean_v)) / np.asarray(std_v) + (s - np.asarray(mean_u)) / np.asarray(std_u))


def save_cohort(path: Path, cohort: Cohort) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path,
        vectors=cohort.vectors.astype(np.float32),
        speakers=cohort.speakers.astype(str),
        model_id=np.array(cohort.model_id),
        top_k=np.array(cohort.top_k),
    )


def load_cohort(path: Path, *, model_id: str) -> Cohort:
    """The cohort in `path`, refused (ModelError) when it was made by another model than `model_id`: scores of
    one model normalised by another's cohort would be meaningless, and accepting them would be silent."""
    try:
        with np.load(path, allow_pickle=False) as data:
            cohort = Cohort(
                vectors=normalize(data["vectors"].astype(np.float32)),
                speakers=data["speakers"],
                model_id=str(data["model_id"]),
                top_k=int(data["top_k"]),
            )
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(f"không đọc được tập giọng đối chứng (cannot read score cohort): {exc}", path=path) from exc
    if cohort.model_id != model_id:
        raise ModelError(
            f"tập giọng đối chứng được tạo bằng mô hình {cohort.model_id}, không dùng được với {model_id}; "
            "hãy tạo lại bằng benchmarks/voice_cohort.py (score cohort made by another speaker model)",
            path=path,
        )
    return cohort
