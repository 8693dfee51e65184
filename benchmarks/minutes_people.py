"""Chairs and attendees: how the minutes read who presides and who is present on wordings no rule was tuned on.

`benchmarks/data/chairs_vi.tsv` holds 161 short meeting passages (2-8 segments) of many kinds, written and ASR-like,
with their chairs and attendees, written before any run of the system by the procedure at the top of the file
(the rules of `tests/data/minutes/CONVENTIONS.md`). Each passage is made a transcript and read as the minutes read
it when the clerk's metadata is empty: the chair's label by `frame.chair_label`, the names by
`generate.with_people`. A predicted name is right when `same_party` (the meeting benchmark's matching) pairs it
with a gold name of the passage, each at most once; precision, recall and F1 are summed over passages, chair and
attendees apart, development and held-out apart (`part`, a hash of the passage, fixed before scoring).

    PYTHONPATH=. .venv/bin/python benchmarks/minutes_people.py [--part dev] [--misses misses.tsv] [--json]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import unit_sets
from benchmarks.minutes_eval import same_party
from core.text import nfc
from core.transcript import ModelRef, Segment, Transcript
from minutes.frame import chair_label
from minutes.generate import with_people
from minutes.model import MinutesMeta

REPO = Path(__file__).resolve().parents[1]
UNITS = REPO / "benchmarks" / "data" / "chairs_vi.tsv"
FIELDS = ("chair", "attendees")


@dataclass(frozen=True)
class PeopleUnit:
    part: str
    kind: str
    style: str
    chair: tuple[str, ...]
    attendees: tuple[str, ...]
    turns: tuple[tuple[str, str], ...]
    """(speaker label, text) of each segment."""


def _names(cell: str) -> tuple[str, ...]:
    return () if cell == "-" else tuple(nfc(n.strip()) for n in cell.split(";"))


def read_units(path: Path = UNITS) -> list[PeopleUnit]:
    """The passages of the unit set with their gold chairs and attendees (comment lines skipped)."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    header = lines[0].split("\t")
    units = []
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t"), strict=True))
        turns = tuple(tuple(nfc(x.strip()) for x in s.split(" | ", 1)) for s in row["passage"].split(" || "))
        units.append(
            PeopleUnit(
                row["part"],
                row["kind"],
                row["style"],
                _names(row["chair"]),
                _names(row["attendees"]),
                tuple((speaker, text) for speaker, text in turns),
            )
        )
    return units


def read_people(turns: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """The chairs and attendees the minutes read from `turns`, the metadata empty."""
    segments = [
        Segment(id=i, start=i * 10.0, end=i * 10.0 + 8, text=text, speaker=speaker)
        for i, (speaker, text) in enumerate(turns)
    ]
    transcript = Transcript(model=ModelRef(engine="unit", name="unit"), segments=segments, duration=10.0 * len(turns))
    meta = with_people(transcript, MinutesMeta(), chair_label(transcript, MinutesMeta()))
    return {"chair": [c.strip() for c in meta.chair.split(";") if c.strip()], "attendees": list(meta.attendees)}


def _matched(predicted: Sequence[str], gold: Sequence[str]) -> int:
    used: set[int] = set()
    for g in gold:
        k = next((i for i, p in enumerate(predicted) if i not in used and same_party(p, g)), None)
        if k is not None:
            used.add(k)
    return len(used)


def score(units: Sequence[PeopleUnit], predicted: Sequence[dict[str, list[str]]]) -> dict[str, float]:
    """Precision, recall and F1 of chairs and of attendees over `units`, and the passages read wholly right."""
    out: dict[str, float] = {"passages": float(len(units))}
    for field in FIELDS:
        tp = fp = fn = 0
        for unit, found in zip(units, predicted, strict=True):
            gold = getattr(unit, field)
            right = _matched(found[field], gold)
            tp, fp, fn = tp + right, fp + len(found[field]) - right, fn + len(gold) - right
        precision, recall, f1 = unit_sets.prf(tp, tp + fp, tp + fn)
        out |= {f"{field} gold": float(tp + fn), f"{field} P": precision, f"{field} R": recall, f"{field} F1": f1}
    out["passages all right"] = float(sum(_all_right(u, p) for u, p in zip(units, predicted, strict=True)))
    return out


def _all_right(unit: PeopleUnit, found: dict[str, list[str]]) -> bool:
    return all(_matched(found[f], getattr(unit, f)) == len(getattr(unit, f)) == len(found[f]) for f in FIELDS)


def _missed(unit: PeopleUnit, found: dict[str, list[str]]) -> list[str]:
    if _all_right(unit, found):
        return []
    gold = "; ".join(unit.chair) + " / " + "; ".join(unit.attendees)
    got = "; ".join(found["chair"]) + " / " + "; ".join(found["attendees"])
    passage = " || ".join(f"{s} | {t}" for s, t in unit.turns)
    return [f"{gold}\t{got}\t{passage}"]


def main(argv: Sequence[str] | None = None) -> None:
    unit_sets.run(
        __doc__.splitlines()[0],
        argv,
        read_units(),
        lambda u: read_people(u.turns),
        score,
        _missed,
        lambda r: f"chair F1 {r['chair F1']:.3f} attendees F1 {r['attendees F1']:.3f}",
    )


if __name__ == "__main__":
    main()
