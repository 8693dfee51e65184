"""Diarization benchmark: DER/JER (pyannote.metrics), speaker count, voiceprint EER and recognition, speed, memory.

    .venv/bin/python benchmarks/diarization.py                     # everything, 1-hour speed run
    .venv/bin/python benchmarks/diarization.py --hours 3           # the long-recording check
    .venv/bin/python benchmarks/diarization.py --hours 0 --sim 4   # quick
    .venv/bin/python benchmarks/diarization.py --sections der --sim 6 --hours 0 --pipelines vad --dev-seeds 10
    .venv/bin/python benchmarks/diarization.py --sections crowd --crowd-minutes 20   # speaker counts, crowded/long
    .venv/bin/python benchmarks/diarization.py --sections der,crowd --pipelines vad --embedding-cache /tmp/emb  # sweeps
    .venv/bin/python benchmarks/diarization.py --sections crowd-names --pipelines vad  # every voice enrolled
    .venv/bin/python benchmarks/diarization.py --sections speed --crowded   # 1 h with all 51 cv9_vi_dev voices

Sets: pyannote_sample and pyannote_debug_ami (English, reference RTTM, overlapping speech);
simulated Vietnamese meetings stitched from cv9_vi_dev clips (benchmarks/simulate_meetings.py);
verification trials from sv_librispeech and from cv9_vi_dev speakers. Speed is reported as a
real-time factor and as a ratio to the VAD pass alone over the same file, measured in the same run
(this machine is shared: absolute times move with its load). Ends with one summary line.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import pickle
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np
from pyannote.core import Annotation, Segment, Timeline
from pyannote.metrics.diarization import (
    DiarizationCoverage,
    DiarizationErrorRate,
    DiarizationPurity,
    JaccardErrorRate,
)

# This script is named like the package it measures: its own folder must not shadow `diarization`.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from benchmarks.simulate_meetings import (  # noqa: E402
    EVALDATA,
    ClipBank,
    Meeting,
    Part,
    cv_rows,
    simulate,
    simulate_set,
    speaker_part,
)
from benchmarks.voice_login import EmbeddingBank, enrolment_trials  # noqa: E402
from core.audio import load_audio, probe, stream_audio  # noqa: E402
from core.db import migrate  # noqa: E402
from core.errors import SilentAudioError  # noqa: E402
from core.progress import ProgressHook  # noqa: E402
from core.rttm import read_rttm  # noqa: E402
from core.settings import get_settings  # noqa: E402
from core.vad import SpeechChunker  # noqa: E402
from diarization import BUILT_IN, built_in  # noqa: E402
from diarization.embedders import get_embedder, normalize  # noqa: E402
from diarization.local_speakers import SegmentationDiarization  # noqa: E402
from diarization.pipeline import AudioInput, SpeakerDiarization, SpeechWindows  # noqa: E402
from diarization.voiceprints import VoiceprintStore, calibrate  # noqa: E402


def _manifest(name: str) -> list[dict[str, str]]:
    with (EVALDATA / name / "MANIFEST.tsv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


Pipeline = SpeakerDiarization | SegmentationDiarization
PIPELINES = BUILT_IN
"""What `--pipelines` names: the pipelines the service offers (`GOBANG_DIARIZATION__PIPELINE`)."""


@dataclass
class CachedEmbeddings(SpeakerDiarization):
    """The vad pipeline with what its embedding stage keeps of a recording stored on disk (`--embedding-cache`): a
    sweep of clustering or turn settings, run after run, embeds each recording once (CAM++ is most of the CPU).
    Keyed by the file's bytes and every setting `embed` reads, not by code: empty the folder when `embed` changes."""

    cache_dir: Path | None = None
    """Where the windows are kept (None: no cache)."""

    AFTER_EMBEDDING = frozenset({"clustering", "change_search_s", "turn_name_margin", "turn_name_relax", "cache_dir"})
    """Settings only clustering and turns read: changing them reuses the stored windows."""

    @classmethod
    def of(cls, pipeline: SpeakerDiarization, cache_dir: Path) -> CachedEmbeddings:
        """`pipeline` with the same settings and the cache."""
        settings = {f.name: getattr(pipeline, f.name) for f in fields(pipeline) if f.init}
        return cls(**settings, cache_dir=cache_dir)

    def embed(self, audio: AudioInput, *, hook: ProgressHook | None = None) -> SpeechWindows:
        if self.cache_dir is None or not isinstance(audio, str | Path):
            return super().embed(audio, hook=hook)
        stored = self.cache_dir / f"{self._key(Path(audio))}.pkl"
        if stored.exists():
            windows: SpeechWindows = pickle.loads(stored.read_bytes())
            return windows
        windows = super().embed(audio, hook=hook)
        stored.parent.mkdir(parents=True, exist_ok=True)
        partial = stored.with_suffix(".tmp")
        partial.write_bytes(pickle.dumps(windows))
        partial.replace(stored)  # a run killed mid-write leaves no truncated entry
        return windows

    def _key(self, path: Path) -> str:
        settings = [
            (f.name, getattr(self, f.name)) for f in fields(self) if f.init and f.name not in self.AFTER_EMBEDDING
        ]
        digest = hashlib.sha1(repr(settings).encode())
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()


