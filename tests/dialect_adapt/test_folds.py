from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import InvalidInputError
from core.manifest import ManifestRow, read_manifest
from dialect_adapt.folds import assign_folds, region_of, split


@pytest.fixture(scope="module")
def rows(evaldata: Path) -> list[ManifestRow]:
    return read_manifest(evaldata / "cv9_vi_dev" / "MANIFEST.tsv")


def test_folds_are_speaker_disjoint_deterministic_and_spread_every_region(rows: list[ManifestRow]) -> None:
    folds = assign_folds(rows, 5)
    assert assign_folds(list(reversed(rows)), 5) == folds  # manifest order does not matter
    for fold in range(5):
        train, test = split(rows, folds, fold)
        assert test and not {rows[i].speaker for i in train} & {rows[i].speaker for i in test}
        assert len(train) + len(test) == len(rows)
    for region in ("North", "South"):  # regions with many speakers reach every fold
        assert {folds[r.speaker] for r in rows if region_of(r) == region} == set(range(5))
    clips = [sum(folds[r.speaker] == f for r in rows if r.region == "North") for f in range(5)]
    assert max(clips) - min(clips) <= 25  # balanced by clips, not just speakers


def test_bad_manifests_are_refused_clearly(rows: list[ManifestRow]) -> None:
    with pytest.raises(InvalidInputError, match="2"):
        assign_folds(rows, 1)
    with pytest.raises(InvalidInputError, match="speaker"):
        assign_folds([ManifestRow(audio_path=Path("a.wav"), reference_text="x")], 2)
    with pytest.raises(InvalidInputError, match="fewer speakers"):
        assign_folds(rows[:2], 5)
