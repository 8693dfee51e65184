"""`gobang search "…"` finds what was said, with time and speaker; `gobang search reindex` rebuilds a lost index."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import text
from typer.testing import CliRunner

from cli import search as search_cli
from cli.main import app
from core.db import migrate, session_scope
from core.settings import get_settings
from core.tables import Recording
from core.transcript_store import TRANSCRIPTS
from tests.api.test_search import transcript

runner = CliRunner()


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An embedded installation with two recorded meetings and their transcripts."""
    monkeypatch.setenv("GOBANG_HOME", str(tmp_path))
    for name in ("GOBANG_DATABASE_URL", "GOBANG_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(search_cli, "console", Console(width=240))  # a table wide enough to read whole lines
    get_settings.cache_clear()
    url = get_settings().resolved_database_url
    migrate(url)
    with session_scope(url) as db:
        for rid, day in (("a" * 32, date(2026, 7, 10)), ("b" * 32, date(2026, 8, 20))):
            db.add(Recording(id=rid, filename=f"{day}.wav", sha256="0" * 64, size=1, title=f"Kỳ họp {day:%d/%m}"))
            db.get(Recording, rid).meeting_date = day  # type: ignore[union-attr]
            db.flush()
            TRANSCRIPTS.save(db, rid, transcript(), author="gobang")
    yield url
    get_settings.cache_clear()


def test_search_shows_each_hit_with_meeting_time_speaker_and_snippet(archive: str) -> None:
    result = runner.invoke(app, ["search", "boi thuong nong nghiep", "--from", "2026-08-01"])
    assert result.exit_code == 0, result.output
    assert "1 đoạn khớp" in result.output
    assert "Kỳ họp 20/08 (20/08/2026)" in result.output and "b" * 32 in result.output
    assert "00:00:11" in result.output and "Đại biểu Nguyễn Văn An" in result.output
    assert "mức bồi thường đất nông nghiệp" in result.output
    exact = runner.invoke(app, ["search", "--exact", '"boi thuong"'])
    assert exact.exit_code == 0 and "Không tìm thấy" in exact.output
    empty = runner.invoke(app, ["search", ",,"])
    assert empty.exit_code == 2 and "không có từ nào" in empty.output
    bad_day = runner.invoke(app, ["search", "đất", "--from", "10/07/2026"])
    assert bad_day.exit_code == 2 and "YYYY-MM-DD" in bad_day.output


def test_reindex_rebuilds_a_lost_index(archive: str) -> None:
    with session_scope(archive) as db:
        db.execute(text("DELETE FROM search_fts"))
        db.execute(text("DELETE FROM search_passages"))
    lost = runner.invoke(app, ["search", "vành đai"])
    assert lost.exit_code == 0 and "Không tìm thấy" in lost.output
    rebuilt = runner.invoke(app, ["search", "reindex"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "6 đoạn bản gỡ băng, 0 mục biên bản" in rebuilt.output
    found = runner.invoke(app, ["search", "vành đai"])
    assert found.exit_code == 0 and "2 đoạn khớp" in found.output


def test_speaker_lists_turns_and_speaking_time_per_session(archive: str) -> None:
    result = runner.invoke(app, ["search", "speaker", "đại biểu trần minh"])
    assert result.exit_code == 0, result.output
    assert "Đại biểu Trần Minh: 2 lượt nói trong 2 phiên" in result.output.replace(
        "đại biểu trần minh", "Đại biểu Trần Minh"
    )
    assert "Kỳ họp 20/08" in result.output and "Kỳ họp 10/07" in result.output
    assert result.output.index("Kỳ họp 20/08") < result.output.index("Kỳ họp 10/07")  # newest meeting first
    assert "Đất đai là vấn đề lớn" in result.output
    nobody = runner.invoke(app, ["search", "speaker", "Trần"])
    assert nobody.exit_code == 0 and "Không thấy lượt nói nào" in nobody.output
