"""The one settings object: every ``GOBANG_*`` environment variable is read here and only here.

Nested groups use ``__``: ``GOBANG_ASR__ENGINE=whisper``, ``GOBANG_ASR__DEVICE=cuda``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

EngineName = Literal["vietasr", "whisper"]
Device = Literal["auto", "cpu", "cuda"]


def _default_home() -> Path:
    return Path.home() / ".cache" / "gobang"


class AsrSettings(BaseModel):
    engine: EngineName = "vietasr"
    """Default engine for Vietnamese: the one with the lower WER on cv9_vi_dev (see benchmarks/asr_accuracy.py)."""
    whisper_model: str = "whisper-base"
    """A registry name, or a path to any CTranslate2 Whisper model directory (PhoWhisper, large-v3, fine-tunes)."""
    vietasr_model: str = "vietasr-ctc"
    """Registry name of the Vietnamese CTC model."""
    device: Device = "auto"
    """`auto` picks CUDA when a GPU is visible, else the CPU."""
    compute_type: str = "auto"
    """CTranslate2 compute type; `auto` is float16 on CUDA and int8 on CPU."""
    cpu_threads: int = 0
    """Threads per engine on the CPU; 0 uses every core."""
    batch_size: int = 0
    """Whisper batch size for batched inference; 0 picks 16 on CUDA and 4 on CPU."""
    language: str = "vi"
    """Language of the recordings."""


class AudioSettings(BaseModel):
    max_duration_s: float = 12 * 3600
    """Recordings longer than this are refused (12 hours by default)."""
    block_s: float = 60.0
    """Audio is decoded and processed in blocks of this many seconds, so memory stays bounded."""


class JobSettings(BaseModel):
    """How workers run jobs and how the service finds jobs whose worker died."""

    heartbeat_s: float = 5.0
    """How often a running job touches its heartbeat (and reads its cancel flag)."""
    stale_after_s: float = 60.0
    """A running job silent for this long has lost its worker and is run again."""
    max_attempts: int = 3
    """Runs of a job before it is failed for good (a killed worker counts as a run)."""
    retry_base_s: float = 10.0
    """First retry waits this long; each further one four times longer (capped at 30 minutes)."""
    recovery_interval_s: float = 10.0
    """How often the service requeues jobs with stale heartbeats and retries that are due."""
    queue_prefix: str = "gobang"
    """RQ queue names are `<prefix>-asr` (GPU-bound) and `<prefix>-cpu`; one prefix per deployment."""
    inprocess_workers: int = 1
    """Worker threads of the embedded in-process queue (no Redis); 0 runs no jobs in the server."""


class WebhookSettings(BaseModel):
    timeout_s: float = 10.0
    """Time a receiver has to answer one delivery."""
    max_attempts: int = 8
    """Deliveries are retried with backoff until this many attempts."""
    retry_base_s: float = 30.0
    """First retry after this long, then four times longer each time (capped at 6 hours)."""


class OpenAISettings(BaseModel):
    """Limits of the synchronous OpenAI-compatible transcription endpoint (the request waits for the result)."""

    max_upload_mb: int = 25
    """Largest file accepted, in MiB (OpenAI's own limit); send longer meetings through /recordings."""
    max_duration_s: float = 3600.0
    """Longest recording accepted."""
    concurrency: int = 2
    """Requests transcribed at once; later ones wait, so the CPU is not oversubscribed."""


class Settings(BaseSettings):
    """gobang's settings, from ``GOBANG_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="GOBANG_", env_nested_delimiter="__", extra="ignore")

    home: Path = Field(default_factory=_default_home)
    """Where gobang keeps its data: model cache, database, audio blobs."""
    asr: AsrSettings = AsrSettings()
    audio: AudioSettings = AudioSettings()
    log_level: str = "INFO"
    """Level of the structured logs."""
    database_url: str | None = None
    """SQLAlchemy URL; None is the embedded SQLite file in `home` (PostgreSQL: postgresql+psycopg://...)."""
    redis_url: str | None = None
    """Redis for RQ workers; None runs jobs on an in-process worker (embedded default)."""

    secret_key: str | None = None
    """Signs session tokens; None generates one and keeps it in `home/secret.key`."""
    cookie_secure: bool = True
    """Send session cookies only over HTTPS (browsers treat http://localhost as secure)."""
    max_upload_mb: int = 4096
    """Largest recording accepted, in MiB."""
    session_hours: float = 12.0
    """Lifetime of a login session or voice-login token."""
    login_max_failures: int = 5
    """Consecutive wrong passwords after which an account is locked."""
    login_lockout_minutes: float = 15.0
    """How long a locked account stays locked."""
    login_ip_failures_per_minute: int = 10
    """Failed logins one client address may make per minute before it gets 429 (shared through Redis when set)."""
    jobs: JobSettings = JobSettings()
    webhooks: WebhookSettings = WebhookSettings()
    openai: OpenAISettings = OpenAISettings()

    @property
    def model_cache(self) -> Path:
        return self.home / "models"

    @property
    def blob_dir(self) -> Path:
        """Content-addressed audio blobs."""
        return self.home / "blobs"

    @property
    def upload_dir(self) -> Path:
        """Partial data of resumable uploads, one file per upload."""
        return self.home / "uploads"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'gobang.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once per process."""
    return Settings()