def _run(pipeline: Pipeline, path: Path | str, uri: str, **counts: int | None) -> Annotation:
    try:
        return pipeline.apply(
            path,
            uri=uri,
            num_speakers=counts.get("num_speakers"),
            min_speakers=counts.get("min_speakers"),
            max_speakers=counts.get("max_speakers"),
        )
    except SilentAudioError:
        return Annotation(uri=uri)


class Scores:
    """DER at collar 0 and 0.25 s, JER, cluster purity and coverage, accumulated over files (pyannote.metrics).

    Purity falls when voices are merged into one label, coverage when one voice is split over several.
    """

    def __init__(self) -> None:
        self.oracle = DiarizationPurity(collar=0.25)
        """Purity of the same turns labelled by the reference voice speaking most in each: pyannote's purity divides
        by every hypothesis second, so speech padding and turns spanning two voices cap it however good the
        clustering is."""
        self.der0 = DiarizationErrorRate(collar=0.0)
        self.der25 = DiarizationErrorRate(collar=0.25)
        self.jer = JaccardErrorRate(collar=0.0)
        self.purity = DiarizationPurity(collar=0.25)
        self.coverage = DiarizationCoverage(collar=0.25)

    def add(self, reference: Annotation, hypothesis: Annotation, duration: float) -> None:
        """Score the whole recording, [0, duration] (the evaluated region, as the sets' UEM files say)."""
        uem = Timeline([Segment(0.0, duration)])
        self.der0(reference, hypothesis, uem=uem)
        self.der25(reference, hypothesis, uem=uem)
        self.jer(reference, hypothesis, uem=uem)
        self.purity(reference, hypothesis, uem=uem)
        self.oracle(reference, oracle_labels(reference, hypothesis), uem=uem)
        self.coverage(reference, hypothesis, uem=uem)

    def row(self) -> dict[str, float]:
        acc = self.der25.accumulated_
        total = acc["total"] or 1.0
        return {
            "der_c0": 100 * abs(self.der0),
            "der_c25": 100 * abs(self.der25),
            "miss_c25": 100 * acc["missed detection"] / total,
            "fa_c25": 100 * acc["false alarm"] / total,
            "conf_c25": 100 * acc["confusion"] / total,
            "jer": 100 * abs(self.jer),
            "purity": 100 * abs(self.purity),
            "purity_cap": 100 * abs(self.oracle),
            "coverage": 100 * abs(self.coverage),
        }


def oracle_labels(reference: Annotation, hypothesis: Annotation) -> Annotation:
    """`hypothesis`'s turns, each labelled by the reference voice that speaks most inside it (or left as it was)."""
    out = Annotation(uri=hypothesis.uri)
    for segment, track, label in hypothesis.itertracks(yield_label=True):
        inside = reference.crop(segment)
        out[segment, track] = max(inside.labels(), key=inside.label_duration, default=label)
    return out


def english_sets(pipeline: Pipeline) -> dict[str, dict[str, float]]:
    """pyannote_sample, and pyannote_debug_ami whole and by its own parts (trn+dev: development, tst: held out)."""
    out = {}
    for name in ("pyannote_sample", "pyannote_debug_ami"):
        scores, parts = Scores(), {"dev": Scores(), "heldout": Scores()}
        for row in _manifest(name):
            reference = next(iter(read_rttm(EVALDATA / name / row["rttm_path"]).values()))
            hypothesis = _run(pipeline, EVALDATA / name / row["audio_path"], reference.uri)
            scores.add(reference, hypothesis, float(row["duration_s"]))
            parts["heldout" if reference.uri.startswith("tst") else "dev"].add(
                reference, hypothesis, float(row["duration_s"])
            )
        out[name] = scores.row()
        if name == "pyannote_debug_ami":
            out |= {f"{name} {part}": part_scores.row() for part, part_scores in parts.items()}
    return out


