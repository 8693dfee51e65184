"""Uploads with the S3 store (a real S3 server, moto over HTTP): nothing stays on the API machine's disk."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from core.audio import load_audio
from core.blobs import S3BlobStore
from core.db import session_scope
from core.housekeeping import sweep
from core.tables import Upload
from tests.api.conftest import assert_problem
from tests.api.services import Databases, Service, clip, make_settings, start_service, wait_for_job
from tests.api.test_uploads import _announce, _put
from tests.audio_helpers import write_wav
from tests.s3_server import S3Server, s3_server

__all__ = ["s3_server"]

MiB = 1 << 20


@pytest.fixture
def s3_service(tmp_path: Path, gobang_home: Path, new_database: Databases, s3_server: S3Server) -> Iterator[Service]:
    """A home of its own (its models linked from the session's cache), so its disk shows what S3 took off it."""
    (gobang_home / "models").mkdir(parents=True, exist_ok=True)
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "models").symlink_to(gobang_home / "models", target_is_directory=True)
    settings = make_settings(tmp_path / "home", new_database("sqlite"), storage=s3_server.storage())
    with start_service(settings) as running:
        yield running


def _store(service: Service) -> S3BlobStore:
    store = service.app.state.blobs
    assert isinstance(store, S3BlobStore)
    return store


def _keys(store: S3BlobStore, prefix: str = "") -> list[str]:
    return [o["Key"] for o in store.client.list_objects_v2(Bucket=store.bucket, Prefix=prefix).get("Contents", [])]


def _long_recording(tmp_path: Path) -> bytes:
    """About 12 MB of real speech (three S3 parts of 5 MiB)."""
    speech = load_audio(clip())
    return write_wav(tmp_path / "dai.wav", np.tile(speech, 400 * 16_000 // speech.size + 1)).read_bytes()


def test_resumable_upload_goes_through_s3_multipart_and_resumes(s3_service: Service, tmp_path: Path) -> None:
    client, headers, store = s3_service.client, s3_service.auth("service"), _store(s3_service)
    data = _long_recording(tmp_path)
    assert len(data) > 2 * 5 * MiB
    created = _announce(client, headers, data, start_job=False)
    assert created.status_code == 201, created.text
    upload_id = created.json()["id"]

    assert _put(client, upload_id, data, 0, 3 * MiB, headers).json()["received"] == 3 * MiB  # a tail, no part yet
    assert client.head(f"/uploads/{upload_id}", headers=headers).headers["upload-offset"] == str(3 * MiB)
    assert_problem(_put(client, upload_id, data, 4 * MiB, 5 * MiB, headers), 409)  # a gap
    resumed = _put(client, upload_id, data, 2 * MiB, 9 * MiB, headers)  # overlapping: the client resumes
    assert resumed.json()["received"] == 9 * MiB
    assert _put(client, upload_id, data, 0, MiB, headers).json()["received"] == 9 * MiB  # a retried old piece

    with session_scope(s3_service.settings.resolved_database_url) as db:
        state = db.get_one(Upload, upload_id).meta["s3"]
    assert [p["PartNumber"] for p in state["parts"]] == [1]  # bytes 0..5 MiB; 5..9 MiB wait as a tail
    multipart = store.client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", [])
    assert [u["UploadId"] for u in multipart] == [state["upload_id"]]

    last = _put(client, upload_id, data, 9 * MiB, len(data), headers)
    assert last.status_code == 201, last.text
    sha256 = hashlib.sha256(data).hexdigest()
    recording_id = last.json()["recording_id"]
    assert _keys(store) == [f"blobs/{sha256[:2]}/{sha256}"]  # parts and tails are gone, the blob is there
    assert not store.client.list_multipart_uploads(Bucket=store.bucket).get("Uploads")
    assert not [p for p in s3_service.settings.home.rglob("*") if p.is_file()]  # nothing on the API's disk

    audio = client.get(f"/recordings/{recording_id}/audio", headers=headers)
    assert audio.status_code == 200 and audio.content == data
    ranged = client.get(f"/recordings/{recording_id}/audio", headers={**headers, "Range": "bytes=7340032-7341055"})
    assert ranged.status_code == 206 and ranged.content == data[7 * MiB : 7 * MiB + 1024]
    assert ranged.headers["content-range"] == f"bytes 7340032-7341055/{len(data)}"


def test_a_checksum_mismatch_starts_the_s3_upload_over(s3_service: Service) -> None:
    client, headers, store = s3_service.client, s3_service.auth("service"), _store(s3_service)
    data = clip().read_bytes()
    upload_id = _announce(client, headers, data, sha256="0" * 64, start_job=False).json()["id"]
    assert_problem(_put(client, upload_id, data, 0, len(data), headers), 422)
    assert client.get(f"/uploads/{upload_id}", headers=headers).json()["received"] == 0
    assert not _keys(store, "uploads/") and not _keys(store, "blobs/")
    assert len(store.client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", [])) == 1  # a fresh one


def test_aborted_and_idle_s3_uploads_leave_nothing_in_the_bucket(s3_service: Service) -> None:
    client, headers, store = s3_service.client, s3_service.auth("service"), _store(s3_service)
    data = clip().read_bytes()
    aborted = _announce(client, headers, data, start_job=False).json()["id"]
    idle = _announce(client, headers, data, start_job=False).json()["id"]
    for upload_id in (aborted, idle):
        assert _put(client, upload_id, data, 0, 10_000, headers).json()["received"] == 10_000
    assert len(_keys(store, "uploads/")) == 2
    assert client.delete(f"/uploads/{aborted}", headers=headers).status_code == 204
    assert len(store.client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", [])) == 1
    later = datetime.now(UTC) + timedelta(hours=s3_service.settings.upload_idle_hours + 1)
    assert sweep(s3_service.settings, store, now=later).uploads == 1
    assert not _keys(store) and not store.client.list_multipart_uploads(Bucket=store.bucket).get("Uploads")


def test_a_multipart_post_is_stored_once_in_s3_and_transcribed_from_it(s3_service: Service) -> None:
    client, headers, store = s3_service.client, s3_service.auth("service"), _store(s3_service)
    data = clip().read_bytes()
    first = client.post("/recordings", files={"file": ("a.wav", data)}, headers=headers)
    second = client.post("/recordings", files={"file": ("b.wav", data)}, data={"start_job": "false"}, headers=headers)
    assert first.status_code == second.status_code == 201, first.text
    assert len(_keys(store, "blobs/")) == 1
    assert wait_for_job(client, first.json()["job"]["id"], headers)["status"] == "succeeded"
    sha256 = first.json()["recording"]["sha256"]
    assert not (s3_service.settings.blob_dir / sha256[:2] / sha256).exists()  # in the bucket, not on local disk
    assert not list(store.staging.iterdir())  # the staged bodies went up and were deleted
