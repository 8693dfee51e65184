"""The pipeline one recording goes through: transcribe, then (optionally) diarize and align words to speakers.

Shared by the archive batch, the service's jobs and the OpenAI-compatible endpoint, so every
entry point produces the same Transcript for the same recording and options.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from asr.engine import DecodeOptions, Engine
from asr.factory import create_engine
from asr.transcriber import Transcriber
from asr.vietasr_engine import VietAsrEngine
from asr.written import TextFormatter
from core.audio import AudioSource
from core.paragraphs import mark_paragraphs
from core.progress import ProgressHook
from core.settings import Settings, TextSettings, get_settings
from core.transcript import Transcript
from workers.options import PipelineOptions

_TRANSCRIBE_SHARE = 0.75
"""Share of the progress bar given to recognition when diarization follows (it takes about a quarter of the time)."""


@cache
def _cached_formatter(model_cache: Path, itn: bool, punctuation: bool) -> TextFormatter:
    """The ITN grammar and the punctuation model load once per process."""
    return TextFormatter.load(model_cache, itn=itn, punctuation=punctuation)


def text_formatter(options: PipelineOptions, text: TextSettings, model_cache: Path) -> TextFormatter | None:
    """The text stage a job asks for (its own switch, else the settings'), with the job's glossary."""
    wanted = text.written_form if options.written_form is None else options.written_form
    if not wanted or not (text.itn or text.punctuation):
        return None
    shared = _cached_formatter(model_cache, text.itn, text.punctuation)
    return TextFormatter(shared.itn, shared.punctuator, glossary=options.glossary + options.hotwords)


def adapted_engine(name: str | None, model: str | None, settings: Settings) -> Engine:
    """An engine for `settings`; with `adapt.beam` the vietasr engine decodes by beam search with the syllable
    LM and hotwords (dialect adaptation), the decoder built here and handed to the engine."""
    engine = create_engine(name, model=model, settings=settings.asr)
    if settings.adapt.beam and isinstance(engine, VietAsrEngine):
        from dialect_adapt.engine_decoder import build_decoder  # the LM loads only when beam search is on

        engine.decoder = build_decoder(engine.tokens, settings.adapt)
    return engine


@cache
def cached_engine(name: str | None, model: str | None, threads: int = 0) -> Engine:
    """One engine per process and configuration: models load once, then serve every job. `threads`: CPU threads
    of this engine's model (0: `asr.cpu_threads`); a voice login's own engine runs on one (`voice.login_threads`)."""
    settings = get_settings()
    if threads:
        settings = settings.model_copy(update={"asr": settings.asr.model_copy(update={"cpu_threads": threads})})
    return adapted_engine(name, model, settings)


def run_pipeline(
    path: AudioSource,
    options: PipelineOptions,
    *,
    hook: ProgressHook | None = None,
    engine: Engine | None = None,
    org_unit_id: int | None = None,
    max_duration_s: float | None = None,
    settings: Settings | None = None,
) -> Transcript:
    """Recording in, Transcript out, reporting progress through `hook`.

    `engine`: one the caller made for `options` (the archive batch sizes its threads per worker process);
    None takes this process's cached one. `org_unit_id`: the recording's unit; only people enrolled in it
    may name its speakers (None: the people of no unit). `max_duration_s`: the caller's limit, enforced
    while decoding (None: the configured one). `settings`: the caller's (a job's, the app's): its text
    stage and voiceprint store; None reads this process's.
    """
    share = _TRANSCRIBE_SHARE if options.diarize else 1.0

    def transcribe_progress(stage: str, fraction: float) -> None:
        if hook is not None:
            hook(stage, fraction * share)

    settings = settings or get_settings()
    transcriber = Transcriber(
        engine or cached_engine(options.engine, options.model),
        glossary=options.glossary + options.hotwords,
        formatter=text_formatter(options, settings.text, settings.model_cache),
    )
    decode = DecodeOptions(language=options.language, hotwords=options.hotwords)
    transcript = transcriber.transcribe(path, decode, hook=transcribe_progress, max_duration_s=max_duration_s)
    if not options.diarize:
        return mark_paragraphs(transcript, settings.text.paragraph_pause_s)

    from diarization import VoiceprintStore, assign_speakers, diarize

    def diarize_progress(stage: str, fraction: float) -> None:
        if hook is not None:
            hook("diarize", share + fraction * (1.0 - share))

    annotation = diarize(
        path,
        num_speakers=options.num_speakers,
        min_speakers=options.min_speakers,
        max_speakers=options.max_speakers,
        hook=diarize_progress,
        voiceprints=VoiceprintStore(
            settings.resolved_database_url,
            threshold=settings.diarization.voiceprint_threshold,
            org_unit_id=org_unit_id,
        ),
        pyannote_config=settings.diarization.pyannote_config,
        pipeline=settings.diarization.pipeline,
        fusion_weight=settings.diarization.fusion_weight,
    )
    # speech the diarization heard (Silero and the segmentation model) but the first pass gave no words
    speech = [(turn.start, turn.end) for turn in annotation.get_timeline().support()]
    transcript = transcriber.fill_wordless(transcript, path, speech, decode)
    return mark_paragraphs(assign_speakers(transcript, annotation), settings.text.paragraph_pause_s)