def simulated(
    pipeline: Pipeline, count: int, seeds: list[int], out_dir: Path, part: Part | None = None
) -> dict[str, float]:
    """`count` meetings per seed of `seeds` (each seed draws other voices of the part and other turns), scored as one
    set."""
    scores, exact, near, files = Scores(), 0, 0, 0
    for seed in seeds:
        meetings, _ = simulate_set(count, seed=seed, out_dir=out_dir / f"seed{seed}", part=part)
        for meeting in meetings:
            hypothesis = _run(pipeline, meeting.wav, meeting.uri)
            scores.add(meeting.reference, hypothesis, meeting.duration)
            difference = abs(len(hypothesis.labels()) - len(meeting.reference.labels()))
            exact += difference == 0
            near += difference <= 1
            files += 1
    row = scores.row()
    row |= {"count_exact": 100 * exact / files, "count_ok": 100 * near / files, "files": files}
    return row


def transcripts(count: int, seed: int, out_dir: Path) -> dict[str, dict[str, float]]:
    """The whole pipeline as `gobang transcribe --diarize` runs it, on simulated meetings of each part.

    Scores the RTTM export (the transcript's turns), and counts reference utterances (clips) that no word
    overlaps ("wordless") and, of those, how many the transcript marks as untranscribed speech.
    """
    from core.rttm import transcript_to_annotation
    from workers.options import PipelineOptions
    from workers.pipeline import run_pipeline

    migrate(get_settings().resolved_database_url)  # as `gobang transcribe --diarize` does: voiceprints name speakers
    rows = {}
    for part in ("dev", "heldout"):
        meetings, _ = simulate_set(count, seed=seed, out_dir=out_dir / part, part=part)
        scores, utterances, wordless, marked_wordless, marked = Scores(), 0, 0, 0, 0
        for meeting in meetings:
            transcript = run_pipeline(meeting.wav, PipelineOptions(diarize=True))
            scores.add(meeting.reference, transcript_to_annotation(transcript, uri=meeting.uri), meeting.duration)
            marks = [s for s in transcript.segments if s.untranscribed and not s.text.strip()]
            marked += len(marks)
            for clip in meeting.reference.itersegments():
                utterances += 1
                if not any(w.end > clip.start and w.start < clip.end for w in transcript.words):
                    wordless += 1
                    marked_wordless += any(m.end > clip.start and m.start < clip.end for m in marks)
        rows[f"simulated vi {part}"] = scores.row() | {
            "utterances": utterances,
            "wordless": wordless,
            "wordless_marked": marked_wordless,
            "marks": marked,
        }
    return rows


def calibrate_threshold(count: int, seed: int, out_dir: Path, thresholds: list[float]) -> dict[str, dict[str, float]]:
    """DER of the segmentation pipeline per clustering threshold, on development meetings only (stage 1 run once)."""
    meetings, _ = simulate_set(count, seed=seed + 101, out_dir=out_dir, part="dev")
    pipeline = SegmentationDiarization()
    analysed = [(meeting, pipeline.analyse(meeting.wav)) for meeting in meetings]
    rows = {}
    for threshold in thresholds:
        pipeline.clustering.threshold = threshold
        scores, exact = Scores(), 0
        for meeting, local in analysed:
            assignment, _ = pipeline.cluster(local)
            hypothesis = pipeline.turns(local, assignment, uri=meeting.uri)
            scores.add(meeting.reference, hypothesis, meeting.duration)
            exact += len(hypothesis.labels()) == len(meeting.reference.labels())
        rows[f"{threshold:.2f}"] = scores.row() | {"count_exact": 100 * exact / count}
    return rows


def crowd_meetings(minutes: float, seed: int, out_dir: Path) -> dict[str, tuple[Part, Meeting]]:
    """Crowded meetings (every cv9_vi_dev voice of one fold, even those with one clip: a few short turns each) and
    long ones (20 voices of both folds, one voice split over time is the risk); each with its part."""
    meetings: dict[str, tuple[Part, Meeting]] = {}
    folds: tuple[tuple[Part, int], ...] = (("dev", 0), ("heldout", 1))
    for part, offset in folds:
        bank = ClipBank(cv_rows(), min_clips=1, part=part)
        uri = f"crowded-{part}"
        meeting = simulate(
            bank, out_dir, uri=uri, num_speakers=len(bank.speakers), seed=seed + offset, duration_s=60 * minutes
        )
        meetings[f"crowded {part} ({len(bank.speakers)} voices of the {part} fold)"] = (part, meeting)
    bank = ClipBank(cv_rows())
    seeds: tuple[tuple[Part, int], ...] = (("dev", 0), ("heldout", 2))
    for part, offset in seeds:
        uri = f"long-{part}"
        meeting = simulate(bank, out_dir, uri=uri, num_speakers=20, seed=seed + offset, duration_s=60 * minutes)
        meetings[f"long {part} (20 voices, seed {seed + offset})"] = (part, meeting)
    return meetings


