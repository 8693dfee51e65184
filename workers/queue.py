"""Where job ids go: RQ on Redis when `GOBANG_REDIS_URL` is set, in-process worker threads otherwise.

The queue carries only job ids; losing it loses nothing, because `recover_jobs` finds every
unfinished job in the database and enqueues it again (a job claimed twice runs once).
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Sequence
from typing import Literal, Protocol

from sqlalchemy import select

from core.blobs import BlobStore
from core.db import session_scope
from core.settings import Settings
from core.tables import Job, Recording
from workers.jobs import QueueKind, bind_worker, recover_jobs, run_job

logger = logging.getLogger(__name__)

QueueName = Literal["asr-gpu", "asr-cpu", "cpu"]
"""Queues by the machine they need: transcriptions worth a GPU, transcriptions a CPU does, light work (minutes)."""
QUEUES: tuple[QueueName, ...] = ("asr-gpu", "asr-cpu", "cpu")
JOB_TIMEOUT_S = 12 * 3600
"""An 8-hour recording on a slow CPU must not be cut off by RQ."""
_WAITING = frozenset({"queued", "scheduled", "deferred"})
"""RQ states in which a job id will still be picked up; any other state may be a dead worker's leftover."""


def queue_names(settings: Settings) -> dict[QueueName, str]:
    return {name: f"{settings.jobs.queue_prefix}-{name}" for name in QUEUES}


def route(settings: Settings, kind: QueueKind, job_ids: Sequence[str]) -> dict[QueueName, list[str]]:
    """The queue of each job: minutes to `cpu`; a transcription to `asr-gpu` when its recording is at least
    `jobs.gpu_from_s` long, else to `asr-cpu` (one database read, only when GPU routing is on)."""
    if kind == "cpu":
        return {"cpu": list(job_ids)}
    threshold = settings.jobs.gpu_from_s
    if threshold is None or not job_ids:
        return {"asr-cpu": list(job_ids)}
    with session_scope(settings.resolved_database_url) as db:
        durations = dict(
            db.execute(
                select(Job.id, Recording.duration)
                .join(Recording, Recording.id == Job.recording_id)
                .where(Job.id.in_(job_ids))
            ).all()
        )
    routed: dict[QueueName, list[str]] = {"asr-gpu": [], "asr-cpu": []}
    for job_id in job_ids:
        routed["asr-gpu" if (durations.get(job_id) or 0.0) >= threshold else "asr-cpu"].append(job_id)
    return routed


class JobQueue(Protocol):
    def enqueue(self, job_id: str, *, kind: QueueKind = "asr") -> None: ...

    def enqueue_many(self, job_ids: Sequence[str], *, kind: QueueKind = "asr") -> int:
        """Enqueue those not already waiting in the queue; returns how many were put in."""
        ...

    def depth(self) -> int:
        """Jobs waiting (for metrics)."""
        ...

    def close(self) -> None:
        """Stop taking work (at shutdown); jobs not finished are recovered by the next start."""
        ...


def lower_priority(nice: int) -> None:
    """Run the calling thread, and the threads it starts from now on (model thread pools), at `nice`.

    Linux keeps a nice value per thread and new threads inherit their creator's, so this works for the
    in-process worker's threads as well as for a worker process's main thread.
    """
    if nice <= 0:
        return
    try:
        current = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), max(current, nice))
    except (AttributeError, OSError) as exc:  # not Unix, or not allowed: run at the usual priority
        logger.warning("worker_priority_unchanged nice=%d error=%s", nice, exc)


class InProcessQueue:
    """Background threads running jobs in order: the embedded default, no Redis needed."""

    def __init__(self, settings: Settings, blobs: BlobStore) -> None:
        self.settings = settings
        self.blobs = blobs
        self._ids: queue.Queue[str | None] = queue.Queue()
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._loop, name=f"gobang-worker-{i}", daemon=True)
            for i in range(max(settings.jobs.inprocess_workers, 0))
        ]
        for thread in self._threads:
            thread.start()

    def enqueue(self, job_id: str, *, kind: QueueKind = "asr") -> None:
        with self._lock:
            if job_id in self._pending:
                return
            self._pending.add(job_id)
        self._ids.put(job_id)

    def enqueue_many(self, job_ids: Sequence[str], *, kind: QueueKind = "asr") -> int:
        with self._lock:
            fresh = [j for j in job_ids if j not in self._pending]
        for job_id in fresh:
            self.enqueue(job_id, kind=kind)
        return len(fresh)

    def depth(self) -> int:
        return self._ids.qsize()

    def close(self) -> None:
        """Let the running job finish; queued ids are dropped (they are still queued in the database)."""
        for _ in self._threads:
            self._ids.put(None)

    def _loop(self) -> None:
        lower_priority(self.settings.jobs.worker_nice)
        while (job_id := self._ids.get()) is not None:
            with self._lock:
                self._pending.discard(job_id)
            try:
                run_job(job_id, self.settings, self.blobs)
            except Exception:  # the job records its own failure; the worker must live on
                logger.exception("job_crashed job=%s", job_id)


