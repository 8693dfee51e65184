"""A long recording decoded straight from S3: how much is fetched before the first block, peak memory, local copies.

Stitches real speech (vi_vivos_dev01_8utt clips with silences) into a FLAC of `--hours`, stores it through
`S3BlobStore` in an S3 server started here (moto, over HTTP; boto3's managed multipart upload), deletes the
local file, then decodes the whole recording from S3 in a fresh process (what a worker does before
recognition) and, as the baseline in the same run, the same decode from a local copy. Reports the bytes
fetched by ranged GETs before the first 60 s block, peak RSS of each decode, and the files the S3 decode
left in its home (there must be none: no local copy of the recording).

    .venv/bin/python benchmarks/s3_stream.py --hours 8
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import av
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.moto_s3 import moto_s3_server  # noqa: E402

EVALDATA = Path(os.environ.get("GOBANG_EVALDATA", REPO.parent / "shared" / "evaldata"))
CLIPS = EVALDATA / "vi_vivos_dev01_8utt" / "audio"
RATE = 16_000

DECODE = """
import json, resource, sys, time
from core.audio import stream_audio
from core.blobs import open_blob_store
from core.settings import Settings
source = sys.argv[1]
settings = Settings()
fetched = [0]
began = time.perf_counter()
if source.startswith("s3:"):
    store = open_blob_store(settings)
    store.client.meta.events.register(
        "after-call.s3.GetObject", lambda parsed, **_: fetched.__setitem__(0, fetched[0] + parsed["ContentLength"])
    )
    audio = store.audio(source[3:])
else:
    audio = source
first_s = first_bytes = None
samples = 0
for block in stream_audio(audio, block_s=60.0, max_duration_s=24 * 3600):
    if first_s is None:
        first_s, first_bytes = time.perf_counter() - began, fetched[0]
    samples += block.size
files = [str(p) for p in settings.home.rglob("*") if p.is_file() and "models" not in p.parts]
print(json.dumps({
    "first_block_s": first_s, "first_block_fetched": first_bytes, "fetched": fetched[0],
    "audio_s": samples / 16000, "wall_s": time.perf_counter() - began,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "home_files": files,
}))
"""


def stitched_flac(path: Path, hours: float) -> float:
    """Real speech, clip after clip with 2 s of silence, encoded block by block (never held whole)."""
    from core.audio import load_audio

    clips = [load_audio(p) for p in sorted(CLIPS.glob("*.wav"))]
    if not clips:
        raise SystemExit(f"no clips in {CLIPS} (set GOBANG_EVALDATA)")
    gap = np.zeros(2 * RATE, dtype=np.float32)
    total = int(hours * 3600 * RATE)
    written = 0
    with av.open(str(path), "w", format="flac") as out:
        stream = out.add_stream("flac", rate=RATE, layout="mono")
        i = 0
        while written < total:
            block = np.concatenate([clips[i % len(clips)], gap])[: total - written]
            pcm = (np.clip(block, -1, 1) * 32767).astype(np.int16).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
            frame.sample_rate = RATE
            for packet in stream.encode(frame):
                out.mux(packet)
            written += block.size
            i += 1
        for packet in stream.encode(None):
            out.mux(packet)
    return written / RATE


def decode(source: str, env: dict[str, str]) -> dict[str, Any]:
    answer = subprocess.run(
        [sys.executable, "-c", DECODE, source], env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    if answer.returncode != 0:
        raise SystemExit(answer.stderr[-3000:])
    result: dict[str, Any] = json.loads(answer.stdout.strip().splitlines()[-1])
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hours", type=float, default=8.0, help="length of the stitched recording (default 8)")
    parser.add_argument("--part-mb", type=int, default=8, help="multipart part and ranged-read size (default 8)")
    args = parser.parse_args(argv)
    from core.blobs import open_blob_store
    from core.settings import Settings, StorageSettings

    with tempfile.TemporaryDirectory(prefix="gobang-s3-stream-") as tmp, moto_s3_server() as endpoint:
        work = Path(tmp)
        flac = work / "phien-hop.flac"
        began = time.perf_counter()
        seconds = stitched_flac(flac, args.hours)
        size = flac.stat().st_size
        print(
            f"recording: {seconds / 3600:.2f} h of stitched speech, FLAC {size / 2**20:.0f} MiB "
            f"(built in {time.perf_counter() - began:.0f} s)"
        )
        storage = {
            "backend": "s3",
            "endpoint_url": endpoint,
            "bucket": "gobang-bench",
            "access_key_id": "bench",
            "secret_access_key": "bench",
            "part_mb": args.part_mb,
        }
        store = open_blob_store(Settings(home=work / "api", storage=StorageSettings.model_validate(storage)))
        began = time.perf_counter()
        sha256, _ = store.put_file(flac)
        print(f"upload to S3 (managed multipart, {args.part_mb} MiB parts): {time.perf_counter() - began:.1f} s")

        env = {**os.environ, "PYTHONPATH": str(REPO), "GOBANG_LOG_LEVEL": "WARNING"}
        local = decode(str(flac), env | {"GOBANG_HOME": str(work / "local")})
        flac.unlink()  # from here on the recording exists only in S3
        s3_env = (
            env
            | {"GOBANG_HOME": str(work / "worker")}
            | {f"GOBANG_STORAGE__{k.upper()}": str(v) for k, v in storage.items()}
        )
        remote = decode(f"s3:{sha256}", s3_env)

    print(
        f"{'decode':<10} {'audio h':>8} {'wall s':>8} {'first block s':>14} {'fetched at 1st':>15} "
        f"{'fetched MiB':>12} {'peak RSS MiB':>13}"
    )
    for name, r in (("local", local), ("S3", remote)):
        first = r["first_block_fetched"]
        print(
            f"{name:<10} {float(r['audio_s']) / 3600:8.2f} {float(r['wall_s']):8.1f} {float(r['first_block_s']):14.2f} "
            f"{(f'{int(first) / 2**20:.1f} MiB' if first is not None and name == 'S3' else '-'):>15} "
            f"{int(r['fetched']) / 2**20:12.0f} {float(r['peak_rss_mb']):13.0f}"
        )
    ratio = float(remote["peak_rss_mb"]) / float(local["peak_rss_mb"])
    print(f"peak RSS S3/local: {ratio:.2f}×; files left in the S3 decoder's home: {remote['home_files'] or 'none'}")
    ok = not remote["home_files"] and float(remote["peak_rss_mb"]) < 4096 and remote["audio_s"] == local["audio_s"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
