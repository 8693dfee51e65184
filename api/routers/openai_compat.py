"""OpenAI-compatible `POST /v1/audio/transcriptions`, so tools built on the `openai` client work unchanged.

The request waits for the transcript: the same pipeline as a job, run on a thread, at most
`settings.openai.concurrency` at a time, for files within `settings.openai` size and duration
limits (longer meetings go through `/recordings` and jobs). `model` picks the engine:
`whisper-1` (and the other OpenAI names) is the configured default, `vietasr` and `whisper`
choose one; `GET /v1/models` lists them. `prompt` is read as names and terms (comma or line
separated) to favour.
"""

from __future__ import annotations

import math
import re
import zlib
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from api.deps import BlobsDep, DbSession, ImmediateTranscriber, SettingsDep
from api.ingest import check_audio, release
from api.limits import app_limiter
from api.schemas import Text
from api.spool import HomeSpooledRoute
from asr.factory import check_engine_allowed
from core.blobs import BlobStore
from core.errors import InvalidInputError, ModelNotAllowedError, NotFoundError
from core.export import render
from core.settings import EngineName, Settings
from core.transcript import Transcript
from workers.options import PipelineOptions
from workers.pipeline import run_pipeline

router = APIRouter(prefix="/v1", tags=["openai"], route_class=HomeSpooledRoute)

MiB = 1 << 20
ResponseFormat = Literal["json", "text", "srt", "vtt", "verbose_json"]
Granularity = Literal["word", "segment"]

MODELS: dict[str, EngineName | None] = {
    "whisper-1": None,
    "gpt-4o-transcribe": None,
    "gpt-4o-mini-transcribe": None,
    "vietasr": "vietasr",
    "whisper": "whisper",
}
"""Model names accepted, and the engine each selects (None: the configured default)."""
LANGUAGE_NAMES = {"vi": "vietnamese", "en": "english", "zh": "chinese", "fr": "french", "km": "khmer", "lo": "lao"}
"""`verbose_json` names the language in words, as OpenAI does."""
_TERMS = re.compile(r"[,;\n]+")


@router.post(
    "/audio/transcriptions",
    responses={
        200: {
            "content": {"application/json": {}, "text/plain": {}, "text/vtt": {}},
            "description": "Bản gỡ băng theo `response_format`",
        }
    },
)
async def create_transcription(
    request: Request,
    file: Annotated[UploadFile, File(description="Tệp âm thanh")],
    model: Annotated[str, Form(max_length=100, description="whisper-1 (mặc định), vietasr hoặc whisper")],
    db: DbSession,
    settings: SettingsDep,
    blobs: BlobsDep,
    principal: ImmediateTranscriber,
    language: Annotated[str | None, Form(pattern=r"^[a-z]{2,3}$")] = None,
    prompt: Annotated[Text | None, Form(max_length=4000)] = None,
    response_format: Annotated[ResponseFormat, Form()] = "json",
    temperature: Annotated[float | None, Form(ge=0, le=1, description="Bỏ qua (giải mã tham lam)")] = None,
    timestamp_granularities: Annotated[list[Granularity] | None, Form(alias="timestamp_granularities[]")] = None,
) -> Response:
    """Transcribe one file and answer in the requested format (json, text, srt, vtt, verbose_json)."""
    if model not in MODELS:
        raise InvalidInputError(
            f"không có mô hình {model[:100]!r}; dùng một trong {', '.join(MODELS)} (unknown model)",
            extra={"param": "model"},
        )
    check_engine_allowed(MODELS[model], settings.asr)
    hotwords = tuple(t.strip()[:100] for t in _TERMS.split(prompt or "") if t.strip())[:200]
    options = PipelineOptions(engine=MODELS[model], language=language or settings.asr.language, hotwords=hotwords)
    await run_in_threadpool(release, db)  # no connection is held while waiting for, and during, recognition
    limiter = app_limiter(request.app.state, "openai", settings.openai.concurrency)  # requests transcribed at once
    transcript = await anyio.to_thread.run_sync(_transcribe, settings, blobs, file, options, limiter=limiter)
    return _answer(transcript, response_format, set(timestamp_granularities or ["segment"]))


MODELS_CREATED = 1_764_892_800
"""`created` of every listed model (OpenAI's field is required): 2025-12-05, when these names were fixed."""


def _allowed_models(settings: Settings) -> list[str]:
    """Accepted model names whose engine the operator allows."""
    allowed = []
    for name, engine in MODELS.items():
        try:
            check_engine_allowed(engine, settings.asr)
        except ModelNotAllowedError:
            continue
        allowed.append(name)
    return allowed


def _model_object(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": MODELS_CREATED, "owned_by": "gobang"}


@router.get("/models")
def list_models(settings: SettingsDep, principal: ImmediateTranscriber) -> dict[str, Any]:
    """The model names `/v1/audio/transcriptions` accepts, as OpenAI's `GET /v1/models` lists them."""
    return {"object": "list", "data": [_model_object(name) for name in _allowed_models(settings)]}


@router.get("/models/{model_id}")
def get_model(model_id: str, settings: SettingsDep, principal: ImmediateTranscriber) -> dict[str, Any]:
    """One accepted model name, as OpenAI's `GET /v1/models/{model}`."""
    if model_id not in _allowed_models(settings):
        raise NotFoundError(f"không có mô hình {model_id[:100]!r} (model not found)")
    return _model_object(model_id)


def _transcribe(settings: Settings, blobs: BlobStore, file: UploadFile, options: PipelineOptions) -> Transcript:
    """Staged in the store's private temporary folder for this request only: nothing is kept."""
    limits = settings.openai
    staged, _sha, _size = blobs.stage(iter(lambda: file.file.read(MiB), b""), max_bytes=limits.max_upload_mb * MiB)
    try:
        check_audio(staged.path, max_duration_s=limits.max_duration_s)
        return run_pipeline(staged.path, options, max_duration_s=limits.max_duration_s, settings=settings)
    finally:
        staged.discard()


def _answer(transcript: Transcript, response_format: ResponseFormat, granularities: set[str]) -> Response:
    text = " ".join(s.text.strip() for s in transcript.segments if s.text.strip())
    if response_format == "text":
        return PlainTextResponse(text + "\n")
    if response_format in ("srt", "vtt"):
        media_type = "text/vtt; charset=utf-8" if response_format == "vtt" else "text/plain; charset=utf-8"
        return Response(render(transcript, response_format), media_type=media_type)
    usage = {"type": "duration", "seconds": math.ceil(transcript.duration)}
    if response_format == "json":
        return JSONResponse({"text": text, "usage": usage})
    body: dict[str, Any] = {
        "task": "transcribe",
        "language": LANGUAGE_NAMES.get(transcript.language, transcript.language),
        "duration": transcript.duration,
        "text": text,
        "usage": usage,
    }
    if "segment" in granularities:
        body["segments"] = [_segment(s) for s in transcript.segments]
    if "word" in granularities:
        body["words"] = [{"word": w.text, "start": w.start, "end": w.end} for w in transcript.words]
    return JSONResponse(body)


def _segment(segment: Any) -> dict[str, Any]:
    encoded = segment.text.encode()
    return {
        "id": segment.id,
        "seek": int(segment.start * 100),
        "start": segment.start,
        "end": segment.end,
        "text": segment.text,
        "tokens": [],
        "temperature": 0.0,
        "avg_logprob": math.log(max(segment.confidence, 1e-6)),
        "compression_ratio": len(encoded) / max(len(zlib.compress(encoded)), 1),
        "no_speech_prob": 0.0,
        "speaker": segment.speaker,
    }
