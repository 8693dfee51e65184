"""Voice login benchmark: EER, FRR at FAR 0.1% and FAR/FRR at the configured threshold, per speaker-disjoint part.

    GOBANG_EVALDATA=../shared/evaldata .venv/bin/python benchmarks/voice_login.py
    .venv/bin/python benchmarks/voice_login.py --cache /tmp/voice_emb.npz   # reuse embeddings between runs

Parts (fixed rule, `part_of`): a cv9_vi_dev speaker is HELD-OUT when the first byte of SHA-256 of their id is
odd, development otherwise (24 speakers / 309 clips against 27 / 252); sv_librispeech (10 English speakers)
is held-out as a whole. The score cohort (benchmarks/voice_cohort.py) and every threshold and setting are
chosen on development speakers only; on development trials the cohort leaves out both trial speakers.

Each trial is an enrolment (CAM++ on each whole utterance, mean of unit embeddings, as
`VoiceprintStore.models` builds a voiceprint) against one other utterance of any speaker of the same part,
scored as `diarization.verification.verify` scores a login: raw cosine, or AS-norm against the cohort.
Enrolments: "3 utt" (the old rule) and "5 utt, 20 s" (at least 5 utterances and 20 s of speech, the current
rule: clips are added until both hold). Login CPU is the process time of embedding and scoring one
utterance, AS-norm against cosine alone in the same run. Ends with one summary line.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from benchmarks.simulate_meetings import EVALDATA, cv_rows  # noqa: E402
from core.audio import SAMPLE_RATE, load_audio  # noqa: E402
from core.settings import get_settings  # noqa: E402
from diarization.embedders import Embedder, get_embedder, normalize  # noqa: E402
from diarization.score_norm import SHIPPED_COHORT, Cohort, as_norm, load_cohort  # noqa: E402
from diarization.verification import leave_one_out_agreement, speech_only  # noqa: E402
from diarization.voiceprints import calibrate  # noqa: E402

GREY = 0.10
"""Width of the score band below the threshold that asks for a second utterance (the narrowest of 0.05, 0.10,
0.15 with the lowest FRR on development speakers)."""
OLD_THRESHOLD = 0.60
"""The cosine threshold voice login used with 3-utterance enrolments (the "before" figures)."""
TARGET_FAR = 0.001


def part_of(speaker: str) -> str:
    """A cv9_vi_dev speaker's part: "held-out" when the first byte of SHA-256(speaker id) is odd, else "dev"."""
    return "held-out" if hashlib.sha256(speaker.encode()).digest()[0] % 2 else "dev"


