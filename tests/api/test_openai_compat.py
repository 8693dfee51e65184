"""The OpenAI-compatible endpoint, called by the official `openai` client against a real server."""

from __future__ import annotations

from pathlib import Path

import jiwer
import openai
import pysubs2
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routers.openai_compat import MODELS
from core.settings import AsrSettings, Settings
from core.text import normalize_for_scoring
from tests.api.conftest import Accounts
from tests.api.services import LiveService, clip
from tests.conftest import manifest

CLIP = "VIVOSDEV01_R043.wav"


def _client(live: LiveService, who: str = "service") -> openai.OpenAI:
    key = live.keys[who]
    return openai.OpenAI(base_url=f"{live.base_url}/v1", api_key=key, max_retries=0, timeout=60)


def _reference() -> str:
    return next(r["reference_text"] for r in manifest("vi_vivos_dev01_8utt") if r["audio_path"].endswith(CLIP))


def test_every_response_format_through_the_openai_client(live: LiveService) -> None:
    client = _client(live)
    with clip(CLIP).open("rb") as f:
        result = client.audio.transcriptions.create(model="whisper-1", file=f, language="vi")
    assert jiwer.wer(normalize_for_scoring(_reference()), normalize_for_scoring(result.text)) < 0.35, result.text

    with clip(CLIP).open("rb") as f:
        text = client.audio.transcriptions.create(model="vietasr", file=f, response_format="text")
    assert isinstance(text, str) and normalize_for_scoring(text) == normalize_for_scoring(result.text)

    with clip(CLIP).open("rb") as f:
        srt = client.audio.transcriptions.create(model="whisper-1", file=f, response_format="srt")
    cues = pysubs2.SSAFile.from_string(srt)
    assert cues and cues[0].start < cues[-1].end <= 3500

    with clip(CLIP).open("rb") as f:
        vtt = client.audio.transcriptions.create(model="whisper-1", file=f, response_format="vtt")
    assert vtt.startswith("WEBVTT") and "-->" in vtt

    with clip(CLIP).open("rb") as f:
        verbose = client.audio.transcriptions.create(
            model="whisper-1",
            file=f,
            response_format="verbose_json",
            timestamp_granularities=["word", "segment"],
            prompt="trung đông, hòa bình",
        )
    assert verbose.language == "vietnamese" and verbose.duration == pytest.approx(3.375, abs=0.1)
    assert verbose.segments and verbose.words
    assert all(0 <= s.start <= s.end <= verbose.duration + 0.05 for s in verbose.segments)
    starts = [w.start for w in verbose.words]
    assert starts == sorted(starts) and all(w.end >= w.start for w in verbose.words)
    assert normalize_for_scoring(" ".join(w.word for w in verbose.words)) == normalize_for_scoring(verbose.text)

    with clip(CLIP).open("rb") as f:
        words_only = client.audio.transcriptions.create(
            model="whisper-1", file=f, response_format="verbose_json", timestamp_granularities=["word"]
        )
    assert words_only.words and not words_only.segments


def test_refusals_come_back_as_openai_errors(live: LiveService) -> None:
    with clip(CLIP).open("rb") as f, pytest.raises(openai.PermissionDeniedError):
        _client(live, "viewer").audio.transcriptions.create(model="whisper-1", file=f)
    with clip(CLIP).open("rb") as f, pytest.raises(openai.AuthenticationError):
        openai.OpenAI(
            base_url=f"{live.base_url}/v1", api_key="gb_nope_nope", max_retries=0
        ).audio.transcriptions.create(model="whisper-1", file=f)
    with clip(CLIP).open("rb") as f, pytest.raises(openai.UnprocessableEntityError):
        _client(live).audio.transcriptions.create(model="gpt-9-ultra", file=f)
    with pytest.raises(openai.APIStatusError) as refused:
        _client(live).audio.transcriptions.create(model="whisper-1", file=("notes.wav", b"not audio at all, a note"))
    assert refused.value.status_code == 415


def test_models_are_listed_as_openai_lists_them(live: LiveService) -> None:
    client = _client(live)
    listed = {model.id: model for model in client.models.list()}
    assert set(listed) == set(MODELS)
    assert all(m.object == "model" and m.owned_by == "gobang" and m.created > 0 for m in listed.values())
    assert client.models.retrieve("vietasr").id == "vietasr"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-9-ultra")
    with pytest.raises(openai.PermissionDeniedError):
        _client(live, "viewer").models.list()


def test_only_models_of_verified_provenance_when_the_operator_says_so(tmp_path: Path, database_url: str) -> None:
    settings = Settings(
        home=tmp_path,
        database_url=database_url,
        redis_url=None,
        cookie_secure=False,
        asr=AsrSettings(verified_models_only=True),
    )
    app = create_app(settings)
    with TestClient(app) as http:
        key = Accounts(app).api_key()
        client = openai.OpenAI(base_url="http://testserver/v1", api_key=key, http_client=http, max_retries=0)
        assert "vietasr" not in {model.id for model in client.models.list()}
        with pytest.raises(openai.NotFoundError):
            client.models.retrieve("vietasr")
        with clip(CLIP).open("rb") as f, pytest.raises(openai.PermissionDeniedError) as refused:
            client.audio.transcriptions.create(model="vietasr", file=f)
        assert isinstance(refused.value.body, dict) and "chưa kiểm chứng" in refused.value.body["detail"]
        headers = {"Authorization": f"Bearer {key}"}
        with clip(CLIP).open("rb") as f:
            upload = http.post(
                "/recordings", files={"file": (CLIP, f, "audio/wav")}, data={"engine": "vietasr"}, headers=headers
            )
        assert upload.status_code == 403 and "chưa kiểm chứng" in upload.json()["detail"]
        assert http.get("/recordings", headers=headers).json()["items"] == []  # nothing stored for a refused job
        with clip(CLIP).open("rb") as f:
            stored = http.post(
                "/recordings", files={"file": (CLIP, f, "audio/wav")}, data={"start_job": "false"}, headers=headers
            )
        assert stored.status_code == 201, stored.text
        job = http.post(
            f"/recordings/{stored.json()['recording']['id']}/jobs", json={"engine": "vietasr"}, headers=headers
        )
        assert job.status_code == 403 and "chưa kiểm chứng" in job.json()["detail"]
