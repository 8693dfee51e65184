"""The caption page in Chromium: two viewers follow a session streamed over a real WebSocket."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import expect
from websockets.sync.client import connect

from core.audio import SAMPLE_RATE
from tests.audio_helpers import stitch
from tests.browser.conftest import LiveServer, shot, wait_until

CLIPS = ("common_voice_vi_25226541.flac", "common_voice_vi_25225879.flac")


@pytest.fixture(scope="module")
def pcm(cv_rows: list[dict[str, str]]) -> bytes:
    paths = [next(r["audio_path"] for r in cv_rows if r["audio_path"].endswith(name)) for name in CLIPS]
    audio, _ = stitch(paths, lead_s=0.5, gap_s=1.5)
    return (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()


def _stream(ws: Any, pcm: bytes) -> None:
    step = int(0.25 * SAMPLE_RATE) * 2
    for offset in range(0, len(pcm), step):
        ws.send(pcm[offset : offset + step])
        assert json.loads(ws.recv())["type"] == "ack"


def test_two_viewers_follow_captions_until_the_end(
    live_server: LiveServer, new_page: Callable[..., Any], pcm: bytes
) -> None:
    with live_server.api() as client:
        live = client.post("/live", json={"title": "Phiên chất vấn"}).json()
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    viewers = [new_page(), new_page()]
    for viewer in viewers:
        viewer.goto(live["page_url"])
        expect(viewer.locator("#state")).to_have_text("Đang phát trực tiếp", timeout=60_000)
    viewers[1].get_by_label("Chữ lớn").check()

    ws_url = live_server.url.replace("http", "ws", 1) + live["audio_url"]
    with connect(ws_url, additional_headers={"Cookie": cookie}) as ws:
        assert json.loads(ws.recv()) == {"type": "ready", "offset": 0}
        _stream(ws, pcm)
        # Captions appear while the session is still open, with the speaker's name first.
        for viewer in viewers:
            wait_until(viewer, "document.querySelectorAll('#captions p').length >= 1", timeout_s=60)
            expect(viewer.locator("#captions p .speaker").first).to_have_text("Người nói 1:")
        shot(viewers[1], "live-captions-large")
        ws.send(json.dumps({"type": "end"}))
        ended = json.loads(ws.recv())
    assert ended["type"] == "end"

    for viewer in viewers:
        expect(viewer.get_by_role("link", name="Mở bản gỡ băng")).to_have_attribute(
            "href", f"/ui/editor/{ended['recording_id']}"
        )
    counts = [v.locator("#captions p").count() for v in viewers]
    assert counts[0] == counts[1] >= 2
    assert viewers[1].evaluate("getComputedStyle(document.querySelector('#captions')).fontSize") == "32px"
    assert viewers[0].evaluate("getComputedStyle(document.querySelector('#captions')).fontSize") == "16px"
    # Auto-scroll keeps the newest caption in view.
    at_bottom = "(c => c.scrollTop + c.clientHeight >= c.scrollHeight - 2)(document.querySelector('#captions'))"
    assert viewers[0].evaluate(at_bottom)
