"""Minutes: would a learned span reader find the assignee and the deadline of a task better than `minutes.slots`?

Issue #15's task reader is hand-written and scores far better on the development meetings it was written on than
on meetings of new kinds. This trains two CRFs (python-crfsuite, as `asr.punctuation`), one tagging the assignee's
words and one the deadline's in the segments that give a task, and compares them with `slots.read_tasks` on the
same segments:

- training data: every development segment carrying gold tasks; each gold assignee is found in the segment's
  tokens by a fixed procedure (the span, honorific left out, that `minutes_eval.same_party` matches against the
  gold, directly or through the full name `slots` would write; where it occurs more than once, the occurrence right
  before a word of the gold action), tagged B/I, every other token O; each gold deadline (the phrase as spoken) is
  found by a fixed procedure too: its first occurrence in the segment, case aside; else the shortest token span
  (twelve tokens at most, the earliest) whose words (`minutes_eval.deadline_words`: folded, numbers as digits) are
  the gold's; else it is left untagged (counted: `unfound`);
- features: the folded word and its neighbours (two each side, and the pairs), pyvi's part of speech, capitals in
  cased text, honorific, body-head and title lexicons, a word of a name of someone present, the word after an order
  word, an order verb (`cues.TASK_VERB`) here or next, and optionally (`--rule-feature`) the rules' own span;
- scoring: per segment, a gold task is found when a predicted assignee (the span, written with the full name as
  `slots` does) is the same party; extra assignees are false. Deadlines: a tagged deadline span is given to the
  assignee right before it (the first span after the assignee's words and before the next assignee's, else the
  last span before them; an assignee not found in the words takes the segment's only span), its due date read by
  `cues.find_deadline` on the span; of the gold tasks whose assignee a reader finds, how many have the deadline
  right (`same_deadline`), for the rules, the CRFs, and the rules' assignees with the CRF's deadlines.

Ten folds of kinds (`GroupKFold`, as `minutes_eval.kind_folds`; one fold per kind, ~190 kinds, took too long) over
the development meetings not named by `--test`, then trained on all of them and scored on the `--test` meetings
(meetings written after the rules, scored unseen: totals only).

    .venv/bin/python benchmarks/task_span_crf.py [--rule-feature] [--test NAME ...]

With `--rule-feature` the rules' own spans (assignee; deadline) are features of the two CRFs.
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
from sklearn.model_selection import GroupKFold

from benchmarks import meeting_set
from benchmarks.minutes_eval import Score, deadline_words, same_deadline, same_party
from core.text import nfc
from minutes import slots
from minutes.cues import TASK_VERB, Deadline, find_deadline, fold
from minutes.participants import mentions, nicknames, titles

Token = tuple[str, int]
"""A word or punctuation mark and where it starts."""
Span = tuple[int, int]
"""Tokens i..j-1."""
Rows = list[dict[str, float]]
_ORDER_WORDS = frozenset({"giao", "nhờ", "cử", "đề", "yêu", "chỉ", "phân"})
_TITLE_WORDS = frozenset(slots._TITLE_HEADS.replace("|", " ").split())


def tokens_of(text: str) -> list[Token]:
    return [(m.group(), m.start()) for m in re.finditer(r"\w+|[^\w\s]", text)]


def span_text(text: str, tokens: Sequence[Token], span: Span) -> str:
    """The words of `span` (over `tokens` of `text`) as written in `text`."""
    return text[tokens[span[0]][1] : tokens[span[1] - 1][1] + len(tokens[span[1] - 1][0])]  # fmt: skip


def deadline_of(text: str, span: Span, held: date | None) -> Deadline:
    """A tagged deadline span as said, with the date `cues.find_deadline` reads in it (none where it reads none)."""
    tokens = tokens_of(text)
    words = span_text(text, tokens, span)
    cue = find_deadline(words, held=held)
    return Deadline(words, tokens[span[0]][1], cue.due if cue is not None else None)


def marks(tokens: Sequence[Token], spans: Sequence[Span]) -> list[str]:
    labels = ["O"] * len(tokens)
    for i, j in spans:
        labels[i : j] = ["B"] + ["I"] * (j - i - 1)  # fmt: skip
    return labels


def spans_of(labels: Sequence[str]) -> list[Span]:
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


def attach(owners: Sequence[Span | None], deadlines: Sequence[Span]) -> list[Span | None]:
    """Each owner's deadline span: the first after it and before the next owner, else the last before it; an owner
    not found in the words takes the only span."""
    placed = sorted(s[0] for s in owners if s is not None)
    found: list[Span | None] = []
    for span in owners:
        if span is None:
            found.append(deadlines[0] if len(deadlines) == 1 else None)
            continue
        following = next((a for a in placed if a > span[0]), None)
        after = [d for d in deadlines if d[0] >= span[1] and (following is None or d[0] < following)]
        before = [d for d in deadlines if d[1] <= span[0]]
        found.append(after[0] if after else before[-1] if before else None)
    return found


def features(text: str, people: Sequence[str], rule_marks: Sequence[str] | None = None) -> Rows:
    tokens = tokens_of(text)
    cased = any(c.isupper() for c in text)
    folded = fold(text)
    tags: list[str] = []
    words, pos = ViPosTagger.postagging(ViTokenizer.tokenize(text))
    for word_said, tag in zip(words, pos, strict=True):
        for k, part in enumerate(word_said.split("_")):
            tags.extend(f"{tag}{'B' if k == 0 else 'I'}" for _ in re.findall(r"\w+|[^\w\s]", part))
    tags = (tags + ["X"] * len(tokens))[: len(tokens)]
    given = {fold(p).split()[-1] for p in people}
    syllables = {s for p in people for s in fold(p).split()}

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


def trained_tagger(rows: Sequence[Rows], labels: Sequence[list[str]], model: Path) -> pycrfsuite.Tagger:
    """A CRF trained on the rows and their labels, saved to `model` and opened."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for row, label in zip(rows, labels, strict=True):
        trainer.append(row, label)
    trainer.set_params({"c1": 0.5, "c2": 0.05, "max_iterations": 150, "feature.possible_transitions": True})
    trainer.train(str(model))
    opened = pycrfsuite.Tagger()
    opened.open(str(model))
    return opened


