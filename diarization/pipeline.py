"""Speaker diarization: who spoke when, as a pyannote.core `Annotation`.

    VAD regions (core.vad, Silero)  ->  speaker embeddings over sliding windows (an `Embedder`, CAM++)
    ->  clustering with the number of speakers found or imposed
    ->  the windows at each end of a region, embedded again alone, take the nearest speaker  ->  speaker turns
    ->  with `overlap`: where segmentation-3.0 hears two voices, a second turn (diarization.segmentation)

The recording is streamed block by block (core.audio) and only the embeddings (768 bytes per
window) are kept, so an 8-hour session costs tens of megabytes; clustering is two-stage above a few
thousand windows (diarization.clustering). Each moment of speech takes the label of the nearest
window centre; where the speaker changes inside a region, the turn boundary is the quietest moment around the two
windows of different speakers (a quick reply leaves a pause too short for the VAD), or the pause that the VAD found
between regions.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
from pyannote.core import Annotation, Segment
from pyannote.core.annotation import TrackName

from core.audio import SAMPLE_RATE, AudioSource, probe, source_name, stream_audio
from core.errors import SilentAudioError
from core.progress import ProgressHook
from core.settings import get_settings
from core.vad import SpeechChunker
from diarization.clustering import Clustering, check_bounds
from diarization.embedders import Embedder, get_embedder, normalize
from diarization.segmentation import SpeakerCounts

logger = logging.getLogger(__name__)


AudioInput = AudioSource | np.ndarray
"""A recording's path, or 16 kHz mono float32 samples."""

FRAME_S = 0.01
"""Step of a region's loudness curve (`loudness`)."""


