from __future__ import annotations

from asr.vietasr_engine import VietAsrEngine
from core.manifest import ManifestRow
from core.text import normalize_for_scoring
from dialect_adapt.beam import CtcBeamDecoder
from dialect_adapt.evaluation import CONFIGS, AdaptConfig, region_wer, run_folds
from dialect_adapt.features import ClipFeatures
from dialect_adapt.folds import assign_folds


def test_every_configuration_runs_on_held_out_folds(
    slice_features: list[ClipFeatures], cv_slice: list[ManifestRow]
) -> None:
    folds = assign_folds(cv_slice, 2)
    engine = VietAsrEngine()
    configured = engine.decoder = CtcBeamDecoder(engine.tokens)  # as GOBANG_ADAPT__BEAM=true would set it
    run = run_folds(cv_slice, slice_features, folds, CONFIGS, engine=engine)
    assert engine.decoder is configured  # the configurations' decoders never replace the engine's own
    assert run.hypotheses["default"] == [normalize_for_scoring(f.baseline_text) for f in slice_features]
    assert set(run.regions) == {r.speaker for r in cv_slice}
    for config in CONFIGS:
        assert all(run.hypotheses[config.name]) and all(t >= 0 for t in run.wall_s[config.name])
        scores = region_wer(cv_slice, run.hypotheses[config.name])
        assert set(scores) == {"North", "South", "all"} and scores["all"] < 0.5


def test_fold_text_lm_never_sees_the_tested_sentences(
    slice_features: list[ClipFeatures], cv_slice: list[ManifestRow]
) -> None:
    # every clip's reference duplicated under a speaker of the other fold: the LM must drop the copies
    twins = [
        ManifestRow(r.audio_path, r.reference_text, speaker=r.speaker + "-twin", region=r.region) for r in cv_slice
    ]
    rows = [*cv_slice, *twins]
    folds = assign_folds(rows, 2)
    for row in cv_slice:
        folds[row.speaker + "-twin"] = 1 - folds[row.speaker]
    strong = AdaptConfig("memorise", correction="all", lm="folds", margin=0.0)
    run = run_folds(rows, [*slice_features, *slice_features], folds, [AdaptConfig("default"), strong])
    scores = region_wer(rows, run.hypotheses["memorise"])
    assert scores["all"] >= region_wer(rows, run.hypotheses["default"])["all"] - 0.05
