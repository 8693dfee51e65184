"""Wire types of the HTTP API: what clients send and receive, validated at the edge.

Every inbound string is NFC and free of control characters (PostgreSQL refuses NUL, and no
meeting title needs a bell); numbers are bounded so no input can overflow a database column.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from core.db import as_utc
from core.settings import EngineName
from core.text import Term, clean_text
from core.transcript import Transcript
from workers.job_status import JobState
from workers.options import JobOptions

MAX_INT = 2**31 - 1
"""Largest id or count accepted anywhere: fits every integer column of both databases."""
MAX_SECONDS = 7 * 24 * 3600.0
"""No timing in a transcript may lie beyond a week."""


Text = Annotated[str, AfterValidator(clean_text)]
"""Any inbound string."""
Line = Annotated[str, StringConstraints(max_length=500, strip_whitespace=True), AfterValidator(clean_text)]
"""A one-line field: a title, a place, a name."""
Instant = Annotated[datetime, AfterValidator(as_utc)]
"""A stored instant, always with its UTC offset (SQLite hands them back naive)."""
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$", to_lower=True)]
ExportFormat = Literal["txt", "srt", "vtt", "json", "docx", "rttm"]


# --- recordings --------------------------------------------------------------------------------


class RecordingMeta(BaseModel):
    """What a clerk records about a meeting; everything optional, everything editable later."""

    title: Line = ""
    body: Annotated[Line, StringConstraints(max_length=300)] = ""
    """The body that met (a council, a committee)."""
    meeting_date: date | None = None
    place: Annotated[Line, StringConstraints(max_length=300)] = ""
    chair: Annotated[Line, StringConstraints(max_length=200)] = ""
    secretary: Annotated[Line, StringConstraints(max_length=200)] = ""
    attendees: list[Term] = Field(default_factory=list, max_length=1000)
    glossary: list[Term] = Field(default_factory=list, max_length=5000)
    """Correct spellings of names and terms: they steer recognition and capitalisation."""


class RecordingUploadForm(RecordingMeta):
    """The form fields sent with a multipart upload."""

    org_unit_id: Annotated[int, Field(ge=1, le=MAX_INT)] | None = None
    """Owning unit; only an admin (or a caller of no unit) may choose one, others upload into their own."""
    start_job: bool = True
    """Queue transcription straight away with default options."""
    engine: EngineName | None = None
    diarize: bool = False


class RecordingPatch(BaseModel):
    """Fields to change; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    title: Line | None = None
    body: Annotated[Line, StringConstraints(max_length=300)] | None = None
    meeting_date: date | None = None
    place: Annotated[Line, StringConstraints(max_length=300)] | None = None
    chair: Annotated[Line, StringConstraints(max_length=200)] | None = None
    secretary: Annotated[Line, StringConstraints(max_length=200)] | None = None
    attendees: list[Term] | None = Field(default=None, max_length=1000)
    glossary: list[Term] | None = Field(default=None, max_length=5000)


class RecordingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    org_unit_id: int | None
    created_by: str
    filename: str
    sha256: str
    size: int
    duration: float | None
    media_type: str
    title: str
    body: str
    meeting_date: date | None
    place: str
    chair: str
    secretary: str
    attendees: list[str]
    glossary: list[str]
    created_at: Instant


class RecordingDetail(RecordingOut):
    transcript_version: int | None = None
    """Current transcript version; None until the first job succeeded."""
    latest_job: JobOut | None = None
    """The newest transcription job (minutes jobs are listed under the recording's minutes)."""


class RecordingPage(BaseModel):
    items: list[RecordingDetail]
    total: int
    limit: int
    offset: int


class RecordingCreated(BaseModel):
    recording: RecordingOut
    job: JobOut | None = None


# --- jobs ----------------------------------------------------------------------------------------


class JobOut(JobState):
    """A job's status and progress (the document the workers cache in Redis at every step)."""


# --- resumable uploads -----------------------------------------------------------------------------


class UploadCreate(RecordingMeta):
    """Announce a file to send in pieces: its name, exact size and (better) its SHA-256."""

    filename: Annotated[Text, StringConstraints(min_length=1, max_length=500)]
    size: Annotated[int, Field(ge=1, le=2**53)]
    sha256: Sha256 | None = None
    """Checked when the last byte arrives; a mismatch is refused and the upload starts over."""
    org_unit_id: Annotated[int, Field(ge=1, le=MAX_INT)] | None = None
    start_job: bool = True
    job: JobOptions = Field(default_factory=JobOptions)


class UploadOut(BaseModel):
    id: str
    filename: str
    size: int
    received: int
    """Bytes stored so far: the offset of the next piece."""
    sha256: str | None
    complete: bool
    recording_id: str | None
    job_id: str | None
    created_at: Instant


# --- transcripts ---------------------------------------------------------------------------------


class TranscriptOut(BaseModel):
    """One version of a recording's transcript."""

    recording_id: str
    version: int
    author: str
    comment: str
    created_at: Instant
    transcript: Transcript


class TranscriptEdit(BaseModel):
    """A clerk's save: the whole document as edited, sent with `If-Match: "v<N>"` of the version it started from."""

    transcript: Transcript
    comment: Annotated[Line, StringConstraints(max_length=500)] = ""

    @model_validator(mode="after")
    def _finite_times(self) -> TranscriptEdit:
        times = [self.transcript.duration]
        for segment in self.transcript.segments:
            times += [segment.start, segment.end] + [t for w in segment.words for t in (w.start, w.end)]
        if not all(math.isfinite(t) and t <= MAX_SECONDS for t in times):
            raise ValueError("thời điểm không hợp lệ (times must be finite and within a week)")
        return self


class VersionSummary(BaseModel):
    version: int
    author: str
    comment: str
    created_at: Instant
    current: bool


class SegmentDiff(BaseModel):
    """One segment added, removed or changed between two versions."""

    op: Literal["added", "removed", "changed"]
    before: int | None
    """Index of the segment in the `from` version."""
    after: int | None
    """Index of the segment in the `to` version."""
    fields: list[Literal["text", "speaker", "timing"]] = Field(default_factory=list)
    """What changed (for `changed`)."""
    old: dict[str, Any] | None = None
    """The segment in the `from` version: start, end, speaker, text."""
    new: dict[str, Any] | None = None
    words: list[tuple[Literal["equal", "delete", "insert"], str]] | None = None
    """Word-level diff of the text, where the text changed."""


class TranscriptDiff(BaseModel):
    recording_id: str
    from_version: int
    to_version: int
    changes: list[SegmentDiff]
    summary: dict[str, int]
    """Counts of added, removed and changed segments."""


# --- webhooks ------------------------------------------------------------------------------------


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$", max_length=1000)]
    org_unit_id: Annotated[int, Field(ge=1, le=MAX_INT)] | None = None
    """Only jobs of this unit; None: every job."""
    secret: Annotated[str, StringConstraints(min_length=16, max_length=200, pattern=r"^[\x21-\x7e]+$")] | None = None
    """Signing secret; None generates one (returned once, in this response)."""


class WebhookOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    url: str
    org_unit_id: int | None
    created_at: Instant


class WebhookCreated(WebhookOut):
    secret: str
    """Shown once: receivers verify `X-Gobang-Signature` with it."""


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    webhook_id: int
    event: str
    attempts: int
    delivered_at: Instant | None
    next_attempt_at: Instant | None
    last_error: str | None


RecordingDetail.model_rebuild()
RecordingCreated.model_rebuild()
