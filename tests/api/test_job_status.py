"""Status reads that scale (issue 18): job status cached in Redis by whoever changes the row, read by the API
first, ETag and 304, the event stream fed by Redis pub/sub; and the database path with no Redis at all."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from redis import Redis
from sqlalchemy import update

from api.routers import jobs as jobs_router
from core.db import session_scope
from core.settings import Settings
from core.tables import Job, JobStatus
from tests.api.conftest import assert_problem
from tests.api.services import (
    REDIS_URL,
    Service,
    clip,
    start_service,
    wait_for_job,
    worker_process,
)
from workers.job_status import publish, read_snapshot, status_cache
from workers.jobs import claim


def _queued_job(api: Service) -> str:
    """A job waiting in the queue (no worker runs here): its state changes only when the test changes it."""
    recording = api.upload(clip(), start_job="false").json()["recording"]
    made = api.client.post(f"/recordings/{recording['id']}/jobs", json={}, headers=api.auth())
    assert made.status_code == 202, made.text
    return str(made.json()["id"])


def _change_row(settings: Settings, job_id: str, **values: Any) -> None:
    """Change the job's row the way a worker does, without telling the cache (yet)."""
    with session_scope(settings.resolved_database_url) as db:
        db.execute(update(Job).where(Job.id == job_id).values(**values))


def test_status_is_read_from_the_cache_and_falls_back_to_the_database(redis_settings: Settings) -> None:
    with start_service(redis_settings) as api:
        job_id = _queued_job(api)
        status = status_cache(redis_settings)
        assert status is not None
        redis = Redis.from_url(REDIS_URL)
        first = api.client.get(f"/jobs/{job_id}", headers=api.auth())
        assert first.status_code == 200 and first.json()["status"] == "queued"
        assert redis.ttl(status.key(job_id)) > 0  # cached, with a TTL

        # The row changes behind the cache's back: the status still comes from the cache, the database is not read.
        _change_row(redis_settings, job_id, stage="transcribe", progress=0.25)
        assert api.client.get(f"/jobs/{job_id}", headers=api.auth()).json()["progress"] == 0.0
        # A writer publishes after its commit: the next read has it.
        publish(redis_settings, job_id)
        assert api.client.get(f"/jobs/{job_id}", headers=api.auth()).json()["progress"] == 0.25

        # The key gone (expired, or Redis restarted): read from the database and cached again.
        _change_row(redis_settings, job_id, progress=0.5)
        redis.delete(status.key(job_id))
        assert api.client.get(f"/jobs/{job_id}", headers=api.auth()).json()["progress"] == 0.5
        assert redis.exists(status.key(job_id))

        # The cached unit decides who may read it, as the database's does.
        assert_problem(api.client.get(f"/jobs/{job_id}", headers=api.auth("clerk_b")), 404)
        assert api.client.get(f"/jobs/{job_id}", headers=api.auth("admin")).status_code == 200
        redis.close()


def test_a_finished_job_is_never_reported_from_an_older_write(redis_settings: Settings) -> None:
    """Writes after commits can arrive out of order: the cache keeps the newest state in the job's life."""
    with start_service(redis_settings) as api:
        job_id = _queued_job(api)
        status = status_cache(redis_settings)
        assert status is not None
        url = redis_settings.resolved_database_url
        assert claim(job_id, url) is not None
        running = read_snapshot(url, job_id)  # read by a slow writer, written only later
        assert running is not None
        _change_row(redis_settings, job_id, status=JobStatus.succeeded, stage="done", progress=1.0)
        publish(redis_settings, job_id)
        assert status.put(*running) is False  # refused: older than what is cached
        assert api.client.get(f"/jobs/{job_id}", headers=api.auth()).json()["status"] == "succeeded"

        # The same within a run: progress 0.6 written after 0.8 is not reported over it.
        other = _queued_job(api)
        assert claim(other, url) is not None
        _change_row(redis_settings, other, progress=0.6)
        slow = read_snapshot(url, other)
        assert slow is not None
        _change_row(redis_settings, other, progress=0.8)
        publish(redis_settings, other)
        assert status.put(*slow) is False
        assert api.client.get(f"/jobs/{other}", headers=api.auth()).json()["progress"] == 0.8


