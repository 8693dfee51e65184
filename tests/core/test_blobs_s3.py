"""The S3 blob store against a real S3 server (moto over HTTP): dedup, ranged reads, decoding without a copy."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.audio import load_audio, probe, stream_audio
from core.blobs import MiB, S3BlobStore, open_blob_store
from core.errors import NotFoundError
from core.settings import Settings
from tests.audio_helpers import write_wav
from tests.conftest import EVALDATA
from tests.s3_server import S3Server, s3_server

__all__ = ["s3_server"]

FLAC = EVALDATA / "cv9_vi_dev" / "audio" / "common_voice_vi_23790302.flac"


class Calls:
    """S3 operations a client made, and the bytes its GETs brought back."""

    def __init__(self, store: S3BlobStore) -> None:
        self.ops: Counter[str] = Counter()
        self.got = 0
        store.client.meta.events.register("before-call.s3", self._call)
        store.client.meta.events.register("after-call.s3.GetObject", self._got)

    def _call(self, model: Any, params: Any, **_: Any) -> None:
        self.ops[model.name] += 1

    def _got(self, http_response: Any, parsed: Any, **_: Any) -> None:
        self.got += int(parsed.get("ContentLength") or 0)


@pytest.fixture
def store(s3_server: S3Server, tmp_path: Path) -> S3BlobStore:
    blobs = open_blob_store(Settings(home=tmp_path / "home", storage=s3_server.storage()))
    assert isinstance(blobs, S3BlobStore)
    return blobs


def _long_wav(path: Path, seconds: float) -> Path:
    """Real speech repeated to `seconds` (16 kHz, 16-bit: 32 KB a second)."""
    clip = load_audio(FLAC)
    return write_wav(path, np.tile(clip, int(seconds * 16_000 / clip.size) + 1)[: int(seconds * 16_000)])


def test_put_is_content_addressed_and_stored_once(store: S3BlobStore, tmp_path: Path) -> None:
    calls = Calls(store)
    sha256, size = store.put_file(FLAC)
    assert size == FLAC.stat().st_size and store.exists(sha256)
    again, _ = store.put_file(FLAC)
    assert again == sha256
    assert calls.ops["PutObject"] + calls.ops["CreateMultipartUpload"] == 1  # the HEAD found the first copy
    keys = [o["Key"] for o in store.client.list_objects_v2(Bucket=store.bucket)["Contents"]]
    assert keys == [f"blobs/{sha256[:2]}/{sha256}"]
    with store.audio(sha256).open() as f:
        assert f.read() == FLAC.read_bytes()
    assert not list(store.staging.iterdir())  # staged files are gone once uploaded
    store.delete(sha256)
    with pytest.raises(NotFoundError):
        store.audio(sha256)


def test_large_files_go_up_in_parts_and_come_back_by_ranges(store: S3BlobStore, tmp_path: Path) -> None:
    wav = _long_wav(tmp_path / "long.wav", 400)  # 12.8 MB: three parts of 5 MiB
    calls = Calls(store)
    sha256, _ = store.put_file(wav)
    assert calls.ops["UploadPart"] == 3 and calls.ops["PutObject"] == 0
    data = wav.read_bytes()
    with store.audio(sha256).open() as f:
        f.seek(11 * MiB + 17)
        assert f.read(1000) == data[11 * MiB + 17 : 11 * MiB + 1017]
        f.seek(-10, 2)
        assert f.read() == data[-10:]
        f.seek(3)
        assert f.read(5) == data[3:8]
    assert calls.got < 3 * 5 * MiB  # three ranged GETs of at most a part each, never the whole object at once


def test_flac_decodes_straight_from_s3_without_a_local_copy(store: S3BlobStore, tmp_path: Path) -> None:
    sha256, _ = store.put_file(FLAC)
    remote = store.audio(sha256)
    assert probe(remote).container == probe(FLAC).container == "flac"
    np.testing.assert_array_equal(load_audio(remote), load_audio(FLAC))
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]  # nothing was written under home


def test_decoding_reads_as_it_goes(store: S3BlobStore, tmp_path: Path) -> None:
    """The first minute of a long recording is decoded after a fraction of the object has been fetched."""
    sha256, size = store.put_file(_long_wav(tmp_path / "long.wav", 400))
    (tmp_path / "long.wav").unlink()
    calls = Calls(store)
    first = next(stream_audio(store.audio(sha256), block_s=60.0))
    assert first.size == 60 * 16_000
    assert calls.got < size / 2 and calls.ops["GetObject"] >= 1
