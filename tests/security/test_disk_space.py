"""F9: a full disk is a 507 problem and loses nothing; free space is checked against the announced size before
a byte is sent; idle uploads and stale temporary files are swept.

GOBANG_HOME sits on a real 4 MiB tmpfs (mounting one needs root, as the CI container runs); the database
lives elsewhere, as a deployment's PostgreSQL would."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.blobs import open_blob_store
from core.db import session_scope
from core.housekeeping import sweep
from core.tables import AuditEvent
from tests.api.conftest import assert_problem
from tests.api.services import Databases, Service, clip, make_settings, start_service

MiB = 1 << 20


NEEDS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs (a disk that fills) needs root")
"""The only precondition these tests may lack; as root (CI, `make test` as root) a failed mount is a failure."""


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True)
    assert mounted.returncode == 0, f"cannot mount a tmpfs: {mounted.stderr.decode().strip()}"
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def full_service(small_disk: Path, new_database: Databases) -> Iterator[Service]:
    with start_service(make_settings(small_disk, new_database("sqlite"), min_free_mb=0)) as service:
        yield service


def _used(disk: Path) -> int:
    usage = shutil.disk_usage(disk)
    return usage.total - usage.free


@NEEDS_ROOT
def test_announcing_more_than_the_free_space_is_a_507(full_service: Service) -> None:
    response = full_service.client.post(
        "/uploads", json={"filename": "phien-hop.wav", "size": 8 * MiB}, headers=full_service.auth("clerk")
    )
    assert "insufficient storage" in assert_problem(response, 507)["detail"]


@NEEDS_ROOT
def test_a_piece_that_no_longer_fits_is_refused_unread_and_resumes_later(full_service: Service) -> None:
    audio = clip().read_bytes()
    headers = full_service.auth("clerk")
    announced = full_service.client.post(
        "/uploads", json={"filename": "a.wav", "size": len(audio), "start_job": False}, headers=headers
    )
    assert announced.status_code == 201, announced.text
    upload = f"/uploads/{announced.json()['id']}"
    home = full_service.settings.home
    filler = home / "filler"
    filler.write_bytes(b"\0" * (shutil.disk_usage(home).free - len(audio) // 2))  # someone else filled the disk

    piece = {"Content-Range": f"bytes 0-{len(audio) - 1}/{len(audio)}"}
    assert_problem(full_service.client.put(upload, content=audio, headers=headers | piece), 507)
    assert full_service.client.head(upload, headers=headers).headers["Upload-Offset"] == "0"

    filler.unlink()
    done = full_service.client.put(upload, content=audio, headers=headers | piece)
    assert done.status_code == 201, done.text
    assert done.json()["complete"]


@NEEDS_ROOT
def test_disk_full_while_streaming_is_a_507_and_leaves_nothing_behind(full_service: Service) -> None:
    """No Content-Length, so nothing could be checked in advance: the write fails with ENOSPC mid-way."""
    boundary = "b0undary"
    before = _used(full_service.settings.home)

    def body() -> Iterator[bytes]:
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\nRIFF'.encode()
        for _ in range(6):
            yield b"\0" * MiB
        yield f"\r\n--{boundary}--\r\n".encode()

    response = full_service.client.post(
        "/recordings",
        content=body(),
        headers=full_service.auth("clerk") | {"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert "disk full" in assert_problem(response, 507)["detail"]
    deadline = time.monotonic() + 5
    while _used(full_service.settings.home) > before + 64 * 1024 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _used(full_service.settings.home) <= before + 64 * 1024
    small = full_service.upload(clip(), start_job="false")  # the service goes on
    assert small.status_code == 201, small.text


def test_idle_uploads_and_stale_temporary_files_are_swept(service: Service) -> None:
    settings, headers = service.settings, service.auth("clerk")
    ids = []
    for name in ("bo-do.wav", "dang-gui.wav"):
        created = service.client.post("/uploads", json={"filename": name, "size": 1000}, headers=headers)
        ids.append(created.json()["id"])
    idle, active = ids
    two_days_ago = time.time() - 2 * 86400
    os.utime(settings.upload_dir / f"{idle}.part", (two_days_ago, two_days_ago))
    stale_tmp, fresh_tmp = settings.blob_dir / "tmp" / "tmpstale", settings.blob_dir / "tmp" / "tmpfresh"
    stale_tmp.write_bytes(b"x" * 1000)
    fresh_tmp.write_bytes(b"x")
    os.utime(stale_tmp, (two_days_ago, two_days_ago))

    swept = sweep(settings, open_blob_store(settings))

    assert (swept.uploads, swept.files) == (1, 1)
    assert_problem(service.client.get(f"/uploads/{idle}", headers=headers), 404)
    assert not (settings.upload_dir / f"{idle}.part").exists()
    assert service.client.get(f"/uploads/{active}", headers=headers).status_code == 200
    assert (settings.upload_dir / f"{active}.part").exists()
    assert not stale_tmp.exists() and fresh_tmp.exists()
    with session_scope(settings.resolved_database_url) as db:
        assert (
            db.scalar(
                select(AuditEvent.action).where(AuditEvent.target == f"upload:{idle}").order_by(AuditEvent.id.desc())
            )
            == "upload.expire"
        )
    later = sweep(
        settings, open_blob_store(settings), now=datetime.now(UTC) + timedelta(hours=settings.upload_idle_hours + 1)
    )
    assert later.uploads == 1  # the active one too, once it has been idle as long
