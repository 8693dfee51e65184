"""Diarization from local speakers: the pyannote 3.x algorithm, run on onnxruntime without pyannote.audio.

    10 s windows every `step_s`  ->  segmentation-3.0: up to three local speakers per window, two at once
    ->  one CAM++ embedding per (window, local speaker), pooled over the frames where that voice talks alone
    ->  agglomerative clustering of the embeddings with enough clean speech (diarization.clustering), into at
        least as many speakers as the windows hear voices at once, when those speakers sound different
    ->  every (window, local speaker) to its nearest speaker, two voices of one window never to the same one
    ->  per frame, the `count` most active speakers, `count` being how many voices the windows hear there
        (overlapped speech gives two turns at once)
    ->  speech Silero heard and no turn covers joins the nearest turn: speech is the union of both detectors

The CAM++ network runs once over the recording (10 s pieces with 0.5 s of context), not once per window,
and only the windows' frame masks (3 bytes per 17 ms frame) and their embeddings are kept, so memory grows
by a few megabytes per hour. The final activity is built in blocks of frames for the same reason.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pyannote.core import Annotation, Segment, Timeline
from pyannote.core.annotation import TrackName
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.ndimage import binary_erosion
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import pdist

from core.audio import SAMPLE_RATE, source_name
from core.errors import SilentAudioError
from core.progress import ProgressHook
from core.vad import SpeechChunker
from diarization.clustering import Clustering, check_bounds
from diarization.embedders import CampPlusEmbedder, normalize
from diarization.pipeline import (
    AudioInput,
    TurnNaming,
    VoiceprintMatcher,
    anonymous_label,
    audio_blocks,
    first_appearance,
    log_diarized,
    nearest_label,
)
from diarization.segmentation import CHUNK, FRAME_STEP, POWERSET, active_regions, load_segmentation

logger = logging.getLogger(__name__)

_TRUNK_HOP = SAMPLE_RATE // 50
"""Samples between CAM++ trunk frames (20 ms)."""
_TRUNK_PER_CHUNK = CHUNK // _TRUNK_HOP
_PIECE = CHUNK
"""Audio the CAM++ trunk runs over at once (plus context)."""
_SEG_FRAMES = 589
"""Output frames of segmentation-3.0 for a 10 s window."""
SLOTS = 6
"""Local speakers kept per window: the model's three, each possibly split in two by voice (`_split_voice`)."""
_SEG_OF_TRUNK = np.clip(
    np.round((np.arange(_TRUNK_PER_CHUNK) * 0.02 + 0.0175 - 0.0619375 / 2) / FRAME_STEP).astype(int),
    0,
    _SEG_FRAMES - 1,
)
"""The segmentation frame at the time of each trunk frame of a window (trunk frames are centred 17.5 ms in)."""


@dataclass
class LocalSpeakers:
    """What the first stage keeps of a recording (times in seconds)."""

    duration: float
    starts: np.ndarray
    """Start of each window."""
    activity: np.ndarray
    """(windows, 589, SLOTS) bool: which local speaker talks in each segmentation frame."""
    embeddings: np.ndarray
    """(windows, SLOTS, dim): CAM++ embedding of each local speaker, NaN where it has too little speech (or none)."""
    clean_s: np.ndarray
    """(windows, SLOTS): seconds of speech each local speaker's embedding was pooled from."""
    vad: list[tuple[float, float]] = field(default_factory=list)
    """Speech regions Silero found."""


