"""Clustering speaker embeddings into speakers, with the number of speakers found or imposed.

Memory stays bounded for hours of speech: above `max_direct` windows, time-ordered blocks are first
clustered tightly into "micro-clusters" (short stretches of one voice), and only their centroids are
clustered globally; every window is then given the nearest speaker centroid. Agglomerative clustering
(average linkage, cosine) is the default; spectral clustering with an eigengap count is the
alternative (see benchmarks/diarization.py for the comparison on our data). With the count free, the cut
is checked by voice: a cluster whose halves differ is split, a small cluster that matches no kept speaker stays a
speaker (a cluster of a few turns at a lower similarity than a larger one: its centroid is noisier), and speakers
that match are merged (crowded and long meetings: benchmarks/diarization.py --sections crowd).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist

from core.errors import GobangError
from diarization.embedders import normalize

logger = logging.getLogger(__name__)

Method = Literal["ahc", "spectral"]


class SpeakerCountError(GobangError):
    """Contradictory speaker-count constraints (e.g. min_speakers > max_speakers)."""

    exit_code = 2
    http_status = 422
    title = "Số người nói không hợp lệ"


def check_bounds(
    num_speakers: int | None, min_speakers: int | None, max_speakers: int | None
) -> tuple[int | None, int, int | None]:
    """Validated (exact, low, high) speaker counts; raises `SpeakerCountError` on nonsense."""
    for name, value in (("num_speakers", num_speakers), ("min_speakers", min_speakers), ("max_speakers", max_speakers)):
        if value is not None and value < 1:
            raise SpeakerCountError(f"{name} phải ≥ 1 (must be at least 1, got {value})")
    if num_speakers is not None:
        if (min_speakers is not None and num_speakers < min_speakers) or (
            max_speakers is not None and num_speakers > max_speakers
        ):
            raise SpeakerCountError("num_speakers nằm ngoài [min_speakers, max_speakers] (outside the bounds)")
        return num_speakers, num_speakers, num_speakers
    low = min_speakers or 1
    if max_speakers is not None and low > max_speakers:
        raise SpeakerCountError(f"min_speakers ({low}) > max_speakers ({max_speakers})")
    return None, low, max_speakers


@dataclass
class Clustering:
    """Hyper-parameters of the clustering step."""

    method: Method = "ahc"
    """Global clustering: agglomerative (average linkage) or spectral (eigengap)."""
    threshold: float = 0.65
    """AHC: cosine distance at which the dendrogram is cut when the number of speakers is free."""
    min_cluster_weight: float = 2.0
    """Clusters with less speech than this (seconds) are not speakers of their own: merged into the nearest."""
    min_cluster_fraction: float = 0.004
    """Clusters with less than this share of all speech are speakers only when their voice differs from every
    kept speaker (`same_speaker_similarity`): stray windows add up in long recordings (1 h, 20 voices: 28
    clusters for 20), but a voice that speaks little in a crowded meeting is still a voice of its own."""
    same_speaker_similarity: float = 0.6
    """Cosine similarity of two cluster centroids above which they are one voice: a small cluster that close to
    a kept speaker is absorbed, and speakers that close are merged (one voice split over hours of speech).
    Set on development meetings only (benchmarks/diarization.py --sections crowd)."""
    small_cluster_weight: float = 8.0
    """Speech (seconds) under which a cluster is a few turns at most: its centroid is too noisy for
    `same_speaker_similarity` (on development meetings, clips under 1.5 s scored below 0.6 against the rest of
    their own voice 13% of the time, while the closest other voice stayed under 0.47 nine times in ten)."""
    small_cluster_similarity: float = 0.47
    """Cosine similarity to a kept speaker of `small_cluster_weight` or more above which a small cluster is that
    speaker's: one voice's odd turn, not a new voice; below it a small cluster stays a speaker of its own, however
    little it says (a rare voice in a crowded meeting). Set on development meetings only (benchmarks/diarization.py
    --sections crowd: 0.44-0.48 gave the same crowded and simulated development figures, 0.44-0.45 one speaker fewer
    on the long one, 0.5 and above kept the odd turns apart; 0.47 keeps apart two different men that score 0.466
    in tests/diarization's meeting)."""
    min_split_weight: float = 10.0
    """Speech (seconds) each half of a cluster needs before the halves' voices are compared (`_split_mixed`): the
    centroid of a few seconds is too noisy to tell (on development meetings, split halves of one voice with
    less fell below 0.6, those with more stayed above 0.63)."""
    max_direct: int = 6000
    """Above this many windows (~1.5 h of speech), cluster in two stages: memory stays at one block's pairwise
    distances (direct clustering beat two stages on a 1 h meeting: DER 11.6% vs 13.0%, so use it while it fits)."""
    block: int = 1500
    """Stage 1: windows per time-ordered block."""
    micro_threshold: float = 0.3
    """Stage 1: cosine distance below which windows of a block are one micro-cluster (a tight cut)."""
    refine_iterations: int = 2
    """Reassignments of every window to its nearest speaker centroid after clustering."""
    spectral_pruning: float = 0.2
    """Spectral: share of strongest affinities kept per row (p-pruning)."""
    max_auto_speakers: int = 60
    """Upper bound on the automatic count."""

    def __call__(
        self,
        embeddings: np.ndarray,
        weights: np.ndarray,
        *,
        voices: np.ndarray | None = None,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
    ) -> np.ndarray:
        """A speaker index (0..k-1) per embedding row; `weights` are the seconds of speech each row stands for.
        `voices` (None: `embeddings`), other embeddings of the same rows, decide whether a small cluster is a voice
        of its own (`_speakers`): a second encoder tells a new voice from a known one's odd turn better than the
        one that clusters."""
        exact, low, high = check_bounds(num_speakers, min_speakers, max_speakers)
        n = embeddings.shape[0]
        if n == 0:
            return np.zeros(0, dtype=int)
        x = normalize(embeddings.astype(np.float64))
        if n == 1:
            return np.zeros(1, dtype=int)
        micro = self._micro(x) if n > self.max_direct else np.arange(n)
        k_micro = int(micro.max()) + 1
        min_weight = max(self.min_cluster_weight, self.min_cluster_fraction * float(weights.sum()))
        centroids = normalize(np.stack([x[micro == m].sum(axis=0) for m in range(k_micro)]))
        judged = centroids
        if voices is not None:
            v = normalize(voices.astype(np.float64))
            judged = normalize(np.stack([v[micro == m].sum(axis=0) for m in range(k_micro)]))
        micro_weights = np.bincount(micro, weights=weights, minlength=k_micro)
        high = min(high or self.max_auto_speakers, k_micro)
        low = min(low, k_micro)
        if exact is not None:
            exact = min(exact, k_micro)
        if self.method == "spectral":
            global_labels = self._spectral(centroids, exact, low, high)
        else:
            global_labels = self._ahc(centroids, judged, micro_weights, exact, low, high, min_weight)
        labels = global_labels[micro]
        if exact is None:
            labels = self._merge_same_voice(x, weights, labels, low)
        refined = self._refine(x, weights, labels)
        if low <= refined.max() + 1 <= high and (exact is None or refined.max() + 1 == exact):
            labels = refined  # refinement may empty a cluster: never at the cost of the requested count
        logger.info("clustered windows=%d micro=%d speakers=%d method=%s", n, k_micro, labels.max() + 1, self.method)
        return labels

    def _micro(self, x: np.ndarray) -> np.ndarray:
        """Stage 1: tight AHC inside consecutive blocks; micro-cluster ids are global."""
        labels = np.zeros(x.shape[0], dtype=int)
        offset = 0
        for start in range(0, x.shape[0], self.block):
            part = x[start : start + self.block]
            if part.shape[0] == 1:
                local = np.zeros(1, dtype=int)
            else:
                tree = linkage(pdist(part, metric="cosine").clip(min=0), method="average")
                local = fcluster(tree, t=self.micro_threshold, criterion="distance") - 1
            labels[start : start + part.shape[0]] = local + offset
            offset += int(local.max()) + 1
        return labels

    def _ahc(
        self,
        x: np.ndarray,
        voices: np.ndarray,
        weights: np.ndarray,
        exact: int | None,
        low: int,
        high: int,
        min_weight: float,
    ) -> np.ndarray:
        """Average-linkage AHC of `x`; clusters with enough speech, or a distinct voice (by `voices`), count as
        speakers."""
        if x.shape[0] == 1:
            return np.zeros(1, dtype=int)
        tree = linkage(pdist(x, metric="cosine").clip(min=0), method="average")
        if exact is None:
            labels = self._split_mixed(
                x, weights, fcluster(tree, t=self.threshold, criterion="distance") - 1, min_weight
            )
            speakers = self._speakers(voices, weights, labels, min_weight)
            if low <= len(speakers) <= high:
                return self._absorb_small(x, weights, labels, speakers)
            target = min(max(len(speakers), low), high)
        else:
            target = exact
        labels = self._cut_to(tree, weights, target, x.shape[0], min_weight)
        heaviest = np.argsort(-np.bincount(labels, weights=weights), kind="stable")[:target]
        return self._absorb_small(x, weights, labels, [int(c) for c in heaviest])

    def _speakers(self, x: np.ndarray, weights: np.ndarray, labels: np.ndarray, min_weight: float) -> list[int]:
        """Clusters that are speakers, heaviest first: those with `min_weight` and `small_cluster_weight` of speech,
        then each lighter one (of at least `min_cluster_weight`) whose centroid matches no speaker already kept: at
        `same_speaker_similarity`, or at `small_cluster_similarity` when it holds less than `small_cluster_weight`
        and the kept speaker more (a few turns against a voice whose centroid is sure)."""
        mass = np.bincount(labels, weights=weights)
        order = [int(c) for c in np.argsort(-mass, kind="stable")]
        kept = [c for c in order if mass[c] >= max(min_weight, self.small_cluster_weight)] or order[:1]
        centroids = [_centroid(x, weights, labels, c) for c in kept]
        for c in order:
            if c in kept or mass[c] < self.min_cluster_weight:
                continue
            centroid = _centroid(x, weights, labels, c)
            if all(
                float(centroid @ other) < self._same_voice_at(mass[c], mass[k])
                for k, other in zip(kept, centroids, strict=True)
            ):
                kept.append(c)
                centroids.append(centroid)
        return kept

    def _same_voice_at(self, weight: float, kept_weight: float) -> float:
        """Similarity from which a cluster of `weight` seconds is the voice of a kept speaker of `kept_weight`."""
        if weight < self.small_cluster_weight <= kept_weight:
            return self.small_cluster_similarity
        return self.same_speaker_similarity

    def _split_mixed(self, x: np.ndarray, weights: np.ndarray, labels: np.ndarray, min_weight: float) -> np.ndarray:
        """Split a cluster in its two halves (the top of its own dendrogram) when both carry enough speech
        (`min_split_weight`) and their centroids do not match: two voices that average linkage joined (in crowded
        meetings); a voice's own top split is almost always a stray second or two, left alone. Each half is checked
        again: a cluster of three voices first loses the one that differs most (issue #16, crowded development
        meeting: confusion 4.0% -> 1.8%, purity 91.0 -> 93.1%)."""
        labels = labels.copy()
        queue = list(range(int(labels.max()) + 1))
        while queue:
            cluster = queue.pop()
            members = np.flatnonzero(labels == cluster)
            floor = max(min_weight, self.min_split_weight)
            if members.size < 4 or weights[members].sum() < 2 * floor:
                continue
            tree = linkage(pdist(x[members], metric="cosine").clip(min=0), method="average")
            halves = fcluster(tree, t=2, criterion="maxclust") - 1
            if min(weights[members[halves == h]].sum() for h in (0, 1)) < floor:
                continue
            first, second = (_centroid(x[members], weights[members], halves, h) for h in (0, 1))
            if float(first @ second) < self.same_speaker_similarity:
                labels[members[halves == 1]] = labels.max() + 1
                queue += [cluster, int(labels.max())]  # a half may still hold two voices
        return labels

    @staticmethod
    def _large_count(labels: np.ndarray, weights: np.ndarray, min_weight: float) -> int:
        mass = np.bincount(labels, weights=weights)
        return max(1, int((mass >= min_weight).sum()))

    def _cut_to(self, tree: np.ndarray, weights: np.ndarray, target: int, n: int, min_weight: float) -> np.ndarray:
        """The coarsest cut of the dendrogram with at least `target` clusters large enough to be speakers."""
        labels = fcluster(tree, t=target, criterion="maxclust") - 1
        for total in range(target, n + 1):
            labels = fcluster(tree, t=total, criterion="maxclust") - 1
            if self._large_count(labels, weights, min_weight) >= target:
                break
        return labels

    @staticmethod
    def _absorb_small(x: np.ndarray, weights: np.ndarray, labels: np.ndarray, kept: list[int]) -> np.ndarray:
        """The `kept` clusters become speakers 0..k-1; every other item joins the nearest kept centroid."""
        centroids = np.stack([_centroid(x, weights, labels, c) for c in kept])
        remap = {c: i for i, c in enumerate(kept)}
        out = np.array([remap.get(int(label), -1) for label in labels])
        orphans = out < 0
        if orphans.any():
            out[orphans] = np.argmax(x[orphans] @ centroids.T, axis=1)
        return out

    def _merge_same_voice(self, x: np.ndarray, weights: np.ndarray, labels: np.ndarray, low: int) -> np.ndarray:
        """Merge the two most similar speakers while their centroids match (`same_speaker_similarity`) and more
        than `low` remain: the clusters of one voice that drifted apart over a long recording."""
        labels = np.unique(labels, return_inverse=True)[1]
        k = int(labels.max()) + 1
        centroids = np.stack([_centroid(x, weights, labels, c) for c in range(k)])
        alive = np.ones(k, dtype=bool)
        while alive.sum() > low:
            similarity = centroids @ centroids.T
            similarity[~alive, :] = similarity[:, ~alive] = -np.inf
            np.fill_diagonal(similarity, -np.inf)
            a, b = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
            if similarity[a, b] < self.same_speaker_similarity:
                break
            labels[labels == b] = a
            alive[b] = False
            centroids[a] = _centroid(x, weights, labels, int(a))
        return np.unique(labels, return_inverse=True)[1]

    def _spectral(self, x: np.ndarray, exact: int | None, low: int, high: int) -> np.ndarray:
        """Spectral clustering on a p-pruned cosine affinity; the count is the largest eigengap in [low, high]."""
        from scipy.cluster.vq import kmeans2

        n = x.shape[0]
        if n <= 2:
            return np.arange(n) if (exact or high) >= n else np.zeros(n, dtype=int)
        affinity = x @ x.T
        keep = max(1, round(self.spectral_pruning * n))
        pruned = np.zeros_like(affinity)
        top = np.argsort(-affinity, axis=1)[:, :keep]
        rows = np.repeat(np.arange(n), keep)
        pruned[rows, top.reshape(-1)] = affinity[rows, top.reshape(-1)]
        pruned = np.maximum(0.5 * (pruned + pruned.T), 0)
        np.fill_diagonal(pruned, 0)
        laplacian = np.diag(pruned.sum(axis=1)) - pruned
        values, vectors = np.linalg.eigh(laplacian)
        if exact is not None:
            k = exact
        else:
            gaps = np.diff(values[: high + 1])
            k = int(np.argmax(gaps[low - 1 : high]) + low) if high > low else low
        rng_seed = np.random.default_rng(0)
        _, labels = kmeans2(vectors[:, :k], k, minit="++", seed=rng_seed)
        return np.unique(labels, return_inverse=True)[1]

    def _refine(self, x: np.ndarray, weights: np.ndarray, labels: np.ndarray) -> np.ndarray:
        """Each window to its nearest speaker centroid (fixes windows that stage 1 or the cut put astray)."""
        k = int(labels.max()) + 1
        for _ in range(self.refine_iterations):
            present = [c for c in range(k) if (labels == c).any()]
            centroids = normalize(
                np.stack([(x[labels == c] * weights[labels == c, None]).sum(axis=0) for c in present])
            )
            new = np.asarray(present)[np.argmax(x @ centroids.T, axis=1)]
            if np.array_equal(new, labels):
                break
            labels = new
        return np.unique(labels, return_inverse=True)[1]


def _centroid(x: np.ndarray, weights: np.ndarray, labels: np.ndarray, cluster: int) -> np.ndarray:
    """Unit mean of one cluster's embeddings, each weighted by the speech it stands for."""
    members = labels == cluster
    return normalize((x[members] * weights[members, None]).sum(axis=0))
