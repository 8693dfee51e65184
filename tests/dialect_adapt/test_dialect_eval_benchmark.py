from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.dialect_eval import main
from core.manifest import ManifestRow, write_manifest
from dialect_adapt.features import ClipFeatures


def test_benchmark_prints_region_table_accent_accuracy_targets_and_summary(
    cv_slice: list[ManifestRow],
    slice_features: list[ClipFeatures],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    manifest = tmp_path / "MANIFEST.tsv"
    write_manifest(manifest, cv_slice)
    assert main(["--manifest", str(manifest), "--folds", "2", "--json", str(tmp_path / "out.json")]) == 0
    out = capsys.readouterr().out
    assert "beam+lm(dict)" in out and "North" in out and "South" in out
    assert "accent ID" in out and "targets (" in out
    assert out.strip().splitlines()[-1].startswith("summary: default=")
    assert (tmp_path / "out.json").stat().st_size > 0
