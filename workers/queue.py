"""Where job ids go: RQ on Redis when `GOBANG_REDIS_URL` is set, an in-process worker thread otherwise.

The queue carries only job ids; losing it loses nothing, because `recover_jobs` finds every
unfinished job in the database and enqueues it again (a job claimed twice runs once).
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Protocol

from workers.jobs import recover_jobs, run_job

logger = logging.getLogger(__name__)

ASR_QUEUE = "gobang-asr"
"""GPU-bound work (recognition, diarization): run its workers on GPU machines."""
CPU_QUEUE = "gobang-cpu"
"""CPU-bound light work (exports, minutes, webhooks)."""
JOB_TIMEOUT_S = 12 * 3600
"""An 8-hour recording on a slow CPU must not be cut off by RQ."""


class JobQueue(Protocol):
    def enqueue(self, job_id: str, *, queue_name: str = ASR_QUEUE) -> None: ...

    def depth(self) -> int:
        """Jobs waiting (for metrics)."""
        ...


class InProcessQueue:
    """One background thread running jobs in order: the embedded default, no Redis needed."""

    def __init__(self) -> None:
        self._ids: queue.Queue[str] = queue.Queue()
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="gobang-worker", daemon=True)
        self._thread.start()

    def enqueue(self, job_id: str, *, queue_name: str = ASR_QUEUE) -> None:
        with self._lock:
            if job_id in self._pending:
                return
            self._pending.add(job_id)
        self._ids.put(job_id)

    def depth(self) -> int:
        return self._ids.qsize()

    def _loop(self) -> None:
        while True:
            job_id = self._ids.get()
            with self._lock:
                self._pending.discard(job_id)
            try:
                run_job(job_id)
            except Exception:  # the job records its own failure; the worker must live on
                logger.exception("job_crashed job=%s", job_id)


class RqQueue:
    """RQ on Redis; the RQ job id is derived from ours, so enqueuing the same job twice is harmless."""

    def __init__(self, redis_url: str) -> None:
        from redis import Redis
        from rq import Queue

        self.redis = Redis.from_url(redis_url)
        self.queues = {name: Queue(name, connection=self.redis) for name in (ASR_QUEUE, CPU_QUEUE)}

    def enqueue(self, job_id: str, *, queue_name: str = ASR_QUEUE) -> None:
        from rq.job import Job as RqJob

        rq_id = f"gobang-{job_id}"
        try:
            existing = RqJob.fetch(rq_id, connection=self.redis)
        except Exception:  # not there (never enqueued, or Redis lost it)
            existing = None
        if existing is not None and existing.get_status(refresh=False) in ("queued", "started", "scheduled"):
            return
        self.queues[queue_name].enqueue(
            "workers.jobs.run_job", job_id, job_id=rq_id, job_timeout=JOB_TIMEOUT_S, result_ttl=3600, failure_ttl=86400
        )

    def depth(self) -> int:
        return sum(q.count for q in self.queues.values())


def requeue_unfinished(job_queue: JobQueue, database_url: str) -> int:
    """Put every due unfinished job back on the queue (at start-up and periodically); returns how many."""
    due = recover_jobs(database_url)
    for job_id in due:
        job_queue.enqueue(job_id)
    if due:
        logger.info("jobs_requeued count=%d", len(due))
    return len(due)