class RqQueue:
    """RQ on Redis; the RQ job id is derived from ours, so enqueuing a waiting job again is harmless."""

    def __init__(self, settings: Settings) -> None:
        from redis import Redis
        from rq import Queue

        assert settings.redis_url, "RqQueue needs GOBANG_REDIS_URL"
        self.redis = Redis.from_url(settings.redis_url)
        self.settings = settings
        self.queues = {q: Queue(name, connection=self.redis) for q, name in queue_names(settings).items()}

    def enqueue(self, job_id: str, *, kind: QueueKind = "asr") -> None:
        self.enqueue_many([job_id], kind=kind)

    def enqueue_many(self, job_ids: Sequence[str], *, kind: QueueKind = "asr") -> int:
        """One round trip reads the RQ status of every id; only those not waiting are enqueued.

        "started" is not waiting: the database says the job is queued again, so its worker died.
        """
        from rq.job import Job as RqJob

        with self.redis.pipeline(transaction=False) as pipe:
            for job_id in job_ids:
                pipe.hget(RqJob.key_for(_rq_id(job_id)), "status")
            statuses = pipe.execute()
        missing = [j for j, status in zip(job_ids, statuses, strict=True) if (status or b"").decode() not in _WAITING]
        for name, ids in route(self.settings, kind, missing).items():
            for job_id in ids:
                self.queues[name].enqueue(
                    "workers.jobs.run_job",
                    job_id,
                    job_id=_rq_id(job_id),
                    job_timeout=JOB_TIMEOUT_S,
                    result_ttl=3600,
                    failure_ttl=86400,
                )
        return len(missing)

    def depth(self) -> int:
        return sum(q.count for q in self.queues.values())

    def close(self) -> None:
        self.redis.close()


def _rq_id(job_id: str) -> str:
    """RQ's id for our job: derived, so the same job is never waiting twice."""
    return f"gobang-{job_id}"


def make_queue(settings: Settings, blobs: BlobStore) -> JobQueue:
    """RQ when Redis is configured; otherwise in-process workers, which read audio from `blobs`."""
    return RqQueue(settings) if settings.redis_url else InProcessQueue(settings, blobs)


def requeue_unfinished(job_queue: JobQueue, settings: Settings) -> int:
    """Put every due unfinished job back on the queue (at start-up and periodically); returns how many."""
    due = recover_jobs(settings.resolved_database_url, settings=settings)
    kinds: tuple[QueueKind, ...] = ("asr", "cpu")
    requeued = sum(job_queue.enqueue_many([j for j, k in due if k == kind], kind=kind) for kind in kinds)
    if requeued:
        logger.info("jobs_requeued count=%d", requeued)
    return requeued


def run_worker(
    settings: Settings, blobs: BlobStore, queues: Sequence[QueueName] = QUEUES, *, burst: bool = False
) -> bool:
    """An RQ worker over this deployment's queues (what `gobang worker` runs); returns whether it ran jobs.

    A `SimpleWorker` runs jobs in its own process, so models load once and serve every job; a
    worker killed mid-job loses nothing, since the database hands its job to another worker.
    """
    from redis import Redis
    from rq import SimpleWorker

    if not settings.redis_url:
        raise ValueError("cần GOBANG_REDIS_URL để chạy worker RQ (set GOBANG_REDIS_URL)")
    names = queue_names(settings)
    bind_worker(settings, blobs)
    lower_priority(settings.jobs.worker_nice)
    worker = SimpleWorker([names[q] for q in queues], connection=Redis.from_url(settings.redis_url))
    return bool(worker.work(burst=burst, logging_level=settings.log_level))
