"""From received bytes to a Recording and its first job: shared by multipart, resumable and OpenAI uploads.

The format is judged by the content, never by the name or the declared type: the first bytes
must carry the signature of an audio or video container we accept, then FFmpeg must open it and
find an audio track, and its duration must be within the limit. Only then is it stored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import anyio
from fastapi import Request
from sqlalchemy.orm import Session

from api.deps import Principal, get_queue
from api.limits import app_limiter
from api.schemas import JobOptions, RecordingMeta
from asr.factory import check_engine_allowed
from core.audio import AudioSource, count_duration, probe
from core.audit import record
from core.blobs import Staged
from core.errors import AudioTooLongError, EmptyAudioError, UnsupportedMediaError
from core.settings import Settings
from core.tables import Job, Recording
from core.text import nfc, strip_diacritics
from workers.jobs import new_job

T = TypeVar("T")
SNIFF_BYTES = 512

_CONTAINERS = frozenset(
    {"wav", "w64", "mp3", "flac", "ogg", "mov", "mp4", "m4a", "3gp", "3g2", "matroska", "webm", "amr", "aiff"}
    | {"asf", "caf", "flv", "mpeg", "mpegts", "ac3", "aac", "avi"}
)
"""FFmpeg demuxers we let read a recording (never playlists, image sequences or network protocols)."""
_ASF = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
_QUICKTIME_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")


def sniff(head: bytes) -> str | None:
    """The media type that the first bytes of a file announce, or None if they are no container we accept."""
    if head[8:12] == b"WAVE" and head[:4] in (b"RIFF", b"RF64", b"BW64"):
        return "audio/wav"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video/x-msvideo"
    if head[:3] == b"ID3":
        return "audio/mpeg"
    if head[:4] == b"fLaC":
        return "audio/flac"
    if head[:4] == b"OggS":
        return "audio/ogg"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return "audio/mp4"
        if brand.startswith(b"3g"):
            return "audio/3gpp"
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    if head[4:8] in _QUICKTIME_ATOMS:
        return "video/quicktime"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "audio/webm" if b"webm" in head[:64] else "video/x-matroska"
    if head[:5] == b"#!AMR":
        return "audio/amr"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "audio/aiff"
    if head[:16] == _ASF:
        return "audio/x-ms-wma"
    if head[:4] == b"caff":
        return "audio/x-caf"
    if head[:3] == b"FLV":
        return "video/x-flv"
    if head[:4] == b"\x00\x00\x01\xba":
        return "video/mpeg"
    if len(head) > 188 and head[0] == 0x47 and head[188] == 0x47:
        return "video/mp2t"
    if head[:2] == b"\x0b\x77":
        return "audio/ac3"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return "audio/aac"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and (head[1] >> 1) & 3:
        return "audio/mpeg"
    return None


def check_audio(path: AudioSource, *, max_duration_s: float) -> tuple[str, float]:
    """(media type, duration) of a file we accept; raises a `BadAudioError` subclass (415, 413, 422) otherwise."""
    with Path(path).open("rb") if isinstance(path, str | Path) else path.open() as f:
        head = f.read(SNIFF_BYTES)
    if not head:
        raise EmptyAudioError("tệp rỗng, 0 byte (empty file)")
    media_type = sniff(head)
    if media_type is None:
        raise UnsupportedMediaError(
            "nội dung tệp không phải âm thanh hay video thuộc định dạng được hỗ trợ (WAV, MP3, M4A/MP4, FLAC, OGG, "
            "WebM/MKV, AMR, WMA, …) (content is not a supported audio or video format)"
        )
    info = probe(path)
    if not set(info.container.split(",")) & _CONTAINERS:
        raise UnsupportedMediaError(f"định dạng {info.container} không được hỗ trợ (unsupported container)")
    # Undeclared (FLAC or Ogg written by a stream, raw ADTS): counted, or 18 KB of FLAC holds 13 h of silence.
    duration = info.duration if info.duration is not None else count_duration(path, stop_after_s=max_duration_s)
    if duration > max_duration_s:
        length = f"dài {duration:.0f} s, " if info.duration is not None else ""  # a count stops at the limit
        raise AudioTooLongError(
            f"bản ghi {length}vượt giới hạn {max_duration_s:.0f} s (recording longer than the limit)"
        )
    return media_type, duration


_UNSAFE = re.compile(r"[\\/:*?\"<>|]")


def safe_filename(name: str | None, default: str = "ban-ghi") -> str:
    """The base name a client sent, without folders, control characters or leading dots: for display only.

    `../../etc/passwd.wav` becomes `passwd.wav`; nothing is ever written under a client's name.
    """
    name = nfc(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[: 190 - len(ext)]}.{ext}" if dot and len(ext) <= 10 else name[:200]
    return name or default


def search_text(recording: Recording) -> str:
    """What list searches match against: folded the same way as the query (`fold`)."""
    parts = [recording.title, recording.filename, recording.body, recording.place, recording.chair]
    parts += [recording.secretary, *recording.attendees]
    return fold(" ".join(p for p in parts if p))


def fold(text: str) -> str:
    """Lower case without diacritics, whitespace collapsed: `Hà  Nội` and `ha noi` meet."""
    return " ".join(strip_diacritics(nfc(text)).casefold().split())


def create_recording(
    db: Session,
    settings: Settings,
    principal: Principal,
    *,
    staged: Staged,
    sha256: str,
    size: int,
    filename: str,
    meta: RecordingMeta,
    org_unit_id: int | None,
    job_options: JobOptions | None,
    idempotency_key: str | None = None,
) -> tuple[Recording, Job | None]:
    """Check the staged bytes, keep them in the blob store and add its Recording (and job); the caller commits.

    The staged bytes are consumed either way: stored, or deleted when they are refused. `idempotency_key` (scoped,
    `Principal.scoped`) is unique: a second recording with it raises `IntegrityError` at the flush.
    """
    try:
        if job_options is not None:
            check_engine_allowed(job_options.engine, settings.asr)
        media_type, duration = check_audio(staged.source, max_duration_s=settings.audio.max_duration_s)
    except BaseException:
        staged.discard()
        raise
    staged.keep(sha256)
    recording = Recording(
        org_unit_id=org_unit_id,
        created_by=principal.name,
        filename=safe_filename(filename),
        sha256=sha256,
        size=size,
        idempotency_key=idempotency_key,
        duration=duration,
        media_type=media_type,
        **meta.model_dump(include=set(RecordingMeta.model_fields)),
    )
    recording.search_text = search_text(recording)
    db.add(recording)
    db.flush()
    record(db, principal.name, "recording.create", f"recording:{recording.id}", filename=recording.filename, size=size)
    job = new_recording_job(db, settings, principal, recording, job_options) if job_options is not None else None
    return recording, job


def new_recording_job(
    db: Session, settings: Settings, principal: Principal, recording: Recording, options: JobOptions
) -> Job:
    stored = options.model_dump(exclude_none=True, mode="json")
    job = new_job(db, recording.id, stored, settings=settings)
    record(db, principal.name, "job.create", f"job:{job.id}", recording=recording.id, options=stored)
    return job


INGEST_THREADS = 4
"""Uploads checked and stored at once. Ingest is CPU and disk work (hash, fsync, FFmpeg probe): more
threads do not finish a burst sooner on a few cores, they only take the threadpool from the short
requests (status reads) that would otherwise queue behind 200 concurrent uploads."""


async def run_ingest(request: Request, work: Callable[[], T]) -> T:
    """Run `work` on a thread of the app's ingest pool."""
    return await anyio.to_thread.run_sync(work, limiter=app_limiter(request.app.state, "ingest", INGEST_THREADS))


def release(db: Session) -> None:
    """End the request's transaction before slow work (copying, hashing, probing, recognition).

    Its connection goes back to the pool, so a burst of uploads cannot starve status reads of
    connections; the session takes a connection again when it next needs one.
    """
    db.commit()


def submit(request: Request, db: Session, *jobs: Job | None) -> None:
    """Commit, then queue: a worker handed an id must find its row (the reverse order loses jobs)."""
    db.commit()
    for job in jobs:
        if job is not None:
            get_queue(request).enqueue(job.id)
