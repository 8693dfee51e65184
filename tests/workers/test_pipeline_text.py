"""Which text stage a job gets: its own `written_form` switch wins over the settings, and parts can be off."""

from __future__ import annotations

import itertools
from pathlib import Path

from api.schemas import JobOptions
from core.settings import TextSettings
from workers.options import PipelineOptions
from workers.pipeline import text_formatter


def test_the_job_switch_wins_over_the_setting(tmp_path: Path) -> None:
    on, off = TextSettings(), TextSettings(written_form=False)
    assert text_formatter(PipelineOptions(), on, tmp_path) is not None
    assert text_formatter(PipelineOptions(written_form=False), on, tmp_path) is None
    assert text_formatter(PipelineOptions(), off, tmp_path) is None
    chosen = text_formatter(PipelineOptions(written_form=True, glossary=("Phường 5",)), off, tmp_path)
    assert chosen is not None and chosen.glossary == ("Phường 5",)
    assert chosen.format("họp tại phường năm") == "Họp tại Phường 5."


def test_parts_follow_the_settings(tmp_path: Path) -> None:
    no_itn = text_formatter(PipelineOptions(), TextSettings(itn=False), tmp_path)
    assert no_itn is not None and no_itn.itn is None and no_itn.punctuator is not None
    assert text_formatter(PipelineOptions(), TextSettings(itn=False, punctuation=False), tmp_path) is None


def test_a_job_request_carries_the_switch_to_the_pipeline() -> None:
    stored = JobOptions(written_form=False).model_dump(exclude_none=True, mode="json")
    assert PipelineOptions.model_validate(stored).written_form is False
    assert PipelineOptions.model_validate(JobOptions().model_dump(exclude_none=True, mode="json")).written_form is None


def test_a_long_pause_starts_a_paragraph_in_the_pipeline(tmp_path: Path) -> None:
    """Two sentences 4 s apart: two paragraphs with a 3 s pause setting, one with 10 s; words keep their times."""
    import numpy as np

    from core.audio import SAMPLE_RATE, load_audio
    from core.export import render
    from core.settings import Settings
    from tests.audio_helpers import write_wav
    from tests.conftest import EVALDATA
    from workers.pipeline import run_pipeline

    clips = [load_audio(EVALDATA / "cv9_vi_dev" / "audio" / c) for c in ("common_voice_vi_25226541.flac",) * 2]
    pause = np.zeros(4 * SAMPLE_RATE, np.float32)
    recording = write_wav(tmp_path / "two.wav", np.concatenate([clips[0], pause, clips[1]]))
    for pause_s, paragraphs in ((3.0, 2), (10.0, 1)):
        settings = Settings(home=tmp_path / "home", text=TextSettings(paragraph_pause_s=pause_s))
        transcript = run_pipeline(recording, PipelineOptions(), settings=settings)
        assert sum(s.starts_paragraph for s in transcript.segments) == paragraphs
        assert len(render(transcript, "txt").decode().strip().split("\n\n")) == paragraphs
        words = transcript.words
        assert all(a.end <= b.start + 1e-6 for a, b in itertools.pairwise(words))
