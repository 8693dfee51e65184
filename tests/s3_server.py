"""A real S3-compatible server for tests: moto in server mode, a subprocess speaking the S3 protocol over HTTP.

boto3 runs for real against it (signing, multipart uploads, ranged GETs); each test gets its own bucket.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from core.settings import StorageSettings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def storage(self, **overrides: object) -> StorageSettings:
        """Settings for a fresh bucket on this server (5 MiB parts, the smallest S3 accepts)."""
        fields: dict[str, object] = {
            "backend": "s3",
            "endpoint_url": self.endpoint_url,
            "bucket": f"gobang-{uuid.uuid4().hex[:12]}",
            "access_key_id": "testing",
            "secret_access_key": "testing",
            "part_mb": 5,
        }
        return StorageSettings.model_validate(fields | overrides)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("moto S3 server did not start (pip install 'moto[server]')")
                time.sleep(0.1)
        yield S3Server(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(timeout=10)
