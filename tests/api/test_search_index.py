"""The search index moves with the documents: written in the transaction that saves a version (a rolled-back or
refused save leaves no trace), and filled by the migration from the transcripts that existed before it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from core.db import get_engine, migrate, session_scope
from core.errors import ConflictError
from core.search import query
from core.search.query import Filters, Results, search
from core.search.text import Query
from core.tables import Recording
from core.transcript import Transcript
from core.transcript_store import TRANSCRIPTS
from tests.api.conftest import database_at_revision
from tests.api.test_search import SPOKEN, transcript

RID = "f" * 32


def found(url: str, words: str) -> Results:
    with session_scope(url) as db:
        return search(db, Query.parse(words), Filters(), limit=10, offset=0)


def add_recording(db: Session) -> None:
    """A recording row written with the columns every revision has: the migration tests insert it into older
    schemas than the model's."""
    db.execute(insert(Recording).values(id=RID, filename="ky-hop.wav", sha256="0" * 64, size=1))


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


@pytest.fixture
def postgres_at_0008(tmp_path: Path) -> Iterator[str]:
    """A PostgreSQL installation of the version before the plain tsvector columns (migration 0011)."""
    with database_at_revision("postgresql", "0008_sealed_secrets", tmp_path) as url:
        yield url


def test_the_migration_indexes_the_transcripts_saved_before_it(database_before_search: str) -> None:
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


