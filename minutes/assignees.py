"""Who a task sentence gives the task to: a CRF tagger over its words, learned from the development meetings' gold.

The hand-written slot readers (`minutes.slots`) were shaped on the development wordings and miss new ones
(issue 15: tasks F1 0.96 leave-one-kind-out, 0.59 on the held-out kinds). This tagger marks the assignee
span(s) of a sentence with BIO tags (python-crfsuite, as `asr.punctuation`) from features that carry over
between kinds of meeting: the word and its folded form, pyvi's part of speech, capitals, whether the word
belongs to the name of a person present, heads of bodies' names and honorifics, neighbours, the distance from
the last order verb ("giao", "đề nghị" …). Its training rows are the sentences of
`minutes/data/labelled_sentences.json`, the gold assignee aligned to the words by
`benchmarks/minutes_sentences.py`; it is trained at first use, like the sentence classifier. What follows an
assignee up to the next one is its action; the deadline is read there (`cues.find_deadline`), else before it.
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pycrfsuite
from pyvi import ViPosTagger, ViTokenizer

from core.text import nfc
from minutes.classifier import TRAINING
from minutes.cues import Deadline, find_deadline, fold
from minutes.slots import TaskSlots, full_name

_TOKEN = re.compile(r"\w+|[^\w\s]")
_CALLED = re.compile(r"(?:[\s,]+(?:đồng chí|anh|chị|ông|bà|cô|thầy|em|bác|chú|bạn|đại biểu))+$", re.IGNORECASE)
_ORDER = frozenset({"giao", "de nghi", "yeu cau", "chi dao", "nho", "cu", "phan cong", "de", "cho"})
"""Words (folded) an order's party follows; their distance is a feature, the tagger learns how much it says."""
_HONORIFICS = frozenset({"anh", "chi", "ong", "ba", "thay", "co", "em", "bac", "chu", "dong chi", "ban", "dai bieu"})
_HEADS_TEXT = """
    so ban phong van uy ubnd cong an thuong truc cac chi cuc trung tam thanh tra to hoi dong bo truong khoa vu doan
    huyen xa thon lanh dao chu tich giam doc chanh nganh pho ke toan thu quy bi thu ky doi nhom khoi hop tac nha thau
    don vi
"""
_HEADS = frozenset(_HEADS_TEXT.split())
"""Folded words bodies' names and titles start with (a feature, not a rule)."""


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """Words and punctuation marks of `text` (NFC) with their character spans."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _pos_tags(text: str, words: Sequence[Token]) -> list[str]:
    """pyvi's tag of the word each token is in, "B-"/"I-" for its first or a later syllable."""
    pieces, tags = ViPosTagger.postagging(ViTokenizer.tokenize(text))
    at: dict[int, str] = {}
    position = 0
    for piece, tag in zip(pieces, tags, strict=True):
        for k, syllable in enumerate(piece.split("_")):
            found = text.find(syllable, position)
            if found < 0:
                continue
            at[found] = f"{'B' if k == 0 else 'I'}-{tag}"
            position = found + len(syllable)
    return [at.get(t.start, "X") for t in words]


def _people_marks(folded: Sequence[str], people: Iterable[str]) -> list[str]:
    """Per token: "full" inside the full name of a person present, "given" their given name alone, else ""."""
    marks = [""] * len(folded)
    for person in people:
        name = fold(person).split()
        if len(name) < 2:
            continue
        for i in range(len(folded)):
            if folded[i : i + len(name)] == name:
                marks[i : i + len(name)] = ["full"] * len(name)
            elif folded[i] == name[-1] and not marks[i]:
                marks[i] = "given"
    return marks


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4-6" if n < 7 else "7+"