def crowd(
    pipeline: SpeakerDiarization, minutes: float, seed: int, out_dir: Path, similarities: list[float]
) -> dict[str, dict[str, float]]:
    """Speaker count, purity, coverage and DER of crowded and long meetings, each embedded once.

    `small_cluster_similarity` (when a cluster of a few turns joins a kept speaker) is swept on the development
    meetings only; held-out meetings are scored at the pipeline's own value alone.
    """
    rows = {}
    shipped = pipeline.clustering.small_cluster_similarity
    for name, (part, meeting) in crowd_meetings(minutes, seed, out_dir).items():
        windows = pipeline.embed(meeting.wav)
        for similarity in similarities if part == "dev" else [shipped]:
            variant = replace(pipeline, clustering=replace(pipeline.clustering, small_cluster_similarity=similarity))
            hypothesis = variant.turns(windows, variant.cluster(windows), uri=meeting.uri)
            scores = Scores()
            scores.add(meeting.reference, hypothesis, meeting.duration)
            rows[f"{name} @{similarity:.2f}"] = {
                "speakers": len(hypothesis.labels()),
                "reference_speakers": len(meeting.reference.labels()),
            } | scores.row()
    return rows


def constraints(pipeline: Pipeline, seed: int, out_dir: Path) -> dict[str, float]:
    """num_speakers / min / max honoured on simulated meetings (share of runs that obey)."""
    meetings, _ = simulate_set(4, seed=seed + 7, out_dir=out_dir, min_speakers=4, max_speakers=5)
    ok = total = 0
    for meeting in meetings:
        n = len(meeting.reference.labels())
        for counts, accept in (
            ({"num_speakers": n + 1}, lambda k, n=n: k == n + 1),
            ({"max_speakers": n - 2}, lambda k, n=n: k <= n - 2),
            ({"min_speakers": n + 2}, lambda k, n=n: k >= n + 2),
        ):
            k = len(_run(pipeline, meeting.wav, meeting.uri, **counts).labels())
            ok += bool(accept(k))
            total += 1
    return {"honoured": 100 * ok / total, "runs": total}


def _eer_rows(scores: list[float], same: list[bool], target_far: float) -> dict[str, float]:
    c = calibrate(scores, same, target_far=target_far)
    return {
        "eer": 100 * c.eer,
        "eer_threshold": c.eer_threshold,
        "threshold": c.threshold,
        "far": 100 * c.far,
        "frr": 100 * c.frr,
        "trials": c.trials,
    }


def verification(target_far: float, seed: int) -> dict[str, dict[str, float]]:
    """EER on sv_librispeech all-pairs, cv9_vi_dev all pairs, and cv9_vi_dev 3-clip enrolments vs single clips."""
    embedder = get_embedder()
    out = {}
    folder = EVALDATA / "sv_librispeech"
    cache: dict[str, np.ndarray] = {}

    def emb(path: str) -> np.ndarray:
        if path not in cache:
            cache[path] = normalize(embedder.embed(load_audio(path)))
        return cache[path]

    scores, same = [], []
    for line in (folder / "trials_test-other_allpairs.txt").read_text().splitlines():
        label, a, b = line.split()
        scores.append(float(emb(str(folder / a)) @ emb(str(folder / b))))
        same.append(label == "1")
    out["sv_librispeech pairs"] = _eer_rows(scores, same, target_far)

    by_speaker: dict[str, list[str]] = defaultdict(list)
    for row in cv_rows():
        by_speaker[row["speaker"]].append(row["audio_path"])
    paths = [p for ps in by_speaker.values() for p in ps]
    speaker_of = {p: s for s, ps in by_speaker.items() for p in ps}
    bank = EmbeddingBank(embedder)
    bank.load(paths)
    scores, same = [], []
    for a, b in itertools.combinations(paths, 2):
        scores.append(float(bank.vectors[a] @ bank.vectors[b]))
        same.append(speaker_of[a] == speaker_of[b])
    out["cv9_vi pairs"] = _eer_rows(scores, same, target_far)

    trials = enrolment_trials(by_speaker, bank, utterances=3, seed=seed)
    enrolled_scores, enrolled_same = trials.flat(trials.cosine())
    out["cv9_vi 3-clip enrolment"] = _eer_rows(enrolled_scores.tolist(), enrolled_same.tolist(), target_far)
    return out


def _enrolled_store(out_dir: Path, threshold: float, clips: dict[str, list[str]]) -> VoiceprintStore:
    """A fresh voiceprint database with each speaker enrolled from the given clips."""
    database_url = f"sqlite:///{out_dir / 'voiceprints.db'}"
    migrate(database_url)
    store = VoiceprintStore(database_url, threshold=threshold)
    for speaker in sorted(clips):
        store.enroll(speaker, [load_audio(p) for p in clips[speaker]])
    return store


