"""Engines by name, so callers (CLI, workers, benchmarks) never import engine modules directly."""

from __future__ import annotations

from asr.engine import Engine
from core.settings import AsrSettings, get_settings

ENGINES = ("vietasr", "whisper")


def create_engine(name: str | None = None, *, model: str | None = None, settings: AsrSettings | None = None) -> Engine:
    """An engine ready to transcribe; `name` defaults to the configured engine, `model` to its configured model."""
    settings = settings or get_settings().asr
    name = name or settings.engine
    if name == "vietasr":
        from asr.vietasr_engine import VietAsrEngine

        engine = VietAsrEngine(model, settings=settings)
        if get_settings().adapt.beam:  # dialect adaptation: beam search with the syllable LM and hotwords
            from dialect_adapt.engine_decoder import build_decoder

            engine.decoder = build_decoder(engine.tokens)
        return engine
    if name == "whisper":
        from asr.whisper_engine import WhisperEngine

        return WhisperEngine(model or settings.whisper_model, settings=settings)
    raise ValueError(f"không có engine '{name}' (unknown engine; choose one of {', '.join(ENGINES)})")
