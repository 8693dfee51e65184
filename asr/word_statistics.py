"""What the legal corpus says about each syllable, each pair and each run of three syllables in the middle of a
sentence: how often it is written with a capital and how often a comma follows it.

The punctuation CRF trains on a slice of the corpus's lines, but these counts come from all of its training
documents (eight times as many lines): "nội" after "hà" is always capitalised, "luật" before "đất" nearly
always, a comma between "quyền" and "nghĩa" is usual, and "thương" is capitalised after "lao động" (the
ministry's name) though rarely elsewhere. The CRF sees them as coarse probability buckets, so a
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
from collections.abc import Iterator, Sequence
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
    triples: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    """Per run of three syllables: seen, and how often each of the three is capitalised. Only a run that holds a
    capital is used or saved: one never capitalised says no more than its pairs (on development documents the
    CRF scored names better without those runs, and the file is a third the size)."""

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
        triples = dict(self.triples)
        for k, counts in other.triples.items():
            triples[k] = _added(triples.get(k, (0, 0, 0, 0)), counts)
        return WordStatistics(singles, pairs, triples)

    def features(self, lowered: Sequence[str]) -> list[list[str]]:
        """For each word: how often it is capitalised and followed by a comma, how common it is, how often it is
        capitalised after the word before it and before the word after it, how often a comma parts it from the
        word after it, and how often it is capitalised in each run of three that holds it (first, middle, last),
        each as a bucket (absent when the corpus has seen it too rarely)."""
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
            for place, start in enumerate((i, i - 1, i - 2), 1):
                run = " ".join(lowered[start : start + 3]) if 0 <= start <= len(lowered) - 3 else ""
                triple = self.triples.get(run)
                if triple is not None and _capitalised(triple):
                    row.append(f"tu{place}={_bucket(triple[place], triple[0])}")
            out.append(row)
        return out

    def save(self, path: Path) -> None:
        """One key a line, tab-separated counts, gzipped (deterministic: sorted keys, no timestamp nor file name)."""
        rows = [f"{k}\t{n}\t{u}\t{c}\n" for k, (n, u, c) in sorted(self.singles.items())]
        rows += [f"{k}\t{n}\t{u1}\t{u2}\t{c}\n" for k, (n, u1, u2, c) in sorted(self.pairs.items())]
        runs = sorted((k, v) for k, v in self.triples.items() if _capitalised(v))
        rows += [f"{k}\t{n}\t{u1}\t{u2}\t{u3}\n" for k, (n, u1, u2, u3) in runs]
        _write_gzipped(path, rows)

    @classmethod
    def load(cls, path: Path) -> WordStatistics:
        singles: dict[str, tuple[int, int, int]] = {}
        pairs: dict[str, tuple[int, int, int, int]] = {}
        triples: dict[str, tuple[int, int, int, int]] = {}
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                key, *counts = line.rstrip("\n").split("\t")
                if len(counts) == 3:
                    singles[key] = (int(counts[0]), int(counts[1]), int(counts[2]))
                elif len(counts) == 4:
                    n, a, b, c = map(int, counts)
                    (triples if key.count(" ") == 2 else pairs)[key] = (n, a, b, c)
                else:
                    raise ValueError(f"{path}: dòng hỏng (malformed line): {line!r}")
        return cls(singles, pairs, triples)


class Tally:
    """Counts mid-sentence occurrences line by line, so a whole corpus never sits in memory."""

    def __init__(self) -> None:
        self._single: list[Counter[str]] = [Counter(), Counter(), Counter()]
        self._pair: list[Counter[str]] = [Counter(), Counter(), Counter(), Counter()]
        self._triple: list[Counter[str]] = [Counter(), Counter(), Counter(), Counter()]

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
                    if i + 2 < len(words) and labels[i + 1][1:] not in _SENTENCE_MARKS:
                        self._add_triple(words[i : i + 3], labels[i : i + 3])
            starts = mark in _SENTENCE_MARKS

    def _add_triple(self, words: Sequence[str], labels: Sequence[str]) -> None:
        key = " ".join(words)
        self._triple[0][key] += 1
        for place in (1, 2, 3):
            if labels[place - 1][0] != "l":  # most runs hold no capital: only those that do get a key here
                self._triple[place][key] += 1

    def statistics(self) -> WordStatistics:
        """The counts, without the words, pairs and runs seen fewer than `MIN_COUNT` times."""
        single, pair = self._single, self._pair
        return WordStatistics(
            {k: (n, single[1][k], single[2][k]) for k, n in single[0].items() if n >= MIN_COUNT},
            {k: (n, pair[1][k], pair[2][k], pair[3][k]) for k, n in pair[0].items() if n >= MIN_COUNT},
            {
                k: (n, self._triple[1][k], self._triple[2][k], self._triple[3][k])
                for k, n in self._triple[0].items()
                if n >= MIN_COUNT
            },
        )


def _capitalised(run: tuple[int, int, int, int]) -> bool:
    return any(run[1:])


def _added(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3])


def _bucket(hits: int, n: int) -> int:
    p = hits / n
    return next((b for b, edge in enumerate(_THRESHOLDS) if p < edge), len(_THRESHOLDS))


LEXICON_MIN_COUNT = 5
"""A run of syllables must be seen this often mid-sentence to enter the case lexicon."""
LEXICON_AGREEMENT = 0.8
"""And its commonest case pattern must cover this share of its occurrences."""
LEXICON_LENGTHS = (4, 3, 2)
"""Run lengths in the lexicon, longest first (the order a line is matched in)."""


@dataclass
class CaseLexicon:
    """Runs of 2-4 syllables the corpus writes with a capital, mid-sentence, nearly always the same way
    ("luật đất đai" -> "cll", "sở giao dịch chứng khoán" is found as its runs): the case each syllable takes.

    The counts see a syllable and its neighbours; a lexicon entry sees a whole title or name, so the CRF learns
    how far a document's capitals reach ("Bộ Lao động - Thương binh và Xã hội")."""

    entries: dict[str, str] = field(default_factory=dict)
    """Lower-case run (syllables joined by spaces) -> its case letters, one per syllable (`l`, `c`, `u`)."""

    def tags(self, lowered: Sequence[str]) -> list[str]:
        """Per word, the case the longest entry covering it (matched left to right) gives it, and `B` where that
        entry starts or `I` inside it (`cB`, `lI`); `` where no entry covers the word."""
        tags = [""] * len(lowered)
        i = 0
        while i < len(lowered):
            found = next(
                (
                    (n, case)
                    for n in LEXICON_LENGTHS
                    if i + n <= len(lowered) and (case := self.entries.get(" ".join(lowered[i : i + n]))) is not None
                ),
                None,
            )
            if found is None:
                i += 1
                continue
            n, case = found
            tags[i : i + n] = [f"{letter}{'I' if j else 'B'}" for j, letter in enumerate(case)]
            i += n
        return tags

    def save(self, path: Path) -> None:
        """One entry a line, run and case letters tab-separated, gzipped and deterministic (as `WordStatistics`)."""
        _write_gzipped(path, [f"{k}\t{case}\n" for k, case in sorted(self.entries.items())])

    @classmethod
    def load(cls, path: Path) -> CaseLexicon:
        entries: dict[str, str] = {}
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                key, _, case = line.rstrip("\n").partition("\t")
                if len(case) != key.count(" ") + 1:
                    raise ValueError(f"{path}: dòng hỏng (malformed line): {line!r}")
                entries[key] = case
        return cls(entries)


