"""Resumable uploads: pieces in any retry order, a connection cut mid-piece, checksums, idempotency keys."""

from __future__ import annotations

import hashlib
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
from fastapi.testclient import TestClient

from tests.api.conftest import assert_problem
from tests.api.services import LiveService, Service, clip, wait_for_job


def _announce(client: TestClient | httpx.Client, headers: dict[str, str], data: bytes, **extra: Any) -> Any:
    body = {"filename": "phiên họp.wav", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()} | extra
    return client.post("/uploads", json=body, headers=headers)


def _put(
    client: TestClient | httpx.Client,
    upload_id: str,
    data: bytes,
    start: int,
    end: int,
    headers: dict[str, str],
    method: str = "PUT",
) -> Any:
    return client.request(
        method,
        f"/uploads/{upload_id}",
        content=data[start:end],
        headers={**headers, "Content-Range": f"bytes {start}-{end - 1}/{len(data)}"},
    )


def test_pieces_resume_from_the_stored_offset_and_become_a_recording(service: Service) -> None:
    client, headers, data = service.client, service.auth("service"), clip().read_bytes()
    created = _announce(client, {**headers, "Idempotency-Key": "phien-27"}, data, title="Kỳ họp thứ 7")
    assert created.status_code == 201, created.text
    upload_id = created.json()["id"]
    again = _announce(client, {**headers, "Idempotency-Key": "phien-27"}, data, title="Kỳ họp thứ 7")
    assert again.status_code == 200 and again.json()["id"] == upload_id  # the same upload, not a second one
    assert_problem(_announce(client, {**headers, "Idempotency-Key": "phien-27"}, data[:-1]), 409)
    other = _announce(client, {**service.auth("clerk"), "Idempotency-Key": "phien-27"}, data)
    assert other.status_code == 201 and other.json()["id"] != upload_id  # keys belong to their caller

    first = _put(client, upload_id, data, 0, 40_000, headers)
    assert first.status_code == 200 and first.json()["received"] == 40_000
    assert first.headers["upload-offset"] == "40000"
    assert client.head(f"/uploads/{upload_id}", headers=headers).headers["upload-offset"] == "40000"

    gap = assert_problem(_put(client, upload_id, data, 60_000, 80_000, headers), 409)
    assert gap["expected_offset"] == 40_000
    retried = _put(client, upload_id, data, 0, 20_000, headers)  # a piece whose answer was lost
    assert retried.status_code == 200 and retried.json()["received"] == 40_000
    overlap = _put(client, upload_id, data, 30_000, 70_000, headers, method="PATCH")
    assert overlap.status_code == 200 and overlap.json()["received"] == 70_000

    last = _put(client, upload_id, data, 70_000, len(data), headers)
    assert last.status_code == 201, last.text
    done = last.json()
    assert done["complete"] and done["recording_id"] and done["job_id"] and done["received"] == len(data)
    assert _put(client, upload_id, data, 70_000, len(data), headers).json() == done  # repeated: same answer

    recording = client.get(f"/recordings/{done['recording_id']}", headers=headers).json()
    assert recording["sha256"] == hashlib.sha256(data).hexdigest() and recording["title"] == "Kỳ họp thứ 7"
    assert recording["filename"] == "phiên họp.wav"
    assert client.get(f"/recordings/{done['recording_id']}/audio", headers=headers).content == data
    assert wait_for_job(client, done["job_id"], headers)["status"] == "succeeded"
    assert not list(service.settings.upload_dir.glob(f"{upload_id}.*"))  # partial data and lock are gone
    assert_problem(client.get(f"/uploads/{upload_id}", headers=service.auth("viewer_b")), 404)