@pytest.fixture(params=["sqlite", "postgresql"])
def database_at_0013(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An installation from before `search_speakers` (migration 0014)."""
    with database_at_revision(request.param, "0013_recording_idempotency_key", tmp_path) as url:
        yield url


def test_0014_fills_the_speakers_from_the_passages_of_before_and_drops_the_trigram_index(database_at_0013: str) -> None:
    """The speakers of the passages already indexed (a minutes item's here) are kept, the transcripts are indexed
    with theirs and found by the speaker filter, and PostgreSQL no longer keeps a trigram index on every
    passage."""
    from core.tables import TranscriptDoc, TranscriptVersion

    with session_scope(database_at_0013) as db:  # a transcript and a minutes' passage, as stored before 0014
        add_recording(db)
        db.execute(insert(TranscriptDoc).values(id=1, recording_id=RID, version=1))
        db.execute(
            insert(TranscriptVersion).values(transcript_id=1, version=1, document=transcript().model_dump_json())
        )
        db.execute(
            text(
                'INSERT INTO search_passages (recording_id, source, version, segment_id, start, "end", speaker, '
                "speaker_key, text, word_times) VALUES (:r, 'minutes', 1, 0, 0, 2, 'Thư ký Hà', 'thu ky ha', :t, '')"
            ),
            {"r": RID, "t": "Đền bù, giải phóng mặt bằng."},
        )
    migrate(database_at_0013)
    with session_scope(database_at_0013) as db:
        named = {key for (key,) in db.execute(text("SELECT key FROM search_speakers"))}
        indexes = (
            {row[0] for row in db.execute(text("SELECT indexname FROM pg_indexes"))}
            if "postgresql" in database_at_0013
            else set()
        )
        transcribed = search(db, Query.parse("dat"), Filters(speaker="tran minh"), limit=5, offset=0).hits
    assert named == {"thu ky ha", "chu toa le thi hoa", "dai bieu nguyen van an", "dai bieu tran minh"}
    assert "ix_search_passages_speaker_trgm" not in indexes
    assert [h.segment_id for h in transcribed] == [2]  # the transcript indexed by 0014


def test_0011_keeps_the_passages_indexed_by_the_generated_columns_of_before(postgres_at_0008: str) -> None:
    """Before 0011, PostgreSQL computed the tsvectors in generated columns (regexp_replace, unaccent); 0011 makes
    them plain columns written by the code, keeping what was indexed, and new saves are indexed the same way."""
    syllables = r"regexp_replace(text, '[^[:alnum:]]+', ' ', 'g')"
    with get_engine(postgres_at_0008).begin() as connection:  # the columns as the old 0006 made them
        for name, form in (("exact", syllables), ("folded", f"gobang_fold({syllables})")):
            connection.exec_driver_sql(f"ALTER TABLE search_passages DROP COLUMN tsv_{name}")
            connection.exec_driver_sql(
                f"ALTER TABLE search_passages ADD COLUMN tsv_{name} tsvector "
                f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {form})) STORED"
            )
    with session_scope(postgres_at_0008) as db:
        add_recording(db)
        db.execute(
            text(
                'INSERT INTO search_passages (recording_id, source, version, segment_id, start, "end", speaker, '
                "speaker_key, text, word_times) VALUES (:r, 'minutes', 1, 0, 0, 2, '', '', :t, '0 3')"
            ),
            {"r": RID, "t": "Đền bù, giải phóng mặt bằng."},
        )
    migrate(postgres_at_0008)
    assert found(postgres_at_0008, "den bu").total == 1
    with session_scope(postgres_at_0008) as db:
        assert search(db, Query.parse("đền bù", accents=True), Filters(), limit=1, offset=0).total == 1
        assert search(db, Query.parse("đến bù", accents=True), Filters(), limit=1, offset=0).total == 0
        TRANSCRIPTS.save(db, RID, transcript(), author="thu.ky")
    assert found(postgres_at_0008, "vanh dai").total == 1
    assert (
        found(postgres_at_0008, "den bu").total == 1
    )  # the minutes' passage stays: a transcript save replaces only its own


def test_the_newest_window_gives_the_newest_candidates_of_a_full_search(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word common in the newest passages is ranked among them alone; a rarer one falls back to every
    passage: either way the candidates are the newest `CANDIDATES` matches, as an unwindowed search finds."""
    lines = [("Thư ký", f"Phiên {i}: bồi thường." if i % 4 == 0 else f"Phiên {i}: đất đai.") for i in range(40)]
    with session_scope(database_url) as db:
        add_recording(db)
        TRANSCRIPTS.save(db, RID, transcript(lines), author="thu.ky")
    monkeypatch.setattr(query, "CANDIDATES", 5)
    monkeypatch.setattr(query, "WINDOW", 12)  # 9 "đất đai" among the 12 newest: enough; 3 "bồi thường": not
    for words, newest in (("dat dai", [39, 38, 37, 35, 34]), ("boi thuong", [36, 32, 28, 24, 20])):
        with session_scope(database_url) as db:
            results = search(db, Query.parse(words), Filters(), limit=10, offset=0)
        assert results.total == 5
        assert sorted((h.segment_id for h in results.hits), reverse=True) == newest


def test_every_hit_points_at_its_own_passage_after_saves_and_re_saves(database_url: str) -> None:
    """The FTS rows are written under the ids the passages take (SQLite) and the tsvectors with their rows
    (PostgreSQL): after recordings are saved, re-saved (the newest passages deleted, their ids free again) and
    saved again, each word is found in its own recording and segment, and a replaced word nowhere."""
    other = "e" * 32
    lines = {
        RID: [("Thư ký", "Khai mạc kỳ họp."), ("Đại biểu", "Bàn về đường vành đai."), ("Chủ tọa", "Biểu quyết.")],
        other: [("Thư ký", "Điểm danh."), ("Đại biểu", "Quy hoạch sân bay."), ("Chủ tọa", "Bế mạc phiên họp.")],
    }
    with session_scope(database_url) as db:
        add_recording(db)
        db.add(Recording(id=other, filename="phien-2.wav", sha256="1" * 64, size=1))
        TRANSCRIPTS.save(db, RID, transcript(lines[RID]), author="thu.ky")
        TRANSCRIPTS.save(db, other, transcript(lines[other]), author="thu.ky")
    lines[other][1] = ("Đại biểu", "Quy hoạch bến cảng.")
    lines[RID][0] = ("Thư ký", "Khai mạc phiên chất vấn.")
    for rid, version in ((other, 1), (RID, 1), (other, 2)):  # the newest passages replaced, then older ones
        with session_scope(database_url) as db:
            TRANSCRIPTS.save(db, rid, transcript(lines[rid]), author="thu.ky", expected_version=version)
    expected = {
        "khai mac": {(RID, 0)},
        "chat van": {(RID, 0)},
        "vanh dai": {(RID, 1)},
        "bieu quyet": {(RID, 2)},
        "diem danh": {(other, 0)},
        "ben cang": {(other, 1)},
        "be mac": {(other, 2)},
        "quy hoach": {(other, 1)},
        "san bay": set(),
        "phien hop": {(other, 2)},
    }
    for words, where in expected.items():
        hits = found(database_url, words).hits
        assert {(h.recording_id, h.segment_id) for h in hits} == where, words
        assert all(h.version == (3 if h.recording_id == other else 2) for h in hits)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_at_0014(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An installation from before the folded-only index (migration 0015)."""
    with database_at_revision(request.param, "0014_search_speakers", tmp_path) as url:
        yield url


def test_0015_keeps_every_passage_searchable_in_both_modes(database_at_0014: str) -> None:
    """A minutes' passage indexed as before 0015 (both forms: SQLite's two FTS5 columns, PostgreSQL's two tsvectors)
    is still found accent-insensitively and, with its accents checked, in exact mode; the transcripts are indexed
    again; and only the folded form is indexed afterwards."""
    from core.tables import TranscriptDoc, TranscriptVersion

    minutes = "Đền bù, giải phóng mặt bằng."
    postgres = "postgresql" in database_at_0014
    with session_scope(database_at_0014) as db:
        add_recording(db)
        db.execute(insert(TranscriptDoc).values(id=1, recording_id=RID, version=1))
        db.execute(
            insert(TranscriptVersion).values(transcript_id=1, version=1, document=transcript().model_dump_json())
        )
        columns = 'recording_id, source, version, segment_id, start, "end", speaker, speaker_key, text, word_times'
        values = ":r, 'minutes', 1, 0, 0, 2, '', '', :t, '0 3'"
        if postgres:
            form = "to_tsvector('simple'::regconfig, :{})"
            db.execute(
                text(
                    f"INSERT INTO search_passages ({columns}, tsv_exact, tsv_folded) "
                    f"VALUES ({values}, {form.format('exact')}, {form.format('folded')})"
                ),
                {"r": RID, "t": minutes, "exact": "đền bù giải phóng mặt bằng", "folded": "den bu giai phong mat bang"},
            )
        else:
            db.execute(
                text(f"INSERT INTO search_passages (id, {columns}) VALUES (7, {values})"), {"r": RID, "t": minutes}
            )
            db.execute(
                text("INSERT INTO search_fts (rowid, text, folded) VALUES (7, :e, :f)"),
                {"e": "đền bù giải phóng mặt bằng", "f": "den bu giai phong mat bang"},
            )
    migrate(database_at_0014)
    with session_scope(database_at_0014) as db:
        assert found_in(db, "giai phong") == 1
        assert search(db, Query.parse('"đền bù"', accents=True), Filters(), limit=1, offset=0).total == 1
        assert search(db, Query.parse('"đến bù"', accents=True), Filters(), limit=1, offset=0).total == 0
        assert search(db, Query.parse('"bồi thường"', accents=True), Filters(), limit=5, offset=0).total == 1
        if postgres:
            assert {"tsv_folded", "syllables"} <= columns_of(db) and "tsv_exact" not in columns_of(db)
            db.execute(text("SET LOCAL enable_seqscan = off"))  # a few rows: only the index's use is checked
            plan = db.execute(text("EXPLAIN SELECT key FROM search_speakers WHERE key LIKE '%minh%'"))
            assert "ix_search_speakers_key_trgm" in " ".join(plan.scalars())
        else:
            assert [row[1] for row in db.execute(text("PRAGMA table_info(search_fts)"))] == ["folded"]


def columns_of(db: Session) -> set[str]:
    rows = db.execute(text("SELECT column_name FROM information_schema.columns WHERE table_name = 'search_passages'"))
    return set(rows.scalars())


def test_a_word_too_long_for_the_index_neither_breaks_a_save_nor_a_search(database_url: str) -> None:
    """A run of 3 000 letters (pasted by mistake) is beyond PostgreSQL's limit on an indexed word: the save goes
    through with the passage's other words found, and a query holding such a word is refused with a clear error."""
    from core.errors import InvalidInputError

    with session_scope(database_url) as db:
        add_recording(db)
        TRANSCRIPTS.save(db, RID, transcript([("Thư ký", f"Ghi chú {'a' * 3000} về sân bay.")]), author="thu.ky")
    (hit,) = found(database_url, "san bay").hits
    assert hit.segment_id == 0 and hit.snippet.endswith("về sân bay.")
    with pytest.raises(InvalidInputError):
        Query.parse("a" * 3000)


def test_a_first_save_that_another_first_save_overtakes_lands_on_top_and_is_indexed_as_such(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index rows are made before the save writes, for the version it expects; when another writer's first
    save of the same recording commits in between (a job and a clerk at once, no version asked), this save
    becomes version 2, and its passages are indexed as version 2 with nothing left of the other's words."""
    from core.search.engines import PassageRow
    from core.versioned import VersionedDocuments

    with session_scope(database_url) as db:
        add_recording(db)
    prepare = VersionedDocuments._passage_rows
    overtaken: list[int] = []

    def overtaken_once(
        self: VersionedDocuments[Transcript], recording_id: str, version: int, document: Transcript
    ) -> list[PassageRow] | None:
        if not overtaken:
            overtaken.append(version)
            with session_scope(database_url) as other:
                TRANSCRIPTS.save(other, RID, transcript([("Thư ký", "Quy hoạch sân bay.")]), author="job")
        return prepare(self, recording_id, version, document)

    monkeypatch.setattr(VersionedDocuments, "_passage_rows", overtaken_once)
    with session_scope(database_url) as db:
        assert TRANSCRIPTS.save(db, RID, transcript(), author="thu.ky") == 2
    assert overtaken == [1]
    hits = found(database_url, "vanh dai").hits
    assert [(h.segment_id, h.version) for h in hits] == [(0, 2)]
    assert found(database_url, "san bay").total == 0