def loudness(audio: np.ndarray, *, span_s: float = 0.05) -> np.ndarray:
    """Log mean power of the `span_s` around every `FRAME_S` step (float16: 200 bytes per second of speech kept)."""
    step, width = int(FRAME_S * SAMPLE_RATE), max(1, round(span_s / FRAME_S))
    frames = audio.size // step
    if frames == 0:
        return np.zeros(0, dtype=np.float16)
    power = np.square(audio[: frames * step].reshape(frames, step), dtype=np.float64).mean(axis=1)
    padded = np.pad(power, (width // 2, width - 1 - width // 2), mode="edge")
    return np.log10(np.convolve(padded, np.ones(width) / width, mode="valid") + 1e-10).astype(np.float16)


def anonymous_label(index: int) -> str:
    """Label of the `index`-th (0-based) unnamed speaker, in pyannote's style."""
    return f"SPEAKER_{index:02d}"


def audio_blocks(audio: AudioInput) -> tuple[Iterable[np.ndarray], float | None]:
    """The recording as a stream of blocks, and its declared duration in seconds."""
    settings = get_settings().audio
    if isinstance(audio, np.ndarray):
        block = int(settings.block_s * SAMPLE_RATE)
        samples = audio.astype(np.float32, copy=False).reshape(-1)
        return (samples[i : i + block] for i in range(0, samples.size, block)), samples.size / SAMPLE_RATE
    info = probe(audio)
    return stream_audio(audio, block_s=settings.block_s, max_duration_s=settings.max_duration_s), info.duration


@dataclass
class SpeechWindows:
    """What the embedding stage keeps of a recording: speech regions and window embeddings (times in seconds)."""

    duration: float
    regions: list[tuple[float, float]]
    starts: np.ndarray
    ends: np.ndarray
    region: np.ndarray
    """Index of the region each window lies in."""
    embeddings: np.ndarray
    overlaps: list[tuple[float, float]] = field(default_factory=list)
    """Stretches where the segmentation model hears two voices at once (empty unless `overlap` is on)."""
    alone: np.ndarray | None = None
    """Each window's embedding on its own audio where `SpeakerDiarization.alone_windows` asks for it, else the
    shared one (None: not computed): what picks the window's speaker."""
    loudness: list[np.ndarray] = field(default_factory=list)
    """Each region's `loudness` from its start (empty: not kept): where a change of speaker inside a region falls."""
    second: np.ndarray | None = None
    """Each window's embedding by the second encoder, on its own audio (None: `SpeakerDiarization.fusion_weight` 0)."""

    @property
    def centres(self) -> np.ndarray:
        return 0.5 * (self.starts + self.ends)


@dataclass
class TurnNaming:
    """How both built-in pipelines name speakers from voiceprints: clusters by their centroid, then turns by their
    own embedding."""

    turn_name_margin: float | None = 0.05
    """With voiceprints, a turn whose own embedding (from its windows, or its local speakers) matches an enrolled
    person (this far ahead of the next person, and within `turn_name_relax` of the threshold) takes that name whatever
    its cluster is called: one cluster may hold two voices, or a voice its cluster's centroid misses. None: clusters
    alone are named.

    Chosen for the vad pipeline on the development voices of `benchmarks/diarization.py --sections crowd-names` (every
    voice enrolled): 88.2% of turns named right with clusters alone, 90.7% at margin 0.05 and relax 0.05 (0 to 0.05
    alike; relax 0.10 gains one turn but names one more turn of a voice left unenrolled, 0.15 six more)."""
    turn_name_relax: float = 0.05
    """How far under the voiceprint threshold a turn matched by its own embedding may score (short turns score lower
    than the clips the threshold was calibrated on)."""

    def name_turns(
        self,
        annotation: Annotation,
        centroids: dict[str, np.ndarray],
        turns: Callable[[], dict[tuple[Segment, TrackName], np.ndarray]],
        voiceprints: VoiceprintMatcher,
        model_id: str,
    ) -> Annotation:
        """`name_by_voiceprints` under this rule; `turns` (each turn's own embedding) is only computed if used."""
        return name_by_voiceprints(
            annotation,
            centroids,
            voiceprints,
            model_id,
            turns=turns() if self.turn_name_margin is not None else {},
            margin=self.turn_name_margin or 0.0,
            relax=self.turn_name_relax,
        )


@dataclass
class SpeakerDiarization(TurnNaming):
    """The diarization pipeline; every field is a hyper-parameter (tuned in benchmarks/diarization.py)."""

    embedder: str = "campplus"
    """Speaker encoder: "campplus", "resemblyzer" or the path of an ONNX filterbank encoder."""
    window_s: float = 1.5
    """Length of the windows that are embedded."""
    hop_s: float = 0.75
    """Step between windows."""
    alone_windows: int = 1
    """Windows at each end of a region that are embedded again on their own and take the speaker whose centroid is
    nearest to that embedding (0: none). Windows are clustered on embeddings pooled from one CAM++ pass over up to 6 s
    of their region, which carries the voice around a window, so a quick reply took the label of the turn before it
    (issue #16, development simulated DER: 3.4% with none, 3.0% with 1, 2.9% with 2 or with every window; the
    pipeline's CPU 1.65x with 1, 2.25x with every window). Clustering the windows embedded alone instead made the cut
    noisier (AMI development 33.4% -> 35.3%)."""
    change_search_s: float | None = 0.375
    """Where the speaker changes inside a region, the turn boundary is the quietest moment from this far before the
    centre of the last window of one speaker to this far after the first window of the next (None: half-way between
    the two centres). A quick reply 0.05-0.2 s after another voice shares its VAD region, and half-way between
    windows 0.75 s apart missed the change by up to 0.4 s (issue #16; development simulated confusion over 60
    meetings 3.29% -> 2.87% at half a hop, 2.90% at 0.25 or 0.5 s, 3.11% at the centres)."""
    min_window_s: float = 0.5
    """Regions shorter than this get no embedding of their own: they take the label of the nearest window."""
    vad_threshold: float = 0.35
    """Silero speech probability above which a frame is speech (0.35 vs 0.5: AMI speech missed 14% vs 18%)."""
    min_silence_ms: int = 200
    """A pause at least this long ends a speech region (and is a likely place for a change of speaker)."""
    speech_pad_ms: int = 40
    """Margin kept around each speech region (40 vs 100 ms: false alarm 4.8% vs 7.8% on simulated meetings)."""
    min_speech_ms: int = 200
    """Shorter speech regions are dropped as noise."""
    max_region_s: float = 30.0
    """Longer speech is cut (at a pause where possible) so that a region's audio stays small."""
    clustering: Clustering = field(default_factory=Clustering)
    """How windows become speakers."""
    overlap: bool = False
    """Find overlapped speech with pyannote segmentation-3.0 (over the speech regions only) and give it a second
    speaker: the other speaker of a turn change inside the stretch, else the speaker of the nearest turn in time that
    is not the one holding it (issue #16; the figures are in docs/ARCHITECTURE.md, "Diarization")."""
    segmentation_step_s: float = 5.0
    """Hop between the segmentation model's 10 s chunks (of the speech regions joined end to end)."""
    min_overlap_s: float = 0.1
    """Shorter stretches of two voices get no second speaker."""
    fusion_weight: float = 0.0
    """Weight of `second_embedder` in the embedding that judges a window's or a small cluster's voice (0: CAM++ alone,
    the default; the second encoder is then not run). CAM++ and it, each L2-normalised, are joined as sqrt(1 - w) and
    sqrt(w) of the vector, so its cosine is the weighted sum of theirs (voice login's fusion). It decides whether a
    small cluster is a voice of its own (`Clustering(voices=...)`) and which speaker each region's end windows take;
    the cut, the splits and merges stay on CAM++. Issue #16, at 0.4: development simulated confusion 2.87% -> 2.13%
    over 60 meetings, but held out 3.95% -> 4.68% and AMI tst 68.4% -> 69.7%, for 1.3x the pipeline's CPU: off
    (docs/ARCHITECTURE.md, "Two encoders")."""
    second_embedder: str = "seres2net"
    """The encoder fused with `embedder` (each window alone: SE-Res2Net has no shared pass)."""
    _encoder: Embedder | None = field(default=None, init=False, repr=False)
    _second: Embedder | None = field(default=None, init=False, repr=False)

    @property
    def encoder(self) -> Embedder:
        if self._encoder is None:
            self._encoder = get_embedder(self.embedder)
        return self._encoder

    @property
    def second_encoder(self) -> Embedder:
        if self._second is None:
            self._second = get_embedder(self.second_embedder)
        return self._second

    # ---- stage 1: speech regions and embeddings -------------------------------------------------------------

    def _window_bounds(self, n_samples: int) -> list[tuple[int, int]]:
        """Sliding windows over a region; the last one ends with the region, a short region is one window."""
        window, hop = int(self.window_s * SAMPLE_RATE), int(self.hop_s * SAMPLE_RATE)
        if n_samples <= window:
            return [(0, n_samples)]
        starts = list(range(0, n_samples - window + 1, hop))
        if starts[-1] + window < n_samples:
            starts.append(n_samples - window)
        return [(s, s + window) for s in starts]

    def embed(self, audio: AudioInput, *, hook: ProgressHook | None = None) -> SpeechWindows:
        """Speech regions and window embeddings of a whole recording, streamed."""
        blocks, declared = audio_blocks(audio)
        chunker = SpeechChunker(
            max_chunk_s=self.max_region_s,
            max_gap_s=0.0,
            threshold=self.vad_threshold,
            min_silence_ms=self.min_silence_ms,
            speech_pad_ms=self.speech_pad_ms,
            min_speech_ms=self.min_speech_ms,
        )
        regions: list[tuple[float, float]] = []
        starts: list[np.ndarray] = []
        ends: list[np.ndarray] = []
        owners: list[np.ndarray] = []
        vectors: list[np.ndarray] = []
        alone: list[np.ndarray] = []
        second: list[np.ndarray] = []
        loud: list[np.ndarray] = []
        min_samples = int(self.min_window_s * SAMPLE_RATE)
        counter = (
            SpeakerCounts(step_s=self.segmentation_step_s, min_overlap_s=self.min_overlap_s) if self.overlap else None
        )
        for chunk in chunker.chunks(blocks):
            regions.append((chunk.start, chunk.end))
            loud.append(loudness(chunk.audio))
            if counter is not None:
                counter.feed(chunk.start, chunk.audio)
            if chunk.audio.size >= min_samples:
                bounds = self._window_bounds(chunk.audio.size)
                vectors.append(self.encoder.embed_windows(chunk.audio, bounds).astype(np.float32))
                if self.alone_windows:
                    alone.append(self._alone(chunk.audio, bounds, vectors[-1]))
                if self.fusion_weight:
                    second.append(self.second_encoder.embed_windows(chunk.audio, bounds).astype(np.float32))
                window_array = np.asarray(bounds, dtype=np.float64) / SAMPLE_RATE + chunk.start
                starts.append(window_array[:, 0])
                ends.append(window_array[:, 1])
                owners.append(np.full(len(bounds), len(regions) - 1))
            if hook is not None and declared:
                hook("embeddings", min(chunker.processed_s / declared, 1.0))
        duration = chunker.processed_s
        if hook is not None:
            hook("embeddings", 1.0)
        if not regions:
            raise SilentAudioError(
                "không phát hiện tiếng nói trong bản ghi (no speech detected)",
                path=None if isinstance(audio, np.ndarray) else source_name(audio),
            )
        overlaps = counter.overlaps() if counter is not None else []
        if not vectors:  # only snippets too short to tell voices apart: one speaker
            empty = np.zeros(0)
            return SpeechWindows(
                duration,
                regions,
                empty,
                empty,
                empty.astype(int),
                np.zeros((0, self.encoder.dim)),
                overlaps,
                loudness=loud,
            )
        return SpeechWindows(
            duration=duration,
            regions=regions,
            starts=np.concatenate(starts),
            ends=np.concatenate(ends),
            region=np.concatenate(owners),
            embeddings=np.concatenate(vectors),
            overlaps=overlaps,
            alone=np.concatenate(alone) if alone else None,
            loudness=loud,
            second=np.concatenate(second) if second else None,
        )

    def _alone(self, audio: np.ndarray, bounds: list[tuple[int, int]], shared: np.ndarray) -> np.ndarray:
        """`shared` with the `alone_windows` at each end of the region embedded on their own (a region of one window
        is its own pass already)."""
        out = shared.copy()
        n, k = len(bounds), self.alone_windows
        if n > 1:
            ends = sorted({*range(min(k, n)), *range(max(n - k, 0), n)})
            out[ends] = self.encoder.embed_windows(audio, [bounds[i] for i in ends], context_s=0.0)
        return out

    # ---- stage 2: clustering and turns ---------------------------------------------------------------------

    def cluster(
        self,
        windows: SpeechWindows,
        *,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
    ) -> np.ndarray:
        """A speaker index per window, numbered in order of first appearance (index k is SPEAKER_k in `turns`)."""
        weights = np.minimum(windows.ends - windows.starts, self.hop_s)
        voices = self._fused(windows.embeddings, windows.second)
        labels = self.clustering(
            windows.embeddings,
            weights,
            voices=voices,
            num_speakers=num_speakers,
            min_speakers=min_speakers,
            max_speakers=max_speakers,
        )
        if labels.size == 0:
            return labels
        if windows.alone is not None:
            labels = self._by_own_voice(voices, labels, self._fused(windows.alone, windows.second))
        order = list(
            dict.fromkeys(label for _, _, label in self._raw_turns(windows, labels).itertracks(yield_label=True))
        )
        remap = np.zeros(int(labels.max()) + 1, dtype=int)
        remap[np.asarray(order, dtype=int)] = np.arange(len(order))
        return remap[labels]

    def _fused(self, embeddings: np.ndarray, second: np.ndarray | None) -> np.ndarray:
        """`embeddings` joined with the second encoder's (`fusion_weight`), or alone when there is none."""
        if second is None or not self.fusion_weight:
            return embeddings
        w = self.fusion_weight
        return np.concatenate([np.sqrt(1 - w) * normalize(embeddings), np.sqrt(w) * normalize(second)], axis=1)

    def _by_own_voice(self, voices: np.ndarray, labels: np.ndarray, alone: np.ndarray) -> np.ndarray:
        """Each window to the speaker whose centroid (of `voices`) its embedding alone is nearest to; kept only if
        every speaker keeps a window (the count found or imposed stands)."""
        centroids = mean_directions(voices, labels)
        speakers = sorted(centroids)
        nearest = np.asarray(speakers)[
            np.argmax(normalize(alone) @ np.stack([centroids[k] for k in speakers]).T, axis=1)
        ]
        return nearest if np.unique(nearest).size == len(speakers) else labels

    def turns(self, windows: SpeechWindows, labels: np.ndarray, *, uri: str = "recording") -> Annotation:
        """Speaker turns: each moment of a region takes the label of the nearest window centre."""
        raw = self._raw_turns(windows, labels, uri=uri)
        annotation = raw.rename_labels(mapping={k: anonymous_label(int(k)) for k in raw.labels()}).support(collar=0.0)
        for start, end in windows.overlaps:
            region = Segment(start, end)
            here = annotation.crop(region)
            if not len(here):
                continue
            # the voice that already holds the stretch stays; the other one is whoever speaks next to it
            # (a turn change inside the stretch names it, else the closest other turn in time)
            ranked = sorted(here.labels(), key=here.label_duration, reverse=True)
            second = ranked[1] if len(ranked) > 1 else nearest_label(annotation, region, exclude={ranked[0]})
            if second is not None:
                annotation[region, "overlap"] = second
        return annotation.support(collar=0.0) if windows.overlaps else annotation

    def _raw_turns(self, windows: SpeechWindows, labels: np.ndarray, *, uri: str = "recording") -> Annotation:
        """Turns labelled with cluster indices, in time order."""
        centres = windows.centres
        annotation = Annotation(uri=uri)
        # windows are stored region by region, in time order: each region's windows are one slice
        bounds = np.searchsorted(windows.region, np.arange(len(windows.regions) + 1))
        for index, (start, end) in enumerate(windows.regions):
            inside = np.arange(bounds[index], bounds[index + 1])
            if centres.size == 0:
                annotation[Segment(start, end)] = 0
                continue
            if inside.size == 0:  # a short region: the window nearest in time decides
                after = int(np.clip(np.searchsorted(centres, 0.5 * (start + end)), 0, centres.size - 1))
                before = max(after - 1, 0)
                middle = 0.5 * (start + end)
                nearest = before if abs(centres[before] - middle) < abs(centres[after] - middle) else after
                annotation[Segment(start, end)] = int(labels[nearest])
                continue
            cut_from = start
            for a, b in itertools.pairwise(inside):
                if labels[a] != labels[b]:
                    boundary = self._change_point(windows, index, centres[a], centres[b], after=cut_from)
                    annotation[Segment(cut_from, boundary)] = int(labels[a])
                    cut_from = boundary
            annotation[Segment(cut_from, end)] = int(labels[inside[-1]])
        return annotation

    def _change_point(self, windows: SpeechWindows, region: int, last: float, first: float, *, after: float) -> float:
        """Where a region's speaker changes between windows centred at `last` and `first`: its quietest moment within
        `change_search_s` of them (later than `after`, the turn's start), else half-way."""
        half_way = 0.5 * (last + first)
        if self.change_search_s is None or not windows.loudness:
            return half_way
        start, end = windows.regions[region]
        curve = windows.loudness[region]
        low = max(last - self.change_search_s, after + FRAME_S, start)
        high = min(first + self.change_search_s, end)
        lo, hi = int(np.ceil((low - start) / FRAME_S)), min(int((high - start) / FRAME_S), curve.size)
        if hi <= lo:
            return half_way
        return start + (lo + int(np.argmin(curve[lo:hi])) + 0.5) * FRAME_S

    def centroids(self, windows: SpeechWindows, labels: np.ndarray) -> dict[int, np.ndarray]:
        """Mean (unit) embedding of each speaker index: what voiceprints are compared with (the first encoder's)."""
        return mean_directions(windows.embeddings, labels)

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
        """Who spoke when. Unknown voices are "SPEAKER_00", "SPEAKER_01"… by first appearance; with `voiceprints`,
        speakers recognised as enrolled people carry their names (two clusters matching one person are merged).
        """
        check_bounds(num_speakers, min_speakers, max_speakers)
        began = time.perf_counter()
        windows = self.embed(audio, hook=hook)
        if hook is not None:
            hook("clustering", 0.0)
        labels = self.cluster(windows, num_speakers=num_speakers, min_speakers=min_speakers, max_speakers=max_speakers)
        if hook is not None:
            hook("clustering", 1.0)
        name = uri or (Path(source_name(audio)).stem if not isinstance(audio, np.ndarray) else "recording")
        annotation = self.turns(windows, labels, uri=name)
        if voiceprints is not None:
            annotation = self.name_speakers(annotation, windows, labels, voiceprints)
        if hook is not None:
            hook("segmentation", 1.0)
        log_diarized(name, windows.duration, len(labels), annotation, began)
        return annotation

    def name_speakers(
        self, annotation: Annotation, windows: SpeechWindows, labels: np.ndarray, voiceprints: VoiceprintMatcher
    ) -> Annotation:
        """Relabel clusters that match an enrolled voice (open set: the others stay anonymous), then turns that
        clearly match one by their own windows (`turn_name_margin`)."""
        centroids = {anonymous_label(i): c for i, c in self.centroids(windows, labels).items()}
        return self.name_turns(
            annotation,
            centroids,
            lambda: self.turn_embeddings(annotation, windows, labels),
            voiceprints,
            self.encoder.model_id,
        )

    def turn_embeddings(
        self, annotation: Annotation, windows: SpeechWindows, labels: np.ndarray
    ) -> dict[tuple[Segment, TrackName], np.ndarray]:
        """Mean (unit) embedding of each turn of `annotation` (as `turns` made it) from the windows centred in it that
        belong to its speaker; turns without such a window (short regions, overlap's second voice) have none."""
        x, centres = normalize(windows.embeddings), windows.centres  # centres rise: windows are kept in time order
        index = {anonymous_label(int(k)): int(k) for k in np.unique(labels)}
        out = {}
        for segment, track, label in annotation.itertracks(yield_label=True):
            first, last = np.searchsorted(centres, [segment.start, segment.end])
            mine = first + np.flatnonzero(labels[first:last] == index.get(str(label), -1))
            if mine.size:
                out[segment, track] = normalize(x[mine].mean(axis=0))
        return out


def mean_directions(embeddings: np.ndarray, labels: np.ndarray) -> dict[int, np.ndarray]:
    """Unit mean of each label's unit embeddings."""
    x = normalize(embeddings)
    return {int(k): normalize(x[labels == k].mean(axis=0)) for k in np.unique(labels)}


class VoiceprintMatcher(Protocol):
    """What the pipeline needs from a voiceprint store (diarization.voiceprints.VoiceprintStore)."""

    def identify(
        self, embedding: np.ndarray, *, model_id: str, margin: float = 0.0, relax: float = 0.0
    ) -> tuple[str, float] | None:
        """(name, score) of the enrolled person this voice belongs to (by `margin` over anyone else, `relax` under the
        threshold at worst), or None for an unknown voice."""
        ...


def log_diarized(uri: str, duration: float, windows: int, annotation: Annotation, began: float) -> None:
    """One log line per diarized recording, with its real-time factor."""
    elapsed = time.perf_counter() - began
    logger.info(
        "diarized uri=%s duration_s=%.1f windows=%d speakers=%d elapsed_s=%.1f rtf=%.4f",
        uri,
        duration,
        windows,
        len(annotation.labels()),
        elapsed,
        elapsed / max(duration, 1e-6),
    )


def name_by_voiceprints(
    annotation: Annotation,
    centroids: dict[str, np.ndarray],
    voiceprints: VoiceprintMatcher,
    model_id: str,
    *,
    turns: dict[tuple[Segment, TrackName], np.ndarray] | None = None,
    margin: float = 0.0,
    relax: float = 0.0,
) -> Annotation:
    """Speakers whose centroid matches an enrolled voice take that name (two matching one person merge); then each
    of `turns` (track -> its own embedding) that matches someone by `margin` over the rest, at most `relax` under the
    threshold, takes their name."""
    names: dict[str, str] = {}
    for label, centroid in centroids.items():
        match = voiceprints.identify(centroid, model_id=model_id)
        if match is not None:
            names[label] = match[0]
    renamed = annotation.rename_labels(mapping=names)
    changed = bool(names)
    for (segment, track), embedding in (turns or {}).items():
        match = voiceprints.identify(embedding, model_id=model_id, margin=margin, relax=relax)
        if match is not None and match[0] != renamed[segment, track]:
            renamed[segment, track] = match[0]
            changed = True
    return first_appearance(renamed.support(collar=0.0)) if changed else renamed


def nearest_label(annotation: Annotation, region: Segment, exclude: set[str] | None = None) -> str | None:
    """Label of the turn closest in time to `region` (touching or overlapping counts as distance 0)."""
    best, distance = None, float("inf")
    for segment, _, label in annotation.itertracks(yield_label=True):
        if exclude and label in exclude:
            continue
        gap = max(segment.start - region.end, region.start - segment.end, 0.0)
        if gap < distance:
            best, distance = str(label), gap
    return best


def first_appearance(annotation: Annotation) -> Annotation:
    """Anonymous labels renumbered SPEAKER_00, SPEAKER_01… in order of first appearance; names kept."""
    mapping: dict[str, str] = {}
    for _, _, label in annotation.itertracks(yield_label=True):
        if str(label).startswith("SPEAKER_") and label not in mapping:
            mapping[label] = f"\x00{len(mapping):02d}"  # two steps: new labels may collide with old ones
    renamed = annotation.rename_labels(mapping=mapping)
    return renamed.rename_labels(mapping={v: f"SPEAKER_{v[1:]}" for v in mapping.values()})


def iter_turns(annotation: Annotation) -> Iterator[tuple[float, float, str]]:
    """(start, end, label) of every turn in time order."""
    for segment, _, label in annotation.itertracks(yield_label=True):
        yield segment.start, segment.end, str(label)
