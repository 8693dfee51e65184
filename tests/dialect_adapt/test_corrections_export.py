"""Clerk-reviewed segments of a stored recording become a training manifest (real SQLite store, real audio)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from cli.main import app
from core.audio import load_audio
from core.blobs import LocalBlobStore
from core.db import migrate, session_scope
from core.manifest import ManifestRow, read_manifest
from core.settings import get_settings
from core.tables import Recording
from core.transcript import ModelRef, Segment, SpeakerAccent, Transcript
from core.transcript_store import TRANSCRIPTS
from dialect_adapt.clerk_corrections import segment_clips


def _store(row: ManifestRow) -> str:
    settings = get_settings()
    migrate(settings.resolved_database_url)
    sha256, size = LocalBlobStore(settings.blob_dir).put_file(row.audio_path)
    segments = [
        Segment(id=0, start=0.0, end=1.2, text="Đoạn đầu đã duyệt.", speaker="Người nói 1", reviewed=True),
        Segment(id=1, start=1.2, end=row.duration_s, text="Đoạn sau chưa duyệt.", speaker="Người nói 1"),
    ]
    transcript = Transcript(
        model=ModelRef(engine="vietasr", name="vietasr-ctc"),
        segments=segments,
        accents={"Người nói 1": SpeakerAccent(region="South", confidence=0.8)},
    )
    with session_scope(settings.resolved_database_url) as session:
        recording = Recording(filename=row.audio_path.name, sha256=sha256, size=size)
        session.add(recording)
        session.flush()
        TRANSCRIPTS.save(session, recording.id, transcript, author="thư ký")
        return recording.id


def test_export_corrections_cuts_reviewed_segments_into_a_manifest(cv_slice: list[ManifestRow], tmp_path: Path) -> None:
    row = next(r for r in cv_slice if r.duration_s > 3)
    recording_id = _store(row)
    result = CliRunner().invoke(app, ["adapt", "export-corrections", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    rows = read_manifest(tmp_path / "out" / "MANIFEST.tsv")
    assert [(r.reference_text, r.region, r.speaker) for r in rows] == [
        ("Đoạn đầu đã duyệt.", "South", f"{recording_id}:Người nói 1")
    ]
    clip = load_audio(rows[0].audio_path)
    assert abs(clip.size / 16000 - 1.2) < 0.01 and rows[0].duration_s == 1.2
    everything = CliRunner().invoke(
        app, ["adapt", "export-corrections", "--out", str(tmp_path / "all"), "--all-segments", "-r", recording_id]
    )
    assert everything.exit_code == 0 and len(read_manifest(tmp_path / "all" / "MANIFEST.tsv")) == 2
    missing = CliRunner().invoke(app, ["adapt", "export-corrections", "--out", str(tmp_path / "x"), "-r", "nope"])
    assert missing.exit_code != 0 and "nope" in missing.output


def test_segments_are_cut_in_one_pass_exactly_as_from_the_whole_recording(cv_slice: list[ManifestRow]) -> None:
    """Blocks of 0.5 s put segment edges inside blocks and across them; overlapping and out-of-order segments
    and one running past the end are cut as slices of the whole recording would be."""
    row = next(r for r in cv_slice if r.duration_s > 3)
    whole = load_audio(row.audio_path)
    spans = [(1.0, 2.05), (0.0, 0.7), (0.3, 1.4), (2.0, 2.0 + 0.49), (2.9, row.duration_s + 5.0)]
    segments = [Segment(id=i, start=a, end=b, text="x") for i, (a, b) in enumerate(spans)]
    cut = list(segment_clips(row.audio_path, segments, block_s=0.5))
    assert [s.id for s, _ in cut] == [1, 2, 0, 3, 4]  # in order of start
    for segment, audio in cut:
        expected = whole[int(segment.start * 16000) : int(segment.end * 16000)]
        assert audio.shape == expected.shape and np.array_equal(audio, expected), segment.id


def test_old_transcripts_without_accents_stay_valid() -> None:
    old = '{"schema_version": 1, "model": {"engine": "vietasr", "name": "x"}, "segments": []}'
    assert Transcript.model_validate_json(old).accents == {}
