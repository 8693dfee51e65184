"""F2: a recording whose container declares no duration is measured, not trusted, and the caller's limit
reaches the pipeline (413 problem); F8: cancellation is seen once per decoded block, also in silence."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from asr.transcriber import Transcriber
from core.audio import probe
from core.errors import AudioTooLongError
from core.settings import get_settings
from tests.api.conftest import assert_problem
from tests.api.services import Databases, make_settings, start_service, wait_for_job
from tests.audio_helpers import streamed_silent_flac
from workers.options import PipelineOptions
from workers.pipeline import cached_engine, run_pipeline

LIMIT_S = 60


@pytest.fixture(scope="module")
def long_flac(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two minutes of silence in 1-2 KB of FLAC that declares no duration."""
    path = tmp_path_factory.mktemp("flac") / "silence.flac"
    path.write_bytes(streamed_silent_flac(2 * LIMIT_S))
    assert probe(path).duration is None
    return path


def test_undeclared_duration_is_counted_at_upload(long_flac: Path, gobang_home: Path, new_database: Databases) -> None:
    settings = make_settings(gobang_home, new_database("sqlite"), audio={"max_duration_s": LIMIT_S})
    with start_service(settings) as service:
        response = service.upload(long_flac, start_job="false")
        assert "vượt giới hạn 60 s" in assert_problem(response, 413)["detail"]
        short = long_flac.with_name("short.flac")
        short.write_bytes(streamed_silent_flac(LIMIT_S // 2))
        created = service.upload(short, start_job="false")
        assert created.status_code == 201, created.text
        assert created.json()["recording"]["duration"] == pytest.approx(LIMIT_S / 2, abs=0.5)  # was null


def test_openai_endpoint_refuses_past_its_own_limit(
    long_flac: Path, gobang_home: Path, new_database: Databases
) -> None:
    """The endpoint's limit (an hour by default, not the 12 h of jobs) holds for files that declare nothing."""
    settings = make_settings(gobang_home, new_database("sqlite"), openai={"max_duration_s": LIMIT_S})
    with start_service(settings) as service:
        response = service.client.post(
            "/v1/audio/transcriptions",
            files={"file": ("a.flac", long_flac.read_bytes())},
            data={"model": "vietasr"},
            headers=service.auth("service"),
        )
        assert_problem(response, 413)


def test_the_callers_limit_is_enforced_while_decoding(long_flac: Path) -> None:
    began = time.perf_counter()
    with pytest.raises(AudioTooLongError):
        run_pipeline(long_flac, PipelineOptions(engine="vietasr"), max_duration_s=LIMIT_S)
    assert get_settings().audio.max_duration_s > 2 * LIMIT_S  # not the configured limit that stopped it
    assert time.perf_counter() - began < 60


class Cancelled(Exception):
    pass


def test_cancel_is_seen_within_one_block_of_silence(long_flac: Path) -> None:
    """A job's hook raises once its cancel flag is set: before, silence never called the hook at all."""
    calls: list[float] = []

    def hook(stage: str, fraction: float) -> None:
        calls.append(fraction)
        raise Cancelled

    transcriber = Transcriber(cached_engine("vietasr", None))
    with pytest.raises(Cancelled):
        transcriber.transcribe(long_flac, hook=hook)
    assert len(calls) == 1


def test_a_running_job_on_silence_is_cancelled(tmp_path: Path, gobang_home: Path, new_database: Databases) -> None:
    """Through the real worker: the cancel is seen within a block, where the job used to decode 20 minutes of
    silence to its end and fail with "no speech"."""
    silence = tmp_path / "im-lang.flac"
    silence.write_bytes(streamed_silent_flac(20 * 60))
    with start_service(make_settings(gobang_home, new_database("sqlite"))) as service:
        created = service.upload(silence, engine="vietasr")
        assert created.status_code == 201, created.text
        job_id, headers = created.json()["job"]["id"], service.auth("clerk")
        deadline = time.monotonic() + 60
        while service.client.get(f"/jobs/{job_id}", headers=headers).json()["status"] != "running":
            assert time.monotonic() < deadline, "the job never started"
            time.sleep(0.05)
        asked = time.monotonic()
        assert service.client.post(f"/jobs/{job_id}/cancel", headers=headers).status_code == 202
        job = wait_for_job(service.client, job_id, headers, timeout_s=120)
        assert job["status"] == "cancelled", job
        assert time.monotonic() - asked < 15