def _flags(word: Token, folded: Sequence[str], i: int, person: str, cased: bool) -> list[str]:
    """What a token is, as its neighbours see it too: part of a name present, a head of a body's name, an
    honorific, an order's verb, capitalised, a number or a punctuation mark."""
    pair = f"{folded[i - 1]} {folded[i]}" if i else ""
    after = f"{folded[i]} {folded[i + 1]}" if i + 1 < len(folded) else ""
    flags = [
        f"person={person}",
        f"shape={'num' if word.text.isdigit() else 'punct' if not word.text[0].isalnum() else 'word'}",
    ]
    if cased:
        flags.append(f"cap={word.text[0].isupper()}")
    if folded[i] in _HEADS:
        flags.append("head")
    if folded[i] in _HONORIFICS or pair in _HONORIFICS or after in _HONORIFICS:
        flags.append("honorific")
    if folded[i] in _ORDER or pair in _ORDER or after in _ORDER:
        flags.append("orderword")
    return flags


def features(text: str, people: Sequence[str] = ()) -> list[list[str]]:
    """The CRF's features of each token of `text`."""
    words = tokens(text)
    folded = [fold(t.text) for t in words]
    lower = [t.text.lower() for t in words]
    tags = _pos_tags(text, words)
    persons = _people_marks(folded, people)
    cased = any(c.isupper() for c in text)
    since_order: int | None = None
    flags = [_flags(word, folded, i, persons[i], cased) for i, word in enumerate(words)]
    rows = []
    for i in range(len(words)):
        pair = f"{folded[i - 1]} {folded[i]}" if i else ""
        if folded[i] in _ORDER or pair in _ORDER:
            since_order = 0
        elif since_order is not None:
            since_order += 1
        f = [
            "bias",
            f"w={lower[i]}",
            f"f={folded[i]}",
            f"pos={tags[i]}",
            f"order={_bucket(since_order) if since_order is not None else 'none'}",
            f"at={_bucket(i)}",
            *flags[i],
        ]
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < len(words):
                f += [f"{d}:f={folded[j]}", f"{d}:pos={tags[j]}", *(f"{d}:{x}" for x in flags[j])]
                if abs(d) == 1:
                    f.append(f"{d}:ff={folded[min(i, j)]}|{folded[max(i, j)]}")
            else:
                f.append(f"{d}:edge")
        rows.append(f)
    return rows


def bio(text: str, spans: Sequence[Sequence[int]]) -> list[str]:
    """The tags of `text`'s tokens for the assignee character spans `spans`."""
    tags = []
    for word in tokens(text):
        inside = next((s for s in spans if s[0] <= word.start < s[1]), None)
        tags.append("O" if inside is None else "B" if word.start == inside[0] else "I")
    return tags


Row = tuple[str, Sequence[str], Sequence[Sequence[int]]]
"""A training sentence, the full names of those present at its meeting, its assignees' character spans."""


def _spoken(row: Row) -> Row:
    """The sentence as a recogniser writes it: lower case, no punctuation (a third of the meetings are so)."""
    text, people, spans = row
    out: list[str] = []
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    position = 0
    for word in tokens(text):
        if not word.text[0].isalnum():
            continue
        starts[word.start] = position
        ends[word.end] = position + len(word.text)
        out.append(word.text.lower())
        position += len(word.text) + 1
    moved = [[starts[a], ends[b]] for a, b in spans if a in starts and b in ends]
    return " ".join(out), people, moved


def with_spoken(rows: Sequence[Row]) -> list[Row]:
    """`rows`, and each cased one with an assignee also as spoken (`_spoken`): the tagger then reads recogniser
    output of kinds whose every meeting was written, and the other way round."""
    return [*rows, *(_spoken(r) for r in rows if r[2] and any(c.isupper() for c in r[0]))]


