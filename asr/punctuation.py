"""Punctuation and capitalisation restoration: a CRF over the words of an utterance (python-crfsuite).

Each word gets one label: its case (`l` lower, `c` capitalised, `u` all capitals) and the mark after it
(none, comma, full stop, question mark, colon). Trained on the legal corpus's training documents: the
input is the written line stripped of punctuation and case, with numbers either kept as digits (what ITN
gives) or read out (for `--no-itn`), half the lines each; the target is the line as written. The model
is small (under 3 MB) and shipped in `asr/data/`, built by `gobang text train-punctuation`.

Words that hold digits keep their case. A question mark is rare in legal text (one line in 200,000), so
the CRF never learns it: an utterance that ends with an interrogative particle gets one (`_QUESTION`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite

from asr.legal_corpus import lines
from asr.verbalise import tokens as spoken_tokens
from core.text import nfc

MARKS = (",", ".", "?", ":")
_MARK_OF = {",": ",", ";": ",", ".": ".", "?": "?", ":": ":", "!": "."}
_EDGE = re.compile(r"^([^\w%²]*)(.*?)([^\w%²]*)$")
_QUESTION = re.compile(r"\b(?:không|chưa|chăng|nhỉ|hả|sao|gì|đâu|bao nhiêu|mấy|à|(?:thế|khi|lúc|cái|người|nơi) nào)$")
"""Utterance-final particles and question words that make a question ("có đúng không", "ở đâu"); a bare "nào"
ends negations too ("chẳng xấu mặt nào"), so only "khi nào", "thế nào"… count."""

Labels = list[str]


@dataclass(frozen=True)
class Example:
    """One training or evaluation line: the model's input words and their gold labels."""

    words: list[str]
    labels: Labels


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
        example = examples_from_written(line.text, read_numbers=read_numbers_for(line.text))
        if example is not None:
            out.append(example)
        if len(out) >= limit:
            break
    return out


def mostly_capitals(text: str) -> bool:
    """A heading set in capitals ("QUY ĐỊNH CHUNG"): its case says nothing about the words'."""
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) > len(letters) / 2


def features(words: Sequence[str]) -> list[list[str]]:
    """Context features of every word (its neighbours up to two away, bigrams, digits, utterance edges)."""
    lowered = [w.lower() for w in words]
    padded = ["<s>", "<s>", *lowered, "</s>", "</s>"]
    out = []
    for i in range(len(lowered)):
        p = i + 2
        w = padded[p]
        row = [
            "bias",
            f"w={w}",
            f"w-1={padded[p - 1]}",
            f"w+1={padded[p + 1]}",
            f"w-2={padded[p - 2]}",
            f"w+2={padded[p + 2]}",
            f"w-1w={padded[p - 1]}|{w}",
            f"ww+1={w}|{padded[p + 1]}",
            f"w+1w+2={padded[p + 1]}|{padded[p + 2]}",
            f"w-1ww+1={padded[p - 1]}|{w}|{padded[p + 1]}",
        ]
        if any(c.isdigit() for c in w):
            row.append("digit")
        if i == len(lowered) - 1:
            row.append("last")
        out.append(row)
    return out


def train(examples: Iterable[Example], model_path: Path, *, max_iterations: int = 60, c1: float = 3.0) -> None:
    """Fit the CRF (L-BFGS with an L1 penalty that prunes rare features, keeping the file small)."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for example in examples:
        trainer.append(features(example.words), example.labels)
    trainer.set_params({"c1": c1, "c2": 0.01, "max_iterations": max_iterations, "feature.possible_transitions": True})
    model_path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model_path))


def read_numbers_for(text: str) -> bool:
    """Which half of the training lines has its numbers read out: fixed by a hash of the line."""
    return hashlib.sha256(text.encode()).digest()[0] % 2 == 1


class Punctuator:
    """Adds punctuation and case to the words of one utterance; the CRF loads once per process."""

    def __init__(self, model_path: Path, *, min_mark: float = 0.0, min_capital: float = 0.7) -> None:
        """`min_mark`, `min_capital`: a mark inside the utterance, or a capital after its first word, is kept
        only when the CRF's marginal probability for it reaches this (0 keeps the best label sequence as is).

        Tuned on development data only (corpus development documents, cv9_vi_dev outside its held-out fold):
        a capital below 0.7 is more often wrong than right (names F1 0.884 -> 0.894, case-sensitive WER
        25.4 -> 25.2); any mark threshold costs more commas on the corpus than it saves on read speech
        (0.7: comma F1 0.71 -> 0.57 for 25.2 -> 24.3)."""
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self._labels = list(self._tagger.labels())
        self.min_mark = min_mark
        self.min_capital = min_capital

    def labels(self, words: Sequence[str]) -> Labels:
        """The model's label for each word."""
        if not words:
            return []
        labels = list(self._tagger.tag(features(words)))
        for i, label in enumerate(labels[:-1]):
            case, mark = label[0], label[1:]
            if mark and self._probability(i, _with_mark(mark)) < self.min_mark:
                mark = ""
            if i and case != "l" and self._probability(i, _capitalised) < self.min_capital:
                case = "l"
            labels[i] = case + mark
        if _QUESTION.search(" ".join(words).lower()):
            labels[-1] = labels[-1].rstrip("".join(MARKS)) + "?"
        return labels

    def _probability(self, position: int, wanted: Callable[[str], bool]) -> float:
        """Marginal probability that the word at `position` has a label for which `wanted` holds."""
        return sum(self._tagger.marginal(label, position) for label in self._labels if wanted(label))

    def __call__(self, text: str) -> str:
        """`hôm nay quốc hội họp tại hà nội` -> `Hôm nay Quốc hội họp tại Hà Nội.`"""
        words = nfc(text).split()
        return " ".join(apply(words, self.labels(words)))


def _with_mark(mark: str) -> Callable[[str], bool]:
    return lambda label: label.endswith(mark)


def _capitalised(label: str) -> bool:
    return label[0] != "l"


def apply(words: Sequence[str], labels: Sequence[str]) -> list[str]:
    """The words with the case and mark of their labels; a word with digits or capitals keeps its case."""
    out = []
    for word, label in zip(words, labels, strict=True):
        case, mark = label[0], label[1:]
        if word == word.lower() and not any(c.isdigit() for c in word):
            if case == "c":
                word = word[0].upper() + word[1:]
            elif case == "u":
                word = word.upper()
        if mark and word[-1:] not in MARKS:
            word += mark
        out.append(word)
    return out


def _case(core: str) -> str:
    letters = [c for c in core if c.isalpha()]
    if not letters or any(c.isdigit() for c in core):
        return "l"
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return "u"
    return "c" if letters[0].isupper() else "l"