def runs(words: Sequence[str], labels: Sequence[str]) -> Iterator[tuple[str, str]]:
    """Every mid-sentence run of 2-4 words of one labelled line with no sentence end inside it: the run (lower
    case, joined by spaces) and its case letters. A run's first word does not start a sentence (its capital
    would be the sentence's); a comma inside is no sentence end."""
    starts = True
    for i, label in enumerate(labels):
        if not starts:
            for n in LEXICON_LENGTHS[::-1]:
                if i + n > len(words) or any(m[1:] in _SENTENCE_MARKS for m in labels[i : i + n - 1]):
                    break
                yield " ".join(words[i : i + n]), "".join(m[0] for m in labels[i : i + n])
        starts = label[1:] in _SENTENCE_MARKS


class LexiconTally:
    """Counts the runs of one half of the training documents in two passes, so the corpus's millions of runs
    never sit in memory: first how each run is capitalised (`add_capitalised`, only runs that hold a capital),
    then how often the runs that might enter the lexicon occur at all (`add_occurrences`, only those)."""

    def __init__(self) -> None:
        self.capitalised: Counter[str] = Counter()
        """"run\\tcase letters" -> occurrences, for patterns that hold a capital."""
        self.seen: Counter[str] = Counter()
        """Run -> occurrences in any case, for the candidates only (the second pass)."""

    def add_capitalised(self, words: Sequence[str], labels: Sequence[str]) -> None:
        for run, case in runs(words, labels):
            if case.strip("l"):
                self.capitalised[f"{run}\t{case}"] += 1

    def add_occurrences(self, words: Sequence[str], labels: Sequence[str], candidates: set[str]) -> None:
        for run, _ in runs(words, labels):
            if run in candidates:
                self.seen[run] += 1

    def merged(self, other: LexiconTally) -> LexiconTally:
        """Both halves' counts together, from which the shipped lexicon is chosen."""
        both = LexiconTally()
        both.capitalised = self.capitalised + other.capitalised
        both.seen = self.seen + other.seen
        return both

    def lexicon(self) -> CaseLexicon:
        """The runs seen at least `LEXICON_MIN_COUNT` times whose commonest pattern holds a capital and covers at
        least `LEXICON_AGREEMENT` of them."""
        best: dict[str, tuple[int, str]] = {}
        for key, n in self.capitalised.items():
            run, _, case = key.partition("\t")
            if n > best.get(run, (0, ""))[0]:
                best[run] = (n, case)
        return CaseLexicon(
            {
                run: case
                for run, (n, case) in best.items()
                if self.seen[run] >= LEXICON_MIN_COUNT and n >= LEXICON_AGREEMENT * self.seen[run]
            }
        )


def lexicon_candidates(tallies: Sequence[LexiconTally]) -> set[str]:
    """Runs whose commonest capitalised pattern, over all `tallies`, is frequent enough that the run could enter
    a lexicon (of any one of them or of all together): the only runs the second pass counts."""
    least = math.ceil(LEXICON_AGREEMENT * LEXICON_MIN_COUNT)
    summed: Counter[str] = Counter()
    for tally in tallies:
        summed.update(tally.capitalised)
    return {key.partition("\t")[0] for key, n in summed.items() if n >= least}


def _write_gzipped(path: Path, rows: Sequence[str]) -> None:
    """Deterministic gzip (no timestamp nor file name), so a shipped file is reproducible."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as f:
        f.write("".join(rows).encode("utf-8"))