Read = tuple[str, str | None, date | None]
"""A task as a reader reads it: assignee, deadline as said, its due date."""
_DEADLINE_TOKENS = 12


@dataclass(frozen=True)
class Unit:
    """One segment that gives tasks, with what the reader knows of its meeting."""

    kind: str
    text: str
    gold: list[str]
    """The gold assignees."""
    actions: list[str]
    deadlines: list[str | None]
    dues: list[date | None]
    people: list[str]
    called: dict[str, str]
    held: date | None
    meeting: str
    """The meeting's text, folded (`slots.read_tasks`)."""


def party_spans(tokens: Sequence[Token], party: str, unit: Unit) -> list[Span]:
    """Token spans that say `party` (honorific left out), the longest at each start, none inside another."""
    words = [w for w, _ in tokens]
    found: list[Span] = []
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


def deadline_span(tokens: Sequence[Token], text: str, deadline: str) -> Span | None:
    """Where the gold `deadline` is said (the module's docstring): as written, case aside; else the shortest,
    earliest token span saying its words."""
    at = text.lower().find(nfc(deadline).lower().strip())
    starts = [k for k, (_, s) in enumerate(tokens) if s == at]
    ends = [k + 1 for k, (w, s) in enumerate(tokens) if s + len(w) == at + len(deadline.strip())]
    if at >= 0 and starts and ends:
        return starts[0], ends[0]
    wanted = deadline_words(deadline)
    for size in range(1, _DEADLINE_TOKENS + 1):
        for i in range(len(tokens) - size + 1):
            if deadline_words(span_text(text, tokens, (i, i + size))) == wanted:
                return i, i + size
    return None


def gold_labels(unit: Unit) -> list[str]:
    """B/I/O for the gold assignees: of several occurrences, the one right before a word of its action."""
    tokens = tokens_of(unit.text)
    chosen = []
    for party, action in zip(unit.gold, unit.actions, strict=True):
        spans = party_spans(tokens, party, unit)
        first = fold(action).split()[:1]
        near = [(i, j) for i, j in spans if first and first[0] in [fold(w) for w, _ in tokens[j : j + 4]]]
        chosen.extend((near or spans)[:1])
    return marks(tokens, chosen)


