"""Punctuation and capitalisation restoration: a CRF over the words of an utterance (python-crfsuite).

Each word gets one label: its case (`l` lower, `c` capitalised, `u` all capitals) and the mark after it
(none, comma, full stop, question mark, colon). Trained on the legal corpus's training documents: the
input is the written line stripped of punctuation and case, with numbers either kept as digits (what ITN
gives) or read out (for `--no-itn`), half the lines each; the target is the line as written. Half the lines
are cut into their sentences first, and the features know the utterance's length and each word's place in
it, so the model learns that a read sentence of eight words holds far fewer commas than a legal clause of
forty; a gazetteer feature marks known names, and counts over all the training documents
(`asr.word_statistics`: how often a syllable, or a pair, is capitalised mid-sentence or parted by a comma) carry
what the whole corpus knows into a model trained on a slice of it. The model and its counts are small and
shipped in `asr/data/`, built by `gobang text train-punctuation`.

Words that hold digits keep their case. A question mark is rare in legal text (one line in 200,000), so
the CRF never learns it: each sentence of the utterance (the last, and any the CRF ends inside it) that
`asr.questions.is_question` calls a question ends with one."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycrfsuite

from asr.legal_corpus import lines
from asr.questions import is_question, question_before_request
from asr.readable import TONE_MARKS, gazetteer_entries
from asr.verbalise import tokens as spoken_tokens
from asr.word_statistics import Tally, WordStatistics, half_of
from core.text import nfc

MARKS = (",", ".", "?", ":")
_MARK_OF = {",": ",", ";": ",", ".": ".", "?": "?", ":": ":", "!": "."}
_EDGE = re.compile(r"^([^\w%²]*)(.*?)([^\w%²]*)$")

Labels = list[str]
SHORT_UTTERANCE = 12
"""Words in an utterance as short as a read sentence, whose commas get their own threshold."""


@dataclass(frozen=True)
class Example:
    """One training or evaluation line: the model's input words and their gold labels."""

    words: list[str]
    labels: Labels
    half: int = 0
    """The half of the training documents the line comes from (`asr.word_statistics.half_of`)."""


def examples_from_written(text: str, *, read_numbers: bool) -> Example | None:
    """The input words and gold labels of one written line; None when nothing is left of it."""
    written = nfc(text).split()
    labels_of: list[tuple[str, str]] = []
    cores: list[str] = []
    for i, token in enumerate(written):
        edge = _EDGE.match(token)
        assert edge is not None  # the pattern matches any string
        core, trailing = edge.group(2), edge.group(3)
        mark = next((_MARK_OF[c] for c in trailing if c in _MARK_OF), "")
        if i == len(written) - 1 and mark not in ("?", ":"):
            mark = "."
        cores.append(core)
        labels_of.append((_case(core), mark))
    if read_numbers:
        pieces = spoken_tokens(" ".join(cores))
        words = [p.word for p in pieces]
        sources = [p.source for p in pieces]
    else:
        kept = [i for i, core in enumerate(cores) if core]
        words = [cores[i].lower() for i in kept]
        sources = kept
    if not words:
        return None
    labels: Labels = []
    for j, source in enumerate(sources):
        first = j == 0 or sources[j - 1] != source
        last = j == len(sources) - 1 or sources[j + 1] != source
        case, mark = labels_of[source]
        labels.append(f"{case if first else 'l'}{mark if last else ''}")
    return Example(words, labels)


def training_examples(corpus: Path, *, limit: int, every: int) -> list[Example]:
    """Every `every`-th line of the corpus's training documents, up to `limit` examples.

    Headings written in capitals ("QUY ĐỊNH CHUNG") are left out: their case is layout, not language.
    """
    out: list[Example] = []
    for i, line in enumerate(lines(corpus, "train")):
        if i % every or mostly_capitals(line.text):
            continue
        for text in pieces_for_training(line.text):
            example = examples_from_written(text, read_numbers=read_numbers_for(text))
            if example is not None:
                out.append(Example(example.words, example.labels, half_of(line.document)))
        if len(out) >= limit:
            break
    return out


