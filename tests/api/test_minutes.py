"""Minutes over HTTP: generate, read with ETag, edit with If-Match, history, restore, regenerate one item, export."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import docx

from core.db import session_scope
from core.settings import MinutesSettings
from core.transcript import Transcript
from core.transcript_store import TRANSCRIPTS
from tests.api.conftest import assert_problem
from tests.api.services import Databases, Service, clip, make_settings, start_service, wait_for_job
from tests.minutes.llm_standin import *  # noqa: F403
from tests.minutes.llm_standin import StandIn
from workers.jobs import claim, recover_jobs, run_job

MEETING = Path(__file__).parents[1] / "data" / "minutes" / "council_meeting.json"


def _seed(service: Service) -> str:
    """A recording of the council meeting with its metadata and its transcript at version 1."""
    response = service.upload(
        clip("VIVOSDEV01_R027.wav"),
        title="Kỳ họp thứ mười hai Hội đồng nhân dân huyện Tân Phú",
        body="Hội đồng nhân dân huyện Tân Phú",
        meeting_date="2025-07-08",
        place="Hội trường Ủy ban nhân dân huyện",
        chair="Nguyễn Văn An",
        secretary="Trần Thị Bình",
        start_job="false",
    )
    assert response.status_code == 201, response.text
    rid: str = response.json()["recording"]["id"]
    transcript = Transcript.model_validate_json(MEETING.read_text(encoding="utf-8"))
    with session_scope(service.settings.resolved_database_url) as db:
        TRANSCRIPTS.save(db, rid, transcript, author="gobang")
    return rid


def test_generate_edit_regenerate_restore_export(service_any_db: Service) -> None:
    service = service_any_db
    rid = _seed(service)
    base = f"/recordings/{rid}/minutes"
    clerk = service.auth("clerk")

    assert_problem(service.client.get(base, headers=clerk), 404)
    made = service.client.post(
        f"{base}/generate", json={"start_time": "08:00:00", "recipients": ["Thường trực HĐND tỉnh"]}, headers=clerk
    )
    assert made.status_code == 201, made.text
    assert made.headers["etag"] == '"v1"'
    body = made.json()
    assert body["transcript_version"] == 1
    minutes = body["minutes"]
    assert minutes["header"]["issuing_body"] == "Hội đồng nhân dân huyện Tân Phú"
    assert minutes["closing"] == "Cuộc họp kết thúc vào 8 giờ 10 phút, ngày 8 tháng 7 năm 2025."
    assert minutes["items"][0]["title"] == "Khai mạc"
    assert minutes["items"][1]["votes"][0]["in_favour"] == 29

    # a second generation over existing minutes must name the version it replaces
    assert_problem(service.client.post(f"{base}/generate", json={}, headers={**clerk, "If-Match": '"v7"'}), 412)
    unnamed = assert_problem(service.client.post(f"{base}/generate", json={}, headers=clerk), 428)
    assert unnamed["current_version"] == 1

    loaded = service.client.get(base, headers=service.auth("viewer"))
    assert loaded.status_code == 200 and loaded.headers["etag"] == '"v1"'
    assert service.client.get(base, headers={**clerk, "If-None-Match": '"v1"'}).status_code == 304

    edited = loaded.json()["minutes"]
    edited["items"][1]["title"] = "Điều chỉnh kế hoạch đầu tư công năm 2025"
    edited["header"]["number"] = "12/BB-HĐND"
    assert_problem(service.client.put(base, json={"minutes": edited}, headers=clerk), 428)
    assert_problem(service.client.put(base, json={"minutes": edited}, headers=service.auth("viewer")), 403)
    saved = service.client.put(
        base, json={"minutes": edited, "comment": "sửa tên mục"}, headers={**clerk, "If-Match": '"v1"'}
    )
    assert saved.status_code == 200, saved.text
    assert saved.headers["etag"] == '"v2"'
    assert_problem(service.client.put(base, json={"minutes": edited}, headers={**clerk, "If-Match": '"v1"'}), 412)
    uncited = {**edited, "items": [{**edited["items"][0], "source_segments": []}]}
    assert_problem(service.client.put(base, json={"minutes": uncited}, headers={**clerk, "If-Match": '"v2"'}), 422)

    regenerated = service.client.post(f"{base}/items/2/regenerate", json={}, headers={**clerk, "If-Match": '"v2"'})
    assert regenerated.status_code == 200, regenerated.text
    after = regenerated.json()["minutes"]
    assert after["items"][1]["title"] == "Điều chỉnh kế hoạch đầu tư công năm 2025"  # the clerk's edit survives
    assert after["header"]["number"] == "12/BB-HĐND"
    assert regenerated.headers["etag"] == '"v3"'
    assert_problem(
        service.client.post(f"{base}/items/99/regenerate", json={}, headers={**clerk, "If-Match": '"v3"'}), 422
    )

    versions = service.client.get(f"{base}/versions", headers=clerk).json()
    assert [v["version"] for v in versions] == [3, 2, 1] and versions[0]["current"]
    restored = service.client.post(f"{base}/versions/1/restore", headers=clerk)
    assert restored.status_code == 200 and restored.json()["version"] == 4
    assert restored.json()["minutes"]["items"][1]["title"] == minutes["items"][1]["title"]

    exported = service.client.get(f"{base}/export", params={"format": "docx", "version": 2}, headers=clerk)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "bien-ban" in exported.headers["content-disposition"]
    document = docx.Document(io.BytesIO(exported.content))
    assert "Số: 12/BB-HĐND" in [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]
    markdown = service.client.get(f"{base}/export", params={"format": "md"}, headers=clerk)
    assert markdown.status_code == 200 and "# BIÊN BẢN" in markdown.text
    html = service.client.get(f"{base}/export", params={"format": "html"}, headers=clerk)
    assert html.headers["content-type"].startswith("text/html") and "data-segments=" in html.text
    assert_problem(service.client.get(f"{base}/export", params={"format": "pdf"}, headers=clerk), 422)

    # another unit sees nothing
    assert_problem(service.client.get(base, headers=service.auth("clerk_b")), 404)


def test_llm_generator_without_configuration_is_a_clear_error(service: Service) -> None:
    rid = _seed(service)
    response = service.client.post(
        f"/recordings/{rid}/minutes/generate", json={"generator": "llm"}, headers=service.auth("clerk")
    )
    problem = assert_problem(response, 500)
    assert "GOBANG_MINUTES__LLM_URL" in problem["detail"]


@contextmanager
def _llm_service(home: Path, databases: Databases, standin: StandIn, **jobs: Any) -> Iterator[Service]:
    """The embedded service with the `llm` generator on the stand-in server (several chunks per meeting)."""
    minutes = MinutesSettings(llm_url=standin.url, llm_model="qwen-test", llm_chunk_chars=1500, llm_max_retries=0)
    with start_service(make_settings(home, databases("sqlite"), minutes=minutes, jobs=jobs)) as service:
        yield service


def _wait_running(service: Service, job_id: str) -> None:
    deadline = time.monotonic() + 20
    while service.client.get(f"/jobs/{job_id}", headers=service.auth("clerk")).json()["status"] != "running":
        assert time.monotonic() < deadline, "the minutes job never started"
        time.sleep(0.05)


def test_llm_minutes_run_as_a_retried_job_and_never_overwrite_an_edit(
    gobang_home: Path, new_database: Databases, standin: StandIn
) -> None:
    with _llm_service(gobang_home, new_database, standin) as service:
        clerk = service.auth("clerk")
        config = service.client.get("/minutes/config", headers=service.auth("viewer")).json()
        assert config == {"generators": ["extractive", "llm"], "default": "extractive", "queued": ["llm"]}
        rid = _seed(service)
        base = f"/recordings/{rid}/minutes"

        standin.fail_next = 1  # the first attempt meets a failing model; the job is retried after a backoff
        queued = service.client.post(f"{base}/generate", json={"generator": "llm"}, headers=clerk)
        assert queued.status_code == 202, queued.text
        job = queued.json()
        assert queued.headers["location"] == f"/jobs/{job['id']}"
        assert job["kind"] == "minutes" and job["options"]["base_version"] == 0
        done = wait_for_job(service.client, job["id"], clerk)
        assert done["status"] == "succeeded" and done["attempts"] == 2, done
        assert done["progress"] == 1.0
        made = service.client.get(base, headers=clerk)
        assert made.headers["etag"] == '"v1"'
        minutes = made.json()["minutes"]
        assert minutes["stats"]["generator"] == "llm" and minutes["stats"]["model"] == "qwen-test"
        assert minutes["stats"]["dropped_uncited"] > 0  # the stand-in's uncited statements never reach the minutes
        assert made.json()["comment"] == "tạo bằng llm từ bản gỡ băng phiên bản 1"
        assert len(standin.requests) > 2  # several chunks: progress was reported between them

        # a clerk's edit saved while the model works wins: the job's result is not written
        standin.delay_s = 0.4
        regen = service.client.post(
            f"{base}/items/0/regenerate", json={"generator": "llm"}, headers={**clerk, "If-Match": '"v1"'}
        )
        assert regen.status_code == 202, regen.text
        _wait_running(service, regen.json()["id"])
        edited = {**minutes, "place": "Phòng họp số 2"}
        saved = service.client.put(base, json={"minutes": edited}, headers={**clerk, "If-Match": '"v1"'})
        assert saved.status_code == 200, saved.text
        failed = wait_for_job(service.client, regen.json()["id"], clerk)
        assert failed["status"] == "failed" and "người khác sửa" in failed["error"], failed
        assert failed["attempts"] == 1  # a conflict is not retried
        assert service.client.get(base, headers=clerk).json()["minutes"]["place"] == "Phòng họp số 2"

        standin.delay_s = 0.0
        regen = service.client.post(
            f"{base}/items/0/regenerate", json={"generator": "llm"}, headers={**clerk, "If-Match": '"v2"'}
        )
        assert wait_for_job(service.client, regen.json()["id"], clerk)["status"] == "succeeded"
        after = service.client.get(base, headers=clerk)
        assert after.headers["etag"] == '"v3"'
        assert after.json()["minutes"]["place"] == "Phòng họp số 2"  # the clerk's other edits survive
        assert after.json()["comment"] == "tạo lại mục 1 bằng llm"

        # checks that need no model answer at once
        stale = service.client.post(
            f"{base}/generate", json={"generator": "llm"}, headers={**clerk, "If-Match": '"v1"'}
        )
        assert_problem(stale, 412)
        missing = service.client.post(
            f"{base}/items/40/regenerate", json={"generator": "llm"}, headers={**clerk, "If-Match": '"v3"'}
        )
        assert_problem(missing, 422)


def test_llm_minutes_job_can_be_cancelled_while_the_model_works(
    gobang_home: Path, new_database: Databases, standin: StandIn
) -> None:
    with _llm_service(gobang_home, new_database, standin) as service:
        clerk = service.auth("clerk")
        rid = _seed(service)
        standin.delay_s = 0.3
        job = service.client.post(f"/recordings/{rid}/minutes/generate", json={"generator": "llm"}, headers=clerk)
        _wait_running(service, job.json()["id"])
        cancel = service.client.post(f"/jobs/{job.json()['id']}/cancel", headers=clerk)
        assert cancel.status_code == 202, cancel.text
        assert wait_for_job(service.client, job.json()["id"], clerk)["status"] == "cancelled"
        assert_problem(service.client.get(f"/recordings/{rid}/minutes", headers=clerk), 404)


def test_llm_minutes_job_of_a_dead_worker_is_recovered(
    gobang_home: Path, new_database: Databases, standin: StandIn
) -> None:
    """A worker that claimed the job and died: recovery queues it again and another worker makes the minutes."""
    with _llm_service(gobang_home, new_database, standin, inprocess_workers=0) as service:
        clerk = service.auth("clerk")
        rid = _seed(service)
        job_id = service.client.post(
            f"/recordings/{rid}/minutes/generate", json={"generator": "llm"}, headers=clerk
        ).json()["id"]
        url = service.settings.resolved_database_url
        assert claim(job_id, url) is not None  # the worker that will die
        assert recover_jobs(url, stale_after_s=3600, settings=service.settings) == []  # alive: left alone
        time.sleep(0.05)
        assert recover_jobs(url, stale_after_s=0.01, settings=service.settings) == [(job_id, "cpu")]
        assert run_job(job_id, service.settings) == "succeeded"
        job = service.client.get(f"/jobs/{job_id}", headers=clerk).json()
        assert job["attempts"] == 2 and job["status"] == "succeeded"
        assert service.client.get(f"/recordings/{rid}/minutes", headers=clerk).json()["version"] == 1
