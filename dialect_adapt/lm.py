"""Vietnamese syllable n-gram language model with interpolated Kneser-Ney smoothing.

Vietnamese is written one syllable per space-separated token, so a syllable n-gram is the natural
unit for both CTC beam search and the choice between dialect spellings. Small corpora (a dictionary,
a glossary, clerk-corrected transcripts) train in seconds in pure Python (`NgramLM`); a large corpus is
counted and pruned by `dialect_adapt.lm_build` into backoff (ARPA) form (`BackoffLM`), which is how the
shipped legal-corpus model is stored. Text is normalised exactly as for scoring (`core.text.normalize_for_scoring`).
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from core.errors import InvalidInputError
from core.files import write_atomic
from core.text import normalize_for_scoring

BOS = "<s>"
EOS = "</s>"
Context = tuple[str, ...]


def sentences(texts: Iterable[str]) -> list[list[str]]:
    """Normalised syllable lists, empty texts dropped."""
    return [words for words in (normalize_for_scoring(t).split() for t in texts) if words]


def _discount(counts: Iterable[int]) -> float:
    """Ney's estimate D = n1 / (n1 + 2 n2), kept inside (0.1, 0.9)."""
    histogram = Counter(counts)
    n1, n2 = histogram.get(1, 0), histogram.get(2, 0)
    return min(0.9, max(0.1, n1 / (n1 + 2 * n2))) if n1 + n2 else 0.5


class LanguageModel(Protocol):
    """What beam search and the dialect corrector ask of a syllable LM."""

    order: int
    vocabulary: frozenset[str]

    def logprob(self, word: str, context: Context) -> float: ...


class _Scoring:
    order: int
    logprob: Callable[[str, Context], float]

    def score(self, words: Sequence[str], *, bos: bool = True, eos: bool = True) -> float:
        """Natural log probability of a syllable sequence."""
        context: Context = (BOS,) * (self.order - 1) if bos else ()
        total = 0.0
        for word in [*words, EOS] if eos else words:
            total += self.logprob(word, context)
            context = (*context, word)[-(self.order - 1) :] if self.order > 1 else ()
        return total


