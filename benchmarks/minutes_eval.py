"""Minutes: cue-phrase precision/recall, citation validity, and generation time for a 3-hour meeting.

1. Cues. `benchmarks/data/minutes_cues_vi.jsonl` holds 61 hand-labelled sentences of Vietnamese
   council meetings (votes, tasks, conclusions, and hard negatives: members' requests, reports of
   past work, "kết luận của Thanh tra"), each with who speaks (chair or member). Precision and
   recall per class; for tasks also the assignee and deadline read exactly, for votes the counts.
2. Faithfulness. The extractive minutes of the council meeting fixture (tests/minutes/data) and of
   the 3-hour transcript: the share of statements whose cited segments all exist (must be 100%).
3. Speed. A 3-hour transcript (~30 000 words) made of the fixture meeting repeated with shifted
   times; the baseline is pyvi word segmentation alone over the same text, the floor of any
   generator that reads Vietnamese words.

    .venv/bin/python benchmarks/minutes_eval.py
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from core.transcript import Segment, Transcript
from minutes.cues import find_task, find_vote, is_conclusion
from minutes.generate import generate
from minutes.model import Minutes, MinutesMeta
from minutes.sentences import content_words, split

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "benchmarks" / "data" / "minutes_cues_vi.jsonl"
MEETING = ROOT / "tests" / "minutes" / "data" / "council_meeting.json"
META = ROOT / "tests" / "minutes" / "data" / "council_meeting_meta.json"
CLASSES = ("vote", "task", "conclusion")


def cue_scores() -> tuple[dict[str, tuple[int, int, int]], dict[str, tuple[int, int]]]:
    """Per class (tp, fp, fn); per field (exact, of) for task assignee/deadline and vote counts."""
    counts = {c: [0, 0, 0] for c in CLASSES}
    fields = {"task assignee": [0, 0], "task deadline": [0, 0], "vote counts": [0, 0]}
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        chair, text, gold = row["chair"], row["text"], set(row["labels"])
        vote = find_vote(text, chair=chair)
        task = find_task(text, chair=chair, year=2025)
        found = {"vote": vote is not None, "task": task is not None, "conclusion": is_conclusion(text, chair=chair)}
        for c in CLASSES:
            if found[c] or c in gold:  # true positive, false positive or false negative
                counts[c][0 if found[c] and c in gold else 1 if found[c] else 2] += 1
        if task is not None and "task" in row:
            fields["task assignee"][0] += task.assignee == row["task"]["assignee"]
            fields["task deadline"][0] += (task.deadline.text if task.deadline else None) == row["task"]["deadline"]
        if "task" in row:
            fields["task assignee"][1] += 1
            fields["task deadline"][1] += 1
        if "vote" in row:
            fields["vote counts"][1] += 1
            if vote is not None:
                got = {
                    "in_favour": vote.in_favour,
                    "against": vote.against,
                    "abstain": vote.abstain,
                    "total": vote.total,
                }
                fields["vote counts"][0] += all(got[k] == row["vote"].get(k) for k in got)
    return {c: (v[0], v[1], v[2]) for c, v in counts.items()}, {k: (v[0], v[1]) for k, v in fields.items()}


def citation_validity(minutes: Minutes, transcript: Transcript) -> tuple[int, int]:
    """(statements whose cited segments all exist, statements)."""
    ids = {s.id for s in transcript.segments}
    cited = [
        c for item in minutes.items for c in [item, *item.interventions, *item.conclusions, *item.votes, *item.tasks]
    ]
    return sum(all(r.id in ids for r in c.source_segments) and bool(c.source_segments) for c in cited), len(cited)


def long_meeting(meeting: Transcript, hours: float, words: int) -> Transcript:
    """The meeting repeated until `words` words, times stretched to last `hours` hours."""
    per_copy = sum(len(s.text.split()) for s in meeting.segments)
    copies = -(-words // per_copy)
    span = hours * 3600 / copies
    scale = span / meeting.duration
    segments = [
        Segment(id=k * len(meeting.segments) + s.id, start=k * span + s.start * scale, end=k * span + s.end * scale,
                text=s.text, speaker=s.speaker)
        for k in range(copies)
        for s in meeting.segments
    ]  # fmt: skip
    return meeting.model_copy(update={"segments": segments, "duration": hours * 3600})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=3.0)
    parser.add_argument("--words", type=int, default=30_000)
    args = parser.parse_args()

    per_class, fields = cue_scores()
    print(f"{'cue':<12}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}")
    f1s = {}
    for c, (tp, fp, fn) in per_class.items():
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1s[c] = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{c:<12}{p:>7.3f}{r:>7.3f}{f1s[c]:>7.3f}{tp:>5}{fp:>5}{fn:>5}")
    for name, (ok, of) in fields.items():
        print(f"{name:<24}{ok}/{of} exact")

    meeting = Transcript.model_validate_json(MEETING.read_text(encoding="utf-8"))
    meta = MinutesMeta.model_validate_json(META.read_text(encoding="utf-8"))
    valid_fixture = citation_validity(generate(meeting, meta), meeting)

    long = long_meeting(meeting, args.hours, args.words)
    n_words = sum(len(s.text.split()) for s in long.segments)
    started = time.perf_counter()
    for sentence in split(long.segments):
        content_words(sentence.text)
    baseline_s = time.perf_counter() - started
    started = time.perf_counter()
    minutes = generate(long, meta)
    ours_s = time.perf_counter() - started
    valid_long = citation_validity(minutes, long)

    print()
    print(f"{'run':<34}{'seconds':>9}{'x real time':>13}{'vs baseline':>13}")
    print(f"{'baseline: pyvi words only':<34}{baseline_s:>9.2f}{long.duration / baseline_s:>13.0f}{1.0:>13.2f}")
    print(f"{'extractive minutes':<34}{ours_s:>9.2f}{long.duration / ours_s:>13.0f}{ours_s / baseline_s:>13.2f}")
    print(f"transcript: {args.hours:g} h, {n_words} words, {len(long.segments)} segments, {len(minutes.items)} items")
    print(f"citations valid: fixture {valid_fixture[0]}/{valid_fixture[1]}, 3-hour {valid_long[0]}/{valid_long[1]}")
    print(
        "SUMMARY "
        + " ".join(f"{c}_F1={f1s[c]:.3f}" for c in CLASSES)
        + f" citations_valid={(valid_fixture[0] + valid_long[0]) / (valid_fixture[1] + valid_long[1]):.3f}"
        + f" extractive_3h={ours_s:.2f}s ({ours_s / baseline_s:.2f}x pyvi-only baseline {baseline_s:.2f}s,"
        + f" {long.duration / ours_s:.0f}x real time)"
    )


if __name__ == "__main__":
    main()
