"""A pipeline run as a job: an importable function that takes a job id and reads everything else from the store.

Two kinds of work run as jobs with the same semantics: a transcription (the default) and a
minutes generation with the language model (`workers.minutes_job`, named in the job's options).

State lives in the database. A worker claims a job with a conditional update that writes a
claim token (so two copies of the same id in a queue never run it twice), heartbeats while it
works, and writes the result as a new transcript version only while the claim is still its
own. A job whose worker died (stale heartbeat) is put back by `recover_jobs`, and the dead
worker's claim is void: should it wake up, it finds the job taken and writes nothing. Failures
are retried with exponential backoff; bad audio and a missing model are not retried.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core.audio import AudioSource
from core.audit import record
from core.blobs import BlobStore
from core.db import session_scope
from core.errors import BadAudioError, GobangError, ModelError
from core.progress import ProgressHook
from core.settings import Settings, get_settings
from core.tables import Job, JobKind, JobStatus, Recording
from core.transcript import Transcript
from core.transcript_store import TRANSCRIPTS
from workers import webhooks
from workers.job_status import publish
from workers.minutes_job import MinutesWork
from workers.options import PipelineOptions
from workers.pipeline import run_pipeline

logger = logging.getLogger(__name__)

TERMINAL = frozenset({JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled})
"""Statuses a job never leaves."""

QueueKind = Literal["asr", "cpu"]
"""`asr`: GPU-bound work (recognition, diarization), run its workers on GPU machines; `cpu`: light work."""


def queue_kind(kind: JobKind) -> QueueKind:
    """The queue a job belongs on: minutes need no GPU, a transcription does."""
    return "cpu" if kind == JobKind.minutes else "asr"


ACTOR = "gobang-worker"
"""Who the audit log names for changes made by workers."""


class JobCancelled(Exception):
    """Raised inside the pipeline when a cancel was requested."""


class JobLost(Exception):
    """Raised inside the pipeline when the job is no longer ours (declared dead and given to another worker)."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _now() -> datetime:
    return datetime.now(UTC)


def backoff(attempts: int, base_s: float = 10.0) -> timedelta:
    """`base_s`, then 4× longer each attempt (10 s, 40 s, 160 s, …), capped at 30 min."""
    return timedelta(seconds=min(base_s * 4 ** max(attempts - 1, 0), 1800))


def claim(job_id: str, url: str) -> str | None:
    """Atomically move a due, queued job to running for this worker.

    Returns the claim token that every later write must match, or None if someone else has
    the job, it is finished, cancelled, or its retry is not due yet.
    """
    token = f"{worker_name()}:{uuid.uuid4().hex[:8]}"
    now = _now()
    with session_scope(url) as session:
        result = session.execute(
            update(Job)
            .where(
                Job.id == job_id,
                Job.status == JobStatus.queued,
                Job.cancel_requested.is_(False),
                or_(Job.not_before.is_(None), Job.not_before <= now),
            )
            .values(
                status=JobStatus.running,
                worker=token,
                attempts=Job.attempts + 1,
                heartbeat_at=now,
                started_at=now,
                stage="starting",
                error=None,
            )
        )
        return token if getattr(result, "rowcount", 0) == 1 else None


def _owned(job_id: str, token: str) -> Any:
    """The WHERE clause of every write a worker makes: the job is still running under its claim."""
    return (Job.id == job_id, Job.worker == token, Job.status == JobStatus.running)


class _Heartbeat(threading.Thread):
    """Touches the job's heartbeat every few seconds, whatever the pipeline is doing; watches for cancel and loss."""

    def __init__(self, job_id: str, token: str, url: str, interval_s: float) -> None:
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.job_id, self.token, self.url, self.interval_s = job_id, token, url, interval_s
        self.stopped = threading.Event()
        self.cancelled = threading.Event()
        self.lost = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval_s):
            try:
                with session_scope(self.url) as session:
                    beat = session.execute(
                        update(Job).where(*_owned(self.job_id, self.token)).values(heartbeat_at=_now())
                    )
                    if getattr(beat, "rowcount", 0) != 1:
                        self.lost.set()
                        return
                    if session.scalar(select(Job.cancel_requested).where(Job.id == self.job_id)):
                        self.cancelled.set()
            except Exception:  # a database hiccup must not kill the job; the next beat retries
                logger.exception("heartbeat_failed job=%s", self.job_id)


