"""The options of a transcription run: one schema for the API's jobs, the worker and the archive batch.

`JobOptions` is what anyone may ask for (the API validates requests with it and stores it with the job);
`PipelineOptions` adds what only trusted callers choose (a model directory, the recording's glossary) and
reads stored options back, ignoring keys of older versions.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from core.settings import EngineName
from core.text import Term

SpeakerCount = Annotated[int, Field(ge=1, le=100)]


class JobOptions(BaseModel):
    """How to run the pipeline over a recording."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    engine: EngineName | None = None
    """ASR engine; None is the configured default."""
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")] = "vi"
    diarize: bool = False
    """Find who spoke when and label segments "Người nói N" (or enrolled names)."""
    num_speakers: SpeakerCount | None = None
    min_speakers: SpeakerCount | None = None
    max_speakers: SpeakerCount | None = None
    hotwords: tuple[Term, ...] = Field(default=(), max_length=500)
    """Names and terms to favour in recognition."""
    written_form: bool | None = None
    """Segments in written form ("12,5%", punctuation, case; words keep the spoken form); None: the server's
    setting (`GOBANG_TEXT__WRITTEN_FORM`, on by default for Vietnamese)."""

    @model_validator(mode="after")
    def _speaker_bounds(self) -> JobOptions:
        if self.min_speakers and self.max_speakers and self.min_speakers > self.max_speakers:
            raise ValueError("min_speakers lớn hơn max_speakers (min_speakers > max_speakers)")
        return self


class PipelineOptions(JobOptions):
    """A run as the worker, the batch and the OpenAI-compatible route make it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    model: str | None = None
    """Model name or directory; None is the engine's configured model."""
    glossary: tuple[str, ...] = ()
    """Correct spellings of names and terms, used to restore capitalisation."""
