"""Accent (region) identification from CAM++ speaker embeddings.

A multinomial logistic regression over length-normalised embeddings, trained with balanced class
weights (the North has most speakers). A speaker's region is the average of the class
probabilities of their clips, so more speech gives a steadier answer. The fitted weights are kept
as a small `.npz` (no pickle) and applied with numpy; scikit-learn is needed only to train.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.audio import SAMPLE_RATE
from core.errors import InvalidInputError
from core.transcript import SpeakerAccent, Transcript
from diarization.embedders import Embedder, Window, normalize


@dataclass(frozen=True)
class RegionGuess:
    region: str
    confidence: float
    """Probability of `region` (mean over the speaker's clips)."""


def _rows_by_speaker(speakers: Sequence[str]) -> dict[str, list[int]]:
    """Indices of each speaker's clips, speakers in order of first appearance."""
    rows: dict[str, list[int]] = defaultdict(list)
    for i, speaker in enumerate(speakers):
        rows[speaker].append(i)
    return rows


class AccentClassifier:
    def __init__(self, classes: Sequence[str], coef: np.ndarray, intercept: np.ndarray) -> None:
        self.classes = list(classes)
        self.coef = coef
        self.intercept = intercept

    @classmethod
    def train(
        cls, embeddings: np.ndarray, regions: Sequence[str], speakers: Sequence[str], *, c: float = 1.0
    ) -> AccentClassifier:
        """One training example per speaker (the mean of their clips), so talkative speakers do not dominate."""
        from sklearn.linear_model import LogisticRegression

        labels = sorted(set(regions))
        if len(labels) < 2:
            raise InvalidInputError("cần dữ liệu của ít nhất hai vùng (accent ID needs two or more regions)")
        vectors = normalize(np.asarray(embeddings, dtype=np.float64))
        by_speaker = _rows_by_speaker(speakers)
        means = np.stack([vectors[rows].mean(axis=0) for rows in by_speaker.values()])
        region = [Counter(regions[i] for i in rows).most_common(1)[0][0] for rows in by_speaker.values()]
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
        model.fit(normalize(means), region)
        coef, intercept = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # binary: sklearn keeps one row, for the second class
            coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
        return cls([str(x) for x in model.classes_], coef, intercept)

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        """Class probabilities, shape (n, classes), in the order of `classes`."""
        logits = normalize(np.atleast_2d(np.asarray(embeddings, dtype=np.float64))) @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def identify(self, embeddings: np.ndarray) -> RegionGuess:
        """One region for a speaker from the embeddings of their clips or turns."""
        if len(embeddings) == 0:
            raise InvalidInputError("không có đoạn tiếng nói nào để nhận diện vùng (no speech to identify)")
        mean = self.probabilities(embeddings).mean(axis=0)
        best = int(mean.argmax())
        return RegionGuess(self.classes[best], float(mean[best]))

    def identify_speakers(self, embeddings: np.ndarray, speakers: Sequence[str]) -> dict[str, RegionGuess]:
        return {s: self.identify(embeddings[rows]) for s, rows in _rows_by_speaker(speakers).items()}

    def save(self, path: str | Path) -> None:
        """Written to `path` exactly (given a name, `np.savez` would add ".npz" to any other suffix)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            np.savez(f, classes=np.array(self.classes), coef=self.coef, intercept=self.intercept)

    @classmethod
    def load(cls, path: str | Path) -> AccentClassifier:
        try:
            with np.load(path, allow_pickle=False) as data:
                return cls([str(x) for x in data["classes"]], data["coef"], data["intercept"])
        except (OSError, KeyError, ValueError) as exc:
            message = f"không đọc được bộ nhận diện vùng {path} (unreadable accent model): {exc}"
            raise InvalidInputError(message) from exc


def annotate_accents(
    transcript: Transcript,
    audio: np.ndarray,
    classifier: AccentClassifier,
    embedder: Embedder,
    *,
    min_segment_s: float = 1.0,
) -> Transcript:
    """A copy of `transcript` whose `accents` give each speaker's region, from their segments' voice.

    Segments shorter than `min_segment_s` carry too little voice and are left out (unless a speaker
    has nothing longer); segments without a speaker are ignored.
    """
    by_speaker: dict[str, list[Window]] = defaultdict(list)
    short: dict[str, list[Window]] = defaultdict(list)
    for segment in transcript.segments:
        if not segment.speaker:
            continue
        window = (int(segment.start * SAMPLE_RATE), int(segment.end * SAMPLE_RATE))
        target = by_speaker if segment.end - segment.start >= min_segment_s else short
        target[segment.speaker].append(window)
    accents = dict(transcript.accents)
    for speaker in dict.fromkeys([*by_speaker, *short]):
        windows = by_speaker.get(speaker) or short[speaker]
        guess = classifier.identify(embedder.embed_windows(audio, windows))
        accents[speaker] = SpeakerAccent(region=guess.region, confidence=round(guess.confidence, 4))
    return transcript.model_copy(update={"accents": accents})


@dataclass(frozen=True)
class AccentReport:
    """Speaker-level accuracy of held-out folds: per region, and the confusion matrix (true x predicted)."""

    labels: list[str]
    confusion: np.ndarray
    predictions: dict[str, RegionGuess]

    def accuracy(self, region: str | None = None) -> float:
        if region is None:
            total = self.confusion.sum()
            return float(np.trace(self.confusion) / total) if total else float("nan")
        i = self.labels.index(region)
        row = self.confusion[i].sum()
        return float(self.confusion[i, i] / row) if row else float("nan")


def cross_validate(
    embeddings: np.ndarray, regions: Sequence[str], speakers: Sequence[str], folds: dict[str, int]
) -> AccentReport:
    """Each fold's speakers classified by a model trained on the other folds only."""
    labels = sorted(set(regions))
    confusion = np.zeros((len(labels), len(labels)), dtype=np.int64)
    predictions: dict[str, RegionGuess] = {}
    truth = dict(zip(speakers, regions, strict=True))
    for fold in sorted(set(folds.values())):
        train = [i for i, s in enumerate(speakers) if folds[s] != fold]
        test = [i for i, s in enumerate(speakers) if folds[s] == fold]
        if not test:
            continue
        model = AccentClassifier.train(embeddings[train], [regions[i] for i in train], [speakers[i] for i in train])
        guesses = model.identify_speakers(embeddings[test], [speakers[i] for i in test])
        for speaker, guess in guesses.items():
            predictions[speaker] = guess
            confusion[labels.index(truth[speaker]), labels.index(guess.region)] += 1
    return AccentReport(labels, confusion, predictions)
