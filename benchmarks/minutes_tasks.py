"""Tasks: how the extractive minutes read the orders a chair gives, on wordings no rule was tuned on.

`benchmarks/data/tasks_vi.tsv` holds short passages as whoever presides a Vietnamese meeting says them, written with
their gold by a blind author (before any run of the system) by the task rule of `tests/data/minutes/CONVENTIONS.md`:
orders given now to a person or body, and passages that only look like them (members' requests, invitations to
present now, exhortations to everyone, assignments recalled, the speaker's own promises). Columns: `kind`, `style`,
then `assignee`, `deadline` (as said, "-" for none) and `due` (ISO date, "-" for none), one value per task joined by
" | " in order, "none" in all three where the passage gives no task; then the text. Every passage is said at a
meeting held on 2025-03-14. The part is `unit_sets.part_of_line` of the text (70% development).

Each passage is one segment said by whoever presides (the chair unknown), made into an agenda item by
`ExtractiveGenerator.item`: the classifier's task class and `minutes.slots` as the pipeline runs them. A predicted
task is exact when its assignee is the gold's (`minutes_eval.same_party`) and its deadline too (`same_deadline`),
matched greedily in order, each at most once; exact-task precision, recall and F1 count the tasks found on passages
without one. Slot accuracy pairs the gold tasks of a passage in order with its predicted tasks (`matched`: gold tasks
with a prediction beside them) and counts the assignee and the deadline right of those.

    PYTHONPATH=. .venv/bin/python benchmarks/minutes_tasks.py [--part dev] [--misses misses.tsv]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchmarks import unit_sets
from benchmarks.minutes_eval import same_deadline, same_party
from core.text import nfc
from minutes.extractive import ExtractiveGenerator
from minutes.model import Task

REPO = Path(__file__).resolve().parents[1]
UNITS = REPO / "benchmarks" / "data" / "tasks_vi.tsv"
HELD = date(2025, 3, 14)
"""The day every passage of the set is said."""


@dataclass(frozen=True)
class GoldTask:
    assignee: str
    deadline: str | None
    due: date | None


@dataclass(frozen=True)
class TaskUnit:
    part: str
    kind: str
    style: str
    text: str
    tasks: tuple[GoldTask, ...]


def read_units(path: Path = UNITS) -> list[TaskUnit]:
    """The passages of the unit set with their gold tasks; the part is the hash of the text."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    units = []
    for line in lines[1:]:
        if not line.strip():
            continue
        row = dict(zip(header, line.split("\t"), strict=True))
        tasks: tuple[GoldTask, ...] = ()
        if row["assignee"].strip() != "none":
            columns = [[x.strip() for x in row[f].split(" | ")] for f in ("assignee", "deadline", "due")]
            if len({len(c) for c in columns}) != 1:
                raise ValueError(f"assignee, deadline and due differ in number: {line}")
            tasks = tuple(
                GoldTask(nfc(who), None if when == "-" else nfc(when), None if due == "-" else date.fromisoformat(due))
                for who, when, due in zip(*columns, strict=True)
            )
        text = nfc(row["text"])
        units.append(TaskUnit(unit_sets.part_of_line(text), row["kind"], row["style"], text, tasks))
    return units


def read_tasks(text: str, generator: ExtractiveGenerator) -> list[Task]:
    """The tasks the extractive minutes find in `text`, one segment said by whoever presides."""
    return generator.item([unit_sets.said(text)], title="Phân công", number=1, chair=None, held=HELD).tasks


def _same_assignee(task: Task, gold: GoldTask) -> bool:
    return same_party(task.assignee, gold.assignee)


def _same_deadline(task: Task, gold: GoldTask) -> bool:
    return same_deadline(task.deadline, task.due, gold.deadline, gold.due)


def score(units: Sequence[TaskUnit], predicted: Sequence[Sequence[Task]]) -> dict[str, float]:
    """Exact-task precision, recall and F1, and the slot accuracy of the gold tasks with a prediction beside them."""
    c: Counter[str] = Counter()
    for unit, tasks in zip(units, predicted, strict=True):
        c["gold"] += len(unit.tasks)
        c["predicted"] += len(tasks)
        left = list(tasks)
        for gold in unit.tasks:
            found = next((t for t in left if _same_assignee(t, gold) and _same_deadline(t, gold)), None)
            if found is not None:
                left.remove(found)
                c["exact"] += 1
        for gold, task in zip(unit.tasks, tasks, strict=False):
            c["matched"] += 1
            c["assignee"] += _same_assignee(task, gold)
            c["deadline"] += _same_deadline(task, gold)
        c["false on no-task"] += len(tasks) if not unit.tasks else 0
        c["no-task passages"] += not unit.tasks
    precision, recall, f1 = unit_sets.prf(c["exact"], c["predicted"], c["gold"])
    out = {"passages": float(len(units)), "gold tasks": float(c["gold"]), "predicted": float(c["predicted"])}
    out |= {"exact": float(c["exact"]), "precision": precision, "recall": recall, "F1": f1}
    out |= {"matched": float(c["matched"])}
    out |= {f"{name} acc": c[name] / c["matched"] if c["matched"] else 0.0 for name in ("assignee", "deadline")}
    out |= {"no-task passages": float(c["no-task passages"]), "false on no-task": float(c["false on no-task"])}
    return out


def _written(tasks: Sequence[Task | GoldTask]) -> str:
    """Tasks as the set writes them: assignee, deadline, due, one task per " | "."""
    if not tasks:
        return "none"
    return " | ".join(f"{t.assignee} / {t.deadline or '-'} / {t.due or '-'}" for t in tasks)


def _missed(unit: TaskUnit, tasks: list[Task]) -> list[str]:
    if score([unit], [tasks])["exact"] == len(unit.tasks) == len(tasks):
        return []
    return [f"{_written(unit.tasks)}\t{_written(tasks)}\t{unit.kind}\t{unit.text}"]


def main(argv: Sequence[str] | None = None) -> None:
    generator = ExtractiveGenerator()
    unit_sets.run(
        __doc__.splitlines()[0],
        argv,
        read_units(),
        lambda u: read_tasks(u.text, generator),
        score,
        _missed,
        lambda r: f"exact-task F1 {r['F1']:.3f} ({r['exact']:.0f}/{r['gold tasks']:.0f}, {r['predicted']:.0f} read)",
    )


if __name__ == "__main__":
    main()
