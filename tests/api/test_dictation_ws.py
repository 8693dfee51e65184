"""WS /dictation with real speech, as PCM16 and as a MediaRecorder-like WebM/Opus stream."""

from __future__ import annotations

import io
import json
from typing import Any

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from core.audio import SAMPLE_RATE, load_audio
from core.text import normalize_for_scoring
from tests.api.conftest import Accounts
from tests.conftest import EVALDATA

CLIP = "common_voice_vi_25226541.flac"


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    pause = np.zeros(SAMPLE_RATE, np.float32)
    return np.concatenate([load_audio(EVALDATA / "cv9_vi_dev" / "audio" / CLIP), pause])


def _webm(audio: np.ndarray) -> bytes:
    """Opus in WebM, 48 kHz, as Chromium's MediaRecorder writes it."""
    out = io.BytesIO()
    with av.open(out, mode="w", format="webm") as container:
        stream = container.add_stream("libopus", rate=48000, layout="mono")
        frame = av.AudioFrame.from_ndarray((audio * 32767).astype(np.int16)[None, :], format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
        for resampled in resampler.resample(frame):
            for packet in stream.encode(resampled):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def _dictate(
    client: TestClient, headers: dict[str, str], fmt: str, chunks: list[bytes], query: str = ""
) -> list[dict[str, Any]]:
    with client.websocket_connect(f"/dictation?format={fmt}{query}", headers=headers) as ws:
        ws.send_text(json.dumps({"type": "glossary", "terms": ["Hội đồng Nhân dân"]}))
        for chunk in chunks:
            ws.send_bytes(chunk)
        ws.send_text(json.dumps({"type": "end"}))
        messages = []
        while True:
            message = ws.receive_json()
            messages.append(message)
            if message["type"] in ("end", "error"):
                return messages


def _check(messages: list[dict[str, Any]], reference: str) -> None:
    kinds = [m["type"] for m in messages]
    assert kinds[-1] == "end" and "partial" in kinds and "final" in kinds
    assert kinds.index("partial") < kinds.index("final")
    final = " ".join(m["text"] for m in messages if m["type"] == "final")
    hyp, ref = set(normalize_for_scoring(final).split()), set(normalize_for_scoring(reference).split())
    assert len(hyp & ref) >= 0.7 * len(ref), (final, reference)
    assert all(m["end"] >= m["start"] >= 0 for m in messages if m["type"] != "end")


def test_pcm16_partials_then_finals(
    client: TestClient, accounts: Accounts, speech: np.ndarray, cv_rows: list[dict[str, str]]
) -> None:
    reference = next(r["reference_text"] for r in cv_rows if r["audio_path"].endswith(CLIP))
    pcm = (speech * 32767).astype("<i2").tobytes()
    step = int(0.2 * SAMPLE_RATE) * 2
    chunks = [pcm[i : i + step] for i in range(0, len(pcm), step)]
    messages = _dictate(client, accounts.headers("clerk"), "pcm16", chunks)
    _check(messages, reference)
    finals = [m["text"] for m in messages if m["type"] == "final"]
    assert all(f[-1] in ".?:" for f in finals)  # the written form: the punctuation model ends each final
    spoken = _dictate(client, accounts.headers("clerk"), "pcm16", chunks, "&written_form=false")
    _check(spoken, reference)
    assert not any(m["text"][-1] in ".?" for m in spoken if m["type"] == "final")


def test_webm_opus_stream(
    client: TestClient, accounts: Accounts, speech: np.ndarray, cv_rows: list[dict[str, str]]
) -> None:
    reference = next(r["reference_text"] for r in cv_rows if r["audio_path"].endswith(CLIP))
    data = _webm(speech)
    messages = _dictate(
        client, accounts.headers("clerk"), "webm", [data[i : i + 2000] for i in range(0, len(data), 2000)]
    )
    _check(messages, reference)


def test_needs_login_and_same_origin(client: TestClient, accounts: Accounts) -> None:
    with pytest.raises(WebSocketDisconnect) as anonymous, client.websocket_connect("/dictation"):
        pass
    assert anonymous.value.code == 1008
    headers = accounts.headers("clerk") | {"Origin": "https://evil.example"}
    with pytest.raises(WebSocketDisconnect) as foreign, client.websocket_connect("/dictation", headers=headers):
        pass
    assert foreign.value.code == 1008


@pytest.mark.parametrize("text", ["[1, 2]", '"end"', '{"type": "glossary", "terms": 5}', "{not json"])
def test_a_malformed_command_is_an_error_message(client: TestClient, accounts: Accounts, text: str) -> None:
    with client.websocket_connect("/dictation", headers=accounts.headers("clerk")) as ws:
        ws.send_text(text)
        assert ws.receive_json() == {"type": "error", "detail": "tin nhắn không hợp lệ (invalid message)"}
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 1008
