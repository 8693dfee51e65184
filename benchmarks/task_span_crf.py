"""Minutes: would a learned span reader find the assignee of a task better than the rules of `minutes.slots`?

Issue #15's task reader is hand-written and scores far better on the development meetings it was written on than
on meetings of new kinds. This trains a CRF (python-crfsuite, as `asr.punctuation`) to tag the assignee's words in
the segments that give a task, and compares it with `slots.read_tasks` on the same segments:

- training data: every development segment carrying gold tasks; each gold assignee is found in the segment's
  tokens by a fixed procedure (the span, honorific left out, that `minutes_eval.same_party` matches against the
  gold, directly or through the full name `slots` would write; where it occurs more than once, the occurrence right
  before a word of the gold action), tagged B/I, every other token O;
- features: the folded word and its neighbours (two each side, and the pairs), pyvi's part of speech, capitals in
  cased text, honorific, body-head and title lexicons, a word of a name of someone present, the word after an order
  word, an order verb (`cues.TASK_VERB`) here or next, and optionally (`--rule-feature`) the rules' own span;
- scoring: per segment, a gold task is found when a predicted assignee (the span, written with the full name as
  `slots` does) is the same party; extra assignees are false.

Leave-one-kind-out over the development meetings not named by `--test`, then trained on all of them and scored on
the `--test` meetings (meetings written after the rules, scored unseen).

    .venv/bin/python benchmarks/task_span_crf.py [--rule-feature] [--test NAME ...]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pycrfsuite
from pyvi import ViPosTagger, ViTokenizer

from benchmarks import meeting_set
from benchmarks.minutes_eval import Score, same_party
from core.text import nfc
from minutes import slots
from minutes.cues import TASK_VERB, fold
from minutes.participants import mentions, nicknames, titles

Token = tuple[str, int]
"""A word or punctuation mark and where it starts."""
_ORDER_WORDS = frozenset({"giao", "nhờ", "cử", "đề", "yêu", "chỉ", "phân"})
_TITLE_WORDS = frozenset(slots._TITLE_HEADS.replace("|", " ").split())


@dataclass(frozen=True)
class Unit:
    """One segment that gives tasks, with what the reader knows of its meeting."""

    kind: str
    text: str
    gold: list[str]
    """The gold assignees."""
    actions: list[str]
    people: list[str]
    called: dict[str, str]
    held: date | None
    meeting: str
    """The meeting's text, folded (`slots.read_tasks`)."""


def tokens_of(text: str) -> list[Token]:
    return [(m.group(), m.start()) for m in re.finditer(r"\w+|[^\w\s]", text)]


def party_spans(tokens: Sequence[Token], party: str, unit: Unit) -> list[tuple[int, int]]:
    """Token spans that say `party` (honorific left out), the longest at each start, none inside another."""
    words = [w for w, _ in tokens]
    found: list[tuple[int, int]] = []
    for i in range(len(words)):
        if words[i].lower() in slots._HONORIFIC_WORDS:
            continue
        for j in range(min(len(words), i + 9), i, -1):
            said = " ".join(words[i:j])
            if all(w[0].isalnum() for w in words[i:j]) and (
                same_party(said, party) or same_party(slots._full_name(said, unit.people, unit.called), party)
            ):
                found.append((i, j))
                break
    return [s for s in found if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in found)]


def _marks(tokens: Sequence[Token], spans: Sequence[tuple[int, int]]) -> list[str]:
    labels = ["O"] * len(tokens)
    for i, j in spans:
        labels[i : j] = ["B"] + ["I"] * (j - i - 1)  # fmt: skip
    return labels


def gold_labels(unit: Unit) -> list[str]:
    """B/I/O for the gold assignees: of several occurrences, the one right before a word of its action."""
    tokens = tokens_of(unit.text)
    chosen = []
    for party, action in zip(unit.gold, unit.actions, strict=True):
        spans = party_spans(tokens, party, unit)
        first = fold(action).split()[:1]
        near = [(i, j) for i, j in spans if first and first[0] in [fold(w) for w, _ in tokens[j : j + 4]]]
        chosen.extend((near or spans)[:1])
    return _marks(tokens, chosen)


