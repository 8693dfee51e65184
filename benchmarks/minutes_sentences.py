"""Write the training sentences of the minutes classifier from the gold of the DEVELOPMENT meetings and of the
development passages of three unit sets only.

Each sentence of a development meeting (as `minutes.sentences.split` cuts it) is labelled with the gold items
whose segments hold it: "vote", "task", "conclusion", "procedural" (none: debate), with whether the chair
speaks (as the generator decides it, from the transcript alone). The held-out meetings are never read.

The development passages (`unit_sets.part_of_line`) of the task, vote and conclusion unit sets, written by blind
authors in wordings no rule was tuned on, add rows by a fixed procedure from each set's own gold, never from system
output. Each passage is read as its benchmark reads it (the same segments, speaker and chair: whoever presides says
a task or vote passage, the chair unknown, so every sentence is the chair's; a conclusion passage's sentences are
said by the chair or a member, the chair known), and a row teaches only its set's class (`known`), weighing
`UNIT_WEIGHT`:
- tasks: in a passage with gold tasks, the sentences naming a gold assignee or deadline (folded), every sentence
  where none does; the other sentences and every sentence of a passage without a task are no task;
- votes: every sentence of a passage with a gold vote is a vote (a vote cites its call, counts and result), every
  sentence of one without is none;
- conclusions: each sentence by its gold.
The chairs set labels names, not sentences, and gives no rows.

    .venv/bin/python benchmarks/minutes_sentences.py        # writes minutes/data/labelled_sentences.json
    .venv/bin/python benchmarks/minutes_sentences.py --cv   # leave-one-kind-out P/R/F1 over a small grid

`--cv` is how the classifier's threshold and regularisation were chosen: each kind of development meeting is
held out in turn, the classifier trained on the others (and on every unit-set row, which is no meeting), and the
sentences of the held-out kind scored.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import minutes_conclusions, minutes_tasks, minutes_votes, unit_sets
from benchmarks.meeting_set import load, manifest, names
from core.transcript import Segment
from minutes.classifier import LABELS, TRAINING, SentenceClassifier
from minutes.cues import fold
from minutes.frame import chair_label
from minutes.participants import chairing, mentions
from minutes.sentences import Sentence, next_said, previous_said, split

UNIT_WEIGHT = 0.25
"""The weight of a unit-set row against a meeting's sentence (chosen on dev-cv: ARCHITECTURE, issue 15)."""


def labelled(name: str) -> list[dict[str, Any]]:
    transcript, meta, gold = load(name)
    meta = meta.model_copy(update={"chair": "", "attendees": []})
    segments = [s for s in transcript.segments if s.text.strip()]
    presiding = chairing(segments, chair_label(transcript, meta)).presiding
    kinds = {"vote": gold["votes"], "task": gold["tasks"], "conclusion": gold["conclusions"]}
    kinds["procedural"] = [{"source_segments": gold.get("procedural", [])}]

    def labels(sentence: Sentence) -> list[str]:
        return [c for c in LABELS if any(sentence.segment.id in item["source_segments"] for item in kinds[c])]

    return [{"meeting": name, **row} for row in _rows(segments, presiding, labels)]


def _rows(
    segments: Sequence[Segment], presiding: Sequence[str | None], labels: Callable[[Sentence], list[str]]
) -> list[dict[str, Any]]:
    """What the classifier reads of each sentence of `segments` (whether whoever presides over its segment says it,
    everyone where unknown; the sentences before and after by the same speaker; who is present), with its `labels`."""
    chair_of = {id(s): who for s, who in zip(segments, presiding, strict=True)}
    people = list(mentions(segments))
    sents = split(segments)
    return [
        {
            "text": sentence.text,
            "chair": (who := chair_of[id(sentence.segment)]) is None or sentence.speaker == who,
            "previous": previous_said(sents, k),
            "next": next_said(sents, k),
            "labels": labels(sentence),
            "people": people,
        }
        for k, sentence in enumerate(sents)
    ]


def unit_rows(
    weight: float = UNIT_WEIGHT,
    *,
    tasks: Sequence[minutes_tasks.TaskUnit] | None = None,
    votes: Sequence[minutes_votes.VoteUnit] | None = None,
    conclusions: Sequence[minutes_conclusions.ConclusionUnit] | None = None,
) -> list[dict[str, Any]]:
    """The rows of the development passages of the task, vote and conclusion unit sets (or of the passages given),
    each read as its benchmark reads it, labelled by the set's own gold for its own class only (`known`; the module
    docstring)."""
    if tasks is None:
        tasks = [u for u in minutes_tasks.read_units() if u.part == "dev"]
    if votes is None:
        votes = [u for u in minutes_votes.read_units() if u.part == "dev"]
    if conclusions is None:
        conclusions = [u for u in minutes_conclusions.read_units() if u.part == "dev"]
    rows = []
    for task_unit in tasks:
        rows += _unit_rows([unit_sets.said(task_unit.text)], None, "task", weight, _task_sentences(task_unit))
    for vote_unit in votes:
        rows += _unit_rows([unit_sets.said(vote_unit.text)], None, "vote", weight, _vote_sentences(vote_unit))
    for unit in conclusions:
        segments = minutes_conclusions.passage(unit)
        rows += _unit_rows(segments, minutes_conclusions.CHAIR, "conclusion", weight, _conclusion_sentences(unit))
    return rows


