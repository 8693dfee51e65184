"""API under load: N concurrent uploads of short real recordings, then status polling until every job ends.

Starts a real deployment (`gobang serve`, `gobang worker`s on Redis, PostgreSQL; or the embedded
SQLite + in-process worker with `--embedded`), or targets a running one (`--url`, `--api-key`).
Measures the API's latency for status reads on an idle server first (the baseline), then while
N uploads arrive and while the workers are busy; throughput of uploads and jobs; and checks that
no job was lost or duplicated: every upload has exactly one job, every job succeeded, every
recording has exactly one transcript version (a job's result written once), and the database holds no
recording the client was not told of. Uploads behave as a real client's: each carries an `Idempotency-Key`
and is sent again with it after a 503 (Retry-After) or a dropped connection, so a retry cannot store twice.

    .venv/bin/python benchmarks/api_load.py -n 50
    .venv/bin/python benchmarks/api_load.py -n 200 --workers 2
    .venv/bin/python benchmarks/api_load.py -n 20 --embedded
    .venv/bin/python benchmarks/api_load.py -n 200 --workers 2 --storage s3

With `--storage s3` the audio goes to an S3 server started here (moto, over HTTP) and every process has its
own home: the server and the workers share no disk, as on separate machines.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.moto_s3 import free_port, moto_s3_server  # noqa: E402

EVALDATA = Path(os.environ.get("GOBANG_EVALDATA", REPO.parent / "shared" / "evaldata"))
CLIPS = EVALDATA / "vi_vivos_dev01_8utt" / "audio"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
TERMINAL = ("succeeded", "failed", "cancelled")


@dataclass
class Samples:
    """Latencies of one kind of request, in seconds."""

    name: str
    values: list[float] = field(default_factory=list)
    errors: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    """What the errors were: HTTP status or exception name."""

    def pct(self, q: float) -> float:
        if not self.values:
            return float("nan")
        ordered = sorted(self.values)
        return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]

    def row(self, baseline: Samples | None = None) -> str:
        ratio = f"{self.pct(99) / baseline.pct(99):6.1f}×" if baseline and baseline.values else "      -"
        return (
            f"{self.name:<34} {len(self.values):>6} {self.errors:>5} {1000 * self.pct(50):>8.1f} "
            f"{1000 * self.pct(99):>8.1f} {1000 * max(self.values, default=float('nan')):>8.1f} {ratio}"
        )


# --- a deployment to measure ----------------------------------------------------------------------


@dataclass
class Process:
    """A process this script started, and the home it was given (its only disk)."""

    pid: int
    home: Path


@dataclass
class Deployment:
    url: str
    api_key: str
    database_url: str | None
    """Known when this script started the deployment: the lost/duplicated check reads it directly."""
    server: Process | None = None
    workers: list[Process] = field(default_factory=list)


def _model_cache() -> Path:
    from core.settings import get_settings

    return get_settings().model_cache


@contextmanager
def start_deployment(args: argparse.Namespace) -> Iterator[Deployment]:
    """A fresh home, database and queue prefix; the server and workers as subprocesses; all removed at the end."""
    from sqlalchemy import text

    from accounts.credentials import new_api_key
    from core.db import get_engine, migrate, session_scope
    from core.tables import ApiKey, Role

    home = Path(tempfile.mkdtemp(prefix="gobang-load-"))
    (home / "models").symlink_to(_model_cache())  # the models this machine already built
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, home, ignore_errors=True)
        if args.embedded:
            database_url = f"sqlite:///{home / 'gobang.db'}"
        else:
            import psycopg

            name = f"gobang_load_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            database_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
            stack.callback(_drop_database, name)
        migrate(database_url)
        key = new_api_key()
        with session_scope(database_url) as db:
            db.add(ApiKey(prefix=key.prefix, key_hash=key.key_hash, name="api_load", role=Role.service))
        with get_engine(database_url).connect() as connection:
            connection.execute(text("SELECT 1"))
        prefix = f"gobang-load-{uuid.uuid4().hex[:8]}"
        env = {
            **os.environ,
            "GOBANG_HOME": str(home),
            "GOBANG_DATABASE_URL": database_url,
            "GOBANG_JOBS__QUEUE_PREFIX": prefix,
            "GOBANG_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(REPO),
        }
        if not args.embedded:
            env["GOBANG_REDIS_URL"] = args.redis
            stack.callback(_clean_redis, args.redis, prefix)
        if args.storage == "s3":
            env |= stack.enter_context(_s3_server())
        port = free_port()
        gobang = str(Path(sys.executable).with_name("gobang"))  # the real commands, as deployed
        server = stack.enter_context(_process([gobang, "serve", "--port", str(port)], env))
        worker_env = {**env, "GOBANG_ASR__CPU_THREADS": str(args.worker_threads)}
        workers: list[Process] = []
        for i in range(0 if args.embedded else args.workers):
            if args.storage == "s3":  # a home of its own, temporary files included: no disk shared with the server
                worker_env["GOBANG_HOME"] = worker_env["TMPDIR"] = str(home / f"worker-{i}")
                (home / f"worker-{i}").mkdir()
                (home / f"worker-{i}" / "models").symlink_to(_model_cache())
            worker = stack.enter_context(_process([gobang, "worker"], dict(worker_env), nice=args.worker_nice))
            workers.append(Process(worker.pid, Path(worker_env["GOBANG_HOME"])))
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url)
        yield Deployment(url, key.key, database_url, Process(server.pid, home), workers)


@contextmanager
def _s3_server() -> Iterator[dict[str, str]]:
    """moto's S3 server on a free port; yields the GOBANG_STORAGE__* settings that point at it."""
    with moto_s3_server() as endpoint_url:
        yield {
            "GOBANG_STORAGE__BACKEND": "s3",
            "GOBANG_STORAGE__ENDPOINT_URL": endpoint_url,
            "GOBANG_STORAGE__BUCKET": "gobang-load",
            "GOBANG_STORAGE__ACCESS_KEY_ID": "load",
            "GOBANG_STORAGE__SECRET_ACCESS_KEY": "load",
        }


