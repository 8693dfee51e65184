"""The shared main of the unit-set benchmarks: held-out units are scored but never written to `--misses`."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks import unit_sets


@dataclass(frozen=True)
class _Unit:
    part: str
    text: str
    gold: bool


def _score(units: Sequence[_Unit], predicted: Sequence[bool]) -> Mapping[str, float]:
    right = sum(u.gold and p for u, p in zip(units, predicted, strict=True))
    precision, recall, f1 = unit_sets.prf(right, sum(predicted), sum(u.gold for u in units))
    return {"precision": precision, "recall": recall, "F1": f1}


def test_prf_is_zero_where_undefined_and_the_harmonic_mean_otherwise() -> None:
    assert unit_sets.prf(0, 0, 0) == (0.0, 0.0, 0.0)
    assert unit_sets.prf(1, 2, 4) == pytest.approx((0.5, 0.25, 1 / 3))


def test_run_scores_each_part_and_writes_development_misses_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    units = [
        _Unit("dev", "a", True),
        _Unit("dev", "b", False),
        _Unit("heldout", "c", False),
        _Unit("heldout", "d", True),
    ]
    misses = tmp_path / "misses.tsv"
    unit_sets.run(
        "test",
        ["--misses", str(misses), "--json"],
        units,
        lambda u: u.text != "a",  # "a" missed, "b" and "c" false positives, "d" right
        _score,
        lambda u, got: [u.text] if got != u.gold else [],
        lambda r: "",
    )
    assert misses.read_text(encoding="utf-8") == "a\nb\n"  # "c" is a held-out miss: never written
    results = json.loads(capsys.readouterr().out)
    assert results["dev"]["F1"] == 0.0
    assert results["heldout"]["recall"] == 1.0 and results["heldout"]["precision"] == 0.5
