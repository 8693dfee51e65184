"""The chairs-and-attendees unit set keeps its format and its fixed split, and the benchmark reads it as written."""

from __future__ import annotations

from benchmarks.minutes_people import UNITS, read_people, read_units, score
from benchmarks.unit_sets import part_of_line
from core.text import nfc


def test_the_unit_set_has_its_columns_split_and_gold_in_the_text() -> None:
    lines = [line for line in UNITS.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert lines[0].split("\t") == ["part", "kind", "style", "chair", "attendees", "passage"]
    rows = [line.split("\t") for line in lines[1:]]
    assert len(rows) >= 150 and all(len(row) == 6 for row in rows)
    assert all(row[0] == part_of_line(row[5]) for row in rows)  # the split is the hash, never chosen by hand
    assert {row[2] for row in rows} == {"written", "asr"}
    units = read_units()
    assert sum(u.part == "heldout" for u in units) >= 40
    for unit in units:
        assert 2 <= len(unit.turns) <= 8 and all(speaker and text for speaker, text in unit.turns)
        said = " ".join(f"{speaker} {text}" for speaker, text in unit.turns).lower()
        assert said == nfc(said)
        assert set(unit.chair) <= set(unit.attendees), unit.chair  # who chairs is present
        assert all(name.lower() in said for name in unit.attendees), unit.attendees  # gold from the text alone
        if unit.style == "asr":
            assert all(text == text.lower() and not set(",.;:?!") & set(text) for _, text in unit.turns)


def test_the_benchmark_scores_what_the_minutes_read() -> None:
    units = [u for u in read_units() if u.part == "dev"][:12]
    figures = score(units, [read_people(u.turns) for u in units])
    assert figures["passages"] == 12 and 0 <= figures["chair F1"] <= 1 and 0 <= figures["attendees F1"] <= 1
    right = {"chair": list(units[0].chair), "attendees": list(units[0].attendees)}
    assert score(units[:1], [right])["attendees F1"] == 1.0
