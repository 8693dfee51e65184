"""What one status read costs the server: CPU time of the API process and database transactions per poll.

Latency percentiles on a shared machine mostly measure the neighbours; the work the server does per
request does not depend on them, and it is what queues up when the CPUs are busy. For each checkout
(an older one first with `--baseline`, then this one; `--rounds` alternates them) this starts
PostgreSQL's database, Redis keys and `gobang serve` of that checkout (its own code creates the API key
and migrates), uploads one clip whose job stays queued (no worker runs), then lets `--pollers` clients
poll `GET /jobs/{id}` about once a second for `--seconds`, reading the server's CPU time
(/proc/<pid>/stat) and the database's committed and rolled-back transactions (pg_stat_database)
before and after.

    .venv/bin/python benchmarks/status_cost.py --baseline /path/to/older/checkout --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.api_load import (  # noqa: E402
    CLIPS,
    PG_ADMIN,
    Samples,
    _clean_redis,
    _drop_database,
    _model_cache,
    _process,
    _wait_ready,
    exit_on_sigterm,
)
from benchmarks.moto_s3 import free_port  # noqa: E402


@dataclass
class Server:
    url: str
    pid: int
    api_key: str
    database: str


def _cpu_s(pid: int) -> float:
    """User + system CPU time of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _transactions(database: str) -> int:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        row = conn.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s", (database,)
        ).fetchone()
    return int(row[0]) if row else 0


@contextmanager
def serve(code: Path, redis_url: str) -> Iterator[Server]:
    """`gobang serve` of the checkout at `code` over a fresh PostgreSQL database, with an API key made by that
    checkout's CLI; everything removed at the end."""
    import psycopg

    with ExitStack() as stack:
        home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="gobang-status-cost-")))
        (home / "models").symlink_to(_model_cache())
        database = f"gobang_cost_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        stack.callback(_drop_database, database)
        prefix = f"gobang-cost-{uuid.uuid4().hex[:8]}"
        stack.callback(_clean_redis, redis_url, prefix)
        env = os.environ | {
            "GOBANG_HOME": str(home),
            "GOBANG_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}",
            "GOBANG_REDIS_URL": redis_url,
            "GOBANG_JOBS__QUEUE_PREFIX": prefix,
            "GOBANG_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(code),
        }
        gobang = str(Path(sys.executable).with_name("gobang"))
        made = subprocess.run(
            [gobang, "keys", "create", "status-cost", "--role", "service"],
            env=env,
            cwd=code,
            capture_output=True,
            text=True,
            check=True,
        )
        port = free_port()
        process = stack.enter_context(_process([gobang, "serve", "--port", str(port)], env, quiet=True))
        url = f"http://127.0.0.1:{port}"
        _wait_ready(url)
        yield Server(url, process.pid, made.stdout.strip(), database)


async def measure(server: Server, pollers: int, seconds: float) -> tuple[Samples, float, float]:
    """Latencies, server CPU ms and database transactions per poll."""
    clip = sorted(CLIPS.glob("*.wav"))[0]
    limits = httpx.Limits(max_connections=pollers + 5, max_keepalive_connections=pollers + 5)
    headers = {"Authorization": f"Bearer {server.api_key}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60, limits=limits) as client:
        made = await client.post("/recordings", files={"file": (clip.name, clip.read_bytes(), "audio/wav")})
        made.raise_for_status()
        job = f"/jobs/{made.json()['job']['id']}"
        for _ in range(20):  # caches warm, connections open
            (await client.get(job)).raise_for_status()
        polls = Samples("status read")
        end = time.monotonic() + seconds

        async def poll() -> None:
            await asyncio.sleep(random.uniform(0, 1))
            while time.monotonic() < end:
                began = time.perf_counter()
                answer = await client.get(job)
                polls.values.append(time.perf_counter() - began)
                answer.raise_for_status()
                await asyncio.sleep(random.uniform(0.8, 1.2))

        cpu, transactions = _cpu_s(server.pid), _transactions(server.database)
        await asyncio.gather(*(poll() for _ in range(pollers)))
        cpu, transactions = _cpu_s(server.pid) - cpu, _transactions(server.database) - transactions
    n = max(len(polls.values), 1)
    return polls, 1000 * cpu / n, transactions / n


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, help="an older checkout, measured first in each round")
    parser.add_argument("--rounds", type=int, default=1, help="rounds, each measuring every checkout (default 1)")
    parser.add_argument("--pollers", type=int, default=100, help="clients polling once a second (default 100)")
    parser.add_argument("--seconds", type=float, default=20, help="length of each measurement (default 20)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args(argv)
    exit_on_sigterm()
    checkouts = ([("baseline", args.baseline.resolve())] if args.baseline else []) + [("this", REPO)]
    print(
        f"{'checkout':<9} {'round':>5} {'polls':>6} {'CPU ms/poll':>12} {'DB tx/poll':>11} {'p50 ms':>7} {'p99 ms':>7}"
    )
    for round_ in range(1, args.rounds + 1):
        for name, code in checkouts:
            with serve(code, args.redis) as server:
                polls, cpu_ms, transactions = asyncio.run(measure(server, args.pollers, args.seconds))
            print(
                f"{name:<9} {round_:>5} {len(polls.values):>6} {cpu_ms:>12.2f} {transactions:>11.2f} "
                f"{1000 * polls.pct(50):>7.1f} {1000 * polls.pct(99):>7.1f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