def corpus_statistics(corpus: Path, *, every: int = 1) -> tuple[WordStatistics, WordStatistics]:
    """The mid-sentence counts of every `every`-th line of the training documents, one set per half of them."""
    halves = (Tally(), Tally())
    for i, line in enumerate(lines(corpus, "train")):
        if i % every or mostly_capitals(line.text):
            continue
        example = examples_from_written(line.text, read_numbers=False)
        if example is not None:
            halves[half_of(line.document)].add(example.words, example.labels)
    return halves[0].statistics(), halves[1].statistics()


def statistics_path(model_path: Path) -> Path:
    """The corpus counts a model was trained with, kept beside it (`punct_vi.crfsuite` -> `punct_vi.stats.tsv.gz`)."""
    return model_path.with_suffix(".stats.tsv.gz")


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def pieces_for_training(text: str) -> list[str]:
    """A line as one example, or (for half the lines, fixed by a hash) its sentences one example each.

    Speech comes as utterances of one sentence or less; legal lines often hold several. Training on both
    lets the length features learn how marks thin out in short utterances.
    """
    if hashlib.sha256(text.encode()).digest()[1] % 2:
        return [text]
    sentences: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if sentences and not piece[:1].isupper():
            sentences[-1] += " " + piece  # "10 ha." then "đất": not a sentence start
        elif piece:
            sentences.append(piece)
    return sentences


def mostly_capitals(text: str) -> bool:
    """A heading set in capitals ("QUY ĐỊNH CHUNG"): its case says nothing about the words'."""
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) > len(letters) / 2


def features(words: Sequence[str], statistics: WordStatistics) -> list[list[str]]:
    """Context features of every word: its neighbours up to three away, the pairs and triples around it,
    digits, where it stands in the utterance and how long the utterance is (a read sentence of eight words
    rarely holds the commas a legal clause of forty does), whether a gazetteer name covers it, and what the
    whole corpus says of its case and the comma after it (`statistics`)."""
    lowered = [w.lower() for w in words]
    padded = ["<s>", "<s>", "<s>", *lowered, "</s>", "</s>", "</s>"]
    length = _length_bucket(len(lowered))
    names = _gazetteer_tags(lowered)
    counted = statistics.features(lowered)
    out = []
    for i in range(len(lowered)):
        p = i + 3
        w = padded[p]
        row = [
            "bias",
            f"w={w}",
            f"w-1={padded[p - 1]}",
            f"w+1={padded[p + 1]}",
            f"w-2={padded[p - 2]}",
            f"w+2={padded[p + 2]}",
            f"w-3={padded[p - 3]}",
            f"w+3={padded[p + 3]}",
            f"w-1w={padded[p - 1]}|{w}",
            f"ww+1={w}|{padded[p + 1]}",
            f"w+1w+2={padded[p + 1]}|{padded[p + 2]}",
            f"w-2w-1={padded[p - 2]}|{padded[p - 1]}",
            f"w-1ww+1={padded[p - 1]}|{w}|{padded[p + 1]}",
            f"ww+1w+2={w}|{padded[p + 1]}|{padded[p + 2]}",
            f"w-2w-1w={padded[p - 2]}|{padded[p - 1]}|{w}",
            f"len={length}",
            f"w+1|len={padded[p + 1]}|{length}",
            f"from={min(i, 3)}",
            f"to={min(len(lowered) - 1 - i, 3)}",
            f"at={4 * i // len(lowered)}|{length}",
            *counted[i],
        ]
        if names[i]:
            row.append(f"gaz={names[i]}")
        if any(c.isdigit() for c in w):
            row.append("digit")
        if i == len(lowered) - 1:
            row.append("last")
        out.append(row)
    return out


