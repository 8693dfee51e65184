"""Building a pruned syllable n-gram from a large corpus (the legal corpus): counted with numpy, shipped small.

The pure-Python trainer (`NgramLM.train`) keeps every n-gram in dicts, which is right for a glossary
but not for 16 M syllables. Here n-grams are packed into 64-bit keys and counted with `np.unique`; the
smoothing is the same interpolated Kneser-Ney (same discounts, same continuation counts, so an
unpruned model gives the same probabilities as `NgramLM`). Pruning drops n-grams counted fewer than
`min_counts` times and moves their discounted mass into the interpolation weight of their context,
which keeps every distribution summing to one. The result is written in backoff (ARPA) form.
KenLM's `lmplz` would do this, but no PyPI package ships it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from asr.legal_corpus import lines
from core.errors import InvalidInputError
from dialect_adapt.lm import BOS, EOS, UNK, BackoffLM, Context, sentences

_BITS = 21
"""Bits per syllable id in a packed key: up to 2 M syllable types, three of them in 63 bits."""


def corpus_sentences(path: Path, extra: Sequence[str] = ()) -> Iterator[list[str]]:
    """Normalised training sentences of the legal corpus (never its development or held-out documents), then `extra`."""
    try:
        for line in lines(path, "train"):
            yield from sentences([line.text])
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"không đọc được kho văn bản {path} (unreadable corpus): {exc}") from exc
    yield from sentences(extra)


def _discount(counts: np.ndarray) -> float:
    """Ney's D = n1 / (n1 + 2 n2), kept inside (0.1, 0.9), as `dialect_adapt.lm`."""
    n1, n2 = int(np.count_nonzero(counts == 1)), int(np.count_nonzero(counts == 2))
    return min(0.9, max(0.1, n1 / (n1 + 2 * n2))) if n1 + n2 else 0.5


def _pack(ids: np.ndarray) -> np.ndarray:
    """Rows of syllable ids -> one int64 key per row (first id in the high bits)."""
    key = np.zeros(len(ids), dtype=np.int64)
    for column in range(ids.shape[1]):
        key = (key << _BITS) | ids[:, column].astype(np.int64)
    return key


