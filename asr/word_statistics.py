"""What the legal corpus says about each syllable, and each pair of syllables, in the middle of a sentence:
how often it is written with a capital and how often a comma follows it.

The punctuation CRF trains on a slice of the corpus's lines, but these counts come from all of its training
documents (eight times as many lines): "nội" after "hà" is always capitalised, "luật" before "đất" nearly
always, a comma between "quyền" and "nghĩa" is usual. The CRF sees them as coarse probability buckets, so a
name or a list it never trained on is still recognised when the corpus has written it.

The features of a training line must look as they will on unseen text, so each training line sees the counts
of the other half of the training documents (halves fixed by a hash of the document number); the shipped
counts are both halves together.
"""

from __future__ import annotations

import gzip
import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

MIN_COUNT = 3
"""Fewer mid-sentence occurrences than this say nothing reliable, and are neither kept nor used."""
_THRESHOLDS = (0.01, 0.05, 0.2, 0.5, 0.8, 0.95)
"""Bucket edges of a probability: the CRF learns one weight per bucket."""
_SENTENCE_MARKS = (".", "?", ":")
"""A word after one of these starts a sentence: its capital is not a name's."""


def half_of(document: int) -> int:
    """Which half (0 or 1) of the training documents document `document` belongs to."""
    return hashlib.sha256(f"vi_legal-half-{document}".encode()).digest()[0] % 2


@dataclass
class WordStatistics:
    """Mid-sentence counts: per syllable (seen, capitalised, comma after) and per pair of neighbouring syllables
    (seen, first capitalised, second capitalised, comma between)."""

    singles: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    pairs: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)

    def merged(self, other: WordStatistics) -> WordStatistics:
        """Both sets of counts together (the two halves of the training documents).

        A key below `MIN_COUNT` in one half was dropped there, so the sum can only undercount it slightly.
        """
        singles = dict(self.singles)
        for k, (n, u, c) in other.singles.items():
            n0, u0, c0 = singles.get(k, (0, 0, 0))
            singles[k] = (n0 + n, u0 + u, c0 + c)
        pairs = dict(self.pairs)
        for k, (n, u1, u2, c) in other.pairs.items():
            n0, v1, v2, c0 = pairs.get(k, (0, 0, 0, 0))
            pairs[k] = (n0 + n, v1 + u1, v2 + u2, c0 + c)
        return WordStatistics(singles, pairs)

    def features(self, lowered: Sequence[str]) -> list[list[str]]:
        """For each word: how often it is capitalised and followed by a comma, how common it is, how often it is
        capitalised after the word before it and before the word after it, and how often a comma parts it from
        the word after it, each as a bucket (absent when the corpus has seen it too rarely)."""
        out: list[list[str]] = []
        for i, word in enumerate(lowered):
            row = []
            single = self.singles.get(word)
            if single is None:
                row.append("sf=0")
            else:
                n, capitalised, comma = single
                row += [f"sf={int(math.log10(n))}", f"su={_bucket(capitalised, n)}", f"sc={_bucket(comma, n)}"]
            before = self.pairs.get(f"{lowered[i - 1]} {word}") if i else None
            if before is not None:
                row.append(f"pu2={_bucket(before[2], before[0])}")
            after = self.pairs.get(f"{word} {lowered[i + 1]}") if i + 1 < len(lowered) else None
            if after is not None:
                row += [f"pu1={_bucket(after[1], after[0])}", f"pc={_bucket(after[3], after[0])}"]
            out.append(row)
        return out

    def save(self, path: Path) -> None:
        """One key a line, tab-separated counts, gzipped (deterministic: sorted keys, no timestamp nor file name)."""
        rows = [f"{k}\t{n}\t{u}\t{c}\n" for k, (n, u, c) in sorted(self.singles.items())]
        rows += [f"{k}\t{n}\t{u1}\t{u2}\t{c}\n" for k, (n, u1, u2, c) in sorted(self.pairs.items())]
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as f:
            f.write("".join(rows).encode("utf-8"))

    @classmethod
    def load(cls, path: Path) -> WordStatistics:
        singles: dict[str, tuple[int, int, int]] = {}
        pairs: dict[str, tuple[int, int, int, int]] = {}
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                key, *counts = line.rstrip("\n").split("\t")
                if len(counts) == 3:
                    singles[key] = (int(counts[0]), int(counts[1]), int(counts[2]))
                elif len(counts) == 4:
                    pairs[key] = (int(counts[0]), int(counts[1]), int(counts[2]), int(counts[3]))
                else:
                    raise ValueError(f"{path}: dòng hỏng (malformed line): {line!r}")
        return cls(singles, pairs)


class Tally:
    """Counts mid-sentence occurrences line by line, so a whole corpus never sits in memory."""

    def __init__(self) -> None:
        self._single: list[Counter[str]] = [Counter(), Counter(), Counter()]
        self._pair: list[Counter[str]] = [Counter(), Counter(), Counter(), Counter()]

    def add(self, words: Sequence[str], labels: Sequence[str]) -> None:
        """One labelled line: lower-case words and their `asr.punctuation` labels (case, then mark).

        A word that starts a sentence is left out (its capital is the sentence's), and so is a pair across a
        sentence end.
        """
        single, pair = self._single, self._pair
        starts = True
        for i, (word, label) in enumerate(zip(words, labels, strict=True)):
            mark = label[1:]
            if not starts:
                single[0][word] += 1
                single[1][word] += label[0] != "l"
                single[2][word] += mark == ","
                if i + 1 < len(words) and mark not in _SENTENCE_MARKS:
                    key = f"{word} {words[i + 1]}"
                    pair[0][key] += 1
                    pair[1][key] += label[0] != "l"
                    pair[2][key] += labels[i + 1][0] != "l"
                    pair[3][key] += mark == ","
            starts = mark in _SENTENCE_MARKS

    def statistics(self) -> WordStatistics:
        """The counts, without the words and pairs seen fewer than `MIN_COUNT` times."""
        single, pair = self._single, self._pair
        return WordStatistics(
            {k: (n, single[1][k], single[2][k]) for k, n in single[0].items() if n >= MIN_COUNT},
            {k: (n, pair[1][k], pair[2][k], pair[3][k]) for k, n in pair[0].items() if n >= MIN_COUNT},
        )


def _bucket(hits: int, n: int) -> int:
    p = hits / n
    return next((b for b, edge in enumerate(_THRESHOLDS) if p < edge), len(_THRESHOLDS))