def _length_bucket(n: int) -> str:
    """Utterance length in words, coarsely: read sentences, spoken clauses, long legal sentences."""
    return (
        next(label for limit, label in ((6, "xs"), (12, "s"), (20, "m"), (40, "l")) if n <= limit) if n <= 40 else "xl"
    )


def _gazetteer_tags(lowered: Sequence[str]) -> list[str]:
    """`B`/`I` where a gazetteer name (longest match, left to right) starts or continues, else ``."""
    index = _gazetteer_keys()
    longest = max(map(len, index), default=0)
    tags = [""] * len(lowered)
    i = 0
    while i < len(lowered):
        n = next((n for n in range(min(longest, len(lowered) - i), 0, -1) if tuple(lowered[i : i + n]) in index), 0)
        if not n:
            i += 1
            continue
        tags[i : i + n] = ["B"] + ["I"] * (n - 1)
        i += n
    return tags


@cache
def _gazetteer_keys() -> frozenset[tuple[str, ...]]:
    """The gazetteer's names as lower-case syllables, for the `gaz` feature."""
    return frozenset(tuple(nfc(entry).lower().split()) for entry in gazetteer_entries() if entry.strip())


def train(
    examples: Iterable[Example],
    model_path: Path,
    halves: tuple[WordStatistics, WordStatistics],
    *,
    max_iterations: int = 60,
    c1: float = 3.0,
) -> None:
    """Fit the CRF (L-BFGS with an L1 penalty that prunes rare features, keeping the file small) and write
    both halves' counts beside it (`statistics_path`). A line from one half of the training documents sees
    the other half's counts, as unseen text will."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for example in examples:
        trainer.append(features(example.words, halves[1 - example.half]), example.labels)
    trainer.set_params({"c1": c1, "c2": 0.01, "max_iterations": max_iterations, "feature.possible_transitions": True})
    model_path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model_path))
    halves[0].merged(halves[1]).save(statistics_path(model_path))


def read_numbers_for(text: str) -> bool:
    """Which half of the training lines has its numbers read out: fixed by a hash of the line."""
    return hashlib.sha256(text.encode()).digest()[0] % 2 == 1


class Punctuator:
    """Adds punctuation and case to the words of one utterance; the CRF loads once per process."""

    def __init__(
        self,
        model_path: Path,
        *,
        min_comma: float = 0.0,
        min_comma_short: float = 0.95,
        min_mark: float = 0.6,
        min_capital: float = 0.6,
        min_capital_short: float = 0.7,
    ) -> None:
        """A comma (`min_comma`, or `min_comma_short` in an utterance of at most `SHORT_UTTERANCE` words), another
        mark inside the utterance (`min_mark`), or a capital after a sentence's first word (`min_capital`, or
        `min_capital_short`) is kept only when the CRF's marginal probability for it reaches this (0 keeps the
        best label sequence).

        Chosen on development data only (the corpus's development documents and cv9_vi_dev outside its
        held-out fold 0), with `benchmarks/text_format.py`'s scores: in short read sentences the legal-text
        commas are mostly wrong (0.95: cv9 case-and-punctuation WER down, corpus comma F1 unchanged); any
        comma threshold on longer utterances costs corpus commas (0.5: F1 0.704 -> 0.689) for nothing on
        speech; a colon or full stop inside an utterance below 0.6 is more often wrong ("Ví dụ như: là…");
        a capital in a short utterance below 0.7 is more often wrong than right (0.6: cv9 case-and-punctuation
        WER up), while in a longer one 0.6 keeps more names than it adds errors (corpus names F1 0.876 ->
        0.883 on 6,000 development lines; 0.5 adds nothing)."""
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self._statistics = WordStatistics.load(statistics_path(model_path))
        self._labels = list(self._tagger.labels())
        self.min_comma = min_comma
        self.min_comma_short = min_comma_short
        self.min_mark = min_mark
        self.min_capital = min_capital
        self.min_capital_short = min_capital_short

    def labels(self, words: Sequence[str]) -> Labels:
        """The model's label for each word."""
        if not words:
            return []
        labels = list(self._tagger.tag(features(words, self._statistics)))
        short = len(words) <= SHORT_UTTERANCE
        min_comma = self.min_comma_short if short else self.min_comma
        min_capital = self.min_capital_short if short else self.min_capital
        starts_sentence = True
        for i, label in enumerate(labels):
            case, mark = label[0], label[1:]
            inside = i < len(labels) - 1
            if (
                inside
                and mark
                and self._probability(i, _with_mark(mark)) < (min_comma if mark == "," else self.min_mark)
            ):
                mark = ""
            if starts_sentence:
                case = "c" if case == "l" else case  # sentence case, whatever the model thought
            elif case != "l" and self._probability(i, _capitalised) < min_capital:
                case = "l"
            labels[i] = case + mark
            starts_sentence = mark in (".", "?")
        return _questions_marked(words, labels)

    def _probability(self, position: int, wanted: Callable[[str], bool]) -> float:
        """Marginal probability that the word at `position` has a label for which `wanted` holds."""
        return sum(self._tagger.marginal(label, position) for label in self._labels if wanted(label))

    def __call__(self, text: str) -> str:
        """`hôm nay quốc hội họp tại hà nội` -> `Hôm nay Quốc hội họp tại Hà Nội.`"""
        words = nfc(text).split()
        return " ".join(apply(words, self.labels(words)))