def test_a_connection_cut_mid_piece_keeps_what_arrived(live: LiveService) -> None:
    data = clip("VIVOSDEV01_R044.wav").read_bytes()
    with live.client("service") as client:
        upload_id = _announce(client, {}, data).json()["id"]
        half = len(data) // 2
        url = urlsplit(live.base_url)
        head = (
            f"PUT /uploads/{upload_id} HTTP/1.1\r\nHost: {url.netloc}\r\n"
            f"Authorization: {live.auth('service')['Authorization']}\r\n"
            f"Content-Range: bytes 0-{len(data) - 1}/{len(data)}\r\nContent-Length: {len(data)}\r\n"
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        with socket.create_connection((url.hostname, url.port)) as sock:
            sock.sendall(head + data[:half])
            time.sleep(0.3)
        deadline = time.monotonic() + 10
        while (offset := int(client.head(f"/uploads/{upload_id}").headers["upload-offset"])) == 0:
            assert time.monotonic() < deadline, "the bytes sent before the cut were not kept"
            time.sleep(0.05)
        assert 0 < offset <= half
        resumed = _put(client, upload_id, data, offset, len(data), {})
        assert resumed.status_code == 201, resumed.text
        job = wait_for_job(client, resumed.json()["job_id"], {})
        assert job["status"] == "succeeded"
        audio = client.get(f"/recordings/{resumed.json()['recording_id']}/audio")
        assert audio.content == data


def test_a_checksum_mismatch_is_refused_and_the_upload_starts_over(service: Service) -> None:
    client, headers, data = service.client, service.auth("clerk"), clip().read_bytes()
    upload_id = _announce(client, headers, data, sha256="0" * 64).json()["id"]
    problem = assert_problem(_put(client, upload_id, data, 0, len(data), headers), 422)
    assert problem["received_sha256"] == hashlib.sha256(data).hexdigest()
    state = client.get(f"/uploads/{upload_id}", headers=headers).json()
    assert state["received"] == 0 and not state["complete"]
    assert client.get("/recordings", headers=headers).json()["total"] == 0


def test_content_that_is_not_audio_is_refused_at_completion(service: Service) -> None:
    client, headers = service.client, service.auth("clerk")
    text = "Đây là biên bản dạng văn bản, đổi tên thành .wav".encode() * 50
    upload_id = _announce(client, headers, text).json()["id"]
    assert_problem(_put(client, upload_id, text, 0, len(text), headers), 415)
    assert client.get(f"/uploads/{upload_id}", headers=headers).json()["received"] == 0


def test_bad_requests_and_permissions(service: Service) -> None:
    client, data = service.client, clip().read_bytes()
    assert_problem(_announce(client, service.auth("viewer"), data), 403)
    assert_problem(_announce(client, {}, data), 401)
    assert_problem(_announce(client, service.auth("clerk"), data, filename="../../x.wav", size=10**12), 413)
    assert_problem(_announce(client, service.auth("clerk"), data, sha256="xyz"), 422)
    upload_id = _announce(client, service.auth("clerk"), data).json()["id"]
    for bad in ("bytes 10-5/100", "bytes=0-10/100", "items 0-1/2", "bytes 0-99/5"):
        response = client.put(f"/uploads/{upload_id}", content=b"x", headers={**service.auth(), "Content-Range": bad})
        assert_problem(response, 422)
    assert_problem(client.put(f"/uploads/{upload_id}", content=b"x", headers=service.auth()), 422)  # no range
    too_long = client.put(
        f"/uploads/{upload_id}",
        content=data[:200],
        headers={**service.auth(), "Content-Range": f"bytes 0-99/{len(data)}"},
    )
    assert assert_problem(too_long, 422)["received"] == 100  # the piece within its range is kept
    assert_problem(client.get(f"/uploads/{upload_id}", headers=service.auth("clerk_b")), 404)
    assert_problem(_put(client, upload_id, data, 100, 200, service.auth("viewer")), 403)
    assert client.delete(f"/uploads/{upload_id}", headers=service.auth()).status_code == 204
    assert_problem(client.get(f"/uploads/{upload_id}", headers=service.auth()), 404)