@dataclass
class AssigneeTagger:
    c1: float = 0.0
    c2: float = 0.1
    """L1 and L2 regularisation (chosen with `floor` by leave-one-kind-out cross-validation on the development
    meetings, tasks F1 of the minutes: `benchmarks/minutes_sentences.py --cv-tagger`)."""
    max_iterations: int = 200
    floor: float = 0.4
    """A sentence the classifier calls a task but where the best tagging marks no one still gets the likeliest
    assignee start when its marginal probability is at least this (and the words after it that are likelier inside
    it than not): the classifier has already said that someone is given a task."""

    def __post_init__(self) -> None:
        self._tagger: pycrfsuite.Tagger | None = None

    def fit(self, rows: Sequence[Row]) -> AssigneeTagger:
        """`rows`: (sentence, the full names of those present, the assignee character spans)."""
        trainer = pycrfsuite.Trainer(verbose=False)
        for text, people, spans in with_spoken(rows):
            trainer.append(features(text, people), bio(text, spans))
        trainer.set_params(
            {"c1": self.c1, "c2": self.c2, "max_iterations": self.max_iterations, "feature.possible_transitions": True}
        )
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "assignees.crfsuite"
            trainer.train(str(path))
            self._tagger = pycrfsuite.Tagger()
            self._tagger.open(str(path))  # crfsuite reads the whole model into memory
        return self

    def spans(self, text: str, people: Sequence[str] = ()) -> list[tuple[int, int]]:
        """The character spans of `text` (NFC) the tagger marks as assignees."""
        if self._tagger is None:
            raise RuntimeError("AssigneeTagger.fit first")
        words = tokens(text)
        if not words:
            return []
        tags = self._tagger.tag(features(text, people))
        if "B" not in tags and "I" not in tags:
            start = max(range(len(words)), key=lambda i: self._tagger.marginal("B", i))  # type: ignore[union-attr]
            if self._tagger.marginal("B", start) >= self.floor:
                tags[start] = "B"
                for i in range(start + 1, len(words)):
                    if self._tagger.marginal("I", i) < 0.5:
                        break
                    tags[i] = "I"
        found: list[tuple[int, int]] = []
        for word, tag in zip(words, tags, strict=True):
            if tag == "B" or (tag == "I" and not found):
                found.append((word.start, word.end))
            elif tag == "I":
                found[-1] = (found[-1][0], word.end)
        return found

    def read(
        self, text: str, *, held: date | None = None, people: Sequence[str] = (), titles: dict[str, str] | None = None
    ) -> list[TaskSlots]:
        """The tasks of a task sentence: one per assignee span, its action what follows up to the next span, its
        deadline said there, else before the span (after the previous one: "Trước ngày 15, anh Hải …")."""
        text = nfc(text).strip()
        spans = self.spans(text, people)
        tasks = []
        for k, (start, end) in enumerate(spans):
            stop = spans[k + 1][0] if k + 1 < len(spans) else len(text)
            after = find_deadline(text[end:stop], held=held)
            deadline = Deadline(after.text, after.start + end, after.due) if after is not None else None
            if deadline is None:
                begin = spans[k - 1][1] if k else 0
                before = find_deadline(text[begin:start], held=held)
                deadline = Deadline(before.text, before.start + begin, before.due) if before is not None else None
            said = [(end, stop)]
            if deadline is not None and end <= deadline.start < stop:  # the action without its deadline
                said = [(end, deadline.start), (deadline.start + len(deadline.text), stop)]
            action = " ".join(" ".join(text[a:b].split()).strip(" ,.;:") for a, b in said).strip()
            action = _CALLED.sub("", action).strip(" ,.;:")  # "…, chị | Dung …": how the next one is called
            assignee = text[start:end].strip(" ,.;:")
            if assignee and action:
                tasks.append(TaskSlots(full_name(assignee, people, titles or {}), action, deadline))
        return tasks


def training_rows(rows: Iterable[dict[str, Any]]) -> list[Row]:
    """The labelled sentences the tagger learns from: those giving a task whose gold assignees were aligned to
    their words (`assignees` not None). Which sentences give a task is the classifier's call: trained on every
    sentence of the chair too, the tagger found fewer assignees on kinds it never saw (tasks F1 0.60 against 0.68,
    leave-one-kind-out)."""
    return [
        (r["text"], r["people"], r["assignees"]) for r in rows if r["assignees"] is not None and "task" in r["labels"]
    ]


@functools.cache
def default_tagger() -> AssigneeTagger:
    """The tagger trained on the development meetings' sentences (once per process)."""
    return AssigneeTagger().fit(training_rows(json.loads(TRAINING.read_text(encoding="utf-8"))))
