"""Vote announcements: how the extractive minutes read votes on wordings no rule was tuned on.

`benchmarks/data/votes_vi.tsv` holds 277 short passages (1-3 sentences) as a chair or secretary says them in
Vietnamese meetings of many kinds (National Assembly, People's Councils, party cells, unions, cooperatives,
schools, residents), two thirds written, one third ASR-like (lower case, no punctuation, numbers spoken): results
announced, votes called, two votes in one passage, and passages that only look like votes (attendance, item
numbers, percentages of a plan, "phiếu" in other senses, a past vote recalled, "thông qua chương trình" read
out). They were written, with their gold, before any run of the system, by the vote rules of
`tests/data/minutes/CONVENTIONS.md` (its section on this set). Columns: part, kind, style, then `in_favour`,
`against`, `abstain`, `total`, `passed` (y/n), "-" where not said, one value per vote joined by "|", "none" in
all five where the passage holds no vote; then the text. `part` is `part_of_line` (a hash of the text: 70%
development), fixed before scoring.

Each passage is one segment spoken by whoever presides (the chair unknown, as in a transcript without one), made
into an agenda item by `ExtractiveGenerator.item`: the classifier's vote class and `minutes.cues` as the
pipeline runs them. A predicted vote is exact when its four counts and its result all equal a gold vote's
(matched in order, each at most once); exact-vote precision, recall and F1 count the votes found on passages
without one. Per-field accuracy pairs each passage's gold votes with its predicted votes in order (a gold vote
with no prediction counts wrong on every field).

    PYTHONPATH=. .venv/bin/python benchmarks/minutes_votes.py [--part dev] [--misses misses.tsv]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import unit_sets
from core.text import nfc
from minutes.extractive import ExtractiveGenerator
from minutes.model import Vote

REPO = Path(__file__).resolve().parents[1]
UNITS = REPO / "benchmarks" / "data" / "votes_vi.tsv"
FIELDS = ("in_favour", "against", "abstain", "total", "passed")
_PASSED = {"y": True, "n": False, "-": None}


@dataclass(frozen=True)
class GoldVote:
    in_favour: int | None
    against: int | None
    abstain: int | None
    total: int | None
    passed: bool | None


@dataclass(frozen=True)
class VoteUnit:
    part: str
    kind: str
    style: str
    text: str
    votes: tuple[GoldVote, ...]


def read_units(path: Path = UNITS) -> list[VoteUnit]:
    """The passages of the unit set with their gold votes."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    units = []
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t"), strict=True))
        votes: tuple[GoldVote, ...] = ()
        if row["in_favour"] != "none":
            columns = [row[f].split("|") for f in FIELDS]
            counts = [[None if x == "-" else int(x) for x in c] for c in columns[:4]]
            votes = tuple(
                GoldVote(counts[0][k], counts[1][k], counts[2][k], counts[3][k], _PASSED[columns[4][k]])
                for k in range(len(columns[0]))
            )
        units.append(VoteUnit(row["part"], row["kind"], row["style"], nfc(row["text"]), votes))
    return units


def read_votes(text: str, generator: ExtractiveGenerator) -> list[Vote]:
    """The votes the extractive minutes find in `text`, one segment said by whoever presides."""
    return generator.item([unit_sets.said(text)], title="Biểu quyết", number=1, chair=None, held=None).votes


def _fields(vote: Vote | GoldVote) -> tuple[int | bool | None, ...]:
    return tuple(getattr(vote, f) for f in FIELDS)


def score(units: Sequence[VoteUnit], predicted: Sequence[Sequence[Vote]]) -> dict[str, float]:
    """Exact-vote precision, recall, F1 and per-field accuracy over `units`."""
    c: Counter[str] = Counter()
    for unit, votes in zip(units, predicted, strict=True):
        c["gold"] += len(unit.votes)
        c["predicted"] += len(votes)
        left = [_fields(v) for v in votes]
        for gold in unit.votes:
            if _fields(gold) in left:
                left.remove(_fields(gold))
                c["exact"] += 1
        for k, gold in enumerate(unit.votes):
            got = _fields(votes[k]) if k < len(votes) else None
            for i, name in enumerate(FIELDS):
                c[name] += got is not None and got[i] == _fields(gold)[i]
        c["false on no-vote"] += len(votes) if not unit.votes else 0
    precision, recall, f1 = unit_sets.prf(c["exact"], c["predicted"], c["gold"])
    out = {"passages": float(len(units)), "gold votes": float(c["gold"]), "predicted": float(c["predicted"])}
    out |= {"exact": float(c["exact"]), "precision": precision, "recall": recall, "F1": f1}
    out |= {f"{name} acc": c[name] / c["gold"] if c["gold"] else 0.0 for name in FIELDS}
    out["false on no-vote"] = float(c["false on no-vote"])
    return out


def _gold_text(votes: Sequence[Vote | GoldVote]) -> str:
    return " | ".join(",".join("-" if x is None else str(x) for x in _fields(v)) for v in votes) or "none"


def _missed(unit: VoteUnit, votes: list[Vote]) -> list[str]:
    if _gold_text(unit.votes) == _gold_text(votes):
        return []
    return [f"{_gold_text(unit.votes)}\t{_gold_text(votes)}\t{unit.text}"]


def main(argv: Sequence[str] | None = None) -> None:
    generator = ExtractiveGenerator()
    unit_sets.run(
        __doc__.splitlines()[0],
        argv,
        read_units(),
        lambda u: read_votes(u.text, generator),
        score,
        _missed,
        lambda r: f"exact-vote F1 {r['F1']:.3f} ({r['exact']:.0f}/{r['gold votes']:.0f})",
    )


if __name__ == "__main__":
    main()