def _progress_writer(job_id: str, token: str, settings: Settings, heartbeat: _Heartbeat) -> ProgressHook:
    url = settings.resolved_database_url
    last = 0.0

    def write(stage: str, fraction: float) -> None:
        nonlocal last
        if heartbeat.lost.is_set():
            raise JobLost(job_id)
        if heartbeat.cancelled.is_set():
            raise JobCancelled(job_id)
        now = time.monotonic()
        if now - last < 1.0 and fraction < 1.0:
            return
        last = now
        try:
            with session_scope(url) as session:
                session.execute(
                    update(Job).where(*_owned(job_id, token)).values(stage=stage, progress=round(min(fraction, 1.0), 4))
                )
        except Exception:  # progress is a courtesy: losing one update must not fail an hour of work
            logger.exception("progress_write_failed job=%s", job_id)
            return
        publish(settings, job_id)

    return write


class JobWork(Protocol):
    """What one kind of job does between claim and finish; `run_job` gives every kind the same semantics."""

    permanent: ClassVar[tuple[type[Exception], ...]]
    """Errors not worth a retry."""

    @property
    def audio_seconds(self) -> float | None: ...

    def run(self, hook: ProgressHook) -> None:
        """The slow part, outside any transaction; `hook` reports progress and raises on cancel or loss."""

    def save(self, session: Session) -> dict[str, object]:
        """Write the result in the job's success transaction; returns what the job's webhook event adds."""


@dataclass
class Transcription:
    """The pipeline over a recording; the result is the next transcript version."""

    audio: AudioSource
    options: PipelineOptions
    recording_id: str
    filename: str
    org_unit_id: int | None = None
    """The recording's unit: whose enrolled voices may name its speakers."""
    settings: Settings | None = None
    """The worker's settings (its voiceprint store); None reads this process's."""
    transcript: Transcript | None = None
    permanent: ClassVar[tuple[type[Exception], ...]] = (BadAudioError, ModelError)

    @property
    def audio_seconds(self) -> float | None:
        return self.transcript.duration if self.transcript else None

    def run(self, hook: ProgressHook) -> None:
        transcript = run_pipeline(
            self.audio, self.options, hook=hook, org_unit_id=self.org_unit_id, settings=self.settings
        )
        self.transcript = _named_source(transcript, self.filename)

    def save(self, session: Session) -> dict[str, object]:
        assert self.transcript is not None, "run() first"
        version = TRANSCRIPTS.save(
            session, self.recording_id, self.transcript, author="gobang", comment="bản nhận dạng tự động"
        )
        return {"transcript_version": version, "untranscribed": self.transcript.untranscribed_count}


@dataclass(frozen=True)
class WorkerContext:
    """What a worker process was started with: RQ calls `run_job` with a job id alone."""

    settings: Settings
    blobs: BlobStore


_worker: WorkerContext | None = None


def bind_worker(settings: Settings, blobs: BlobStore) -> None:
    """Set this process's settings and blob store for `run_job` (once, by the worker's start)."""
    global _worker
    _worker = WorkerContext(settings, blobs)


def _work_of(session: Session, job: Job, settings: Settings, blobs: BlobStore | None) -> JobWork:
    """The job's work, by its kind."""
    if job.kind == JobKind.minutes:
        return MinutesWork.load(session, job.recording_id, job.options, settings.minutes)
    if blobs is None:
        raise ValueError("worker started without a blob store (bind_worker)")
    recording = session.get_one(Recording, job.recording_id)
    return Transcription(
        audio=blobs.audio(recording.sha256),
        options=_pipeline_options(job.options, recording),
        recording_id=recording.id,
        filename=recording.filename,
        org_unit_id=recording.org_unit_id,
        settings=settings,
    )


