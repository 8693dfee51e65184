"""Wire types of the archive search (`GET /search`)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

SearchSource = Literal["transcript", "minutes"]


class SearchHit(BaseModel):
    recording_id: str
    title: str
    """The recording's title (its file name when untitled)."""
    meeting_date: date | None
    source: SearchSource
    version: int
    """The version of the transcript (or minutes) the passage is from: always the current one."""
    segment_id: int
    speaker: str
    start: float
    end: float
    time: float
    """Seconds from the start of the recording to the first matched word."""
    snippet: str
    highlights: list[tuple[int, int]] = Field(description="Các đoạn khớp trong snippet: [đầu, cuối) theo ký tự")
    score: float
    """Relevance, higher is better; comparable only within one result list."""
    url: str
    """The editor at the matched word, with the audio positioned there."""


class SearchPage(BaseModel):
    items: list[SearchHit]
    total: int
    total_exact: bool
    """False when more passages match than are ranked (5 000, the newest): `total` then means "at least"."""
    limit: int
    offset: int
