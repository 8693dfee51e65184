"""The service's tables. Job state lives here: the queue only ever carries job ids."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, as_utc


def _now() -> datetime:
    return datetime.now(UTC)


def _uuid() -> str:
    return uuid.uuid4().hex


class Role(enum.StrEnum):
    admin = "admin"
    clerk = "clerk"
    viewer = "viewer"
    service = "service"


class JobStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


class JobKind(enum.StrEnum):
    """What a job does; a transcription needs the speech models (the `asr` queue), minutes only a CPU."""

    transcription = "transcription"
    minutes = "minutes"


class OrgUnit(Base):
    """An organisation unit (a committee, a council): it sees its own recordings."""

    __tablename__ = "org_units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    tokens_valid_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """Session tokens issued before this instant are refused (password change, deactivation, logout everywhere)."""
    org_unit: Mapped[OrgUnit | None] = relationship(lazy="joined")
    login_failures: Mapped[list[LoginFailure]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def locked_until(self) -> datetime | None:
        """The latest lock still running from any client address (None: the account can log in from anywhere)."""
        now = _now()
        locks = [as_utc(f.locked_until) for f in self.login_failures if f.locked_until is not None]
        running = [lock for lock in locks if lock > now]
        return max(running) if running else None


class LoginFailure(Base):
    """Consecutive failed logins of one account from one client address, and that pair's lock.

    Counted per (account, address) so that a stranger guessing from elsewhere locks only themself out,
    never the account's owner (review finding F13); the address limit (`api.ratelimit`) bounds guessing.
    """

    __tablename__ = "login_failures"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ApiKey(Base):
    """A service's key: only a hash is stored; the key is shown once at creation. The prefix is its id; the
    name is a label, unique among a unit's unrevoked keys."""

    __tablename__ = "api_keys"
    __table_args__ = (
        Index(
            "uq_api_keys_unit_name",
            func.coalesce(text("org_unit_id"), 0),
            "name",
            unique=True,
            postgresql_where=text("revoked_at IS NULL"),
            sqlite_where=text("revoked_at IS NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    org_unit: Mapped[OrgUnit | None] = relationship(lazy="joined")


class RevokedToken(Base):
    """A session token ended by logout before it expired; rows past `expires_at` can be deleted."""

    __tablename__ = "revoked_tokens"
    token_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Recording(Base):
    """A meeting recording and its metadata; the audio is a content-addressed blob."""

    __tablename__ = "recordings"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    filename: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    duration: Mapped[float | None] = mapped_column(Float)
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    title: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(String(300), default="")
    meeting_date: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300), default="")
    chair: Mapped[str] = mapped_column(String(200), default="")
    secretary: Mapped[str] = mapped_column(String(200), default="")
    attendees: Mapped[list[str]] = mapped_column(JSON, default=list)
    glossary: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    """Title, file name and people folded (lower case, no diacritics): `ha noi` finds `Hà Nội` on any database."""
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    """The caller-scoped hash of the `Idempotency-Key` its one-request upload was sent with (`Principal.scoped`)."""


class Upload(Base):
    """A resumable chunked upload; becomes a Recording when all bytes arrived and the checksum matches."""

    __tablename__ = "uploads"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    created_by: Mapped[str] = mapped_column(String(120), default="")
    filename: Mapped[str] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recording_id: Mapped[str | None] = mapped_column(ForeignKey("recordings.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class LiveSession(Base):
    """A meeting streamed while it happens: audio appended as it arrives, a Recording once it ends."""

    __tablename__ = "live_sessions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    created_by: Mapped[str] = mapped_column(String(120), default="")
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The RecordingMeta the recording will get (title, body, glossary...)."""
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    """Bytes of PCM stored and acknowledged: a reconnecting client resumes from here."""
    ended: Mapped[bool] = mapped_column(default=False)
    recording_id: Mapped[str | None] = mapped_column(ForeignKey("recordings.id"))
    job_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Job(Base):
    """One pipeline run over a recording. Workers claim, heartbeat and finish it here."""

    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    recording_id: Mapped[str] = mapped_column(ForeignKey("recordings.id"), index=True)
    kind: Mapped[JobKind] = mapped_column(
        Enum(JobKind, native_enum=False, length=20), default=JobKind.transcription, server_default="transcription"
    )
    status: Mapped[JobStatus] = mapped_column(Enum(JobStatus, native_enum=False, length=20), index=True)
    stage: Mapped[str] = mapped_column(String(40), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(200))
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    not_before: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    audio_seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recording: Mapped[Recording] = relationship()


class TranscriptDoc(Base):
    """A recording's transcript: its versions are immutable, `version` points at the current one."""

    __tablename__ = "transcripts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recording_id: Mapped[str] = mapped_column(ForeignKey("recordings.id"), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class TranscriptVersion(Base):
    __tablename__ = "transcript_versions"
    __table_args__ = (UniqueConstraint("transcript_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)
    """The Transcript as JSON."""
    author: Mapped[str] = mapped_column(String(120), default="")
    comment: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class AuditEvent(Base):
    """Who changed what, when: append-only."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Webhook(Base):
    __tablename__ = "webhooks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    url: Mapped[str] = mapped_column(String(1000))
    secret: Mapped[str] = mapped_column(String(600))
    """The signing secret, sealed (`core.sealed`): a database dump does not give it away."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class WebhookDelivery(Base):
    """One notification to deliver; retried with backoff until it succeeds or runs out of attempts."""

    __tablename__ = "webhook_deliveries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id"), index=True)
    event: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)


class MinutesDoc(Base):
    """A recording's minutes (biên bản): versions are immutable, `version` points at the current one."""

    __tablename__ = "minutes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recording_id: Mapped[str] = mapped_column(ForeignKey("recordings.id"), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class MinutesVersion(Base):
    __tablename__ = "minutes_versions"
    __table_args__ = (UniqueConstraint("minutes_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)
    """The Minutes as JSON."""
    transcript_version: Mapped[int | None] = mapped_column(Integer)
    """The transcript version the minutes were generated from (None: edited by hand from an earlier one)."""
    author: Mapped[str] = mapped_column(String(120), default="")
    comment: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class SearchPassage(Base):
    """One searchable passage: a segment of a recording's current transcript, or an item of its minutes.

    Rewritten with every saved version, in the same transaction (`core.search.index`). The engines'
    own indexes (SQLite FTS5 table, PostgreSQL tsvector columns) are made by the migration."""

    __tablename__ = "search_passages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recording_id: Mapped[str] = mapped_column(ForeignKey("recordings.id"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    """`transcript` or `minutes`."""
    version: Mapped[int] = mapped_column(Integer)
    segment_id: Mapped[int] = mapped_column(Integer)
    """The transcript segment, or the first segment a minutes item cites."""
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    speaker: Mapped[str] = mapped_column(String(200), default="")
    speaker_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    """The speaker folded (lower case, no diacritics), for the speaker filter."""
    text: Mapped[str] = mapped_column(Text)
    word_times: Mapped[str] = mapped_column(Text, default="")
    """Start of each syllable of `text`, in tenths of a second from `start` rounded up (so inside the word),
    space-separated: a hit opens the editor at the matched word."""
    syllables: Mapped[str] = mapped_column(Text, default="")
    """The syllables of `text` as exact search compares them (`core.search.text.indexed_forms`), space-separated:
    the engines index only the folded ones (`core.search.engines`)."""


class SearchSpeaker(Base):
    """Every speaker the passages name, folded (`SearchPassage.speaker_key`): the speaker filter finds the names
    that contain the asked words here, a few hundred rows, then their passages by the b-tree on `speaker_key`;
    no index on the name's substrings over every passage to update with each save. Never pruned: a name no
    passage has any more only adds a value that matches nothing."""

    __tablename__ = "search_speakers"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)


class VoicePerson(Base):
    """A person whose voice is enrolled, in one organisation unit (None: no unit, and the login voiceprints).

    Kept in the service database, not a file beside one server, so every worker names the same people."""

    __tablename__ = "voice_people"
    __table_args__ = (Index("uq_voice_people_unit_name", func.coalesce(text("org_unit_id"), 0), "name", unique=True),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    """NFC, stripped; login voiceprints are "@username" (`diarization.voiceprints.ACCOUNT_MARK`)."""
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    """Last enrolment, replacement or move to another unit."""


class EmbeddingSource(enum.StrEnum):
    """Where a voice embedding came from: an enrolment, or a voice login accepted with a wide margin."""

    enrolment = "enrolment"
    login = "login"


class VoiceEmbedding(Base):
    """One speaker embedding of an enrolled person (one per enrolment stretch or piece, or one accepted login), with
    the model that made it: embeddings are only ever compared with embeddings of the same model."""

    __tablename__ = "voice_embeddings"
    __table_args__ = (Index("ix_voice_embeddings_model_person", "model_id", "person_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("voice_people.id", ondelete="CASCADE"))
    model_id: Mapped[str] = mapped_column(String(200))
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    """float32, little-endian, `dim` values."""
    seconds: Mapped[float] = mapped_column(Float)
    """Speech this embedding was made from."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    source: Mapped[EmbeddingSource] = mapped_column(
        Enum(EmbeddingSource, native_enum=False, length=20),
        default=EmbeddingSource.enrolment,
        server_default="enrolment",
    )