def gold_deadline_spans(unit: Unit) -> tuple[list[Span], int]:
    """The gold deadlines' spans (each said once), and how many gold deadlines were not found in the words."""
    tokens = tokens_of(unit.text)
    said = {d for d in unit.deadlines if d}
    spans = {s for d in said if (s := deadline_span(tokens, unit.text, d)) is not None}
    return sorted(spans), len(said) - len(spans)


def rule_tasks(unit: Unit) -> list[slots.TaskSlots]:
    return slots.read_tasks(unit.text, held=unit.held, people=unit.people, titles=unit.called, meeting=unit.meeting)


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
            deadlines = [t.get("deadline") for t in tasks]
            dues = [date.fromisoformat(t["due"]) if t.get("due") else None for t in tasks]
            found.append(
                Unit(
                    kind_of[name],
                    text,
                    assignees,
                    actions,
                    deadlines,
                    dues,
                    people,
                    called,
                    meta.meeting_date,
                    meeting,
                )
            )
    return found


def _score(predicted: Sequence[str], gold: Sequence[str]) -> Score:
    used: set[int] = set()
    for party in gold:
        k = next((k for k, p in enumerate(predicted) if k not in used and same_party(p, party)), None)
        if k is not None:
            used.add(k)
    return Score(len(used), len(predicted) - len(used), len(gold) - len(used))


def deadline_right(predicted: Sequence[Read], unit: Unit) -> tuple[int, int]:
    """(gold tasks whose assignee the reader finds, of which the deadline is right): one to one, in order."""
    used: set[int] = set()
    found = right = 0
    for party, said, due in zip(unit.gold, unit.deadlines, unit.dues, strict=True):
        k = next((k for k, p in enumerate(predicted) if k not in used and same_party(p[0], party)), None)
        if k is not None:
            used.add(k)
            found += 1
            right += same_deadline(predicted[k][1], predicted[k][2], said, due)
    return found, right


def _said(unit: Unit, span: Span | None) -> tuple[str | None, date | None]:
    """A deadline span as said, and the date `cues.find_deadline` reads in it."""
    if span is None:
        return None, None
    found = deadline_of(unit.text, span, unit.held)
    return found.text, found.due


@dataclass(frozen=True)
class Prepared:
    """What scoring a unit needs, computed once: its gold labels, the rules' tasks and the CRFs' features."""

    unit: Unit
    labels: list[str]
    deadline_labels: list[str]
    unfound: int
    rules: list[Read]
    rule_spans: list[Span | None]
    """Where each of the rules' assignees is said (its first occurrence)."""
    rows: list[dict[str, float]]
    deadline_rows: list[dict[str, float]]


def prepare(unit: Unit, rule_feature: bool) -> Prepared:
    tasks = rule_tasks(unit)
    tokens = tokens_of(unit.text)
    rules = [
        (t.assignee, t.deadline.text if t.deadline else None, t.deadline.due if t.deadline else None) for t in tasks
    ]
    rule_spans = [next(iter(party_spans(tokens, t.assignee, unit)), None) for t in tasks]
    said = {t.deadline.text for t in tasks if t.deadline}
    deadline_marks = marks(tokens, [s for d in said if (s := deadline_span(tokens, unit.text, d)) is not None])
    rule_marks = marks(tokens, [s for s in rule_spans if s is not None])
    spans, unfound = gold_deadline_spans(unit)
    return Prepared(
        unit,
        gold_labels(unit),
        marks(tokens, spans),
        unfound,
        rules,
        rule_spans,
        features(unit.text, unit.people, rule_marks if rule_feature else None),
        features(unit.text, unit.people, deadline_marks if rule_feature else None),
    )


@dataclass
class Scores:
    """Per reader: assignee (tp, fp, fn), and (assignee found, deadline right) of the gold tasks."""

    crf: Score
    rules: Score
    crf_deadline: list[int]
    rules_deadline: list[int]
    mixed_deadline: list[int]
    """The rules' assignees with the CRF's deadlines."""

    @classmethod
    def empty(cls) -> Scores:
        return cls(Score(), Score(), [0, 0], [0, 0], [0, 0])

    def add(self, other: Scores) -> None:
        self.crf.add(other.crf)
        self.rules.add(other.rules)
        for mine, theirs in (
            (self.crf_deadline, other.crf_deadline),
            (self.rules_deadline, other.rules_deadline),
            (self.mixed_deadline, other.mixed_deadline),
        ):
            mine[0] += theirs[0]
            mine[1] += theirs[1]


