"""Job status in Redis: what clients poll, read without touching the database.

Whoever changes a job's row (a worker's claim, progress, result, retry; the API's cancel; the recovery
ticker) writes the job's state here after the database commit: a small hash per job (the status
document, its unit for the access check, its rank) with a TTL, and publishes the document on the
job's channel, which the API's event stream subscribes to. The database stays the truth; Redis only
answers faster, and a missing key is read from the database and written back.

Writes from several processes can arrive out of order, so each carries the job's rank in its
lifecycle (queued < running attempt 1 < queued for retry < running attempt 2 < ... < finished; within
a run, a cancel request, then progress) and Redis keeps a write only if its rank is not lower than
the one cached: a finished job, which never changes again, is never overwritten by an older
"running", and a stale "running" is never reported over a newer row for longer than one TTL (the
case where the write after a commit was lost because Redis was briefly away).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict
from redis import Redis, RedisError
from sqlalchemy import select

from core.db import as_utc, session_scope
from core.settings import Settings
from core.tables import Job, JobKind, JobStatus, Recording

logger = logging.getLogger(__name__)

Instant = Annotated[datetime, AfterValidator(as_utc)]
FINISHED_RANK = 1_000_000_000
"""Rank of a finished job: above every run (a job never leaves a finished status)."""
FINISHED_TTL_S = 24 * 3600
"""How long a finished job's state stays cached (its document never changes again)."""
_WRITE = """
local current = redis.call('HMGET', KEYS[1], 'doc', 'order', 'cancel', 'progress')
local order, cancel, progress = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
if current[2] then
  local o, c, p = tonumber(current[2]), tonumber(current[3]), tonumber(current[4])
  if order < o or (order == o and (cancel < c or (cancel == c and progress < p))) then
    return 0
  end
end
redis.call('HSET', KEYS[1], 'doc', ARGV[1], 'unit', ARGV[2], 'order', ARGV[3], 'cancel', ARGV[4],
           'progress', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[6])
if current[1] ~= ARGV[1] then
  redis.call('PUBLISH', ARGV[7], ARGV[1])
end
return 1
"""
"""Keep the write only if its rank is not lower than the cached one; publish the document when it changed."""


class JobState(BaseModel):
    """A job's status and progress as clients see it (the API's `JobOut`), serialised once per change."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    recording_id: str
    kind: JobKind
    status: JobStatus
    stage: str
    progress: float
    """Overall fraction done, 0 to 1."""
    options: dict[str, Any]
    attempts: int
    max_attempts: int
    error: str | None
    cancel_requested: bool
    audio_seconds: float | None
    created_at: Instant
    started_at: Instant | None
    finished_at: Instant | None

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled)

    def rank(self) -> tuple[int, int, float]:
        """Where this state sits in the job's life: (run order, cancel requested, progress)."""
        if self.finished:
            return FINISHED_RANK, 1, 1.0
        order = 2 * self.attempts if self.status == JobStatus.running else 2 * self.attempts + 1
        return order, int(self.cancel_requested), round(self.progress, 4)


@dataclass(frozen=True)
class Snapshot:
    """A job's document as JSON, with the unit its recording belongs to (who may read it)."""

    document: str
    org_unit_id: int | None

    @property
    def etag(self) -> str:
        return '"' + hashlib.blake2b(self.document.encode(), digest_size=12).hexdigest() + '"'


def read_snapshot(url: str, job_id: str) -> tuple[Snapshot, JobState] | None:
    """The job as the database has it now (None: no such job)."""
    with session_scope(url) as db:
        found = db.execute(
            select(Job, Recording.org_unit_id).join(Recording, Recording.id == Job.recording_id).where(Job.id == job_id)
        ).first()
        if found is None:
            return None
        state = JobState.model_validate(found[0])
        return Snapshot(state.model_dump_json(), found[1]), state


class JobStatusCache:
    """Job states in Redis under `<prefix>:job:<id>`, changes published on `<prefix>:job-events:<id>`."""

    def __init__(self, redis_url: str, prefix: str, ttl_s: float) -> None:
        self.redis = Redis.from_url(redis_url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self.prefix = prefix
        self.ttl_s = max(int(ttl_s), 1)
        self._write = self.redis.register_script(_WRITE)

    def key(self, job_id: str) -> str:
        return f"{self.prefix}:job:{job_id}"

    def channel(self, job_id: str) -> str:
        return f"{self.prefix}:job-events:{job_id}"

    def get(self, job_id: str) -> Snapshot | None:
        """The cached state (None: not cached, or Redis away: ask the database)."""
        try:
            document, unit = self.redis.hmget(self.key(job_id), ["doc", "unit"])
        except RedisError as exc:
            logger.warning("job_status_read_failed job=%s error=%s", job_id, exc)
            return None
        if document is None:
            return None
        return Snapshot(_text(document), int(unit) if unit else None)

    def put(self, snapshot: Snapshot, state: JobState) -> bool:
        """Cache a state read from the database after its commit; False if a newer one is cached (or Redis is
        away: the database answers until the next write)."""
        order, cancel, progress = state.rank()
        ttl = FINISHED_TTL_S if state.finished else self.ttl_s
        unit = "" if snapshot.org_unit_id is None else str(snapshot.org_unit_id)
        args: list[str | int | float] = [snapshot.document, unit, order, cancel, progress, ttl, self.channel(state.id)]
        try:
            return bool(self._write(keys=[self.key(state.id)], args=args))
        except RedisError as exc:
            logger.warning("job_status_write_failed job=%s error=%s", state.id, exc)
            return False

    def refresh(self, url: str, *job_ids: str) -> None:
        """Read the jobs' committed rows and cache them (call after the commit that changed them)."""
        for job_id in job_ids:
            found = read_snapshot(url, job_id)
            if found is not None:
                self.put(*found)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


@cache
def _cache(redis_url: str, prefix: str, ttl_s: float) -> JobStatusCache:
    return JobStatusCache(redis_url, prefix, ttl_s)


def status_cache(settings: Settings) -> JobStatusCache | None:
    """This deployment's job status cache; None without Redis (the embedded default reads the database)."""
    if not settings.redis_url:
        return None
    return _cache(settings.redis_url, settings.jobs.queue_prefix, settings.jobs.status_ttl_s)


def publish(settings: Settings, *job_ids: str) -> None:
    """After a commit that changed these jobs: cache their new state and tell their event streams. Never raises:
    the cache only answers faster, the committed row is the truth."""
    status = status_cache(settings)
    if status is None or not job_ids:
        return
    try:
        status.refresh(settings.resolved_database_url, *job_ids)
    except Exception:  # the change is committed; a status not cached now is read from the database (or next write)
        logger.exception("job_status_publish_failed jobs=%s", ",".join(job_ids))
