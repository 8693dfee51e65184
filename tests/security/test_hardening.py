"""F11: errors name no server paths; recordings, databases and voiceprints are private (0600 in 0700 folders);
every response carries the hardening headers."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from api.middleware import HARDENING_HEADERS
from tests.api.conftest import assert_problem
from tests.api.services import Service, clip


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    "content",
    [
        b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\xff" * 400,  # a WAV header over garbage
        b"fLaC" + b"\x00" * 600,  # FLAC signature, no stream
        b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 3,  # an MP3 tag over noise
    ],
)
def test_bad_audio_errors_name_no_server_path(service: Service, content: bytes) -> None:
    response = service.client.post("/recordings", files={"file": ("x.wav", content)}, headers=service.auth("clerk"))
    assert_problem(response, response.status_code)
    assert 400 <= response.status_code < 500
    text = response.text
    for secret in (str(service.settings.home), "/tmp", "blobs", ".part"):
        assert secret not in text, f"{secret!r} in {text}"


@pytest.mark.parametrize(
    ("method", "path", "who"),
    [
        ("GET", "/healthz", "nobody"),
        ("GET", "/recordings", "clerk"),
        ("GET", "/recordings", "nobody"),
        ("GET", "/no/such/route", "nobody"),
        ("POST", "/recordings", "nobody"),
        ("GET", "/ui/", "nobody"),
    ],
)
def test_hardening_headers_on_every_response(service: Service, method: str, path: str, who: str) -> None:
    response = service.client.request(
        method, path, headers=service.auth(who), content=b"x" if method == "POST" else None
    )
    for name, value in HARDENING_HEADERS:
        assert response.headers.get(name.decode()) == value.decode(), (
            path,
            response.status_code,
            dict(response.headers),
        )


def test_refused_bodies_carry_the_headers_too(service: Service) -> None:
    response = service.client.post(
        "/recordings/abc/transcript", headers={"Content-Length": str(1 << 30)}, content=b"{}"
    )
    assert response.headers["x-content-type-options"] == "nosniff"


def test_recordings_database_and_folders_are_private(service: Service, tmp_path: Path) -> None:
    home = service.settings.home
    created = service.upload(clip(), start_job="false")
    assert created.status_code == 201, created.text
    sha = created.json()["recording"]["sha256"]
    blob = service.settings.blob_dir / sha[:2] / sha
    assert _mode(blob) == 0o600
    assert _mode(blob.parent) == 0o700 and _mode(service.settings.blob_dir / "tmp") == 0o700
    assert _mode(home) == 0o700

    piece = clip("VIVOSDEV01_R027.wav").read_bytes()
    upload = service.client.post(
        "/uploads", json={"filename": "b.wav", "size": len(piece), "start_job": False}, headers=service.auth("clerk")
    )
    assert upload.status_code == 201, upload.text
    part = service.settings.upload_dir / f"{upload.json()['id']}.part"
    assert _mode(part) == 0o600 and _mode(service.settings.upload_dir) == 0o700
    done = service.client.put(
        f"/uploads/{upload.json()['id']}",
        content=piece,
        headers=service.auth("clerk") | {"Content-Range": f"bytes 0-{len(piece) - 1}/{len(piece)}"},
    )
    assert done.status_code == 201, done.text
    sha = service.client.get(f"/uploads/{upload.json()['id']}", headers=service.auth("clerk")).json()["sha256"]
    assert _mode(service.settings.blob_dir / sha[:2] / sha) == 0o600

    database = Path(service.settings.resolved_database_url.removeprefix("sqlite:///"))
    assert _mode(database) & 0o077 == 0, oct(_mode(database))


def test_a_new_sqlite_database_is_private(tmp_path: Path) -> None:
    from core.db import get_engine, migrate

    url = f"sqlite:///{tmp_path / 'data' / 'gobang.db'}"
    migrate(url)
    get_engine(url).dispose()
    assert _mode(tmp_path / "data" / "gobang.db") == 0o600
    assert _mode(tmp_path / "data") == 0o700
