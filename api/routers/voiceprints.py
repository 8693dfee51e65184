"""Voiceprints over HTTP: who is enrolled, enrol a speaker of a recording under a name, forget a person.

Enrolled voices let diarization name delegates in later recordings of the same organisation unit.
Voiceprints are biometric data, so only clerks (and admins) see or change them, each clerk only their
unit's people; every change, and every listing, is in the audit log.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field, StringConstraints

from api.access import visible_recording
from api.deps import (
    Admin,
    BlobsDep,
    DbSession,
    Principal,
    SettingsDep,
    TranscriptsEditor,
    VoiceprintsReader,
)
from api.schemas import MAX_INT
from core.audit import record
from core.errors import NotFoundError
from core.settings import Settings
from core.tables import OrgUnit
from core.transcript import NfcStr
from core.transcript_store import TRANSCRIPTS
from diarization.voiceprints import Voiceprint, VoiceprintStore
from workers.enrol import enrol_speaker

router = APIRouter(prefix="/voiceprints", tags=["voiceprints"])

Name = Annotated[NfcStr, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
UnitQuery = Annotated[
    int | None, Query(ge=1, le=MAX_INT, description="Đơn vị của người đó (quản trị viên); mặc định: không đơn vị")
]


class VoiceprintOut(BaseModel):
    name: str
    model_id: str
    org_unit_id: int | None
    """The unit whose recordings this person may be recognised in (None: no unit; admins assign one)."""
    segments: int
    """Embeddings stored."""
    seconds: float
    """Speech enrolled, in seconds."""
    created_at: str


class EnrolRequest(BaseModel):
    recording_id: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    speaker: Name
    """The speaker label in the recording's current transcript ("Người nói 2", or a name given in the editor)."""
    name: Name | None = None
    """Whom to enrol them as; defaults to `speaker`. The person belongs to the recording's unit."""


class AssignRequest(BaseModel):
    org_unit_id: Annotated[int, Field(ge=1, le=MAX_INT)] | None
    """The unit to move the person to (None: no unit)."""


def _store(settings: Settings, org_unit_id: int | None, principal: Principal) -> VoiceprintStore:
    return VoiceprintStore(
        settings.resolved_database_url,
        threshold=settings.diarization.voiceprint_threshold,
        org_unit_id=org_unit_id,
        actor=principal.name,
    )


def _unit(principal: Principal, requested: int | None) -> int | None:
    """The unit a caller acts on: their own; admins (and callers of every unit) the one they name."""
    if principal.may_see(None):
        return requested
    if requested not in (None, principal.org_unit_id):
        raise NotFoundError("không có giọng nói đã ghi danh này (no such voiceprint)")
    return principal.org_unit_id


def _out(v: Voiceprint) -> VoiceprintOut:
    return VoiceprintOut(**asdict(v))


@router.get("", response_model=list[VoiceprintOut], summary="Người đã ghi danh giọng nói")
def list_voiceprints(principal: VoiceprintsReader, db: DbSession, settings: SettingsDep) -> list[VoiceprintOut]:
    """The caller's unit's people; admins see every unit's, and the people of no unit."""
    store = _store(settings, principal.org_unit_id, principal)
    people = store.list(every_unit=principal.may_see(None))
    record(db, principal.name, "voiceprint.list", "voiceprints", count=len(people))  # biometric data: reads audited
    return [_out(v) for v in people]


@router.post("", status_code=201, response_model=VoiceprintOut, summary="Ghi danh giọng một người nói")
def enrol(
    body: EnrolRequest, db: DbSession, principal: TranscriptsEditor, settings: SettingsDep, blobs: BlobsDep
) -> VoiceprintOut:
    """Embeds up to 90 s of the speaker's longest segments (about a second of CPU, on a worker thread)
    and adds them to the voiceprint of `name` in the recording's unit; enrolling again from another recording
    of that unit strengthens it."""
    recording = visible_recording(db, principal, body.recording_id)
    _version, transcript = TRANSCRIPTS.current(db, recording.id)
    audio = blobs.audio(recording.sha256)
    name = body.name or body.speaker
    store = _store(settings, recording.org_unit_id, principal)
    voiceprint = enrol_speaker(store, audio, transcript, body.speaker, name)
    record(
        db,
        principal.name,
        "voiceprint.enrol",
        f"voiceprint:{name}",
        recording=recording.id,
        speaker=body.speaker,
        org_unit_id=recording.org_unit_id,
    )
    return _out(voiceprint)


@router.delete("/{name}", status_code=204, summary="Xóa giọng nói đã ghi danh")
def delete_voiceprint(
    name: Annotated[str, Path(min_length=1, max_length=200)],
    db: DbSession,
    principal: TranscriptsEditor,
    settings: SettingsDep,
    org_unit_id: UnitQuery = None,
) -> Response:
    """Forget a person of the caller's unit (404 for another unit's: ids of other units leak nothing)."""
    unit = _unit(principal, org_unit_id)
    _store(settings, unit, principal).delete(name)
    record(db, principal.name, "voiceprint.delete", f"voiceprint:{name}", org_unit_id=unit)
    return Response(status_code=204)


@router.patch("/{name}", response_model=VoiceprintOut, summary="Chuyển người đã ghi danh sang đơn vị khác")
def assign_voiceprint(
    name: Annotated[str, Path(min_length=1, max_length=200)],
    body: AssignRequest,
    db: DbSession,
    principal: Admin,
    settings: SettingsDep,
    org_unit_id: UnitQuery = None,
) -> VoiceprintOut:
    """Admins only: move a person (e.g. one enrolled before units existed, in no unit) to a unit."""
    if body.org_unit_id is not None and db.get(OrgUnit, body.org_unit_id) is None:
        raise NotFoundError(f"không có đơn vị {body.org_unit_id} (no such unit)")
    moved = _store(settings, org_unit_id, principal).assign(name, body.org_unit_id)
    record(db, principal.name, "voiceprint.assign", f"voiceprint:{name}", org_unit_id=[org_unit_id, body.org_unit_id])
    return _out(moved)