def run_job(job_id: str, settings: Settings | None = None, blobs: BlobStore | None = None) -> str:
    """Entry point for RQ and for the in-process worker. Returns the job's final status (or skipped/lost).

    RQ passes the id alone: the worker process's own settings and blob store (`bind_worker`) serve.
    """
    if settings is None and _worker is not None:
        settings, blobs = _worker.settings, blobs or _worker.blobs
    settings = settings or get_settings()
    url = settings.resolved_database_url
    token = claim(job_id, url)
    if token is None:
        logger.info("job_skipped job=%s reason=not_due_or_taken", job_id)
        return "skipped"
    publish(settings, job_id)
    try:
        with session_scope(url) as session:
            job = session.get_one(Job, job_id)
            work = _work_of(session, job, settings, blobs)
            attempts, max_attempts, recording_id = job.attempts, job.max_attempts, job.recording_id
    except (GobangError, TypeError, ValueError) as exc:  # missing blob or transcript, options no work accepts
        message = exc.message if isinstance(exc, GobangError) else f"tùy chọn không hợp lệ (bad options: {exc})"
        _finish(settings, job_id, token, JobStatus.failed, error=message)
        return JobStatus.failed.value
    logger.info("job_started job=%s recording=%s attempt=%d", job_id, recording_id, attempts)
    began = time.perf_counter()
    heartbeat = _Heartbeat(job_id, token, url, settings.jobs.heartbeat_s)
    heartbeat.start()
    try:
        work.run(_progress_writer(job_id, token, settings, heartbeat))
    except JobCancelled:
        _finish(settings, job_id, token, JobStatus.cancelled, error="đã hủy theo yêu cầu (cancelled)")
        return JobStatus.cancelled.value
    except JobLost:
        logger.warning("job_lost job=%s reason=claimed_by_another_worker", job_id)
        return "lost"
    except Exception as exc:
        permanent = isinstance(exc, work.permanent) or attempts >= max_attempts  # retrying cannot help
        # Clients read `error`: an unexpected exception's text may name server paths, so only its type is shown.
        message = (
            exc.message if isinstance(exc, GobangError) else f"lỗi không mong đợi (unexpected {type(exc).__name__})"
        )
        logger.warning(
            "job_error job=%s attempt=%d permanent=%s error=%s: %s", job_id, attempts, permanent, message, exc
        )
        if permanent:
            _finish(settings, job_id, token, JobStatus.failed, error=message)
            return JobStatus.failed.value
        _retry_later(url, job_id, token, backoff(attempts, settings.jobs.retry_base_s), message)
        publish(settings, job_id)
        return JobStatus.queued.value
    finally:
        heartbeat.stopped.set()
    try:
        saved = _succeed(settings, job_id, token, work)
    except GobangError as exc:  # the result cannot be written (minutes edited meanwhile): retrying cannot help
        _finish(settings, job_id, token, JobStatus.failed, error=exc.message)
        return JobStatus.failed.value
    if not saved:
        # A cancel that came after the last progress report still wins: the result is not saved.
        if _finish(settings, job_id, token, JobStatus.cancelled, error="đã hủy theo yêu cầu (cancelled)"):
            return JobStatus.cancelled.value
        logger.warning("job_lost job=%s reason=claim_void_at_finish", job_id)
        return "lost"
    logger.info(
        "job_succeeded job=%s audio_s=%.1f wall_s=%.1f", job_id, work.audio_seconds or 0, time.perf_counter() - began
    )
    return JobStatus.succeeded.value


def _pipeline_options(stored: dict[str, object], recording: Recording) -> PipelineOptions:
    """The job's options, with the recording's glossary added to the request's."""
    options = PipelineOptions.model_validate(stored)
    return options.model_copy(update={"glossary": options.glossary + tuple(recording.glossary or ())})


def _named_source(transcript: Transcript, filename: str) -> Transcript:
    if transcript.source is None:
        return transcript
    return transcript.model_copy(update={"source": transcript.source.model_copy(update={"name": Path(filename).name})})


def _succeed(settings: Settings, job_id: str, token: str, work: JobWork) -> bool:
    """Result and status in one transaction, only while the claim is ours and no cancel is pending.

    A job's result is written once; False means it was not written (cancelled, or the claim is void).
    """
    with session_scope(settings.resolved_database_url) as session:
        owned = session.execute(
            update(Job)
            .where(*_owned(job_id, token), Job.cancel_requested.is_(False))
            .values(
                status=JobStatus.succeeded,
                stage="done",
                progress=1.0,
                finished_at=_now(),
                audio_seconds=work.audio_seconds,
                cancel_requested=False,
            )
        )
        if getattr(owned, "rowcount", 0) != 1:
            return False
        extra = work.save(session)
        deliveries = _terminal(session, job_id, JobStatus.succeeded, result=extra)
    publish(settings, job_id)
    webhooks.deliver_soon(settings, deliveries)
    return True


def _terminal(
    session: Session, job_id: str, status: JobStatus, *, actor: str = ACTOR, result: dict[str, object] | None = None
) -> list[int]:
    """What every job that ends does in the same transaction: audit it and queue its webhooks."""
    job = session.get_one(Job, job_id)
    session.refresh(job)
    record(session, actor, f"job.{status.value}", f"job:{job_id}", recording=job.recording_id, error=job.error)
    return webhooks.enqueue_job_event(session, job, **(result or {}))


def _finish(settings: Settings, job_id: str, token: str, status: JobStatus, *, error: str | None) -> bool:
    """End a job we still own; False if it is no longer ours."""
    with session_scope(settings.resolved_database_url) as session:
        ended = session.execute(
            update(Job).where(*_owned(job_id, token)).values(status=status, error=error, finished_at=_now())
        )
        owned = getattr(ended, "rowcount", 0) == 1
        deliveries = _terminal(session, job_id, status) if owned else []
    if owned:
        publish(settings, job_id)
    webhooks.deliver_soon(settings, deliveries)
    return owned


