"""Minutes (biên bản) of a recording: generate, read with an ETag, edit with If-Match, history, regenerate, export.

Versioned like transcripts (`core.versioned`) with the same HTTP rules (`api.versioning`):
`ETag: "v<N>"`, saves need `If-Match` (428 without, 412 when stale). Generation and
regeneration are saves too: a clerk's edits are never replaced behind their back. Extractive
generation is fast (a 3-hour meeting in seconds) and runs in the request (201 with the minutes);
the `llm` generator takes minutes, so it runs as a job on the `cpu` queue (202 with the job,
followed at `/jobs/{id}`; `workers.minutes_job`), saved only on top of the version current when
it was asked for. Minutes are derived from the transcript, so they share its permission scopes.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from api import versioning
from api.access import visible_recording
from api.deps import DbSession, Principal, QueueDep, SettingsDep, TranscriptsEditor, TranscriptsReader
from api.schemas import JobOut
from api.schemas_minutes import (
    MinutesConfig,
    MinutesEdit,
    MinutesFormat,
    MinutesGenerate,
    MinutesOut,
    MinutesRegenerate,
)
from api.versioned_routes import VersionedRoutes
from api.versioning import IfMatch
from core.audit import record
from core.errors import InvalidInputError
from core.settings import Settings
from core.tables import JobKind, Recording
from core.transcript_store import TRANSCRIPTS
from minutes.generate import generate, make_generator, regenerate
from minutes.model import GeneratorName, Minutes, MinutesMeta
from minutes.model import Header as MinutesHeader
from minutes.render import MEDIA_TYPES, render
from minutes.store import MINUTES
from workers.jobs import new_job, queue_kind
from workers.minutes_job import MinutesJobOptions
from workers.queue import JobQueue

router = APIRouter(tags=["minutes"])

BASE = "/recordings/{recording_id}/minutes"
QUEUED: tuple[GeneratorName, ...] = ("llm",)
"""Generators too slow for a request: they run as jobs on a worker."""
_QUEUED_RESPONSE: dict[int | str, dict[str, Any]] = {
    202: {"model": JobOut, "description": "Đã xếp hàng (bộ tạo chạy lâu): theo dõi công việc ở /jobs/{id}"}
}


ROUTES = VersionedRoutes(MINUTES, "minutes", MinutesOut, carried=("transcript_version",))
ROUTES.mount(router, BASE, edit_model=MinutesEdit)
ROUTES.mount_export(
    router,
    BASE,
    formats=MinutesFormat,
    default="docx",
    formats_help="docx, md hoặc html",
    media_types=MEDIA_TYPES,
    render=render,
    stem=lambda recording: f"bien-ban {recording.title or recording.filename.rsplit('.', 1)[0]}".strip(),
    description="The minutes as a file: DOCX after Mẫu 1.9 of Nghị định 30/2020/NĐ-CP, Markdown or HTML.",
)


def _meta(recording: Recording, request: MinutesGenerate | None = None) -> MinutesMeta:
    """What the recording's metadata says about the meeting, with the request's additions."""
    return MinutesMeta(
        header=request.header if request and request.header else MinutesHeader(issuing_body=recording.body),
        meeting_name=recording.title,
        meeting_date=recording.meeting_date,
        start_time=request.start_time if request else None,
        place=recording.place,
        chair=recording.chair,
        secretary=recording.secretary,
        attendees=recording.attendees or [],
        recipients=request.recipients if request else [],
        copies=request.copies if request else 2,
    )


def _queue(
    settings: Settings,
    job_queue: JobQueue,
    db: Session,
    principal: Principal,
    recording: Recording,
    options: MinutesJobOptions,
) -> JSONResponse:
    """A minutes job on the `cpu` queue, answered 202 with the job (committed before it is queued)."""
    make_generator(options.generator, settings.minutes)  # a missing configuration fails now, not in the worker
    job = new_job(db, recording.id, options.model_dump(mode="json"), settings=settings, kind=JobKind.minutes)
    record(db, principal.name, "job.create", f"job:{job.id}", recording=recording.id, kind="minutes")
    db.commit()
    job_queue.enqueue(job.id, kind=queue_kind(job.kind))
    body = JobOut.model_validate(job).model_dump(mode="json")
    return JSONResponse(body, status_code=202, headers={"Location": f"/jobs/{job.id}"})


@router.get("/minutes/config", response_model=MinutesConfig)
def minutes_config(app_settings: SettingsDep, principal: TranscriptsReader) -> MinutesConfig:
    """The generators this deployment offers: `llm` only when its endpoint and model are set."""
    settings = app_settings.minutes
    generators: list[GeneratorName] = ["extractive"]
    if settings.llm_url and settings.llm_model:
        generators.append("llm")
    default = settings.generator if settings.generator in generators else "extractive"
    return MinutesConfig(generators=generators, default=default, queued=list(QUEUED))


@router.post(BASE + "/generate", response_model=MinutesOut, status_code=201, responses=_QUEUED_RESPONSE)
def generate_minutes(
    recording_id: str,
    body: MinutesGenerate,
    settings: SettingsDep,
    job_queue: QueueDep,
    response: Response,
    db: DbSession,
    principal: TranscriptsEditor,
    if_match: IfMatch = None,
) -> MinutesOut | JSONResponse:
    """Generate the minutes from the transcript as a new version (201); with `llm`, a job (202) that saves it.

    Where minutes exist already, send `If-Match` with their version to replace them knowingly (428 without it,
    412 when stale), so a clerk's edits saved meanwhile are never replaced.
    """
    recording = visible_recording(db, principal, recording_id)
    base = versioning.check_new(MINUTES, db, recording.id, if_match)
    row = TRANSCRIPTS.row(db, recording.id, body.transcript_version)
    generator = body.generator or settings.minutes.generator
    comment = body.comment or f"tạo bằng {generator} từ bản gỡ băng phiên bản {row.version}"
    if generator in QUEUED:
        options = MinutesJobOptions(
            generator=generator,
            transcript_version=row.version,
            meta=_meta(recording, body),
            base_version=base,
            author=principal.name,
            comment=comment,
        )
        return _queue(settings, job_queue, db, principal, recording, options)
    transcript = TRANSCRIPTS.schema.model_validate_json(row.document)
    db.commit()  # release the connection while the generator works
    minutes = generate(transcript, _meta(recording, body), generator=generator, settings=settings.minutes)
    return ROUTES.save(
        db,
        principal,
        recording.id,
        minutes,
        response,
        base=base,
        comment=comment,
        action="generate",
        columns={"transcript_version": row.version},
        generator=generator,
    )


@router.post(BASE + "/items/{index}/regenerate", response_model=MinutesOut, responses=_QUEUED_RESPONSE)
def regenerate_item(
    recording_id: str,
    index: Annotated[int, Path(ge=0, le=10_000, description="Số thứ tự của mục, từ 0")],
    body: MinutesRegenerate,
    settings: SettingsDep,
    job_queue: QueueDep,
    response: Response,
    db: DbSession,
    principal: TranscriptsEditor,
    if_match: IfMatch = None,
) -> MinutesOut | JSONResponse:
    """Make agenda item `index` (0-based) again from the current transcript; other items keep the clerk's edits.

    With `llm` the item is made by a job (202); its result is saved only if the minutes are still this version.
    """
    recording = visible_recording(db, principal, recording_id)
    current = MINUTES.row(db, recording.id, versioning.check_current(MINUTES, db, recording.id, if_match))
    edited = Minutes.model_validate_json(current.document)
    transcript_row = TRANSCRIPTS.row(db, recording.id)
    generator = body.generator or settings.minutes.generator
    comment = body.comment or f"tạo lại mục {index + 1} bằng {generator}"
    if generator in QUEUED:
        if index >= len(edited.items):
            raise InvalidInputError(f"biên bản không có mục {index + 1} (no agenda item {index})")
        options = MinutesJobOptions(
            generator=generator,
            transcript_version=transcript_row.version,
            meta=_meta(recording),
            item=index,
            base_version=current.version,
            author=principal.name,
            comment=comment,
        )
        return _queue(settings, job_queue, db, principal, recording, options)
    transcript = TRANSCRIPTS.schema.model_validate_json(transcript_row.document)
    db.commit()
    minutes = regenerate(
        transcript,
        edited,
        index,
        meta=_meta(recording),
        generator=generator,
        settings=settings.minutes,
    )
    return ROUTES.save(
        db,
        principal,
        recording.id,
        minutes,
        response,
        base=current.version,
        comment=comment,
        action="regenerate",
        columns={"transcript_version": transcript_row.version},
        item=index,
    )
