"""A small real slice of cv9_vi_dev (two Northern and two Southern speakers, two clips each),
with its features computed once per test session (vietasr pipeline + CAM++, ~1 s a clip)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.manifest import ManifestRow, read_manifest
from dialect_adapt.features import ClipFeatures, FeatureStore


@pytest.fixture(scope="session")
def cv_slice(evaldata: Path) -> list[ManifestRow]:
    rows = read_manifest(evaldata / "cv9_vi_dev" / "MANIFEST.tsv")
    chosen: list[ManifestRow] = []
    for region in ("North", "South"):
        speakers: dict[str, list[ManifestRow]] = {}
        for row in rows:
            if row.region == region and len(speakers.get(row.speaker, [])) < 2:
                speakers.setdefault(row.speaker, []).append(row)
        full = [clips for clips in speakers.values() if len(clips) == 2][:2]
        chosen += [row for clips in full for row in clips]
    return chosen


@pytest.fixture(scope="session")
def feature_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session home's feature cache (see tests/conftest.py), so CLI and benchmark runs reuse it."""
    return tmp_path_factory.getbasetemp() / "gobang-home" / "adapt" / "features"


@pytest.fixture(scope="session")
def slice_features(cv_slice: list[ManifestRow], feature_root: Path) -> list[ClipFeatures]:
    return FeatureStore(feature_root).get_all(cv_slice)
