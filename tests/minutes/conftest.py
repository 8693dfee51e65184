"""Fixtures: a hand-written council meeting (transcript + metadata, in tests/data/minutes) and the stand-in LLM server
(`tests.minutes.llm_standin`, shared with the API tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.transcript import ModelRef, Segment, Transcript
from minutes.model import MinutesMeta
from tests.minutes.llm_standin import NONEXISTENT_ID, StandIn, llm_server, standin

__all__ = ["DATA", "NONEXISTENT_ID", "StandIn", "llm_server", "meeting", "meeting_meta", "said", "standin", "turns_of"]

DATA = Path(__file__).parents[1] / "data" / "minutes"


@pytest.fixture(scope="session")
def meeting() -> Transcript:
    return Transcript.model_validate_json((DATA / "council_meeting.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def meeting_meta() -> MinutesMeta:
    return MinutesMeta.model_validate_json((DATA / "council_meeting_meta.json").read_text(encoding="utf-8"))


def turns_of(said: list[tuple[str, str]]) -> list[Segment]:
    """(speaker, text) pairs as segments, 10 s apart, 8 s long."""
    return [Segment(id=i, start=i * 10.0, end=i * 10.0 + 8, text=t, speaker=s) for i, (s, t) in enumerate(said)]


def said(turns: list[tuple[str, str]]) -> Transcript:
    """A short meeting of (speaker, text) turns (`turns_of`)."""
    return Transcript(model=ModelRef(engine="test", name="test"), segments=turns_of(turns), duration=10.0 * len(turns))
