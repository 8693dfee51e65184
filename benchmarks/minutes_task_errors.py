"""Minutes: where the task errors come from, one cause per missed or false task.

Task F1 alone does not say whether the classifier or the slot readers fail on meetings of new kinds. This
counts every error of the extractive minutes against the gold (matching as `minutes_eval._same_task`), each
under one cause:

- missed gold tasks: `nothing read` (none of the chair's sentences of its segment is a task to the classifier, and
  the task reader finds no order in any of them either: no classifier alone would find it), `classifier missed` (the
  reader finds one there, the classifier calls none of them a task), `no party read` (one is, but the reader gave no
  task there), `assignee` (a task is read there, none to this assignee), `deadline` (the assignee is right, the
  deadline is not), `merged` (its segment has fewer tasks read than gold, all taken by the other gold tasks),
  `citation` (the same task is read elsewhere);
- false tasks: `classifier false` (it cites no segment of a gold task), `split` (an extra task in a segment whose
  gold tasks are all found), the rest being the other half of an `assignee`, `deadline` or `citation` error, counted
  once (`PAIRED`).

    .venv/bin/python benchmarks/minutes_task_errors.py [--part dev --part dev-cv] [--meeting NAME ...] [--list]

`--list` prints each error (development meetings only: held-out errors are never looked at one by one).
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from benchmarks import meeting_set
from benchmarks.minutes_eval import _ids, _same_task, kind_folds, load_meeting, same_deadline, same_party
from minutes import sentences
from minutes.classifier import SentenceClassifier, default_classifier
from minutes.extractive import ExtractiveGenerator
from minutes.generate import generate
from minutes.model import Task
from minutes.slots import read_tasks

MISSED = ("nothing read", "classifier missed", "no party read", "assignee", "deadline", "merged", "citation")
FALSE = ("classifier false", "split")
PAIRED = ("assignee", "deadline", "citation")
"""Missed gold tasks whose wrong prediction is a false task too, counted once."""


@dataclass
class _Recording(SentenceClassifier):
    """The classifier the generator uses, keeping what it said of each sentence (texts and chair flags too)."""

    inner: SentenceClassifier = field(default_factory=default_classifier)
    said: list[tuple[str, bool, frozenset[str]]] = field(default_factory=list)
    people: list[str] = field(default_factory=list)

    def classify(
        self,
        texts: Sequence[str],
        chairs: Sequence[bool],
        previous: Sequence[str] | None = None,
        people: Sequence[Sequence[str]] | None = None,
        following: Sequence[str] | None = None,
    ) -> list[frozenset[str]]:
        kinds = self.inner.classify(texts, chairs, previous, people, following)
        self.said = list(zip(texts, chairs, kinds, strict=True))
        self.people = list(people[0]) if people else []
        return kinds


def _due(gold: dict[str, Any]) -> date | None:
    return date.fromisoformat(gold["due"]) if gold.get("due") else None


def causes(
    predicted: Sequence[Task], gold: Sequence[dict[str, Any]], task_segments: set[int], readable: set[int]
) -> list[tuple[str, Any]]:
    """(cause, the gold or predicted task) of each error; `task_segments`: segments where the classifier calls a
    sentence of the chair a task; `readable`: segments where the task reader finds an order in a sentence of the
    chair."""
    used: set[int] = set()
    missed = []
    for g in gold:
        k = next((i for i, p in enumerate(predicted) if i not in used and _same_task(p, g)), None)
        if k is None:
            missed.append(g)
        else:
            used.add(k)
    errors: list[tuple[str, Any]] = []
    for g in missed:
        segs = set(g["source_segments"])
        near = [i for i, p in enumerate(predicted) if i not in used and _ids(p) & segs]
        if near:
            same = [i for i in near if same_party(predicted[i].assignee, g["assignee"])]
            used.add((same or near)[0])
            errors.append(("deadline" if same else "assignee", g))
        elif any(_ids(p) & segs for p in predicted):
            errors.append(("merged", g))
        elif (
            elsewhere := next(
                (
                    i
                    for i, p in enumerate(predicted)
                    if i not in used
                    and same_party(p.assignee, g["assignee"])
                    and same_deadline(p.deadline, p.due, g.get("deadline"), _due(g))
                ),
                None,
            )
        ) is not None:
            used.add(elsewhere)
            errors.append(("citation", g))
        else:
            found = (
                "no party read" if segs & task_segments else "classifier missed" if segs & readable else "nothing read"
            )
            errors.append((found, g))
    gold_segments = {s for g in gold for s in g["source_segments"]}
    for i, p in enumerate(predicted):
        if i not in used:
            errors.append(("split" if _ids(p) & gold_segments else "classifier false", p))
    return errors


def meeting_errors(name: str, classifier: SentenceClassifier | None = None) -> list[tuple[str, Any]]:
    """The task errors of one annotated meeting's extractive minutes."""
    transcript, meta, gold = load_meeting(name)
    recording = _Recording(inner=classifier or default_classifier())
    minutes = generate(transcript, meta, generator=ExtractiveGenerator(classifier=recording))
    spoken = sentences.split([s for s in transcript.segments if s.text.strip()])
    if [s.text for s in spoken] != [t for t, _, _ in recording.said]:
        raise RuntimeError(f"{name}: the classifier saw other sentences than the transcript's")
    task_segments = {
        s.segment.id for s, (_, chair, kind) in zip(spoken, recording.said, strict=True) if chair and "task" in kind
    }
    readable = {  # the reader as the generator calls it, less the titles and the meeting's text
        s.segment.id
        for s, (text, chair, _) in zip(spoken, recording.said, strict=True)
        if chair and read_tasks(text, held=meta.meeting_date, people=recording.people)
    }
    return causes([t for item in minutes.items for t in item.tasks], gold["tasks"], task_segments, readable)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", action="append", choices=("dev", "dev-cv", "heldout"))
    parser.add_argument("--meeting", action="append", help="only these meetings (development ones)")
    parser.add_argument("--list", action="store_true", help="print each error (development only)")
    args = parser.parse_args()
    kind_of = {e.name: e.kind for e in meeting_set.manifest()}
    for part in args.part or ["dev", "dev-cv"]:
        names = meeting_set.names("heldout" if part == "heldout" else "dev")
        names = [n for n in names if not args.meeting or n in args.meeting]
        classifiers = kind_folds() if part == "dev-cv" else {}
        tally: Counter[str] = Counter()
        for name in names:
            errors = meeting_errors(name, classifiers.get(kind_of[name]))
            tally.update(cause for cause, _ in errors)
            if args.list and part != "heldout":
                for cause, task in errors:
                    print(f"  {name:<28} {cause:<18}{task if isinstance(task, dict) else task.model_dump(mode='json')}")
        gold = sum(len(load_meeting(n)[2]["tasks"]) for n in names)
        fn = sum(tally[c] for c in MISSED)
        fp = sum(tally[c] for c in (*FALSE, *PAIRED))
        f1 = 2 * (gold - fn) / (2 * (gold - fn) + fp + fn) if gold or fp else 1.0
        print(f"== {part} ({len(names)} meetings): tasks tp {gold - fn}, fp {fp}, fn {fn}, F1 {f1:.3f}")
        print("   " + ", ".join(f"{c} {tally[c]}" for c in (*MISSED, *FALSE)))


if __name__ == "__main__":
    main()