@contextmanager
def _process(
    command: Sequence[str], env: dict[str, str], nice: int = 0, *, quiet: bool = False
) -> Iterator[subprocess.Popen[bytes]]:
    output = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(
        command,
        env=env,
        cwd=REPO,
        preexec_fn=(lambda: os.nice(nice)) if nice else None,
        stdout=output,
        stderr=output,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(url: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start in {timeout_s:.0f} s")


def _drop_database(name: str) -> None:
    import psycopg

    from core.db import get_engine

    get_engine(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}").dispose()
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _clean_redis(redis_url: str, prefix: str) -> None:
    from redis import Redis
    from rq import Queue

    redis = Redis.from_url(redis_url)
    for kind in ("asr", "cpu"):
        Queue(f"{prefix}-{kind}", connection=redis).delete(delete_jobs=True)
        for key in redis.scan_iter(f"rq:*:{prefix}-{kind}*"):
            redis.delete(key)
    for key in redis.scan_iter(f"{prefix}:*"):  # the job status cache, the API keys' generation
        redis.delete(key)
    redis.close()


def exit_on_sigterm() -> None:
    """`timeout` and service managers send SIGTERM: leave through the context managers, so the servers, the
    database and the Redis keys this script made are removed (Python's default would just die)."""
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))


# --- the load --------------------------------------------------------------------------------------


@dataclass
class Run:
    idle: Samples = field(default_factory=lambda: Samples("status read, idle server (baseline)"))
    during_uploads: Samples = field(default_factory=lambda: Samples("status read, during uploads"))
    busy: Samples = field(default_factory=lambda: Samples("status read, workers busy"))
    uploads: Samples = field(default_factory=lambda: Samples("upload (multipart, 2-5 s clip)"))
    jobs: dict[str, str] = field(default_factory=dict)
    """Job id -> recording id, for every upload answered 201."""
    final: dict[str, dict[str, object]] = field(default_factory=dict)
    upload_wall_s: float = 0.0
    upload_retries: int = 0
    """Uploads sent again after a 503 (the server's limit on concurrent uploads), as a client does."""
    uploads_finished: int = 0
    """Uploads answered for good (stored or refused), retries done: the burst is over when all are."""
    transport_retries: int = 0
    """Uploads sent again, with the same Idempotency-Key, after the connection failed before an answer."""
    total_wall_s: float = 0.0
    audio_s: float = 0.0


async def _timed(
    client: httpx.AsyncClient, samples: Samples, method: str, url: str, **kwargs: object
) -> httpx.Response | None:
    began = time.perf_counter()
    try:
        response = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:
        samples.errors += 1
        samples.kinds[type(exc).__name__] += 1
        return None
    samples.values.append(time.perf_counter() - began)
    if response.status_code >= 400:
        samples.errors += 1
        samples.kinds[f"HTTP {response.status_code}"] += 1
    return response


async def _warm_up(client: httpx.AsyncClient, clip: Path, run: Run, reads: int) -> None:
    """One job end to end (workers load their models), then the idle baseline on its finished status."""
    response = await client.post("/recordings", files={"file": (clip.name, clip.read_bytes(), "audio/wav")})
    response.raise_for_status()
    job_id = response.json()["job"]["id"]
    deadline = time.monotonic() + 300
    while (await client.get(f"/jobs/{job_id}")).json()["status"] not in TERMINAL:
        if time.monotonic() > deadline:
            raise SystemExit("the warm-up job did not finish in 5 minutes: are workers running?")
        await asyncio.sleep(0.2)
    for _ in range(reads):
        await _timed(client, run.idle, "GET", f"/jobs/{job_id}")


