"""Voiceprints over HTTP: who is enrolled, enrol a speaker of a recording under a name, forget a person.

Enrolled voices let diarization name delegates in later recordings. Voiceprints are biometric
data, so only clerks (and admins) see or change them; every change is in the audit log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, StringConstraints

from api.access import EDITORS, allow, visible_recording
from api.deps import DbSession, Principal, get_settings_dep
from core.audit import record
from core.blobs import BlobStore
from core.settings import Settings
from core.transcript import NfcStr
from core.transcript_store import current_version
from diarization.voiceprints import Voiceprint, VoiceprintStore
from workers.enrol import enrol_speaker

router = APIRouter(prefix="/voiceprints", tags=["voiceprints"])

Clerk = Annotated[Principal, Depends(allow("transcripts:read", *EDITORS))]
Enroller = Annotated[Principal, Depends(allow("transcripts:write", *EDITORS))]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
Name = Annotated[NfcStr, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class VoiceprintOut(BaseModel):
    name: str
    model_id: str
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
    """Whom to enrol them as; defaults to `speaker`."""


def _store(settings: Settings) -> VoiceprintStore:
    return VoiceprintStore(settings.voiceprints_path, threshold=settings.diarization.voiceprint_threshold)


def _out(v: Voiceprint) -> VoiceprintOut:
    return VoiceprintOut(
        name=v.name, model_id=v.model_id, segments=v.segments, seconds=v.seconds, created_at=v.created_at
    )


@router.get("", response_model=list[VoiceprintOut], summary="Người đã ghi danh giọng nói")
def list_voiceprints(principal: Clerk, settings: SettingsDep) -> list[VoiceprintOut]:
    return [_out(v) for v in _store(settings).list()]


@router.post("", status_code=201, response_model=VoiceprintOut, summary="Ghi danh giọng một người nói")
def enrol(body: EnrolRequest, db: DbSession, principal: Enroller, settings: SettingsDep) -> VoiceprintOut:
    """Embeds up to 90 s of the speaker's longest segments (about a second of CPU, on a worker thread)
    and adds them to the voiceprint of `name`; enrolling again from another recording strengthens it."""
    recording = visible_recording(db, principal, body.recording_id)
    _version, transcript = current_version(db, recording.id)
    audio = BlobStore(settings.blob_dir).existing(recording.sha256)
    name = body.name or body.speaker
    voiceprint = enrol_speaker(_store(settings), audio, transcript, body.speaker, name)
    record(db, principal.name, "voiceprint.enrol", f"voiceprint:{name}", recording=recording.id, speaker=body.speaker)
    return _out(voiceprint)


@router.delete("/{name}", status_code=204, summary="Xóa giọng nói đã ghi danh")
def delete_voiceprint(
    name: Annotated[str, Path(min_length=1, max_length=200)], db: DbSession, principal: Enroller, settings: SettingsDep
) -> Response:
    _store(settings).delete(name)
    record(db, principal.name, "voiceprint.delete", f"voiceprint:{name}")
    return Response(status_code=204)
