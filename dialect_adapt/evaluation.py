"""Adaptation configurations run over speaker-disjoint folds of cached features.

For each fold, everything that learns (the accent classifier, a language model that uses manifest
text) is fitted on the other folds only; the fold's own references are never seen, and sentences
that also occur in the fold are removed from the training text. The baseline is the speech core's
default (the vietasr pipeline), read from the feature cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from asr.vietasr_engine import VietAsrEngine
from core.manifest import ManifestRow
from core.text import normalize_for_scoring
from dialect_adapt.accent import AccentClassifier, RegionGuess
from dialect_adapt.beam import BeamSettings, CtcBeamDecoder
from dialect_adapt.cached_decode import transcribe_cached
from dialect_adapt.corpus import train_lm
from dialect_adapt.correction import ConfusionSets, DialectCorrector
from dialect_adapt.engine_decoder import shipped_lm
from dialect_adapt.features import ClipFeatures
from dialect_adapt.folds import region_of, split
from dialect_adapt.lm import LanguageModel

LmSource = str
"""`dict`: dictionary + gazetteer only; `folds`: plus the other folds' references; `legal`: the shipped
legal-corpus trigram (`dialect_adapt.engine_decoder.shipped_lm`)."""


@dataclass(frozen=True)
class AdaptConfig:
    name: str
    beam: BeamSettings | None = None
    """None keeps the default greedy decoding (the cached baseline text)."""
    lm: LmSource = "dict"
    correction: str | None = None
    """None, `all` (every confusion set) or `routed` (the sets of the speaker's identified region)."""
    margin: float = 4.0


DICT_BEAM = BeamSettings(alpha=0.1, beta=0.5)
"""Best of a sweep on cv9_vi_dev (alpha 0.1-1.0, beta 0-2): a dictionary LM only helps when weighted lightly."""
FOLDS_BEAM = BeamSettings(alpha=0.3, beta=1.5)
"""Best of the same sweep with the other folds' sentences in the LM."""
LEGAL_BEAM = BeamSettings(alpha=0.3, beta=2.0)
"""Best on the development folds for the shipped legal-corpus LM (`benchmarks/lm_decoding.py`)."""

CONFIGS: tuple[AdaptConfig, ...] = (
    AdaptConfig("default"),
    AdaptConfig("beam+lm(dict)", beam=DICT_BEAM),
    AdaptConfig("beam+lm(folds)", beam=FOLDS_BEAM, lm="folds"),
    AdaptConfig("beam+lm(legal)", beam=LEGAL_BEAM, lm="legal"),
    AdaptConfig("correct(dict)", correction="all", margin=3.0),
    AdaptConfig("correct-routed(folds)", correction="routed", lm="folds", margin=3.0),
    AdaptConfig("beam(folds)+correct-routed", beam=FOLDS_BEAM, lm="folds", correction="routed", margin=3.0),
)


@dataclass
class FoldRun:
    """Hypotheses (normalised) of every configuration and the identified region of every speaker."""

    hypotheses: dict[str, list[str]] = field(default_factory=dict)
    wall_s: dict[str, list[float]] = field(default_factory=dict)
    """Seconds each clip took after the acoustic model (decoding and correction)."""
    regions: dict[str, RegionGuess] = field(default_factory=dict)


StepProgress = Callable[[str, int, int], None]
"""Called with (step name, done, of) as each evaluation step advances."""


def _lm_for(source: LmSource, rows: Sequence[ManifestRow], train: list[int], test: list[int]) -> LanguageModel:
    if source == "dict":
        return train_lm()
    if source == "legal":
        return shipped_lm()
    held_out = {normalize_for_scoring(rows[i].reference_text) for i in test}
    texts = [rows[i].reference_text for i in train if normalize_for_scoring(rows[i].reference_text) not in held_out]
    return train_lm(texts)


def run_folds(
    rows: Sequence[ManifestRow],
    features: Sequence[ClipFeatures],
    folds: dict[str, int],
    configs: Sequence[AdaptConfig] = CONFIGS,
    *,
    engine: VietAsrEngine | None = None,
    progress: StepProgress | None = None,
) -> FoldRun:
    """Every configuration on every fold; hypotheses are in the order of `rows`."""
    engine = engine or VietAsrEngine()
    run = FoldRun({c.name: [""] * len(rows) for c in configs}, {c.name: [0.0] * len(rows) for c in configs})
    fold_ids = sorted(set(folds.values()))
    for done, fold in enumerate(fold_ids, start=1):
        train, test = split(rows, folds, fold)
        if not test:
            continue
        accent = AccentClassifier.train(
            np.stack([features[i].embedding for i in train]),
            [region_of(rows[i]) for i in train],
            [rows[i].speaker for i in train],
        )
        guesses = accent.identify_speakers(
            np.stack([features[i].embedding for i in test]), [rows[i].speaker for i in test]
        )
        run.regions.update(guesses)
        lms: dict[str, LanguageModel] = {}
        for config in configs:
            if config.beam is not None or config.correction:
                lms.setdefault(config.lm, _lm_for(config.lm, rows, train, test))
            for i in test:
                began = time.perf_counter()
                run.hypotheses[config.name][i] = _hypothesis(config, features[i], engine, lms, guesses[rows[i].speaker])
                run.wall_s[config.name][i] = time.perf_counter() - began
        if progress is not None:
            progress("folds", done, len(fold_ids))
    return run


def _hypothesis(
    config: AdaptConfig, clip: ClipFeatures, engine: VietAsrEngine, lms: dict[str, LanguageModel], guess: RegionGuess
) -> str:
    if config.beam is None:
        text = normalize_for_scoring(clip.baseline_text)
    else:
        decoder = CtcBeamDecoder(engine.tokens, lm=lms[config.lm], settings=config.beam)
        text = normalize_for_scoring(transcribe_cached(engine, clip, decoder))
    if config.correction:
        sets = ConfusionSets.for_region(guess.region) if config.correction == "routed" else ConfusionSets()
        text = DialectCorrector(lms[config.lm], sets=sets, margin=config.margin).correct(text)
    return text


def region_wer(rows: Sequence[ManifestRow], hypotheses: Sequence[str]) -> dict[str, float]:
    """Corpus WER per region and over all clips ("all"), references normalised for scoring."""
    import jiwer

    references = [normalize_for_scoring(r.reference_text) for r in rows]
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(region_of(row), []).append(i)
    scores = {
        region: float(jiwer.wer([references[i] for i in idx], [hypotheses[i] for i in idx]))
        for region, idx in sorted(groups.items())
    }
    scores["all"] = float(jiwer.wer(references, list(hypotheses)))
    return scores
