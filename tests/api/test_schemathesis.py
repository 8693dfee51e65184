"""A bounded schemathesis run against the OpenAPI schema of a real server: whatever it sends, no 5xx.

Covers the recordings, uploads, jobs, transcripts, search, webhooks and OpenAI-compatible operations
(the account endpoints are fuzzed by their own suite). Path ids are pointed at a real recording
with a transcript, so bodies and queries reach the code behind the 404s. No worker runs, so the
fuzzer's jobs stay queued and the event stream (which waits for the end of a job) is left out.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from api.app import create_app
from core.db import session_scope
from core.settings import Settings
from core.transcript import ModelRef, Segment, Transcript, Word
from core.transcript_store import TRANSCRIPTS
from tests.api.services import Databases, LiveService, clip, make_settings, start_live

TAGS = "^(recordings|uploads|jobs|transcripts|openai|webhooks|search)$"


def _openapi() -> dict[str, object]:
    """The schema as the app declares it (building an app needs a home; serving it is the fixture's job)."""
    with tempfile.TemporaryDirectory() as home:
        return create_app(Settings(home=Path(home), secret_key="schema-only")).openapi()


# Loaded at import: schemathesis's lazy `from_fixture` does not work with pytest 9 (it reads `Function._nodeid`).
# The coverage phase alone sends hundreds of requests per operation: the fuzzing phase, bounded, is what runs here.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = (
    schemathesis.openapi.from_dict(_openapi(), config=CONFIG).include(tag_regex=TAGS).exclude(path_regex="/events$")
)


@pytest.fixture(scope="module")
def fuzz_target(gobang_home: Path, new_database: Databases) -> Iterator[tuple[LiveService, str]]:
    settings_ = make_settings(gobang_home, new_database("sqlite"), jobs={"inprocess_workers": 0})
    with start_live(settings_) as live, live.client("admin") as client, clip().open("rb") as f:
        response = client.post("/recordings", files={"file": ("hop.wav", f)}, data={"start_job": "false"})
        recording_id = response.json()["recording"]["id"]
        words = [Word(text="Xin", start=0.5, end=0.8), Word(text="chào.", start=0.8, end=1.2)]
        transcript = Transcript(
            duration=4.2,
            model=ModelRef(engine="vietasr", name="vietasr-ctc"),
            segments=[Segment(id=0, start=0.5, end=1.2, text="Xin chào.", words=words)],
        )
        with session_scope(settings_.resolved_database_url) as db:
            TRANSCRIPTS.save(db, recording_id, transcript, author="gobang")
        yield live, recording_id


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_input_makes_the_server_fail(case: schemathesis.Case, fuzz_target: tuple[LiveService, str]) -> None:
    live, recording_id = fuzz_target
    if case.path_parameters and "recording_id" in case.path_parameters:
        case.path_parameters["recording_id"] = recording_id
    case.call_and_validate(base_url=live.base_url, headers=live.auth("admin"), checks=[not_a_server_error])
