"""Conclusions: how the extractive minutes find the chair's conclusions on wordings no rule was tuned on.

`benchmarks/data/conclusions_vi.tsv` holds 217 short passages (1-4 sentences) as one speaker of a Vietnamese meeting
says them (the chair in 187, a member in 30; 141 written, 76 ASR-like: lower case, no punctuation): chairs concluding
with and without cue phrases, numbered points, decisions said as fact, closing summaries, Southern and Central speech,
and what only looks like a conclusion: the lead-in itself, running the meeting, questions, reports of past work or of
an earlier agreement, a bare order to one person, members' opinions, proposals and reports. They were written, with a
gold per sentence, before any run of the system, by the conclusion rule of `tests/data/minutes/CONVENTIONS.md` (the
procedure heads the file). `part` is `part_of_line` (a hash of the text: 70% development), fixed before scoring.

Each sentence is one segment of its speaker; a passage is made into an agenda item by `ExtractiveGenerator.item` with
the chair known ("Chủ tọa"; a member speaks as "Đại biểu"): the classifier, the lead-in scope and `minutes.cues` as the
pipeline runs them. A sentence is predicted a conclusion when the item's conclusions cite its segment; precision,
recall and F1 count sentences.

    PYTHONPATH=. .venv/bin/python benchmarks/minutes_conclusions.py [--part dev] [--misses misses.tsv]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import unit_sets
from core.text import nfc
from core.transcript import Segment
from minutes.extractive import ExtractiveGenerator

REPO = Path(__file__).resolve().parents[1]
UNITS = REPO / "benchmarks" / "data" / "conclusions_vi.tsv"
CHAIR = "Chủ tọa"
MEMBER = "Đại biểu"


@dataclass(frozen=True)
class ConclusionUnit:
    part: str
    kind: str
    chair: bool
    style: str
    sentences: tuple[str, ...]
    gold: tuple[bool, ...]


def read_units(path: Path = UNITS) -> list[ConclusionUnit]:
    """The passages of the unit set with their gold per sentence (lines starting "#" are the procedure)."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    header = lines[0].split("\t")
    units = []
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t"), strict=True))
        sentences = tuple(nfc(s.strip()) for s in row["text"].split(" | "))
        gold = tuple(g == "1" for g in row["gold"].split())
        if len(gold) != len(sentences):
            raise ValueError(f"gold and sentences differ in number: {line}")
        units.append(ConclusionUnit(row["part"], row["kind"], row["speaker"] == "chair", row["style"], sentences, gold))
    return units


def passage(unit: ConclusionUnit) -> list[Segment]:
    """The passage as the minutes read it: each sentence one segment of its speaker, the chair known as `CHAIR`."""
    speaker = CHAIR if unit.chair else MEMBER
    return [
        Segment(id=k, start=5.0 * k, end=5.0 * k + 5.0, text=text, speaker=speaker)
        for k, text in enumerate(unit.sentences)
    ]


def read_conclusions(unit: ConclusionUnit, generator: ExtractiveGenerator) -> tuple[bool, ...]:
    """Per sentence of `unit`, whether the extractive minutes make it (part of) a conclusion."""
    segments = passage(unit)
    item = generator.item(segments, title="Kết luận", number=1, chair=CHAIR, held=None)
    cited = {ref.id for conclusion in item.conclusions for ref in conclusion.source_segments}
    return tuple(k in cited for k in range(len(segments)))


def score(units: Sequence[ConclusionUnit], predicted: Sequence[Sequence[bool]]) -> dict[str, float]:
    """Sentence precision, recall and F1 of the conclusion class over `units`."""
    c: Counter[str] = Counter()
    for unit, found in zip(units, predicted, strict=True):
        for gold, got in zip(unit.gold, found, strict=True):
            c["gold"] += gold
            c["predicted"] += got
            c["right"] += gold and got
            c["false on member"] += got and not unit.chair
    precision, recall, f1 = unit_sets.prf(c["right"], c["predicted"], c["gold"])
    out = {"passages": float(len(units)), "sentences": float(sum(len(u.gold) for u in units))}
    out |= {"gold": float(c["gold"]), "predicted": float(c["predicted"]), "right": float(c["right"])}
    out |= {"precision": precision, "recall": recall, "F1": f1, "false on member": float(c["false on member"])}
    return out


def _missed(unit: ConclusionUnit, found: tuple[bool, ...]) -> list[str]:
    said = "chair" if unit.chair else "member"
    return [
        f"{int(gold)}\t{int(got)}\t{said}\t{k}\t{' | '.join(unit.sentences)}"
        for k, (gold, got) in enumerate(zip(unit.gold, found, strict=True))
        if gold != got
    ]


def main(argv: Sequence[str] | None = None) -> None:
    generator = ExtractiveGenerator()
    unit_sets.run(
        __doc__.splitlines()[0],
        argv,
        read_units(),
        lambda u: read_conclusions(u, generator),
        score,
        _missed,
        lambda r: f"conclusion F1 {r['F1']:.3f} (P {r['precision']:.3f} R {r['recall']:.3f})",
    )


if __name__ == "__main__":
    main()
