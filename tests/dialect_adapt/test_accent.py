from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.errors import InvalidInputError
from core.manifest import ManifestRow
from dialect_adapt.accent import AccentClassifier, annotate_accents, cross_validate
from dialect_adapt.features import ClipFeatures
from dialect_adapt.folds import assign_folds


def test_classifier_on_real_embeddings_saves_loads_and_reports_per_speaker(
    slice_features: list[ClipFeatures], cv_slice: list[ManifestRow], tmp_path: Path
) -> None:
    embeddings = np.stack([f.embedding for f in slice_features])
    regions = [r.region for r in cv_slice]
    speakers = [r.speaker for r in cv_slice]
    model = AccentClassifier.train(embeddings, regions, speakers)
    assert model.classes == ["North", "South"]
    guesses = model.identify_speakers(embeddings, speakers)
    assert set(guesses) == set(speakers)
    assert all(g.region in model.classes and 0.5 <= g.confidence <= 1 for g in guesses.values())
    model.save(tmp_path / "accent.npz")
    again = AccentClassifier.load(tmp_path / "accent.npz")
    assert np.allclose(again.probabilities(embeddings), model.probabilities(embeddings))
    model.save(tmp_path / "accent.model")  # any name: kept as given, so the configured path loads
    assert AccentClassifier.load(tmp_path / "accent.model").classes == model.classes
    report = cross_validate(embeddings, regions, speakers, assign_folds(cv_slice, 2))
    assert report.confusion.sum() == len(set(speakers)) and report.labels == ["North", "South"]
    assert 0 <= report.accuracy() <= 1 and 0 <= report.accuracy("South") <= 1


def test_bad_input_is_refused(slice_features: list[ClipFeatures], tmp_path: Path) -> None:
    embeddings = np.stack([f.embedding for f in slice_features[:2]])
    with pytest.raises(InvalidInputError, match="two or more regions"):
        AccentClassifier.train(embeddings, ["North", "North"], ["a", "b"])
    (tmp_path / "x.npz").write_bytes(b"junk")
    with pytest.raises(InvalidInputError, match="accent model"):
        AccentClassifier.load(tmp_path / "x.npz")
    model = AccentClassifier(["North", "South"], np.zeros((2, 192)), np.zeros(2))
    with pytest.raises(InvalidInputError, match="no speech"):
        model.identify(np.zeros((0, 192)))


def test_transcript_gets_each_speakers_region_from_their_voice(
    slice_features: list[ClipFeatures], cv_slice: list[ManifestRow]
) -> None:
    from core.audio import SAMPLE_RATE, load_audio
    from core.transcript import ModelRef, Segment, Transcript
    from diarization.embedders import get_embedder

    model = AccentClassifier.train(
        np.stack([f.embedding for f in slice_features]), [r.region for r in cv_slice], [r.speaker for r in cv_slice]
    )
    north, south = cv_slice[0], cv_slice[-1]
    first, second = load_audio(north.audio_path), load_audio(south.audio_path)
    audio = np.concatenate([first, second])
    split = first.size / SAMPLE_RATE
    transcript = Transcript(
        model=ModelRef(engine="vietasr", name="vietasr-ctc"),
        segments=[
            Segment(id=0, start=0.0, end=split, text="a", speaker="Người nói 1"),
            Segment(id=1, start=split, end=audio.size / SAMPLE_RATE, text="b", speaker="Người nói 2"),
            Segment(id=2, start=0.0, end=0.3, text="c"),  # no speaker: ignored
        ],
    )
    embedder = get_embedder("campplus")
    annotated = annotate_accents(transcript, audio, model, embedder)
    assert set(annotated.accents) == {"Người nói 1", "Người nói 2"} and transcript.accents == {}
    for label, row in (("Người nói 1", north), ("Người nói 2", south)):
        expected = model.identify(embedder.embed(load_audio(row.audio_path))[None, :])
        assert annotated.accents[label].region == expected.region  # the clip the model was trained on
        assert 0.5 <= annotated.accents[label].confidence <= 1
    again = Transcript.model_validate_json(annotated.model_dump_json())
    assert again.accents == annotated.accents
