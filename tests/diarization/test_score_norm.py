"""AS-norm against the shipped cohort, on real voices: what the cohort holds, refusal of another model's cohort."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks.voice_login import part_of
from core.errors import ModelError
from core.settings import VoiceSettings
from diarization.score_norm import SHIPPED_COHORT, Cohort, load_cohort, save_cohort
from diarization.verification import enrol, verify
from diarization.voiceprints import VoiceprintStore
from tests.databases import migrated_sqlite
from tests.voice_audio import SPEAKERS, speakers


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> VoiceprintStore:
    return VoiceprintStore(migrated_sqlite(tmp_path_factory.mktemp("v")))


def test_the_shipped_cohort_holds_only_development_speakers_of_the_running_model(store: VoiceprintStore) -> None:
    cohort = load_cohort(SHIPPED_COHORT, model_id=store.embedder.model_id)
    assert cohort.vectors.shape[1] == store.embedder.dim and len(cohort.vectors) >= 100
    assert np.allclose(np.linalg.norm(cohort.vectors, axis=1), 1.0, atol=1e-5)
    people = set(cohort.speakers.astype(str))
    assert len(people) >= 20 and all(part_of(p) == "dev" for p in people)
    assert not people & set(SPEAKERS.values())  # the voices tests enrol are never impostors of the cohort
    assert SHIPPED_COHORT.stat().st_size < 300_000


def test_a_cohort_of_another_model_is_refused(tmp_path: Path, store: VoiceprintStore) -> None:
    with pytest.raises(ModelError, match="mô hình campplus:"):
        load_cohort(SHIPPED_COHORT, model_id="campplus:000000000000")
    shipped = load_cohort(SHIPPED_COHORT, model_id=store.embedder.model_id)
    other = Cohort(shipped.vectors, shipped.speakers, "resemblyzer:ge2e", shipped.top_k)
    save_cohort(tmp_path / "c.npz", other)
    with pytest.raises(ModelError):
        load_cohort(tmp_path / "c.npz", model_id=store.embedder.model_id)
    with pytest.raises(ModelError, match="another speaker model"):
        verify(store, "@an", np.zeros(16000, np.float32), threshold=0.0, cohort=other)
    (tmp_path / "bad.npz").write_bytes(b"not a cohort")
    with pytest.raises(ModelError, match="cannot read"):
        load_cohort(tmp_path / "bad.npz", model_id=store.embedder.model_id)


def test_excluding_a_cohort_speaker_lowers_their_own_statistics(store: VoiceprintStore) -> None:
    cohort = load_cohort(SHIPPED_COHORT, model_id=store.embedder.model_id)
    own = cohort.speakers == cohort.speakers[0]
    mean, _ = cohort.stats(cohort.vectors[0])
    left_out, _ = cohort.stats(cohort.vectors[0], exclude=own[None, :])
    assert mean[0] > left_out[0] + 0.02


def test_normalised_scores_keep_the_owner_above_an_impostor(store: VoiceprintStore) -> None:
    """Only the order is asserted: this impostor (cosine 0.53, refused at the cosine threshold) normalises to
    about 4.9, above `norm_threshold`; one reason AS-norm is off by default (see VoiceSettings.score_norm)."""
    voices, settings = speakers(), VoiceSettings()
    cohort = load_cohort(SHIPPED_COHORT, model_id=store.embedder.model_id)
    enrol(store, "@an", voices["genuine"].enrolment())
    own = verify(store, "@an", voices["genuine"].say("0120"), threshold=settings.norm_threshold, cohort=cohort)
    other = verify(store, "@an", voices["impostor"].say("0120"), threshold=settings.norm_threshold, cohort=cohort)
    assert own.accepted and own.score != own.cosine
    assert own.score > other.score + 2.0 and own.cosine > other.cosine
