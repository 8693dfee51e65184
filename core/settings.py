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

    @property
    def model_cache(self) -> Path:
        return self.home / "models"

    @property
    def blob_dir(self) -> Path:
        """Content-addressed audio blobs."""
        return self.home / "blobs"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'gobang.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once per process."""
    return Settings()
