"""Which rows a caller may touch: those of their organisation unit (admins and callers of no unit: all).

A row outside the caller's unit answers 404, so ids of other units leak nothing. What each role and
scope may do is checked before, by the permission dependencies of `api.deps`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from api.deps import MAY_UPLOAD as MAY_UPLOAD  # api/routers/uploads.py still imports these three from here
from api.deps import READERS as READERS
from api.deps import Principal
from api.deps import allow as allow
from core.errors import ForbiddenError, NotFoundError
from core.search.query import meetings
from core.tables import Job, OrgUnit, Recording, Role, Upload


def visible_recording(db: Session, principal: Principal, recording_id: str) -> Recording:
    recording = db.get(Recording, recording_id) if len(recording_id) <= 32 else None
    if recording is None or not principal.may_see(recording.org_unit_id):
        raise NotFoundError(f"không có bản ghi {recording_id[:40]!r} (no such recording)")
    return recording


def visible_recordings(
    principal: Principal,
    *,
    org_unit_id: int | None = None,
    body: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Select[Recording]:
    """The recordings `principal` may see, narrowed by the list's filters (shared by the list and the search)."""
    query = meetings(org_unit_id=org_unit_id, body=body, date_from=date_from, date_to=date_to)
    if principal.role != Role.admin and principal.org_unit_id is not None:
        query = query.where(Recording.org_unit_id == principal.org_unit_id)
    return query


def visible_job(db: Session, principal: Principal, job_id: str) -> Job:
    """One query for the job and its recording's unit: status reads are the API's most frequent request."""
    found = (
        db.execute(
            select(Job, Recording.org_unit_id).join(Recording, Recording.id == Job.recording_id).where(Job.id == job_id)
        ).first()
        if len(job_id) <= 32
        else None
    )
    job, org_unit_id = found if found is not None else (None, None)
    if job is None or not principal.may_see(org_unit_id):
        raise job_not_found(job_id)
    return job


def job_not_found(job_id: str) -> NotFoundError:
    """The one answer for a job that does not exist and for another unit's: ids of other units leak nothing."""
    return NotFoundError(f"không có công việc {job_id[:40]!r} (no such job)")


def visible_upload(db: Session, principal: Principal, upload_id: str) -> Upload:
    upload = db.get(Upload, upload_id) if len(upload_id) <= 32 else None
    if upload is None or not principal.may_see(upload.org_unit_id):
        raise NotFoundError(f"không có phiên tải lên {upload_id[:40]!r} (no such upload)")
    return upload


def owning_unit(db: Session, principal: Principal, requested: int | None) -> int | None:
    """The unit a new recording belongs to: the caller's own, unless an admin (or a caller of no unit) chooses."""
    if principal.org_unit_id is not None and principal.role != Role.admin:
        if requested not in (None, principal.org_unit_id):
            raise ForbiddenError("chỉ được tải lên cho đơn vị của mình (you may only upload into your own unit)")
        return principal.org_unit_id
    if requested is None:
        return principal.org_unit_id
    if db.get(OrgUnit, requested) is None:
        raise NotFoundError(f"không có đơn vị {requested} (no such unit)")
    return requested
