"""A real S3-compatible server for tests: moto in server mode, a subprocess speaking the S3 protocol over HTTP.

boto3 runs for real against it (signing, multipart uploads, ranged GETs); each test gets its own bucket.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from benchmarks.moto_s3 import moto_s3_server
from core.settings import StorageSettings


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
    with moto_s3_server() as endpoint_url:
        yield S3Server(endpoint_url)
