"""A pipeline run as a job: an importable function that takes a job id and reads everything else from the store.

State lives in the database. A worker claims a job with a conditional update (so two copies
of the same id in a queue never run it twice), heartbeats while it works, and writes the
result as a new transcript version. A job whose worker died (stale heartbeat) is put back by
`recover_jobs`; failures are retried with exponential backoff, bad audio is not retried.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import or_, select, update

from core.blobs import BlobStore
from core.db import session_scope
from core.errors import BadAudioError, GobangError
from core.settings import get_settings
from core.tables import Job, JobStatus, Recording
from core.transcript import Transcript
from workers.pipeline import PipelineOptions, run_pipeline
from core.transcript_store import save_version

logger = logging.getLogger(__name__)

HEARTBEAT_S = 5.0
"""How often a running job touches its heartbeat (and reads its cancel flag)."""
STALE_AFTER_S = 60.0
"""A running job silent for this long has lost its worker and is run again."""


class JobCancelled(Exception):
    """Raised inside the pipeline when a cancel was requested."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _now() -> datetime:
    return datetime.now(UTC)


def backoff(attempts: int) -> timedelta:
    """10 s, 40 s, 160 s, … capped at 30 min."""
    return timedelta(seconds=min(10 * 4 ** max(attempts - 1, 0), 1800))


def claim(job_id: str, url: str) -> bool:
    """Atomically move a queued job to running for this worker; False if someone else has it or it is done."""
    with session_scope(url) as session:
        result = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.queued, Job.cancel_requested.is_(False))
            .values(
                status=JobStatus.running,
                worker=worker_name(),
                attempts=Job.attempts + 1,
                heartbeat_at=_now(),
                started_at=_now(),
                stage="starting",
                error=None,
            )
        )
        return bool(getattr(result, "rowcount", 0) == 1)


class _Heartbeat(threading.Thread):
    """Touches the job's heartbeat every few seconds, whatever the pipeline is doing, and watches for a cancel."""

    def __init__(self, job_id: str, url: str) -> None:
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.job_id, self.url = job_id, url
        self.stopped = threading.Event()
        self.cancelled = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(HEARTBEAT_S):
            try:
                with session_scope(self.url) as session:
                    session.execute(update(Job).where(Job.id == self.job_id).values(heartbeat_at=_now()))
                    if session.scalar(select(Job.cancel_requested).where(Job.id == self.job_id)):
                        self.cancelled.set()
            except Exception:  # a database hiccup must not kill the job; the next beat retries
                logger.exception("heartbeat_failed job=%s", self.job_id)


def _progress_writer(job_id: str, url: str, heartbeat: _Heartbeat) -> Callable[[str, float], None]:
    last = 0.0

    def write(stage: str, fraction: float) -> None:
        nonlocal last
        if heartbeat.cancelled.is_set():
            raise JobCancelled(job_id)
        now = time.monotonic()
        if now - last < 1.0 and fraction < 1.0:
            return
        last = now
        with session_scope(url) as session:
            session.execute(
                update(Job).where(Job.id == job_id).values(stage=stage, progress=round(min(fraction, 1.0), 4))
            )

    return write


def run_job(job_id: str) -> str:
    """Entry point for RQ and for the in-process worker. Returns the job's final status."""
    settings = get_settings()
    url = settings.resolved_database_url
    if not claim(job_id, url):
        logger.info("job_skipped job=%s reason=not_queued", job_id)
        return "skipped"
    with session_scope(url) as session:
        job = session.get_one(Job, job_id)
        recording = session.get_one(Recording, job.recording_id)
        options = PipelineOptions(**_pipeline_options(job.options, recording))
        audio = BlobStore(settings.blob_dir).existing(recording.sha256)
        attempts, max_attempts = job.attempts, job.max_attempts
    logger.info("job_started job=%s recording=%s attempt=%d", job_id, recording.id, attempts)
    began = time.perf_counter()
    heartbeat = _Heartbeat(job_id, url)
    heartbeat.start()
    try:
        transcript = run_pipeline(audio, options, hook=_progress_writer(job_id, url, heartbeat))
    except JobCancelled:
        _finish(url, job_id, JobStatus.cancelled, error="đã hủy (cancelled)")
        return JobStatus.cancelled.value
    except Exception as exc:
        permanent = isinstance(exc, BadAudioError) or attempts >= max_attempts
        message = exc.message if isinstance(exc, GobangError) else f"{type(exc).__name__}: {exc}"
        logger.warning("job_error job=%s attempt=%d permanent=%s error=%s", job_id, attempts, permanent, message)
        if permanent:
            _finish(url, job_id, JobStatus.failed, error=message)
            return JobStatus.failed.value
        _retry_later(url, job_id, attempts, message)
        return JobStatus.queued.value
    finally:
        heartbeat.stopped.set()
    transcript = _named_source(transcript, recording.filename)
    with session_scope(url) as session:
        save_version(session, recording.id, transcript, author="gobang", comment="bản nhận dạng tự động")
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(
                status=JobStatus.succeeded,
                stage="done",
                progress=1.0,
                finished_at=_now(),
                audio_seconds=transcript.duration,
            )
        )
    logger.info(
        "job_succeeded job=%s audio_s=%.1f wall_s=%.1f", job_id, transcript.duration, time.perf_counter() - began
    )
    return JobStatus.succeeded.value


def _pipeline_options(stored: dict[str, object], recording: Recording) -> dict[str, object]:
    options = {k: v for k, v in stored.items() if k in PipelineOptions.__dataclass_fields__}
    for key in ("hotwords", "glossary"):
        options[key] = tuple(options.get(key) or ())  # type: ignore[arg-type]
    options["glossary"] = tuple(options["glossary"]) + tuple(recording.glossary or ())  # type: ignore[arg-type]
    return options


def _named_source(transcript: Transcript, filename: str) -> Transcript:
    if transcript.source is None:
        return transcript
    return transcript.model_copy(update={"source": transcript.source.model_copy(update={"name": Path(filename).name})})


def _finish(url: str, job_id: str, status: JobStatus, *, error: str | None) -> None:
    with session_scope(url) as session:
        session.execute(update(Job).where(Job.id == job_id).values(status=status, error=error, finished_at=_now()))


def _retry_later(url: str, job_id: str, attempts: int, error: str) -> None:
    with session_scope(url) as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status=JobStatus.queued, stage="retry", error=error, not_before=_now() + backoff(attempts))
        )


def recover_jobs(url: str, *, stale_after_s: float = STALE_AFTER_S) -> list[str]:
    """Jobs whose worker died go back to the queue; returns every queued job id that is due (to enqueue again)."""
    now = _now()
    with session_scope(url) as session:
        stale = now - timedelta(seconds=stale_after_s)
        session.execute(
            update(Job)
            .where(Job.status == JobStatus.running, Job.heartbeat_at < stale)
            .values(status=JobStatus.queued, stage="requeued", worker=None)
        )
        due = session.scalars(
            select(Job.id)
            .where(Job.status == JobStatus.queued, or_(Job.not_before.is_(None), Job.not_before <= now))
            .order_by(Job.created_at)
        ).all()
    return list(due)
