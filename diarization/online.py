"""Speakers decided while a meeting is still going on: one decision per finished utterance, never revised.

A caption already on screen keeps its speaker, so labels must be stable once shown: each utterance
is embedded once (CAM++ over its own audio), named when it reaches an enrolled person's voiceprint
(`VoiceprintStore` models and threshold), else joined to the closest anonymous speaker heard so far
or made a new one ("Người nói N"). Anonymous centroids are running means of unit embeddings, so a
speaker's label grows surer as they talk, but earlier captions are never relabelled. An utterance
too short for a reliable embedding keeps the previous speaker, if there is one (turns are seconds long, words not).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from core.audio import SAMPLE_RATE
from diarization.embedders import Embedder, normalize

ANONYMOUS = "Người nói {}"


@dataclass
class OnlineSpeakers:
    """Label utterances one by one: enrolled names first, then anonymous speakers clustered online."""

    embedder: Embedder
    voiceprints: Mapping[str, np.ndarray] = field(default_factory=dict)
    """Enrolled people's unit voice models, of this embedder's model (`VoiceprintStore.models`)."""
    voiceprint_threshold: float = 0.50
    """Cosine one utterance must reach against a voiceprint to be named (`LiveSettings.name_threshold`)."""
    cluster_threshold: float = 0.40
    """Cosine to an anonymous speaker's centroid that joins them; below it, a new speaker."""
    min_embed_s: float = 1.0
    """Shorter utterances are not embedded; they keep the previous speaker."""
    _centroids: list[np.ndarray] = field(default_factory=list, init=False)
    _counts: list[int] = field(default_factory=list, init=False)
    _previous: str | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.voiceprints = {
            name: normalize(np.asarray(v, np.float32).reshape(1, -1))[0] for name, v in self.voiceprints.items()
        }

    def label(self, audio: np.ndarray) -> str:
        """The speaker of one finished utterance (16 kHz mono float32)."""
        if self._previous is not None and audio.size < self.min_embed_s * SAMPLE_RATE:
            return self._previous
        embedding = normalize(np.asarray(self.embedder.embed(audio), np.float32).reshape(1, -1))[0]
        self._previous = self._named(embedding) or self._anonymous(embedding)
        return self._previous

    def _named(self, embedding: np.ndarray) -> str | None:
        scores = {name: float(model @ embedding) for name, model in self.voiceprints.items()}
        best = max(scores, key=lambda name: scores[name], default=None)
        return best if best is not None and scores[best] >= self.voiceprint_threshold else None

    def _anonymous(self, embedding: np.ndarray) -> str:
        if self._centroids:
            similarities = [float(normalize(c.reshape(1, -1))[0] @ embedding) for c in self._centroids]
            best = int(np.argmax(similarities))
            if similarities[best] >= self.cluster_threshold:
                self._counts[best] += 1
                self._centroids[best] += (embedding - self._centroids[best]) / self._counts[best]
                return ANONYMOUS.format(best + 1)
        self._centroids.append(embedding.copy())
        self._counts.append(1)
        return ANONYMOUS.format(len(self._centroids))