async def _one(
    client: httpx.AsyncClient,
    clip: Path,
    run: Run,
    start: asyncio.Event,
    uploads_done: asyncio.Event,
    poll_s: float,
    deadline: float,
) -> None:
    await start.wait()
    data = clip.read_bytes()
    key = {"Idempotency-Key": uuid.uuid4().hex}
    while True:  # the same key on every try: the server stores the upload once, however many copies arrive
        response = await _timed(
            client,
            run.uploads,
            "POST",
            "/recordings",
            files={"file": (clip.name, data, "audio/wav")},
            data={"title": clip.stem},
            headers=key,
        )
        if time.monotonic() > deadline:
            break
        if response is None:  # no answer: stored or not, the client cannot tell; the key makes asking again safe
            run.transport_retries += 1
            await asyncio.sleep(random.uniform(0.5, 1.0))
        elif response.status_code == 503:  # too many uploads at once, refused before the body was read
            run.upload_retries += 1
            await asyncio.sleep(min(float(response.headers.get("retry-after", 1)), 5.0) * random.uniform(0.5, 1.0))
        else:
            break
    run.uploads_finished += 1
    if response is None or response.status_code not in (200, 201):  # 200: a retry answered with the first copy
        return
    job_id, recording_id = response.json()["job"]["id"], response.json()["recording"]["id"]
    run.jobs[job_id] = recording_id
    await asyncio.sleep(random.uniform(0, poll_s))
    while time.monotonic() < deadline:
        samples = run.busy if uploads_done.is_set() else run.during_uploads
        status = await _timed(client, samples, "GET", f"/jobs/{job_id}")
        if status is not None and status.status_code == 200 and status.json()["status"] in TERMINAL:
            run.final[job_id] = status.json()
            return
        await asyncio.sleep(poll_s * random.uniform(0.8, 1.2))  # clients jitter, or they poll in waves


async def load(deployment: Deployment, args: argparse.Namespace) -> Run:
    clips = sorted(CLIPS.glob("*.wav"))
    if not clips:
        raise SystemExit(f"no clips in {CLIPS}")
    run = Run()
    limits = httpx.Limits(max_connections=args.n + 10, max_keepalive_connections=args.n + 10, keepalive_expiry=3)
    headers = {"Authorization": f"Bearer {deployment.api_key}"}
    async with httpx.AsyncClient(
        base_url=deployment.url, headers=headers, limits=limits, timeout=args.timeout
    ) as client:
        await _warm_up(client, clips[0], run, args.baseline_reads)
        start, uploads_done = asyncio.Event(), asyncio.Event()
        deadline = time.monotonic() + args.timeout
        tasks = [
            asyncio.create_task(_one(client, clips[i % len(clips)], run, start, uploads_done, args.poll, deadline))
            for i in range(args.n)
        ]
        began = time.perf_counter()
        start.set()
        while run.uploads_finished < args.n:
            await asyncio.sleep(0.01)
        run.upload_wall_s = time.perf_counter() - began
        uploads_done.set()
        await asyncio.gather(*tasks)
        run.total_wall_s = time.perf_counter() - began
    run.audio_s = sum(float(str(j.get("audio_seconds") or 0.0)) for j in run.final.values())
    return run


# --- was anything lost? ----------------------------------------------------------------------------


@dataclass
class Audit:
    jobs_in_db: int | None = None
    unanswered_recordings: int | None = None
    """Recordings stored that no client was told of (an upload stored twice, or stored after its client gave up)."""
    recordings_without_one_job: int | None = None
    results_not_written_once: int | None = None


def audit(database_url: str | None, run: Run) -> Audit:
    """Read the database: one job per recording, one transcript version per recording, no recording unanswered."""
    if database_url is None:
        return Audit()
    from sqlalchemy import func, select

    from core.db import session_scope
    from core.tables import Job, Recording, TranscriptDoc, TranscriptVersion

    recordings = set(run.jobs.values())
    with session_scope(database_url) as db:
        stored = db.scalar(select(func.count(Recording.id))) or 0
        jobs = dict(
            db.execute(
                select(Job.recording_id, func.count())
                .where(Job.recording_id.in_(recordings))
                .group_by(Job.recording_id)
            ).all()
        )
        versions = dict(
            db.execute(
                select(TranscriptDoc.recording_id, func.count(TranscriptVersion.id))
                .join(TranscriptVersion, TranscriptVersion.transcript_id == TranscriptDoc.id)
                .where(TranscriptDoc.recording_id.in_(recordings))
                .group_by(TranscriptDoc.recording_id)
            ).all()
        )
    return Audit(
        jobs_in_db=sum(jobs.values()),
        unanswered_recordings=stored - len(recordings) - 1,  # the warm-up's recording was answered
        recordings_without_one_job=sum(jobs.get(r, 0) != 1 for r in recordings),
        results_not_written_once=sum(versions.get(r, 0) != 1 for r in recordings),
    )


