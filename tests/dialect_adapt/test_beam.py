"""Beam search on real vietasr posteriors, and hotword boosting on posteriors where two words compete."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asr.ctc import WORD_MARK, greedy_decode
from asr.engine import DecodeOptions
from asr.transcriber import Transcriber
from asr.vietasr_engine import VietAsrEngine
from core.manifest import ManifestRow, read_manifest
from core.settings import AdaptSettings, get_settings
from core.text import normalize_for_scoring
from dialect_adapt.beam import BeamSettings, CtcBeamDecoder
from dialect_adapt.cached_decode import transcribe_cached
from dialect_adapt.corpus import train_lm
from dialect_adapt.engine_decoder import shipped_lm
from dialect_adapt.features import ClipFeatures, FeatureStore
from workers.pipeline import adapted_engine


@pytest.fixture(scope="module")
def engine() -> VietAsrEngine:
    return VietAsrEngine()


def test_beam_without_lm_finds_the_greedy_path_on_real_posteriors(
    engine: VietAsrEngine, slice_features: list[ClipFeatures]
) -> None:
    decoder = CtcBeamDecoder(engine.tokens, settings=BeamSettings(beta=0.0))
    for clip in slice_features[:4]:
        for chunk in clip.chunks:
            greedy = [h.token for h in greedy_decode(chunk.log_probs)]
            assert [h.token for h in decoder(chunk.log_probs)] == greedy


def test_lm_beam_stays_close_to_the_reference(
    engine: VietAsrEngine, slice_features: list[ClipFeatures], cv_slice: list[ManifestRow]
) -> None:
    import jiwer

    engine.decoder = CtcBeamDecoder(engine.tokens, lm=train_lm(), settings=BeamSettings(alpha=0.1, beta=0.5))
    refs = [normalize_for_scoring(r.reference_text) for r in cv_slice]
    beam = [normalize_for_scoring(transcribe_cached(engine, f)) for f in slice_features]
    greedy = [normalize_for_scoring(f.baseline_text) for f in slice_features]
    assert jiwer.wer(refs, beam) <= jiwer.wer(refs, greedy) + 0.05


def _competing(vocabulary: int, first: int, second: int) -> np.ndarray:
    """One frame where `first` (0.52) and `second` (0.46) compete, then a blank frame."""
    row = np.full(vocabulary, -20.0)
    row[first], row[second] = np.log(0.52), np.log(0.46)
    blank = np.full(vocabulary, -20.0)
    blank[0] = -0.001
    return np.array([row, blank], dtype=np.float32)


def test_hotwords_tip_a_close_call_towards_the_glossary(engine: VietAsrEngine) -> None:
    tokens = engine.tokens
    first, second = [i for i, t in enumerate(tokens) if t.startswith(WORD_MARK) and len(t) > 2][10:12]
    posteriors = _competing(len(tokens), first, second)
    plain = CtcBeamDecoder(tokens)
    assert [h.token for h in plain(posteriors)] == [first]
    boosted = plain.with_hotwords([tokens[second].replace(WORD_MARK, "")])
    assert [h.token for h in boosted(posteriors)] == [second]


def test_engine_uses_the_beam_decoder_and_request_hotwords_when_configured(
    monkeypatch: pytest.MonkeyPatch, cv_slice: list[ManifestRow]
) -> None:
    monkeypatch.setenv("GOBANG_ADAPT__BEAM", "true")
    get_settings.cache_clear()
    engine = adapted_engine("vietasr", None, get_settings())
    assert isinstance(engine.decoder, CtcBeamDecoder)  # type: ignore[attr-defined]
    assert engine.decoder.lm is shipped_lm()  # type: ignore[attr-defined]  # nothing trained in the home
    row = cv_slice[0]
    text = Transcriber(engine).transcribe(row.audio_path, DecodeOptions(hotwords=("Hà Nội",))).text
    import jiwer

    assert jiwer.wer(normalize_for_scoring(row.reference_text), normalize_for_scoring(text)) < 0.5


@pytest.fixture(scope="module")
def confused(evaldata: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, ClipFeatures]:
    """Two development clips the network gets slightly wrong, computed into a store of their own."""
    rows = {r.audio_path.name: r for r in read_manifest(evaldata / "cv9_vi_dev" / "MANIFEST.tsv")}
    store = FeatureStore(tmp_path_factory.mktemp("confused-features"))
    names = ("common_voice_vi_25226336.flac", "common_voice_vi_23423357.flac")
    return {name: store.get(rows[name].audio_path) for name in names}


def _settings() -> BeamSettings:
    """The shipped defaults (`AdaptSettings`, chosen on cv9_vi_dev's development folds)."""
    adapt = AdaptSettings()
    return BeamSettings(alpha=adapt.alpha, beta=adapt.beta, beam_width=adapt.beam_width)


def test_legal_lm_fixes_an_acoustic_confusion_on_real_posteriors(
    engine: VietAsrEngine, confused: dict[str, ClipFeatures]
) -> None:
    """The network hears "ô tô cắn đứt"; the corpus LM knows "ô tô cán" is meant (reference: "…bị ô tô cán đứt…")."""
    features = confused["common_voice_vi_25226336.flac"]
    assert "ô tô cắn đứt" in normalize_for_scoring(features.baseline_text)  # the acoustic confusion itself
    decoder = CtcBeamDecoder(engine.tokens, lm=shipped_lm(), settings=_settings())
    beam = normalize_for_scoring(transcribe_cached(engine, features, decoder))
    assert beam == "nghe nói là bị ô tô cán đứt cả người"


def test_unknown_pieces_are_not_glued_onto_words(engine: VietAsrEngine, confused: dict[str, ClipFeatures]) -> None:
    """Greedy decoding writes "voii"; with the LM a piece that makes no known syllable costs its penalty."""
    features = confused["common_voice_vi_23423357.flac"]
    assert "voii" in normalize_for_scoring(features.baseline_text).split()
    decoder = CtcBeamDecoder(engine.tokens, lm=shipped_lm(), settings=_settings())
    assert normalize_for_scoring(transcribe_cached(engine, features, decoder)) == "tránh voi chẳng xấu mặt nào"


def test_hotwords_still_win_a_close_call_with_the_legal_lm(engine: VietAsrEngine) -> None:
    """Two competing words, the glossary naming the less probable one: with the corpus LM on, it wins."""
    tokens = engine.tokens
    lm = shipped_lm()
    first, second = [
        i for i, t in enumerate(tokens) if t.startswith(WORD_MARK) and t[1:] in lm.vocabulary and len(t) > 2
    ][10:12]
    posteriors = _competing(len(tokens), first, second)
    plain = CtcBeamDecoder(tokens, lm=lm, settings=_settings())
    chosen = [h.token for h in plain(posteriors)]
    other = second if chosen == [first] else first
    boosted = plain.with_hotwords([tokens[other].replace(WORD_MARK, "")])
    assert [h.token for h in boosted(posteriors)] == [other]
