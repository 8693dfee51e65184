"""CTC prefix beam search over the vietasr posteriors with a syllable LM and hotword boosting.

Greedy decoding takes each frame's best token; here competing prefixes are kept, and each time a
word is completed the language model (weight `alpha`, word bonus `beta`) and the glossary
(`hotword_bonus` per syllable of a glossary phrase matched in order) re-rank them. The result is a
list of `TokenHit`s, like `asr.ctc.greedy_decode`, so word timings and confidences come from the
same `hits_to_words`. Frames where blank is nearly certain are passed over in one step.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from asr.ctc import WORD_MARK, TokenHit
from core.text import normalize_for_scoring
from dialect_adapt.lm import BOS, EOS, LanguageModel

_NEG = -math.inf


def _logadd(a: float, b: float) -> float:
    if a == _NEG:
        return b
    if b == _NEG:
        return a
    m = max(a, b)
    return m + math.log1p(math.exp(-abs(a - b)))


@dataclass(frozen=True)
class BeamSettings:
    beam_width: int = 12
    """Prefixes kept after each frame."""
    alpha: float = 0.5
    """Weight of the language model's log probability."""
    beta: float = 1.0
    """Bonus per word (balances the LM's preference for short outputs)."""
    hotword_bonus: float = 3.0
    """Bonus per glossary syllable matched in order."""
    unknown_penalty: float = -10.0
    """Added (not weighted by alpha) once a word can no longer be one of the LM's or the glossary's syllables.
    Kneser-Ney gives an unseen word about 1/corpus size, more than a real syllable seen once, so without it
    the search glues stray pieces onto words ("hơi sững" -> "hơiững"); as pyctcdecode's `unk_score_offset`."""
    token_min_logp: float = -8.0
    """Tokens less probable than this in a frame are not tried."""
    max_tokens_per_frame: int = 12
    blank_skip_logp: float = -0.001
    """A frame whose blank log posterior is above this only extends prefixes with blank."""


@dataclass
class _Beam:
    hits: tuple[TokenHit, ...]
    words: tuple[str, ...]
    partial: str
    lm: float
    p_blank: float = _NEG
    p_token: float = _NEG

    @property
    def acoustic(self) -> float:
        return _logadd(self.p_blank, self.p_token)


@dataclass
class _Next:
    beam: _Beam
    p_blank: float = _NEG
    p_token: float = _NEG
    first_hit: dict[int, TokenHit] = field(default_factory=dict)


class Hotwords:
    """Glossary phrases as syllable sequences; a word earns the bonus if it extends a phrase's prefix."""

    def __init__(self, phrases: Sequence[str]) -> None:
        self.phrases = [p for p in (tuple(normalize_for_scoring(x).split()) for x in phrases) if p]
        self.longest = max((len(p) for p in self.phrases), default=0)
        self.syllables = frozenset(w for p in self.phrases for w in p)

    def matched(self, words: tuple[str, ...]) -> int:
        """Length of the longest phrase prefix that ends the word sequence (0 if none)."""
        best = 0
        for phrase in self.phrases:
            for n in range(min(len(phrase), len(words)), best, -1):
                if words[-n:] == phrase[:n]:
                    best = n
                    break
        return best