def rule_assignees(unit: Unit) -> list[str]:
    found = slots.read_tasks(unit.text, held=unit.held, people=unit.people, titles=unit.called, meeting=unit.meeting)
    return [t.assignee for t in found]


def features(unit: Unit, rule_marks: Sequence[str] | None) -> list[dict[str, float]]:
    tokens = tokens_of(unit.text)
    cased = any(c.isupper() for c in unit.text)
    folded = fold(unit.text)
    tags: list[str] = []
    words, pos = ViPosTagger.postagging(ViTokenizer.tokenize(unit.text))
    for said, tag in zip(words, pos, strict=True):
        for k, part in enumerate(said.split("_")):
            tags.extend(f"{tag}{'B' if k == 0 else 'I'}" for _ in re.findall(r"\w+|[^\w\s]", part))
    tags = (tags + ["X"] * len(tokens))[: len(tokens)]
    given = {fold(p).split()[-1] for p in unit.people}
    syllables = {s for p in unit.people for s in fold(p).split()}

    def word(i: int) -> str:
        return fold(tokens[i][0]) if 0 <= i < len(tokens) else "<s>" if i < 0 else "</s>"

    rows = []
    for i, (token, at) in enumerate(tokens):
        lower = token.lower()
        row = {f"w{d}={word(i + d)}": 1.0 for d in (-2, -1, 0, 1, 2)}
        row |= {f"w-1w={word(i - 1)}|{word(i)}": 1.0, f"ww+1={word(i)}|{word(i + 1)}": 1.0, f"pos={tags[i]}": 1.0}
        row |= {f"pos-1={tags[i - 1] if i else 'S'}": 1.0, f"pos+1={tags[i + 1] if i + 1 < len(tags) else 'E'}": 1.0}
        flags = {
            "cap": cased and token[:1].isupper(),
            "honorific": lower in slots._HONORIFIC_WORDS,
            "head": lower in slots._HEAD_WORDS,
            "title": lower in _TITLE_WORDS,
            "given": fold(token) in given,
            "name": fold(token) in syllables,
            "after_honorific": i > 0 and tokens[i - 1][0].lower() in slots._HONORIFIC_WORDS,
            "after_order": i > 0 and tokens[i - 1][0].lower() in _ORDER_WORDS,
            "verb": TASK_VERB.match(folded, at) is not None,
            "next_verb": i + 1 < len(tokens) and TASK_VERB.match(folded, tokens[i + 1][1]) is not None,
        }
        row |= {name: 1.0 for name, on in flags.items() if on}
        if rule_marks is not None:
            row |= {f"rule={rule_marks[i]}": 1.0, f"rule-1={rule_marks[i - 1] if i else 'S'}": 1.0}
        rows.append(row)
    return rows


def units(names: Sequence[str]) -> list[Unit]:
    kind_of = {e.name: e.kind for e in meeting_set.manifest()}
    found = []
    for name in names:
        transcript, meta, gold = meeting_set.load(name)
        people = list(mentions(transcript.segments))
        called = titles(transcript.segments) | nicknames(transcript.segments, people)
        meeting = " ".join(fold(s.text) for s in transcript.segments)
        by_segment: dict[int, list[dict[str, str]]] = {}
        for task in gold["tasks"]:
            by_segment.setdefault(task["source_segments"][0], []).append(task)
        for segment, tasks in by_segment.items():
            text = nfc(transcript.segments[segment].text)
            assignees, actions = [t["assignee"] for t in tasks], [t["action"] for t in tasks]
            found.append(Unit(kind_of[name], text, assignees, actions, people, called, meta.meeting_date, meeting))
    return found


