"""Wire types of the minutes endpoints (biên bản)."""

from __future__ import annotations

from datetime import time
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from api.schemas import Instant, Line, Term, clean_text
from minutes.model import GeneratorName, Header, Minutes

MinutesFormat = Literal["docx", "md", "html"]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


class MinutesGenerate(BaseModel):
    """Generate minutes from the transcript; what the recording's metadata lacks may be given here."""

    model_config = ConfigDict(extra="forbid")

    generator: GeneratorName | None = None
    """`extractive` (default of the deployment) or `llm`."""
    transcript_version: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    """Which transcript version to use; default: the current one."""
    header: Header | None = None
    """Parent body, issuing body and number; default: the recording's body as the issuing body."""
    start_time: time | None = None
    """Clock time at which the recording starts (gives the start and end of the meeting)."""
    recipients: list[Term] = Field(default_factory=list, max_length=100)
    copies: Annotated[int, Field(ge=1, le=100)] = 2
    comment: Annotated[Line, StringConstraints(max_length=500)] = ""

    @model_validator(mode="after")
    def _clean(self) -> MinutesGenerate:
        if self.header is not None:
            for text in _strings(self.header.model_dump()):
                clean_text(text)
        return self


class MinutesRegenerate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    generator: GeneratorName | None = None
    comment: Annotated[Line, StringConstraints(max_length=500)] = ""


class MinutesConfig(BaseModel):
    """Which generators this deployment offers (the page shows `llm` only when it is configured)."""

    generators: list[GeneratorName]
    default: GeneratorName
    queued: list[GeneratorName]
    """Generators that run on a worker: asking for them answers 202 with a job to follow."""


class MinutesOut(BaseModel):
    """One version of a recording's minutes."""

    recording_id: str
    version: int
    transcript_version: int | None
    """The transcript version it was generated from."""
    author: str
    comment: str
    created_at: Instant
    minutes: Minutes


class MinutesEdit(BaseModel):
    """A clerk's save of the whole minutes, sent with `If-Match: "v<N>"` of the version it started from."""

    minutes: Minutes
    comment: Annotated[Line, StringConstraints(max_length=500)] = ""

    @model_validator(mode="after")
    def _clean(self) -> MinutesEdit:
        for text in _strings(self.minutes.model_dump(mode="json")):
            if len(text) > 100_000:
                raise ValueError("một trường quá dài (a field is longer than 100 000 characters)")
            clean_text(text)
        return self
