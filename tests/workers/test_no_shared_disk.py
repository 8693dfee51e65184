"""Proof that gobang runs on machines that share no disk: an API and two `gobang worker` processes, each with
its own GOBANG_HOME, meet only through PostgreSQL, Redis and an S3 server (moto over HTTP).

Twenty real recordings are uploaded at once (every fourth resumably, in three pieces); every one must be
transcribed exactly once, by one of the workers, and nothing may be lost. Each home holds a link to the
session's model cache: models are software each machine installs, not data the machines share.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from core.audio import load_audio
from core.db import session_scope
from core.settings import Settings, TextSettings
from core.tables import Job, Recording, TranscriptDoc
from core.transcript import ModelRef, Segment, Transcript
from core.transcript_store import TRANSCRIPTS
from tests.api.services import (
    REDIS_URL,
    REPO,
    Databases,
    LiveService,
    make_settings,
    start_live,
    worker_env,
)
from tests.conftest import manifest
from tests.s3_server import S3Server, s3_server

__all__ = ["s3_server"]
pytestmark = pytest.mark.slow

RECORDINGS = 20
PIECES = 3


def _storage_env(settings: Settings) -> dict[str, str]:
    storage = settings.storage
    return {
        "GOBANG_STORAGE__BACKEND": storage.backend,
        "GOBANG_STORAGE__ENDPOINT_URL": storage.endpoint_url or "",
        "GOBANG_STORAGE__BUCKET": storage.bucket,
        "GOBANG_STORAGE__ACCESS_KEY_ID": storage.access_key_id or "",
        "GOBANG_STORAGE__SECRET_ACCESS_KEY": storage.secret_access_key or "",
        "GOBANG_STORAGE__PART_MB": str(storage.part_mb),
        "GOBANG_TEXT__WRITTEN_FORM": "false",
    }


@contextmanager
def gobang_worker(settings: Settings, models: Path) -> Iterator[Path]:
    """`gobang worker` in its own process and its own home; yields its log file."""
    settings.home.mkdir(parents=True)
    (settings.home / "models").symlink_to(models, target_is_directory=True)
    log = settings.home / "worker.log"
    env = worker_env(settings) | _storage_env(settings) | {"GOBANG_LOG_LEVEL": "INFO"}
    command = [sys.executable, "-c", "from cli.main import app; app(prog_name='gobang')", "worker"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while "worker:" not in log.read_text(errors="replace"):  # its first line, once it listens
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gobang worker did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield log
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory, gobang_home: Path, new_database: Databases, s3_server: S3Server
) -> Iterator[tuple[LiveService, list[Path]]]:
    """The API (home `api`) and two workers (homes `w1`, `w2`) over PostgreSQL, Redis and S3."""
    tmp_path = tmp_path_factory.mktemp("cluster")
    models = gobang_home / "models"
    models.mkdir(parents=True, exist_ok=True)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "models").symlink_to(models, target_is_directory=True)  # the API embeds enrolled voices
    url = new_database("postgresql")
    api = make_settings(
        tmp_path / "api",
        url,
        redis_url=REDIS_URL,
        storage=s3_server.storage(),
        text=TextSettings(written_form=False),
    )
    with ExitStack() as stack:
        live = stack.enter_context(start_live(api))
        logs = [
            stack.enter_context(gobang_worker(api.model_copy(update={"home": tmp_path / name}), models))
            for name in ("w1", "w2")
        ]
        yield live, logs
    new_database.release(url)


def _clips() -> list[Path]:
    rows = manifest("vi_vivos_dev01_8utt") + manifest("cv9_vi_dev")
    return [Path(r["audio_path"]) for r in rows[:RECORDINGS]]


def _post(client: httpx.Client, path: Path) -> str:
    answer = client.post("/recordings", files={"file": (path.name, path.read_bytes())})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["job"]["id"])


def _resumable(client: httpx.Client, path: Path) -> str:
    """Announce, then send the file in pieces, asking where to resume after each (as a client that lost them)."""
    data = path.read_bytes()
    body = {"filename": path.name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    upload_id = client.post("/uploads", json=body, headers={"Idempotency-Key": path.name}).json()["id"]
    step = len(data) // PIECES + 1
    while True:
        offset = int(client.head(f"/uploads/{upload_id}").headers["upload-offset"])
        end = min(offset + step, len(data))
        answer = client.put(
            f"/uploads/{upload_id}",
            content=data[offset:end],
            headers={"Content-Range": f"bytes {offset}-{end - 1}/{len(data)}"},
        )
        assert answer.status_code in (200, 201), answer.text
        if answer.status_code == 201:
            return str(answer.json()["job_id"])


def _wait(client: httpx.Client, job_ids: list[str], timeout_s: float) -> dict[str, dict[str, Any]]:
    deadline = time.monotonic() + timeout_s
    while True:
        jobs = {j: client.get(f"/jobs/{j}").json() for j in job_ids}
        if all(job["status"] in ("succeeded", "failed", "cancelled") for job in jobs.values()):
            return jobs
        if time.monotonic() > deadline:
            pytest.fail(f"jobs unfinished after {timeout_s} s: {Counter(j['status'] for j in jobs.values())}")
        time.sleep(0.5)


def test_twenty_uploads_each_transcribed_once_by_workers_sharing_no_disk(
    cluster: tuple[LiveService, list[Path]],
) -> None:
    live, logs = cluster
    clips = _clips()
    with live.client("service") as client, ThreadPoolExecutor(8) as pool:
        job_ids = list(pool.map(lambda i: (_resumable if i % 4 == 0 else _post)(client, clips[i]), range(RECORDINGS)))
        jobs = _wait(client, job_ids, timeout_s=150)

    assert len(set(job_ids)) == RECORDINGS
    assert {j: job["status"] for j, job in jobs.items()} == dict.fromkeys(job_ids, "succeeded")
    with session_scope(live.settings.resolved_database_url) as db:
        assert db.scalar(select(func.count()).select_from(Recording)) == RECORDINGS
        assert db.scalar(select(func.count()).select_from(Job)) == RECORDINGS
        versions = dict(db.execute(select(TranscriptDoc.recording_id, TranscriptDoc.version)).all())
        assert sorted(versions.values()) == [1] * RECORDINGS  # one result each, none written twice
        assert all(attempts == 1 for attempts in db.scalars(select(Job.attempts)))

    ran = [Counter(re.findall(r"job_succeeded job=(\w+)", log.read_text(errors="replace"))) for log in logs]
    assert all(ran), f"each worker ran jobs: {[sum(r.values()) for r in ran]}"
    assert sum(ran, Counter()) == Counter(job_ids)  # every job ran once, on one of the two workers
    for home in (live.settings.home, *(log.parent for log in logs)):  # no audio, whole or in parts, on any disk
        kept = [p for p in home.rglob("*") if p.is_file() and "models" not in p.parts and p.suffix != ".log"]
        assert not [p for p in kept if p.stat().st_size > 10_000], kept


CHAIR = "Chủ tọa"


def test_a_voice_enrolled_through_the_api_names_a_speaker_in_a_workers_job(
    cluster: tuple[LiveService, list[Path]],
) -> None:
    live, _logs = cluster
    path = manifest("vi_vivos_dev01_8utt")[0]["audio_path"]
    with httpx.Client(base_url=live.base_url, headers=live.auth("clerk"), timeout=600) as client:  # models build
        recording = client.post(
            "/recordings", files={"file": ("chu-toa.wav", Path(path).read_bytes())}, data={"start_job": "false"}
        ).json()["recording"]
        duration = len(load_audio(path)) / 16000
        transcript = Transcript(
            duration=duration,
            model=ModelRef(engine="vietasr", name="vietasr-ctc"),
            segments=[Segment(id=0, start=0.0, end=duration, text="xin chào", speaker="Người nói 1")],
        )
        with session_scope(live.settings.resolved_database_url) as db:
            TRANSCRIPTS.save(db, recording["id"], transcript, author="test")
        enrol = {"recording_id": recording["id"], "speaker": "Người nói 1", "name": CHAIR}
        assert client.post("/voiceprints", json=enrol).status_code == 201
        again = client.post(
            "/recordings", files={"file": ("hop.wav", Path(path).read_bytes())}, data={"diarize": "true"}
        ).json()["job"]
        assert _wait(client, [again["id"]], timeout_s=300)[again["id"]]["status"] == "succeeded"
        named = client.get(f"/recordings/{again['recording_id']}/transcript").json()["transcript"]["segments"]
    assert {s["speaker"] for s in named} == {CHAIR}