def _naming(reference: Annotation, hypothesis: Annotation, speaker: str) -> tuple[int, int, int]:
    """(turns of `speaker` named right, named as someone else, left anonymous): by each turn's longest label."""
    right = wrong = anonymous = 0
    for turn in reference.label_timeline(speaker):
        cropped = hypothesis.crop(turn)
        best = max(cropped.labels(), key=cropped.label_duration, default=None)
        right += best == speaker
        anonymous += best is None or str(best).startswith("SPEAKER_")
        wrong += best is not None and best != speaker and not str(best).startswith("SPEAKER_")
    return right, wrong, anonymous


def recognition(
    pipeline: Pipeline, count: int, seed: int, out_dir: Path, threshold: float
) -> dict[str, dict[str, float]]:
    """Enrol half of the voices from clips never spoken in the meetings; score naming per reference turn, for all
    voices and by the speakers' part."""
    bank = ClipBank(cv_rows(), min_clips=7)
    meetings, holdout = simulate_set(count, seed=seed + 11, out_dir=out_dir, holdout_per_speaker=3, bank=bank)
    rng = random.Random(seed)
    speakers = sorted(bank.paths)
    enrolled = set(rng.sample(speakers, len(speakers) // 2))
    store = _enrolled_store(out_dir, threshold, {s: holdout[s] for s in enrolled})
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * 4)  # named ok, turns, unknown named, unknown speakers
    for meeting in meetings:
        hypothesis = pipeline.apply(meeting.wav, uri=meeting.uri, voiceprints=store)
        for speaker in meeting.reference.labels():
            for part in ("all", speaker_part(speaker)):
                if speaker in enrolled:
                    counts[part][0] += _naming(meeting.reference, hypothesis, speaker)[0]
                    counts[part][1] += len(meeting.reference.label_timeline(speaker))
                else:
                    timeline = meeting.reference.label_timeline(speaker)
                    cropped = hypothesis.crop(timeline)
                    names = [lab for lab in cropped.labels() if not str(lab).startswith("SPEAKER_")]
                    counts[part][2] += sum(cropped.label_duration(lab) for lab in names) > 0.5 * timeline.duration()
                    counts[part][3] += 1
    return {
        f"{part} voices": {
            "turns_named_ok": 100 * named_ok / max(named_total, 1),
            "turns": named_total,
            "unknown_named": 100 * unknown_named / max(unknown_total, 1),
            "unknown_speakers": unknown_total,
        }
        for part, (named_ok, named_total, unknown_named, unknown_total) in sorted(counts.items())
    }


def crowded_names(
    pipeline: Pipeline,
    minutes: float,
    seed: int,
    out_dir: Path,
    threshold: float,
    rules: list[tuple[float | None, float]],
) -> dict[str, dict[str, float]]:
    """Every voice enrolled (3 clips never spoken in the meeting): one crowded meeting of all cv9_vi_dev voices with
    at least 4 clips, turns named right, wrong or left anonymous, by the speakers' part. Open set: with every other
    voice enrolled alone, turns of the voices left out that get a name ("unknown_named").

    The pipeline embeds and clusters once, then names turns by each (`turn_name_margin`, `turn_name_relax`) of
    `rules`: the sweep is scored on development voices only, held-out voices under the pipeline's own rule and with
    clusters alone (margin None).
    """
    bank = ClipBank(cv_rows(), min_clips=4)
    rng = random.Random(seed)
    holdout = {s: sorted(rng.sample(p, 3)) for s, p in bank.paths.items()}
    meeting = simulate(
        bank,
        out_dir,
        uri="crowded-named",
        num_speakers=len(bank.speakers),
        seed=seed + 13,
        duration_s=60 * minutes,
        holdout={s: set(p) for s, p in holdout.items()},
    )
    voices = sorted(meeting.reference.labels(), key=lambda s: (speaker_part(s), s))
    half = set(voices[::2])
    stores = {
        "all": _enrolled_store(out_dir, threshold, holdout),
        "half": _enrolled_store(out_dir / "half", threshold, {s: holdout[s] for s in half}),
    }
    shipped = (pipeline.turn_name_margin, pipeline.turn_name_relax)
    named = {f"margin {m} relax {r}" + (" (shipped)" if (m, r) == shipped else ""): (m, r) for m, r in rules}
    if isinstance(pipeline, SpeakerDiarization):
        windows = pipeline.embed(meeting.wav)
        labels = pipeline.cluster(windows)
        turns = pipeline.turns(windows, labels, uri=meeting.uri)
        hypotheses = {
            name: {
                k: replace(pipeline, turn_name_margin=m, turn_name_relax=r).name_speakers(turns, windows, labels, v)
                for k, v in stores.items()
            }
            for name, (m, r) in named.items()
        }
    else:
        local = pipeline.analyse(meeting.wav)
        assignment, centroids = pipeline.cluster(local)
        raw = pipeline.turns(local, assignment, uri=meeting.uri)
        hypotheses = {
            name: {
                k: replace(pipeline, turn_name_margin=m, turn_name_relax=r).name_speakers(
                    raw, local, assignment, centroids, v
                )
                for k, v in stores.items()
            }
            for name, (m, r) in named.items()
        }
    rows = {}
    for name, by_store in hypotheses.items():
        counts: dict[str, list[int]] = defaultdict(lambda: [0] * 7)
        for speaker in voices:
            right, wrong, anonymous = _naming(meeting.reference, by_store["all"], speaker)
            total = len(meeting.reference.label_timeline(speaker))
            unknown = unknown_named = 0
            if speaker not in half:
                unknown = total
                unknown_named = total - _naming(meeting.reference, by_store["half"], speaker)[2]
            for part in (speaker_part(speaker), "all"):
                for i, n in enumerate((right, wrong, anonymous, total, 1, unknown_named, unknown)):
                    counts[part][i] += n
        for part, (right, wrong, anonymous, total, voices_n, unknown_named, unknown) in sorted(counts.items()):
            if part == "dev" or "shipped" in name or name.startswith("margin None"):
                rows[f"{part} voices, {name}"] = {
                    "turns_named_ok": 100 * right / max(total, 1),
                    "wrong": wrong,
                    "anonymous": anonymous,
                    "turns": total,
                    "voices": voices_n,
                    "unknown_named": unknown_named,
                    "unknown_turns": unknown,
                }
    return rows


def _cpu_s() -> float:
    """CPU seconds of this process, every thread (onnxruntime's) counted."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def speed_child(path: str, mode: str, fusion_weight: str) -> None:
    """Runs in a subprocess so that peak memory is this run's alone; prints one JSON line."""
    began, cpu = time.perf_counter(), _cpu_s()
    if mode == "baseline":  # decoding and VAD alone, as every pipeline stage needs them
        chunker = SpeechChunker()
        for _ in chunker.chunks(stream_audio(path)):
            pass
        duration = chunker.processed_s
        out: dict[str, float] = {}
    else:
        pipeline = built_in(mode, fusion_weight=None if fusion_weight == "None" else float(fusion_weight))
        annotation = pipeline.apply(path, uri="long")
        duration = probe(path).duration or 0.0
        reference = next(iter(read_rttm(Path(path).with_suffix(".rttm")).values()))
        scores = Scores()
        scores.add(reference, annotation, duration)
        out = {"speakers": len(annotation.labels()), "reference_speakers": len(reference.labels())} | scores.row()
    elapsed, cpu = time.perf_counter() - began, _cpu_s() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"elapsed_s": elapsed, "cpu_s": cpu, "duration_s": duration, "peak_mb": peak} | out))