def _unit_rows(
    segments: list[Segment], chair: str | None, label: str, weight: float, holds: Callable[[Sentence], bool]
) -> list[dict[str, Any]]:
    presiding = chairing(segments, chair).presiding if chair is not None else [None] * len(segments)
    rows = _rows(segments, presiding, lambda s: [label] if holds(s) else [])
    return [{"meeting": "", **row, "known": [label], "weight": weight} for row in rows]


def _task_sentences(unit: minutes_tasks.TaskUnit) -> Callable[[Sentence], bool]:
    """Which sentences of a task passage hold its gold tasks: those naming a gold assignee or deadline (folded),
    every one where none does; none of a passage without a task."""
    said = [fold(x) for t in unit.tasks for x in (t.assignee, t.deadline) if x]
    sents = split([unit_sets.said(unit.text)])
    naming = {s.text for s in sents if any(x in fold(s.text) for x in said)}
    return lambda s: bool(unit.tasks) and (s.text in naming or not naming)


def _vote_sentences(unit: minutes_votes.VoteUnit) -> Callable[[Sentence], bool]:
    """Every sentence of a passage with a gold vote holds it (its call, counts and result); none of one without."""
    return lambda _: bool(unit.votes)


def _conclusion_sentences(unit: minutes_conclusions.ConclusionUnit) -> Callable[[Sentence], bool]:
    """Each sentence of a conclusion passage (one segment each) by its gold."""
    return lambda s: unit.gold[s.segment.id]


def cross_validate(
    rows: list[dict[str, Any]], threshold: float, c: float, cue_weight: float
) -> dict[str, tuple[float, float, float]]:
    """Leave-one-kind-out precision, recall and F1 per class over the development sentences, one `threshold` for
    every class (the grid of `c` and the cue weight; `classifier.THRESHOLDS` then sets each class's own)."""
    kind_of = {e.name: e.kind for e in manifest()}
    tally = {label: [0, 0, 0] for label in LABELS}
    for kind in sorted({kind_of[r["meeting"]] for r in rows if r["meeting"]}):
        train = [r for r in rows if kind_of.get(r["meeting"]) != kind]
        test = [r for r in rows if kind_of.get(r["meeting"]) == kind]
        shared = dict.fromkeys(LABELS, threshold)
        model = SentenceClassifier(thresholds=shared, c=c, cue_weight=cue_weight).fit_rows(train)
        found = model.classify([r["text"] for r in test], [r["chair"] for r in test], [r["previous"] for r in test],
                               [r["people"] for r in test], [r["next"] for r in test])  # fmt: skip
        for row, labels in zip(test, found, strict=True):
            for label in LABELS:
                said, got = label in row["labels"], label in labels
                if said or got:
                    tally[label][0 if said and got else 1 if got else 2] += 1
    scores = {}
    for label, (tp, fp, fn) in tally.items():
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        scores[label] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TRAINING)
    parser.add_argument("--cv", action="store_true", help="cross-validate over a grid instead of writing")
    parser.add_argument("--unit-weight", type=float, default=UNIT_WEIGHT, help="weight of the unit-set rows (0: none)")
    args = parser.parse_args()
    rows = [row for name in names("dev") for row in labelled(name)]
    rows += unit_rows(args.unit_weight) if args.unit_weight else []
    if args.cv:
        print(f"{'threshold':>9}{'C':>6}{'cues':>6}" + "".join(f"{label + ' P/R/F1':>24}" for label in LABELS))
        best = (0.0, 0.0, 0.0, 0.0)
        for threshold in (0.3, 0.4):
            for c in (4.0, 16.0):
                for cue_weight in (1.0, 2.0):
                    scores = cross_validate(rows, threshold, c, cue_weight)
                    cells = "".join(f"{'/'.join(f'{x:.2f}' for x in scores[label]):>24}" for label in LABELS)
                    print(f"{threshold:>9}{c:>6}{cue_weight:>6}{cells}")
                    mean = sum(scores[label][2] for label in LABELS) / len(LABELS)
                    best = max(best, (mean, threshold, c, cue_weight))
        print(
            f"SUMMARY best mean F1={best[0]:.3f} at threshold={best[1]} C={best[2]} cue weight={best[3]}"
            " (leave-one-kind-out, dev only)"
        )
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    tally = Counter(label for row in rows for label in row["labels"] or ["other"])
    print(
        f"{len(rows)} sentences of {len(names('dev'))} development meetings and unit sets -> {args.out}: {dict(tally)}"
    )


if __name__ == "__main__":
    main()
