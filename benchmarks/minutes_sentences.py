"""Write the training sentences of the minutes classifier from the gold of the DEVELOPMENT meetings only.

Each sentence of a development meeting (as `minutes.sentences.split` cuts it) is labelled with the gold items
whose segments hold it: "vote", "task", "conclusion" (none: procedure or debate), with whether the chair
speaks (as the generator decides it, from the transcript alone). The held-out meetings are never read.

    .venv/bin/python benchmarks/minutes_sentences.py        # writes minutes/data/labelled_sentences.json
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.meeting_set import load, names
from minutes.classifier import LABELS, TRAINING
from minutes.frame import chair_label
from minutes.participants import chairing
from minutes.sentences import previous_said, split


def labelled(name: str) -> list[dict[str, Any]]:
    transcript, meta, gold = load(name)
    meta = meta.model_copy(update={"chair": "", "attendees": []})
    segments = [s for s in transcript.segments if s.text.strip()]
    chair = chair_label(transcript, meta)
    presiding = dict(zip((s.id for s in segments), chairing(segments, chair).presiding, strict=True))
    kinds = {"vote": gold["votes"], "task": gold["tasks"], "conclusion": gold["conclusions"]}
    rows = []
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
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TRAINING)
    args = parser.parse_args()
    rows = [row for name in names("dev") for row in labelled(name)]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    tally = Counter(label for row in rows for label in row["labels"] or ["other"])
    print(f"{len(rows)} sentences of {len(names('dev'))} development meetings -> {args.out}: {dict(tally)}")


if __name__ == "__main__":
    main()