def test_an_unchanged_status_answers_304_to_its_etag(redis_settings: Settings) -> None:
    with start_service(redis_settings) as api:
        job_id = _queued_job(api)
        first = api.client.get(f"/jobs/{job_id}", headers=api.auth())
        etag = first.headers["etag"]
        assert etag.startswith('"') and first.headers["cache-control"] == "no-cache"
        again = api.client.get(f"/jobs/{job_id}", headers=api.auth() | {"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
        _change_row(redis_settings, job_id, stage="transcribe", progress=0.1)
        publish(redis_settings, job_id)
        changed = api.client.get(f"/jobs/{job_id}", headers=api.auth() | {"If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["etag"] != etag and changed.json()["progress"] == 0.1
        # Another unit's caller learns nothing from an ETag either.
        assert_problem(api.client.get(f"/jobs/{job_id}", headers=api.auth("clerk_b") | {"If-None-Match": etag}), 404)


def _read_events(api: Service, job_id: str, out: list[tuple[str, dict[str, Any], float]]) -> None:
    name = ""
    with api.client.stream("GET", f"/jobs/{job_id}/events", headers=api.auth("viewer")) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                out.append((name, json.loads(line.split(":", 1)[1]), time.monotonic()))


def test_the_event_stream_is_fed_by_published_changes(
    redis_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the stream's own re-reads a minute apart, only what the writers publish can reach it in time."""
    monkeypatch.setattr(jobs_router, "EVENT_RECHECK_S", 60.0)
    with start_service(redis_settings) as api:
        job_id = _queued_job(api)
        events: list[tuple[str, dict[str, Any], float]] = []
        reader = threading.Thread(target=_read_events, args=(api, job_id, events), daemon=True)
        reader.start()
        url = redis_settings.resolved_database_url
        changes = [{"stage": "transcribe", "progress": 0.3}, {"stage": "diarize", "progress": 0.8}]
        deadline = time.monotonic() + 10
        while not events and time.monotonic() < deadline:
            time.sleep(0.05)
        assert claim(job_id, url) is not None
        publish(redis_settings, job_id)
        for values in changes:
            time.sleep(0.3)
            _change_row(redis_settings, job_id, **values)
            publish(redis_settings, job_id)
        began = time.monotonic()
        _change_row(redis_settings, job_id, status=JobStatus.succeeded, stage="done", progress=1.0)
        publish(redis_settings, job_id)
        reader.join(timeout=20)
        assert not reader.is_alive()
    seen = [(name, e["status"], e["progress"]) for name, e, _ in events]
    assert seen == [
        ("job", "queued", 0.0),
        ("job", "running", 0.0),
        ("job", "running", 0.3),
        ("job", "running", 0.8),
        ("job", "succeeded", 1.0),
        ("end", "succeeded", 1.0),
    ]
    assert events[-1][2] - began < 5.0  # delivered by pub/sub, not by a re-read a minute later


@pytest.mark.parametrize("redis_settings", ["postgresql"], indirect=True)
def test_a_worker_process_writes_progress_that_the_stream_and_the_cache_show(redis_settings: Settings) -> None:
    """End to end: `gobang worker` (RQ) runs the job, its progress reaches the API through Redis."""
    with start_service(redis_settings) as api, worker_process(redis_settings):
        job = api.upload(clip()).json()["job"]
        events: list[tuple[str, dict[str, Any], float]] = []
        _read_events(api, job["id"], events)
        assert events[-1][0] == "end" and events[-1][1]["status"] == "succeeded"
        progress = [e["progress"] for name, e, _ in events if name == "job" and e["status"] == "running"]
        assert len(progress) >= 2 and progress == sorted(progress)
        status = status_cache(redis_settings)
        assert status is not None
        cached = status.get(job["id"])
        assert cached is not None and json.loads(cached.document)["status"] == "succeeded"
        assert wait_for_job(api.client, job["id"], api.auth())["status"] == "succeeded"


def test_without_redis_status_and_events_come_from_the_database(service: Service) -> None:
    """The embedded default (in-process worker, no Redis): the same answers, ETag and 304 included."""
    assert service.settings.redis_url is None and status_cache(service.settings) is None
    job = service.upload(clip()).json()["job"]
    events: list[tuple[str, dict[str, Any], float]] = []
    _read_events(service, job["id"], events)
    assert events[-1][0] == "end" and events[-1][1]["status"] == "succeeded"
    done = service.client.get(f"/jobs/{job['id']}", headers=service.auth())
    again = service.client.get(f"/jobs/{job['id']}", headers=service.auth() | {"If-None-Match": done.headers["etag"]})
    assert again.status_code == 304
