"""Write the training sentences of the minutes classifier from the gold of the DEVELOPMENT meetings only.

Each sentence of a development meeting (as `minutes.sentences.split` cuts it) is labelled with the gold items
whose segments hold it: "vote", "task", "conclusion", "procedural" (none: debate), with whether the chair
speaks (as the generator decides it, from the transcript alone). The held-out meetings are never read.

    .venv/bin/python benchmarks/minutes_sentences.py        # writes minutes/data/labelled_sentences.json
    .venv/bin/python benchmarks/minutes_sentences.py --cv   # leave-one-kind-out P/R/F1 over a small grid

`--cv` is how the classifier's threshold and regularisation were chosen: each kind of development meeting is
held out in turn, the classifier trained on the others, and the sentences of the held-out kind scored.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.meeting_set import load, manifest, names
from minutes.classifier import LABELS, TRAINING, SentenceClassifier
from minutes.frame import chair_label
from minutes.participants import chairing, mentions
from minutes.sentences import previous_said, split


def labelled(name: str) -> list[dict[str, Any]]:
    transcript, meta, gold = load(name)
    meta = meta.model_copy(update={"chair": "", "attendees": []})
    segments = [s for s in transcript.segments if s.text.strip()]
    chair = chair_label(transcript, meta)
    presiding = dict(zip((s.id for s in segments), chairing(segments, chair).presiding, strict=True))
    kinds = {"vote": gold["votes"], "task": gold["tasks"], "conclusion": gold["conclusions"]}
    kinds["procedural"] = [{"source_segments": gold.get("procedural", [])}]
    rows = []
    people = list(mentions(segments))
    sents = split(segments)
    for k, sentence in enumerate(sents):
        labels = [c for c in LABELS if any(sentence.segment.id in item["source_segments"] for item in kinds[c])]
        who = presiding.get(sentence.segment.id)
        rows.append(
            {
                "meeting": name,
                "text": sentence.text,
                "chair": who is None or sentence.speaker == who,
                "previous": previous_said(sents, k),
                "labels": labels,
                "people": people,
            }
        )
    return rows


def cross_validate(
    rows: list[dict[str, Any]], threshold: float, c: float, cue_weight: float
) -> dict[str, tuple[float, float, float]]:
    """Leave-one-kind-out precision, recall and F1 per class over the development sentences."""
    kind_of = {e.name: e.kind for e in manifest()}
    tally = {label: [0, 0, 0] for label in LABELS}
    for kind in sorted({kind_of[r["meeting"]] for r in rows}):
        train = [r for r in rows if kind_of[r["meeting"]] != kind]
        test = [r for r in rows if kind_of[r["meeting"]] == kind]
        model = SentenceClassifier(threshold=threshold, c=c, cue_weight=cue_weight)
        model.fit([r["text"] for r in train], [r["chair"] for r in train], [r["labels"] for r in train],
                  [r["previous"] for r in train], [r["people"] for r in train])  # fmt: skip
        found = model.classify([r["text"] for r in test], [r["chair"] for r in test], [r["previous"] for r in test],
                               [r["people"] for r in test])  # fmt: skip
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
    args = parser.parse_args()
    rows = [row for name in names("dev") for row in labelled(name)]
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
    print(f"{len(rows)} sentences of {len(names('dev'))} development meetings -> {args.out}: {dict(tally)}")


if __name__ == "__main__":
    main()