class CtcBeamDecoder:
    """Callable like `greedy_decode`: log posteriors (frames, vocabulary) -> token hits of the best path."""

    def __init__(
        self,
        tokens: Sequence[str],
        *,
        lm: LanguageModel | None = None,
        hotwords: Sequence[str] = (),
        settings: BeamSettings = BeamSettings(),
        blank: int = 0,
    ) -> None:
        self.tokens = list(tokens)
        self.lm = lm
        self.hotwords = Hotwords(hotwords)
        self.settings = settings
        self.blank = blank
        self.starts_word = [t.startswith(WORD_MARK) for t in self.tokens]
        self.pieces = [t.replace(WORD_MARK, "") for t in self.tokens]
        known = (lm.vocabulary | self.hotwords.syllables) if lm is not None else frozenset()
        self.prefixes = frozenset(word[:n] for word in known for n in range(1, len(word) + 1))
        """Every start of a syllable the LM or the glossary knows (empty without an LM: nothing is unknown)."""

    def with_hotwords(self, hotwords: Sequence[str]) -> CtcBeamDecoder:
        """The same decoder biased towards a recording's glossary."""
        return CtcBeamDecoder(self.tokens, lm=self.lm, hotwords=hotwords, settings=self.settings, blank=self.blank)

    def _word_score(self, words: tuple[str, ...]) -> float:
        """LM and hotword score of the last word given the ones before it."""
        s = self.settings
        score = s.beta
        if self.lm is not None:
            context = (BOS,) * (self.lm.order - 1) + words[:-1]
            score += s.alpha * self.lm.logprob(words[-1], context[len(context) - self.lm.order + 1 :])
        if self.hotwords.longest:
            score += s.hotword_bonus * self.hotwords.matched(words)
        return score

    def _unknown_cost(self, before: str, after: str) -> float:
        """The unknown-word penalty, charged once: when the word being spelled stops being the start of any
        known syllable (so a beam spelling one is not ranked above the others until it ends)."""
        if not self.prefixes or after in self.prefixes or (before and before not in self.prefixes):
            return 0.0
        return self.settings.unknown_penalty

    def _extend(self, beam: _Beam, token: int) -> _Beam:
        piece = self.pieces[token]
        if self.starts_word[token] and beam.partial:
            words = (*beam.words, beam.partial)
            return _Beam(beam.hits, words, piece, beam.lm + self._word_score(words) + self._unknown_cost("", piece))
        partial = beam.partial + piece
        return _Beam(beam.hits, beam.words, partial, beam.lm + self._unknown_cost(beam.partial, partial))

    def _final(self, beam: _Beam) -> float:
        score = beam.acoustic + beam.lm
        words = beam.words
        if beam.partial:
            words = (*words, beam.partial)
            score += self._word_score(words)
        if self.lm is not None and words:
            context = ((BOS,) * (self.lm.order - 1) + words)[-(self.lm.order - 1) :] if self.lm.order > 1 else ()
            score += self.settings.alpha * self.lm.logprob(EOS, context)
        return score

    def __call__(self, log_probs: np.ndarray) -> list[TokenHit]:
        s = self.settings
        beams: dict[tuple[int, ...], _Beam] = {(): _Beam((), (), "", 0.0, p_blank=0.0)}
        for frame in range(log_probs.shape[0]):
            row = log_probs[frame]
            blank_lp = float(row[self.blank])
            if blank_lp > s.blank_skip_logp:
                for beam in beams.values():
                    beam.p_blank, beam.p_token = beam.acoustic + blank_lp, _NEG
                continue
            best = np.argpartition(-row, s.max_tokens_per_frame)[: s.max_tokens_per_frame]
            candidates = [int(c) for c in best if c != self.blank and row[c] >= s.token_min_logp]
            nexts: dict[tuple[int, ...], _Next] = {}
            for key, beam in beams.items():
                here = nexts.get(key)
                if here is None:
                    here = nexts[key] = _Next(beam)
                here.p_blank = _logadd(here.p_blank, beam.acoustic + blank_lp)
                last = key[-1] if key else None
                for c in candidates:
                    lp = float(row[c])
                    if c == last:
                        here.p_token = _logadd(here.p_token, beam.p_token + lp)
                        source = beam.p_blank
                    else:
                        source = beam.acoustic
                    if source == _NEG:
                        continue
                    new_key = (*key, c)
                    target = nexts.get(new_key)
                    if target is None:
                        extended = self._extend(beam, c)
                        extended.hits = (*beam.hits, TokenHit(c, frame, math.exp(lp)))
                        target = nexts[new_key] = _Next(extended)
                    target.p_token = _logadd(target.p_token, source + lp)
            for n in nexts.values():
                n.beam.p_blank, n.beam.p_token = n.p_blank, n.p_token
            ranked = sorted(nexts.items(), key=lambda kv: kv[1].beam.acoustic + kv[1].beam.lm, reverse=True)
            beams = {k: n.beam for k, n in ranked[: s.beam_width]}
        winner = max(beams.values(), key=self._final)
        return list(winner.hits)