@dataclass
class SegmentationDiarization(TurnNaming):
    """The pipeline; every field is a hyper-parameter (calibrated in benchmarks/diarization.py on development data)."""

    step_s: float = 2.5
    """Hop between 10 s windows (a multiple of 20 ms): each moment is seen by 10 / step windows."""
    min_clean_s: float = 1.0
    """Local speakers with less speech in their window are not clustered, only assigned afterwards (2 s, as in
    pyannote, left the short turns of the development meetings out of clustering: 4 speakers found for 3)."""
    min_embed_s: float = 0.3
    """Less speech than this gives no embedding at all (its frames are then left to the other voices)."""
    edge_s: float = 0.1
    min_split_s: float = 1.0
    """A local speaker's stretches this long are compared by voice, and split from each other if they differ."""
    """Frames this close to a change of voice are left out of an embedding (the network sees both voices there)."""
    clustering: Clustering = field(default_factory=lambda: Clustering(threshold=0.5))
    """How local speakers of all windows become speakers (weights: seconds of clean speech). The cosine threshold
    0.5 was calibrated on development meetings only (benchmarks/diarization.py --sections calibrate)."""
    overlap_s: float = 0.5
    """Voices the windows hear at once for this long are that many speakers: the clustering keeps at least that many
    (`cluster`). Shorter runs are left alone: a single voice gave the model a second local speaker for up to 0.7 s."""
    overlap_max_similarity: float = 0.93
    """The speakers those voices force are kept only if no two centroids score this much: forced apart, one voice
    scored 0.97 against itself, the development AMI files' different voices 0.17-0.89 (issue #16)."""
    vad_threshold: float = 0.35
    """Silero speech probability for the second detector (as in `SpeakerDiarization`, with its 40 ms padding)."""
    min_vad_speech_ms: int = 200
    """Shorter Silero speech that no turn covers is ignored."""
    context_s: float = 0.5
    """Audio on each side of a CAM++ piece (a multiple of 20 ms), so frames at its edges see their surroundings."""
    batch: int = 8
    """Windows per segmentation call."""
    block_frames: int = 200_000
    """Frames of the final activity built at once (about an hour): bounds memory on long recordings."""
    embedder: str = "campplus"
    """Registry name of the CAM++ model (only CAM++ exposes its frames for masked pooling)."""
    threads: int = 0
    """onnxruntime threads (0: all cores)."""

    _encoder: CampPlusEmbedder | None = field(default=None, init=False, repr=False)

    @property
    def encoder(self) -> CampPlusEmbedder:
        if self._encoder is None:
            self._encoder = CampPlusEmbedder(self.embedder, threads=self.threads)
        return self._encoder

    # ---- stage 1: local speakers and their embeddings --------------------------------------------------------

    def analyse(self, audio: AudioInput, *, hook: ProgressHook | None = None) -> LocalSpeakers:
        """Windows, local speaker activity, embeddings and Silero speech of a whole recording, streamed."""
        blocks, declared = audio_blocks(audio)
        chunker = SpeechChunker(
            max_chunk_s=30.0,
            max_gap_s=0.0,
            threshold=self.vad_threshold,
            min_silence_ms=200,
            speech_pad_ms=40,
            min_speech_ms=self.min_vad_speech_ms,
        )
        stream = _WindowStream(self)
        vad: list[tuple[float, float]] = []
        for chunk in chunker.chunks(stream.tee(blocks)):
            vad.append((chunk.start, chunk.end))
            if hook is not None and declared:
                hook("embeddings", min(chunker.processed_s / declared, 1.0))
        local = stream.finish()
        local.vad = vad
        if hook is not None:
            hook("embeddings", 1.0)
        if not vad and not local.activity.any():
            raise SilentAudioError(
                "không phát hiện tiếng nói trong bản ghi (no speech detected)",
                path=None if isinstance(audio, np.ndarray) else source_name(audio),
            )
        return local

    # ---- stage 2: clustering with cannot-link inside a window -----------------------------------------------

    def cluster(
        self,
        local: LocalSpeakers,
        *,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(speaker of each (window, local speaker), -1 for none; unit centroids of the speakers).

        With the count free, voices heard at once are different people: when clustering finds fewer speakers than
        the windows hear together (`voices_at_once`), it is asked for that many, and the answer is kept if the
        speakers it adds sound different. Otherwise both voices of an overlap go to the one speaker, the count asks
        for two speakers there and finds one: the second voice is missed (pyannote pads such frames with a speaker
        that has no voice instead).
        """
        free = self._clustered(local, num_speakers=num_speakers, min_speakers=min_speakers, max_speakers=max_speakers)
        if num_speakers is not None:
            return free
        heard = min(self.voices_at_once(local), max_speakers or SLOTS)
        if heard <= max(len(free[1]), min_speakers or 1):
            return free
        forced = self._clustered(local, min_speakers=heard, max_speakers=max_speakers)
        similarity = forced[1] @ forced[1].T
        np.fill_diagonal(similarity, -1.0)
        return forced if len(forced[1]) > len(free[1]) and similarity.max() < self.overlap_max_similarity else free

    def _clustered(
        self,
        local: LocalSpeakers,
        *,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """One clustering of the local speakers under these counts, as `cluster` returns it."""
        n_windows = local.embeddings.shape[0]
        assignment = np.full((n_windows, SLOTS), -1, dtype=int)
        embedded = np.isfinite(local.embeddings[..., 0])
        if not embedded.any():
            return assignment, np.zeros((0, self.encoder.dim))
        train = embedded & (local.clean_s >= self.min_clean_s)
        if not train.any():  # only short voices: cluster what there is
            train = embedded
        x = normalize(local.embeddings[train].astype(np.float64))
        # each moment is heard by 10 / step windows: weights in seconds of the recording, as the clustering expects
        weights = np.maximum(local.clean_s[train], self.min_embed_s) * self.step_s / (CHUNK / SAMPLE_RATE)
        labels = self.clustering(
            x, weights, num_speakers=num_speakers, min_speakers=min_speakers, max_speakers=max_speakers
        )
        k = int(labels.max()) + 1
        centroids = normalize(np.stack([(x[labels == c] * weights[labels == c, None]).sum(axis=0) for c in range(k)]))
        scores = np.einsum("wsd,kd->wsk", normalize(np.nan_to_num(local.embeddings.astype(np.float64))), centroids)
        for w in np.flatnonzero(embedded.any(axis=1)):
            voices = np.flatnonzero(embedded[w])
            rows, cols = linear_sum_assignment(-scores[w, voices])  # two voices of a window: two speakers
            assignment[w, voices[rows]] = cols
            rest = np.setdiff1d(voices, voices[rows])  # more voices than speakers: nearest, shared
            assignment[w, rest] = np.argmax(scores[w, rest], axis=1)
        return assignment, centroids

    # ---- stage 3: global activity ----------------------------------------------------------------------------

    def turns(self, local: LocalSpeakers, assignment: np.ndarray, *, uri: str = "recording") -> Annotation:
        """Turns of SPEAKER_<index in `assignment`>, overlapping where the windows hear two voices; speech only
        Silero heard joins the nearest turn."""
        k = int(assignment.max()) + 1
        annotation = Annotation(uri=uri)
        for block_start, count, activation in self._frames(local, assignment) if k > 0 else ():
            ranks = np.argsort(np.argsort(-activation, axis=1, kind="stable"), axis=1, kind="stable")
            active = (ranks < count[:, None]) & (activation > 0)
            for speaker in range(k):
                for start, end in active_regions(active[:, speaker], 0.0, offset_frames=block_start):
                    annotation[Segment(start, min(end, local.duration))] = anonymous_label(speaker)
        annotation = annotation.support(collar=0.0)
        if len(annotation):  # speech = Silero ∪ segmentation: what only Silero heard joins the nearest voice
            covered = annotation.get_timeline().support()
            missed = Timeline([Segment(s, e) for s, e in local.vad]).support().extrude(covered)
            for region in missed:
                if region.duration >= self.min_vad_speech_ms / 1000:
                    annotation[region, "vad"] = nearest_label(annotation, region)
            annotation = annotation.support(collar=0.0)
        elif local.vad:  # voices too short to embed: one speaker
            for start, end in local.vad:
                annotation[Segment(start, end)] = anonymous_label(0)
        return annotation

    def voices_at_once(self, local: LocalSpeakers) -> int:
        """The most voices the windows hear together (the frame count of `turns`) for `overlap_s` on end."""
        span = max(round(self.overlap_s / FRAME_STEP), 1)
        tail = np.zeros(0, int)
        most = 0
        for _, count, _ in self._frames(local, None):
            counts = np.concatenate([tail, count])  # a run may cross a block boundary
            if counts.size >= span:
                most = max(most, int(np.lib.stride_tricks.sliding_window_view(counts, span).min(axis=1).max()))
            tail = counts[-(span - 1) :] if span > 1 else tail
        return most

    def _frames(
        self, local: LocalSpeakers, assignment: np.ndarray | None
    ) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        """Per block of `block_frames` frames: its first frame; how many voices talk in each frame (the windows'
        mean, rounded, as pyannote's speaker count); each speaker's mean activity there (max over its local speakers
        of a window; an empty array without `assignment`)."""
        k = int(assignment.max()) + 1 if assignment is not None else 0
        total_frames = int(local.duration / FRAME_STEP) + 1
        first = np.round(local.starts / FRAME_STEP).astype(int)
        for block_start in range(0, total_frames, self.block_frames):
            block_end = min(block_start + self.block_frames, total_frames)
            size = block_end - block_start
            activation = np.zeros((size, k), np.float32)
            voices = np.zeros(size, np.float32)
            seen = np.zeros(size, np.float32)
            for w in np.flatnonzero((first < block_end) & (first + _SEG_FRAMES > block_start)):
                lo, hi = max(first[w], block_start), min(first[w] + _SEG_FRAMES, block_end)
                frames = local.activity[w, lo - first[w] : hi - first[w]]
                seen[lo - block_start : hi - block_start] += 1
                voices[lo - block_start : hi - block_start] += frames.sum(axis=1)
                if assignment is None:
                    continue
                clustered = np.zeros((hi - lo, k), np.float32)
                for s in np.flatnonzero(assignment[w] >= 0):
                    np.maximum(clustered[:, assignment[w, s]], frames[:, s], out=clustered[:, assignment[w, s]])
                activation[lo - block_start : hi - block_start] += clustered
            yield (
                block_start,
                np.rint(voices / np.maximum(seen, 1)).astype(int),
                activation / np.maximum(seen, 1)[:, None],
            )

    # ---- names from voiceprints ------------------------------------------------------------------------------

    def name_speakers(
        self,
        annotation: Annotation,
        local: LocalSpeakers,
        assignment: np.ndarray,
        centroids: np.ndarray,
        voiceprints: VoiceprintMatcher,
    ) -> Annotation:
        """Relabel clusters that match an enrolled voice (open set: the others stay anonymous), then turns that
        clearly match one by their own local speakers (`turn_name_margin`); `annotation` as `turns` made it."""
        present = set(annotation.labels())
        return self.name_turns(
            annotation,
            {label: c for k, c in enumerate(centroids) if (label := anonymous_label(k)) in present},
            lambda: self.turn_embeddings(annotation, local, assignment),
            voiceprints,
            self.encoder.model_id,
        )

    def turn_embeddings(
        self, annotation: Annotation, local: LocalSpeakers, assignment: np.ndarray
    ) -> dict[tuple[Segment, TrackName], np.ndarray]:
        """Mean (unit) embedding of each turn of `annotation` (as `turns` made it): the embeddings of its speaker's
        local speakers in the windows around it, each weighted by how long it speaks inside the turn. Turns no such
        local speaker covers (speech only Silero heard) have none."""
        x = normalize(np.nan_to_num(local.embeddings.astype(np.float64)))
        first = np.round(local.starts / FRAME_STEP).astype(int)  # windows are kept in time order
        index = {anonymous_label(k): k for k in range(int(assignment.max()) + 1)}
        out = {}
        for segment, track, label in annotation.itertracks(yield_label=True):
            a, b = int(segment.start / FRAME_STEP), int(np.ceil(segment.end / FRAME_STEP))
            speaker = index.get(str(label), -1)
            total = np.zeros(x.shape[-1])
            for w in range(np.searchsorted(first, a - _SEG_FRAMES, "right"), np.searchsorted(first, b, "left")):
                inside = local.activity[w, max(a - first[w], 0) : b - first[w]].sum(axis=0) * (assignment[w] == speaker)
                total += inside @ x[w]
            if total.any():
                out[segment, track] = normalize(total)
        return out

    # ---- the whole pipeline -----------------------------------------------------------------------------------

    def apply(
        self,
        audio: AudioInput,
        *,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
        hook: ProgressHook | None = None,
        voiceprints: VoiceprintMatcher | None = None,
        uri: str | None = None,
    ) -> Annotation:
        """Who spoke when: "SPEAKER_00", "SPEAKER_01"… by first appearance, enrolled people by name."""
        check_bounds(num_speakers, min_speakers, max_speakers)
        began = time.perf_counter()
        local = self.analyse(audio, hook=hook)
        if hook is not None:
            hook("clustering", 0.0)
        assignment, centroids = self.cluster(
            local, num_speakers=num_speakers, min_speakers=min_speakers, max_speakers=max_speakers
        )
        if hook is not None:
            hook("clustering", 1.0)
        name = uri or (Path(source_name(audio)).stem if not isinstance(audio, np.ndarray) else "recording")
        annotation = self.turns(local, assignment, uri=name)
        if voiceprints is not None and len(centroids):
            annotation = self.name_speakers(annotation, local, assignment, centroids, voiceprints)
        annotation = first_appearance(annotation)
        if hook is not None:
            hook("segmentation", 1.0)
        log_diarized(name, local.duration, local.starts.size, annotation, began)
        return annotation


class _WindowStream:
    """Cuts the stream into 10 s windows, runs segmentation in batches and CAM++ once per 10 s piece."""

    def __init__(self, pipeline: SegmentationDiarization) -> None:
        self.p = pipeline
        self.step = round(pipeline.step_s * 50) * _TRUNK_HOP
        self.context = round(pipeline.context_s * 50) * _TRUNK_HOP
        self.edge = round(pipeline.edge_s * 50)
        self.session = load_segmentation(threads=pipeline.threads)
        self.buffer = np.zeros(0, np.float32)
        self.offset = 0
        """Absolute sample index of buffer[0]."""
        self.next_window = 0
        self.pending: list[int] = []
        self.trunk: np.ndarray | None = None
        self.trunk_first = 0
        """Absolute trunk frame of trunk[:, 0]."""
        self.trunk_done = 0
        """Audio (samples) the trunk has covered."""
        self.starts: list[int] = []
        self.activity: list[np.ndarray] = []
        self.embeddings: list[np.ndarray] = []
        self.clean: list[np.ndarray] = []
        self.total = 0

    def tee(self, blocks: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
        for block in blocks:
            self.feed(block)
            yield block

    def _audio(self, start: int, end: int) -> np.ndarray:
        return self.buffer[max(start - self.offset, 0) : max(end - self.offset, 0)]

    def feed(self, block: np.ndarray) -> None:
        self.buffer = np.concatenate([self.buffer, block.astype(np.float32, copy=False)])
        self.total += block.size
        available = self.offset + self.buffer.size
        while self.trunk_done + _PIECE + self.context <= available:
            self._run_trunk(self.trunk_done + _PIECE)
        while self.next_window + CHUNK <= available:
            self.pending.append(self.next_window)
            self.next_window += self.step
        ready = [s for s in self.pending if s + CHUNK <= self.trunk_done]
        if len(ready) >= self.p.batch:
            self._run_windows(ready)
        keep = min([self.next_window, self.trunk_done - self.context, *self.pending])
        if keep > self.offset:
            self.buffer = self.buffer[keep - self.offset :]
            self.offset = keep

    def finish(self) -> LocalSpeakers:
        last_end = self.starts[-1] + CHUNK if self.starts else 0
        if self.pending:
            last_end = max(last_end, self.pending[-1] + CHUNK)
        if self.total > last_end or not (self.starts or self.pending):
            self.pending.append(self.next_window)  # the tail, zero-padded to a whole window
        while self.trunk_done < self.total:
            self._run_trunk(min(self.trunk_done + _PIECE, self.total))
        if self.pending:
            self._run_windows(list(self.pending))
        duration = self.total / SAMPLE_RATE
        dim = self.p.encoder.dim
        return LocalSpeakers(
            duration=duration,
            starts=np.asarray(self.starts, dtype=np.float64) / SAMPLE_RATE,
            activity=np.stack(self.activity) if self.activity else np.zeros((0, _SEG_FRAMES, SLOTS), bool),
            embeddings=np.stack(self.embeddings) if self.embeddings else np.zeros((0, SLOTS, dim), np.float32),
            clean_s=np.stack(self.clean) if self.clean else np.zeros((0, SLOTS)),
        )

    def _run_trunk(self, end: int) -> None:
        """CAM++ frames for audio [trunk_done, end), computed with context on both sides."""
        start = self.trunk_done
        audio = self._audio(start - self.context, end + self.context)
        lead = (start - max(start - self.context, self.offset, 0)) // _TRUNK_HOP
        frames = self.p.encoder.frame_features(audio)
        wanted = (end - start + _TRUNK_HOP - 1) // _TRUNK_HOP
        piece = frames[:, lead : lead + wanted]
        if piece.shape[1] < wanted:  # the recording's last few milliseconds: repeat the last frame
            piece = np.concatenate([piece, np.repeat(piece[:, -1:], wanted - piece.shape[1], axis=1)], axis=1)
        self.trunk = piece if self.trunk is None else np.concatenate([self.trunk, piece], axis=1)
        self.trunk_done = end
        # frames before the earliest window still to embed are no longer needed
        earliest = min([self.next_window, *self.pending]) // _TRUNK_HOP
        if earliest > self.trunk_first:
            self.trunk = self.trunk[:, earliest - self.trunk_first :]
            self.trunk_first = earliest

    def _run_windows(self, starts: list[int]) -> None:
        windows = [self._audio(s, s + CHUNK) for s in starts]
        batch = np.stack([np.pad(w, (0, CHUNK - w.size)) for w in windows])
        (logits,) = self.session.run(None, {"waveform": batch[:, None, :]})
        assert self.trunk is not None
        for start, window_logits in zip(starts, logits, strict=True):
            first = start // _TRUNK_HOP - self.trunk_first
            frames = self.trunk[:, first : first + _TRUNK_PER_CHUNK]
            activity, embedding, pooled_s = self._local_speakers(POWERSET[np.argmax(window_logits, axis=-1)], frames)
            self.starts.append(start)
            self.activity.append(activity)
            self.embeddings.append(embedding)
            self.clean.append(pooled_s)
        done = set(starts)
        self.pending = [s for s in self.pending if s not in done]

    def _local_speakers(self, powerset: np.ndarray, frames: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(activity, embeddings, pooled seconds) of one window's local speakers, `SLOTS` of them at most."""
        seg_of_trunk = _SEG_OF_TRUNK[: frames.shape[1]]
        per_frame = powerset[seg_of_trunk]
        alone = per_frame & (per_frame.sum(axis=1, keepdims=True) == 1)
        if self.edge:
            alone = binary_erosion(alone, structure=np.ones((2 * self.edge + 1, 1), bool), border_value=1)
        voices: list[tuple[int, np.ndarray]] = []
        for column in np.flatnonzero(powerset.any(axis=0)):
            parts = self._split_voice(powerset[:, column], alone[:, column], seg_of_trunk, frames)
            voices.extend((int(column), part) for part in parts)
        activity = np.zeros((_SEG_FRAMES, SLOTS), bool)
        for index, (_, part) in enumerate(voices):
            activity[:, min(index, SLOTS - 1)] |= part  # more voices than slots (never seen): the last takes the rest
        embedding = np.full((SLOTS, self.p.encoder.dim), np.nan, np.float32)
        pooled_s = np.zeros(SLOTS)
        selections, slots = [], []
        for slot, (voice, _) in enumerate(voices[:SLOTS]):
            here = activity[seg_of_trunk, slot]
            mask = here & alone[:, voice]
            if mask.sum() * 0.02 < self.p.min_embed_s:  # only overlapped speech: use it all
                mask = here & per_frame[:, voice]
            if mask.sum() * 0.02 >= self.p.min_embed_s:
                selections.append(frames[:, mask])
                slots.append(slot)
                pooled_s[slot] = mask.sum() * 0.02
        if slots:
            embedding[slots] = self.p.encoder.pool(selections)
        return activity, embedding, pooled_s

    def _split_voice(
        self, active: np.ndarray, alone: np.ndarray, seg_of_trunk: np.ndarray, frames: np.ndarray
    ) -> list[np.ndarray]:
        """One local speaker's activity, split by voice where its stretches of speech sound like different people.

        segmentation-3.0 sometimes gives two Vietnamese voices that follow each other one local speaker; an
        embedding of both would pull two people into one cluster. Stretches of at least `min_split_s` are
        embedded apart and grouped (average linkage at the clustering threshold); shorter ones join the group
        of the nearest stretch.
        """
        edges = np.diff(np.concatenate([[0], active.astype(np.int8), [0]]))
        runs = list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))
        masks = []
        for a, b in runs:
            mask = np.zeros(_SEG_FRAMES, bool)
            mask[a:b] = True
            masks.append(mask)
        long = [i for i, m in enumerate(masks) if (m[seg_of_trunk] & alone).sum() * 0.02 >= self.p.min_split_s]
        if len(long) < 2:
            return [active]
        x = normalize(self.p.encoder.pool([frames[:, masks[i][seg_of_trunk] & alone] for i in long]).astype(np.float64))
        tree = linkage(pdist(x, metric="cosine").clip(min=0), method="average")
        group_of_long = fcluster(tree, t=self.p.clustering.threshold, criterion="distance") - 1
        if group_of_long.max() == 0:
            return [active]
        centres = np.array([0.5 * (runs[i][0] + runs[i][1]) for i in long])
        groups = [np.zeros(_SEG_FRAMES, bool) for _ in range(int(group_of_long.max()) + 1)]
        for i, (a, b) in enumerate(runs):
            nearest = int(np.argmin(np.abs(centres - 0.5 * (a + b))))
            groups[group_of_long[nearest]] |= masks[i]
        return groups
