"""Engines by name, so callers (CLI, workers, benchmarks) never import engine modules directly."""

from __future__ import annotations

from asr.engine import Engine
from core.settings import AsrSettings, get_settings
from models.registry import SPECS, check_provenance

ENGINES = ("vietasr", "whisper")


def create_engine(name: str | None = None, *, model: str | None = None, settings: AsrSettings | None = None) -> Engine:
    """An engine ready to transcribe; `name` defaults to the configured engine, `model` to its configured model."""
    settings = settings or get_settings().asr
    name = name or settings.engine
    if name == "vietasr":
        from asr.vietasr_engine import VietAsrEngine

        return VietAsrEngine(model, settings=settings)
    if name == "whisper":
        from asr.whisper_engine import WhisperEngine

        return WhisperEngine(model or settings.whisper_model, settings=settings)
    raise ValueError(f"không có engine '{name}' (unknown engine; choose one of {', '.join(ENGINES)})")


def check_engine_allowed(name: str | None, settings: AsrSettings) -> None:
    """Refuse, before any work is queued, an engine whose configured model the operator does not allow."""
    name = name or settings.engine
    model = settings.vietasr_model if name == "vietasr" else settings.whisper_model
    if (spec := SPECS.get(model)) is not None:
        check_provenance(spec, verified_only=settings.verified_models_only)
