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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from benchmarks.simulate_meetings import EVALDATA, cv_rows  # noqa: E402
from core.audio import SAMPLE_RATE, load_audio  # noqa: E402
from core.settings import get_settings  # noqa: E402
from diarization import verification  # noqa: E402
from diarization.embedders import Embedder, get_embedder, normalize  # noqa: E402
from diarization.score_norm import SHIPPED_COHORT, Cohort, as_norm, load_cohort  # noqa: E402
from diarization.verification import leave_one_out_agreement, speech_only  # noqa: E402
from diarization.voiceprints import calibrate  # noqa: E402

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


FUSIONS = ("mean score", "mean embedding", "second alone")
"""How a second utterance is combined with the first; the service uses "mean score" (`verification.decide`)."""


FOLDS = 5
BANDS = (0.05, 0.10, 0.15)
"""Grey-zone widths tried for the second utterance."""


def fold_of(speaker: str) -> int:
    """A cv9_vi_dev speaker's cross-validation fold: bytes 1-4 of SHA-256 of their id, modulo `FOLDS`."""
    return int.from_bytes(hashlib.sha256(speaker.encode()).digest()[1:5], "big") % FOLDS


def wilson(errors: int, trials: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson interval of a rate, in % (trials of one speaker are not independent: read it as a floor)."""
    if trials == 0:
        return float("nan"), float("nan")
    p = errors / trials
    centre, half = p + z * z / (2 * trials), z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return 100 * (centre - half) / (1 + z * z / trials), 100 * (centre + half) / (1 + z * z / trials)


@dataclass
class Pooled:
    """Test-fold trials of every fold: score, same speaker, enrolled speaker, decision at the fold's threshold."""

    scores: list[np.ndarray]
    same: list[np.ndarray]
    who: list[np.ndarray]
    accepted: list[np.ndarray]

    def add(self, trials: Trials, scores: np.ndarray, accepted: np.ndarray) -> None:
        keep = ~trials.used
        self.scores.append(scores[keep])
        self.same.append(trials.same[keep])
        self.who.append(np.broadcast_to(np.asarray(trials.enrolled)[:, None], scores.shape)[keep])
        self.accepted.append(accepted[keep])

    def figures(self, resamples: int = 1000, seed: int = 0) -> dict[str, object]:
        """EER and FRR@FAR 0.1% (threshold-free, pooled), FAR/FRR at the folds' own thresholds with counts, and
        95% intervals: Wilson for the rates, a bootstrap over enrolled speakers for EER and FRR."""
        scores, same, who, accepted = (np.concatenate(x) for x in (self.scores, self.same, self.who, self.accepted))
        c = calibrate(scores.tolist(), same.tolist(), target_far=TARGET_FAR)
        fa, fr = int((accepted & ~same).sum()), int((~accepted & same).sum())
        people = np.unique(who)
        rows = {p: np.flatnonzero(who == p) for p in people}
        rng = np.random.default_rng(seed)
        eers, frrs = [], []
        for _ in range(resamples):
            pick = np.concatenate([rows[p] for p in rng.choice(people, people.size)])
            if same[pick].all() or not same[pick].any():
                continue
            eers.append(100 * calibrate(scores[pick].tolist(), same[pick].tolist(), target_far=TARGET_FAR).eer)
            frrs.append(100 * float(np.mean(~accepted[pick][same[pick]])))
        return {
            "speakers": int(people.size),
            "genuine": int(same.sum()),
            "impostor": int((~same).sum()),
            "eer %": f"{100 * c.eer:.2f} [{np.percentile(eers, 2.5):.2f}, {np.percentile(eers, 97.5):.2f}]",
            "frr@far0.1% %": f"{100 * c.frr:.1f}",
            "far@fold thr %": f"{100 * fa / max(1, (~same).sum()):.2f} ({fa}) [%.2f, %.2f]" % wilson(fa, (~same).sum()),
            "frr@fold thr %": f"{100 * fr / max(1, same.sum()):.1f} ({fr}) [{np.percentile(frrs, 2.5):.1f}, "
            f"{np.percentile(frrs, 97.5):.1f}]",
        }


def cross_validation(
    by_speaker: dict[str, list[str]], bank: EmbeddingBank, cohort: Cohort, *, utterances: int, speech_s: float
) -> dict[str, Pooled]:
    """Every cv9_vi_dev speaker held out once: for each fold, the threshold (FAR <= 0.1%) and the grey-zone width
    are chosen on the other folds' trials and applied to the fold's own (enrolments and impostors of the fold)."""
    pooled = {name: Pooled([], [], [], []) for name in ("cosine", "as-norm", "cosine + second utterance")}
    for fold in range(FOLDS):
        train = {s: c for s, c in by_speaker.items() if fold_of(s) != fold}
        test = {s: c for s, c in by_speaker.items() if fold_of(s) == fold}
        fit = enrolment_trials(train, bank, utterances=utterances, min_speech_s=speech_s)
        trials = enrolment_trials(test, bank, utterances=utterances, min_speech_s=speech_s)
        for name, score in (("cosine", Trials.cosine), ("as-norm", lambda t: t.as_norm(cohort))):
            threshold = calibrate(*(x.tolist() for x in fit.flat(score(fit))), target_far=TARGET_FAR).threshold
            scores = score(trials)
            pooled[name].add(trials, scores, scores >= threshold)
            if name == "cosine":
                band = choose_band(fit, threshold)
                pooled["cosine + second utterance"].add(trials, scores, second_accepts(trials, threshold, band)[0])
    return pooled


def choose_band(trials: Trials, threshold: float) -> float:
    """The grey-zone width of `BANDS` with the fewest false rejects while false accepts stay within the target."""
    figs = {band: second_utterance(trials, threshold, band) for band in BANDS}
    fine = [band for band in BANDS if figs[band]["far %"] <= 100 * TARGET_FAR] or [0.0]
    return min(fine, key=lambda band: (figs[band]["frr %"], band) if band else (100.0, 0.0))


def second_accepts(
    trials: Trials, threshold: float, band: float, fusion: str = "mean score"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per trial: the login accepted with a second utterance asked in the grey zone [threshold - band, threshold)
    (the next clip of the trial's speaker in the part, cyclic), whether it was asked, and whether that second
    clip could be used (not part of the enrolment; a grey-zone trial without one is refused). `fusion` "mean
    score" decides as the service does (`verification.decide`); the others are for comparison."""
    speakers = np.asarray(trials.speakers)
    following = np.arange(len(speakers))
    for speaker in set(trials.speakers):
        own = np.flatnonzero(speakers == speaker)
        following[own] = np.roll(own, -1)
    usable = ~trials.used[:, following] & (following != np.arange(len(following)))[None, :]
    first = trials.cosine()
    decide = np.vectorize(lambda s, f: verification.decide(s, threshold=threshold, band=band, first_score=f))
    outcome = decide(first, None)
    asked = outcome == verification.AGAIN
    if fusion == "mean score":
        fused = decide(first[:, following], first) == verification.ACCEPT
    elif fusion == "mean embedding":
        fused = trials.voiceprints @ normalize(trials.clips + trials.clips[following]).T >= threshold
    else:
        fused = first[:, following] >= threshold
    return (outcome == verification.ACCEPT) | (asked & usable & fused), asked, usable


def second_utterance(
    trials: Trials, threshold: float, grey: float, fusion: str = "mean score"
) -> dict[str, float | int]:
    """Error rates with a second utterance in the grey zone (`second_accepts`), the two counted as one login,
    over the trials whose second clip is usable."""
    accepted, asked, usable = second_accepts(trials, threshold, grey, fusion)
    usable &= ~trials.used
    genuine, impostor = usable & trials.same, usable & ~trials.same
    return {
        "far %": 100 * float(accepted[impostor].mean()),
        "frr %": 100 * float(1 - accepted[genuine].mean()),
        "frr one utterance %": 100 * float((trials.cosine() < threshold)[genuine].mean()),
        "asked again %": 100 * float(asked[usable].mean()),
        "false accepts": int(accepted[impostor].sum()),
        "false rejects": int((~accepted[genuine]).sum()),
        "genuine": int(genuine.sum()),
        "impostor": int(impostor.sum()),
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


def _table(keys: list[str], rows: Mapping[tuple[str, ...], Mapping[str, object]]) -> None:
    """Print `rows` as a Markdown table, `keys` naming the parts of each row's key."""
    columns = list(next(iter(rows.values())))
    print("| " + " | ".join([*keys, *columns]) + " |")
    print("|" + "---|" * (len(keys) + len(columns)))
    for key, row in rows.items():
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values()]
        print("| " + " | ".join([*key, *cells]) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, help="npz file keeping clip embeddings between runs")
    parser.add_argument("--cohort", type=Path, default=SHIPPED_COHORT)
    parser.add_argument("--top-k", type=int, help="override the cohort's top_k (to tune it on development)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    voice = get_settings().voice
    band = voice.second_utterance_band
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
    seconds: dict[tuple[str, ...], dict[str, float | int]] = {}
    bands: dict[float, dict[str, float | int]] = {}
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
                for fusion in FUSIONS:
                    seconds[(part, fusion)] = second_utterance(trials, voice.threshold, band, fusion)
                if part == "cv9/dev":
                    bands = {b: second_utterance(trials, voice.threshold, b) for b in BANDS}

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

    print(f"\n## Second utterance in the grey zone [{voice.threshold - band:.2f}, {voice.threshold}) ({new}, cosine)")
    _table(["part", "fusion"], seconds)
    print(f"\n## Grey-zone width on development speakers ({new}, cosine {voice.threshold}, mean score)")
    _table(["width"], {(f"{b:.2f}",): v for b, v in bands.items()})

    pooled = cross_validation(
        {**sets["cv9/dev"], **sets["cv9/held-out"]},
        bank,
        cohort,
        utterances=voice.enrol_utterances,
        speech_s=voice.enrol_speech_s,
    )
    cv = {name: p.figures() for name, p in pooled.items()}
    print(
        f"\n## cv9_vi_dev, {FOLDS}-fold speaker cross-validation ({new}): each fold held out once, its threshold "
        "(FAR <= 0.1%) and grey-zone width chosen on the other folds; [95% intervals]"
    )
    _table(["scoring"], {(name,): figs for name, figs in cv.items()})

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
        f"second utterance held-out far={seconds[('cv9/held-out', 'mean score')]['far %']:.2f}% "
        f"frr={seconds[('cv9/held-out', 'mean score')]['frr %']:.1f}%; "
        f"{FOLDS}-fold cv eer={cv['cosine']['eer %']}% frr@fold thr={cv['cosine']['frr@fold thr %']}% "
        f"far@fold thr={cv['cosine']['far@fold thr %']}% with second utterance "
        f"frr={cv['cosine + second utterance']['frr@fold thr %']}%; login_cpu={1000 * cosine_s:.0f}ms "
        f"(as-norm {1000 * norm_s:.0f}ms)"
    )


if __name__ == "__main__":
    main()