def scores(train: Sequence[Prepared], test: Sequence[Prepared], folder: Path) -> Scores:
    """Trained on `train`, the CRFs' assignees and deadlines in `test` and the rules', scored against the gold."""
    who = trained_tagger([p.rows for p in train], [p.labels for p in train], folder / "assignee.crfsuite")
    when = trained_tagger(
        [p.deadline_rows for p in train], [p.deadline_labels for p in train], folder / "deadline.crfsuite"
    )
    total = Scores.empty()
    for row in test:
        unit = row.unit
        words = [w for w, _ in tokens_of(unit.text)]
        spans = spans_of(who.tag(row.rows))
        deadlines = spans_of(when.tag(row.deadline_rows))
        parties = [slots._full_name(" ".join(words[i:j]), unit.people, unit.called) for i, j in spans]
        crf = [(p, *_said(unit, d)) for p, d in zip(parties, attach(spans, deadlines), strict=True)]
        mixed = [(r[0], *_said(unit, d)) for r, d in zip(row.rules, attach(row.rule_spans, deadlines), strict=True)]
        found = Scores(
            _score(parties, unit.gold),
            _score([r[0] for r in row.rules], unit.gold),
            list(deadline_right(crf, unit)),
            list(deadline_right(row.rules, unit)),
            list(deadline_right(mixed, unit)),
        )
        total.add(found)
    return total


def _rows(label: str, s: Scores) -> list[str]:
    def cell(score: Score) -> str:
        return f"{score.f1:>7.3f}{score.tp:>5}{score.fp:>5}{score.fn:>5}"

    def rate(pair: Sequence[int]) -> str:
        return f"{pair[1] / max(pair[0], 1):>7.3f} {pair[1]:>4}/{pair[0]:<4}"

    return [
        f"{label:<28}{cell(s.crf)}   {cell(s.rules)}",
        f"{'  deadline right of found':<28}{rate(s.crf_deadline)}    {rate(s.rules_deadline)}"
        f"   rules' assignees, CRF deadlines {rate(s.mixed_deadline)}",
    ]


def _summary(part: str, s: Scores) -> str:
    return (
        f" {part}_crf_F1={s.crf.f1:.3f} {part}_rules_F1={s.rules.f1:.3f}"
        f" {part}_crf_deadline={s.crf_deadline[1] / max(s.crf_deadline[0], 1):.3f}"
        f" {part}_rules_deadline={s.rules_deadline[1] / max(s.rules_deadline[0], 1):.3f}"
        f" {part}_mixed_deadline={s.mixed_deadline[1] / max(s.mixed_deadline[0], 1):.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rule-feature", action="store_true", help="the rules' spans as features of the CRFs")
    parser.add_argument("--test", action="append", default=[], help="meetings scored unseen (repeatable)")
    args = parser.parse_args()
    development = [
        prepare(u, args.rule_feature) for u in units([n for n in meeting_set.names("dev") if n not in args.test])
    ]
    print(f"development deadlines not found in their segment's words: {sum(p.unfound for p in development)}")
    print(f"{'':<28}{'CRF F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}   {'rule F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        total = Scores.empty()
        kinds = [p.unit.kind for p in development]
        for _, held_out in GroupKFold(n_splits=10).split(development, groups=kinds):
            unseen = {kinds[i] for i in held_out}
            train = [p for p in development if p.unit.kind not in unseen]
            total.add(scores(train, [p for p in development if p.unit.kind in unseen], folder))
        print("\n".join(_rows("development, folds of kinds", total)))
        summary = "SUMMARY" + _summary("folds", total)
        if args.test:
            test = scores(development, [prepare(u, args.rule_feature) for u in units(args.test)], folder)
            print("\n".join(_rows("test meetings", test)))
            summary += _summary("test", test)
    print(summary + f" rule_feature={args.rule_feature}")


if __name__ == "__main__":
    main()
