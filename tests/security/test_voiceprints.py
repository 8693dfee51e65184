"""Issue 13, F3 and F12: voiceprints belong to an organisation unit (listing, matching and changes filtered by it,
admins see all, old stores kept), and their changes, listings and downloads are audited and counted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import accounts
from cli.main import app as cli_app
from core.audio import load_audio
from core.db import migrate, session_scope
from core.settings import Settings, get_settings
from core.tables import AuditEvent
from core.transcript import ModelRef, Segment, Transcript
from core.transcript_store import TRANSCRIPTS
from diarization.embedders import get_embedder
from diarization.voiceprints import VoiceprintStore
from tests.api.conftest import assert_problem
from tests.api.services import Service, clip, wait_for_job

CHAIR = "Chủ tọa"
VOICE_A, VOICE_B = "VIVOSDEV01_R012.wav", "VIVOSDEV01_R027.wav"


def _recording_with_speaker(service: Service, who: str, clip_name: str) -> str:
    """A recording uploaded by `who` (so in their unit) whose transcript gives its whole length to one speaker."""
    path = clip(clip_name)
    recording = service.upload(path, who, start_job="false").json()["recording"]
    duration = len(load_audio(path)) / 16000
    transcript = Transcript(
        duration=duration,
        model=ModelRef(engine="vietasr", name="vietasr-ctc"),
        segments=[Segment(id=0, start=0.0, end=duration, text="xin chào", speaker="Người nói 1")],
    )
    with session_scope(service.settings.resolved_database_url) as db:
        TRANSCRIPTS.save(db, recording["id"], transcript, author="test")
    return str(recording["id"])


def _actions(settings: Settings) -> list[tuple[str, str]]:
    with session_scope(settings.resolved_database_url) as db:
        return [(e.actor, e.action) for e in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_f3_units_see_match_and_change_only_their_own_people(service: Service) -> None:
    """Before: a clerk of unit B listed, added samples to and deleted a person enrolled by unit A."""
    rec_a = _recording_with_speaker(service, "clerk", VOICE_A)
    rec_b = _recording_with_speaker(service, "clerk_b", VOICE_B)
    enrol = {"speaker": "Người nói 1", "name": CHAIR}
    made_a = service.client.post("/voiceprints", json=enrol | {"recording_id": rec_a}, headers=service.auth("clerk"))
    assert made_a.status_code == 201, made_a.text
    assert made_a.json()["org_unit_id"] == service.units["a"]
    # The same name in unit B is another person, not more samples for unit A's.
    made_b = service.client.post("/voiceprints", json=enrol | {"recording_id": rec_b}, headers=service.auth("clerk_b"))
    assert made_b.status_code == 201 and made_b.json()["segments"] == 1
    # Unit B cannot enrol from unit A's recording either.
    stolen = enrol | {"recording_id": rec_a, "name": "Người lạ"}
    assert_problem(service.client.post("/voiceprints", json=stolen, headers=service.auth("clerk_b")), 404)

    listed_b = service.client.get("/voiceprints", headers=service.auth("clerk_b")).json()
    assert [(v["name"], v["org_unit_id"]) for v in listed_b] == [(CHAIR, service.units["b"])]
    listed_all = service.client.get("/voiceprints", headers=service.auth("admin")).json()
    assert sorted(v["org_unit_id"] for v in listed_all) == sorted(service.units[u] for u in "ab")

    # Unit B's delete of the shared name removes B's person only; naming unit A's is a 404.
    other_unit = f"/voiceprints/{CHAIR}?org_unit_id={service.units['a']}"
    assert_problem(service.client.delete(other_unit, headers=service.auth("clerk_b")), 404)
    assert service.client.delete(f"/voiceprints/{CHAIR}", headers=service.auth("clerk_b")).status_code == 204
    assert [v["name"] for v in service.client.get("/voiceprints", headers=service.auth("clerk")).json()] == [CHAIR]

    # Matching: unit A's person names a voice in unit A's recordings only.
    store = VoiceprintStore(service.settings.resolved_database_url)
    voice = get_embedder().embed(load_audio(clip(VOICE_A)))
    assert store.for_unit(service.units["a"]).identify(voice) is not None
    assert store.for_unit(service.units["b"]).identify(voice) is None
    assert store.identify(voice) is None  # recordings of no unit

    actions = [a for _, a in _actions(service.settings) if a.startswith("voiceprint.")]
    assert actions.count("voiceprint.enrol") == 2 and "voiceprint.list" in actions and "voiceprint.delete" in actions


def test_f3_a_job_names_speakers_only_after_people_of_its_recordings_unit(service: Service) -> None:
    """Before: diarization matched every enrolled person, so unit B's meeting could carry unit A's names."""
    rec_a = _recording_with_speaker(service, "clerk", VOICE_A)
    enrol = {"recording_id": rec_a, "speaker": "Người nói 1", "name": CHAIR}
    assert service.client.post("/voiceprints", json=enrol, headers=service.auth("clerk")).status_code == 201
    speakers = {}
    for who in ("clerk", "clerk_b"):  # the same voice, once in unit A's recordings and once in unit B's
        job = service.upload(clip(VOICE_A), who, diarize="true").json()["job"]
        assert wait_for_job(service.client, job["id"], service.auth(who), timeout_s=300)["status"] == "succeeded"
        transcript = service.client.get(f"/recordings/{job['recording_id']}/transcript", headers=service.auth(who))
        speakers[who] = {s["speaker"] for s in transcript.json()["transcript"]["segments"]}
    assert speakers["clerk"] == {CHAIR}
    assert CHAIR not in speakers["clerk_b"] and speakers["clerk_b"]


def test_f3_a_store_from_before_units_keeps_its_people_for_admins(tmp_path: Path) -> None:
    """Schema version 1 (people keyed by name alone): moved into the database, its people in no unit until
    assigned."""
    path = tmp_path / "voiceprints.sqlite"
    vector = (np.ones(192) / np.sqrt(192)).astype(np.float32)
    with sqlite3.connect(path) as db:
        db.executescript(
            """CREATE TABLE people (name TEXT PRIMARY KEY, created_at TEXT NOT NULL);
               CREATE TABLE embeddings (id INTEGER PRIMARY KEY, name TEXT NOT NULL REFERENCES people(name)
                   ON DELETE CASCADE, model_id TEXT NOT NULL, dim INTEGER NOT NULL, vector BLOB NOT NULL,
                   seconds REAL NOT NULL, created_at TEXT NOT NULL);
               INSERT INTO people VALUES ('Đại biểu A', '2026-01-01T00:00:00');"""
        )
        db.execute(
            "INSERT INTO embeddings (name, model_id, dim, vector, seconds, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            ("Đại biểu A", "m1", 192, vector.tobytes(), 12.5, "2026-01-01T00:00:00"),
        )
    url = f"sqlite:///{tmp_path / 'gobang.db'}"
    migrate(url, voiceprints_file=path)
    assert not path.exists() and path.with_name("voiceprints.sqlite.migrated").is_file()  # kept, renamed
    with session_scope(url) as db:
        unit = accounts.create_org_unit(db, "Ủy ban Pháp luật", actor="test").id
    store = VoiceprintStore(url)
    kept = store.list(every_unit=True)
    assert [(v.name, v.org_unit_id, v.segments, v.seconds) for v in kept] == [("Đại biểu A", None, 1, 12.5)]
    assert store.for_unit(unit).list() == [] and store.for_unit(unit).identify(vector, model_id="m1") is None
    moved = store.assign("Đại biểu A", unit)
    assert moved.org_unit_id == unit
    assert store.for_unit(unit).identify(vector, model_id="m1") == ("Đại biểu A", pytest.approx(1.0, abs=1e-5))
    migrate(url, voiceprints_file=path)  # started again: nothing moved twice
    assert VoiceprintStore(url).for_unit(unit).list()[0].segments == 1


def test_f12_cli_voiceprint_changes_and_downloads_are_audited_and_counted(
    service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = service.settings
    monkeypatch.setenv("GOBANG_HOME", str(settings.home))
    monkeypatch.setenv("GOBANG_DATABASE_URL", settings.resolved_database_url)
    get_settings.cache_clear()
    try:
        migrate(settings.resolved_database_url)
        with session_scope(settings.resolved_database_url) as db:
            unit = accounts.find_org_unit(db, "Ủy ban A") or accounts.create_org_unit(db, "Ủy ban A", actor="test")
            unit_name = unit.name
        runner = CliRunner()
        enrolled = runner.invoke(cli_app, ["voiceprints", "enroll", CHAIR, str(clip(VOICE_A)), "--org", unit_name])
        assert enrolled.exit_code == 0, enrolled.output
        deleted = runner.invoke(cli_app, ["voiceprints", "delete", CHAIR, "--org", unit_name, "--yes"])
        assert deleted.exit_code == 0, deleted.output
    finally:
        get_settings.cache_clear()
    cli_rows = [(actor, action) for actor, action in _actions(settings) if actor.startswith("cli")]
    assert [action for _, action in cli_rows] == ["voiceprint.enrol", "voiceprint.delete"]

    rec = _recording_with_speaker(service, "clerk", VOICE_A)
    assert service.client.get(f"/recordings/{rec}/audio", headers=service.auth("viewer")).status_code == 200
    exported = service.client.get(f"/recordings/{rec}/transcript/export?format=srt", headers=service.auth("viewer"))
    assert exported.status_code == 200
    seek = service.client.get(f"/recordings/{rec}/audio", headers=service.auth("viewer") | {"Range": "bytes=100-"})
    assert seek.status_code == 206  # a player's seek is not audited again
    reads = [action for _, action in _actions(settings) if action in ("recording.audio", "transcript.export")]
    assert reads == ["recording.audio", "transcript.export"]

    metrics = service.client.get("/metrics").text
    assert 'gobang_audit_events_total{action="voiceprint.enrol"} 1.0' in metrics
    assert 'gobang_audit_events_total{action="recording.audio"} 1.0' in metrics
