"""Dialect-aware correction: spellings that regional pronunciations merge, chosen by the language model.

Each syllable is split into onset, rhyme and tone; a confusion set swaps one part for a sound it
merges with in some accent (Northern tr/ch, s/x, r/d/gi, l/n; Central and Southern d/gi/v, final
n/ng, t/c and nh/n, the hỏi/ngã tones). A variant replaces the heard syllable only if it is a known
syllable and the LM finds the phrase around it more probable by at least `margin` (natural log):
the recogniser is trusted unless the model is confident.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from asr.readable import TONE_MARKS
from core.text import nfc
from dialect_adapt.lm import BOS, EOS, LanguageModel

_HOI, _NGA = "\u0309", "\u0303"
_TONES = frozenset(TONE_MARKS)
_ONSETS = (
    *("ngh", "ng", "nh", "ch", "tr", "th", "ph", "kh", "gh", "gi", "qu"),
    *("b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x"),
)
_CODAS = ("ng", "nh", "ch", "c", "t", "n", "m", "p", "i", "y", "o", "u")

NORTH_ONSETS = (("tr", "ch"), ("s", "x"), ("r", "d"), ("r", "gi"), ("d", "gi"), ("l", "n"))
SOUTH_ONSETS = (("d", "gi"), ("d", "v"), ("gi", "v"), ("tr", "ch"), ("s", "x"))
SOUTH_CODAS = (("n", "ng"), ("t", "c"), ("n", "nh"), ("t", "ch"))


@dataclass(frozen=True)
class ConfusionSets:
    """Which mergers to undo; `for_region` gives the sets of one accent."""

    onsets: tuple[tuple[str, str], ...] = NORTH_ONSETS + SOUTH_ONSETS
    codas: tuple[tuple[str, str], ...] = SOUTH_CODAS
    tones: bool = True
    """Swap hỏi and ngã (merged in Central and Southern speech)."""

    @classmethod
    def for_region(cls, region: str | None) -> ConfusionSets:
        if region == "North":
            return cls(onsets=NORTH_ONSETS, codas=(), tones=False)
        if region in ("Central", "South"):
            return cls(onsets=SOUTH_ONSETS, codas=SOUTH_CODAS, tones=True)
        return cls()


def _split(syllable: str) -> tuple[str, str, str, str]:
    """(onset, nucleus, coda, tone mark) of a lower-case syllable; the nucleus keeps its vowel marks."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = next((c for c in decomposed if c in _TONES), "")
    bare = nfc("".join(c for c in decomposed if c not in _TONES))
    onset = next((o for o in _ONSETS if bare.startswith(o) and len(bare) > len(o)), "")
    if onset == "gi" and not any(v in bare[2:] for v in "aăâeêoôơuưy"):
        onset = "g"  # "gìn": the i is the vowel
    rest = bare[len(onset) :]
    coda = next((c for c in _CODAS if rest.endswith(c) and len(rest) > len(c)), "")
    return onset, rest[: len(rest) - len(coda)], coda, tone


def _join(onset: str, nucleus: str, coda: str, tone: str) -> str:
    spelled = onset + nucleus + coda
    if spelled.startswith("gii"):
        spelled = "gi" + spelled[3:]  # "gi" + "ì" is written "gì"
    bare = unicodedata.normalize("NFD", spelled)
    if not tone:
        return nfc(bare)
    vowels = [i for i, c in enumerate(bare) if c.lower() in "aeiouy"]
    if not vowels:
        return nfc(bare)
    marked = [i for i in vowels if i + 1 < len(bare) and bare[i + 1] in "\u0302\u0306\u031b"]
    # the tone sits on the marked vowel, else the second of two vowels before a coda, else the first
    if marked:
        at = marked[-1] + 1
    elif len(vowels) >= 2 and (coda or nucleus.startswith(("oa", "oe", "uy", "uê", "qu"))):
        at = vowels[1]
    else:
        at = vowels[0]
    return nfc(bare[: at + 1] + tone + bare[at + 1 :])


def _respell(old: str, new: str, nucleus: str) -> str:
    """The nucleus as written after the onset `new`: "v" + "iêt" -> "giết", "gi" + "êt" -> "diết"."""
    if new == "gi" and nucleus.startswith("i") and len(nucleus) > 1:
        return nucleus[1:]
    if old == "gi" and nucleus.startswith("ê"):
        return "i" + nucleus
    return nucleus


def variants(syllable: str, sets: ConfusionSets) -> set[str]:
    """Spellings one merger away from `syllable` (not checked against any vocabulary)."""
    onset, nucleus, coda, tone = _split(syllable)
    out: set[str] = set()
    for a, b in sets.onsets:
        for x, y in ((a, b), (b, a)):
            if onset == x:
                out.add(_join(y, _respell(x, y, nucleus), coda, tone))
    for a, b in sets.codas:
        for x, y in ((a, b), (b, a)):
            if coda == x:
                out.add(_join(onset, nucleus, y, tone))
    if sets.tones and tone in (_HOI, _NGA):
        out.add(_join(onset, nucleus, coda, _NGA if tone == _HOI else _HOI))
    out.discard(syllable)
    return out


@dataclass(frozen=True)
class Correction:
    index: int
    heard: str
    written: str
    gain: float
    """LM log-probability gain of the phrase (natural log)."""


class DialectCorrector:
    def __init__(self, lm: LanguageModel, *, sets: ConfusionSets = ConfusionSets(), margin: float = 4.0) -> None:
        self.lm = lm
        self.sets = sets
        self.margin = margin

    def _local(self, words: Sequence[str], i: int) -> float:
        """Log probability of the words whose n-gram windows contain position i."""
        n = self.lm.order
        padded = [BOS] * (n - 1) + list(words) + [EOS]
        total = 0.0
        for j in range(i + n - 1, min(len(padded), i + 2 * n - 1)):
            total += self.lm.logprob(padded[j], tuple(padded[j - n + 1 : j]))
        return total

    def corrections(self, words: Sequence[str]) -> list[Correction]:
        """Replacements made left to right, each seeing the ones before it."""
        current = list(words)
        made: list[Correction] = []
        for i, heard in enumerate(words):
            options = [v for v in variants(heard, self.sets) if v in self.lm.vocabulary]
            if not options:
                continue
            base = self._local(current, i)
            scored = []
            for option in options:
                trial = [*current[:i], option, *current[i + 1 :]]
                scored.append((self._local(trial, i) - base, option))
            gain, best = max(scored)
            if gain >= self.margin:
                current[i] = best
                made.append(Correction(i, heard, best, gain))
        return made

    def correct(self, text: str) -> str:
        """Text (normalised, space-separated syllables) with confident corrections applied."""
        words = text.split()
        for c in self.corrections(words):
            words[c.index] = c.written
        return " ".join(words)
