"""`gobang voiceprints` and `gobang transcribe --diarize` on a stitched two-speaker meeting of real voices."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from cli.voiceprints import parse_clock, parse_source
from core.errors import InvalidInputError
from core.rttm import read_rttm
from core.settings import get_settings
from tests.audio_helpers import stitch, write_wav

runner = CliRunner()

ENROLLED, OTHER = "cv_e3e2b2e16592", "cv_b5a488f63805"
"""A southern man (to be enrolled by name) and a northern man (left unknown)."""
NAME = "Đại biểu Nguyễn Văn A"


@pytest.fixture
def voiceprints_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "giong-noi.sqlite"
    monkeypatch.setenv("GOBANG_DIARIZATION__VOICEPRINTS_PATH", str(path))
    monkeypatch.setenv("GOBANG_DATABASE_URL", f"sqlite:///{tmp_path / 'gobang.db'}")  # the audit log of the changes
    get_settings.cache_clear()
    return path


@pytest.fixture
def clips(cv_rows: list[dict[str, str]]) -> dict[str, list[str]]:
    by_speaker: dict[str, list[str]] = defaultdict(list)
    for row in cv_rows:
        if float(row["duration_s"]) >= 3.5:
            by_speaker[row["speaker"]].append(row["audio_path"])
    return by_speaker


def test_clock_and_span_parsing(tmp_path: Path) -> None:
    assert parse_clock("75.5") == 75.5
    assert parse_clock("1:15.5") == 75.5
    assert parse_clock("1:00:02") == 3602.0
    assert parse_source("phien.mp3@2:00-3:05.5") == (Path("phien.mp3"), 120.0, 185.5)
    assert parse_source("phien.mp3") == Path("phien.mp3")
    odd = tmp_path / "ghi@am.wav"
    odd.write_bytes(b"")
    assert parse_source(str(odd)) == odd  # an existing file whose name holds "@" is that file
    for bad in ("phien.mp3@3:00-2:00", "phien.mp3@abc", "phien.mp3@-5-10"):
        with pytest.raises(InvalidInputError):
            parse_source(bad)


def test_enroll_then_diarize_names_the_enrolled_voice_and_exports_rttm(
    tmp_path: Path, voiceprints_path: Path, clips: dict[str, list[str]]
) -> None:
    order = [ENROLLED, OTHER, ENROLLED, OTHER]
    used = {ENROLLED: 0, OTHER: 0}
    paths = []
    for speaker in order:
        paths.append(clips[speaker][used[speaker]])
        used[speaker] += 1
    audio, extents = stitch(paths, lead_s=1.0, gap_s=0.8)
    (tmp_path / "vao").mkdir()
    meeting = write_wav(tmp_path / "vao" / "phien-hop.wav", audio)

    spare = clips[ENROLLED][used[ENROLLED] : used[ENROLLED] + 2]
    enrolled = runner.invoke(app, ["voiceprints", "enroll", NAME, spare[0], f"{spare[1]}@0-3.2"])
    assert enrolled.exit_code == 0, enrolled.output
    assert NAME in enrolled.output and "2 mẫu" in enrolled.output
    listed = runner.invoke(app, ["voiceprints", "list"])
    assert listed.exit_code == 0 and NAME in listed.output

    out = tmp_path / "ra"
    result = runner.invoke(
        app,
        ["transcribe", str(meeting), "--out", str(out), "--diarize", "--num-speakers", "2", "-f", "json,rttm,srt"],
    )
    assert result.exit_code == 0, result.output

    turns = read_rttm(out / "phien-hop.rttm")
    (annotation,) = turns.values()
    labels = set(annotation.labels())
    assert len(labels) == 2
    assert NAME.replace(" ", "_") in labels  # RTTM fields are space-separated
    document = json.loads((out / "phien-hop.json").read_text(encoding="utf-8"))
    speakers = [segment["speaker"] for segment in document["segments"]]
    assert set(speakers) == {NAME, "Người nói 1"} or set(speakers) == {NAME, "Người nói 2"}
    turns_kept = document["turns"]  # the diarization's own turns, written as the RTTM
    assert {t["speaker"] for t in turns_kept} == set(speakers)
    assert len(turns_kept) == len(list(annotation.itertracks()))
    first_turn_end = extents[0][1]
    assert all(s["speaker"] == NAME for s in document["segments"] if s["end"] <= first_turn_end)
    assert NAME in (out / "phien-hop.srt").read_text(encoding="utf-8")

    # Forgetting the person: the next run leaves that voice unnamed.
    assert runner.invoke(app, ["voiceprints", "delete", NAME, "--yes"]).exit_code == 0
    assert NAME not in runner.invoke(app, ["voiceprints", "list"]).output
    again = runner.invoke(app, ["transcribe", str(meeting), "--out", str(tmp_path / "lai"), "--diarize", "-f", "json"])
    assert again.exit_code == 0, again.output
    renamed = json.loads((tmp_path / "lai" / "phien-hop.json").read_text(encoding="utf-8"))
    assert {s["speaker"] for s in renamed["segments"]} == {"Người nói 1", "Người nói 2"}


def test_diarize_on_a_fresh_machine_migrates_the_database_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clips: dict[str, list[str]]
) -> None:
    """No enrolment and no database yet (a new archivist's machine): the voiceprint lookup finds its tables."""
    database = tmp_path / "moi" / "gobang.db"
    database.parent.mkdir()
    monkeypatch.setenv("GOBANG_DATABASE_URL", f"sqlite:///{database}")
    get_settings.cache_clear()
    audio, _ = stitch([clips[ENROLLED][0], clips[OTHER][0]], lead_s=0.5, gap_s=0.8)
    meeting = write_wav(tmp_path / "phien-moi.wav", audio)

    result = runner.invoke(app, ["transcribe", str(meeting), "--out", str(tmp_path / "ra"), "--diarize", "-f", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads((tmp_path / "ra" / "phien-moi.json").read_text(encoding="utf-8"))
    assert document["segments"] and all(s["speaker"].startswith("Người nói") for s in document["segments"])
    assert database.exists()


def test_diarization_options_are_checked_before_any_work(tmp_path: Path, vivos_rows: list[dict[str, str]]) -> None:
    clip = vivos_rows[0]["audio_path"]
    no_diarize = runner.invoke(app, ["transcribe", clip, "--out", str(tmp_path / "a"), "-f", "rttm"])
    assert no_diarize.exit_code == 2 and "--diarize" in no_diarize.output
    counts = runner.invoke(
        app,
        ["transcribe", clip, "--out", str(tmp_path / "b"), "--diarize", "--min-speakers", "3", "--max-speakers", "2"],
    )
    assert counts.exit_code == 2 and "max_speakers" in counts.output
    stray = runner.invoke(app, ["transcribe", clip, "--out", str(tmp_path / "c"), "--num-speakers", "2"])
    assert stray.exit_code == 2 and "--diarize" in stray.output
    missing = runner.invoke(app, ["voiceprints", "delete", "Không Có Ai", "--yes"])
    assert missing.exit_code != 0 and "Không Có Ai" in missing.output
    for run in ("a", "b", "c"):
        assert not (tmp_path / run / "report.json").exists()  # refused before any file was touched
