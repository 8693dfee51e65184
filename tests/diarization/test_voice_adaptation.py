"""Login voiceprints fed by accepted logins: the source column and its migration, the cap, admins' drop, and why
attempts in another voice cannot walk a voiceprint toward it. Real CAM++ embeddings of real cv9_vi_dev voices."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select, text

from core.db import get_engine, migrate, session_scope
from core.errors import InvalidInputError, NotFoundError
from core.settings import VoiceSettings
from core.tables import EmbeddingSource, VoiceEmbedding
from diarization.embedders import normalize
from diarization.verification import Verification, adapt, enrol, login_fusion, verify
from diarization.voiceprints import VoiceprintStore, account_voiceprint
from tests.api.conftest import database_at_revision
from tests.databases import migrated_sqlite
from tests.voice_audio import speakers

NAME = account_voiceprint("thu.ky")
PHRASES = ("0120", "1234", "4301", "3210", "2041")
"""Digits the genuine test speaker has words for: five different login utterances of theirs."""


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_sources(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new database at the revision before embeddings had a source."""
    with database_at_revision(request.param, "0011_search_tsvector_columns", tmp_path) as url:
        yield url


def test_the_migration_marks_every_existing_embedding_as_enrolled(database_before_sources: str) -> None:
    url = database_before_sources
    now = datetime.now(UTC)
    vector = normalize(np.arange(1, 193, dtype=np.float32)).astype("<f4").tobytes()
    with get_engine(url).begin() as connection:
        connection.execute(
            text("INSERT INTO voice_people (id, name, created_by, created_at, updated_at) VALUES (1, :n, '', :t, :t)"),
            {"n": NAME, "t": now},
        )
        connection.execute(
            text(
                "INSERT INTO voice_embeddings (person_id, model_id, dim, vector, seconds, created_at)"
                " VALUES (1, 'm', 192, :v, 4.0, :t), (1, 'm', 192, :v, 5.0, :t)"
            ),
            {"v": vector, "t": now},
        )
    migrate(url)
    with session_scope(url) as db:
        assert db.scalars(select(VoiceEmbedding.source)).all() == [EmbeddingSource.enrolment] * 2
    [listed] = VoiceprintStore(url).list(accounts=True)
    assert (listed.segments, listed.login_segments) == (2, 0)


def _logins() -> list[np.ndarray]:
    genuine = speakers()["genuine"]
    store = VoiceprintStore("sqlite://")
    return [normalize(store.embedder.embed(genuine.say(p))) for p in PHRASES]


def test_login_embeddings_are_capped_newest_kept_never_outnumber_the_enrolment_and_drop_alone(
    database_url: str,
) -> None:
    store = VoiceprintStore(database_url)
    enrolled = enrol(store, NAME, speakers()["genuine"].enrolment())
    before = store.models(name=NAME)[NAME]
    logins = _logins()

    held = [store.add_login_embedding(NAME, v, 4.0, keep=3) for v in logins]
    assert held == [1, 2, 3, 3, 3]
    [listed] = store.list(accounts=True)
    assert (listed.segments, listed.login_segments) == (enrolled.segments + 3, 3)
    with session_scope(database_url) as db:
        login = VoiceEmbedding.source == EmbeddingSource.login
        kept = db.scalars(select(VoiceEmbedding.vector).where(login).order_by(VoiceEmbedding.id)).all()
    assert np.allclose([np.frombuffer(k, "<f4") for k in kept], logins[2:], atol=1e-6)  # the oldest went first
    adapted = store.models(name=NAME)[NAME]
    assert adapted @ before < 0.9999 and store.models(name=NAME, enrolled_only=True)[NAME] @ before == pytest.approx(1)
    assert store.embeddings(accounts=True)[NAME].shape[0] == enrolled.segments  # calibration: the enrolment only

    many = [store.add_login_embedding(NAME, logins[i % len(logins)], 4.0, keep=100) for i in range(12)]
    assert max(many) == many[-1] == enrolled.segments  # never more login embeddings than enrolled ones

    with pytest.raises(InvalidInputError):
        store.add_login_embedding("Đại biểu A", logins[0], 4.0, keep=3)  # meeting speakers are not fed by logins
    with pytest.raises(NotFoundError):
        store.add_login_embedding(account_voiceprint("khong.co"), logins[0], 4.0, keep=3)
    assert store.drop_login_embeddings(NAME) == enrolled.segments
    [listed] = store.list(accounts=True)
    assert (listed.segments, listed.login_segments) == (enrolled.segments, 0)
    assert store.models(name=NAME)[NAME] @ before == pytest.approx(1.0)
    with pytest.raises(NotFoundError):
        store.drop_login_embeddings(account_voiceprint("khong.co"))


