"""Smoke run of the accuracy benchmark: real clips, the real vietasr library, scores per region."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import jiwer
import pytest

from benchmarks.asr_accuracy import ClipResult, Results, evaluate, main, read_manifest, render_table, summary_line


@pytest.fixture(scope="module")
def vivos_manifest(evaldata: Path) -> Path:
    return evaldata / "vi_vivos_dev01_8utt" / "MANIFEST.tsv"


def test_vietasr_direct_is_scored_per_region(vivos_manifest: Path) -> None:
    """VIVOS has no regions; two are assigned here so the per-region split is exercised on real output."""
    rows = read_manifest(vivos_manifest)[:5]
    assert all(row.audio_path.is_file() for row in rows)
    rows = [dataclasses.replace(row, region="North" if i % 2 else "South") for i, row in enumerate(rows)]

    results = evaluate(rows, "vietasr", "direct")

    assert results.failures == 0
    assert {name: s.clips for name, s in results.regions.items()} == {"North": 2, "South": 3}
    for name, scores in results.regions.items():
        clips = [c for c in results.clips if c.region == name]
        assert scores.wer == pytest.approx(jiwer.wer([c.reference for c in clips], [c.hypothesis for c in clips]))
        assert scores.wer < 0.3
    overall = results.overall
    # Measured 9.6% WER, 3.1% CER on these 5 clips; silence, noise or the wrong sample rate score near 100%.
    assert overall.wer < 0.2
    assert overall.cer < 0.1
    assert all(c.hypothesis == c.hypothesis.lower() for c in results.clips)  # normalised like the references


def test_table_and_summary_line() -> None:
    def clip(region: str, hypothesis: str) -> ClipResult:
        return ClipResult("a.flac", region, "một hai ba bốn", hypothesis, audio_s=2.0, wall_s=0.5)

    direct = Results("vietasr", "direct", [clip("North", "một hai ba bốn"), clip("Central", "một hai")])
    table = render_table([direct])
    assert "Central" in table and "50.00%" in table and "25.00%" in table
    line = summary_line([direct], ["vietasr", "whisper"])
    assert line == (
        "summary: vietasr_pipeline_wer=n/a vietasr_direct_wer=0.2500 whisper_pipeline_wer=n/a "
        "whisper_direct_wer=n/a (worst region Central: vietasr_direct_wer=0.5000)"
    )
    assert math.isclose(direct.overall.rtf, 0.25)


def test_command_line_prints_table_summary_and_json(
    vivos_manifest: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "accuracy.json"
    argv = ["--manifest", str(vivos_manifest), "--engines", "vietasr", "--configs", "direct", "--every", "4"]
    assert main([*argv, "--json", str(out)]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed[-1].startswith("summary: vietasr_pipeline_wer=n/a vietasr_direct_wer=0.")
    assert any(line.split()[:3] == ["vietasr", "direct", "all"] for line in printed)
    assert '"engine": "vietasr"' in out.read_text(encoding="utf-8")
