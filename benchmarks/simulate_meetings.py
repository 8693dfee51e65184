"""Simulated Vietnamese meetings with exact speaker timings, stitched from single-speaker Common Voice clips.

Each clip is trimmed to its speech first (Common Voice clips carry 0.5-1 s of silence at both ends,
which a reference would otherwise count as speech), then turns of 1-3 clips by one speaker follow
each other with pauses drawn from quick turn-taking (0.05-0.3 s), ordinary pauses and long ones; a
chair-like speaker talks more often than the others. Deterministic for a seed; WAV and RTTM are
written into a temporary directory (never into the repository), streamed so hours of audio fit.

    .venv/bin/python benchmarks/simulate_meetings.py --count 5 --speakers 3-6 --seed 0
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import random
import tempfile
import wave
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from pyannote.core import Annotation, Segment

from core.audio import SAMPLE_RATE, load_audio
from core.rttm import annotation_to_rttm
from core.vad import SpeechChunker

REPO = Path(__file__).resolve().parents[1]
EVALDATA = Path(os.environ.get("GOBANG_EVALDATA", REPO.parent / "shared" / "evaldata"))


@dataclass
class Clip:
    path: str
    speaker: str
    audio: np.ndarray
    """Speech only (trimmed), int16 to halve the memory of long simulations."""


@dataclass
class Meeting:
    uri: str
    wav: Path
    rttm: Path
    reference: Annotation
    duration: float
    used: dict[str, list[str]] = field(default_factory=dict)
    """Clip paths each speaker spoke, so enrolment can use other clips of the same voices."""


def cv_rows(evaldata: Path = EVALDATA) -> list[dict[str, str]]:
    folder = evaldata / "cv9_vi_dev"
    with (folder / "MANIFEST.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    for row in rows:
        row["audio_path"] = str(folder / row["audio_path"])
    return rows


Part = Literal["dev", "heldout"]


def speaker_part(speaker: str) -> Part:
    """Development or held-out, fixed by the speaker id alone (SHA-1 parity): thresholds are tuned on "dev" only."""
    return "dev" if int(hashlib.sha1(speaker.encode()).hexdigest(), 16) % 2 == 0 else "heldout"


def trim_to_speech(audio: np.ndarray) -> np.ndarray:
    """The clip from its first speech onset to its last offset (VAD without padding)."""
    chunks = list(SpeechChunker(speech_pad_ms=0, max_gap_s=3600.0, max_chunk_s=3600.0).chunks([audio]))
    if not chunks:
        return audio[:0]
    start, end = int(chunks[0].start * SAMPLE_RATE), int(chunks[-1].end * SAMPLE_RATE)
    return audio[start:end]


class ClipBank:
    """Trimmed clips by speaker, loaded lazily once."""

    def __init__(self, rows: list[dict[str, str]], *, min_clips: int = 4, part: Part | None = None) -> None:
        """`part`: only the development or the held-out speakers (`speaker_part`); None: all of them."""
        by_speaker: dict[str, list[str]] = defaultdict(list)
        for row in rows:
            if part is None or speaker_part(row["speaker"]) == part:
                by_speaker[row["speaker"]].append(row["audio_path"])
        self.paths = {s: sorted(p) for s, p in by_speaker.items() if len(p) >= min_clips}
        self._clips: dict[str, Clip] = {}

    @property
    def speakers(self) -> list[str]:
        return sorted(self.paths)

    def clip(self, path: str, speaker: str) -> Clip:
        if path not in self._clips:
            speech = trim_to_speech(load_audio(path))
            self._clips[path] = Clip(path, speaker, (np.clip(speech, -1, 1) * 32767).astype(np.int16))
        return self._clips[path]


def simulate(
    bank: ClipBank,
    out_dir: Path,
    *,
    uri: str,
    num_speakers: int,
    seed: int,
    turns: int | None = None,
    duration_s: float | None = None,
    speakers: list[str] | None = None,
    noise: float = 0.002,
    holdout: dict[str, set[str]] | None = None,
) -> Meeting:
    """One meeting of `turns` turns (or about `duration_s` seconds), written as `uri`.wav and `uri`.rttm.

    `holdout` names clips per speaker that must not be spoken (kept for enrolment).
    """
    rng = random.Random(seed)
    noise_rng = np.random.default_rng(seed)
    chosen = speakers or rng.sample(bank.speakers, num_speakers)
    weights = [3.0] + [1.0] * (len(chosen) - 1)  # the chair speaks most
    queues: dict[str, list[str]] = {}
    used: dict[str, list[str]] = defaultdict(list)
    reference = Annotation(uri=uri)
    out_dir.mkdir(parents=True, exist_ok=True)
    wav_path, rttm_path = out_dir / f"{uri}.wav", out_dir / f"{uri}.rttm"
    position = 0  # samples written
    previous: str | None = None
    target_turns = turns if turns is not None else 10**9
    target_samples = int(duration_s * SAMPLE_RATE) if duration_s is not None else 10**15

    def silence(seconds: float) -> np.ndarray:
        n = int(seconds * SAMPLE_RATE)
        return (noise_rng.standard_normal(n) * noise * 32767).astype(np.int16)

    def next_clip(speaker: str) -> Clip:
        if not queues.get(speaker):
            allowed = [p for p in bank.paths[speaker] if p not in (holdout or {}).get(speaker, set())]
            queues[speaker] = rng.sample(allowed, len(allowed))
        return bank.clip(queues[speaker].pop(), speaker)

    with wave.open(str(wav_path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        lead = silence(rng.uniform(0.5, 2.0))
        out.writeframes(lead.tobytes())
        position += lead.size
        count = 0
        while count < target_turns and position < target_samples:
            candidates = [s for s in chosen if s != previous] or chosen
            speaker = rng.choices(candidates, weights=[weights[chosen.index(s)] for s in candidates])[0]
            for k in range(rng.choice((1, 1, 2, 2, 3))):
                if k:
                    pause = silence(rng.uniform(0.15, 0.5))
                    out.writeframes(pause.tobytes())
                    position += pause.size
                clip = next_clip(speaker)
                used[speaker].append(clip.path)
                audio = clip.audio
                if noise:
                    audio = np.clip(
                        audio.astype(np.int32) + silence(audio.size / SAMPLE_RATE)[: audio.size], -32768, 32767
                    )
                out.writeframes(audio.astype(np.int16).tobytes())
                reference[Segment(position / SAMPLE_RATE, (position + clip.audio.size) / SAMPLE_RATE)] = speaker
                position += clip.audio.size
            kind = rng.random()
            gap = (
                rng.uniform(0.05, 0.3) if kind < 0.3 else rng.uniform(0.4, 1.2) if kind < 0.8 else rng.uniform(1.5, 3.0)
            )
            pause = silence(gap)
            out.writeframes(pause.tobytes())
            position += pause.size
            previous = speaker
            count += 1
    rttm_path.write_text(annotation_to_rttm(reference), encoding="utf-8")
    return Meeting(uri, wav_path, rttm_path, reference, position / SAMPLE_RATE, dict(used))


def simulate_set(
    count: int,
    *,
    seed: int = 0,
    min_speakers: int = 3,
    max_speakers: int = 6,
    turns_per_speaker: int = 4,
    out_dir: Path | None = None,
    holdout_per_speaker: int = 0,
    bank: ClipBank | None = None,
    part: Part | None = None,
) -> tuple[list[Meeting], dict[str, list[str]]]:
    """`count` meetings of 3-6 speakers; with `holdout_per_speaker`, that many clips per speaker stay unspoken.

    Returns the meetings and the held-out clips by speaker (for voiceprint enrolment).
    """
    bank = bank or ClipBank(cv_rows(), min_clips=4 + holdout_per_speaker, part=part)
    rng = random.Random(seed)
    holdout = {s: set(rng.sample(p, holdout_per_speaker)) for s, p in bank.paths.items()}
    out_dir = out_dir or Path(tempfile.mkdtemp(prefix="gobang-meetings-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    meetings = []
    for i in range(count):
        n = rng.randint(min_speakers, max_speakers)
        meetings.append(
            simulate(
                bank,
                out_dir,
                uri=f"sim{i:02d}",
                num_speakers=n,
                seed=seed * 1000 + i,
                turns=turns_per_speaker * n,
                holdout=holdout,
            )
        )
    return meetings, {s: sorted(p) for s, p in holdout.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--speakers", default="3-6", help="range of speakers per meeting, e.g. 3-6")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hours", type=float, default=0.0, help="one long meeting of this many hours instead")
    parser.add_argument("--out", type=Path, default=None, help="directory (default: a new temporary one)")
    args = parser.parse_args()
    low, _, high = args.speakers.partition("-")
    out = args.out or Path(tempfile.mkdtemp(prefix="gobang-meetings-"))
    out.mkdir(parents=True, exist_ok=True)
    if args.hours:
        bank = ClipBank(cv_rows())
        meeting = simulate(
            bank, out, uri="long", num_speakers=int(high or low), seed=args.seed, duration_s=args.hours * 3600
        )
        meetings = [meeting]
    else:
        meetings, _ = simulate_set(
            args.count, seed=args.seed, min_speakers=int(low), max_speakers=int(high or low), out_dir=out
        )
    for m in meetings:
        print(f"{m.uri}\t{len(m.reference.labels())} speakers\t{m.duration:.1f} s\t{m.wav}\t{m.rttm}")


if __name__ == "__main__":
    main()
