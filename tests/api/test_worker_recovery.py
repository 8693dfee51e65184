"""Real RQ workers on real Redis and PostgreSQL: a worker SIGKILLed mid-job, a server restart that lost its queue."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue

from core.blobs import open_blob_store
from core.db import session_scope
from core.settings import Settings
from core.tables import Job, JobKind, Recording, TranscriptVersion
from tests.api.services import (
    CLIPS,
    REDIS_URL,
    Databases,
    clip,
    make_settings,
    start_service,
    wait_for_job,
    worker_process,
)
from tests.audio_helpers import stitch, write_wav
from workers.jobs import new_job
from workers.options import PipelineOptions
from workers.pipeline import run_pipeline
from workers.queue import make_queue, queue_names, requeue_unfinished


@pytest.fixture
def rq_settings(gobang_home: Path, new_database: Databases) -> Iterator[Settings]:
    """PostgreSQL and Redis, with queue names of this test alone; its Redis keys are removed afterwards."""
    url = new_database("postgresql")
    settings = make_settings(gobang_home, url, redis_url=REDIS_URL)
    yield settings
    redis = Redis.from_url(REDIS_URL)
    with session_scope(settings.resolved_database_url) as db:
        job_ids = list(db.scalars(db.query(Job.id).statement))
    for name in queue_names(settings).values():
        Queue(name, connection=redis).delete(delete_jobs=True)
        for key in redis.scan_iter(f"rq:*:{name}*"):
            redis.delete(key)
    for key in redis.scan_iter(f"{settings.jobs.queue_prefix}:job*"):  # the job status cache
        redis.delete(key)
    for job_id in job_ids:
        redis.delete(f"rq:job:gobang-{job_id}", f"rq:results:gobang-{job_id}", f"rq:executions:gobang-{job_id}")
        for key in redis.scan_iter(f"rq:execution:gobang-{job_id}:*"):
            redis.delete(key)
    redis.close()
    new_database.release(url)


@pytest.fixture(scope="module")
def meeting(tmp_path_factory: pytest.TempPathFactory) -> Path:
    audio, _ = stitch([str(CLIPS / "VIVOSDEV01_R012.wav"), str(CLIPS / "VIVOSDEV01_R027.wav")])
    return write_wav(tmp_path_factory.mktemp("meeting") / "phien-hop.wav", audio)


def test_a_worker_killed_mid_job_is_replaced_and_the_result_is_the_same(rq_settings: Settings, meeting: Path) -> None:
    with start_service(rq_settings) as api:
        job = api.upload(meeting).json()["job"]
        url = f"/jobs/{job['id']}"
        with worker_process(rq_settings) as first:
            deadline = time.monotonic() + 60
            while api.client.get(url, headers=api.auth()).json()["status"] != "running":
                assert first.poll() is None and time.monotonic() < deadline, "the worker never took the job"
                time.sleep(0.05)
            first.kill()  # SIGKILL: no cleanup, no goodbye to Redis or the database
            first.wait(timeout=10)
        assert api.client.get(url, headers=api.auth()).json()["status"] in ("running", "queued")
        with worker_process(rq_settings) as second:
            done = wait_for_job(api.client, job["id"], api.auth(), timeout_s=120)
            assert second.poll() is None
        assert done["status"] == "succeeded" and done["attempts"] == 2, done
        transcript = api.client.get(f"/recordings/{job['recording_id']}/transcript", headers=api.auth()).json()

    uninterrupted = run_pipeline(meeting, PipelineOptions(**done["options"]))
    assert [s["text"] for s in transcript["transcript"]["segments"]] == [s.text for s in uninterrupted.segments]
    with session_scope(rq_settings.resolved_database_url) as db:
        assert db.query(TranscriptVersion).count() == 1  # the dead worker wrote nothing; the result exists once


def test_a_server_restart_with_queued_jobs_loses_nothing(rq_settings: Settings) -> None:
    with start_service(rq_settings) as api:  # no worker running: the jobs wait in Redis
        jobs = [api.upload(clip(name)).json()["job"]["id"] for name in ("VIVOSDEV01_R034.wav", "VIVOSDEV01_R055.wav")]
        headers = api.auth()
    redis = Redis.from_url(REDIS_URL)
    for name in queue_names(rq_settings).values():  # and Redis loses them (a restart without persistence)
        Queue(name, connection=redis).delete(delete_jobs=True)
    redis.close()

    with start_service(rq_settings) as api, worker_process(rq_settings):
        for job_id in jobs:
            assert wait_for_job(api.client, job_id, headers, timeout_s=120)["status"] == "succeeded"
        for job_id in jobs:
            assert api.client.get(f"/jobs/{job_id}", headers=headers).json()["attempts"] == 1


def test_recovered_jobs_go_back_to_the_queue_of_their_kind(rq_settings: Settings) -> None:
    """A minutes job must not wait behind transcriptions on the GPU queue after a restart."""
    with start_service(rq_settings) as api:
        transcription = api.upload(clip("VIVOSDEV01_R034.wav")).json()["job"]
        with session_scope(rq_settings.resolved_database_url) as db:
            minutes = new_job(db, transcription["recording_id"], {}, settings=rq_settings, kind=JobKind.minutes).id
    redis = Redis.from_url(REDIS_URL)
    names = queue_names(rq_settings)
    for name in names.values():
        Queue(name, connection=redis).delete(delete_jobs=True)

    job_queue = make_queue(rq_settings, open_blob_store(rq_settings))
    try:
        assert requeue_unfinished(job_queue, rq_settings) == 2
    finally:
        job_queue.close()
    assert Queue(names["asr-cpu"], connection=redis).job_ids == [f"gobang-{transcription['id']}"]
    assert Queue(names["cpu"], connection=redis).job_ids == [f"gobang-{minutes}"]
    redis.close()


def test_jobs_are_routed_to_queues_by_the_machine_they_need(rq_settings: Settings) -> None:
    """With `gpu_from_s`, long recordings wait in asr-gpu (GPU workers), short ones in asr-cpu, minutes in cpu."""
    settings = rq_settings.model_copy(update={"jobs": rq_settings.jobs.model_copy(update={"gpu_from_s": 600.0})})
    with session_scope(settings.resolved_database_url) as db:
        ids = {}
        for name, duration in (("short", 30.0), ("long", 3600.0)):
            recording = Recording(filename=f"{name}.wav", sha256=name[0] * 64, size=1, duration=duration)
            db.add(recording)
            db.flush()
            ids[name] = new_job(db, recording.id, {}, settings=settings).id
        ids["minutes"] = new_job(db, recording.id, {}, settings=settings, kind=JobKind.minutes).id
    job_queue = make_queue(settings, open_blob_store(settings))
    try:
        assert requeue_unfinished(job_queue, settings) == 3
    finally:
        job_queue.close()
    redis = Redis.from_url(REDIS_URL)
    waiting = {q: Queue(name, connection=redis).job_ids for q, name in queue_names(settings).items()}
    redis.close()
    assert waiting == {
        "asr-gpu": [f"gobang-{ids['long']}"],
        "asr-cpu": [f"gobang-{ids['short']}"],
        "cpu": [f"gobang-{ids['minutes']}"],
    }