def _retry_later(url: str, job_id: str, token: str, wait: timedelta, error: str) -> None:
    with session_scope(url) as session:
        session.execute(
            update(Job)
            .where(*_owned(job_id, token))
            .values(status=JobStatus.queued, stage="retry", error=error, worker=None, not_before=_now() + wait)
        )


def recover_jobs(
    url: str, *, stale_after_s: float | None = None, settings: Settings | None = None
) -> list[tuple[str, QueueKind]]:
    """Jobs whose worker died go back to the queue; returns every queued job that is due, with its queue.

    A dead worker's job that was asked to cancel ends cancelled, and one that has used all its
    attempts ends failed (a recording that kills its worker every time must not loop forever).
    """
    settings = settings or get_settings()
    stale_after_s = settings.jobs.stale_after_s if stale_after_s is None else stale_after_s
    now = _now()
    stale = now - timedelta(seconds=stale_after_s)
    deliveries: list[int] = []
    changed: list[str] = []
    with session_scope(url) as session:
        dead = session.execute(
            select(Job.id, Job.attempts, Job.max_attempts, Job.cancel_requested).where(
                Job.status == JobStatus.running, or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < stale)
            )
        ).all()
        for job_id, attempts, max_attempts, cancel in dead:
            values: dict[str, object] = {"worker": None}
            if cancel:
                values |= {"status": JobStatus.cancelled, "error": "đã hủy (cancelled)", "finished_at": now}
            elif attempts >= max_attempts:
                values |= {
                    "status": JobStatus.failed,
                    "finished_at": now,
                    "error": f"tiến trình xử lý dừng đột ngột {attempts} lần (worker died {attempts} times)",
                }
            else:
                values |= {"status": JobStatus.queued, "stage": "requeued"}
            moved = session.execute(
                update(Job)
                .where(
                    Job.id == job_id,
                    Job.status == JobStatus.running,
                    or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < stale),
                )
                .values(**values)
            )
            if getattr(moved, "rowcount", 0) != 1:
                continue
            changed.append(job_id)
            logger.warning("job_recovered job=%s status=%s attempts=%d", job_id, values.get("status"), attempts)
            if values["status"] != JobStatus.queued:
                deliveries += _terminal(session, job_id, JobStatus(str(values["status"])))
        for job_id in session.scalars(
            select(Job.id).where(Job.status == JobStatus.queued, Job.cancel_requested.is_(True))
        ).all():
            session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.queued)
                .values(status=JobStatus.cancelled, finished_at=now, error="đã hủy (cancelled)")
            )
            changed.append(job_id)
            deliveries += _terminal(session, job_id, JobStatus.cancelled)
        due = session.execute(
            select(Job.id, Job.kind)
            .where(Job.status == JobStatus.queued, or_(Job.not_before.is_(None), Job.not_before <= now))
            .order_by(Job.created_at)
        ).all()
    publish(settings, *changed)
    webhooks.deliver_soon(settings, deliveries)
    return [(job_id, queue_kind(kind)) for job_id, kind in due]


def new_job(
    session: Session,
    recording_id: str,
    options: dict[str, Any],
    *,
    settings: Settings,
    kind: JobKind = JobKind.transcription,
) -> Job:
    """A queued job row; the caller commits, then hands the id to the queue (never the other way round)."""
    job = Job(
        recording_id=recording_id,
        kind=kind,
        status=JobStatus.queued,
        stage="queued",
        progress=0.0,
        options=options,
        attempts=0,
        max_attempts=settings.jobs.max_attempts,
    )
    session.add(job)
    session.flush()
    return job


def cancel(session: Session, job_id: str, *, actor: str) -> list[int]:
    """Cancel a job: a queued one at once, a running one at its worker's next progress report.

    Returns the webhook deliveries to send once the caller has committed (and then `publish`es the job's new
    state); a finished job is left as it is.
    """
    record(session, actor, "job.cancel", f"job:{job_id}")
    stopped = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.queued)
        .values(status=JobStatus.cancelled, cancel_requested=True, finished_at=_now(), error="đã hủy (cancelled)")
    )
    if getattr(stopped, "rowcount", 0) == 1:
        return _terminal(session, job_id, JobStatus.cancelled, actor=actor)
    session.execute(update(Job).where(Job.id == job_id, Job.status == JobStatus.running).values(cancel_requested=True))
    return []
