from __future__ import annotations

from pathlib import Path

import numpy as np

from asr.vietasr_engine import VietAsrEngine
from core.manifest import ManifestRow
from dialect_adapt.cached_decode import transcribe_cached
from dialect_adapt.features import TOP_K, ClipFeatures, FeatureStore, prune, unprune


def test_cached_posteriors_reproduce_the_default_pipeline_exactly(
    slice_features: list[ClipFeatures], cv_slice: list[ManifestRow], feature_root: Path
) -> None:
    engine = VietAsrEngine()
    for clip in slice_features:
        assert clip.embedding.shape == (192,) and clip.chunks and clip.frame_s == 0.04
        # the baseline text has readable case and punctuation; the cached decode is the same words before that
        assert transcribe_cached(engine, clip).split() == clip.baseline_text.lower().strip(".").split()
    stored = sorted(feature_root.glob("*.npz"))
    assert len(stored) == len(cv_slice) and max(p.stat().st_size for p in stored) < 200_000
    before = [p.stat().st_mtime_ns for p in stored]
    again = FeatureStore(feature_root).get(cv_slice[0].audio_path)  # read back, not recomputed
    assert [p.stat().st_mtime_ns for p in stored] == before
    assert again.baseline_text == slice_features[0].baseline_text


def test_pruning_keeps_the_best_tokens_of_each_frame() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(7, 100)).astype(np.float32)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    index, values = prune(log_probs)
    restored = unprune(index, values, 100)
    assert index.shape == (7, TOP_K)
    assert (restored.argmax(axis=1) == log_probs.argmax(axis=1)).all()
    top = np.sort(log_probs, axis=1)[:, -TOP_K:]
    assert np.allclose(np.sort(restored, axis=1)[:, -TOP_K:], top, atol=1e-2)
