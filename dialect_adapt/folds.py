"""Speaker-disjoint folds, stratified by accent region, deterministic.

Every adaptation step (accent classifier, language model, thresholds) is fitted on the other folds
and measured on a fold whose speakers it has never heard. Speakers of each region are dealt to the
folds in turn, largest first, each to the fold with the fewest clips of that region so far; ties go
by a hash of the speaker id, so the split does not depend on the manifest's order.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Sequence

from core.errors import InvalidInputError
from core.manifest import ManifestRow

NO_REGION = "(none)"
"""Region of clips whose manifest leaves it empty."""


def region_of(row: ManifestRow) -> str:
    return row.region or NO_REGION


def assign_folds(rows: Sequence[ManifestRow], k: int = 5) -> dict[str, int]:
    """Speaker -> fold index in [0, k)."""
    if k < 2:
        raise InvalidInputError("cần ít nhất 2 phần (need at least 2 folds)")
    missing = [r.audio_path.name for r in rows if not r.speaker]
    if missing:
        raise InvalidInputError(f"thiếu mã người nói (clips without a speaker id): {', '.join(missing[:5])}")
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        labels[row.speaker][region_of(row)] += 1
    clips = {s: sum(c.values()) for s, c in labels.items()}
    # a few speakers carry two region labels: the one on most of their clips wins (then by name)
    regions = {s: min(c, key=lambda r: (-c[r], r)) for s, c in labels.items()}
    if len(clips) < k:
        raise InvalidInputError(f"chỉ có {len(clips)} người nói, không đủ cho {k} phần (fewer speakers than folds)")

    def tie(speaker: str) -> str:
        return hashlib.sha256(speaker.encode()).hexdigest()

    folds: dict[str, int] = {}
    total = [0] * k
    for region in sorted(set(regions.values())):
        load = [0] * k
        speakers = sorted((s for s in clips if regions[s] == region), key=lambda s: (-clips[s], tie(s)))
        for speaker in speakers:
            fold = min(range(k), key=lambda f: (load[f], total[f], f))
            folds[speaker] = fold
            load[fold] += clips[speaker]
            total[fold] += clips[speaker]
    return folds


def split(rows: Sequence[ManifestRow], folds: dict[str, int], fold: int) -> tuple[list[int], list[int]]:
    """Indices of the training rows (other folds) and the test rows (this fold)."""
    train = [i for i, r in enumerate(rows) if folds[r.speaker] != fold]
    test = [i for i, r in enumerate(rows) if folds[r.speaker] == fold]
    return train, test
