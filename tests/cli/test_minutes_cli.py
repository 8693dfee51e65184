"""`gobang minutes` on the council meeting transcript: the files it writes, a clear error for a bad format."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app

MEETING = Path(__file__).parents[1] / "data" / "minutes" / "council_meeting.json"
runner = CliRunner()


def test_minutes_from_a_transcript(tmp_path: Path) -> None:
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps({"meeting_name": "Kỳ họp thứ mười hai", "chair": "Nguyễn Văn An"}), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["minutes", str(MEETING), "-o", str(out), "--meta", str(meta), "-f", "md,docx"])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == ["council_meeting.bien-ban.docx", "council_meeting.bien-ban.json", "council_meeting.bien-ban.md"]
    assert "# BIÊN BẢN" in (out / "council_meeting.bien-ban.md").read_text(encoding="utf-8")
    assert json.loads((out / "council_meeting.bien-ban.json").read_text(encoding="utf-8"))["items"]


def test_minutes_beside_the_transcript_exports_overwrite_nothing(tmp_path: Path) -> None:
    """`gobang transcribe` writes `<stem>.docx` and `<stem>.json`; the minutes in the same folder leave both alone,
    and a second run refuses to replace what is there unless told `--force`."""
    out = tmp_path / "out"
    out.mkdir()
    transcript = out / "council_meeting.json"
    transcript.write_bytes(MEETING.read_bytes())
    (out / "council_meeting.docx").write_bytes(b"the transcript's own docx")
    first = runner.invoke(app, ["minutes", str(transcript), "-o", str(out), "-f", "docx,html"])
    assert first.exit_code == 0, first.output
    assert (out / "council_meeting.docx").read_bytes() == b"the transcript's own docx"
    assert transcript.read_bytes() == MEETING.read_bytes()
    minutes_docx = out / "council_meeting.bien-ban.docx"
    minutes_docx.write_bytes(b"the clerk edited this")
    again = runner.invoke(app, ["minutes", str(transcript), "-o", str(out), "-f", "docx,html"])
    assert again.exit_code == 6 and "--force" in again.output and "council_meeting.bien-ban.docx" in again.output
    assert minutes_docx.read_bytes() == b"the clerk edited this"
    forced = runner.invoke(app, ["minutes", str(transcript), "-o", str(out), "-f", "docx,html", "--force"])
    assert forced.exit_code == 0, forced.output
    assert minutes_docx.read_bytes().startswith(b"PK")  # a real DOCX (zip) again
    assert (out / "council_meeting.docx").read_bytes() == b"the transcript's own docx"


def test_bad_format_and_unreadable_transcript_are_clear_errors(tmp_path: Path) -> None:
    bad = runner.invoke(app, ["minutes", str(MEETING), "-o", str(tmp_path), "-f", "pdf"])
    assert bad.exit_code != 0 and "pdf" in bad.output
    missing = runner.invoke(app, ["minutes", str(tmp_path / "nope.json"), "-o", str(tmp_path)])
    assert missing.exit_code != 0 and "không đọc được bản gỡ băng" in missing.output
    assert not list(tmp_path.iterdir())


def test_the_command_line_starts_without_the_minutes_models() -> None:
    """Every command pays for what `cli.main` imports: the minutes' scikit-learn waits for `gobang minutes`."""
    code = "import sys, cli.main; print(sorted(m for m in ('sklearn', 'pyannote.core') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