def speed(
    hours: float, speakers: int, seed: int, out_dir: Path, mode: str, crowded: bool, fusion_weight: float | None
) -> dict[str, float]:
    """`crowded`: every cv9_vi_dev voice (51), even those with a single clip, instead of `speakers` voices. CPU
    seconds are counted besides wall time: on the shared machine the wall time follows the load."""
    bank = ClipBank(cv_rows(), min_clips=1) if crowded else ClipBank(cv_rows())
    speakers = len(bank.speakers) if crowded else speakers
    meeting = simulate(
        bank, out_dir, uri="long", num_speakers=min(speakers, len(bank.speakers)), seed=seed, duration_s=hours * 3600
    )
    results = {}
    for child in ("baseline", mode):
        done = subprocess.run(
            [sys.executable, __file__, "--speed-child", str(meeting.wav), child, str(fusion_weight)],
            check=True,
            capture_output=True,
            text=True,
        )
        results[child] = json.loads(done.stdout.strip().splitlines()[-1])
    full, vad = results[mode], results["baseline"]
    return full | {
        "rtf": full["elapsed_s"] / full["duration_s"],
        "cpu_rtf": full["cpu_s"] / full["duration_s"],
        "vad_s": vad["elapsed_s"],
        "ratio_to_vad": full["elapsed_s"] / vad["elapsed_s"],
    }


def _cached(pipeline: Pipeline, cache_dir: Path | None) -> Pipeline:
    """`pipeline` keeping its windows in `cache_dir` when it is a vad pipeline and a folder is given."""
    if cache_dir is None or not isinstance(pipeline, SpeakerDiarization):
        return pipeline
    return CachedEmbeddings.of(pipeline, cache_dir)