class NgramLM(_Scoring):
    """Interpolated Kneser-Ney; unknown syllables get the uniform share of the unigram level."""

    def __init__(self, order: int, tables: list[dict[Context, dict[str, int]]], discounts: list[float]) -> None:
        """`tables[k]`: for contexts of length k, counts (raw at the top order, continuation below) of each word."""
        self.order = order
        self.tables = tables
        self.discounts = discounts
        self.totals = [{h: sum(ws.values()) for h, ws in table.items()} for table in tables]
        self.vocabulary = frozenset(tables[0].get((), {}))
        self.logprob = lru_cache(maxsize=1 << 20)(self._logprob)

    @classmethod
    def train(cls, corpus: Iterable[Sequence[str]], order: int = 3) -> NgramLM:
        if order < 1:
            raise InvalidInputError("bậc của mô hình ngôn ngữ phải từ 1 trở lên (n-gram order must be >= 1)")
        top: dict[Context, Counter[str]] = defaultdict(Counter)
        for words in corpus:
            padded = [BOS] * (order - 1) + list(words) + [EOS]
            for i in range(order - 1, len(padded)):
                top[tuple(padded[i - order + 1 : i])][padded[i]] += 1
        if not top:
            raise InvalidInputError("kho văn bản trống (the language model needs some text)")
        tables: list[dict[Context, dict[str, int]]] = [{} for _ in range(order)]
        tables[order - 1] = {h: dict(ws) for h, ws in top.items()}
        for k in range(order - 1, 0, -1):  # continuation counts: distinct left extensions
            lower: dict[Context, Counter[str]] = defaultdict(Counter)
            for h, ws in tables[k].items():
                for w in ws:
                    lower[h[1:]][w] += 1
            tables[k - 1] = {h: dict(ws) for h, ws in lower.items()}
        discounts = [_discount(c for ws in table.values() for c in ws.values()) for table in tables]
        return cls(order, tables, discounts)

    def _logprob(self, word: str, context: Context) -> float:
        """Natural log P(word | context); the context is cut to the model's order."""
        context = context[len(context) - self.order + 1 :] if self.order > 1 else ()
        unigrams = self.tables[0].get((), {})
        types = len(unigrams)
        total = self.totals[0].get((), 1)
        d = self.discounts[0]
        p = max(unigrams.get(word, 0) - d, 0) / total + d * types / total / (types + 1)
        for k in range(1, len(context) + 1):
            h = context[len(context) - k :]
            ws = self.tables[k].get(h)
            if not ws:
                continue
            total, d = self.totals[k][h], self.discounts[k]
            p = max(ws.get(word, 0) - d, 0) / total + d * len(ws) / total * p
        return math.log(p)

    def save(self, path: str | Path) -> None:
        payload = {
            "order": self.order,
            "discounts": self.discounts,
            "tables": [[[list(h), ws] for h, ws in table.items()] for table in self.tables],
        }
        # Written aside and renamed: workers starting together may each train and save the default model,
        # and none of them may read another's half-written file.
        write_atomic(Path(path), gzip.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8")))

    @classmethod
    def load(cls, path: str | Path) -> NgramLM:
        try:
            with gzip.open(path, "rt", encoding="utf-8") as f:
                payload = json.load(f)
        except (OSError, ValueError) as exc:
            message = f"không đọc được mô hình ngôn ngữ {path} (unreadable language model): {exc}"
            raise InvalidInputError(message) from exc
        tables = [{tuple(h): ws for h, ws in table} for table in payload["tables"]]
        return cls(int(payload["order"]), tables, [float(d) for d in payload["discounts"]])


UNK = "<unk>"
_LN10 = math.log(10.0)


class BackoffLM(_Scoring):
    """An n-gram in backoff (ARPA) form: stored n-grams with their probability, contexts with a backoff weight.

    The form large corpora are pruned and shipped in (`dialect_adapt.lm_build`); a query is a few dict
    look-ups. The file is a gzipped ARPA text (log10), so other tools (KenLM, pyctcdecode) can read it too.
    """

    def __init__(self, order: int, ngrams: dict[Context, tuple[float, float]]) -> None:
        """`ngrams`: n-gram -> (natural log probability, natural log backoff weight); `(UNK,)` must be there."""
        self.order = order
        self.ngrams = ngrams
        self.unknown = ngrams[(UNK,)][0]
        self.vocabulary = frozenset(h[0] for h in ngrams if len(h) == 1 and h[0] not in (BOS, UNK))
        self.logprob = lru_cache(maxsize=1 << 20)(self._logprob)

    def _logprob(self, word: str, context: Context) -> float:
        """Natural log P(word | context): the longest stored n-gram, with the backoff weights of longer contexts."""
        context = context[len(context) - self.order + 1 :] if self.order > 1 else ()
        backoff = 0.0
        for k in range(len(context), -1, -1):
            history = context[len(context) - k :]
            found = self.ngrams.get((*history, word))
            if found is not None:
                return backoff + found[0]
            if k:
                stored = self.ngrams.get(history)
                if stored is not None:
                    backoff += stored[1]
        return backoff + self.unknown

    def save(self, path: str | Path) -> None:
        """Gzipped ARPA, written aside and renamed."""
        by_order: list[list[str]] = [[] for _ in range(self.order)]
        for ngram, (logp, backoff) in self.ngrams.items():
            line = f"{logp / _LN10:.4f}\t{' '.join(ngram)}"
            by_order[len(ngram) - 1].append(f"{line}\t{backoff / _LN10:.4f}" if backoff else line)
        parts = ["", "\\data\\", *(f"ngram {n + 1}={len(lines)}" for n, lines in enumerate(by_order))]
        for n, lines in enumerate(by_order):
            parts += ["", f"\\{n + 1}-grams:", *lines]
        parts += ["", "\\end\\", ""]
        write_atomic(Path(path), gzip.compress("\n".join(parts).encode("utf-8"), mtime=0))

    @classmethod
    def load(cls, path: str | Path) -> BackoffLM:
        ngrams: dict[Context, tuple[float, float]] = {}
        order = 0
        try:
            with gzip.open(path, "rt", encoding="utf-8") as f:
                for raw in f:
                    fields = raw.rstrip("\n").split("\t")
                    if len(fields) < 2:
                        if raw.startswith("ngram "):
                            order = max(order, int(raw[6:].split("=")[0]))
                        continue
                    backoff = float(fields[2]) * _LN10 if len(fields) > 2 else 0.0
                    ngrams[tuple(fields[1].split(" "))] = (float(fields[0]) * _LN10, backoff)
        except (OSError, ValueError, EOFError) as exc:
            message = f"không đọc được mô hình ngôn ngữ {path} (unreadable language model): {exc}"
            raise InvalidInputError(message) from exc
        if not order or (UNK,) not in ngrams:
            raise InvalidInputError(f"mô hình ngôn ngữ {path} không phải ARPA (not an ARPA language model)")
        return cls(order, ngrams)
