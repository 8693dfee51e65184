"""Live sessions end to end: PCM over a WebSocket, a dropped connection, captions, the recording, its versions."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from api.live_sessions import wav_header
from core.audio import SAMPLE_RATE
from core.text import normalize_for_scoring
from tests.api.conftest import Accounts
from tests.api.services import wait_for_job
from tests.audio_helpers import stitch

CLIPS = ("common_voice_vi_25226541.flac", "common_voice_vi_25225879.flac")
STEP = int(0.25 * SAMPLE_RATE) * 2
"""Bytes per audio message: a quarter of a second, as a capture system would send them."""


@pytest.fixture(scope="module")
def meeting(cv_rows: list[dict[str, str]]) -> tuple[bytes, list[str]]:
    rows = [next(r for r in cv_rows if r["audio_path"].endswith(name)) for name in CLIPS]
    audio, _ = stitch([r["audio_path"] for r in rows], lead_s=0.5, gap_s=1.5)
    return (audio * 32767).astype("<i2").tobytes(), [r["reference_text"] for r in rows]


def _send(ws: Any, pcm: bytes, start: int, stop: int) -> int:
    """Messages from `start` to `stop`; returns the last acknowledged offset (acks interleave with captions)."""
    acked = start
    for offset in range(start, stop, STEP):
        ws.send_bytes(pcm[offset : min(offset + STEP, stop)])
        message = ws.receive_json()
        assert message == {"type": "ack", "offset": min(offset + STEP, stop)}
        acked = message["offset"]
    return acked


def test_stream_drop_resume_end_becomes_recording(
    client: TestClient, accounts: Accounts, meeting: tuple[bytes, list[str]]
) -> None:
    pcm, references = meeting
    service = {"Authorization": f"Bearer {accounts.api_key()}"}
    clerk = accounts.headers("clerk")
    created = client.post("/live", json={"title": "Phiên họp thử", "glossary": ["Hội đồng"]}, headers=service)
    assert created.status_code == 201, created.text
    live = created.json()

    half = len(pcm) // 2 // STEP * STEP
    with client.websocket_connect(live["audio_url"], headers=service) as ws:
        assert ws.receive_json() == {"type": "ready", "offset": 0}
        acked = _send(ws, pcm, 0, half)
    # The connection dropped without an end: the server kept every acknowledged byte.
    assert client.get(f"/live/{live['id']}", headers=clerk).json()["received"] == acked == half
    with client.websocket_connect(live["audio_url"], headers={"X-API-Key": service["Authorization"][7:]}) as ws:
        assert ws.receive_json() == {"type": "ready", "offset": half}
        _send(ws, pcm, half, len(pcm))
        ws.send_text(json.dumps({"type": "end"}))
        ended = ws.receive_json()
    assert ended["type"] == "end" and ended["recording_id"] and ended["job_id"]

    # The recording holds exactly the streamed audio, as WAV.
    recording = client.get(f"/recordings/{ended['recording_id']}", headers=clerk).json()
    assert recording["sha256"] == hashlib.sha256(wav_header(len(pcm)) + pcm).hexdigest()
    assert recording["duration"] == pytest.approx(len(pcm) / 2 / SAMPLE_RATE, abs=0.01)

    # A viewer who comes late gets every final, with speakers, then the end.
    with client.stream("GET", live["captions_url"], headers=accounts.headers("viewer")) as response:
        events = _sse(response.iter_lines())
    assert events[-1] == ("end", {"type": "end", "recording_id": ended["recording_id"], "job_id": ended["job_id"]})
    finals = [data for kind, data in events if kind == "final"]
    heard = set(normalize_for_scoring(" ".join(f["text"] for f in finals)).split())
    reference = set(normalize_for_scoring(" ".join(references)).split())
    assert len(heard & reference) >= 0.7 * len(reference)
    assert all(f["speaker"] for f in finals)

    # The live transcript is version 1; the offline job's (diarized) transcript becomes version 2.
    assert wait_for_job(client, ended["job_id"], clerk, timeout_s=300)["status"] == "succeeded"
    history = client.get(f"/recordings/{ended['recording_id']}/transcript/versions", headers=clerk).json()
    assert sorted(v["version"] for v in history) == [1, 2]
    first = client.get(f"/recordings/{ended['recording_id']}/transcript/versions/1", headers=clerk).json()
    assert [s["text"] for s in first["transcript"]["segments"]] == [f["text"] for f in finals]
    assert [s["speaker"] for s in first["transcript"]["segments"]] == [f["speaker"] for f in finals]
    current = client.get(f"/recordings/{ended['recording_id']}/transcript", headers=clerk)
    assert current.headers["etag"] == '"v2"'


def _sse(lines: Any) -> list[tuple[str, dict[str, Any]]]:
    events, kind = [], ""
    for line in lines:
        if line.startswith("event:"):
            kind = line[6:].strip()
        elif line.startswith("data:"):
            events.append((kind, json.loads(line[5:].strip())))
    return events


def test_refusals(client: TestClient, accounts: Accounts) -> None:
    viewer = accounts.headers("viewer")
    assert client.post("/live", json={}, headers=viewer).status_code == 403
    live = client.post("/live", json={}, headers=accounts.headers("clerk")).json()
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(live["audio_url"]) as ws:
        ws.receive_json()  # no credentials
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(live["audio_url"], headers=viewer) as ws:
        ws.receive_json()  # a viewer may watch, not stream
    key = {"Authorization": f"Bearer {accounts.api_key(scopes=('recordings:read',))}"}
    with pytest.raises(WebSocketDisconnect), client.websocket_connect(live["audio_url"], headers=key) as ws:
        ws.receive_json()
    clerk = accounts.headers("clerk")
    with client.websocket_connect(live["audio_url"], headers=clerk) as ws:
        assert ws.receive_json()["type"] == "ready"
        ws.send_bytes(b"\x00\x01\x02")  # half a sample
        error = ws.receive_json()
        assert error["type"] == "error" and "PCM 16 bit" in error["detail"]
    assert client.get(f"/live/{live['id']}", headers=clerk).json()["received"] == 0
    ended = client.post(f"/live/{live['id']}/end", headers=clerk)
    assert ended.status_code == 422 and ended.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"/live/{'x' * 40}", headers=clerk).status_code == 404


def test_http_post_appends_at_the_acknowledged_offset(
    client: TestClient, accounts: Accounts, meeting: tuple[bytes, list[str]]
) -> None:
    pcm = meeting[0][: 4 * SAMPLE_RATE * 2]
    service = {"Authorization": f"Bearer {accounts.api_key()}"}
    live = client.post("/live", json={"title": "Phiên gửi bằng POST"}, headers=service).json()
    pcm_headers = {**service, "Content-Type": "application/octet-stream"}
    half = len(pcm) // 2

    def chunked(data: bytes) -> Any:
        yield from (data[i : i + 3001] for i in range(0, len(data), 3001))  # odd pieces: samples split across

    first = client.post(live["audio_url"], content=chunked(pcm[:half]), headers={**pcm_headers, "Upload-Offset": "0"})
    assert first.status_code == 200, first.text
    assert first.json()["received"] == half
    stale = client.post(live["audio_url"], content=pcm[half:], headers={**pcm_headers, "Upload-Offset": "0"})
    assert stale.status_code == 409 and stale.json()["offset"] == half
    rest = client.post(
        live["audio_url"], content=chunked(pcm[half:]), headers={**pcm_headers, "Upload-Offset": str(half)}
    )
    assert rest.json()["received"] == len(pcm)

    ended = client.post(f"/live/{live['id']}/end", headers=service).json()
    assert ended["ended"] and ended["recording_id"]
    recording = client.get(f"/recordings/{ended['recording_id']}", headers=service).json()
    assert recording["sha256"] == hashlib.sha256(wav_header(len(pcm)) + pcm).hexdigest()
    assert client.post(f"/live/{live['id']}/end", headers=service).status_code == 409
    assert wait_for_job(client, ended["job_id"], service, timeout_s=300)["status"] == "succeeded"