def _score(predicted: Sequence[str], gold: Sequence[str]) -> Score:
    used: set[int] = set()
    for party in gold:
        k = next((k for k, p in enumerate(predicted) if k not in used and same_party(p, party)), None)
        if k is not None:
            used.add(k)
    return Score(len(used), len(predicted) - len(used), len(gold) - len(used))


@dataclass(frozen=True)
class Prepared:
    """What scoring a unit needs, computed once: its gold labels, the rules' assignees and the CRF's features."""

    unit: Unit
    labels: list[str]
    rules: list[str]
    rows: list[dict[str, float]]


def prepare(unit: Unit, rule_feature: bool) -> Prepared:
    rules = rule_assignees(unit)
    tokens = tokens_of(unit.text)
    marks = _marks(tokens, [s for a in rules for s in party_spans(tokens, a, unit)[:1]])
    return Prepared(unit, gold_labels(unit), rules, features(unit, marks if rule_feature else None))


def crf_scores(train: Sequence[Prepared], test: Sequence[Prepared], model: Path) -> Score:
    """Trained on `train`, the assignees the CRF tags in `test`, scored against the gold."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for row in train:
        trainer.append(row.rows, row.labels)
    trainer.set_params({"c1": 0.5, "c2": 0.05, "max_iterations": 150, "feature.possible_transitions": True})
    trainer.train(str(model))
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    total = Score()
    for row in test:
        words = [w for w, _ in tokens_of(row.unit.text)]
        said = [" ".join(words[i:j]) for i, j in _spans(tagger.tag(row.rows))]
        total.add(_score([slots._full_name(s, row.unit.people, row.unit.called) for s in said], row.unit.gold))
    return total


def _spans(labels: Sequence[str]) -> list[tuple[int, int]]:
    """Runs of B/I labels (an I after O starts one too)."""
    spans, i = [], 0
    while i < len(labels):
        j = i + 1
        if labels[i] != "O":
            while j < len(labels) and labels[j] == "I":
                j += 1
            spans.append((i, j))
        i = j
    return spans


def rule_scores(test: Sequence[Prepared]) -> Score:
    total = Score()
    for row in test:
        total.add(_score(row.rules, row.unit.gold))
    return total


def _row(label: str, crf: Score, rules: Score) -> str:
    def cell(s: Score) -> str:
        return f"{s.f1:>7.3f}{s.tp:>5}{s.fp:>5}{s.fn:>5}"

    return f"{label:<28}{cell(crf)}   {cell(rules)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rule-feature", action="store_true", help="the rules' span as a feature of the CRF")
    parser.add_argument("--test", action="append", default=[], help="meetings scored unseen (repeatable)")
    args = parser.parse_args()
    development = [
        prepare(u, args.rule_feature) for u in units([n for n in meeting_set.names("dev") if n not in args.test])
    ]
    print(f"{'':<28}{'CRF F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}   {'rule F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}")
    with tempfile.TemporaryDirectory() as folder:
        model = Path(folder) / "assignee.crfsuite"
        crf, rules = Score(), Score()
        for kind in sorted({p.unit.kind for p in development}):
            held_out = [p for p in development if p.unit.kind == kind]
            crf.add(crf_scores([p for p in development if p.unit.kind != kind], held_out, model))
            rules.add(rule_scores(held_out))
        print(_row("development, kind left out", crf, rules))
        summary = f"SUMMARY loko_crf_F1={crf.f1:.3f} loko_rules_F1={rules.f1:.3f}"
        if args.test:
            test = [prepare(u, args.rule_feature) for u in units(args.test)]
            crf, rules = crf_scores(development, test, model), rule_scores(test)
            print(_row("test meetings", crf, rules))
            summary += f" test_crf_F1={crf.f1:.3f} test_rules_F1={rules.f1:.3f}"
    print(summary + f" rule_feature={args.rule_feature}")


if __name__ == "__main__":
    main()
