"""Jobs: options, live progress by server-sent events, cancellation, signed webhooks, claims and recovery."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from core.db import session_scope
from core.tables import Job, JobStatus, WebhookDelivery
from tests.api.conftest import assert_problem
from tests.api.services import CLIPS, Databases, Service, clip, make_settings, start_service, wait_for_job
from tests.audio_helpers import stitch, write_wav
from workers import webhooks
from workers.jobs import claim, recover_jobs


@pytest.fixture(scope="module")
def long_meeting(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All eight clips with pauses between them: about a minute, so a job is still running when it is cancelled."""
    audio, _ = stitch(sorted(str(p) for p in CLIPS.glob("*.wav")))
    return write_wav(tmp_path_factory.mktemp("meeting") / "phien-hop.wav", audio)


def _events(service: Service, job_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Read the job's event stream to its end."""
    events: list[tuple[str, dict[str, Any]]] = []
    name = ""
    with service.client.stream("GET", f"/jobs/{job_id}/events", headers=service.auth("viewer")) as response:
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("event:"):
                name = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.append((name, json.loads(line.split(":", 1)[1])))
    return events


def test_job_with_options_reports_progress_by_server_sent_events(service: Service) -> None:
    rid = service.upload(clip(), start_job="false").json()["recording"]["id"]
    options = {"engine": "vietasr", "hotwords": ["đóng băng", "trơn trượt"], "language": "vi"}
    response = service.client.post(f"/recordings/{rid}/jobs", json=options, headers=service.auth("service"))
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["location"] == f"/jobs/{job['id']}" and job["status"] == "queued"
    assert job["options"] == {"engine": "vietasr", "language": "vi", "diarize": False, "hotwords": options["hotwords"]}

    events = _events(service, job["id"])
    assert events[-1][0] == "end" and events[-1][1]["status"] == "succeeded"
    progress = [e["progress"] for name, e in events if name == "job"]
    assert progress == sorted(progress) and progress[-1] == 1.0
    listed = service.client.get(f"/recordings/{rid}/jobs", headers=service.auth("viewer")).json()
    assert [j["id"] for j in listed] == [job["id"]]
    for bad in ({"engine": "kaldi"}, {"num_speakers": 0}, {"min_speakers": 5, "max_speakers": 2}, {"model": "/etc"}):
        assert_problem(service.client.post(f"/recordings/{rid}/jobs", json=bad, headers=service.auth()), 422)
    assert_problem(service.client.get("/jobs/" + "f" * 32 + "/events", headers=service.auth()), 404)


def test_cancel_a_queued_and_a_running_job(
    gobang_home: Path, new_database: Databases, service: Service, long_meeting: Path
) -> None:
    idle = make_settings(gobang_home, new_database("sqlite"), jobs={"inprocess_workers": 0})
    with start_service(idle) as api:  # no worker: the job stays queued
        rid = api.upload(clip(), start_job="false").json()["recording"]["id"]
        job = api.client.post(f"/recordings/{rid}/jobs", json={}, headers=api.auth()).json()
        cancelled = api.client.post(f"/jobs/{job['id']}/cancel", headers=api.auth())
        assert cancelled.status_code == 202 and cancelled.json()["status"] == "cancelled"
        assert assert_problem(api.client.post(f"/jobs/{job['id']}/cancel", headers=api.auth()), 409)["job_status"]
        assert_problem(api.client.post(f"/jobs/{job['id']}/cancel", headers=api.auth("viewer")), 403)

    running = service.upload(long_meeting).json()["job"]
    deadline = time.monotonic() + 60
    while service.client.get(f"/jobs/{running['id']}", headers=service.auth()).json()["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    asked = service.client.post(f"/jobs/{running['id']}/cancel", headers=service.auth())
    assert asked.status_code == 202 and asked.json()["cancel_requested"]
    done = wait_for_job(service.client, running["id"], service.auth(), timeout_s=60)
    assert done["status"] == "cancelled", done
    assert_problem(service.client.get(f"/recordings/{running['recording_id']}/transcript", headers=service.auth()), 404)


class _Receiver(BaseHTTPRequestHandler):
    """A webhook receiver that fails its first delivery, then accepts."""

    received: list[tuple[dict[str, str], bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(500 if len(self.received) == 1 else 204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    received: list[tuple[dict[str, str], bytes]] = []
    handler = type("Receiver", (_Receiver,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/gobang", received
    server.shutdown()


def test_webhooks_are_signed_and_retried(
    service: Service, receiver: tuple[str, list[tuple[dict[str, str], bytes]]]
) -> None:
    url, received = receiver
    assert_problem(service.client.post("/webhooks", json={"url": url}, headers=service.auth("clerk")), 403)
    created = service.client.post("/webhooks", json={"url": url}, headers=service.auth("admin"))
    assert created.status_code == 201, created.text
    hook = created.json()
    assert len(hook["secret"]) >= 32
    assert "secret" not in service.client.get("/webhooks", headers=service.auth("admin")).json()[0]

    job = service.upload(clip()).json()["job"]
    assert wait_for_job(service.client, job["id"], service.auth())["status"] == "succeeded"
    deadline = time.monotonic() + 20
    while len(received) < 2:
        assert time.monotonic() < deadline, f"webhook not retried: {len(received)} attempt(s)"
        time.sleep(0.05)
    for headers, body in received[:2]:
        assert webhooks.verify(hook["secret"], headers[webhooks.SIGNATURE_HEADER], body)
        assert not webhooks.verify("another secret", headers[webhooks.SIGNATURE_HEADER], body)
        assert not webhooks.verify(hook["secret"], headers[webhooks.SIGNATURE_HEADER], body + b" ")
    payload = json.loads(received[1][1])
    assert payload["event"] == "job.succeeded" and payload["job"]["id"] == job["id"]
    assert payload["transcript_version"] == 1 and payload["untranscribed"] == 0  # speech left without text
    url = f"/webhooks/{hook['id']}/deliveries"
    while not (deliveries := service.client.get(url, headers=service.auth("admin")).json())[0]["delivered_at"]:
        assert time.monotonic() < deadline, deliveries  # the sender records the answer just after the receiver got it
        time.sleep(0.05)
    assert len(deliveries) == 1 and deliveries[0]["attempts"] == 2
    assert service.client.delete(f"/webhooks/{hook['id']}", headers=service.auth("admin")).status_code == 204


@pytest.fixture(params=["sqlite", "postgresql"])
def idle_service(request: pytest.FixtureRequest, gobang_home: Path, new_database: Databases) -> Iterator[Service]:
    """No worker threads and no recovery ticker to speak of: the test drives claims and recovery itself."""
    url = new_database(request.param)
    settings = make_settings(gobang_home, url, jobs={"inprocess_workers": 0, "recovery_interval_s": 3600})
    with start_service(settings) as running:
        yield running
    new_database.release(url)


def test_claims_and_recovery_on_both_databases(idle_service: Service) -> None:
    api, url = idle_service, idle_service.settings.resolved_database_url
    rid = api.upload(clip(), start_job="false").json()["recording"]["id"]
    ids = [api.client.post(f"/recordings/{rid}/jobs", json={}, headers=api.auth()).json()["id"] for _ in range(4)]

    # Eight workers reach for the same job at once: exactly one gets it.
    start, tokens = threading.Barrier(8), []

    def reach() -> None:
        start.wait()
        tokens.append(claim(ids[0], url))

    threads = [threading.Thread(target=reach) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(t is not None for t in tokens) == 1

    # A silent worker's job goes back to the queue; one that died too often fails; a cancelled one ends.
    for job_id in ids[1:]:
        assert claim(job_id, url) is not None
    long_ago = datetime.now(UTC) - timedelta(minutes=5)
    with session_scope(url) as db:
        db.execute(update(Job).where(Job.id.in_(ids[:3])).values(heartbeat_at=long_ago))
        db.execute(update(Job).where(Job.id == ids[1]).values(attempts=3))
        db.execute(update(Job).where(Job.id == ids[2]).values(cancel_requested=True))
    due = recover_jobs(url, settings=api.settings, stale_after_s=60)
    assert due == [(ids[0], "asr")]
    status = {j: api.client.get(f"/jobs/{j}", headers=api.auth()).json() for j in ids}
    assert status[ids[0]]["status"] == "queued" and status[ids[0]]["stage"] == "requeued"
    assert status[ids[1]]["status"] == "failed" and "3" in status[ids[1]]["error"]
    assert status[ids[2]]["status"] == "cancelled"
    assert status[ids[3]]["status"] == "running"  # its heartbeat is fresh

    # A retry that is not due yet cannot be claimed.
    with session_scope(url) as db:
        db.execute(
            update(Job)
            .where(Job.id == ids[0])
            .values(status=JobStatus.queued, not_before=datetime.now(UTC) + timedelta(minutes=1))
        )
    assert claim(ids[0], url) is None and recover_jobs(url, settings=api.settings) == []
    with session_scope(url) as db:
        assert db.query(WebhookDelivery).count() == 0  # no webhook registered, none queued
