"""Quality-measure calibration (QMF) of fused voice-login scores, against the shipped linear fusion.

    PYTHONPATH=. GOBANG_EVALDATA=../shared/evaldata .venv/bin/python benchmarks/voice_qmf.py \\
        --cache /tmp/campp.npz --second-cache /tmp/seres2net.npz            # development part only
    ... benchmarks/voice_qmf.py ... --held-out                              # once, for the finished choice

As SRE / VoxSRC systems calibrate, a logistic regression maps a trial's raw scores and quality measures to a
log-likelihood ratio: CAM++ and SE-Res2Net cosines; the log speech seconds (Silero VAD) of the login and of the
enrolment; the enrolment's spread (mean cosine of its utterances to the voiceprint, CAM++); and, per model, the mean
of the voiceprint's and of the login's top 25 cohort scores (the AS-norm statistics, `voice_cohort`'s development
cohort, as features rather than as a normaliser). Each variant's regression, threshold (FAR <= 0.1%) and grey zone
are fitted on training speakers only: by default in 5-fold cross-validation over development speakers (against
every other development speaker and `voice_fusion.OTHER_CHANNELS`, the trials of `voice_fusion.py --development`),
or, with `--held-out`, on the whole development part, then held-out speakers against every other speaker and
sv_librispeech against itself, with the shipped fusion's figures in the same run. The cross-validation also tries
every embedding centred on a cohort mean and renormalised: fitted on three of the other folds, the fourth's cohort
utterances giving the mean, against the raw fusion fitted on the same three. The second utterance (8 digits)
decides on the mean of both LLRs, as `verification.decide` does on scores. Ends with one summary line.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from benchmarks.voice_cohort import development_cohort  # noqa: E402
from benchmarks.voice_fusion import (  # noqa: E402
    OTHER_CHANNELS,
    SECOND,
    WEIGHTS,
    _report,
    add_logins,
    cohort_stats,
    fit_choice,
    folds,
    loaded_banks,
    other_channels,
    paired_trials,
)
from benchmarks.voice_login import (  # noqa: E402
    EXTRA_S,
    FOLDS,
    TARGET_FAR,
    EmbeddingBank,
    Pooled,
    Trials,
    _table,
    choose_band,
    cv_fold,
    cv_part,
    fold_of,
    next_clips,
    parts,
    second_accepts,
    spread,
)
from core.settings import get_settings  # noqa: E402
from diarization.embedders import get_embedder, normalize  # noqa: E402
from diarization.score_norm import Cohort  # noqa: E402
from diarization.voiceprints import calibrate  # noqa: E402

VARIANTS: Mapping[str, tuple[str, ...]] = {
    "LR scores": ("cosine 0", "cosine 1"),
    "LR + durations": ("cosine 0", "cosine 1", "log login s", "log enrolment s"),
    "LR + durations x scores": (
        "cosine 0",
        "cosine 1",
        "log login s",
        "log enrolment s",
        "cosine 0 x log login s",
        "cosine 1 x log login s",
    ),
    "LR + durations, spread": ("cosine 0", "cosine 1", "log login s", "log enrolment s", "spread"),
    "LR + cohort": ("cosine 0", "cosine 1", "cohort v 0", "cohort u 0", "cohort v 1", "cohort u 1"),
    "QMF (all)": (
        "cosine 0",
        "cosine 1",
        "log login s",
        "log enrolment s",
        "spread",
        "cohort v 0",
        "cohort u 0",
        "cohort v 1",
        "cohort u 1",
    ),
}
"""Logistic regressions compared: the features each maps to an LLR (`features`; 0 is CAM++, 1 SE-Res2Net)."""
LLR_BANDS = (1.0, 2.0, 3.0, 4.0, 6.0)
"""Grey-zone widths tried on the LLR scale (a cosine's 0.1 is about 3-4 of its units with these regressions)."""
THREE, CENTRED = "3 folds: ", "3 folds, centred: "
"""Prefixes of the cross-validation's centring rows: fitted on three folds, the fourth giving the mean."""
MIN_SPEECH_S = 0.5
"""Floor of a login's speech seconds before the log: some other-channel clips hold none that Silero finds (a login
is not refused for too little speech; its score decides)."""
C = 1.0
"""Inverse L2 strength of the regressions (features standardised): fixed, not tuned."""


@dataclass(frozen=True)
class Qmf:
    """A fitted regression: standardisation and weights of `names`."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def llr(self, feats: Mapping[str, np.ndarray]) -> np.ndarray:
        """Log-odds of same speaker (balanced classes: an LLR up to a constant) per trial."""
        x = np.stack([feats[n] for n in self.names], axis=-1)
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def describe(self) -> str:
        """The weights per unit of each feature (not standardised), for the per-fold table."""
        return ", ".join(f"{n} {c / s:+.2f}" for n, c, s in zip(self.names, self.coef, self.scale, strict=True))


def fit_qmf(feats: Mapping[str, np.ndarray], keep: np.ndarray, same: np.ndarray, names: Sequence[str]) -> Qmf:
    """Logistic regression of `same` on `names` over the trials `keep`, classes balanced."""
    x = np.stack([feats[n][keep] for n in names], axis=-1)
    mean, scale = x.mean(axis=0), np.maximum(x.std(axis=0), 1e-9)
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=1000).fit((x - mean) / scale, same[keep])
    return Qmf(tuple(names), mean, scale, model.coef_[0], float(model.intercept_[0]))


@dataclass(frozen=True)
class Scored:
    """What `features` needs besides the trials: each model's bank and cohort."""

    banks: Sequence[EmbeddingBank]
    cohorts: Sequence[Cohort]


def features(
    trials: Sequence[Trials], setup: Scored, clips: Sequence[np.ndarray], seconds: np.ndarray
) -> dict[str, np.ndarray]:
    """Per trial (enrolment x clip, clips `clips` per model, of `trials[0].speakers` and `seconds` of speech):
    each model's cosine and its two sides' mean top cohort score, the login's and the enrolment's log speech
    seconds, the enrolment's spread (CAM++), and each cosine times the login's log seconds (a slope that moves
    with the login's length, as duration-dependent calibration has it)."""
    first = trials[0]
    out: dict[str, np.ndarray] = {}
    for i, (t, c, cohort) in enumerate(zip(trials, clips, setup.cohorts, strict=True)):
        out[f"cosine {i}"] = t.voiceprints @ c.T
        out[f"cohort v {i}"], _, out[f"cohort u {i}"], _ = cohort_stats(t, c, first.speakers, cohort)
    speech = setup.banks[0].speech_s
    enrolled = np.array([sum(speech[first.paths[j]] for j in np.flatnonzero(row)) for row in first.used])
    shape = out["cosine 0"].shape
    out["log login s"] = np.broadcast_to(np.log(np.maximum(seconds, MIN_SPEECH_S))[None, :], shape)
    out["log enrolment s"] = np.broadcast_to(np.log(enrolled)[:, None], shape)
    out["spread"] = np.broadcast_to(spread(first)[:, None], shape)
    for i in range(len(trials)):
        out[f"cosine {i} x log login s"] = out[f"cosine {i}"] * out["log login s"]
    return out


def both_utterances(
    trials: Sequence[Trials], setup: Scored, longer: Sequence[Mapping[str, np.ndarray]] | None
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Features of the first utterance and of a grey-zone login's second (`voice_fusion.second_scores`' clips:
    the next clip of the speaker, lengthened by `longer` or as it is)."""
    first = trials[0]
    following = next_clips(first)
    speech = setup.banks[0].speech_s
    now = features(trials, setup, [t.clips for t in trials], np.array([speech[p] for p in first.paths]))
    if longer is None:
        clips = [t.clips[following] for t in trials]
        seconds = np.array([speech[first.paths[j]] for j in following])
    else:
        clips = [np.stack([by[first.paths[j]] for j in following]) for by in longer]
        seconds = np.array([speech[f"{first.paths[j]}|+{EXTRA_S:g}s"] for j in following])
    return now, features(trials, setup, clips, seconds)


def centred(trials: Trials, mean: np.ndarray) -> Trials:
    """`trials` with every embedding less `mean` and renormalised, voiceprints rebuilt from their utterances."""
    members = [normalize(m - mean) for m in trials.members]
    return replace(
        trials,
        voiceprints=normalize(np.stack([m.mean(axis=0) for m in members])),
        clips=normalize(trials.clips - mean),
        members=members,
    )


def centred_longer(
    longer: Sequence[Mapping[str, np.ndarray]], means: Sequence[np.ndarray]
) -> list[dict[str, np.ndarray]]:
    """Each model's lengthened second utterances (`EmbeddingBank.lengthened`) centred as `centred` centres."""
    return [{p: normalize(v - m) for p, v in by.items()} for by, m in zip(longer, means, strict=True)]


def cohort_means(cohorts: Sequence[Cohort], speakers: set[str]) -> list[np.ndarray]:
    """Each model's mean embedding of the cohort utterances of `speakers`."""
    return [c.vectors[np.isin(c.speakers.astype(str), sorted(speakers))].mean(axis=0) for c in cohorts]


def centred_view(
    fit: Sequence[Trials],
    tests: Mapping[str, Sequence[Trials]],
    setup: Scored,
    longer: Sequence[Mapping[str, np.ndarray]],
    means: Sequence[np.ndarray],
) -> tuple[list[Trials], dict[str, list[Trials]], Scored, list[dict[str, np.ndarray]]]:
    """`evaluate`'s inputs with every embedding (cohorts' too) centred on `means`, one per model."""
    return (
        [centred(t, m) for t, m in zip(fit, means, strict=True)],
        {k: [centred(t, m) for t, m in zip(ts, means, strict=True)] for k, ts in tests.items()},
        replace(
            setup,
            cohorts=[replace(c, vectors=normalize(c.vectors - m)) for c, m in zip(setup.cohorts, means, strict=True)],
        ),
        centred_longer(longer, means),
    )


def add_qmf(
    pooled: dict[str, Pooled],
    name: str,
    model: Qmf,
    choice: tuple[float, float],
    test: tuple[dict[str, np.ndarray], dict[str, np.ndarray]],
    trials: Trials,
    group: Callable[[str], int],
) -> None:
    """`voice_fusion.add_logins` for a regression's LLRs: one utterance, and with the second."""
    threshold, band = choice
    first, second = model.llr(test[0]), model.llr(test[1])
    for key in (name, name + SECOND):
        pooled.setdefault(key, Pooled([], [], [], [], [], group=group))
    pooled[name].add(trials, first, first >= threshold)
    pooled[name + SECOND].add(trials, first, second_accepts(trials, threshold, band, scores=(first, second))[0])


def fit_variant(fit: Sequence[Trials], setup: Scored, names: Sequence[str]) -> tuple[Qmf, tuple[float, float]]:
    """The regression on `fit`'s trials, its threshold (FAR <= 0.1%) and grey zone, all from `fit` alone (the
    second utterance the next clip as it is, as the shipped grey zone was chosen)."""
    now, again = both_utterances(fit, setup, None)
    keep, same = ~fit[0].used, fit[0].same
    model = fit_qmf(now, keep, same, names)
    first, second = model.llr(now), model.llr(again)
    threshold = calibrate(*(x.tolist() for x in fit[0].flat(first)), target_far=TARGET_FAR).threshold
    return model, (threshold, choose_band(fit[0], threshold, (first, second), LLR_BANDS))


def evaluate(
    fit: Sequence[Trials],
    tests: Mapping[str, Sequence[Trials]],
    setup: Scored,
    longer: Sequence[Mapping[str, np.ndarray]],
    pooled: Mapping[str, dict[str, Pooled]],
    chosen: dict[str, object],
    group: Callable[[str], int],
    *,
    prefix: str = "",
    variants: Mapping[str, Sequence[str]] = VARIANTS,
) -> None:
    """Every scoring fitted on `fit` and applied to each of `tests` (into `pooled` of the same key, named with
    `prefix`): the shipped linear fusion (weight of `WEIGHTS`) and the regressions of `variants`."""
    choice = fit_choice(fit, WEIGHTS)
    chosen[f"{prefix}fusion w, thr, band"] = "{:g}, {:.3f}, {:g}".format(*choice)
    for key, t in tests.items():
        add_logins(pooled[key], f"{prefix}fusion", t, choice, longer, group=group)
    for name, names in variants.items():
        model, lr_choice = fit_variant(fit, setup, names)
        chosen[f"{prefix}{name} thr, band"] = "{:.2f}, {:g}".format(*lr_choice)
        if name == "QMF (all)":
            chosen[f"{prefix}{name} weights"] = model.describe()
        for key, t in tests.items():
            add_qmf(pooled[key], f"{prefix}{name}", model, lr_choice, both_utterances(t, setup, longer), t[0], group)


def cross_validation(
    banks: Sequence[EmbeddingBank],
    setup: Scored,
    by_speaker: dict[str, list[str]],
    others: dict[str, list[str]],
    longer: Sequence[Mapping[str, np.ndarray]],
    **kwargs: object,
) -> tuple[dict[str, Pooled], dict[tuple[str, ...], dict[str, object]]]:
    """`voice_fusion.cross_validation`'s folds over `by_speaker`, every scoring fitted on the other folds."""
    pooled: dict[str, Pooled] = {}
    chosen: dict[tuple[str, ...], dict[str, object]] = {}
    for fold, fit, trials in folds(banks, by_speaker, others, **kwargs):
        picked = chosen.setdefault((str(fold),), {})
        evaluate(fit, {"cv": trials}, setup, longer, {"cv": pooled}, picked, cv_fold)
        # centring: the mean of one training fold's cohort utterances, that fold left out of the fit (a mean
        # holding the fitted speakers' own voices lowers their genuine scores, and the threshold with them)
        spare = (fold + 1) % FOLDS
        fit3 = paired_trials(banks, {s: c for s, c in by_speaker.items() if fold_of(s) not in (fold, spare)}, **kwargs)
        evaluate(fit3, {"cv": trials}, setup, longer, {"cv": pooled}, picked, cv_fold, prefix=THREE, variants={})
        means = cohort_means(setup.cohorts, {s for s in by_speaker if fold_of(s) == spare})
        view = centred_view(fit3, {"cv": trials}, setup, longer, means)
        evaluate(*view, {"cv": pooled}, picked, cv_fold, prefix=CENTRED, variants={"LR scores": VARIANTS["LR scores"]})
    return pooled, chosen


def held_out(
    banks: Sequence[EmbeddingBank],
    setup: Scored,
    sets: Mapping[str, Mapping[str, list[str]]],
    longer: Sequence[Mapping[str, np.ndarray]],
    **kwargs: object,
) -> tuple[dict[str, dict[str, Pooled]], dict[str, object]]:
    """Every scoring fitted on the development part, applied to held-out enrolments against every other speaker
    (`voice_fusion.held_out_wide`'s trials) and to sv_librispeech against itself."""
    fit = paired_trials(banks, dict(sets["cv9/dev"]), **kwargs)
    others = {**sets["cv9/dev"], **sets["librispeech/held-out"]}
    tests = {
        "held-out": paired_trials(banks, dict(sets["cv9/held-out"]), others=others, **kwargs),
        "librispeech": paired_trials(banks, dict(sets["librispeech/held-out"]), **kwargs),
    }
    pooled: dict[str, dict[str, Pooled]] = {k: {} for k in tests}
    chosen: dict[str, object] = {}
    evaluate(fit, tests, setup, longer, pooled, chosen, cv_part)
    return pooled, chosen


def login_cpu(setup: Scored, paths: Sequence[str], rounds: int = 200) -> float:
    """Process time (ms) of the regression's extra work for one login: both models' cohort statistics of the
    login and the voiceprint and the weighted sum (the embeddings and the login's VAD come on top)."""
    vectors = [np.stack([b.vectors[p] for p in paths[:2]]) for b in setup.banks]
    start = time.process_time()
    for _ in range(rounds):
        for v, cohort in zip(vectors, setup.cohorts, strict=True):
            cohort.stats(v)
    return 1000 * (time.process_time() - start) / rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, help="npz of CAM++ clip embeddings (voice_login.py's --cache)")
    parser.add_argument("--second-cache", type=Path, help="npz of SE-Res2Net clip embeddings")
    parser.add_argument("--held-out", action="store_true", help="fit on the development part, report held-out")
    args = parser.parse_args()
    voice = get_settings().voice
    sets = parts()
    elsewhere = other_channels()
    banks, longer = loaded_banks(get_embedder("seres2net"), (args.cache, args.second_cache), sets, elsewhere)
    enrol = {"utterances": voice.enrol_utterances, "min_speech_s": voice.enrol_speech_s}
    setup = Scored(banks, [development_cohort(bank) for bank in banks])
    summary_names = ("fusion", "LR + durations", "QMF (all)", f"{THREE}fusion", f"{CENTRED}fusion")

    if not args.held_out:
        pooled, chosen = cross_validation(banks, setup, dict(sets["cv9/dev"]), elsewhere, longer, **enrol)
        print(
            f"\n## Development part, {FOLDS}-fold speaker cross-validation (against every other development speaker "
            f"and {', '.join(OTHER_CHANNELS)}): every scoring fitted on the other folds; [95% intervals]"
        )
        _report(pooled)
        print(f"\nfalse accepts of {' and '.join(OTHER_CHANNELS)} alone")
        _table(["scoring"], {(n,): p.far_bound("librispeech") for n, p in pooled.items()})
        print("\nper fold: what was fitted on the other folds")
        _table(["fold"], chosen)
        results = {"development cv": pooled}
    else:
        results, fitted = held_out(banks, setup, sets, longer, **enrol)
        print("\n## Fitted on the development part")
        _table(["choice"], {(k,): {"value": v} for k, v in fitted.items()})
        print(
            "\n## Held-out part against every other held-out, development and sv_librispeech speaker, fitted on the "
            "development part; [95% intervals]"
        )
        _report(results["held-out"])
        print("\n## sv_librispeech enrolments against sv_librispeech clips, the same fits")
        _table(["scoring"], {(n,): p.figures() for n, p in results["librispeech"].items()})
    cost = login_cpu(setup, [p for ps in next(iter(sets.values())).values() for p in ps])
    print(f"\nlogin CPU of the cohort statistics (both models, login and voiceprint): {cost:.2f} ms")
    parts_summary = []
    for key, pooled in results.items():
        for name in (n for n in summary_names if n in pooled):
            for suffix in ("", SECOND):
                f = {k: str(v).split()[0] for k, v in pooled[name + suffix].figures().items()}
                parts_summary.append(
                    f"{key} {name}{suffix}: eer={f['eer %']}% frr@far0.1%={f['frr@far0.1% %']}% "
                    f"far@thr={f['far@fold thr %']}% frr@thr={f['frr@fold thr %']}%"
                )
    print("\nsummary: " + "; ".join(parts_summary) + f"; cohort stats cpu={cost:.2f}ms")


if __name__ == "__main__":
    main()