def parts() -> dict[str, dict[str, list[str]]]:
    """Clip paths by speaker, per part: cv9_vi_dev development and held-out, and sv_librispeech."""
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in cv_rows():
        out[f"cv9/{part_of(row['speaker'])}"][row["speaker"]].append(row["audio_path"])
    folder = EVALDATA / "sv_librispeech"
    with (folder / "MANIFEST.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            out["librispeech/held-out"][row["speaker"]].append(str(folder / row["audio_path"]))
    return {
        name: {s: sorted(p) for s, p in out[name].items()}
        for name in ("cv9/dev", "cv9/held-out", "librispeech/held-out")
    }


@dataclass
class EmbeddingBank:
    """Unit CAM++ embedding and VAD speech seconds of every clip, computed once (optionally cached on disk)."""

    embedder: Embedder
    cache: Path | None = None

    def __post_init__(self) -> None:
        self.vectors: dict[str, np.ndarray] = {}
        self.speech_s: dict[str, float] = {}
        if self.cache is not None and self.cache.is_file():
            with np.load(self.cache) as data:
                if str(data["model_id"]) == self.embedder.model_id:
                    for path, vector, seconds in zip(data["paths"], data["vectors"], data["speech_s"], strict=True):
                        self.vectors[str(path)], self.speech_s[str(path)] = vector, float(seconds)

    def load(self, paths: list[str]) -> None:
        for path in paths:
            if path not in self.vectors:
                audio = load_audio(path)
                self.vectors[path] = normalize(self.embedder.embed(audio))
                self.speech_s[path] = speech_only(audio).size / SAMPLE_RATE
        if self.cache is not None:
            keys = sorted(self.vectors)
            np.savez(
                self.cache,
                paths=np.array(keys),
                vectors=np.stack([self.vectors[k] for k in keys]),
                speech_s=np.array([self.speech_s[k] for k in keys]),
                model_id=np.array(self.embedder.model_id),
            )


@dataclass(frozen=True)
class Trials:
    """Every enrolment of a part against every clip of that part it does not contain."""

    voiceprints: np.ndarray
    """(enrolments, dim) unit voiceprints."""
    enrolled: list[str]
    """Speaker of each voiceprint."""
    clips: np.ndarray
    """(clips, dim) unit embeddings of the part's clips."""
    speakers: list[str]
    """Speaker of each clip."""
    used: np.ndarray
    """(enrolments, clips): the clip is part of that enrolment (not a trial)."""
    members: list[np.ndarray]
    """Unit embeddings of each enrolment's utterances."""

    @property
    def same(self) -> np.ndarray:
        return np.asarray(self.enrolled)[:, None] == np.asarray(self.speakers)[None, :]

    def cosine(self) -> np.ndarray:
        return self.voiceprints @ self.clips.T

    def as_norm(self, cohort: Cohort) -> np.ndarray:
        """AS-norm scores; the cohort leaves out each side's own speaker (a no-op on held-out parts)."""
        people = cohort.speakers.astype(str)
        v_mean, v_std = cohort.stats(self.voiceprints, exclude=np.asarray(self.enrolled)[:, None] == people)
        c_mean, c_std = cohort.stats(self.clips, exclude=np.asarray(self.speakers)[:, None] == people)
        return as_norm(self.cosine(), (v_mean[:, None], v_std[:, None]), (c_mean[None, :], c_std[None, :]))

    def flat(self, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keep = ~self.used
        return scores[keep], self.same[keep]


def enrolment_trials(
    by_speaker: dict[str, list[str]],
    bank: EmbeddingBank,
    *,
    utterances: int,
    min_speech_s: float = 0.0,
    per_speaker: int = 5,
    seed: int = 0,
) -> Trials:
    """Up to `per_speaker` random enrolments per speaker of at least `utterances` clips and `min_speech_s` of
    speech (clips added in random order until both hold), each leaving at least one clip of theirs to test."""
    rng = random.Random(seed)
    paths = [p for ps in by_speaker.values() for p in ps]
    index = {p: i for i, p in enumerate(paths)}
    voiceprints, enrolled, used, members = [], [], [], []
    for speaker, clips in sorted(by_speaker.items()):
        for _ in range(min(per_speaker, len(clips) // (utterances + 1))):
            order = rng.sample(clips, len(clips))
            take = utterances
            while take < len(order) and sum(bank.speech_s[p] for p in order[:take]) < min_speech_s:
                take += 1
            if take >= len(order):  # nothing left to test, or not enough speech in all their clips
                break
            chosen = order[:take]
            members.append(np.stack([bank.vectors[p] for p in chosen]))
            voiceprints.append(normalize(members[-1].mean(axis=0)))
            enrolled.append(speaker)
            row = np.zeros(len(paths), bool)
            row[[index[p] for p in chosen]] = True
            used.append(row)
    speaker_of = {p: s for s, ps in by_speaker.items() for p in ps}
    return Trials(
        voiceprints=np.stack(voiceprints),
        enrolled=enrolled,
        clips=np.stack([bank.vectors[p] for p in paths]),
        speakers=[speaker_of[p] for p in paths],
        used=np.stack(used),
        members=members,
    )


def agreement(trials: Trials, min_agreement: float) -> dict[str, float]:
    """How the enrolment agreement check (`leave_one_out_agreement`) treats genuine enrolments, and enrolments
    whose first utterance is replaced by another speaker's (the first clip of the next enrolment of another
    speaker): the 0.5th percentile of genuine utterances' agreement, genuine enrolments refused, foreign
    utterances let through."""
    genuine = [leave_one_out_agreement(m) for m in trials.members]
    foreign = []
    for i, m in enumerate(trials.members):
        other = next(
            j for j in (*range(i + 1, len(trials.members)), *range(i)) if trials.enrolled[j] != trials.enrolled[i]
        )
        foreign.append(leave_one_out_agreement(np.vstack([trials.members[other][:1], m[1:]]))[0])
    return {
        "p0.5 genuine": float(np.percentile(np.concatenate(genuine), 0.5)),
        "genuine refused %": 100 * float(np.mean([g.min() < min_agreement for g in genuine])),
        "foreign passed %": 100 * float(np.mean(np.asarray(foreign) >= min_agreement)),
        "enrolments": len(genuine),
    }


def figures(scores: np.ndarray, same: np.ndarray, threshold: float) -> dict[str, float | int]:
    c = calibrate(scores.tolist(), same.tolist(), target_far=TARGET_FAR)
    return {
        "speakers": 0,
        "genuine": int(same.sum()),
        "impostor": int((~same).sum()),
        "eer %": 100 * c.eer,
        "frr@far0.1% %": 100 * c.frr,
        "thr@far0.1%": c.threshold,
        "thr": threshold,
        "far@thr %": 100 * float(np.mean(scores[~same] >= threshold)),
        "frr@thr %": 100 * float(np.mean(scores[same] < threshold)),
    }


def second_utterance(trials: Trials, threshold: float, grey: float) -> dict[str, float]:
    """A login whose score falls in [threshold - grey, threshold) asks for one more utterance (the speaker's
    next clip in the part, cyclic) and decides on the mean of both scores against the same threshold; the two
    utterances count as one login. Not in the service yet: this measures whether it would pay."""
    speakers = np.asarray(trials.speakers)
    following = np.arange(len(speakers))
    for speaker in set(trials.speakers):
        own = np.flatnonzero(speakers == speaker)
        following[own] = np.roll(own, -1)
    first = trials.cosine()
    second = first[:, following]
    usable = ~trials.used & ~trials.used[:, following] & (following != np.arange(len(following)))[None, :]
    asked = (first < threshold) & (first >= threshold - grey)
    accepted = (first >= threshold) | (asked & ((first + second) / 2 >= threshold))
    same = trials.same
    return {
        "far %": 100 * float(accepted[usable & ~same].mean()),
        "frr %": 100 * float(1 - accepted[usable & same].mean()),
        "frr one utterance %": 100 * float((first < threshold)[usable & same].mean()),
        "asked again %": 100 * float(asked[usable].mean()),
    }


def login_cpu(embedder: Embedder, cohort: Cohort, paths: list[str], voiceprint: np.ndarray) -> tuple[float, float]:
    """Mean process time (s) of embedding + cosine, and of embedding + cosine + AS-norm, per login utterance."""
    audios = [load_audio(p) for p in paths]
    times = []
    for with_norm in (False, True):
        start = time.process_time()
        for audio in audios:
            vector = normalize(embedder.embed(audio))
            score = float(voiceprint @ vector)
            if with_norm:
                cohort.normalise(score, voiceprint, vector)
        times.append((time.process_time() - start) / len(audios))
    return times[0], times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, help="npz file keeping clip embeddings between runs")
    parser.add_argument("--cohort", type=Path, default=SHIPPED_COHORT)
    parser.add_argument("--top-k", type=int, help="override the cohort's top_k (to tune it on development)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    voice = get_settings().voice
    embedder = get_embedder()
    cohort = load_cohort(args.cohort, model_id=embedder.model_id)
    if args.top_k:
        cohort = Cohort(cohort.vectors, cohort.speakers, cohort.model_id, top_k=args.top_k)
    sets = parts()
    bank = EmbeddingBank(embedder, args.cache)
    bank.load([p for by_speaker in sets.values() for ps in by_speaker.values() for p in ps])

    new = f"{voice.enrol_utterances} utt, {voice.enrol_speech_s:g} s"
    enrolments = {"3 utt": (3, 0.0), new: (voice.enrol_utterances, voice.enrol_speech_s)}
    rows: dict[tuple[str, str, str], dict[str, float | int]] = {}
    agreements: dict[str, dict[str, float]] = {}
    seconds: dict[str, dict[str, float]] = {}
    for part, by_speaker in sets.items():
        for label, (utterances, speech_s) in enrolments.items():
            trials = enrolment_trials(by_speaker, bank, utterances=utterances, min_speech_s=speech_s, seed=args.seed)
            cosine_threshold = OLD_THRESHOLD if utterances == 3 else voice.threshold
            for scoring, scores, threshold in (
                ("cosine", trials.cosine(), cosine_threshold),
                ("as-norm", trials.as_norm(cohort), voice.norm_threshold),
            ):
                row = figures(*trials.flat(scores), threshold)
                row["speakers"] = len(set(trials.enrolled))
                rows[(part, label, scoring)] = row
            if label == new:
                agreements[part] = agreement(trials, voice.min_agreement)
                seconds[part] = second_utterance(trials, voice.threshold, GREY)

    print(
        f"\n## Voice login verification (one utterance per login; cohort {len(cohort.vectors)} utterances, "
        f"top_k {cohort.top_k}; thresholds: cosine {OLD_THRESHOLD} for 3 utt, then {voice.threshold}; "
        f"as-norm {voice.norm_threshold})"
    )
    columns = list(next(iter(rows.values())))
    print("| part | enrolment | scoring | " + " | ".join(columns) + " |")
    print("|---|---|---|" + "---|" * len(columns))
    for (part, label, scoring), row in rows.items():
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values()]
        print(f"| {part} | {label} | {scoring} | " + " | ".join(cells) + " |")

    print(f"\n## Enrolment agreement check ({new}; min_agreement {voice.min_agreement})")
    print("| part | " + " | ".join(next(iter(agreements.values()))) + " |")
    print("|---|" + "---|" * len(next(iter(agreements.values()))))
    for part, figs in agreements.items():
        print(f"| {part} | " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in figs.values()) + " |")

    print(f"\n## Second utterance in the grey zone [{voice.threshold - GREY:.2f}, {voice.threshold}) ({new}, cosine)")
    print("| part | " + " | ".join(next(iter(seconds.values()))) + " |")
    print("|---|" + "---|" * len(next(iter(seconds.values()))))
    for part, figs in seconds.items():
        print(f"| {part} | " + " | ".join(f"{v:.3f}" for v in figs.values()) + " |")

    held = sets["cv9/held-out"]
    speaker = max(held, key=lambda s: len(held[s]))
    voiceprint = normalize(np.mean([bank.vectors[p] for p in held[speaker][:5]], axis=0))
    cosine_s, norm_s = login_cpu(embedder, cohort, held[speaker][5:25], voiceprint)
    print(
        f"\nlogin CPU per utterance (process time, embedding included): cosine {1000 * cosine_s:.0f} ms, "
        f"as-norm {1000 * norm_s:.0f} ms (x{norm_s / cosine_s:.2f})"
    )
    old_dev, old_held = rows[("cv9/dev", "3 utt", "cosine")], rows[("cv9/held-out", "3 utt", "cosine")]
    dev, held_row = rows[("cv9/dev", new, "cosine")], rows[("cv9/held-out", new, "cosine")]
    en = rows[("librispeech/held-out", new, "cosine")]
    print(
        f"\nsummary: before (3 utt, cosine) dev eer={old_dev['eer %']:.2f}% "
        f"frr@far0.1%={old_dev['frr@far0.1% %']:.1f}% "
        f"held-out eer={old_held['eer %']:.2f}% frr@far0.1%={old_held['frr@far0.1% %']:.1f}%; "
        f"after ({new}, cosine {voice.threshold}) dev eer={dev['eer %']:.2f}% frr@far0.1%={dev['frr@far0.1% %']:.1f}% "
        f"held-out eer={held_row['eer %']:.2f}% frr@far0.1%={held_row['frr@far0.1% %']:.1f}% "
        f"far@thr={held_row['far@thr %']:.2f}% frr@thr={held_row['frr@thr %']:.1f}% "
        f"librispeech eer={en['eer %']:.2f}% far@thr={en['far@thr %']:.2f}%; "
        f"second utterance held-out far={seconds['cv9/held-out']['far %']:.2f}% "
        f"frr={seconds['cv9/held-out']['frr %']:.1f}%; login_cpu={1000 * cosine_s:.0f}ms "
        f"(as-norm {1000 * norm_s:.0f}ms)"
    )


if __name__ == "__main__":
    main()