def _table(title: str, rows: dict[str, dict[str, float]]) -> None:
    print(f"\n## {title}")
    columns = list(dict.fromkeys(k for r in rows.values() for k in r))
    print("| set | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for name, row in rows.items():
        cells = [f"{row[c]:.2f}" if isinstance(row.get(c), float) else str(row.get(c, "")) for c in columns]
        print(f"| {name} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sim", type=int, default=10, help="simulated Vietnamese meetings to score")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--dev-seeds",
        type=int,
        default=1,
        help="der: also score --sim development meetings for each of this many seeds from --seed as one row (which "
        "voices meet is chance: 6 meetings of one seed gave confusion 1.9%%, 60 of ten seeds 3.3%%); held out stays "
        "at --seed",
    )
    parser.add_argument("--hours", type=float, default=1.0, help="length of the speed/memory run (0: skip)")
    parser.add_argument("--long-speakers", type=int, default=20, help="speakers in the long meeting")
    parser.add_argument("--crowded", action="store_true", help="the long meeting has every cv9_vi_dev voice")
    parser.add_argument("--crowd-minutes", type=float, default=20.0, help="length of each crowd-section meeting")
    parser.add_argument("--target-far", type=float, default=0.001, help="false-accept rate the threshold must meet")
    parser.add_argument(
        "--sections",
        default="der,counts,eer,names,speed",
        help="comma-separated subset of calibrate,der,transcript,crowd,crowd-names,counts,eer,names,speed",
    )
    parser.add_argument(
        "--pipelines",
        default="segmentation,vad",
        help=f"pipelines to score, of {','.join(PIPELINES)} (the first one for the other sections)",
    )
    parser.add_argument(
        "--fusion-weight",
        type=float,
        help="the vad pipelines' SE-Res2Net fusion weight (SpeakerDiarization.fusion_weight; default: the shipped "
        "0, CAM++ alone; issue #16 measured 0.4: development confusion lower, held out higher)",
    )
    parser.add_argument(
        "--embedding-cache",
        type=Path,
        help="folder where the vad pipelines keep each recording's windows (CachedEmbeddings): a sweep of clustering "
        "settings embeds once; the speed section never uses it",
    )
    parser.add_argument("--speed-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.speed_child:
        speed_child(*args.speed_child)
        return
    pipelines = {
        name: _cached(built_in(name, fusion_weight=args.fusion_weight), args.embedding_cache) for name in PIPELINES
    }
    chosen = args.pipelines.split(",")
    pipeline = pipelines[chosen[0]]
    sections = set(args.sections.split(","))
    summary: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="gobang-diar-bench-") as tmp:
        tmp_dir = Path(tmp)
        if "calibrate" in sections:
            thresholds = [0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8]
            sweep = calibrate_threshold(args.sim, args.seed, tmp_dir / "calibrate", thresholds)
            _table("Segmentation pipeline: clustering threshold on DEVELOPMENT meetings only", sweep)
            best = min(sweep, key=lambda t: sweep[t]["der_c25"])
            summary["calibrated_cluster_threshold"] = best
        if "der" in sections:
            for name in chosen:
                der = english_sets(pipelines[name])
                for part in ("dev", "heldout"):
                    der[f"simulated vi {part}"] = simulated(
                        pipelines[name], args.sim, [args.seed], tmp_dir / f"sim-{part}", part=part
                    )
                if args.dev_seeds > 1:
                    seeds = list(range(args.seed, args.seed + args.dev_seeds))
                    der[f"simulated vi dev, seeds {seeds[0]}-{seeds[-1]}"] = simulated(
                        pipelines[name], args.sim, seeds, tmp_dir / "sim-dev-seeds", part="dev"
                    )
                _table(f"Diarization error, {name} pipeline (%, pyannote.metrics; count_ok = exact or off by one)", der)
                summary |= {
                    f"{name}_der_ami_c25": f"{der['pyannote_debug_ami']['der_c25']:.1f}",
                    f"{name}_der_ami_c0": f"{der['pyannote_debug_ami']['der_c0']:.1f}",
                    f"{name}_der_sim_dev_c25": f"{der['simulated vi dev']['der_c25']:.1f}",
                    f"{name}_der_sim_heldout_c25": f"{der['simulated vi heldout']['der_c25']:.1f}",
                    **{
                        f"{name}_der_sim_dev_{args.dev_seeds}_seeds_c25": f"{row['der_c25']:.1f}"
                        for key, row in der.items()
                        if key.startswith("simulated vi dev, seeds")
                    },
                    f"{name}_miss_sim_heldout": f"{der['simulated vi heldout']['miss_c25']:.1f}",
                }
        if "transcript" in sections:
            whole = transcripts(args.sim, args.seed, tmp_dir / "transcripts")
            name = get_settings().diarization.pipeline
            _table(f"gobang transcribe --diarize, RTTM export and untranscribed speech ({name} pipeline)", whole)
            summary |= {
                f"transcript_{name}_der_heldout_c25": f"{whole['simulated vi heldout']['der_c25']:.1f}",
                f"transcript_{name}_miss_heldout": f"{whole['simulated vi heldout']['miss_c25']:.1f}",
                "wordless_utterances": str(sum(int(r["wordless"]) for r in whole.values())),
                "marked_untranscribed": str(sum(int(r["marks"]) for r in whole.values())),
            }
        if "crowd" in sections:
            similarities = [0.4, 0.44, 0.47, 0.5, 0.55, 0.6]
            vad = _cached(built_in("vad", fusion_weight=args.fusion_weight), args.embedding_cache)
            assert isinstance(vad, SpeakerDiarization)
            counted = crowd(vad, args.crowd_minutes, args.seed, tmp_dir / "crowd", similarities)
            _table(
                f"Crowded and long meetings, vad pipeline ({args.crowd_minutes:g} min each; small-cluster similarity "
                "swept on development meetings only)",
                counted,
            )
            shipped = f"@{SpeakerDiarization().clustering.small_cluster_similarity:.2f}"
            summary |= {
                name.split(" (")[0].replace(" ", "_") + "_speakers": f"{row['speakers']}/{row['reference_speakers']}"
                for name, row in counted.items()
                if name.endswith(shipped)
            }
        if "counts" in sections:
            honoured = constraints(pipeline, args.seed, tmp_dir / "constraints")
            _table("num/min/max_speakers honoured (%)", {"simulated vi": honoured})
            summary["counts_honoured"] = f"{honoured['honoured']:.0f}%"
        if "eer" in sections:
            eer = verification(args.target_far, args.seed)
            _table(f"Verification (EER %, threshold at FAR <= {100 * args.target_far:g}%)", eer)
            summary |= {
                "eer_vi": f"{eer['cv9_vi pairs']['eer']:.2f}",
                "eer_vi_enrol3": f"{eer['cv9_vi 3-clip enrolment']['eer']:.2f}",
                "eer_en": f"{eer['sv_librispeech pairs']['eer']:.2f}",
                "calibrated_threshold": f"{eer['cv9_vi 3-clip enrolment']['threshold']:.3f}",
            }
        if "names" in sections:
            threshold = get_settings().diarization.voiceprint_threshold
            rec = recognition(pipeline, args.sim, args.seed, tmp_dir / "rec", threshold=threshold)
            _table(f"Recognition of enrolled voices, simulated meetings (threshold {threshold})", rec)
            summary |= {
                "named_ok": f"{rec['all voices']['turns_named_ok']:.1f}%",
                "unknown_named": f"{rec['all voices']['unknown_named']:.1f}%",
            }
        if "crowd-names" in sections:
            threshold = get_settings().diarization.voiceprint_threshold
            rules: list[tuple[float | None, float]] = [(None, 0.0)] + [
                (margin, relax) for relax in (0.0, 0.05, 0.1, 0.15) for margin in (0.0, 0.05, 0.1, 0.15)
            ]
            named = crowded_names(pipeline, args.crowd_minutes, args.seed, tmp_dir / "crowd-names", threshold, rules)
            _table(
                f"Every voice enrolled, one crowded meeting ({args.crowd_minutes:g} min; threshold {threshold}; "
                "turn-naming rule swept on development voices only)",
                named,
            )
            shipped_all = next(
                row for name, row in named.items() if name.startswith("all voices, ") and "(shipped)" in name
            )
            summary["crowded_named_ok"] = f"{shipped_all['turns_named_ok']:.1f}%"
        if "speed" in sections and args.hours:
            sp = speed(
                args.hours, args.long_speakers, args.seed, tmp_dir / "long", chosen[0], args.crowded, args.fusion_weight
            )
            voices = "every cv9_vi_dev voice" if args.crowded else f"{args.long_speakers} speakers"
            _table(f"Speed and memory, {args.hours:g} h meeting, {voices}", {"long": sp})
            summary |= {
                "rtf": f"{sp['rtf']:.3f}",
                "cpu_rtf": f"{sp['cpu_rtf']:.3f}",
                "x_vad": f"{sp['ratio_to_vad']:.1f}",
                "peak_mb": f"{sp['peak_mb']:.0f}",
                "der_long": f"{sp['der_c0']:.1f}",
                "speakers_long": f"{sp['speakers']}/{sp['reference_speakers']}",
            }
    print("\nsummary: " + " ".join(f"{k}={v}" for k, v in summary.items()))


if __name__ == "__main__":
    main()