def test_attempts_in_another_voice_never_walk_the_voiceprint_toward_it(tmp_path: Path) -> None:
    """The impostor's own utterances (grey zone or below) are never added, however often they try. A walk of
    made-up embeddings from the owner's voice toward the impostor's, each step accepted with the margin by the
    voiceprint as it stands after the steps before, stops where the enrolment alone stops accepting with the
    margin: what can be added is fixed by the enrolment, not by what was added before. (Steps inside that bar
    do move the voiceprint: they are logins already accepted with a wide margin, which is why `voice.adapt` is
    off by default and admins can drop what logins added.)"""
    voice = VoiceSettings()
    threshold, margin = voice.threshold, voice.adapt_margin
    voices = speakers()
    store = VoiceprintStore(migrated_sqlite(tmp_path))
    enrol(store, NAME, voices["genuine"].enrolment())
    anchor = store.models(name=NAME)[NAME]
    attempts = [voices["impostor"].say(p) for p in ("0120", "1259", "9021", "5102", "2190", "0512")]

    for audio in attempts:
        attempt = verify(store, NAME, audio, threshold=threshold)
        assert adapt(store, NAME, attempt, 4.0, threshold=threshold, margin=margin, keep=5) is None
    [listed] = store.list(accounts=True)
    assert listed.login_segments == 0

    impostor = normalize(store.embedder.embed(attempts[0]))
    taken, refused_by_anchor = [], 0
    for t in np.linspace(0.0, 1.0, 101):
        step = normalize((1 - t) * anchor + t * impostor)
        cosine = float(store.models(name=NAME)[NAME] @ step)
        if cosine < threshold + margin:
            continue
        login = Verification(score=cosine, accepted=True, threshold=threshold, cosine=cosine, embedding=step)
        if adapt(store, NAME, login, 4.0, threshold=threshold, margin=margin, keep=5) is None:
            refused_by_anchor += 1
        else:
            taken.append(float(step @ anchor))
    assert refused_by_anchor > 0  # the voiceprint as it stood would have taken these: the enrolment did not
    assert taken and min(taken) >= threshold + margin - 1e-6
    for audio in attempts:  # the voiceprint moved, the bar did not: the impostor's own voice is still not added
        attempt = verify(store, NAME, audio, threshold=threshold)
        assert adapt(store, NAME, attempt, 4.0, threshold=threshold, margin=margin, keep=5) is None


def test_a_login_accepted_on_the_fused_score_adds_both_models_held_to_the_fused_bar_and_the_enrolment(
    tmp_path: Path,
) -> None:
    """A voiceprint of CAM++ and SE-Res2Net is scored fused: the margin applies to the fused score (over the fusion
    threshold), the enrolment anchor is fused too, and what is added is both models' embeddings of the login, so
    the voiceprint's two models stay of the same utterances."""
    voice, voices = VoiceSettings(), speakers()
    fusion = login_fusion(voice)
    assert fusion is not None
    store = VoiceprintStore(migrated_sqlite(tmp_path))
    enrol(store, NAME, voices["genuine"].enrolment(), also=(fusion.embedder,))
    login = verify(store, NAME, voices["genuine"].say("0120"), threshold=voice.threshold, fusion=fusion)
    assert login.accepted and login.second is not None and login.cosine_score == login.score != login.cosine
    wide = login.score - fusion.threshold  # no login added yet: the enrolment alone scores it the same

    assert adapt(store, NAME, login, 4.0, threshold=voice.threshold, margin=wide + 0.002, keep=2) is None
    assert adapt(store, NAME, login, 4.0, threshold=voice.threshold, margin=wide - 0.002, keep=2) == 1
    with session_scope(store.url) as db:
        added = db.execute(
            select(VoiceEmbedding.model_id, VoiceEmbedding.vector).where(VoiceEmbedding.source == EmbeddingSource.login)
        ).all()
    assert sorted(m for m, _ in added) == sorted([store.embedder.model_id, fusion.embedder.model_id])
    stored = {m: np.frombuffer(v, "<f4") for m, v in added}
    assert np.allclose(stored[store.embedder.model_id], login.embedding, atol=1e-6)
    assert np.allclose(stored[fusion.embedder.model_id], login.second[1], atol=1e-6)
    [listed] = store.list(accounts=True)
    assert listed.login_segments == 1 and listed.models == 2

    # an impostor's embeddings claimed accepted far over the bar: the fused enrolment alone does not take them
    impostor = voices["impostor"].say("0120")
    probe, second = normalize(store.embedder.embed(impostor)), normalize(fusion.embedder.embed(impostor))
    claimed = Verification(0.99, True, fusion.threshold, 0.99, probe, (fusion, second))
    assert adapt(store, NAME, claimed, 4.0, threshold=voice.threshold, margin=0.05, keep=2) is None
    assert store.drop_login_embeddings(NAME) == 1  # one login, both models' embeddings of it gone
    assert store.models(fusion.embedder.model_id, name=NAME)[NAME] @ store.models(
        fusion.embedder.model_id, name=NAME, enrolled_only=True
    )[NAME] == pytest.approx(1.0)
