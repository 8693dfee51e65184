"""Fixtures: a hand-written council meeting (transcript + metadata, in tests/data/minutes) and the stand-in LLM server
(`tests.minutes.llm_standin`, shared with the API tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.transcript import Transcript
from minutes.model import MinutesMeta
from tests.minutes.llm_standin import NONEXISTENT_ID, StandIn, llm_server, standin

__all__ = ["DATA", "NONEXISTENT_ID", "StandIn", "llm_server", "meeting", "meeting_meta", "standin"]

DATA = Path(__file__).parents[1] / "data" / "minutes"


@pytest.fixture(scope="session")
def meeting() -> Transcript:
    return Transcript.model_validate_json((DATA / "council_meeting.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def meeting_meta() -> MinutesMeta:
    return MinutesMeta.model_validate_json((DATA / "council_meeting_meta.json").read_text(encoding="utf-8"))
