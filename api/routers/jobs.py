"""Jobs: run the pipeline over a recording, follow its progress (JSON or server-sent events), cancel it.

The job's state lives in the database; this router writes rows and hands ids to the queue,
and the event stream reads the rows back, so it shows the same thing whichever worker runs the job.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.access import visible_job, visible_recording
from api.deps import DbSession, JobsReader, JobsRunner, Principal, SettingsDep
from api.ingest import new_recording_job, submit
from api.schemas import JobOptions, JobOut
from asr.factory import check_engine_allowed
from core.db import session_scope
from core.errors import ConflictError
from core.tables import Job
from workers.jobs import TERMINAL, cancel
from workers.webhooks import deliver_soon

router = APIRouter(tags=["jobs"])


EVENT_POLL_S = 0.5
"""How often the event stream looks at the job row."""


@router.post("/recordings/{recording_id}/jobs", status_code=202, response_model=JobOut)
def create_job(
    recording_id: str,
    options: JobOptions,
    request: Request,
    response: Response,
    db: DbSession,
    settings: SettingsDep,
    principal: JobsRunner,
) -> JobOut:
    """Queue the pipeline (transcribe, then diarize and align if asked) over a recording; a new transcript
    version is written when it succeeds."""
    recording = visible_recording(db, principal, recording_id)
    check_engine_allowed(options.engine, settings.asr)
    job = new_recording_job(db, settings, principal, recording, options)
    submit(request, db, job)
    response.headers["Location"] = f"/jobs/{job.id}"
    return JobOut.model_validate(job)


@router.get("/recordings/{recording_id}/jobs", response_model=list[JobOut])
def list_jobs(
    recording_id: str,
    db: DbSession,
    principal: JobsReader,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[JobOut]:
    """A recording's jobs, newest first."""
    recording = visible_recording(db, principal, recording_id)
    rows = db.scalars(
        select(Job).where(Job.recording_id == recording.id).order_by(Job.created_at.desc()).limit(limit)
    ).all()
    return [JobOut.model_validate(j) for j in rows]


@router.get("/jobs/{job_id}", response_model=JobOut)
def get_job(job_id: str, db: DbSession, principal: JobsReader) -> Response:
    """The job's status and progress: what clients poll, so it is serialised once, straight to JSON."""
    job = JobOut.model_validate(visible_job(db, principal, job_id))
    return Response(job.model_dump_json(), media_type="application/json")


@router.post("/jobs/{job_id}/cancel", status_code=202, response_model=JobOut)
def cancel_job(job_id: str, db: DbSession, settings: SettingsDep, principal: JobsRunner) -> JobOut:
    """A queued job is cancelled at once; a running one stops at its next progress report (`cancel_requested`)."""
    job = visible_job(db, principal, job_id)
    if job.status in TERMINAL:
        raise ConflictError(
            f"công việc đã kết thúc ({job.status.value}), không hủy được (job already finished)",
            extra={"job_status": job.status.value},
        )
    deliveries = cancel(db, job.id, actor=principal.name)
    db.commit()
    db.refresh(job)
    deliver_soon(settings, deliveries)
    return JobOut.model_validate(job)


@router.get(
    "/jobs/{job_id}/events",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Sự kiện `job` mỗi khi trạng thái đổi"}},
)
async def job_events(
    job_id: str, request: Request, settings: SettingsDep, principal: JobsReader
) -> EventSourceResponse:
    """Server-sent events: a `job` event (the JobOut) whenever status, stage or progress changes, then `end`
    once the job is finished; the stream then closes."""
    url = settings.resolved_database_url
    first = await run_in_threadpool(_snapshot, url, principal, job_id)  # 404 before the stream starts

    async def stream() -> AsyncIterator[ServerSentEvent]:
        job, seen, count = first, None, 0
        while True:
            key = (job.status, job.stage, job.progress, job.attempts)
            if key != seen:
                seen, count = key, count + 1
                yield ServerSentEvent(data=job.model_dump_json(), event="job", id=str(count))
            if job.status in TERMINAL:
                yield ServerSentEvent(data=job.model_dump_json(), event="end", id=str(count + 1))
                return
            await anyio.sleep(EVENT_POLL_S)
            if await request.is_disconnected():
                return
            job = await run_in_threadpool(_snapshot, url, principal, job_id)

    return EventSourceResponse(stream(), ping=15, headers={"Cache-Control": "no-store"})


def _snapshot(url: str, principal: Principal, job_id: str) -> JobOut:
    with session_scope(url) as db:
        return JobOut.model_validate(visible_job(db, principal, job_id))
