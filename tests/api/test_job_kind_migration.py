"""Migration 0009: the kind of existing jobs moves from their JSON options into `jobs.kind`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.db import get_engine, migrate, session_scope
from core.tables import Job, JobKind, Recording
from tests.api.conftest import database_at_revision

RID = "r" * 32
_OLD_JOBS = sa.table(
    "jobs",
    *(sa.column(name) for name in ("id", "recording_id", "status", "stage", "progress", "attempts", "max_attempts")),
    sa.column("options", sa.JSON),
    sa.column("cancel_requested", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_kind(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_at_revision(request.param, "0008_sealed_secrets", tmp_path) as url:
        yield url


def test_existing_jobs_get_their_kind_from_their_options(database_before_kind: str) -> None:
    minutes_options = {"kind": "minutes", "generator": "llm", "transcript_version": 1, "base_version": 0}
    stored = {
        "a" * 32: {"diarize": True, "hotwords": ["kiến nghị"]},
        "b" * 32: minutes_options,
        "c" * 32: {},
        "d" * 32: {"hotwords": ['"kind"']},  # the word, as a hotword: still a transcription
    }
    with session_scope(database_before_kind) as db:  # rows as the code before the column wrote them
        db.execute(sa.insert(Recording).values(id=RID, filename="ky-hop.wav", sha256="0" * 64, size=1))
        for job_id, options in stored.items():
            db.execute(
                _OLD_JOBS.insert().values(
                    id=job_id,
                    recording_id=RID,
                    status="queued",
                    stage="queued",
                    progress=0.0,
                    attempts=0,
                    max_attempts=3,
                    options=options,
                    cancel_requested=False,
                    created_at=datetime.now(UTC),
                )
            )
    migrate(database_before_kind)
    with session_scope(database_before_kind) as db:
        jobs = {job.id: job for job in db.scalars(sa.select(Job))}
    assert {job_id: job.kind for job_id, job in jobs.items()} == {
        "a" * 32: JobKind.transcription,
        "b" * 32: JobKind.minutes,
        "c" * 32: JobKind.transcription,
        "d" * 32: JobKind.transcription,
    }
    assert jobs["b" * 32].options == {key: value for key, value in minutes_options.items() if key != "kind"}
    assert jobs["a" * 32].options == stored["a" * 32] and jobs["d" * 32].options == stored["d" * 32]
    get_engine(database_before_kind).dispose()