def _top_counts(corpus: Iterable[Sequence[str]], order: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Syllable table, and the distinct top-order n-gram keys (padded with BOS/EOS) with their counts."""
    ids: dict[str, int] = {BOS: 0, EOS: 1}
    stream: list[int] = []
    for words in corpus:
        stream.extend([0] * (order - 1))
        stream.extend(ids.setdefault(w, len(ids)) for w in words)
        stream.append(1)
    if not stream:
        raise InvalidInputError("kho văn bản trống (the language model needs some text)")
    if len(ids) >= 1 << _BITS:
        raise InvalidInputError(f"quá nhiều âm tiết khác nhau ({len(ids)}) (too many syllable types)")
    tokens = np.asarray(stream, dtype=np.int64)
    windows = np.lib.stride_tricks.sliding_window_view(tokens, order)
    # a window lies inside one sentence when no EOS precedes its last position and it does not end on BOS
    inside = (windows[:, -1] != 0) & ~(windows[:, :-1] == 1).any(axis=1)
    keys, counts = np.unique(_pack(windows[inside]), return_counts=True)
    return list(ids), keys, counts


def build_backoff_lm(
    corpus: Iterable[Sequence[str]], *, order: int = 3, min_counts: Sequence[int] = (1, 1, 1)
) -> BackoffLM:
    """Interpolated Kneser-Ney over `corpus`, pruned: an n-gram of order k+1 is kept if counted (continuation
    counts below the top order) at least `min_counts[k]` times, or if it is the context of a kept longer one."""
    if not 1 < order <= 3:
        raise InvalidInputError("bậc của mô hình ngôn ngữ phải là 2 hoặc 3 (order must be 2 or 3)")
    if len(min_counts) < order:
        raise InvalidInputError(f"cần {order} ngưỡng đếm (min_counts needs {order} values)")
    names, top_keys, top_counts = _top_counts(corpus, order)
    # tables[k]: sorted keys of (k+1)-grams and their counts (raw at the top, continuation counts below)
    tables: list[tuple[np.ndarray, np.ndarray]] = [(np.empty(0, np.int64), np.empty(0, np.int64))] * order
    tables[order - 1] = (top_keys, top_counts)
    for k in range(order - 1, 0, -1):
        suffixes = tables[k][0] & ((1 << (_BITS * k)) - 1)
        tables[k - 1] = np.unique(suffixes, return_counts=True)
    discounts = [_discount(counts) for _, counts in tables]

    kept: list[np.ndarray] = [np.empty(0, bool)] * order
    for k in range(order - 1, -1, -1):
        keys, counts = tables[k]
        keep = counts >= (min_counts[k] if k else 1)  # every syllable stays
        if k < order - 1:
            contexts = np.unique(tables[k + 1][0][kept[k + 1]] >> _BITS)
            keep |= np.isin(keys, contexts)
        kept[k] = keep

    ngrams: dict[Context, tuple[float, float]] = {}
    unigram_keys, unigram_counts = tables[0]
    total, types, d = float(unigram_counts.sum()), len(unigram_counts), discounts[0]
    uniform = d * types / total / (types + 1)
    lower_keys = unigram_keys
    lower_p = np.maximum(unigram_counts - d, 0) / total + uniform
    ngrams[(UNK,)] = (math.log(uniform), 0.0)
    for k in range(1, order):
        keys, counts = tables[k]
        d = discounts[k]
        history = keys >> _BITS
        contexts, first, per_context = np.unique(history, return_index=True, return_counts=True)
        totals = np.add.reduceat(counts, first).astype(np.float64)
        kept_mass = np.add.reduceat(np.where(kept[k], counts - d, 0.0), first)
        weight = 1.0 - kept_mass / totals  # unpruned: d * types / total, as Kneser-Ney
        row_weight = np.repeat(weight, per_context)
        suffix = keys & ((1 << (_BITS * k)) - 1)
        lower = lower_p[np.searchsorted(lower_keys, suffix)]
        p = (counts - d) / np.repeat(totals, per_context) + row_weight * lower
        _store(ngrams, names, keys[kept[k]], np.log(p[kept[k]]), k + 1)
        _set_backoff(ngrams, names, contexts, np.log(weight), k)
        # the next order interpolates with this one: every n-gram of this order, pruned ones backed off
        lower_keys, lower_p = _full_distribution(keys, kept[k], p, row_weight, lower)
    _store(ngrams, names, unigram_keys, np.log(np.maximum(unigram_counts - discounts[0], 0) / total + uniform), 1)
    return BackoffLM(order, ngrams)


def _full_distribution(
    keys: np.ndarray, kept: np.ndarray, p: np.ndarray, weight: np.ndarray, lower: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Probabilities of every counted n-gram as the pruned model gives them (kept: stored; pruned: backed off)."""
    return keys, np.where(kept, p, weight * lower)


def _words(names: list[str], key: int, n: int) -> Context:
    mask = (1 << _BITS) - 1
    return tuple(names[(key >> (_BITS * (n - 1 - i))) & mask] for i in range(n))


def _store(
    ngrams: dict[Context, tuple[float, float]], names: list[str], keys: np.ndarray, logp: np.ndarray, n: int
) -> None:
    for key, value in zip(keys.tolist(), logp.tolist(), strict=True):
        words = _words(names, key, n)
        ngrams[words] = (value, ngrams.get(words, (0.0, 0.0))[1])


def _set_backoff(
    ngrams: dict[Context, tuple[float, float]], names: list[str], contexts: np.ndarray, log_weight: np.ndarray, n: int
) -> None:
    """Backoff weights of contexts of length `n`; a context never predicted itself (BOS...) gets -99 (log10)."""
    for key, value in zip(contexts.tolist(), log_weight.tolist(), strict=True):
        if value == 0.0:
            continue
        words = _words(names, key, n)
        logp = ngrams.get(words, (-99.0 * math.log(10.0), 0.0))[0]
        ngrams[words] = (logp, value)
