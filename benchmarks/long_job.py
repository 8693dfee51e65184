"""A long meeting end to end with no shared disk: resumable upload → S3 (moto) → `gobang worker` → transcript.

Stitches real speech (the vi_vivos_dev01_8utt clips, 2 s of silence after each) into a FLAC of `--hours`,
starts a deployment as `api_load.py --storage s3` does (PostgreSQL, Redis, an S3 server, `gobang serve`
and one `gobang worker`, each process with a home of its own, temporary files included), sends the file
through the resumable `/uploads` in pieces and waits for its transcript. While the job runs it samples
the worker's resident memory (and reads the kernel's high-water mark, VmHWM, at the end) and the largest
file in the worker's home and in the server's: neither may ever hold a copy of the whole recording (the
worker decodes with ranged reads from S3; the server's pieces go to an S3 multipart upload). The word
error rate against the clips' references (in the stitched order) shows the transcript is the recording's.

    .venv/bin/python benchmarks/long_job.py --hours 1
    .venv/bin/python benchmarks/long_job.py --hours 8

Targets (issue 18): worker peak memory < 4 GB and no local copy of the whole file, for 8 hours.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.api_load import Deployment, Process, exit_on_sigterm, start_deployment  # noqa: E402
from benchmarks.s3_stream import CLIPS, RATE, stitched_flac  # noqa: E402

PIECE = 8 << 20
"""Bytes per resumable-upload piece."""
MiB = 1 << 20


@dataclass
class Watch:
    """What the sampler saw: resident memory of the worker, the largest file each process had on its disk."""

    rss_peak_kb: int = 0
    largest: dict[str, tuple[int, str]] = field(default_factory=dict)
    """Process name -> (size, path) of the largest file ever seen under its home."""
    samples: int = 0


def _status_kb(pid: int, field_name: str) -> int:
    """A `/proc/<pid>/status` field in kB (VmRSS: now, VmHWM: the peak since the process started)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field_name}:"):
            return int(line.split()[1])
    return 0


def _files(home: Path, skip: Sequence[Path]) -> Iterator[Path]:
    """Every file under `home`, not following links (the model cache is a link), minus the `skip` folders."""
    for folder, dirs, names in os.walk(home):
        dirs[:] = [d for d in dirs if Path(folder, d) not in skip]
        for name in names:
            path = Path(folder, name)
            if not path.is_symlink():
                yield path


def _sample(watch: Watch, worker: Process, server: Process, stop: threading.Event, every_s: float) -> None:
    homes = {"worker": (worker.home, []), "server": (server.home, [worker.home])}
    while not stop.is_set():
        watch.rss_peak_kb = max(watch.rss_peak_kb, _status_kb(worker.pid, "VmRSS"))
        for name, (home, skip) in homes.items():
            for path in _files(home, skip):
                try:
                    size = path.stat().st_size
                except FileNotFoundError:  # a temporary file gone between the listing and the look
                    continue
                if size > watch.largest.get(name, (0, ""))[0]:
                    watch.largest[name] = (size, str(path.relative_to(home)))
        watch.samples += 1
        stop.wait(every_s)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(MiB), b""):
            digest.update(block)
    return digest.hexdigest()


def upload(client: httpx.Client, path: Path) -> str:
    """Announce the file, send it in pieces (never whole in memory); the job's id."""
    size = path.stat().st_size
    announced = client.post("/uploads", json={"filename": path.name, "size": size, "sha256": _sha256(path)})
    announced.raise_for_status()
    upload_id = announced.json()["id"]
    with path.open("rb") as f:
        offset = 0
        while offset < size:
            piece = f.read(PIECE)
            headers = {"Content-Range": f"bytes {offset}-{offset + len(piece) - 1}/{size}"}
            sent = client.put(f"/uploads/{upload_id}", content=piece, headers=headers)
            sent.raise_for_status()
            offset += len(piece)
    state = sent.json()
    if not state["complete"] or not state["job_id"]:
        raise SystemExit(f"the upload did not become a job: {state}")
    return str(state["job_id"])


