"""The search index moves with the documents: written in the transaction that saves a version (a rolled-back or
refused save leaves no trace), and filled by the migration from the transcripts that existed before it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from core.db import migrate, session_scope
from core.errors import ConflictError
from core.search.query import Filters, Results, search
from core.search.text import Query
from core.tables import Recording
from core.transcript_store import TRANSCRIPTS
from tests.api.conftest import database_at_revision
from tests.api.test_search import SPOKEN, transcript

RID = "f" * 32


def found(url: str, words: str) -> Results:
    with session_scope(url) as db:
        return search(db, Query.parse(words), Filters(), limit=10, offset=0)


def add_recording(db: Session) -> None:
    db.add(Recording(id=RID, filename="ky-hop.wav", sha256="0" * 64, size=1))
    db.flush()


def test_a_rolled_back_or_refused_save_leaves_the_index_as_it_was(database_url: str) -> None:
    with pytest.raises(RuntimeError), session_scope(database_url) as db:
        add_recording(db)
        TRANSCRIPTS.save(db, RID, transcript(), author="thu.ky")
        assert found_in(db, "vanh dai") == 1  # visible inside the transaction
        raise RuntimeError("the request failed after saving")
    assert found(database_url, "vanh dai").total == 0
    with session_scope(database_url) as db:
        add_recording(db)
        TRANSCRIPTS.save(db, RID, transcript(), author="thu.ky")
    edited = transcript([("Chủ tọa", "Chuyển sang nội dung quy hoạch sân bay."), *SPOKEN[1:]])
    with pytest.raises(ConflictError), session_scope(database_url) as db:
        TRANSCRIPTS.save(db, RID, edited, author="thu.ky", expected_version=0)  # stale: version 1 is current
    assert found(database_url, "vanh dai").total == 1
    assert found(database_url, "san bay").total == 0


def found_in(db: Session, words: str) -> int:
    return search(db, Query.parse(words), Filters(), limit=1, offset=0).total


@pytest.fixture(params=["sqlite", "postgresql"])
def database_before_search(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database migrated up to the revision before the search index, as an existing installation."""
    with database_at_revision(request.param, "0005_login_failures", tmp_path) as url:
        yield url


def test_the_migration_indexes_the_transcripts_saved_before_it(database_before_search: str) -> None:
    from sqlalchemy import insert

    from core.tables import TranscriptDoc, TranscriptVersion

    with session_scope(database_before_search) as db:  # what the code before the index stored, row by row
        add_recording(db)
        db.execute(insert(TranscriptDoc).values(id=1, recording_id=RID, version=2))
        for version, document in ((1, transcript([("Thư ký", "Bản nháp sân bay.")])), (2, transcript())):
            db.execute(
                insert(TranscriptVersion).values(transcript_id=1, version=version, document=document.model_dump_json())
            )
    migrate(database_before_search)
    hits = found(database_before_search, "boi thuong").hits
    assert {(h.recording_id, h.version, h.segment_id) for h in hits} == {(RID, 2, 1), (RID, 2, 2)}
    assert found(database_before_search, "san bay").total == 0  # only the current version is searched