def _questions_marked(words: Sequence[str], labels: Labels) -> Labels:
    """The labels with "?" ending each sentence that asks: the last one, those the CRF ended inside, and a
    question that a request follows ("Vì sao vậy? Đề nghị …"), which the CRF never ends."""
    out = list(labels)
    tokens = [w + (m[1:] if m[1:] in (",", ":") else "") for w, m in zip(words, labels, strict=True)]
    start = 0
    for end, label in enumerate(labels, 1):
        if end < len(labels) and label[1:] not in (".", "?"):
            continue
        asked = question_before_request(tokens[start:end])
        if asked is not None:
            out[start + asked] = _ending(out[start + asked], "?")
            start += asked + 1
            out[start] = "c" + out[start][1:] if out[start][0] == "l" else out[start]
        if is_question(tokens[start:end]):
            out[end - 1] = _ending(out[end - 1], "?")
        start = end
    return out


def _ending(label: str, mark: str) -> str:
    return label.rstrip("".join(MARKS)) + mark


def _with_mark(mark: str) -> Callable[[str], bool]:
    return lambda label: label.endswith(mark)


def _capitalised(label: str) -> bool:
    return label[0] != "l"


def apply(words: Sequence[str], labels: Sequence[str]) -> list[str]:
    """The words with the case and mark of their labels; a word with digits or capitals keeps its case, and a
    toned word is never put in capitals (only its first letter)."""
    out = []
    for word, label in zip(words, labels, strict=True):
        case, mark = label[0], label[1:]
        if word == word.lower() and not any(c.isdigit() for c in word):
            if case == "u" and not _toned(word):
                word = word.upper()
            elif case != "l":
                word = word[0].upper() + word[1:]
        if mark and word[-1:] not in MARKS:
            word += mark
        out.append(word)
    return out


def _toned(word: str) -> bool:
    """Whether a syllable carries a tone mark: written abbreviations (UBND, HĐND) never do, and a toned word the
    model puts in capitals ("HỒN") was never right on development lines (8 of 8 should have been capitalised)."""
    return any(c in TONE_MARKS for c in unicodedata.normalize("NFD", word))


def _case(core: str) -> str:
    letters = [c for c in core if c.isalpha()]
    if not letters or any(c.isdigit() for c in core):
        return "l"
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return "u"
    return "c" if letters[0].isupper() else "l"