def references(seconds: float) -> str:
    """The reference words of the stitched recording: the clips in the order `stitched_flac` lays them down,
    as many as it wrote whole."""
    from core.audio import load_audio
    from core.text import normalize_for_scoring

    with (CLIPS.parent / "MANIFEST.tsv").open(encoding="utf-8") as f:
        texts = {Path(r["audio_path"]).name: r["reference_text"] for r in csv.DictReader(f, delimiter="\t")}
    clips = sorted(CLIPS.glob("*.wav"))
    lengths = [load_audio(p).size + 2 * RATE for p in clips]
    words, written, i = [], 0, 0
    while written + lengths[i % len(clips)] <= seconds * RATE:
        words.append(normalize_for_scoring(texts[clips[i % len(clips)].name]))
        written += lengths[i % len(clips)]
        i += 1
    return " ".join(words)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hours", type=float, default=1.0, help="length of the stitched recording (default 1)")
    parser.add_argument("--worker-threads", type=int, default=2, help="ASR threads of the worker (default 2)")
    parser.add_argument("--worker-nice", type=int, default=10, help="niceness of the worker (default 10)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--every", type=float, default=0.5, help="seconds between samples (default 0.5)")
    parser.add_argument("--timeout", type=float, default=6 * 3600, help="give up after this long")
    args = parser.parse_args(argv)
    exit_on_sigterm()
    deployment_options = argparse.Namespace(  # what `api_load.start_deployment` reads
        embedded=False,
        storage="s3",
        workers=1,
        worker_threads=args.worker_threads,
        worker_nice=args.worker_nice,
        redis=args.redis,
    )
    with tempfile.TemporaryDirectory(prefix="gobang-long-job-") as tmp:
        flac = Path(tmp) / "phien-hop-dai.flac"
        began = time.perf_counter()
        seconds = stitched_flac(flac, args.hours)
        size = flac.stat().st_size
        print(
            f"recording: {seconds / 3600:.2f} h, FLAC {size / MiB:.0f} MiB "
            f"(built in {time.perf_counter() - began:.0f} s)"
        )
        with start_deployment(deployment_options) as deployment:
            return run(deployment, flac, seconds, size, args)


def run(deployment: Deployment, flac: Path, seconds: float, size: int, args: argparse.Namespace) -> int:
    import jiwer

    from core.text import normalize_for_scoring

    assert deployment.server is not None and len(deployment.workers) == 1
    worker, server = deployment.workers[0], deployment.server
    watch, stop = Watch(), threading.Event()
    sampler = threading.Thread(target=_sample, args=(watch, worker, server, stop, args.every), daemon=True)
    sampler.start()
    headers = {"Authorization": f"Bearer {deployment.api_key}"}
    with httpx.Client(base_url=deployment.url, headers=headers, timeout=600) as client:
        began = time.perf_counter()
        job_id = upload(client, flac)
        upload_s = time.perf_counter() - began
        print(f"upload: {size / MiB:.0f} MiB in {upload_s:.1f} s through /uploads ({PIECE // MiB} MiB pieces)")
        deadline = time.monotonic() + args.timeout
        job: dict[str, object] = {}
        reported = time.monotonic()
        while time.monotonic() < deadline:
            job = client.get(f"/jobs/{job_id}").json()
            if job["status"] in ("succeeded", "failed", "cancelled"):
                break
            if time.monotonic() - reported >= 60:  # a run cut short still tells how far it got, and at what cost
                reported = time.monotonic()
                print(
                    f"  {time.perf_counter() - began - upload_s:6.0f} s: {job['stage']} "
                    f"{float(str(job['progress'])):.0%}, "
                    f"worker RSS peak {_status_kb(worker.pid, 'VmHWM') / 1024:.0f} MiB, largest files (MiB) "
                    f"worker {watch.largest.get('worker', (0, ''))[0] / MiB:.1f} "
                    f"server {watch.largest.get('server', (0, ''))[0] / MiB:.1f}",
                    flush=True,
                )
            time.sleep(2)
        job_s = time.perf_counter() - began - upload_s
        peak_kb = max(watch.rss_peak_kb, _status_kb(worker.pid, "VmHWM"))
        stop.set()
        sampler.join()
        if job.get("status") != "succeeded":
            print(f"job {job_id} ended {job.get('status')}: {job.get('error')}")
            return 1
        transcript = client.get(f"/recordings/{job['recording_id']}/transcript").json()["transcript"]
    hypothesis = normalize_for_scoring(" ".join(s["text"] for s in transcript["segments"]))
    wer = jiwer.wer(references(seconds), hypothesis)
    last_end = max((s["end"] for s in transcript["segments"]), default=0.0)
    worker_largest, worker_path = watch.largest.get("worker", (0, "-"))
    server_largest, server_path = watch.largest.get("server", (0, "-"))
    print(f"job: {job_s:.0f} s for {seconds / 3600:.2f} h of audio (RTF {job_s / seconds:.3f})")
    print(f"transcript: {len(transcript['segments'])} segments, last ends at {last_end / 3600:.2f} h, WER {wer:.3f}")
    print(f"worker peak RSS: {peak_kb / 1024:.0f} MiB (VmHWM; {watch.samples} samples)")
    print(f"largest file in the worker's home: {worker_largest / MiB:.1f} MiB ({worker_path})")
    print(f"largest file in the server's home: {server_largest / MiB:.1f} MiB ({server_path})")
    no_copy = max(worker_largest, server_largest) < size / 2
    ok = peak_kb < 4 * 1024 * 1024 and no_copy and wer < 0.5 and last_end > 0.9 * seconds
    print(
        f"\nlong_job hours={seconds / 3600:.2f} flac_mib={size / MiB:.0f} upload_s={upload_s:.1f} job_s={job_s:.0f} "
        f"rtf={job_s / seconds:.3f} worker_peak_rss_mib={peak_kb / 1024:.0f} "
        f"largest_worker_file_mib={worker_largest / MiB:.1f} largest_server_file_mib={server_largest / MiB:.1f} "
        f"wer={wer:.3f} {'OK' if ok else 'FAILED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
