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

Also measured: a longer second phrase (8 digits against 6: the second clip followed by `EXTRA_S` more of the
speaker's speech); voiceprints fed by accepted logins (`adaptation`: margin and cap chosen on development
speakers, then held-out before -> after, with every other speaker's clips as attempts); and, in the 5-fold
cross-validation, each fold's enrolments against every other cv9_vi_dev speaker's clips and sv_librispeech,
with FAR's 95% upper bounds (Wilson, Clopper-Pearson, and per pair of speakers) and the pairs that were let in,
and per fold what its threshold was chosen on (the training folds' speakers only, never sv_librispeech).
The held-out part is also tried that wide (`held_out_wide`: against development speakers and sv_librispeech at
the development threshold), and levers for similar voices are measured development -> held-out: calibration by
the enrolment's own spread and mean-of-chunks embeddings (`levers`), and a per-user threshold above the nearest
enrolled colleague (`colleagues`).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
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


CHUNK_S = 1.5
"""Window of the mean-of-chunks login embedding tried against the whole utterance's."""


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
        self._save()

    def lengthened(self, by_speaker: Mapping[str, list[str]], extra_s: float) -> dict[str, np.ndarray]:
        """Per clip, the unit embedding of the clip followed by the first `extra_s` of speech of the speaker's next
        clip (cyclic, in `by_speaker` order): the same utterance with more digits read after it."""
        out = {}
        for clips in by_speaker.values():
            for path, after in zip(clips, [*clips[1:], clips[0]], strict=True):
                key = f"{path}|+{extra_s:g}s"
                if key not in self.vectors:
                    more = speech_only(load_audio(after))[: int(extra_s * SAMPLE_RATE)]
                    self.vectors[key] = normalize(self.embedder.embed(np.concatenate([load_audio(path), more])))
                    self.speech_s[key] = self.speech_s[path] + more.size / SAMPLE_RATE
                out[path] = self.vectors[key]
        self._save()
        return out

    def chunked(self, paths: list[str], window_s: float = CHUNK_S) -> EmbeddingBank:
        """A bank of the same clips whose vectors are the mean of the unit embeddings of `window_s` windows with
        half a window's hop (frame features of the whole clip, pooled per window), cached as "path|chunks<s>s"."""
        frames = int(window_s / 0.02)  # CAM++ trunk frames are 20 ms apart
        for path in paths:
            key = f"{path}|chunks{window_s:g}s"
            if key not in self.vectors:
                features = self.embedder.frame_features(load_audio(path))  # type: ignore[attr-defined]
                starts = range(0, max(1, features.shape[1] - frames + 1), frames // 2)
                pieces = normalize(self.embedder.pool([features[:, s : s + frames] for s in starts]))  # type: ignore[attr-defined]
                self.vectors[key], self.speech_s[key] = normalize(pieces.mean(axis=0)), self.speech_s[path]
        self._save()
        other = EmbeddingBank(self.embedder)
        other.vectors = {p: self.vectors[f"{p}|chunks{window_s:g}s"] for p in paths}
        other.speech_s = {p: self.speech_s[p] for p in paths}
        return other

    def _save(self) -> None:
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
    paths: tuple[str, ...] = ()
    """Path of each clip."""

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
    others: Mapping[str, list[str]] | None = None,
) -> Trials:
    """Up to `per_speaker` random enrolments per speaker of at least `utterances` clips and `min_speech_s` of
    speech (clips added in random order until both hold), each leaving at least one clip of theirs to test;
    `others`: clips of more speakers, never enrolled, tried against every enrolment as impostors."""
    rng = random.Random(seed)
    extra = {s: c for s, c in (others or {}).items() if s not in by_speaker}
    paths = [p for ps in (*by_speaker.values(), *extra.values()) for p in ps]
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
    speaker_of = {p: s for s, ps in (*by_speaker.items(), *extra.items()) for p in ps}
    return Trials(
        voiceprints=np.stack(voiceprints),
        enrolled=enrolled,
        clips=np.stack([bank.vectors[p] for p in paths]),
        speakers=[speaker_of[p] for p in paths],
        used=np.stack(used),
        members=members,
        paths=tuple(paths),
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


EXTRA_S = 0.8
"""Speech two more digits add to a login read digit by digit (about 0.4 s each): a second phrase of 8 digits
against 6 is simulated by this much more of the speaker's speech."""
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


def clopper_pearson(errors: int, trials: int, confidence: float = 0.95) -> float:
    """Upper end, in %, of the two-sided exact (Clopper-Pearson) interval of a rate."""
    from scipy.stats import beta

    return 100.0 if errors >= trials else 100 * float(beta.ppf(1 - (1 - confidence) / 2, errors + 1, trials - errors))


def cv_fold(speaker: str) -> int:
    """`fold_of` for cv9_vi_dev speakers, -1 for speakers of other corpora (sv_librispeech)."""
    return fold_of(speaker) if speaker.startswith("cv_") else -1


def cv_part(speaker: str) -> int:
    """1 for held-out cv9_vi_dev speakers, 0 for development ones, -1 for other corpora: the split as `cv_fold`."""
    return int(part_of(speaker) == "held-out") if speaker.startswith("cv_") else -1


@dataclass
class Pooled:
    """Test trials (of every fold, or of the held-out part): score, same speaker, enrolled speaker, the clip's
    speaker, decision at the threshold chosen without them. `group`: the fold (or part) of a speaker, -1 for
    another corpus, which tells the impostor kinds of `far_bound` apart."""

    scores: list[np.ndarray]
    same: list[np.ndarray]
    who: list[np.ndarray]
    accepted: list[np.ndarray]
    against: list[np.ndarray]
    group: Callable[[str], int] = cv_fold
    second: list[np.ndarray] = field(default_factory=list)
    """Per trial, the score of the second utterance a grey-zone login would be asked for (NaN: none usable), with
    `bands`, the grey zone's width: given for rows with the second utterance only (`two_step`)."""
    bands: list[np.ndarray] = field(default_factory=list)

    def add(
        self,
        trials: Trials,
        scores: np.ndarray,
        accepted: np.ndarray,
        second: np.ndarray | None = None,
        band: float = 0.0,
    ) -> None:
        keep = ~trials.used
        self.scores.append(scores[keep])
        self.same.append(trials.same[keep])
        self.who.append(np.broadcast_to(np.asarray(trials.enrolled)[:, None], scores.shape)[keep])
        self.accepted.append(accepted[keep])
        self.against.append(np.broadcast_to(np.asarray(trials.speakers)[None, :], scores.shape)[keep])
        if second is not None:
            self.second.append(np.where(second_usable(trials), second, np.nan)[keep])
            self.bands.append(np.full(int(keep.sum()), band))

    def two_step(self, steps: int = 4001) -> tuple[float, float] | None:
        """EER and FRR at FAR <= `TARGET_FAR` (fractions) with the grey-zone second utterance counted as one login,
        as issue #19's target counts it: one threshold swept over the pooled trials, each keeping its fold's
        grey-zone width; a grey-zone login is accepted when the mean of both scores reaches the threshold
        (`verification.decide`). None for rows without second-utterance scores."""
        if not self.second:
            return None
        first, same = np.concatenate(self.scores), np.concatenate(self.same)
        mean, band = (first + np.concatenate(self.second)) / 2, np.concatenate(self.bands)
        far, frr = [], []
        top = float(np.nanmax(np.concatenate([first, mean])))
        for t in [*np.linspace(first.min(), top, steps), np.nextafter(top, np.inf)]:  # the last refuses everyone
            accepted = (first >= t) | ((first >= t - band) & (mean >= t))  # NaN (no second clip): refused
            far.append(float(accepted[~same].mean()))
            frr.append(float(1 - accepted[same].mean()))
        far_a, frr_a = np.array(far), np.array(frr)
        at = int(np.argmin(np.abs(far_a - frr_a)))
        return (far_a[at] + frr_a[at]) / 2, float(frr_a[far_a <= TARGET_FAR].min())

    def far_bound(self, impostors: str = "all") -> dict[str, object]:
        """False accepts at the folds' thresholds over one kind of impostor trial, with 95% upper bounds.

        `impostors`: "same fold" (speakers of the enrolment's fold or part, never seen by its threshold), "other
        folds" (cv9_vi_dev speakers whose clips were impostors when the threshold was chosen), "librispeech" (English,
        another corpus, never seen), or "all". Bounds per trial (Wilson and Clopper-Pearson; trials of one pair of
        speakers are not independent, so read these as optimistic) and per pair of speakers (Clopper-Pearson over
        enrolled x impostor speaker pairs with any false accept: the cautious figure).
        """
        who, against = np.concatenate(self.who), np.concatenate(self.against)
        same, accepted = np.concatenate(self.same), np.concatenate(self.accepted)
        folds = {p: self.group(p) for p in {*who, *against}}
        cv9 = np.array([folds[a] >= 0 for a in against], bool)
        same_fold = np.array([folds[w] == folds[a] for w, a in zip(who, against, strict=True)], bool)
        kinds = {"same fold": same_fold, "other folds": cv9 & ~same_fold, "librispeech": ~cv9}
        pick = ~same & kinds[impostors] if impostors in kinds else ~same
        n, fa = int(pick.sum()), int((accepted & pick).sum())
        pairs = {(a, b) for a, b in zip(who[pick], against[pick], strict=True)}
        bad = {(a, b) for a, b in zip(who[pick & accepted], against[pick & accepted], strict=True)}
        return {
            "impostor trials": n,
            "false accepts": fa,
            "far %": f"{100 * fa / max(n, 1):.4f}",
            "wilson upper %": f"{wilson(fa, n)[1]:.4f}",
            "clopper-pearson upper %": f"{clopper_pearson(fa, n):.4f}",
            "speaker pairs": len(pairs),
            "pairs with a false accept": len(bad),
            "per-pair clopper-pearson upper %": f"{clopper_pearson(len(bad), len(pairs)):.3f}",
        }

    def false_accepts_by_pair(self) -> list[tuple[str, str, int, int]]:
        """(enrolled speaker, impostor speaker, false accepts, trials) of every pair with a false accept, most first."""
        who, against = np.concatenate(self.who), np.concatenate(self.against)
        same, accepted = np.concatenate(self.same), np.concatenate(self.accepted)
        trials = Counter(zip(who[~same].tolist(), against[~same].tolist(), strict=True))
        wrong = Counter(zip(who[~same & accepted].tolist(), against[~same & accepted].tolist(), strict=True))
        return [(a, b, k, trials[(a, b)]) for (a, b), k in wrong.most_common()]

    def figures(self, resamples: int = 1000, seed: int = 0) -> dict[str, object]:
        """EER and FRR@FAR 0.1% (threshold-free, pooled; of the first utterance, and, where the row has it, of the
        login with its grey-zone second utterance: `two_step`), FAR/FRR at the folds' own thresholds with counts, and
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
        two = self.two_step()
        return {
            "speakers": int(people.size),
            "genuine": int(same.sum()),
            "impostor": int((~same).sum()),
            "eer %": f"{100 * c.eer:.2f} [{np.percentile(eers, 2.5):.2f}, {np.percentile(eers, 97.5):.2f}]",
            "frr@far0.1% %": f"{100 * c.frr:.1f}",
            "one login: eer / frr@far0.1% %": "-" if two is None else f"{100 * two[0]:.2f} / {100 * two[1]:.1f}",
            "far@fold thr %": f"{100 * fa / max(1, (~same).sum()):.2f} ({fa}) [%.2f, %.2f]" % wilson(fa, (~same).sum()),
            "frr@fold thr %": f"{100 * fr / max(1, same.sum()):.1f} ({fr}) [{np.percentile(frrs, 2.5):.1f}, "
            f"{np.percentile(frrs, 97.5):.1f}]",
        }


SECOND_DIGITS = "cosine + second utterance, 8 digits"


def cross_validation(
    by_speaker: dict[str, list[str]],
    bank: EmbeddingBank,
    cohort: Cohort,
    *,
    utterances: int,
    speech_s: float,
    others: Mapping[str, list[str]],
    longer: Mapping[str, np.ndarray],
) -> tuple[dict[str, Pooled], dict[tuple[str, ...], dict[str, object]]]:
    """Every cv9_vi_dev speaker held out once: for each fold, the threshold (FAR <= 0.1%) and the grey-zone width
    are chosen on the other folds' trials alone and applied to the fold's enrolments, tried against every clip of
    every other speaker: the fold's, the other folds' and `others` (sv_librispeech); impostors need not have
    enough speech to enrol. The training trials are every enrolment of the other folds against every clip of
    every speaker of the other folds (those with too little speech to enrol too), never sv_librispeech. The second
    utterance is a clip (6 digits) or that clip lengthened (`longer`, 8 digits). Also returns, per fold, what its
    threshold was chosen on and the threshold and grey zone."""
    names = ("cosine", "as-norm", "cosine + second utterance", SECOND_DIGITS)
    pooled = {name: Pooled([], [], [], [], []) for name in names}
    chosen: dict[tuple[str, ...], dict[str, object]] = {}
    for fold in range(FOLDS):
        train = {s: c for s, c in by_speaker.items() if fold_of(s) != fold}
        test = {s: c for s, c in by_speaker.items() if fold_of(s) == fold}
        fit = enrolment_trials(train, bank, utterances=utterances, min_speech_s=speech_s)
        trials = enrolment_trials(
            test, bank, utterances=utterances, min_speech_s=speech_s, others={**by_speaker, **others}
        )
        for name, score in (("cosine", Trials.cosine), ("as-norm", lambda t: t.as_norm(cohort))):
            threshold = calibrate(*(x.tolist() for x in fit.flat(score(fit))), target_far=TARGET_FAR).threshold
            scores = score(trials)
            pooled[name].add(trials, scores, scores >= threshold)
            if name == "cosine":
                band = choose_band(fit, threshold)
                pooled["cosine + second utterance"].add(trials, scores, second_accepts(trials, threshold, band)[0])
                lengthened = second_accepts(trials, threshold, band, longer=longer)[0]
                pooled[SECOND_DIGITS].add(trials, scores, lengthened)
                _, same = fit.flat(fit.cosine())
                chosen[(str(fold),)] = {
                    "training speakers": len(train),
                    "enrolled": len(set(fit.enrolled)),
                    "genuine": int(same.sum()),
                    "impostor": int((~same).sum()),
                    "threshold": round(threshold, 3),
                    "grey zone": band,
                    "test enrolled": len(set(trials.enrolled)),
                }
    return pooled, chosen


def held_out_wide(
    sets: Mapping[str, Mapping[str, list[str]]],
    bank: EmbeddingBank,
    threshold: float,
    band: float,
    longer: Mapping[str, np.ndarray],
    *,
    utterances: int,
    speech_s: float,
) -> dict[str, Pooled]:
    """The held-out part's enrolments at the development threshold and grey zone, tried against every clip of
    every other speaker: held-out ones, development ones (impostors of the trials `threshold` was chosen on) and
    sv_librispeech; one utterance, and the second utterance of `voice.second_challenge_digits` digits."""
    trials = enrolment_trials(
        dict(sets["cv9/held-out"]),
        bank,
        utterances=utterances,
        min_speech_s=speech_s,
        others={**sets["cv9/dev"], **sets["librispeech/held-out"]},
    )
    scores = trials.cosine()
    pooled = {name: Pooled([], [], [], [], [], group=cv_part) for name in ("cosine", SECOND_DIGITS)}
    pooled["cosine"].add(trials, scores, scores >= threshold)
    pooled[SECOND_DIGITS].add(trials, scores, second_accepts(trials, threshold, band, longer=longer)[0])
    return pooled


def choose_band(
    trials: Trials,
    threshold: float,
    scores: tuple[np.ndarray, np.ndarray] | None = None,
    bands: Sequence[float] = BANDS,
) -> float:
    """The grey-zone width of `bands` with the fewest false rejects while false accepts stay within the target
    (`scores`: as `second_accepts`; `bands` in the scores' unit)."""
    figs = {band: second_utterance(trials, threshold, band, scores=scores) for band in bands}
    fine = [band for band in bands if figs[band]["far %"] <= 100 * TARGET_FAR] or [0.0]
    return min(fine, key=lambda band: (figs[band]["frr %"], band) if band else (100.0, 0.0))


def next_clips(trials: Trials) -> np.ndarray:
    """Per clip, the index of the next clip of its speaker (cyclic): the second utterance of a grey-zone login."""
    speakers = np.asarray(trials.speakers)
    following = np.arange(len(speakers))
    for speaker in set(trials.speakers):
        own = np.flatnonzero(speakers == speaker)
        following[own] = np.roll(own, -1)
    return following


def second_usable(trials: Trials) -> np.ndarray:
    """Per trial, whether the speaker's next clip (`next_clips`) can be the second utterance: not part of the
    enrolment, and not the first utterance again (a speaker with one clip)."""
    following = next_clips(trials)
    return ~trials.used[:, following] & (following != np.arange(len(following)))[None, :]


def second_accepts(
    trials: Trials,
    threshold: float,
    band: float,
    fusion: str = "mean score",
    longer: Mapping[str, np.ndarray] | None = None,
    scores: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per trial: the login accepted with a second utterance asked in the grey zone [threshold - band, threshold)
    (the next clip of the trial's speaker in the part, cyclic), whether it was asked, and whether that second
    clip could be used (not part of the enrolment; a grey-zone trial without one is refused). `fusion` "mean
    score" decides as the service does (`verification.decide`); the others are for comparison. `longer`: the
    second utterance is that clip lengthened (`EmbeddingBank.lengthened`), as a longer second phrase is.
    `scores`: the first and the second utterance's score matrices (the second's column j scores clip
    `next_clips(trials)[j]`) to decide on instead of the cosine (a fused score; "mean score" only)."""
    following = next_clips(trials)
    usable = second_usable(trials)
    if scores is not None:
        first, second = scores
    else:
        first = trials.cosine()
        second = first[:, following]
        if longer is not None:
            second = trials.voiceprints @ np.stack([longer[trials.paths[j]] for j in following]).T
    decide = np.vectorize(lambda s, f: verification.decide(s, threshold=threshold, band=band, first_score=f))
    outcome = decide(first, None)
    asked = outcome == verification.AGAIN
    if fusion == "mean score":
        fused = decide(second, first) == verification.ACCEPT
    elif fusion == "mean embedding":
        fused = trials.voiceprints @ normalize(trials.clips + trials.clips[following]).T >= threshold
    else:
        fused = second >= threshold
    return (outcome == verification.ACCEPT) | (asked & usable & fused), asked, usable


def second_utterance(
    trials: Trials,
    threshold: float,
    grey: float,
    fusion: str = "mean score",
    longer: Mapping[str, np.ndarray] | None = None,
    scores: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, float | int]:
    """Error rates with a second utterance in the grey zone (`second_accepts`), the two counted as one login,
    over the trials whose second clip is usable."""
    accepted, asked, usable = second_accepts(trials, threshold, grey, fusion, longer, scores)
    first = trials.cosine() if scores is None else scores[0]
    usable &= ~trials.used
    genuine, impostor = usable & trials.same, usable & ~trials.same
    return {
        "far %": 100 * float(accepted[impostor].mean()),
        "frr %": 100 * float(1 - accepted[genuine].mean()),
        "frr one utterance %": 100 * float((first < threshold)[genuine].mean()),
        "asked again %": 100 * float(asked[usable].mean()),
        "false accepts": int(accepted[impostor].sum()),
        "false rejects": int((~accepted[genuine]).sum()),
        "genuine": int(genuine.sum()),
        "impostor": int(impostor.sum()),
    }


SPREAD_WEIGHTS = (0.0, 0.25, 0.5, 1.0)
"""Weights tried for calibrating a score by its enrolment's own spread (`levers`)."""


def spread(trials: Trials) -> np.ndarray:
    """Per enrolment, the mean cosine of its utterances to its voiceprint: how tightly the voice was enrolled."""
    return np.array([float((m @ v).mean()) for m, v in zip(trials.members, trials.voiceprints, strict=True)])


def levers(
    sets: Mapping[str, Mapping[str, list[str]]], bank: EmbeddingBank, *, utterances: int, speech_s: float
) -> dict[tuple[str, ...], dict[str, float | int]]:
    """Cheap changes to scoring, each chosen on development speakers alone and then measured once on held-out
    ones at the development threshold (FAR <= 0.1%): the score less `weight` x its enrolment's spread (an
    enrolment-own calibration needing no shipped cohort; weight chosen by the lowest development FRR at FAR 0.1%,
    ties to the smaller), and logins (or logins and enrolments) embedded as the mean of `CHUNK_S` windows instead
    of whole. Rows per part: whole-utterance cosine, the chosen spread weight, chunks at login, chunks at both."""
    paths = [
        p for part in ("cv9/dev", "cv9/held-out", "librispeech/held-out") for ps in sets[part].values() for p in ps
    ]
    chunks = bank.chunked(paths)
    variants: dict[str, dict[str, np.ndarray]] = {}
    for part in ("cv9/dev", "cv9/held-out", "librispeech/held-out"):
        by_speaker = dict(sets[part])
        trials = enrolment_trials(by_speaker, bank, utterances=utterances, min_speech_s=speech_s)
        both = enrolment_trials(by_speaker, chunks, utterances=utterances, min_speech_s=speech_s)
        cosine, tight = trials.cosine(), spread(trials)[:, None]
        keep = ~trials.used
        variants[part] = {
            "same": trials.same[keep],
            **{f"spread x{w:g}": (cosine - w * tight)[keep] for w in SPREAD_WEIGHTS},
            "chunks at login": (trials.voiceprints @ both.clips.T)[keep],
            "chunks at both": both.cosine()[keep],
        }
    dev = variants["cv9/dev"]
    weight = min(SPREAD_WEIGHTS, key=lambda w: (figures(dev[f"spread x{w:g}"], dev["same"], 0.0)["frr@far0.1% %"], w))
    names = {
        "whole utterance": "spread x0",
        f"spread x{weight:g} (dev)": f"spread x{weight:g}",
        "chunks at login": "chunks at login",
        "chunks at both": "chunks at both",
    }
    rows: dict[tuple[str, ...], dict[str, float | int]] = {}
    for label, key in names.items():
        threshold = float(figures(dev[key], dev["same"], 0.0)["thr@far0.1%"])
        for part, scores in variants.items():
            rows[(part, label)] = figures(scores[key], scores["same"], threshold)
    return rows


COLLEAGUE_MARGINS = (0.0, 0.02, 0.05, 0.10)
"""Margins tried above a user's nearest enrolled colleague's score (`colleagues`)."""


def colleague_bars(
    trials: Trials, members: Mapping[str, np.ndarray], threshold: float, margin: float | None
) -> np.ndarray:
    """Per enrolment, the score a login must reach: `threshold`, raised to the highest cosine of any other
    speaker's stored enrolment utterance (`members`) to the voiceprint + `margin` (None: `threshold` alone)."""
    if margin is None:
        return np.full(len(trials.enrolled), threshold)
    nearest = [
        max((float((members[o] @ v).max()) for o in members if o != e), default=-1.0)
        for v, e in zip(trials.voiceprints, trials.enrolled, strict=True)
    ]
    return np.maximum(threshold, np.asarray(nearest) + margin)


def colleagues(
    sets: Mapping[str, Mapping[str, list[str]]],
    bank: EmbeddingBank,
    threshold: float,
    *,
    utterances: int,
    speech_s: float,
) -> dict[tuple[str, ...], dict[str, float | int]]:
    """A per-user threshold from the deployment's own enrolled voices, no shipped cohort: max(`threshold`, the
    highest cosine of any other enrolled user's enrolment utterance to this voiceprint + margin), so that a
    colleague with a similar voice is not let in. Each cv9_vi_dev speaker who can enrol stores one enrolment; on
    development trials the colleagues are development speakers, on held-out ones every enrolled speaker
    (development ones included), and held-out enrolments are tried against every other speaker's clips as in
    `held_out_wide` less the colleagues' enrolment clips (an attacker speaks afresh). The margin is chosen on
    development speakers (lowest FRR with FAR <= 0.1%, ties to the wider)."""
    everyone = {s: c for part in ("cv9/dev", "cv9/held-out") for s, c in sets[part].items()}
    stored = enrolment_trials(everyone, bank, utterances=utterances, min_speech_s=speech_s, per_speaker=1, seed=7)
    members = dict(zip(stored.enrolled, stored.members, strict=True))
    enrolment_clips = {stored.paths[j] for j in np.flatnonzero(stored.used.any(axis=0))}
    rows: dict[tuple[str, ...], dict[str, float | int]] = {}
    for part, others in (
        ("cv9/dev", None),
        ("cv9/held-out", {**sets["cv9/dev"], **sets["librispeech/held-out"]}),
    ):
        trials = enrolment_trials(dict(sets[part]), bank, utterances=utterances, min_speech_s=speech_s, others=others)
        pool = {s: m for s, m in members.items() if part == "cv9/held-out" or part_of(s) == "dev"}
        keep = ~trials.used & ~np.isin(np.asarray(trials.paths), sorted(enrolment_clips))[None, :]
        genuine, impostor = keep & trials.same, keep & ~trials.same
        scores = trials.cosine()
        for margin in (None, *COLLEAGUE_MARGINS):
            bar = colleague_bars(trials, pool, threshold, margin)
            accepted = scores >= bar[:, None]
            fa, fr = int((accepted & impostor).sum()), int((~accepted & genuine).sum())
            rows[(part, "global" if margin is None else f"{margin:.2f}")] = {
                "far %": 100 * fa / int(impostor.sum()),
                "frr %": 100 * fr / int(genuine.sum()),
                "false accepts": fa,
                "false rejects": fr,
                "users raised": int((bar > threshold).sum()),
                "enrolments": len(bar),
                "genuine": int(genuine.sum()),
                "impostor": int(impostor.sum()),
            }
    fine = [m for m in COLLEAGUE_MARGINS if rows[("cv9/dev", f"{m:.2f}")]["far %"] <= 100 * TARGET_FAR]
    chosen = min(fine, key=lambda m: (rows[("cv9/dev", f"{m:.2f}")]["frr %"], -m))
    return {(p, m + (" (dev)" if m == f"{chosen:.2f}" else "")): r for (p, m), r in rows.items()}


ADAPT_MARGINS = (0.0, 0.05, 0.10, 0.15, 0.20)
"""Cosine margins above the threshold tried for adding a login to the voiceprint (`voice.adapt_margin`)."""
ADAPT_CAPS = (2, 5, 10)
"""Login embeddings kept per voiceprint tried (`voice.adapt_max_embeddings`)."""


def adapted_voiceprint(
    members: np.ndarray, stream: np.ndarray, threshold: float, margin: float, cap: int
) -> tuple[np.ndarray, list[int]]:
    """The voiceprint after the logins `stream` (unit embeddings, in order) as `verification.adapt` feeds it: a
    login is added when it scores at least threshold + margin against the voiceprint as it stands and against the
    enrolment alone; at most `cap` logins kept (the newest), never more than `members` (the enrolment's). The
    voiceprint (mean of unit embeddings, as `VoiceprintStore.models`) and the indexes of the logins added."""
    anchor = normalize(members.mean(axis=0))
    model, bar, keep = anchor, threshold + margin, min(cap, len(members))
    kept: list[np.ndarray] = []
    added = []
    for i, x in enumerate(stream):
        if keep and model @ x >= bar and anchor @ x >= bar:
            kept = [*kept, x][-keep:]
            added.append(i)
            model = normalize(np.vstack([members, np.stack(kept)]).mean(axis=0))
    return model, added


def adaptation(trials: Trials, threshold: float, margin: float, cap: int, seed: int = 0) -> dict[str, float | int]:
    """Single-utterance FRR and FAR at `threshold` before and after voiceprints are fed by accepted logins.

    Each enrolment's own remaining clips are its logins, in a random order, and every clip of every other speaker
    of the part is an attempt on it, at a random place among them (attempts the enrolment alone does not accept
    with the margin can never be added, so only those are replayed). A genuine clip is scored against the
    voiceprint fed by all the other logins (leave one out), impostor clips against the voiceprint fed by all
    logins and attempts."""
    rng = np.random.default_rng(seed)
    speakers = np.asarray(trials.speakers)
    genuine: list[tuple[float, float]] = []
    impostor: list[tuple[float, float]] = []
    impostors_added = genuine_added = 0
    for i, speaker in enumerate(trials.enrolled):
        members, anchor = trials.members[i], trials.voiceprints[i]
        own = np.flatnonzero((speakers == speaker) & ~trials.used[i])
        other = np.flatnonzero(speakers != speaker)
        dangerous = other[trials.clips[other] @ anchor >= threshold + margin]
        order = rng.permutation(np.concatenate([own, dangerous]))
        for e in own:
            stream = order[order != e]
            model, _ = adapted_voiceprint(members, trials.clips[stream], threshold, margin, cap)
            genuine.append((float(anchor @ trials.clips[e]), float(model @ trials.clips[e])))
        model, added = adapted_voiceprint(members, trials.clips[order], threshold, margin, cap)
        impostors_added += int(np.isin(order[added], dangerous).sum())
        genuine_added += int(np.isin(order[added], own).sum())
        scores = trials.clips[other] @ np.stack([anchor, model]).T
        impostor += [(float(a), float(b)) for a, b in scores]
    g, m = np.asarray(genuine), np.asarray(impostor)
    return {
        "frr before %": 100 * float(np.mean(g[:, 0] < threshold)),
        "frr after %": 100 * float(np.mean(g[:, 1] < threshold)),
        "far before %": 100 * float(np.mean(m[:, 0] >= threshold)),
        "far after %": 100 * float(np.mean(m[:, 1] >= threshold)),
        "false accepts before": int((m[:, 0] >= threshold).sum()),
        "false accepts after": int((m[:, 1] >= threshold).sum()),
        "logins added": genuine_added,
        "impostor attempts added": impostors_added,
        "enrolments": len(trials.enrolled),
        "genuine": len(g),
        "impostor": len(m),
    }


def choose_adaptation(figures: Mapping[tuple[float, int], Mapping[str, float | int]]) -> tuple[float, int]:
    """The (margin, cap) with the lowest FRR after adaptation among those that let no more impostors in than
    before; ties go to the wider margin and the smaller cap (less stored, less to trust)."""
    fine = [k for k, f in figures.items() if f["false accepts after"] <= f["false accepts before"]]
    return min(fine, key=lambda k: (figures[k]["frr after %"], -k[0], k[1]))


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
    digits: dict[tuple[str, ...], dict[str, float | int]] = {}
    bands: dict[float, dict[str, float | int]] = {}
    adapting: dict[tuple[str, float, int], dict[str, float | int]] = {}
    longer = {p: v for by_speaker in sets.values() for p, v in bank.lengthened(by_speaker, EXTRA_S).items()}
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
                for count, lengthened in ((voice.challenge_digits, None), (voice.second_challenge_digits, longer)):
                    figs = second_utterance(trials, voice.threshold, band, longer=lengthened)
                    digits[(part, f"{count} digits")] = figs
                if part == "cv9/dev":
                    bands = {b: second_utterance(trials, voice.threshold, b) for b in BANDS}
                    for margin in ADAPT_MARGINS:
                        for cap in ADAPT_CAPS:
                            adapting[(part, margin, cap)] = adaptation(trials, voice.threshold, margin, cap)
                    chosen = choose_adaptation({(m, c): f for (_, m, c), f in adapting.items()})
                    configured = (voice.adapt_margin, voice.adapt_max_embeddings)
                else:
                    for margin, cap in dict.fromkeys((chosen, configured)):
                        adapting[(part, margin, cap)] = adaptation(trials, voice.threshold, margin, cap)

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
    print(
        f"\n## Second phrase length ({new}, cosine {voice.threshold}, grey zone {band}): "
        f"{voice.second_challenge_digits} digits = the second clip followed by {EXTRA_S:g} s more of the speaker's "
        "speech"
    )
    _table(["part", "second phrase"], digits)

    print(
        f"\n## Voiceprints fed by accepted logins ({new}, cosine {voice.threshold}, single utterance): margin and "
        f"cap chosen on development speakers: {chosen}; configured {configured}"
    )
    _table(["part", "margin", "cap"], {(p, f"{m:.2f}", str(c)): f for (p, m, c), f in adapting.items()})

    wide = held_out_wide(
        sets, bank, voice.threshold, band, longer, utterances=voice.enrol_utterances, speech_s=voice.enrol_speech_s
    )
    print(
        f"\n## cv9 held-out part at the development threshold {voice.threshold} and grey zone {band} ({new}): its "
        "enrolments tried against every other held-out, development and sv_librispeech speaker's clips; FAR with "
        "95% upper bounds as below ('same fold' = held-out impostors, 'other folds' = development impostors, whose "
        "clips were impostors when the threshold was chosen); [95% intervals]"
    )
    _table(["scoring"], {(name,): p.figures() for name, p in wide.items()})
    wide_bounds: dict[tuple[str, ...], dict[str, object]] = {
        (name, kind): wide[name].far_bound(kind)
        for name in wide
        for kind in ("same fold", "other folds", "librispeech", "all")
    }
    _table(["scoring", "impostors"], wide_bounds)
    wide_pairs = wide["cosine"].false_accepts_by_pair()
    print(
        "\nfalse accepts by pair (held-out, cosine; enrolled <- impostor: false accepts / trials): "
        + ("; ".join(f"{a} <- {b}: {k}/{n}" for a, b, k, n in wide_pairs) or "none")
    )

    lever_rows = levers(sets, bank, utterances=voice.enrol_utterances, speech_s=voice.enrol_speech_s)
    print(
        f"\n## Scoring levers ({new}, one utterance): each chosen on development speakers, its threshold (FAR <= 0.1%) "
        "too, then held-out once"
    )
    _table(["part", "scoring"], lever_rows)

    print(
        f"\n## Per-user threshold above the nearest enrolled colleague ({new}, cosine {voice.threshold}, one "
        "utterance): margin chosen on development speakers, marked (dev)"
    )
    _table(
        ["part", "margin"],
        colleagues(sets, bank, voice.threshold, utterances=voice.enrol_utterances, speech_s=voice.enrol_speech_s),
    )

    pooled, chosen_folds = cross_validation(
        {**sets["cv9/dev"], **sets["cv9/held-out"]},
        bank,
        cohort,
        utterances=voice.enrol_utterances,
        speech_s=voice.enrol_speech_s,
        others=sets["librispeech/held-out"],
        longer=longer,
    )
    cv = {name: p.figures() for name, p in pooled.items()}
    print(
        f"\n## cv9_vi_dev, {FOLDS}-fold speaker cross-validation ({new}): each fold held out once, its threshold "
        "(FAR <= 0.1%) and grey-zone width chosen on the other folds; its enrolments tried against every other "
        "cv9_vi_dev speaker and sv_librispeech; [95% intervals]"
    )
    _table(["scoring"], {(name,): figs for name, figs in cv.items()})
    print("\nper fold: what its cosine threshold and grey zone were chosen on (training folds only), and them")
    _table(["fold"], chosen_folds)
    bounds: dict[tuple[str, ...], dict[str, object]] = {
        (name, kind): pooled[name].far_bound(kind)
        for name in ("cosine", "cosine + second utterance", SECOND_DIGITS)
        for kind in ("same fold", "other folds", "librispeech", "all")
    }
    print(
        "\n## FAR at the folds' thresholds with 95% upper bounds (Wilson and Clopper-Pearson per trial; "
        "Clopper-Pearson per pair of speakers). Impostors of the same fold and sv_librispeech were never seen "
        "when a threshold was chosen; other folds' clips were impostors of the training trials"
    )
    _table(["scoring", "impostors"], bounds)
    pairs = pooled["cosine"].false_accepts_by_pair()
    print(
        "\nfalse accepts by pair (cosine; enrolled <- impostor: false accepts / trials): "
        + ("; ".join(f"{a} <- {b}: {k}/{n}" for a, b, k, n in pairs) or "none")
    )

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
    bound, adapted = bounds[("cosine", "all")], adapting[("cv9/held-out", *chosen)]
    wide_all, wide_figs = wide_bounds[("cosine", "all")], wide["cosine"].figures()
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
        f"frr={cv['cosine + second utterance']['frr@fold thr %']}% "
        f"({voice.second_challenge_digits} digits {cv[SECOND_DIGITS]['frr@fold thr %']}%); "
        f"far bound all impostors {bound['far %']}% (wilson upper {bound['wilson upper %']}%, clopper-pearson "
        f"{bound['clopper-pearson upper %']}%, {bound['impostor trials']} trials); held-out against every other "
        f"speaker far={wide_all['far %']}% (clopper-pearson {wide_all['clopper-pearson upper %']}%, "
        f"{wide_all['impostor trials']} trials) frr={wide_figs['frr@fold thr %']}% eer={wide_figs['eer %']}%; "
        f"adaptation {chosen} held-out "
        f"frr {adapted['frr before %']:.1f}% -> {adapted['frr after %']:.1f}% "
        f"far {adapted['far before %']:.3f}% -> {adapted['far after %']:.3f}%; login_cpu={1000 * cosine_s:.0f}ms "
        f"(as-norm {1000 * norm_s:.0f}ms)"
    )


if __name__ == "__main__":
    main()