def report(args: argparse.Namespace, run: Run, checked: Audit, mode: str) -> bool:
    succeeded = sum(j["status"] == "succeeded" for j in run.final.values())
    unfinished = len(run.jobs) - len(run.final)
    print(f"\nAPI load: {args.n} concurrent uploads, status polled every {args.poll:.1f} s; {mode}\n")
    print(f"{'request':<34} {'count':>6} {'errs':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} p99/idle")
    for samples in (run.idle, run.uploads, run.during_uploads, run.busy):
        print(samples.row(None if samples is run.idle else run.idle))
    for samples in (run.idle, run.uploads, run.during_uploads, run.busy):
        if samples.kinds:
            print(f"  errors in {samples.name}: {dict(samples.kinds)}")
    print()
    upload_rate = len(run.jobs) / max(run.upload_wall_s, 1e-9)
    job_rate = succeeded / max(run.total_wall_s, 1e-9)
    print(f"uploads stored (201/200)   {len(run.jobs)}/{args.n} in {run.upload_wall_s:.1f} s ({upload_rate:.1f}/s)")
    print(f"jobs succeeded             {succeeded}/{len(run.jobs)} (unfinished at timeout: {unfinished})")
    print(f"throughput                 {job_rate:.2f} jobs/s, {run.audio_s:.0f} s of audio in {run.total_wall_s:.1f} s")
    if checked.jobs_in_db is not None:
        print(f"jobs in the database       {checked.jobs_in_db} for {len(run.jobs)} recordings")
        print(f"recordings without exactly one job          {checked.recordings_without_one_job}")
        print(f"recordings stored but never answered        {checked.unanswered_recordings}")
        print(f"recordings without exactly one transcript   {checked.results_not_written_once}")
    lost = args.n - succeeded
    duplicated = (checked.recordings_without_one_job or 0) + (checked.results_not_written_once or 0)
    duplicated += checked.unanswered_recordings or 0
    ok = lost == 0 and duplicated == 0
    busy_p99 = 1000 * run.busy.pct(99)
    print(
        f"\napi_load n={args.n} mode={mode} uploads_ok={len(run.jobs)} upload_retries={run.upload_retries} "
        f"transport_retries={run.transport_retries} "
        f"jobs_succeeded={succeeded} lost={lost} "
        f"duplicated={duplicated} status_p50_ms={1000 * run.busy.pct(50):.1f} status_p99_ms={busy_p99:.1f} "
        f"({run.busy.pct(99) / run.idle.pct(99):.1f}x idle {1000 * run.idle.pct(99):.1f}) "
        f"upload_p99_ms={1000 * run.uploads.pct(99):.0f} jobs_per_s={job_rate:.2f} "
        f"wall_s={run.total_wall_s:.1f} {'OK' if ok else 'FAILED'}"
    )
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=50, help="concurrent uploads (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="RQ worker processes to start (default 2)")
    parser.add_argument("--worker-threads", type=int, default=1, help="ASR threads per worker (default 1)")
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=10,
        help="niceness of the workers (default 10): on one machine the API must not queue behind recognition",
    )
    parser.add_argument("--embedded", action="store_true", help="SQLite and the in-process worker, no Redis")
    parser.add_argument(
        "--storage",
        choices=("local", "s3"),
        default="local",
        help="blob store: the server's disk, or an S3 server (moto) started here, each worker with its own home",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="Redis for the RQ workers")
    parser.add_argument("--url", help="measure a running server instead (with --api-key of a service key)")
    parser.add_argument("--api-key", help="API key for --url")
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between status reads per job (default 1)")
    parser.add_argument("--baseline-reads", type=int, default=200, help="status reads on the idle server")
    parser.add_argument("--timeout", type=float, default=1800, help="give up on unfinished jobs after this long")
    args = parser.parse_args(argv)
    exit_on_sigterm()
    with ExitStack() as stack:
        if args.url:
            if not args.api_key:
                parser.error("--url needs --api-key")
            deployment, mode = Deployment(args.url, args.api_key, None), f"server {args.url}"
        else:
            deployment = stack.enter_context(start_deployment(args))
            mode = "sqlite+in-process" if args.embedded else f"postgresql+redis, {args.workers} rq workers"
            mode += f", {args.storage} storage"
        run = asyncio.run(load(deployment, args))
        ok = report(args, run, audit(deployment.database_url, run), mode)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
