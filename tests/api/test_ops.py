"""/healthz, /readyz (database and queue checks) and /metrics (computed from the jobs table)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from core.db import session_scope
from core.settings import Settings
from core.tables import Job, JobStatus, Recording
from tests.api.conftest import assert_problem

DEAD_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:1/gobang"
"""Port 1: nothing listens there, so connecting is refused at once."""


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_ok_then_503_when_the_database_is_gone(app: FastAPI, client: TestClient, settings: Settings) -> None:
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "queue": "ok"}}

    app.state.settings = settings.model_copy(update={"database_url": DEAD_POSTGRES})
    try:
        down = assert_problem(client.get("/readyz"), 503)
    finally:
        app.state.settings = settings
    assert down["checks"]["database"] != "ok" and down["checks"]["queue"] == "ok"
    assert "127.0.0.1" not in down["checks"]["database"]  # no infrastructure details to anonymous callers


def test_readyz_pings_redis_when_configured(app: FastAPI, client: TestClient, settings: Settings) -> None:
    try:
        app.state.settings = settings.model_copy(update={"redis_url": "redis://127.0.0.1:6379/0"})
        assert client.get("/readyz").json()["checks"]["queue"] == "ok"
        app.state.settings = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
        assert assert_problem(client.get("/readyz"), 503)["checks"]["queue"] != "ok"
    finally:
        app.state.settings = settings


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_from_the_jobs_table(client: TestClient, settings: Settings) -> None:
    start = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    with session_scope(settings.resolved_database_url) as db:
        recording = Recording(filename="phien-hop.mp3", sha256=secrets.token_hex(32), size=1)
        db.add(recording)
        db.flush()

        def job(status: JobStatus, wall_s: float | None = None, audio_s: float | None = None) -> Job:
            finished = start + timedelta(seconds=wall_s) if wall_s is not None else None
            return Job(
                recording_id=recording.id,
                status=status,
                started_at=start if wall_s is not None else None,
                finished_at=finished,
                audio_seconds=audio_s,
            )

        db.add_all(
            [
                job(JobStatus.succeeded, wall_s=90.0, audio_s=1800.0),  # RTF 0.05
                job(JobStatus.succeeded, wall_s=600.0, audio_s=2000.0),  # RTF 0.3
                job(JobStatus.failed, wall_s=5.0),
                job(JobStatus.failed),
                job(JobStatus.running),
            ]
        )

    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = _samples(response.text)
    assert samples[("gobang_jobs", (("status", "succeeded"),))] == 2
    assert samples[("gobang_jobs", (("status", "failed"),))] == 2
    assert samples[("gobang_jobs", (("status", "running"),))] == 1
    assert samples[("gobang_jobs", (("status", "queued"),))] == 0
    assert samples[("gobang_job_failures_total", ())] == 2
    assert samples[("gobang_queue_depth", ())] >= 0
    assert samples[("gobang_queue_up", ())] == 1 and samples[("gobang_database_up", ())] == 1
    assert samples[("gobang_job_duration_seconds_count", ())] == 2
    assert samples[("gobang_job_duration_seconds_sum", ())] == 690.0
    assert samples[("gobang_job_duration_seconds_bucket", (("le", "120"),))] == 1
    assert samples[("gobang_job_duration_seconds_bucket", (("le", "+Inf"),))] == 2
    assert samples[("gobang_job_realtime_factor_bucket", (("le", "0.05"),))] == 1
    assert samples[("gobang_job_realtime_factor_bucket", (("le", "0.3"),))] == 2
    assert samples[("gobang_audio_processed_seconds_total", ())] == 3800.0
    assert "process_cpu_seconds_total" in response.text


def test_metrics_survive_a_dead_database(app: FastAPI, client: TestClient, settings: Settings) -> None:
    app.state.settings = settings.model_copy(update={"database_url": DEAD_POSTGRES})
    try:
        response = client.get("/metrics")
    finally:
        app.state.settings = settings
    assert response.status_code == 200
    assert _samples(response.text)[("gobang_database_up", ())] == 0


def test_openapi_documents_the_accounts_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/auth/login", "/auth/logout", "/auth/me", "/users", "/api-keys", "/readyz", "/metrics"):
        assert path in paths
